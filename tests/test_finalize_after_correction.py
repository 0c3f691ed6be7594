"""A draft run is checked, and what the desk corrects on the workbook meanwhile must reach the
final invoices: a run keeps the parties it was drafted with, so a customer's partita IVA or
payment terms fixed on *Clienti* after the draft, or the IBAN on *Impostazioni*, changed nothing, and `invoice
finalize` made final, and `einvoice` sent to SDI, the invoice with the typo. Finalizing now
refuses at the cell, nothing made final, and undoing and running again issues the corrected
invoice (`toolkit.services.drafted_parties`)."""

from __future__ import annotations

import json
import shutil
from xml.etree import ElementTree as etree

import openpyxl
from test_printing import cli

CORRECTED_VAT = "02047290222"
"""A partita IVA with a right check digit that no sample customer has."""



def _finalize_own(said: str) -> list[dict]:
    """Finalize's own problems: the check's warnings on the workbook (the sample's company left in
    *Impostazioni*) are told beside them, as every verb tells them."""
    problems = json.loads(said)["problems"]
    assert sum(p["code"] == "sample-company-left" for p in problems) == 1, problems
    return [p for p in problems if p["code"].startswith("finalize-")]

def _set(workbook, sheet: str, key: str, heading: str, value: str) -> str:
    """Write `value` under `heading` in the row keyed `key`; the value it held."""
    book = openpyxl.load_workbook(workbook)
    ws = book[sheet]
    heads = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key)
    cell = ws.cell(row, heads.index(heading) + 1)
    was, cell.value = cell.value, value
    book.save(workbook)
    return was


def test_a_correction_after_the_draft_refuses_finalize_until_the_run_is_made_again(capsys, tmp_path,
                                                                                  sample_workbook, ledger_url):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    out = tmp_path / "fatture"
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", out, "--json", "--ledger", ledger_url)
    assert code == 0, said
    run_id = json.loads(said)["run_id"]
    rows = [line.split(";") for line in next(out.glob("registro-*.csv")).read_text(encoding="utf-8-sig").splitlines()]
    invoiced = [row[4] for row in rows[1:]]
    number, customer = next((row[0], row[4]) for row in rows[1:] if row[6] and invoiced.count(row[4]) == 1)
    typo = _set(workbook, "Clienti", customer, "Partita IVA", CORRECTED_VAT)

    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--json", "--ledger", ledger_url)
    assert code == 1, said
    [problem] = _finalize_own(said)
    assert (problem["code"], problem["sheet"], problem["cell"][0]) == ("finalize-master-changed", "Clienti", "C")
    assert (f"«Partita IVA» del cliente {customer} ora è «{CORRECTED_VAT}», ma 1 bozza dell'emissione {run_id} "
            f"({number}) porta «{typo}»") in problem["message"]
    assert f"toolkit invoice undo {workbook} {run_id}" in problem["message"]
    code, said = cli(capsys, "einvoice", workbook, "--run", run_id, "--out", tmp_path / "fe", "--ledger", ledger_url)
    assert code != 0 and f"L'emissione {run_id} è in bozza" in said, said

    iban = _set(workbook, "Impostazioni", "IBAN", "Valore", "IT42L1234512345123456789012")
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--lang", "en", "--ledger", ledger_url)
    assert code == 1 and "Impostazioni!B" in said and "“IBAN” on Impostazioni is now" in said, said
    _set(workbook, "Impostazioni", "IBAN", "Valore", iban)
    terms = _set(workbook, "Clienti", customer, "Termini di pagamento", "120FM")
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--json", "--ledger", ledger_url)
    assert code == 1, said
    assert sorted((p["code"], p["cell"][0], p["message"].split(" porta ")[1].split(",")[0])
                  for p in _finalize_own(said)) == [
        ("finalize-master-changed", "C", f"«{typo}»"), ("finalize-master-changed", "N", f"«{terms}»")]

    for args in (("invoice", "undo", workbook, run_id, "--out", out),
                 ("invoice", workbook, "--month", "2026-04", "--final", "--out", out),
                 ("einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "fe")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    buyers = {etree.parse(path).findtext(".//DatiGeneraliDocumento/Numero"): etree.parse(path).findtext(
        ".//CessionarioCommittente/DatiAnagrafici/IdFiscaleIVA/IdCodice") for path in (tmp_path / "fe").glob("*.xml")}
    assert buyers.get(number) == CORRECTED_VAT, buyers


def test_a_run_whose_workbook_is_as_drafted_is_made_final(capsys, tmp_path, sample_workbook, ledger_url):
    """The check reads only what changed: the sample untouched finalizes as always."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all")):
        assert cli(capsys, *args, "--ledger", ledger_url)[0] == 0
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", tmp_path / "f", "--json",
                     "--ledger", ledger_url)
    assert code == 0, said
    run_id = json.loads(said)["run_id"]
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--ledger", ledger_url)
    assert code == 0 and "ora definitiv" in said, said


def _drafted(capsys, workbook, ledger_url, out, *args) -> str:
    """April's orders of the 9th shipped on the 10th and invoiced in a draft run; its id."""
    return str(_draft_run(capsys, workbook, ledger_url, out, *args)["run_id"])


def _draft_run(capsys, workbook, ledger_url, out, *args) -> dict:
    """`_drafted`'s run as `invoice --json` answered: its id and its invoices."""
    for command in (("orders", "create", workbook, "--date", "2026-04-09"),
                    ("ship", workbook, "--date", "2026-04-10", "--all")):
        assert cli(capsys, *command, "--ledger", ledger_url)[0] == 0
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", *args, "--out", out, "--json",
                     "--ledger", ledger_url)
    assert code == 0, said
    return dict(json.loads(said))


def test_what_the_drafts_never_printed_or_print_alike_does_not_refuse_and_a_pec_is_warned_of(
        capsys, tmp_path, sample_workbook, ledger_url):
    """C010's name in capitals, its province in small letters, the seller's name with a blank
    more, and a PEC for C010, whose invoices go by its SDI code and never print one, each
    refused the run as a correction; C019's PEC, where its e-invoice goes and no part of the
    invoice, refused it as its partita IVA would."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    run_id = _drafted(capsys, workbook, ledger_url, tmp_path / "fatture")
    _set(workbook, "Clienti", "C010", "Ragione sociale", "GELATERIA AURORA DI RINALDI ELENA")
    _set(workbook, "Clienti", "C010", "Provincia", "to")
    _set(workbook, "Clienti", "C010", "PEC", "gelateria.aurora@pec.it")
    _set(workbook, "Impostazioni", "Ragione sociale", "Valore", "Forniture  Rossi S.r.l.")
    pec = _set(workbook, "Clienti", "C019", "PEC", "amministrazione@pec.albergoilborgo.it")
    typo = _set(workbook, "Clienti", "C010", "Partita IVA", CORRECTED_VAT)

    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--json", "--ledger", ledger_url)
    assert code == 1, said
    assert sorted((p["code"], p["sheet"], p["cell"][0]) for p in _finalize_own(said)) == [
        ("finalize-master-changed", "Clienti", "C"), ("finalize-pec-changed", "Clienti", "V")]
    _set(workbook, "Clienti", "C010", "Partita IVA", typo)
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--json", "--ledger", ledger_url)
    assert code == 0, said
    reply = json.loads(said)
    [warning] = _finalize_own(said)
    assert reply["finalized"] == 7 and warning["code"] == "finalize-pec-changed", said
    assert (f"«PEC» del cliente C019 ora è «amministrazione@pec.albergoilborgo.it», ma 1 bozza dell'emissione "
            f"{run_id} (FT-2026-00005) porta «{pec}»") in warning["message"]


def test_an_iban_no_draft_prints_does_not_refuse(capsys, tmp_path, sample_workbook, ledger_url):
    """C010 pays cash: its invoice gives no IBAN, and a new one on Impostazioni refused it."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    run_id = _drafted(capsys, workbook, ledger_url, tmp_path / "fatture", "--customer", "C010")
    _set(workbook, "Impostazioni", "IBAN", "Valore", "IT42L1234512345123456789012")
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--json", "--ledger", ledger_url)
    assert code == 0 and json.loads(said)["finalized"] == 1, said


def test_terms_at_delivery_changed_after_the_draft_refuse_it_unless_the_draft_is_paid_cash_on_delivery():
    """The cash-on-delivery rule is the invoice's own (`terms_of`): a draft bearing *CONSEGNA*
    was never read against *Clienti*, so C001's own terms CONSEGNA, changed to 30FM after a
    draft paid by bank transfer, went final at delivery; paid cash on delivery, the draft's
    CONSEGNA is what its invoice states whatever the customer's terms."""
    import minimal

    from toolkit.basics.vocab import PaymentMethod
    from toolkit.intake.validation import check
    from toolkit.services.drafted_parties import drafts_changed

    master = check(minimal.workbook()).master
    drafted = ("FT-2026-00001", "C001", "invoice", None, "CONSEGNA")
    [changed] = drafts_changed(master, "R1", [(*drafted, PaymentMethod.BANK_TRANSFER.value)], "anagrafiche.xlsx")
    assert (changed.code, changed.sheet, changed.cell, changed.is_error) == (
        "finalize-master-changed", "Clienti", "I2", True)
    assert drafts_changed(master, "R1", [(*drafted, PaymentMethod.CASH_ON_DELIVERY.value)], "anagrafiche.xlsx") == []


def test_excluded_months_changed_after_the_draft_refuse_finalize_at_their_cell(capsys, tmp_path, sample_workbook,
                                                                               ledger_url):
    """A desk reading a draft due in a month its customer pays nothing in writes *Mesi esclusi*:
    the draft's dues stayed as drafted, and finalize made them final without a word. Refused at
    the cell, with both dues; the months cleared again (as drafted), the run goes final."""
    from datetime import date

    from toolkit.basics.cells import column_letter
    from toolkit.basics.dates import month_names

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    reply = _draft_run(capsys, workbook, ledger_url, tmp_path / "f")
    run_id = reply["run_id"]
    drafted = next(x for x in reply["invoices"] if len(x["dues"]) == 1 and x["dues"][0]["date"] > x["date"])
    due = date.fromisoformat(drafted["dues"][0]["date"])
    _set(workbook, "Clienti", drafted["customer"], "Mesi esclusi", month_names((due.month,)))
    _set(workbook, "Clienti", drafted["customer"], "Giorno di slittamento", "10")

    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--json", "--ledger", ledger_url)
    assert code == 1, said
    [problem] = json.loads(said)["problems"]
    heads = [c.value for c in openpyxl.load_workbook(workbook)["Clienti"][1]]
    column = column_letter(heads.index("Mesi esclusi") + 1)
    assert (problem["code"], problem["sheet"], problem["cell"].rstrip("0123456789")) == (
        "finalize-dues-moved", "Clienti", column)
    assert f"{due:%d/%m/%Y}" in problem["message"] and f"{drafted['number']}" in problem["message"]
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--json", "--ledger", ledger_url)
    assert code == 1, said

    _set(workbook, "Clienti", drafted["customer"], "Mesi esclusi", None)
    _set(workbook, "Clienti", drafted["customer"], "Giorno di slittamento", None)
    code, said = cli(capsys, "invoice", "finalize", workbook, run_id, "--json", "--ledger", ledger_url)
    assert code == 0 and json.loads(said)["finalized"] == len(reply["invoices"]), said


def test_excluded_months_cleared_after_the_draft_refuse_it_and_a_draft_older_than_moved_dues_does_not():
    """C001 at `30FM`: drafted on 31 July with August excluded (day 10), due 10 September; the
    months cleared since, today's columns make it 31 August, refused at the empty cell. A draft of
    30 April due Sunday 31 May, as drafts were before dues moved off Sundays, goes final as
    drafted when no month moves it today: no column changed."""
    from datetime import date

    import minimal
    from test_due_moves import customers_with

    from toolkit.basics.vocab import PaymentMethod
    from toolkit.intake.validation import check
    from toolkit.services.drafted_parties import dues_moved

    cleared = check(minimal.workbook(customers_with(("C001", None, None)))).master
    august = check(minimal.workbook(customers_with(("C001", "ago", 10)))).master
    assert cleared is not None and august is not None and cleared.customers[0].payment_terms == "30FM"
    drafted = [("FT-2026-00001", "C001", "invoice", None, "30FM", PaymentMethod.BANK_TRANSFER.value)]
    july = {"FT-2026-00001": (date(2026, 7, 31), (date(2026, 9, 10),))}
    [changed] = dues_moved(cleared, "R1", drafted, july, "anagrafiche.xlsx")
    assert (changed.code, changed.sheet, changed.cell, changed.is_error) == ("finalize-dues-moved", "Clienti", "K2",
                                                                             True)
    assert "ora fanno scadere 1 bozza dell'emissione R1 (FT-2026-00001) il 31/08/2026" in changed.message("it")
    assert "il 10/09/2026" in changed.message("it")
    assert dues_moved(august, "R1", drafted, july, "anagrafiche.xlsx") == []
    older = {"FT-2026-00001": (date(2026, 4, 30), (date(2026, 5, 31),))}
    assert dues_moved(cleared, "R1", drafted, older, "anagrafiche.xlsx") == []
    [moved] = dues_moved(check(minimal.workbook(customers_with(("C001", "mag", 10)))).master, "R1", drafted, older,
                         "anagrafiche.xlsx")
    assert "il 10/06/2026" in moved.message("it")


def test_a_letter_retyped_with_the_other_separator_after_the_draft_is_no_change_but_another_letter_is():
    """C001's draft cites its letter with a dash before the progressive; the row was retyped
    with the slash the Agenzia allows too: the same letter (`letter_key`), whose ceiling and
    year the ledger already reads as one, was refused at finalize as a changed cell, the run
    to make again for nothing. Another protocol is a change, refused at its cell."""
    from dataclasses import replace
    from datetime import date

    import minimal
    from test_letter_of_intent import PROTOCOL, _with_letter

    from toolkit.basics.vocab import PaymentMethod
    from toolkit.intake.validation import check
    from toolkit.model.parties import PartyBook
    from toolkit.services.drafted_parties import drafts_changed

    master = check(minimal.workbook(_with_letter(PROTOCOL.replace("-", "/"), date(2026, 1, 15)))).master
    assert master is not None
    today = PartyBook(master).parties("C001")
    assert today.buyer is not None

    def drafted(protocol: str) -> list:
        kept = replace(today, buyer=replace(today.buyer, intent_protocol=protocol))
        return [("FT-2026-00001", "C001", "invoice", kept, master.customers[0].payment_terms,
                 PaymentMethod.BANK_TRANSFER.value)]

    assert drafts_changed(master, "R1", drafted(PROTOCOL), "anagrafiche.xlsx") == []
    [changed] = drafts_changed(master, "R1", drafted("26011512345678901-000002"), "anagrafiche.xlsx")
    assert (changed.code, changed.sheet, changed.cell) == ("finalize-master-changed", "Clienti", "L2")
