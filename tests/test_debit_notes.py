"""`toolkit invoice debit`: a debit note (nota di debito, TD05) adding an amount to one final
invoice, end to end on the sample: numbered in the invoices' series (art. 26 c. 1 DPR 633/72: a
variation increasing an invoice is an invoice), at the invoice's VAT rate, citing it in print and
in the e-invoice (DatiFattureCollegate), valid against the FatturaPA 1.2.2 schema, in the month's
register and due as the invoice is; refused, exit 2, nothing stored, for a slip."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from desks import customer_cells
from einvoice_factories import billable, invoice
from fatturapa_reading import schema_errors
from sqlalchemy import func, select
from test_commissions_credited import invoiced  # noqa: F401
from test_printing import cli

from toolkit.core.debit_notes import amount_typed, rate_of
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading

TODAY = date(2026, 12, 5)
REASON = "Trasporto non fatturato"


@pytest.fixture
def desk(tmp_path, sample_workbook, ledger_url, rome_today, capsys):
    """The sample with 1 December's orders: FT-2026-00001 (C016, 196,60 + 22 %), FT-2026-00002,
    and FT-2026-00003, C027's under its letter of intent (N3.5) with the stamp duty charged."""
    rome_today(TODAY)
    return december_under_letter_of_intent(tmp_path, sample_workbook, ledger_url, capsys)


def december_under_letter_of_intent(tmp_path, sample_workbook, ledger_url, capsys) -> tuple:
    """The sample with C027 under its letter of intent and 1 December's orders created: what the
    debit note's and the stamp duty's credit tests start from (today set by the caller)."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    customer_cells(workbook, "C027", {"Natura IVA": "N3.5",
                                      "Protocollo dichiarazione d'intento": "26011512345678901-000001",
                                      "Data dichiarazione d'intento": date(2026, 1, 15),
                                      "Importo dichiarazione d'intento": 50000})
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-12-01", "--ledger", ledger_url)[0] == 0
    return workbook, ledger_url


def _json(capsys, desk, *args) -> tuple[int, dict]:
    workbook, url = desk
    code, said = cli(capsys, *args[:2], workbook, *args[2:], "--ledger", url, "--json")
    return code, json.JSONDecoder().raw_decode(said)[0]


def _einvoices(capsys, desk, out) -> int:
    workbook, url = desk
    return cli(capsys, "einvoice", workbook, "--month", "2026-12", "--out", out, "--ledger", url)[0]


def _debit(capsys, desk, *args) -> tuple[int, dict]:
    return _json(capsys, desk, "invoice", "debit", "--reason", REASON, *args)


def _documents(url: str) -> int:
    with reading(open_ledger(url)) as conn:
        return conn.execute(select(func.count()).select_from(schema.invoices)).scalar_one()


def test_a_debit_note_is_numbered_among_the_invoices_due_and_sent_as_td05_citing_its_invoice(capsys, desk, tmp_path):
    workbook, url = desk
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00001", "--amount", "25,50", "--out", tmp_path / "nd.xlsx")
    assert code == 0, said
    note = said["debit_note"]
    assert (note["number"], note["kind"], note["date"]) == ("FT-2026-00004", "debit-note", "2026-12-05")
    assert (note["taxable"], note["vat"], note["total"]) == ("25.50", "5.61", "31.11")
    [row] = [r for r in _json(capsys, desk, "payments", "status")[1]["invoices"] if r["number"] == "FT-2026-00004"]
    assert (Decimal(row["outstanding"]), row["kind"]) == (Decimal("31.11"), "debit-note")

    assert _einvoices(capsys, desk, tmp_path / "xml") == 0
    [xml] = [p for p in (tmp_path / "xml").glob("*.xml") if b"FT-2026-00004" in p.read_bytes()]
    assert schema_errors(xml.read_bytes()) == []
    root = ET.parse(xml).getroot()
    assert root.findtext(".//DatiGeneraliDocumento/TipoDocumento") == "TD05"
    assert [(e.findtext("IdDocumento"), e.findtext("Data")) for e in root.iter("DatiFattureCollegate")] == [
        ("FT-2026-00001", "2026-12-01")]
    assert root.findtext(".//DettaglioLinee/AliquotaIVA") == "22.00"

    sheet = openpyxl.load_workbook(tmp_path / "nd.xlsx").active
    texts = [c for r in sheet.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert "NOTA DI DEBITO n. FT-2026-00004 del 05/12/2026" in texts
    assert "Rif. fattura n. FT-2026-00001 del 01/12/2026" in texts
    assert ("Causale" in texts, REASON in texts, "Periodo" in texts) == (True, True, False)

    assert cli(capsys, "invoice", "export", workbook, "--month", "2026-12", "--out", tmp_path / "reg", "--ledger",
               url)[0] == 0
    register = (tmp_path / "reg" / "registro-2026-12.csv").read_text(encoding="utf-8-sig").splitlines()
    [line] = [x for x in register if x.startswith("FT-2026-00004;")]
    assert ";Nota di debito;" in line and "FT-2026-00001 01/12/2026" in line
    period = register[0].split(";").index("Periodo")
    assert line.split(";")[period] == ""  # not 05/12/2026 – 05/12/2026, as if it billed that day's deliveries
    vat = (tmp_path / "reg" / "registro-iva-2026-12.csv").read_text(encoding="utf-8-sig").splitlines()
    [row] = [x.split(";") for x in vat if x.startswith("FT-2026-00004;")]
    assert row[vat[0].split(";").index("Periodo")] == ""


def test_the_event_log_tells_a_debit_note_as_what_it_is_as_it_tells_a_credit_note(capsys, desk, tmp_path):
    """The ledger's event log logged a debit note's issue and its e-invoice file as an `invoice`'s,
    where a credit note's are a `credit-note`'s: a debit note is logged as `debit-note`."""
    workbook, url = desk
    assert _debit(capsys, desk, "--invoice", "FT-2026-00001", "--amount", "25")[1]["debit_note"]["number"] == \
        "FT-2026-00004"
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", "FT-2026-00002", "--reason", "Reso",
                     "--ledger", url)
    assert code == 0, said
    assert _einvoices(capsys, desk, tmp_path / "xml") == 0
    e = schema.events.c
    with reading(open_ledger(url)) as conn:
        logged = conn.execute(select(e.number, e.action, e.document).where(
            e.action.in_(["invoiced", "einvoice-file"]), e.number.in_(["FT-2026-00001", "FT-2026-00004",
                                                                        "NC-2026-00001"]))).all()
    assert sorted(logged) == [
        ("FT-2026-00001", "einvoice-file", "invoice"), ("FT-2026-00001", "invoiced", "invoice"),
        ("FT-2026-00004", "einvoice-file", "debit-note"), ("FT-2026-00004", "invoiced", "debit-note"),
        ("NC-2026-00001", "einvoice-file", "credit-note"), ("NC-2026-00001", "invoiced", "credit-note")]


def test_a_debit_note_under_a_letter_of_intent_cites_it_and_charges_its_stamp_duty(capsys, desk, tmp_path):
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100")
    assert code == 0, said
    assert (said["debit_note"]["taxable"], said["debit_note"]["total"]) == ("102.00", "102.00")
    assert _einvoices(capsys, desk, tmp_path / "xml") == 0
    [xml] = [p for p in (tmp_path / "xml").glob("*.xml") if b"<Numero>FT-2026-00004<" in p.read_bytes()]
    root = ET.parse(xml).getroot()
    assert schema_errors(xml.read_bytes()) == []
    assert [e.findtext("Natura") for e in root.iter("DettaglioLinee")] == ["N3.5", "N1"]
    assert root.findtext(".//AltriDatiGestionali/RiferimentoTesto") == "26011512345678901-000001"
    assert root.findtext(".//DatiBollo/BolloVirtuale") == "SI"


@pytest.mark.parametrize("args, code, problem", [
    (("--invoice", "FT-2026-00001", "--amount", "10", "--date", "2026-11-30"), 2, "debit-before-invoice"),
    (("--invoice", "FT-2026-00001", "--amount", "10", "--date", "2026-12-06"), 2, "debit-date-in-future"),
    (("--invoice", "FT-2026-00001", "--amount", "10", "--rate", "10"), 2, "debit-unknown-rate"),
    (("--invoice", "FT-2026-00001", "--amount", "1e3"), 2, "usage-error"),
    (("--invoice", "FT-2026-00001", "--amount", "-10"), 2, "usage-error"),
])
def test_a_slip_is_refused_exit_2_storing_nothing(capsys, desk, args, code, problem):
    before = _documents(desk[1])
    got, said = _debit(capsys, desk, *args)
    assert (got, [p["code"] for p in said["problems"]]) == (code, [problem])
    assert said["problems"][0]["message"]
    assert _documents(desk[1]) == before


def test_a_credit_note_is_no_invoice_to_debit(capsys, desk):
    assert _json(capsys, desk, "invoice", "credit", "--invoice", "FT-2026-00001", "--reason", "Reso")[0] == 0
    before = _documents(desk[1])
    code, said = _debit(capsys, desk, "--invoice", "NC-2026-00001", "--amount", "10")
    assert (code, [p["code"] for p in said["problems"]]) == (2, ["debit-of-credit-note"])
    assert "NC-2026-00001" in said["problems"][0]["message"]
    assert "indicato in --invoice" in said["problems"][0]["message"]  # where the fix goes
    assert said["debit_note"] is None and _documents(desk[1]) == before


def test_an_invoice_credited_in_full_is_no_invoice_to_debit(capsys, desk):
    """FT-2026-00001 cancelled by a credit note took a debit note all the same, a supplement to a
    sale no longer standing: refused, naming the note, exit 2, nothing stored. Credited in part,
    it still stands, and its debit note is issued."""
    assert _json(capsys, desk, "invoice", "credit", "--invoice", "FT-2026-00001", "--reason", "Reso")[0] == 0
    before = _documents(desk[1])
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00001", "--amount", "10")
    assert (code, [p["code"] for p in said["problems"]]) == (2, ["debit-of-credited-invoice"])
    assert "NC-2026-00001" in said["problems"][0]["message"]
    assert "Se in --invoice hai indicato la fattura sbagliata" in said["problems"][0]["message"]
    assert said["debit_note"] is None and _documents(desk[1]) == before
    assert _json(capsys, desk, "invoice", "credit", "--invoice", "FT-2026-00002", "--lines", "1", "--reason",
                 "Reso")[0] == 0
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00002", "--amount", "10")
    assert (code, said["debit_note"]["number"]) == (0, "FT-2026-00004")


def test_an_invoice_of_several_rates_asks_which_the_supplement_follows():
    made = invoice(billable("A001", "10", "1.50", "22"), billable("A002", "10", "2.00", "10", line=2))
    refused = rate_of(made, None)
    assert not isinstance(refused, tuple) and refused.code == "debit-rate-needed"
    assert "22, 10" in refused.message("it") and refused.message("en")
    assert rate_of(made, "10%") == (Decimal(10), None)


@pytest.mark.parametrize("typed, read", [("150", Decimal("150.00")), ("150,5", Decimal("150.50")),
                                         ("150.55", Decimal("150.55")), ("1.500,00", None), ("0", None),
                                         ("1e3", None), ("150.555", None)])
def test_the_amount_is_cents_typed_plainly(typed, read):
    assert amount_typed(typed) == read


def test_a_draft_run_in_the_series_is_made_final_or_undone_before_a_debit_note(capsys, tmp_path, sample_workbook,
                                                                                ledger_url, rome_today):
    """April's month end drafted FT-2026-00003…00009: a debit note numbered FT-2026-00010 after them
    left the run no undo (its numbers would leave a gap before a final one), its errors kept."""
    rome_today(date(2026, 5, 5))
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    ledger = ("--ledger", ledger_url)
    for args in (("orders", "create", workbook, "--date", "2026-04-09"), ("ship", workbook, "--date", "2026-04-09",
                 "--all"), ("invoice", "run", workbook, "--month", "2026-04", "--date", "2026-04-30", "--out",
                            tmp_path / "fatture")):
        assert cli(capsys, *args, *ledger)[0] == 0, args
    before = _documents(ledger_url)
    code, said = _json(capsys, (workbook, ledger_url), "invoice", "debit", "--invoice", "FT-2026-00001", "--amount",
                       "10", "--reason", REASON)
    assert (code, [p["code"] for p in said["problems"]]) == (2, ["issued-after-draft-run"])
    assert "FT-2026-00003–FT-2026-00009): un documento definitivo (la nota di debito)" in said["problems"][0]["message"]
    assert "toolkit invoice finalize" in said["problems"][0]["message"]
    assert said["debit_note"] is None and _documents(ledger_url) == before
    run = next(r["run_id"] for r in _json(capsys, (workbook, ledger_url), "invoice", "list")[1]["runs"]
               if r["status"] == "draft")
    assert cli(capsys, "invoice", "undo", workbook, run, *ledger)[0] == 0
    code, said = _json(capsys, (workbook, ledger_url), "invoice", "debit", "--invoice", "FT-2026-00001", "--amount",
                       "10", "--reason", REASON)
    assert (code, said["debit_note"]["number"]) == (0, "FT-2026-00003")


def test_a_debit_note_recorded_and_never_printed_is_not_issued_twice_by_a_command_run_again(capsys, desk, tmp_path):
    """A `--out` killed after its commit leaves the note stored and no file: run again, it charged
    the customer a second time. Refused naming the note and how to print it; `--again` issues it."""
    assert _debit(capsys, desk, "--invoice", "FT-2026-00001", "--amount", "25")[1]["debit_note"]["number"] == \
        "FT-2026-00004"
    before = _documents(desk[1])
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00001", "--amount", "25", "--out", tmp_path / "nd.xlsx")
    assert (code, [p["code"] for p in said["problems"]]) == (2, ["debit-note-repeated-unprinted"])
    assert "--unprinted --numbers FT-2026-00004" in said["problems"][0]["message"]
    assert said["debit_note"] is None and _documents(desk[1]) == before and not (tmp_path / "nd.xlsx").exists()
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00001", "--amount", "25", "--out", tmp_path / "nd.xlsx",
                        "--again")
    assert (code, said["debit_note"]["number"]) == (0, "FT-2026-00005") and (tmp_path / "nd.xlsx").exists()


def test_a_debit_note_never_printed_is_warned_of_by_the_notes_commands_not_as_an_invoice_of_an_order(
        capsys, desk, tmp_path):
    """FT-2026-00004, a debit note recorded and never printed, was named by `orders create --out`
    as an invoice issued with its order or DDT, and by neither `invoice credit --out` nor `invoice
    debit --out`, the commands that print notes: it is named with the notes now."""
    workbook, url = desk
    assert _debit(capsys, desk, "--invoice", "FT-2026-00001", "--amount", "25")[1]["debit_note"]["number"] == \
        "FT-2026-00004"
    warning = "Nota di credito o di debito registrata e mai stampata: FT-2026-00004."
    for args in (("invoice", "debit", workbook, "--invoice", "FT-2026-00002", "--amount", "5", "--reason", REASON,
                  "--out", tmp_path / "nd.xlsx"),
                 ("invoice", "credit", workbook, "--invoice", "FT-2026-00002", "--reason", "Reso", "--out",
                  tmp_path / "nc.xlsx")):
        code, said = cli(capsys, *args, "--ledger", url)
        assert code == 0 and warning in said, said
        assert "--unprinted --numbers FT-2026-00004 " in said
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-12-02", "--out", tmp_path / "o.xlsx",
                     "--ledger", url)
    assert code in (0, 1) and "FT-2026-00004" not in said, said


@pytest.mark.parametrize("amount", ["-10.00", "0", "10.555"])
def test_the_debit_note_service_refuses_an_amount_no_debit_note_adds(ledger, invoiced, amount):  # noqa: F811
    """Only the command line and the panel's cell checked the amount: the service issued a debit
    note of -10.00 €, a credit note numbered and sent as TD05. Refused, nothing stored."""
    from toolkit.ledger import schema
    from toolkit.ledger.db import reading
    from toolkit.services.debit_notes import debit

    done = debit(ledger, invoiced, "FT-2026-00001", Decimal(amount), None, "Prezzo rivisto", date(2026, 5, 5),
                 date(2026, 7, 1), lang="it")
    assert (done.note, [p.code for p in done.problems]) == (None, ["debit-bad-amount"])
    with reading(ledger) as conn:
        assert len(conn.execute(schema.invoices.select()).all()) == 1


def _letter_amount(workbook, amount) -> None:
    """C027's letter of intent declares `amount` from now on."""
    customer_cells(workbook, "C027", {"Importo dichiarazione d'intento": amount})


def test_a_debit_note_past_the_letter_s_amount_is_issued_with_the_goods_vat(capsys, desk, tmp_path):
    """C027's letter declares less than FT-2026-00003 already used: a debit note of 100 € on it is
    a sale beyond the letter (it went N3.5, 102 € with the stamp duty), so it must carry the VAT
    of the goods it adds to; the invoice's are at 22 % and 10 %: refused, exit 2, nothing stored,
    until --rate names one; then 22 %, no stamp duty, no letter cited, warned at the amount."""
    workbook, url = desk
    _letter_amount(workbook, 1)
    before = _documents(url)
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100")
    assert (code, said["debit_note"], _documents(url)) == (2, None, before)
    [refused] = said["problems"]
    assert (refused["code"], refused["sheet"]) == ("letter-of-intent-debit-rates", "Clienti")
    assert "(22, 10)" in refused["message"] and "--rate 22" in refused["message"]
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100", "--rate", "22")
    assert code == 0, [p["message"] for p in said["problems"]]
    assert (said["debit_note"]["taxable"], said["debit_note"]["vat"], said["debit_note"]["total"]) == (
        "100.00", "22.00", "122.00")
    [told] = [p for p in said["problems"] if p["code"] == "letter-of-intent-debit-beyond"]
    assert told["sheet"] == "Clienti" and "(22 %)" in told["message"]
    assert _einvoices(capsys, desk, tmp_path / "xml") == 0
    [xml] = [p for p in (tmp_path / "xml").glob("*.xml") if b"<Numero>FT-2026-00004<" in p.read_bytes()]
    assert schema_errors(xml.read_bytes()) == []
    root = ET.parse(xml).getroot()
    assert [(e.findtext("AliquotaIVA"), e.findtext("Natura")) for e in root.iter("DettaglioLinee")] == [("22.00", None)]
    assert root.find(".//AltriDatiGestionali") is None and root.find(".//DatiBollo") is None


def test_a_debit_note_within_the_letter_s_amount_stays_without_vat(capsys, desk):
    """Within the letter a --rate the invoice does not have is still refused: the note is N3.5."""
    workbook, _ = desk
    _letter_amount(workbook, 100000)
    assert _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100", "--rate", "22")[1]["problems"][0][
        "code"] == "debit-unknown-rate"
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100")
    assert code == 0 and said["debit_note"]["vat"] == "0.00"
    assert not [p for p in said["problems"] if p["code"].startswith("letter-of-intent-debit")]


def test_a_debit_note_on_an_invoice_of_the_customer_s_former_letter_carries_the_goods_vat(capsys, desk):
    """FT-2026-00003 cited C027's letter of January; *Clienti* now has its new letter, of 1
    December: the note follows the invoice's letter, not the new one (which does not cover a sale
    before it), and that letter's amount is no longer on the sheet, so nobody can tell it fits:
    it went N3.5 unchecked. Now refused while the goods' rates are two, naming both letters at the
    protocol, exit 2; with --rate 22, 22 % and the warning; the old letter written back, N3.5."""
    workbook, url = desk
    _letter_amount(workbook, 100000)
    cells = customer_cells(workbook, "C027", {"Protocollo dichiarazione d'intento": "26120112345678901-000009",
                                              "Data dichiarazione d'intento": date(2026, 12, 1)})
    before = _documents(url)
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100")
    assert (code, said["debit_note"], _documents(url)) == (2, None, before)
    [refused] = said["problems"]
    assert (refused["code"], refused["cell"]) == ("letter-of-intent-debit-former-rates",
                                                  cells["Protocollo dichiarazione d'intento"])
    assert "26011512345678901-000001" in refused["message"] and "26120112345678901-000009" in refused["message"]
    assert "--rate 22" in refused["message"]
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100", "--rate", "22")
    assert code == 0 and (said["debit_note"]["vat"], said["debit_note"]["total"]) == ("22.00", "122.00")
    assert [p["code"] for p in said["problems"] if p["code"].startswith("letter-of-intent")] == [
        "letter-of-intent-debit-former"]
    customer_cells(workbook, "C027", {"Protocollo dichiarazione d'intento": "26011512345678901-000001",
                                      "Data dichiarazione d'intento": date(2026, 1, 15)})
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100")
    assert code == 0 and said["debit_note"]["vat"] == "0.00"


@pytest.mark.parametrize("former", [False, True])
def test_a_debit_note_of_the_next_year_on_an_invoice_under_the_letter_carries_the_goods_vat(
        capsys, desk, tmp_path, rome_today, former):
    """FT-2026-00003 went N3.5 under C027's letter of 2026, with 50,000 € left; a debit note on
    it dated January 2027 is an invoice of 2027, which that letter does not cover (its protocol
    still on *Clienti*, or a new letter there): refused while the goods' rates are two, then 22 %
    with the warning at the protocol, no letter cited (it went N3.5, on what the letter left)."""
    workbook, url = desk
    rome_today(date(2027, 1, 8))
    cells = customer_cells(workbook, "C027", {"Protocollo dichiarazione d'intento": "27010512345678901-000002"}
                           if former else {"Protocollo dichiarazione d'intento": "26011512345678901-000001"})
    before = _documents(url)
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100", "--date", "2027-01-08")
    assert (code, said["debit_note"], _documents(url)) == (2, None, before)
    [refused] = said["problems"]
    assert (refused["code"], refused["sheet"], refused["cell"]) == (
        "letter-of-intent-debit-past-year-rates", "Clienti", cells["Protocollo dichiarazione d'intento"])
    assert "(22, 10)" in refused["message"] and "--rate 22" in refused["message"] and "2026" in refused["message"]
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100", "--rate", "22",
                        "--date", "2027-01-08")
    assert code == 0, [p["message"] for p in said["problems"]]
    assert (said["debit_note"]["vat"], said["debit_note"]["total"]) == ("22.00", "122.00")
    [told] = [p for p in said["problems"] if p["code"] == "letter-of-intent-debit-past-year"]
    assert (told["sheet"], told["cell"]) == ("Clienti", cells["Protocollo dichiarazione d'intento"])
    assert "del 2027" in told["message"] and "(22 %)" in told["message"]
    out = tmp_path / "xml"
    assert cli(capsys, "einvoice", workbook, "--month", "2027-01", "--out", out, "--ledger", url)[0] == 0
    [xml] = [p for p in out.glob("*.xml") if b"<Numero>FT-2027-00001<" in p.read_bytes()]
    assert schema_errors(xml.read_bytes()) == []
    root = ET.parse(xml).getroot()
    assert [(e.findtext("AliquotaIVA"), e.findtext("Natura")) for e in root.iter("DettaglioLinee")] == [("22.00", None)]
    assert root.find(".//AltriDatiGestionali") is None


def test_a_debit_note_after_the_letter_s_revocation_on_goods_of_two_rates_is_refused_until_rate(capsys, desk):
    """C027 revoked its letter from 3 December; a note of the 5th on FT-2026-00003 (N3.5, goods at
    22 and 10 %) is an invoice after the revocation: refused at the revocation's cell naming both
    rates and --rate, exit 2, nothing stored; with --rate 22, 22 % and the warning there."""
    workbook, url = desk
    cells = customer_cells(workbook, "C027", {"Dichiarazione d'intento revocata dal": date(2026, 12, 3)})
    before = _documents(url)
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100")
    assert (code, said["debit_note"], _documents(url)) == (2, None, before)
    [refused] = said["problems"]
    assert (refused["code"], refused["sheet"], refused["cell"]) == (
        "letter-of-intent-debit-after-end-rates", "Clienti", cells["Dichiarazione d'intento revocata dal"])
    assert "(22, 10)" in refused["message"] and "--rate 22" in refused["message"]
    assert "03/12/2026" in refused["message"]
    code, said = _debit(capsys, desk, "--invoice", "FT-2026-00003", "--amount", "100", "--rate", "22")
    assert code == 0, [p["message"] for p in said["problems"]]
    assert (said["debit_note"]["vat"], said["debit_note"]["total"]) == ("22.00", "122.00")
    [told] = [p for p in said["problems"] if p["code"] == "letter-of-intent-debit-after-end"]
    assert told["cell"] == cells["Dichiarazione d'intento revocata dal"] and "(22 %)" in told["message"]


def test_a_debit_note_without_out_is_to_print_with_the_command_that_prints_it(capsys, desk, tmp_path):
    """Issued without --out as the desk chose: the answer says it waits for its paper, and the
    command it names prints it (docs/credit-notes.md, *Without `--out`: to print*)."""
    workbook, url = desk
    code, said = cli(capsys, "invoice", "debit", workbook, "--invoice", "FT-2026-00001", "--amount", "25", "--reason",
                     REASON, "--ledger", url)
    assert code == 0, said
    out = workbook.with_name("note-non-stampate.xlsx")
    command = f"toolkit print invoices {workbook} --unprinted --numbers FT-2026-00004 --out {out}"
    assert (f"Da stampare (emessa senza --out): 1 nota di debito (FT-2026-00004). Stampala con: {command}"
            in said.splitlines()), said
    assert cli(capsys, *command.split()[1:], "--ledger", url)[0] == 0
    assert openpyxl.load_workbook(out).sheetnames == ["FT-2026-00004"]
