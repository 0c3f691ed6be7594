"""The accountant's audit of a month: every figure agrees everywhere it is printed.

The demo's April (month-end runs, immediate invoices, returns' and volume discounts' credit
notes, the stamp duty charged, an exempt service), with a credit note (`invoice credit`, TD04)
and a debit note (`invoice debit`, TD05) of 30 April added, and a month of a public
administration paying by split payment beside a customer under reverse charge: each handed to
the accountant as the commands write it — the month's register (`invoice export --month`, its
*Registro*, *Riepilogo IVA* and *Righe* sheets, `registro-*.csv`, `registro-iva-*.csv`), the
FatturaPA files (`einvoice --month`), `payments status`, `report aging`, `print invoices` — and
read back from the files alone: per document (taxable, VAT per rate, total, stamp duty, amount
to collect), per rate, per month; a credit note negative in the register and the payments,
positive in its XML and on its copy; no document in one and missing from another; a number
never dated before the one it follows; every total row the sum of the rows it shows."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from contextlib import redirect_stdout
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from fatturapa_reading import read
from python_calamine import CalamineWorkbook

from toolkit.cli import app, output
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices

CENT = D("0.01")
ZERO = D(0)
NOTE_KINDS = ("Nota di credito", "Credit note")


def cents(value) -> D:
    """A spreadsheet cell as cents: an empty cell is nothing, a number is refused unless a whole
    number of cents."""
    if value in ("", None):
        return ZERO
    exact = D(repr(float(value)))
    assert abs(exact - exact.quantize(CENT)) < D("0.000001"), value
    return exact.quantize(CENT)


def csv_cents(text: str) -> D:
    return D(text.replace(",", ".")) if text else ZERO


def sheets(path: Path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def table(rows: list[list], first: tuple[str, ...]) -> tuple[list, list[list], list | None]:
    """The heading row (its first cell one of `first`), the rows under it that name something
    in their first cell, and the total row (the first without, but with a figure)."""
    at = next(i for i, row in enumerate(rows) if row and row[0] in first)
    below = rows[at + 1:]
    named = [row for row in below if row[0] not in ("", None, "Totale", "Total")]
    total = next((row for row in below if row[0] in ("", "Totale", "Total") and any(x not in ("", None) for x in row)), None)
    return rows[at], named, total


def csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        head, *rows = list(csv.reader(handle, delimiter=";"))
    return head, rows


def one(folder: Path, *prefixes: str, ext: str = ".xlsx") -> Path:
    [found] = [p for p in folder.iterdir() if p.name.startswith(prefixes) and p.suffix == ext]
    return found


class Month:
    """The month's documents as the accountant reads them, each figure from its file."""

    def __init__(self, folder: Path):
        export = folder / "export"
        self.book = sheets(one(export, "fatture-2", "invoices-2"))
        register, summary, lines = (self.book[name] for name in list(self.book)[:3])
        self.head, rows, self.total = table(register, ("Numero", "Number"))
        self.rows = {row[0]: dict(zip(self.head, row)) for row in rows}
        self.order = [row[0] for row in rows]
        self.taxable, self.vat, self.grand = self.head[8:11]
        self.kind, self.day, self.xml_file = self.head[2], self.head[1], self.head[17]
        self.to_collect, self.stamp = self.head[19], self.head[20]
        self.summary = summary
        self.lines = lines
        self.csv_head, self.csv = csv_rows(one(export, "registro-2", "register-", ext=".csv"))
        self.vat_head, self.vat_csv = csv_rows(one(export, "registro-iva-", "vat-register-", ext=".csv"))
        self.xml = {x.number: (path.name, x) for path in sorted((folder / "xml").glob("*.xml")) for x in [read(path)]}
        self.status = sheets(folder / "status.xlsx")
        self.aging = sheets(folder / "aging.xlsx")
        self.printed = sheets(folder / "print.xlsx")

    def figure(self, number: str, column: str) -> D:
        return cents(self.rows[number][column])

    def sign(self, number: str) -> int:
        return -1 if self.rows[number][self.kind] in NOTE_KINDS else 1


def register_disagreements(m: Month) -> list[str]:
    """The *Registro*'s total row against its rows, its CSV against it, and its order: no number
    of a series dated before the one it follows."""
    found = []
    for column in (m.taxable, m.vat, m.grand, m.to_collect, m.stamp):
        rows = sum((m.figure(n, column) for n in m.rows), ZERO)
        if rows != cents(m.total[m.head.index(column)]):
            found.append(f"Registro {column}: rows {rows}, total row {m.total[m.head.index(column)]}")
    for number in m.rows:
        if m.figure(number, m.taxable) + m.figure(number, m.vat) != m.figure(number, m.grand):
            found.append(f"{number}: taxable + VAT is not its total")
    if [row[0] for row in m.csv] != m.order:
        found.append("registro CSV: not the sheet's documents in its order")
    for row in m.csv:
        for column in (m.taxable, m.vat, m.grand, m.to_collect, m.stamp):
            if csv_cents(row[m.csv_head.index(column)]) != m.figure(row[0], column):
                found.append(f"registro CSV {row[0]} {column}: {row[m.csv_head.index(column)]}")
    series: dict[str, list[tuple[int, date]]] = defaultdict(list)
    for number, row in m.rows.items():
        prefix, progressive = number.rsplit("-", 1)
        series[prefix].append((int(progressive), row[m.day]))
    for prefix, numbers in series.items():
        numbers.sort()
        found += [f"{prefix}-{b[0]} dated {b[1]} before {prefix}-{a[0]} of {a[1]}"
                  for a, b in zip(numbers, numbers[1:]) if b[1] < a[1]]
    if m.order != sorted(m.order, key=lambda n: (m.rows[n][m.day], n)):
        found.append("Registro: not in date and number order")
    return found


def rates_of_csv(m: Month) -> dict[str, list[tuple[D, str, D, D, str]]]:
    """`registro-iva-*.csv` per document: (rate, nature, taxable, VAT, split payment)."""
    head = m.vat_head
    per: dict[str, list] = defaultdict(list)
    for row in m.vat_csv:
        per[row[0]].append((csv_cents(row[head.index(head[8])]), row[9], csv_cents(row[10]), csv_cents(row[11]), row[12]))
    return per


def vat_disagreements(m: Month) -> list[str]:
    """Per document the VAT CSV's rows, the *Riepilogo IVA*'s detail and the *Righe* against the
    register; per rate the *Riepilogo IVA*'s rows against the CSV's; its total row against the
    register's."""
    found = []
    per = rates_of_csv(m)
    if set(per) != set(m.rows):
        found.append(f"registro-iva CSV documents differ: {sorted(set(per) ^ set(m.rows))}")
    for number in m.rows:
        rows = per.get(number, [])
        pair = (sum((r[2] for r in rows), ZERO), sum((r[3] for r in rows), ZERO))
        if pair != (m.figure(number, m.taxable), m.figure(number, m.vat)):
            found.append(f"registro-iva CSV {number}: {pair}")
    head = next(i for i, row in enumerate(m.summary) if row[0] in ("IVA %", "VAT %"))
    at = next(i for i, row in enumerate(m.summary) if row[1] in ("Totali", "Totals"))
    total, rates, detail = m.summary[at], m.summary[head + 1:at], m.summary[at + 1:]
    shown = {(cents(r[0]), r[1] or "", r[5] or ""): (cents(r[2]), cents(r[3])) for r in rates}
    for r in rates:
        if cents(r[2]) + cents(r[3]) != cents(r[4]):
            found.append(f"Riepilogo IVA {r[:2]}: taxable + VAT is not its total")
    summed: dict[tuple, list[D]] = defaultdict(lambda: [ZERO, ZERO])
    for rows in per.values():
        for rate, nature, taxable, vat, split in rows:
            summed[(rate, nature, split)][0] += taxable
            summed[(rate, nature, split)][1] += vat
    if {k: tuple(v) for k, v in summed.items()} != shown:
        found.append(f"Riepilogo IVA per rate {shown}, registro-iva CSV {dict(summed)}")
    if [cents(x) for x in total[2:5]] != [cents(m.total[m.head.index(c)]) for c in (m.taxable, m.vat, m.grand)]:
        found.append(f"Riepilogo IVA totals {total[2:5]}, Registro's {m.total[8:11]}")
    per_detail: dict[str, list[D]] = defaultdict(lambda: [ZERO, ZERO])
    for row in detail:
        if row[0] in m.rows:
            per_detail[row[0]][0] += cents(row[5])
            per_detail[row[0]][1] += cents(row[6])
    for number in m.rows:
        if per_detail[number] != [m.figure(number, m.taxable), m.figure(number, m.vat)]:
            found.append(f"Riepilogo IVA detail {number}: {per_detail[number]}")
    per_line: dict[str, D] = defaultdict(lambda: ZERO)
    for row in m.lines[1:]:
        if row[0]:
            per_line[row[0]] += cents(row[14])
    found += [f"Righe {n}: {per_line[n]}" for n in m.rows if per_line[n] != m.figure(n, m.taxable)]
    return found


def xml_disagreements(m: Month) -> list[str]:
    """Each FatturaPA file against the register: the same documents, the file the register
    names, ImportoTotaleDocumento, DatiRiepilogo per rate (a credit note's positive there,
    negative in the register), DettaglioPagamento against what is to collect, DatiBollo, the
    lines per rate against *Righe*."""
    found = []
    if set(m.xml) != set(m.rows):
        found.append(f"XML and register: {sorted(set(m.xml) ^ set(m.rows))}")
    per = rates_of_csv(m)
    lines: dict[str, dict[tuple, D]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in m.lines[1:]:
        if row[0]:
            lines[row[0]][(cents(row[15]), row[16] or "")] += cents(row[14])
    for number, (name, x) in m.xml.items():
        if number not in m.rows:
            continue
        sign = m.sign(number)
        if (x.kind == "TD04") != (sign < 0):
            found.append(f"{number}: {x.kind} but {m.rows[number][m.kind]} in the register")
        if m.rows[number][m.xml_file] != name:
            found.append(f"{number}: register names {m.rows[number][m.xml_file]!r}, its file is {name}")
        if sign * x.total != m.figure(number, m.grand):
            found.append(f"{number}: ImportoTotaleDocumento {x.total}, register {m.figure(number, m.grand)}")
        xml_rates = sorted((rate.quantize(CENT), nature or "", sign * taxable, sign * vat)
                           for rate, nature, taxable, vat, _ in x.summary)
        if xml_rates != sorted(r[:4] for r in per[number]):
            found.append(f"{number}: DatiRiepilogo {xml_rates}, registro-iva {sorted(per[number])}")
        if x.dues and sign * sum(amount for _, _, amount in x.dues) != m.figure(number, m.to_collect):
            found.append(f"{number}: DettaglioPagamento {[a for *_, a in x.dues]}, to collect {m.figure(number, m.to_collect)}")
        if (x.stamp_duty or ZERO) != m.figure(number, m.stamp):
            found.append(f"{number}: DatiBollo {x.stamp_duty}, register {m.figure(number, m.stamp)}")
        by_rate: dict[tuple, D] = defaultdict(lambda: ZERO)
        for line in x.lines:
            by_rate[(line.rate.quantize(CENT), line.nature or "")] += sign * line.total
        if dict(by_rate) != dict(lines[number]):
            found.append(f"{number}: lines per rate {dict(by_rate)}, Righe {dict(lines[number])}")
    return found


def payments_disagreements(m: Month) -> list[str]:
    """`payments status`: its total row the sum of its rows, each document of the month's
    register there with what it is to collect; `report aging`: its buckets adding up per
    customer and in its total row, its open total the status's outstanding, each document's
    rows the status's outstanding of it."""
    found = []
    head, rows, total = table(next(iter(m.status.values())), ("Numero", "Number"))
    for k in range(6, 10):
        summed = sum((cents(r[k]) for r in rows), ZERO)
        if summed != cents(total[k]):
            found.append(f"payments status {head[k]}: rows {summed}, total {total[k]}")
    status = {r[0]: r for r in rows}
    for number in m.rows:
        if number not in status:
            found.append(f"payments status: {number} missing")
        elif cents(status[number][6]) != m.figure(number, m.to_collect):
            found.append(f"payments status {number}: {status[number][6]}, register to collect {m.figure(number, m.to_collect)}")
    report, data = list(m.aging.values())[1:3]
    aging_head, customers, aging_total = table(report, ("Cliente", "Customer"))
    for k in range(2, 10):
        summed = sum((cents(r[k]) for r in customers), ZERO)
        if summed != cents(aging_total[k]):
            found.append(f"aging {aging_head[k]}: rows {summed}, total {aging_total[k]}")
    found += [f"aging {r[0]}: buckets {r[2:9]}, open {r[9]}" for r in customers
              if sum((cents(x) for x in r[2:9]), ZERO) != cents(r[9])]
    if cents(aging_total[9]) != cents(total[9]):
        found.append(f"aging open {aging_total[9]}, payments status outstanding {total[9]}")
    _, dues, _ = table(data, ("Cliente", "Customer"))
    open_of: dict[str, D] = defaultdict(lambda: ZERO)
    for row in dues:
        open_of[row[4]] += cents(row[9])
    found += [f"aging {n}: {open_of[n]}, payments status {r[9]}" for n, r in status.items() if open_of[n] != cents(r[9])]
    return found


def money_text(text: str, italian: bool) -> D:
    """An amount as the register's *Scadenze* writes it: `1.464,33` in Italian, `1,464.33` in English."""
    return D(text.replace(".", "").replace(",", ".") if italian else text.replace(",", ""))


def dues_disagreements(m: Month) -> list[str]:
    """Each document's dues as the register's *Scadenze* lists them, as its XML's
    DettaglioPagamento and as its printed copy's *Scadenza*/*Importo* rows."""
    found = []
    italian = m.head[0] == "Numero"
    for number, (_, x) in m.xml.items():
        if number not in m.rows:
            continue
        in_file = sorted((day, amount) for _, day, amount in x.dues)
        listed = sorted((datetime.strptime(day, "%d/%m/%Y").date(), money_text(amount, italian))
                        for day, amount in re.findall(r"(\d\d/\d\d/\d{4}) (-?[\d.,]+)", m.rows[number][m.head[11]] or ""))
        if listed != in_file:
            found.append(f"{number}: Scadenze {m.rows[number][m.head[11]]!r}, DettaglioPagamento {in_file}")
        rows = m.printed.get(number, [])
        at = next((i for i, row in enumerate(rows) if row[4:6] in (["Scadenza", "Importo"], ["Due date", "Amount"])), None)
        printed = []
        for row in rows[at + 1:] if at is not None else ():
            if not isinstance(row[4], date):
                break
            printed.append((row[4], cents(row[5])))
        if sorted(printed) != in_file:
            found.append(f"{number}: printed dues {printed}, DettaglioPagamento {in_file}")
    return found


def run_disagreements(m: Month, run_book: Path) -> list[str]:
    """A run's workbook (`fatture-RUN.xlsx`): each of its documents with the month register's
    figures, its total row the sum of its rows."""
    head, rows, total = table(next(iter(sheets(run_book).values())), ("Numero", "Number"))
    found = [f"{run_book.name}: {row[0]} not in the month's register" for row in rows if row[0] not in m.rows]
    for k in (8, 9, 10, 19, 20):
        found += [f"{run_book.name} {row[0]} {head[k]}: {row[k]}" for row in rows
                  if row[0] in m.rows and cents(row[k]) != m.figure(row[0], m.head[k])]
        if sum((cents(row[k]) for row in rows), ZERO) != cents(total[k]):
            found.append(f"{run_book.name} {head[k]}: rows and total row differ")
    return found


def labelled(rows: list[list], labels: tuple[str, ...]) -> D:
    return next(cents(row[i + 1]) for row in rows for i, cell in enumerate(row[:-1]) if cell in labels)


def print_disagreements(m: Month) -> list[str]:
    """Every document of the register printed (`print invoices`), with its totals: a credit
    note's positive on its copy."""
    found = []
    for number in m.rows:
        if number not in m.printed:
            found.append(f"print: {number} missing")
            continue
        rows, sign = m.printed[number], m.sign(number)
        printed = tuple(sign * labelled(rows, labels) for labels in (
            ("Totale imponibile", "Total taxable"), ("Totale IVA", "Total VAT"), ("Totale documento", "Document total")))
        if printed != (m.figure(number, m.taxable), m.figure(number, m.vat), m.figure(number, m.grand)):
            found.append(f"print {number}: {printed}")
    return found


def checked(month: Month) -> list[str]:
    return [*register_disagreements(month), *vat_disagreements(month), *xml_disagreements(month),
            *payments_disagreements(month), *print_disagreements(month), *dues_disagreements(month)]


def disagreements(folder: Path) -> tuple[Month, list[str]]:
    month = Month(folder)
    return month, checked(month)


def toolkit(*args: str) -> None:
    """One command line run in this process as `toolkit` runs it: no error among its problems
    (warnings, exit 1, are the month's own). `invoice export` has no --json: it exits 0."""
    app._register()
    output.reset()
    with redirect_stdout(io.StringIO()) as printed:
        code = app.run(list(args) if args[:2] == ("invoice", "export") else [*args, "--json"])
    assert code in (0, 1), printed.getvalue()
    if args[:2] != ("invoice", "export"):
        problems = json.loads(printed.getvalue())["problems"]
        assert not [p for p in problems if p["severity"] == "error"], problems


def hand_over(workbook: Path, url: str, folder: Path, month: str, last: str, lang: str) -> Path:
    """What the accountant receives for `month`: the files first (the register names them),
    then the register, the payments' status and aging on `last`, every document printed."""
    common = ("--ledger", url, "--lang", lang)
    toolkit("einvoice", str(workbook), "--month", month, "--out", str(folder / "xml"), "--zip", *common)
    toolkit("invoice", "export", str(workbook), "--month", month, "--out", str(folder / "export"), *common)
    toolkit("payments", "status", str(workbook), "--as-of", last, "--out", str(folder / "status.xlsx"), *common)
    toolkit("report", "aging", str(workbook), "--from", f"{month}-01", "--to", last, "--out",
            str(folder / "aging.xlsx"), *common)
    toolkit("print", "invoices", str(workbook), "--date", f"{month}-01", "--to", last, "--out",
            str(folder / "print.xlsx"), *common)
    return folder


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def april(request, tmp_path_factory):
    """The demo's April with a credit note of a line (TD04) and a debit note (TD05) of 30 April."""
    from conftest import backend_url

    from toolkit.services.demo import run_demo

    out = tmp_path_factory.mktemp("april")
    with backend_url(request.param, out / "anagrafiche.xlsx.ledger.sqlite") as url:
        tally = run_demo(out, "it", ledger_url=url)
        assert not tally.errors, tally.errors
        workbook = out / "anagrafiche.xlsx"
        common = ("--ledger", url, "--lang", "it")
        toolkit("invoice", "credit", str(workbook), "--invoice", "FT-2026-00051", "--lines", "1", "--reason",
                "Merce difettosa", "--date", "2026-04-30", *common)
        toolkit("invoice", "debit", str(workbook), "--invoice", "FT-2026-00001", "--amount", "12.35", "--reason",
                "Trasporto", "--date", "2026-04-30", *common)
        april_handed_over = hand_over(workbook, url, out / "handed", "2026-04", "2026-05-31", "it")
        may(workbook, common)
        yield workbook, url, april_handed_over


def may(workbook: Path, common: tuple[str, ...]) -> None:
    """The first week of May after April: C001 a public administration paying by split payment
    (a 6-character SDI code), C007 under reverse charge (N6.3), invoiced at the month's end on
    29 May, C001's invoice then credited a line and debited a transport, the same day; and
    payments: one of three instalments in part, an invoice overpaid, one paid, a credit note
    refunded in part, the split payment invoice paid in part."""
    from desks import customer_cells

    customer_cells(workbook, "C001", {"Codice SDI": "UFABCD", "Scissione pagamenti": "sì", "CIG": "1234567890"})
    customer_cells(workbook, "C007", {"Natura IVA": "N6.3"})
    for day in ("2026-05-04", "2026-05-05", "2026-05-06"):
        toolkit("orders", "create", str(workbook), "--date", day, *common)
        toolkit("ship", str(workbook), "--date", day, "--all", *common)
    toolkit("invoice", "run", str(workbook), "--month", "2026-05", "--date", "2026-05-29", "--final",
            "--out", str(workbook.parent / "maggio"), *common)
    with reading(open_ledger(common[1])) as conn:
        [split] = [x.number for x in load_invoices(conn) if x.customer == "C001" and x.split_payment]
    toolkit("invoice", "credit", str(workbook), "--invoice", split, "--lines", "1", "--reason", "Merce difettosa",
            "--date", "2026-05-29", *common)
    toolkit("invoice", "debit", str(workbook), "--invoice", split, "--amount", "13.33", "--rate", "22", "--reason",
            "Trasporto", "--date", "2026-05-29", *common)
    for number, amount in (("FT-2026-00056", "100"), ("FT-2026-00002", "250"), ("FT-2026-00003", "181.25"),
                           ("NC-2026-00001", "-100"), (split, "50")):
        toolkit("payments", "record", str(workbook), "--invoice", number, "--date", "2026-05-29", "--amount", amount,
                *common)


SQLITE_ONLY = pytest.mark.parametrize("april", ["sqlite"], indirect=True)
"""For what reads the files alone: the checks' own failing and LibreOffice's recalculation,
whose files the backend does not change (the tests above hold them equal on both)."""


def test_every_figure_of_april_agrees_in_every_document(april):
    """82 documents, 447 lines and more, at 22, 10 and 4 % and N1 (the stamp duty charged), N4:
    the register's 26.336,49 € less the notes' as every other document says."""
    _, _, folder = april
    month, found = disagreements(folder)
    assert found == []
    assert len(month.rows) == 82
    assert {x.kind for _, x in month.xml.values()} >= {"TD04", "TD05"}
    assert cents(month.total[month.head.index(month.stamp)]) == D("2.00")


@pytest.mark.parametrize("lang", ["it", "en"])
def test_every_figure_of_may_agrees_in_every_document_split_payment_and_reverse_charge_too(april, tmp_path, lang):
    workbook, url, _ = april
    month, found = disagreements(hand_over(workbook, url, tmp_path, "2026-05", "2026-05-31", lang))
    [run_book] = (workbook.parent / "maggio").glob("fatture-*.xlsx")
    assert found + run_disagreements(month, run_book) == []
    split = [number for number, row in month.rows.items() if row[month.head[18]] in ("sì", "yes")]
    assert len(split) == 3 and {x.kind for n, (_, x) in month.xml.items() if n in split} == {"TD24", "TD04", "TD05"}
    assert sum((month.figure(n, month.grand) - month.figure(n, month.to_collect) for n in split), ZERO) > 0
    assert any(nature.startswith("N6") for rows in rates_of_csv(month).values() for _, nature, *_ in rows)
    _, _, total = table(next(iter(month.status.values())), ("Numero", "Number"))
    assert cents(total[7]) == D("481.25")


def test_the_ledger_of_april_and_may_checks_sound(april):
    """`ledger check` on the month's ledger holds every kept figure, total, VAT per rate and number
    to its documents: the demo's April (returns' and volume discounts' credit notes, the stamp
    duty charged, an exempt service), a credit note of a line and debit notes, May's split
    payment and reverse charge. Nothing lawful is found."""
    workbook, url, _ = april
    app._register()
    output.reset()
    with redirect_stdout(io.StringIO()) as printed:
        code = app.run(["ledger", "check", str(workbook), "--ledger", url, "--json"])
    answer = json.loads(printed.getvalue())
    assert (code, answer["findings"]) == (0, []), answer["problems"]


@SQLITE_ONLY
def test_the_audit_finds_a_cent_a_sign_and_a_document_that_disagree(april, tmp_path):
    """The checks above fail when a figure disagrees: a credit note's VAT booked positive in
    `registro-iva-*.csv`, a file's ImportoTotaleDocumento and its due a cent off, a document
    missing from the print."""
    import shutil

    _, _, handed = april
    folder = tmp_path / "handed"
    shutil.copytree(handed, folder)
    [vat_csv] = (folder / "export").glob("registro-iva-*.csv")
    text = vat_csv.read_text(encoding="utf-8-sig").splitlines()
    at, note = next((i, line) for i, line in enumerate(text) if line.startswith("NC-2026-00001;"))
    fields = note.split(";")
    fields[11] = fields[11].lstrip("-")
    text[at] = ";".join(fields)
    vat_csv.write_text("\n".join(text) + "\n", encoding="utf-8-sig")
    month = Month(folder)
    _, xml = month.xml["FT-2026-00002"]
    path = folder / "xml" / month.rows["FT-2026-00002"][month.xml_file]
    total = f"<ImportoTotaleDocumento>{xml.total}</ImportoTotaleDocumento>"
    due = f"<ImportoPagamento>{xml.dues[0][2]}</ImportoPagamento>"
    path.write_text(path.read_text(encoding="utf-8").replace(
        total, f"<ImportoTotaleDocumento>{xml.total + CENT}</ImportoTotaleDocumento>").replace(
        due, f"<ImportoPagamento>{xml.dues[0][2] + CENT}</ImportoPagamento>"), encoding="utf-8")
    book = __import__("openpyxl").load_workbook(folder / "print.xlsx")
    del book["FT-2026-00003"]
    book.save(folder / "print.xlsx")
    _, found = disagreements(folder)
    assert any(f.startswith("registro-iva CSV NC-2026-00001") for f in found), found
    assert any(f.startswith("FT-2026-00002: ImportoTotaleDocumento") for f in found), found
    assert any(f.startswith("FT-2026-00002: DettaglioPagamento") for f in found), found
    assert any(f.startswith("FT-2026-00002: Scadenze") for f in found), found
    assert any(f.startswith("FT-2026-00002: printed dues") for f in found), found
    assert "print: FT-2026-00003 missing" in found, found


@SQLITE_ONLY
@pytest.mark.libreoffice
def test_recalculated_in_libreoffice_the_month_still_agrees_in_every_document(april, tmp_path):
    """The register, the payments' status, the aging and the printed documents of April and of
    May (split payment, reverse charge, a debit note, payments) recalculated by LibreOffice
    (their formulas, not the values the toolkit stored) say what the XML says."""
    import shutil

    from toolkit.writers.libreoffice import convert_all, soffice

    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    workbook, url, handed = april
    folders = [tmp_path / "april", hand_over(workbook, url, tmp_path / "may", "2026-05", "2026-05-31", "it")]
    shutil.copytree(handed, folders[0])
    for folder in folders:
        books = [one(folder / "export", "fatture-2"), folder / "status.xlsx", folder / "aging.xlsx", folder / "print.xlsx"]
        for book, recalculated in zip(books, convert_all(books, "xlsx:Calc MS Excel 2007 XML", folder / "lo")):
            shutil.copy(recalculated, book)
    assert [(len(month.rows), found) for month, found in map(disagreements, folders)] == [(82, []), (19, [])]


def _bump(row: list, k: int) -> None:
    row[k] = float(cents(row[k]) + CENT)


def _row_of(rows: list[list], number: str) -> list:
    return next(row for row in rows if row and row[0] == number)


def _register_sheet(m: Month) -> list[list]:
    return next(iter(m.book.values()))


def _summary_rows(m: Month) -> tuple[list, list[list], list[list]]:
    head = next(i for i, row in enumerate(m.summary) if row[0] in ("IVA %", "VAT %"))
    at = next(i for i, row in enumerate(m.summary) if row[1] in ("Totali", "Totals"))
    return m.summary[at], m.summary[head + 1:at], m.summary[at + 1:]


def _replace_xml(m: Month, number: str, **changes) -> None:
    from dataclasses import replace

    name, x = m.xml[number]
    m.xml[number] = (name, replace(x, **{k: change(x) for k, change in changes.items()}))


def _status(m: Month) -> tuple[list, list[list], list]:
    return table(next(iter(m.status.values())), ("Numero", "Number"))


def _aging(m: Month) -> tuple[list, list[list], list]:
    return table(list(m.aging.values())[1], ("Cliente", "Customer"))


N, NOTE = "FT-2026-00002", "NC-2026-00001"
SPOILED = {
    "register's total row": lambda m: (_bump(m.total, m.head.index(m.vat)), f"Registro {m.vat}: rows")[1],
    "register's row": lambda m: (m.rows[N].update({m.grand: float(m.figure(N, m.grand) + CENT)}),
                                 f"{N}: taxable + VAT is not its total")[1],
    "register's CSV": lambda m: (m.csv[0].__setitem__(m.csv_head.index(m.taxable), "0,01"), "registro CSV ")[1],
    "register's order": lambda m: (m.order.reverse(), "Registro: not in date and number order")[1],
    "a number dated before the one it follows": lambda m: (m.rows[N].update({m.day: date(2026, 3, 1)}),
                                                           "dated 2026-03-01 before")[1],
    "VAT summary's rate": lambda m: (_bump(_summary_rows(m)[1][0], 3), "Riepilogo IVA per rate")[1],
    "VAT summary's rate row total": lambda m: (_bump(_summary_rows(m)[1][0], 4), "taxable + VAT is not its total")[1],
    "VAT summary's total row": lambda m: (_bump(_summary_rows(m)[0], 2), "Riepilogo IVA totals")[1],
    "VAT summary's detail": lambda m: (_bump(_row_of(_summary_rows(m)[2], N), 5), f"Riepilogo IVA detail {N}")[1],
    "lines": lambda m: (_bump(_row_of(m.lines, N), 14), f"Righe {N}")[1],
    "XML missing": lambda m: (m.xml.pop(N), "XML and register")[1],
    "XML's file name": lambda m: (m.rows[N].update({m.xml_file: "IT00000000000_zzzzz.xml"}), f"{N}: register names")[1],
    "XML's kind": lambda m: (_replace_xml(m, NOTE, kind=lambda x: "TD01"), f"{NOTE}: TD01 but")[1],
    "XML's DatiRiepilogo": lambda m: (_replace_xml(m, N, summary=lambda x: (
        (*x.summary[0][:2], x.summary[0][2] + CENT, *x.summary[0][3:]), *x.summary[1:])), f"{N}: DatiRiepilogo")[1],
    "XML's DatiBollo": lambda m: (_replace_xml(m, N, stamp_duty=lambda x: (x.stamp_duty or ZERO) + 2), f"{N}: DatiBollo")[1],
    "XML's lines": lambda m: (_replace_xml(m, N, lines=lambda x: (
        __import__("dataclasses").replace(x.lines[0], total=x.lines[0].total + CENT), *x.lines[1:])),
        f"{N}: lines per rate")[1],
    "payments status's total row": lambda m: (_bump(_status(m)[2], 9), "payments status ")[1],
    "payments status's document": lambda m: (_bump(_row_of(_status(m)[1], N), 6), f"payments status {N}:")[1],
    "payments status without a document": lambda m: (_status(m)[1][0].__setitem__(0, "FT-2026-99999"),
                                                     "missing")[1],
    "aging's total row": lambda m: (_bump(_aging(m)[2], 2), "aging ")[1],
    "aging's buckets": lambda m: (_bump(_aging(m)[1][0], 2), ": buckets")[1],
    "aging's open against the status": lambda m: (_bump(_aging(m)[2], 9), "aging open")[1],
    "aging's dues": lambda m: (_bump(next(r for r in list(m.aging.values())[2] if r[4] == N), 9), f"aging {N}:")[1],
    "printed total": lambda m: (_bump(next(row for row in m.printed[N] if "Totale documento" in row), next(
        i for i, cell in enumerate(next(row for row in m.printed[N] if "Totale documento" in row))
        if cell == "Totale documento") + 1), f"print {N}:")[1],
    "run's workbook": lambda m: (_bump(_row_of(_register_sheet(m), N), 19), f" {N} {m.head[19]}:")[1],
}


@pytest.fixture(scope="module")
def april_read(april) -> Month:
    """April's documents read once: each spoiling spoils a copy."""
    return Month(april[2])


@SQLITE_ONLY
@pytest.mark.parametrize("spoiled", SPOILED)
def test_each_check_fails_when_its_figure_disagrees(april_read, spoiled, monkeypatch):
    """Every family of checks above can fail: the register (its total row, a row, its CSV, its
    order, a number's date), the VAT summary (a rate, a rate's total, the total row, the detail),
    the lines, the XML (missing, its name, its kind, DatiRiepilogo, DatiBollo, its lines), the
    payments status, the aging, the printed totals and a run's workbook, each spoiled alone in
    the files as read (the run's workbook is the register read again)."""
    import sys
    from copy import deepcopy

    month = deepcopy(april_read)
    monkeypatch.setattr(sys.modules[__name__], "sheets", lambda path: month.book)

    def found() -> list[str]:
        return [*checked(month), *run_disagreements(month, Path("fatture-run.xlsx"))]

    assert found() == []
    expected = SPOILED[spoiled](month)
    assert any(expected in f for f in found()), (expected, found())
