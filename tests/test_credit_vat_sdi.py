"""Partial credit notes on the demo (docs/credit-notes.md, "The notes add up to the invoice, cent for cent"):
the rest of a line goes to SDI (00423), and each note's VAT per rate is the ledger's in its XML,
its print and the month's register."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from fatturapa_reading import schema_errors
from test_printing import cli

INVOICE = "FT-2026-00050"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """`toolkit demo --out d6`, as the README's example begins, run once for the module: each
    test changes a copy of its own (`_demo`)."""
    import signal

    from toolkit.cli import app, output

    out = tmp_path_factory.mktemp("credit-vat") / "d6"
    kept = signal.getsignal(signal.SIGINT)
    app._register()
    output.reset()
    try:
        assert app.run(["demo", "--out", str(out)]) == 0
    finally:
        output.reset()
        signal.signal(signal.SIGINT, kept)
    return out


def _demo(capsys, demo: Path, tmp_path: Path, lines: str) -> Path:
    """The demo with three notes of `lines` on FT-2026-00050 and a fourth taking the rest."""
    shutil.copytree(demo, tmp_path / "d6")
    workbook = tmp_path / "d6" / "anagrafiche.xlsx"
    for asked in ((lines,),) * 3 + ((),):
        code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", INVOICE, "--reason", "prova",
                         *(("--lines", *asked) if asked else ()), "--date", "2026-05-04")
        assert code == 0, said
    return workbook


def _xml(folder: Path, number: str) -> str:
    return next(s for f in folder.glob("*.xml") if f"<Numero>{number}</Numero>" in (s := f.read_text()))


def test_the_readme_example_ends_in_a_note_sdi_takes_and_its_vat_is_the_ledgers_everywhere(capsys, demo, tmp_path):
    workbook = _demo(capsys, demo, tmp_path, "4:0.089")
    code, said = cli(capsys, "einvoice", workbook, "--month", "2026-05", "--out", tmp_path / "xml")
    assert code == 0, said
    for f in (tmp_path / "xml").glob("*.xml"):
        assert schema_errors(f) == []
    rest = _xml(tmp_path / "xml", "NC-2026-00010")
    assert "<Quantita>9.733" in rest and "<PrezzoUnitario>6.348505</PrezzoUnitario>" in rest
    assert "<PrezzoTotale>61.79</PrezzoTotale>" in rest
    eighth = _xml(tmp_path / "xml", "NC-2026-00008")
    assert re.findall(r"<(Imposta|ImportoTotaleDocumento)>([^<]*)<", eighth) == [
        ("ImportoTotaleDocumento", "0.69"), ("Imposta", "0.12")]
    assert cli(capsys, "print", "invoices", workbook, "--numbers", "NC-2026-00008", "--out",
               tmp_path / "nota.xlsx")[0] == 0
    printed = openpyxl.load_workbook(tmp_path / "nota.xlsx").worksheets[0]
    vat_cells = [c.value for row in printed.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("=") and "/100" not in c.value
                 and re.fullmatch(r"=-?\d+\.\d\d", c.value)]
    assert vat_cells == ["=0.12"]
    _checked_sound(capsys, workbook)


def test_a_notes_vat_per_rate_is_the_same_in_ledger_xml_and_register(capsys, demo, tmp_path):
    workbook = _demo(capsys, demo, tmp_path, "2:0.089,3:0.089,1:0.089")
    assert cli(capsys, "einvoice", workbook, "--month", "2026-05", "--out", tmp_path / "xml")[0] == 0
    ninth = _xml(tmp_path / "xml", "NC-2026-00009")
    assert re.findall(r"<Imposta>([^<]*)<", ninth) == ["0.03", "0.23"]
    assert "<ImportoTotaleDocumento>2.06</ImportoTotaleDocumento>" in ninth
    assert cli(capsys, "invoice", "export", workbook, "--month", "2026-05", "--out", tmp_path / "reg")[0] == 0
    book = tmp_path / "reg" / "fatture-2026-05.xlsx"
    wb = openpyxl.load_workbook(book, read_only=True, data_only=True)
    rows = {ws.title: [list(r) for r in ws.iter_rows(values_only=True) if "NC-2026-00009" in r] for ws in wb.worksheets}
    [registro] = rows["Registro"]
    assert registro[8:11] == [-1.8, -0.26, -2.06]
    assert [r[6] for r in rows["Riepilogo IVA"]] == [-0.03, -0.23]
    assert Decimal(str(sum(r[6] for r in rows["Riepilogo IVA"]))) == Decimal("-0.26")
    _checked_sound(capsys, workbook)


def _checked_sound(capsys, workbook: Path) -> None:
    """`ledger check` holds each note's VAT per rate kept apart (`credit_vat`, a cent from its
    taxable's) to its lines, and finds it lawful, the notes' VAT their rates' sum; and so the
    same notes as a ledger before schema 32 kept them, their VAT alone (its rates share it)."""
    import sqlite3

    code, said = cli(capsys, "ledger", "check", workbook)
    assert code == 0, said
    with sqlite3.connect(workbook.with_name(f"{workbook.name}.ledger.sqlite")) as conn:
        assert conn.execute("DELETE FROM credit_vat").rowcount > 0
    conn.close()
    code, said = cli(capsys, "ledger", "check", workbook)
    assert code == 0, said


def test_each_rates_vat_of_the_notes_read_back_adds_up_to_the_invoices():
    """Three rates, three partial notes and the rest, 200 times: the notes' VAT per rate, as the
    ledger reads it back (kept where a cent from taxable × rate), adds up to the invoice's at
    every rate. Shared out of the total alone (`as_stored`), it did not for about a third."""
    import random

    from toolkit.basics.money import cents
    from toolkit.core.credit_notes import Creditable, _taken, _vat_left
    from toolkit.core.invoicing import InvoiceLine
    from toolkit.core.lines import line_amount
    from toolkit.core.vat import totals, vat_summary
    from toolkit.ledger.invoices import stored_summary

    shuffled = random.Random(2)
    for _ in range(200):
        lines = []
        for n, rate in enumerate((Decimal(22), Decimal(4), Decimal(10)), start=1):
            q, p = Decimal(shuffled.randint(1000, 20000)) / 1000, Decimal(shuffled.randint(100, 5000)) / 100
            lines.append(Creditable(InvoiceLine("A", "a", "pz", q, p, line_amount(q, p), rate, None, n, None, None,
                                                None, ""), n))
        credited = {s.rate: Decimal(0) for s in vat_summary((c.line.amount, c.line.vat_rate, None) for c in lines)}
        for k in range(4):
            taken = tuple(_taken(c, None if k == 3 else Decimal(shuffled.randint(1, 300)) / 1000, i)
                          for i, c in enumerate(lines, 1))
            issued = _vat_left(taken, lines)
            kept = {(s.rate, None): s.vat for s in issued if s.vat != cents(s.taxable * s.rate / 100)}
            read = stored_summary(taken, totals(issued)[1], kept)
            assert [s.vat for s in read] == [s.vat for s in issued]
            for s in read:
                credited[s.rate] += s.vat
            lines = [Creditable(c.line, c.line_id, c.credited_quantity + t.quantity, c.credited_amount + t.amount)
                     for c, t in zip(lines, taken)]
        invoice = vat_summary((c.line.amount, c.line.vat_rate, None) for c in lines)
        assert {s.rate: -s.vat for s in invoice} == credited
