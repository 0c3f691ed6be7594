"""`toolkit invoice credit`: a credit note against one invoice, for goods never shipped or
billed in error, end to end through the command line on SQLite and PostgreSQL: the note with its
own number, citing the invoice (ledger, print, FatturaPA's DatiFattureCollegate), the order it
gives up closed so it never ships, the customer's balance lowered; never more than what is left
of the invoice, and nothing stored when refused."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from fatturapa_reading import read, schema_errors
from sqlalchemy import func, select
from test_desk_safety import _invoiced_not_shipped
from test_printing import cli

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.exposure import exposures

TODAY = date(2026, 10, 5)
REASON = "Merce mai spedita: il cliente ha annullato l'ordine"


@pytest.fixture
def desk(tmp_path, sample_workbook, ledger_url, rome_today, capsys) -> tuple[Path, str]:
    """The sample master workbook with its ledger (SQLite, then PostgreSQL) and October 1st's
    orders created, some invoiced at once and not shipped; today is 5 October."""
    rome_today(TODAY)
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01", "--ledger", ledger_url)[0] == 0
    return workbook, ledger_url


def toolkit(capsys, desk, verb: str, *args) -> tuple[int, dict]:
    """A verb ("orders list") on the desk's workbook and ledger with `--json`: exit code and answer."""
    workbook, url = desk
    code, said = cli(capsys, *verb.split(), workbook, *args, "--ledger", url, "--json")
    return code, json.loads(said)


def credit(capsys, desk, invoice: str, *args) -> tuple[int, dict]:
    return toolkit(capsys, desk, "invoice credit", "--invoice", invoice, "--reason", REASON, *args)


def count(url: str, table) -> int:
    with reading(open_ledger(url)) as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def status_of(capsys, desk, order: str) -> str:
    code, listed = toolkit(capsys, desk, "orders list")
    return next(o["status"] for o in listed["orders"] if o["number"] == order)


def invoice_row(capsys, desk, number: str) -> dict:
    code, status = toolkit(capsys, desk, "payments status")
    return next(r for r in status["invoices"] if r["number"] == number)


def exposure(url: str, customer: str):
    with reading(open_ledger(url)) as conn:
        return exposures(conn, [customer])[customer]


def test_an_invoice_for_goods_never_shipped_is_credited_in_full_and_its_order_closed(capsys, desk):
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    billed = invoice_row(capsys, desk, invoice)
    customer, total = billed["customer"], Decimal(billed["total"])
    owed = exposure(url, customer).outstanding
    code, out = credit(capsys, desk, invoice, "--date", "2026-10-02")
    assert code == 0, out["problems"]
    note = out["credit_note"]
    assert (note["number"], note["kind"], note["date"], note["customer"], note["status"]) == (
        "NC-2026-00001", "credit-note", "2026-10-02", customer, "final")
    assert Decimal(note["total"]) == -total and out["closed"] == [order]
    assert status_of(capsys, desk, order) == "closed"
    assert exposure(url, customer).outstanding == owed - total
    credited, settling = invoice_row(capsys, desk, invoice), invoice_row(capsys, desk, "NC-2026-00001")
    assert (Decimal(credited["outstanding"]), Decimal(credited["credited"]), credited["paid"]) == (0, total, True)
    assert (Decimal(settling["outstanding"]), Decimal(settling["credited"])) == (0, -total)
    code, shipped = toolkit(capsys, desk, "ship", "--date", "2026-10-05", "--all")
    assert code == 0 and order not in {o for d in shipped["shipped"] for o in d["orders"]}
    code, run = toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--preview")
    assert customer not in {x["customer"] for x in run["invoices"]}, "the credited goods are never billed again"
    with reading(open_ledger(url)) as conn:
        c, i = schema.invoice_citations.c, schema.invoices.c
        cited = conn.execute(select(i.series, i.year, i.number, c.base).join(schema.invoices, i.id == c.invoice_id)
                             ).all()
        reason = conn.execute(select(i.reason).where(i.kind == "credit-note")).scalar_one()
    assert [(f"{s}-{y}-{n:05d}", b) for s, y, n, b in cited] == [(invoice, -Decimal(note["taxable"]))]
    assert reason == REASON


def test_refusals_name_the_invoice_and_what_is_left_and_store_nothing(capsys, desk):
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    assert credit(capsys, desk, invoice)[0] == 0
    stored = count(url, schema.invoices), count(url, schema.invoice_lines), count(url, schema.invoice_citations)
    for asked, code_, said in (
        (("FT-2026-00999",), "credit-unknown-invoice", "Nel registro non c'è la fattura FT-2026-00999 indicata in "
                                                        "--invoice"),
        (("NC-2026-00001",), "credit-of-credit-note", "NC-2026-00001 indicato in --invoice è una nota di credito, "
                                                       "non una fattura"),
        ((invoice,), "credit-nothing-left", f"La fattura {invoice} ("),
        ((invoice, "--lines", "1:1"), "credit-over-invoice", f"La fattura {invoice}, riga 1 ("),
        ((invoice, "--lines", "9"), "credit-unknown-line", f"La fattura {invoice} non ha la riga 9"),
    ):
        code, out = credit(capsys, desk, *asked)
        assert (code, out["credit_note"], [p["code"] for p in out["problems"]]) == (1, None, [code_]), out
        assert out["problems"][0]["message"].startswith(said), out["problems"][0]["message"]
    assert "dalle note di credito NC-2026-00001" in credit(capsys, desk, invoice)[1]["problems"][0]["message"]
    assert "resta da accreditare 0" in credit(capsys, desk, invoice, "--lines", "1:1")[1]["problems"][0]["message"]
    assert (count(url, schema.invoices), count(url, schema.invoice_lines),
            count(url, schema.invoice_citations)) == stored
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--lines", "1:tre", "--reason", "x",
                     "--ledger", url)
    assert code == 2 and "--lines" in said and "Traceback" not in said


def test_crediting_part_of_an_order_still_to_ship_is_refused_naming_what_would_stay_billed(capsys, desk):
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    invoices = count(url, schema.invoices)
    code, out = credit(capsys, desk, invoice, "--lines", "2")
    assert (code, [p["code"] for p in out["problems"]]) == (1, ["credit-leaves-order-billed"])
    message = out["problems"][0]["message"]
    assert f"dell'ordine {order}, che così si chiude" in message and "A037 10 ct" in message
    assert count(url, schema.invoices) == invoices and status_of(capsys, desk, order) == "in-progress"


def test_shipped_goods_are_credited_in_part_line_by_line_never_past_the_invoice(capsys, desk, tmp_path):
    workbook, url = desk
    assert toolkit(capsys, desk, "ship", "--date", "2026-10-01", "--all")[0] == 0
    code, run = toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--date", "2026-10-01", "--final",
                        "--out", tmp_path / "mese")
    deferred = next(x for x in run["invoices"] if x["ddts"] and x["lines"] > 1)
    number = deferred["number"]
    with reading(open_ledger(url)) as conn:
        from toolkit.ledger.invoices import load_invoices

        [invoice] = [x for x in load_invoices(conn) if x.number == number]
    first = invoice.lines[0]
    part = (first.quantity / 2).quantize(Decimal("1"))
    code, out = credit(capsys, desk, number, "--lines", f"1:{part}", "--date", "2026-10-03")
    assert code == 0, out["problems"]
    assert out["closed"] == [] and out["credit_note"]["lines"] == 1
    taxable = -(part * first.unit_price).quantize(Decimal("0.01"))
    assert Decimal(out["credit_note"]["taxable"]) == taxable
    assert Decimal(out["credit_note"]["vat"]) == (taxable * first.vat_rate / 100).quantize(Decimal("0.01"))
    code, rest = credit(capsys, desk, number, "--date", "2026-10-03")
    assert code == 0 and rest["credit_note"]["lines"] == len(invoice.lines)
    assert Decimal(out["credit_note"]["total"]) + Decimal(rest["credit_note"]["total"]) == -invoice.total
    code, again = credit(capsys, desk, number, "--lines", "1:1", "--date", "2026-10-03")
    assert code == 1 and f"riga 1 ({first.item}): resta da accreditare 0 " in again["problems"][0]["message"]


def aging(capsys, desk, tmp_path, to: str) -> dict:
    """The aging report's totals on `to`, per bucket."""
    code, made = toolkit(capsys, desk, "report aging", "--from", "2026-01-01", "--to", to,
                         "--out", tmp_path / f"aging-{to}.xlsx")
    assert code == 0, made["problems"]
    return made


def test_a_credit_note_citing_an_invoice_settles_it_in_monitoring_and_aging(capsys, desk, tmp_path):
    """Credited in part, then in full: the invoice is outstanding for what is left, then for
    nothing and no longer overdue; the notes are no open credit of their own; the aging total
    (the customer's balance) is the same as without the rule, only the buckets move."""
    assert toolkit(capsys, desk, "ship", "--date", "2026-10-01", "--all")[0] == 0
    code, run = toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--date", "2026-10-01", "--final",
                        "--out", tmp_path / "mese")
    invoice = next(x for x in run["invoices"] if x["ddts"] and x["lines"] > 1)["number"]
    total = Decimal(invoice_row(capsys, desk, invoice)["total"])
    before = aging(capsys, desk, tmp_path, "2026-10-05")
    code, part = credit(capsys, desk, invoice, "--lines", "1:1", "--date", "2026-10-02")
    assert code == 0, part["problems"]
    taken = -Decimal(part["credit_note"]["total"])
    row = invoice_row(capsys, desk, invoice)
    assert (Decimal(row["outstanding"]), Decimal(row["credited"]), row["paid"]) == (total - taken, taken, False)
    assert Decimal(invoice_row(capsys, desk, "NC-2026-00001")["outstanding"]) == 0
    code, whole = credit(capsys, desk, invoice, "--date", "2026-10-03")
    assert code == 0, whole["problems"]
    row = invoice_row(capsys, desk, invoice)
    assert (Decimal(row["outstanding"]), Decimal(row["credited"]), row["paid"], row["days_to_due"]) == (
        0, total, True, None)
    code, unpaid = toolkit(capsys, desk, "payments status", "--unpaid")
    assert not {invoice, "NC-2026-00001", "NC-2026-00002"} & {r["number"] for r in unpaid["invoices"]}
    after = aging(capsys, desk, tmp_path, "2026-10-05")
    assert Decimal(after["total"]) == Decimal(before["total"]) - total
    assert Decimal(after["buckets"]["credit"]) == Decimal(before["buckets"]["credit"])


def test_the_status_workbook_shows_the_credited_invoice_and_its_note_settled_as_the_json_does(capsys, desk,
                                                                                               tmp_path):
    """*Da incassare* was `=Totale-Incassato`: the workbook, recalculated on opening, showed the
    credited invoice's total still to collect and the note's as an open credit."""
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    assert credit(capsys, desk, invoice, "--date", "2026-10-02")[0] == 0
    code, status = toolkit(capsys, desk, "payments status", "--out", tmp_path / "pag.xlsx")
    assert code == 0
    said = {r["number"]: r for r in status["invoices"]}
    sheet = openpyxl.load_workbook(tmp_path / "pag.xlsx")["Scadenzario"]
    heads = [c.value for c in sheet[4]]
    credited, outstanding = heads.index("Accreditato"), heads.index("Da incassare")
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=5) if r[0].value in said}
    for number in (invoice, "NC-2026-00001"):
        row = rows[number]
        assert Decimal(str(row[credited].value)) == Decimal(said[number]["credited"]) != 0
        total, collected, taken = (row[c].coordinate for c in (outstanding - 3, outstanding - 2, credited))
        assert row[outstanding].value == f"={total}-{collected}-{taken}"
        assert Decimal(str(row[outstanding - 3].value)) - Decimal(str(row[outstanding - 2].value)) - Decimal(
            str(row[credited].value)) == Decimal(said[number]["outstanding"]) == 0


def test_a_draft_invoice_is_undone_not_credited(capsys, desk, tmp_path):
    assert toolkit(capsys, desk, "ship", "--date", "2026-10-01", "--all")[0] == 0
    code, run = toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--date", "2026-10-01",
                        "--out", tmp_path / "mese")
    code, out = credit(capsys, desk, run["invoices"][0]["number"])
    assert (code, out["exit_code"], [p["code"] for p in out["problems"]]) == (2, 2, ["credit-of-draft-invoice"])
    workbook, url = desk
    assert f"(toolkit invoice undo {workbook} {run['run_id']})" in out["problems"][0]["message"]
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", run["invoices"][0]["number"], "--reason",
                     REASON, "--ledger", url, "--lang", "en")
    assert code == 2 and f"undo the run (toolkit invoice undo {workbook} {run['run_id']})" in " ".join(said.split())


def test_the_credit_note_is_dated_from_its_invoice_to_today_in_number_order(capsys, desk):
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    code, out = credit(capsys, desk, invoice, "--date", "2026-09-30")
    assert [p["code"] for p in out["problems"]] == ["credit-before-invoice"]
    code, out = credit(capsys, desk, invoice, "--date", "2026-10-06")
    assert [p["code"] for p in out["problems"]] == ["credit-date-in-future"]
    code, out = toolkit(capsys, desk, "payments status")
    other = next(r["number"] for r in out["invoices"] if r["number"] != invoice and r["kind"] == "invoice")
    assert credit(capsys, desk, other, "--date", "2026-10-04")[0] == 0
    stored = count(url, schema.invoices)
    code, out = credit(capsys, desk, invoice, "--date", "2026-10-03")
    assert [p["code"] for p in out["problems"]] == ["credit-date-out-of-sequence"]
    assert out["problems"][0]["message"] == (
        "La nota di credito NC-2026-00002 sarebbe datata 03/10/2026, prima della NC-2026-00001 del 04/10/2026 già "
        "emessa: nella serie NC 2026 i numeri seguono le date, quindi non è stato registrato nulla. Indica con --date "
        "un giorno dal 04/10/2026 in poi.")
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", REASON, "--date",
                     "2026-10-03", "--ledger", url, "--lang", "en")
    assert code == 1 and ("Credit note NC-2026-00002 would be dated 03/10/2026, before NC-2026-00001 of 04/10/2026"
                          in " ".join(said.split())) and "Settings" not in said
    assert count(url, schema.invoices) == stored


def test_the_registers_rif_fattura_names_the_invoice_a_credit_note_corrects(capsys, desk, tmp_path):
    """The accountant matches the note to the invoice it reverses from the register alone: the
    sheet's and the CSV's "Rif. fattura" column, blank for the invoices."""
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    issued = date.fromisoformat(invoice_row(capsys, desk, invoice)["date"])
    assert credit(capsys, desk, invoice, "--date", "2026-10-02")[0] == 0
    code, said = cli(capsys, "invoice", "export", workbook, "--month", "2026-10", "--out", tmp_path / "registro",
                     "--ledger", url)
    assert code == 0, said
    sheet = openpyxl.load_workbook(tmp_path / "registro" / "fatture-2026-10.xlsx")["Registro"]
    heads = [c.value for c in sheet[3]]
    at = heads.index("Rif. fattura")
    assert heads[at - 1:at + 2] == ["Documenti di trasporto", "Rif. fattura", "File XML"]
    cited = {row[0]: row[at] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert cited["NC-2026-00001"] == f"{invoice} {issued:%d/%m/%Y}"
    assert cited[invoice] is None
    lines = (tmp_path / "registro" / "registro-2026-10.csv").read_text(encoding="utf-8-sig").splitlines()
    rows = {row.split(";")[0]: row.split(";") for row in lines}
    cites = rows["Numero"].index("Rif. fattura")
    assert rows["Numero"][cites + 1] == "File XML"
    assert rows["NC-2026-00001"][cites] == f"{invoice} {issued:%d/%m/%Y}"
    assert rows[invoice][cites] == ""


def test_the_credit_note_is_in_the_register_its_xml_cites_the_invoice_and_its_print_says_so(capsys, desk, tmp_path):
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    issued = invoice_row(capsys, desk, invoice)["date"]
    code, out = credit(capsys, desk, invoice, "--date", "2026-10-02", "--out", tmp_path / "nota.xlsx")
    assert code == 0 and out["file"] == str(tmp_path / "nota.xlsx")
    code, written = toolkit(capsys, desk, "einvoice", "--month", "2026-10", "--out", tmp_path / "xml")
    [path] = [Path(f["file"]) for f in written["files"] if f["invoice"] == "NC-2026-00001"]
    assert schema_errors(path) == []
    got = read(path)
    assert (got.kind, got.linked) == ("TD04", ((invoice, date.fromisoformat(issued)),))
    general = ET.parse(path).getroot().find("FatturaElettronicaBody/DatiGenerali/DatiGeneraliDocumento")
    assert general.findtext("Causale") == REASON
    code, said = cli(capsys, "invoice", "export", workbook, "--month", "2026-10", "--out", tmp_path / "registro",
                     "--ledger", url)
    assert code == 0, said
    register = openpyxl.load_workbook(tmp_path / "registro" / "fatture-2026-10.xlsx", read_only=True)
    rows = [[c for c in row if c is not None] for sheet in register.worksheets for row in sheet.iter_rows(values_only=True)]
    assert any("NC-2026-00001" in row for row in rows)
    pdf = tmp_path / "stampa.pdf"
    code, said = cli(capsys, "print", "invoices", workbook, "--numbers", "NC-2026-00001", "--out",
                     pdf.with_suffix(".xlsx"), "--pdf", "--ledger", url)
    assert code == 0, said
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    day = date.fromisoformat(issued)
    assert "NOTA DI CREDITO n. NC-2026-00001 del 02/10/2026" in text
    assert f"Rif. fattura n. {invoice} del {day:%d/%m/%Y}" in text
    assert f"Causale {REASON}" in text


def test_out_never_prints_over_an_earlier_notes_file(capsys, desk, tmp_path):
    """`--out` names the file, but one holding the ledger's invoices or credit notes is an
    earlier note's, perhaps not printed yet: refused as `ship --out` refuses, exit 2, no note
    stored, the file as it was. A user's own workbook is refused too: `--out` replaces only the
    toolkit's own file of the same kind."""
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    nota = tmp_path / "nota.xlsx"
    assert credit(capsys, desk, invoice, "--date", "2026-10-02", "--out", nota)[0] == 0
    code, out = toolkit(capsys, desk, "payments status")
    other = next(r["number"] for r in out["invoices"] if r["number"] != invoice and r["kind"] == "invoice")
    stored = count(url, schema.invoices)
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", other, "--reason", REASON, "--date",
                     "2026-10-03", "--out", nota, "--ledger", url)
    said = " ".join(said.split())
    assert code == 2 and count(url, schema.invoices) == stored
    assert (f"Il file {nota} contiene già documenti del registro, 1 nota di credito (NC-2026-00001)" in said
            and "Nulla è stato registrato. Scegli un altro nome per --out" in said), said
    assert openpyxl.load_workbook(nota).sheetnames == ["NC-2026-00001"]
    notes = tmp_path / "appunti.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "NC-2026-99999"
    book.save(notes)
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", other, "--reason", REASON, "--date",
                     "2026-10-03", "--out", notes, "--ledger", url)
    assert code == 2 and count(url, schema.invoices) == stored
    assert f"Il file {notes} esiste già e non è un file «fatture» scritto da toolkit" in " ".join(said.split())
    assert openpyxl.load_workbook(notes).sheetnames == ["NC-2026-99999"]
    code, out = credit(capsys, desk, other, "--date", "2026-10-03", "--out", tmp_path / "nota-2.xlsx")
    assert code == 0 and out["credit_note"]["number"] == "NC-2026-00002"


def test_partial_notes_then_the_rest_add_up_to_the_invoice_cent_for_cent(capsys, desk, tmp_path):
    """Each partial note rounds its own VAT; the note that empties the invoice takes the VAT left
    per rate, so the notes sum to the invoice's taxable, VAT and total exactly."""
    from toolkit.basics.money import cents
    from toolkit.core.lines import line_amount
    from toolkit.ledger.invoices import load_invoices

    workbook, url = desk
    assert toolkit(capsys, desk, "ship", "--date", "2026-10-01", "--all")[0] == 0
    code, run = toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--date", "2026-10-01", "--final",
                        "--out", tmp_path / "mese")
    with reading(open_ledger(url)) as conn:
        invoices = [x for x in load_invoices(conn) if x.deliveries and x.status.value == "final"]

    def drifting(line) -> Decimal | None:
        """A quantity whose VAT, rounded on three notes, is more than the VAT of the three together."""
        for n in range(1, 400):
            q = Decimal(n) / 1000
            amount = line_amount(q, line.unit_price)
            if 3 * q < line.quantity and 3 * cents(amount * line.vat_rate / 100) != cents(
                    3 * amount * line.vat_rate / 100):
                return q
        return None

    invoice, line, part = next((x, line, q) for x in invoices for line in x.lines
                               if line.vat_rate and (q := drifting(line)) is not None)
    notes = [credit(capsys, desk, invoice.number, "--lines", f"{line.line_no}:{part}", "--date", "2026-10-03")
             for _ in range(3)]
    notes.append(credit(capsys, desk, invoice.number, "--date", "2026-10-03"))
    assert [code for code, _ in notes] == [0, 0, 0, 0], [out["problems"] for _, out in notes]
    for figure, whole in (("taxable", invoice.taxable), ("vat", invoice.vat), ("total", invoice.total)):
        assert sum(Decimal(out["credit_note"][figure]) for _, out in notes) == -whole, figure
    for _, out in notes:
        assert abs(Decimal(out["credit_note"]["vat"])
                   - cents(Decimal(out["credit_note"]["taxable"]) * line.vat_rate / 100)) <= Decimal("0.01")


@pytest.mark.parametrize("asked", ["1:1,5", "1:1e2", "1:1E-1", "1:-1", "1:1,000", "2,1:5,3"])
def test_lines_a_decimal_comma_or_an_exponent_could_misread_are_refused_storing_nothing(capsys, desk, asked):
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    stored = count(url, schema.invoices), count(url, schema.invoice_lines)
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--lines", asked, "--reason", REASON,
                     "--ledger", url)
    said = " ".join(said.replace("│", " ").split())
    assert code == 2 and "--lines" in said and "Traceback" not in said, said
    if asked in ("1:1,5", "2,1:5,3"):
        piece, line, quantity, number = {"1:1,5": ("1:1,5", 1, 1, 5), "2,1:5,3": ("1:5,3", 1, 5, 3)}[asked]
        assert f"«{piece}» è ambiguo: per {quantity},{number} unità della riga {line} scrivi " \
               f"{line}:{quantity}.{number} (il punto per i decimali)" in said, said
        assert f"put it first: {number},{line}:{quantity}" in said, said
    else:
        assert "niente esponente" in said and "no exponent" in said, said
    assert (count(url, schema.invoices), count(url, schema.invoice_lines)) == stored


def test_lines_whole_first_then_quantities_with_a_decimal_point():
    from toolkit.core.credit_notes import parse_lines

    assert parse_lines("5, 1:1.5,2:3") == [(5, None), (1, Decimal("1.5")), (2, Decimal("3"))]


def test_a_bare_number_after_a_quantity_with_decimals_is_a_whole_line():
    """`1:1.5,4`: the quantity has its decimals already, so 4 cannot be more of them: line 4 whole."""
    from toolkit.core.credit_notes import parse_lines

    assert parse_lines("1:1.5,4") == [(1, Decimal("1.5")), (4, None)]
    assert parse_lines("3:0.25, 2") == [(3, Decimal("0.25")), (2, None)]


@pytest.mark.parametrize("typed", ["1:1,5", "1:1,05", "3:12,999", "2:7, 4"])
def test_each_way_an_ambiguous_lines_refusal_suggests_is_a_valid_lines_value(typed):
    from toolkit.core.credit_notes import AmbiguousLines, parse_lines

    with pytest.raises(AmbiguousLines) as refused:
        parse_lines(typed)
    line, _, rest = typed.partition(":")
    quantity, _, number = (part.strip() for part in rest.partition(","))
    assert parse_lines(refused.value.as_decimals) == [(int(line), Decimal(f"{quantity}.{number}"))]
    assert parse_lines(refused.value.as_lines) == [(int(number), None), (int(line), Decimal(quantity))]


def test_a_deferred_invoice_credited_by_quantity_then_a_whole_line_after_decimals(capsys, desk, tmp_path):
    """`--lines 1:0.5,2` through the command: half a unit of line 1 and all of line 2, one note."""
    number, invoice = _deferred(capsys, desk, tmp_path)
    code, out = credit(capsys, desk, number, "--lines", "1:0.5,2", "--date", "2026-10-03")
    assert code == 0, out["problems"]
    assert out["credit_note"]["lines"] == 2 and out["invoice"] == number
    second = invoice.lines[1]
    taxable = -(Decimal("0.5") * invoice.lines[0].unit_price).quantize(Decimal("0.01")) - second.amount
    assert Decimal(out["credit_note"]["taxable"]) == taxable


def test_a_refusal_of_more_than_a_line_has_names_only_the_notes_that_credited_that_line(capsys, desk, tmp_path):
    """A first note takes 1 unit of line 1; asking line 2 for more than it ever had was refused
    saying that note «took back part of it already», when it never touched line 2: the desk
    looks for a credit that is not there. Line 2's refusal names no note; line 1's names it."""
    number, invoice = _deferred(capsys, desk, tmp_path)
    code, first = credit(capsys, desk, number, "--lines", "1:1", "--date", "2026-10-03")
    assert code == 0, first["problems"]
    note = first["credit_note"]["number"]
    code, out = credit(capsys, desk, number, "--lines", f"2:{invoice.lines[1].quantity + 1}", "--date", "2026-10-03")
    [problem] = out["problems"]
    assert (code, problem["code"]) == (1, "credit-over-invoice")
    assert problem["message"].startswith(f"La fattura {number}, riga 2 (") and note not in problem["message"]
    code, out = credit(capsys, desk, number, "--lines", f"1:{invoice.lines[0].quantity}", "--date", "2026-10-03")
    assert (code, out["problems"][0]["code"]) == (1, "credit-over-invoice")
    assert f"Ne hanno già accreditato una parte le note di credito {note}." in out["problems"][0]["message"]


def _deferred(capsys, desk, tmp_path):
    """October shipped and invoiced final on 1 October; a deferred invoice of two lines or
    more, line 1 of at least 2 units: its number and the invoice."""
    from toolkit.ledger.invoices import load_invoices

    workbook, url = desk
    assert toolkit(capsys, desk, "ship", "--date", "2026-10-01", "--all")[0] == 0
    code, run = toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--date", "2026-10-01", "--final",
                        "--out", tmp_path / "mese")
    with reading(open_ledger(url)) as conn:
        found = {x.number: x for x in load_invoices(conn)}
    number = next(x["number"] for x in run["invoices"] if x["ddts"] and x["lines"] > 1
                  and found[x["number"]].lines[0].quantity >= 2)
    return number, found[number]


@pytest.mark.parametrize("asked, quoted, twice", [("1:1,1:1", "1:1,1:1", "1"), ("1,1", "1,1", "1"),
                                                  ("2,1,2:1", "2,2:1", "2"), ("1, 2 ,1:1.5,2", "1,2,1:1.5,2", "1, 2")])
def test_a_line_named_twice_is_refused_as_a_slip_and_the_notes_never_pass_the_invoice(capsys, desk, tmp_path,
                                                                                         asked, quoted, twice):
    """The audit's 449,98 € of notes on a 336,35 € invoice: `--lines 1:6,1:6` took 12 units of a
    line of 10, and `1,1` all of line 1 twice. A line named twice is refused, exit 2, naming it;
    nothing is stored, and the rest of the invoice is then credited to its total, no more."""
    workbook, url = desk
    number, invoice = _deferred(capsys, desk, tmp_path)
    stored = count(url, schema.invoices), count(url, schema.invoice_lines)
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", number, "--lines", asked, "--reason", REASON,
                     "--date", "2026-10-03", "--ledger", url)
    said = " ".join(said.replace("│", " ").split())
    assert code == 2 and "Traceback" not in said, said
    assert f"Riga della fattura indicata più di una volta in --lines ({quoted}): riga {twice}. Nulla è stato " \
           "registrato" in said, said
    assert (count(url, schema.invoices), count(url, schema.invoice_lines)) == stored
    code, out = credit(capsys, desk, number, "--lines", "1:1", "--date", "2026-10-03")
    code_, rest = credit(capsys, desk, number, "--date", "2026-10-03")
    assert (code, code_) == (0, 0), (out["problems"], rest["problems"])
    assert Decimal(out["credit_note"]["total"]) + Decimal(rest["credit_note"]["total"]) == -invoice.total


def test_the_credit_note_refuses_a_line_asked_twice_whoever_asks(capsys, desk, tmp_path, sample_master):
    """The service itself, not only `--lines`: the same line twice in what is asked is refused,
    naming it, nothing stored (the panel and any caller go through it)."""
    from toolkit.services.credit_notes import credit as issue

    workbook, url = desk
    number, invoice = _deferred(capsys, desk, tmp_path)
    stored = count(url, schema.invoices)
    done = issue(open_ledger(url), sample_master, number, [(1, None), (1, None)], REASON,
                 date(2026, 10, 3), TODAY, lang="it")
    assert done.note is None and [p.code for p in done.problems] == ["credit-line-repeated"]
    assert done.problems[0].message("en").startswith("Invoice line named more than once in --lines (1,1): line 1.")
    assert count(url, schema.invoices) == stored


def test_a_reason_is_folded_as_the_e_invoice_folds_texts_and_the_print_and_xml_say_the_same(capsys, desk, tmp_path):
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    stored = count(url, schema.invoices)
    for reason, said in (("Reso 5 € – merce “rotta” ok 😀", "senza 😀: la fattura elettronica non li accetta"),
                         ("Возврат", "without В а в з о р т: the e-invoice cannot carry them"),
                         ("€" * 67, "da 1 a 200 caratteri (€ conta come EUR)")):
        code, out = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", reason,
                        "--ledger", url)
        out = " ".join(out.replace("│", " ").split())
        assert code == 2 and "--reason" in out and said in out and "Traceback" not in out, out
    assert count(url, schema.invoices) == stored
    code, out = toolkit(capsys, desk, "invoice credit", "--invoice", invoice, "--reason", "Reso 5 € – merce “rotta”",
                        "--date", "2026-10-02", "--out", tmp_path / "nota.xlsx")
    assert code == 0, out["problems"]
    folded = 'Reso 5 EUR - merce "rotta"'
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(schema.invoices.c.reason).where(schema.invoices.c.kind == "credit-note")
                            ).scalar_one() == folded
    code, written = toolkit(capsys, desk, "einvoice", "--month", "2026-10", "--out", tmp_path / "xml")
    [path] = [Path(f["file"]) for f in written["files"] if f["invoice"] == "NC-2026-00001"]
    assert schema_errors(path) == []
    general = ET.parse(path).getroot().find("FatturaElettronicaBody/DatiGenerali/DatiGeneraliDocumento")
    assert general.findtext("Causale") == folded
    sheet = openpyxl.load_workbook(tmp_path / "nota.xlsx").worksheets[0]
    assert any(folded in str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)


@pytest.fixture
def discounted(capsys, desk, tmp_path, rome_today) -> tuple[str, str]:
    """October shipped and invoiced on the desk, and its water discount (SV-ACQUA, 10% from the
    first bottle) settled on 31 October; today is 3 November. The invoice a discount note cites
    and that note's number."""
    workbook, url = desk
    book = openpyxl.load_workbook(workbook)
    book["Sconti volume"]["I4"] = 10
    book.save(workbook)
    assert toolkit(capsys, desk, "ship", "--date", "2026-10-01", "--all")[0] == 0
    rome_today(date(2026, 11, 3))
    assert toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--final", "--out", tmp_path / "mese")[0] == 0
    code, settled = toolkit(capsys, desk, "discounts settle", "--period", "2026-10", "--date", "2026-10-31")
    assert code == 0, settled["problems"]
    [settlement] = [s for s in settled["settlements"] if s["customer"] == "C020"]
    [invoice] = settlement["invoices"]
    return invoice, settlement["credit_note"]


def test_a_volume_discount_citing_the_invoice_is_never_credited_a_second_time(capsys, desk, discounted):
    """The demo's double credit: a discount note took 6,61 € off FT-2026-00005 (120,35 € taxable)
    without taking back a line; crediting the whole invoice would pay those 6,61 € back again."""
    workbook, url = desk
    invoice, rebate = discounted
    assert (invoice, rebate) == ("FT-2026-00005", "NC-2026-00001")
    stored = count(url, schema.invoices), count(url, schema.invoice_lines), count(url, schema.invoice_citations)
    code, out = credit(capsys, desk, invoice)
    assert (code, out["credit_note"], [p["code"] for p in out["problems"]]) == (1, None, ["credit-over-discount"])
    assert out["problems"][0]["message"] == (
        "La fattura FT-2026-00005 ha 120,35 € di imponibile; ne sono già stati accreditati 0,00 € da note di credito "
        "e resi e 6,61 € dallo sconto volume (note di credito NC-2026-00001): resta da accreditare al massimo "
        "113,74 € di imponibile, non 120,35 €. Nulla è stato registrato: indica in --lines meno quantità (es. 1:2), "
        "perché la stessa merce non sia rimborsata due volte.")
    assert (count(url, schema.invoices), count(url, schema.invoice_lines),
            count(url, schema.invoice_citations)) == stored
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", REASON, "--lang", "en",
                     "--ledger", url)
    assert code == 1 and ("at most 113.74 € of taxable is left to credit, not 120.35 €. Nothing was stored: ask "
                          "--lines for fewer quantities") in " ".join(said.split())
    code, out = credit(capsys, desk, invoice, "--lines", "2")
    assert code == 0 and Decimal(out["credit_note"]["taxable"]) == Decimal("-54.25"), out["problems"]
    code, out = credit(capsys, desk, invoice)
    assert (code, [p["code"] for p in out["problems"]]) == (1, ["credit-over-discount"])
    assert ("già stati accreditati 54,25 € da note di credito e resi e 6,61 € dallo sconto volume (note di credito "
            "NC-2026-00001): resta da accreditare al massimo 59,49 € di imponibile, non 66,10 €"
            ) in out["problems"][0]["message"]
    code, out = credit(capsys, desk, invoice, "--lines", "3:9")
    assert code == 0 and Decimal(out["credit_note"]["taxable"]) == Decimal("-47.70"), out["problems"]


def test_the_headrooms_of_several_cited_invoices_read_at_once_are_each_invoice_s_own(capsys, desk, discounted):
    """`headrooms` reads every cited invoice's lines and what was taken back of them at once:
    the answer is, invoice by invoice, what `credited_lines` of that invoice alone gives, for
    invoices a line credit touched and ones it did not."""
    from toolkit.core.credit_notes import creditable, headroom
    from toolkit.ledger.credit_notes import credited_lines, discount_shares, headrooms
    from toolkit.ledger.invoices import load_invoices

    invoice, _ = discounted
    assert credit(capsys, desk, invoice, "--lines", "2")[0] == 0
    with reading(open_ledger(desk[1])) as conn:
        invoices = [x for x in load_invoices(conn) if x.kind.value == "invoice"]
        found = headrooms(conn, [x.id for x in invoices if x.id is not None])
        alone = {}
        for x in invoices:
            if x.id in found:
                line_ids, credited, _, _ = credited_lines(conn, x.id)
                alone[x.id] = headroom(x, creditable(x, line_ids, credited), discount_shares(conn, x.id))
    assert len(found) == 2 and found == alone
    [credited] = [room for room in found.values() if room.number == invoice]
    assert sum(r.credited for r in credited.rooms) == Decimal("54.25")


def test_the_headrooms_read_a_discount_note_once_however_many_invoices_it_cites(capsys, desk, discounted,
                                                                                   monkeypatch):
    """A volume discount's note cites every invoice of its period (300 of a year's at L): its
    shares were read by loading the note once per invoice it cites."""
    from sqlalchemy import insert

    from toolkit.ledger import invoices as ledger_invoices
    from toolkit.ledger.credit_notes import headrooms
    from toolkit.ledger.db import writing

    loaded: list[int] = []
    load = ledger_invoices.load_invoices

    def counted(conn, **asked):
        found = load(conn, **asked)
        loaded.extend(x.id for x in found if x.kind.value == "credit-note")
        return found

    ledger = open_ledger(desk[1])
    with writing(ledger) as conn:
        c = schema.invoice_citations.c
        cited = {note: invoice for note, invoice in conn.execute(select(c.credit_note_id, c.invoice_id))}
        [(first, one), (_, other)] = sorted(cited.items())
        conn.execute(insert(schema.invoice_citations).values(credit_note_id=first, invoice_id=other, base=100))
    monkeypatch.setattr(ledger_invoices, "load_invoices", counted)
    with reading(ledger) as conn:
        found = headrooms(conn, [one, other])
    assert len(found) == 2 and sorted(loaded) == sorted(cited)
    assert [share.note for share in found[other].discounts] == ["NC-2026-00001", "NC-2026-00002"]


def test_an_invoice_no_discount_cites_is_still_credited_whole(capsys, desk, discounted):
    invoice, _ = discounted
    billed = invoice_row(capsys, desk, "FT-2026-00001")
    assert billed["customer"] != "C020"
    code, out = credit(capsys, desk, "FT-2026-00001")
    assert code == 0 and Decimal(out["credit_note"]["total"]) == -Decimal(billed["total"]), out["problems"]


def test_a_discount_note_takes_off_each_invoice_its_share_of_the_cited_base():
    """The note's taxable split in proportion of the bases it cites, in cents adding up to it."""
    from toolkit.basics.vocab import PaymentMethod
    from toolkit.core.invoicing import CitedInvoice, Invoice, InvoiceKind, Period
    from toolkit.core.volume_discounts import taken_off

    day = date(2026, 10, 31)
    cites = (CitedInvoice(7, "FT-2026-00007", day, Decimal("100.00")),
             CitedInvoice(9, "FT-2026-00009", day, Decimal("200.00")))
    note = Invoice(InvoiceKind.CREDIT_NOTE, "C020", None, Period(date(2026, 10, 1), day), day, (), (),
                   Decimal("-10.00"), Decimal("-2.20"), Decimal("-12.20"), PaymentMethod.BANK_TRANSFER, "", (),
                   cites=cites)
    assert taken_off(note) == {7: Decimal("3.33"), 9: Decimal("6.67")}


def test_a_discount_note_s_share_of_each_invoice_is_split_by_rate_reading_the_note_once(monkeypatch):
    """Each cited invoice's share split across the note's VAT rates, in cents adding up to it;
    every invoice at once, the note split once: asked an invoice at a time, each split the whole
    note again, quadratic in the invoices cited (a note citing 3,000 took 18 to 22 s)."""
    from toolkit.basics.vocab import PaymentMethod
    from toolkit.core import volume_discounts
    from toolkit.core.invoicing import CitedInvoice, Invoice, InvoiceKind, Period
    from toolkit.core.vat import totals, vat_summary

    day = date(2026, 10, 31)
    summary = tuple(vat_summary([(Decimal("-7.00"), Decimal(22), None), (Decimal("-3.00"), Decimal(10), None)]))

    def note(bases):
        cites = tuple(CitedInvoice(n, f"FT-2026-{n:05d}", day, base) for n, base in enumerate(bases, start=1))
        return Invoice(InvoiceKind.CREDIT_NOTE, "C020", None, Period(date(2026, 10, 1), day), day, (), summary,
                       *totals(summary), PaymentMethod.BANK_TRANSFER, "", (), cites=cites)

    ten, twenty_two = (Decimal(10), None), (Decimal(22), None)
    assert volume_discounts.taken_off_by_rate(note([Decimal("100.00"), Decimal("200.00")])) == {
        1: ((ten, Decimal("1.00")), (twenty_two, Decimal("2.33"))),
        2: ((ten, Decimal("2.00")), (twenty_two, Decimal("4.67")))}
    weighed = []
    real_split = volume_discounts.split
    monkeypatch.setattr(volume_discounts, "split", lambda total, weights: weighed.append(len(weights)) or
                        real_split(total, weights))
    many = note([Decimal(100 + n % 7) for n in range(2000)])
    shares = volume_discounts.taken_off(many)
    weighed.clear()
    by_rate = volume_discounts.taken_off_by_rate(many)
    assert {n: sum(a for _, a in parts) for n, parts in by_rate.items()} == shares
    assert sum(weighed) <= 3 * 2000, "the note's shares split once, then each in its rates"


def test_the_order_views_show_what_a_credit_note_took_back_beside_what_was_invoiced(capsys, desk, tmp_path):
    workbook, url = desk
    assert toolkit(capsys, desk, "ship", "--date", "2026-10-01", "--all")[0] == 0
    code, run = toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--date", "2026-10-01", "--final",
                        "--out", tmp_path / "mese")
    number = next(x for x in run["invoices"] if x["ddts"] and x["lines"] > 1)["number"]
    with reading(open_ledger(url)) as conn:
        from toolkit.ledger.invoices import load_invoices

        [invoice] = [x for x in load_invoices(conn) if x.number == number]
    first = invoice.lines[0]
    order = first.order_number
    part = (first.quantity / 2).quantize(Decimal("1"))
    code, listed = toolkit(capsys, desk, "orders list")
    before = next(o for o in listed["orders"] if o["number"] == order)
    assert Decimal(before["credited"]) == 0 and Decimal(before["invoiced"]) >= first.quantity
    assert credit(capsys, desk, number, "--lines", f"1:{part}", "--date", "2026-10-03")[0] == 0
    code, listed = toolkit(capsys, desk, "orders list")
    after = next(o for o in listed["orders"] if o["number"] == order)
    assert (Decimal(after["invoiced"]), Decimal(after["credited"])) == (Decimal(before["invoiced"]), part)
    assert (after["to_ship"], after["status"]) == (before["to_ship"], before["status"]), "shipping is untouched"
    code, said = cli(capsys, "orders", "list", workbook, "--ledger", url)
    assert code == 0 and "Accreditata" in said
    assert cli(capsys, "panel", workbook, "--all", "--out", tmp_path / "pannello.xlsx", "--ledger", url)[0] == 0
    rows = list(openpyxl.load_workbook(tmp_path / "pannello.xlsx")["Righe"].iter_rows(values_only=True))
    head = rows[0]
    shown = {(r[0], r[1]): (r[head.index("Qtà fatturata")], r[head.index("Qtà accreditata")]) for r in rows[1:]}
    assert shown[order, first.item] == (first.quantity, part)
    assert all(credited == 0 for key, (_, credited) in shown.items() if key != (order, first.item))


def test_a_short_invoice_number_is_credited_and_named_in_full(capsys, desk):
    """`--invoice ft-2026-5` is FT-2026-00005, accepted on purpose as payments take it: the
    answer, text and JSON, names the full number the note cites."""
    workbook, url = desk
    order, invoice = _invoiced_not_shipped(url)
    series, year, number = invoice.split("-")
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", f"{series.lower()}-{year}-{int(number)}",
                     "--reason", REASON, "--date", "2026-10-02", "--ledger", url)
    assert code == 0 and f"Emessa la nota di credito NC-2026-00001 del 02/10/2026 su {invoice}: " in said, said
    code, out = credit(capsys, desk, f"{int(number)}/{year}", "--date", "2026-10-02")
    assert (code, out["invoice"], [p["code"] for p in out["problems"]]) == (1, invoice, ["credit-nothing-left"])
