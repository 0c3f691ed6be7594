"""The largest sheet is parsed before the large sheet that comes before it
(`sheet_clearance.parse_order`), so that its reading is done beside the parse of that sheet
rather than after the whole parse (issue 20: load and validate at L). The data check puts the
sheets back in the workbook's order: the master data and the problems must be those of the
whole workbook read first, in the workbook's order, on valid, broken and hostile files."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from test_read_ahead import _broken, _same
from test_sheet_clearance import SHEETS, _far, _outcome, _rewritten, _sheet_part
from test_shipping import write_book

from toolkit.basics.problems import UnusableInput
from toolkit.intake import sheet_clearance, sources
from toolkit.intake.sample import Scale, sample_rows
from toolkit.intake.sheet_clearance import LARGE_PART, parse_order
from toolkit.intake.validation import check_file
from toolkit.writers.master_workbook import write_master

L_SHEETS = {"Impostazioni": 3_000, "Clienti": 11_782_000, "Destinazioni": 6_860_000, "Contatti": 3_988_000,
            "Articoli": 8_148_000, "Listini": 900, "Versioni listino": 1_400, "Prezzi": 24_484_000,
            "Regole prezzo": 1_100, "Modelli ordine": 19_337_000, "Righe modello": 35_828_000, "Chiusure": 900,
            "Giacenze": 2_273_000, "Provvigioni": 800}
"""The L workbook's sheet parts and their sizes in bytes of XML (some small sheets left out)."""


@pytest.mark.parametrize(("sizes", "order"), [
    (L_SHEETS, ["Impostazioni", "Clienti", "Destinazioni", "Contatti", "Articoli", "Listini", "Versioni listino",
                "Prezzi", "Regole prezzo", "Righe modello", "Modelli ordine", "Chiusure", "Giacenze", "Provvigioni"]),
    ({"A": LARGE_PART, "B": 10, "C": 5 * LARGE_PART}, ["C", "A", "B"]),
    ({"A": 5 * LARGE_PART, "B": LARGE_PART, "C": 2 * LARGE_PART}, ["A", "B", "C"]),
    ({"A": 2 * LARGE_PART, "B": LARGE_PART - 1, "C": 5 * LARGE_PART}, ["C", "A", "B"]),
    ({"A": LARGE_PART - 1, "B": 5 * LARGE_PART, "C": 10}, ["A", "B", "C"]),
    ({"A": 100, "B": 900, "C": 500}, ["A", "B", "C"]),
    ({"A": 2 * LARGE_PART, "B": 2 * LARGE_PART}, ["A", "B"]),
    ({}, []),
])
def test_the_largest_sheet_goes_before_the_large_one_before_it(sizes, order):
    assert parse_order(list(sizes), sizes) == order


def test_the_reader_gives_the_largest_sheet_before_the_large_one_before_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sheet_clearance, "LARGE_PART", 600)
    sheets = {"Piccolo": [["Codice"], ["P1"]], **{name: [["Codice", "Valore"], *[[f"{name}{r}", r] for r in range(rows)]]
                                                 for name, rows in (("Medio", 40), ("Grande", 400), ("Coda", 40))}}
    path = write_book(tmp_path / "a.xlsx", sheets)
    parsed = sources.read_sheets(path)
    read = list(parsed)
    assert [sheet.name for sheet in read] == ["Piccolo", "Grande", "Medio", "Coda"]
    assert parsed.names == ("Piccolo", "Medio", "Grande", "Coda")
    assert parsed.in_workbook_order(read) == sources.read_workbook(path).sheets


@pytest.fixture
def every_sheet_large(monkeypatch):
    """Every sheet part counts as large, so the small workbooks of the tests are read in
    another order than their own."""
    monkeypatch.setattr(sheet_clearance, "LARGE_PART", 1)


def _parsed_in_another_order(path: Path) -> bool:
    parsed = sources.read_sheets(path)
    return [sheet.name for sheet in parsed] != list(parsed.names)


def test_the_sample(sample_workbook, every_sheet_large):
    assert _parsed_in_another_order(sample_workbook)
    _same(sample_workbook)


def test_the_benchmark_s_workbook(tmp_path, every_sheet_large):
    path = write_master(tmp_path / "bench-S.xlsx", sample_rows(Scale.S), lang="it", constant_memory=True)
    assert _parsed_in_another_order(path)
    _same(path)


@pytest.mark.parametrize("seed", range(16))
def test_broken_workbooks(tmp_path, seed, every_sheet_large):
    _same(_broken(tmp_path, seed))


def test_a_far_cell_in_the_largest_sheet_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    """The largest sheet parsed earlier is cleared by the guard earlier: a far cell in it is the
    guard's refusal, the same as the guard-first reading's, and calamine never parses it."""
    from oracles import read_sheets_guard_first

    monkeypatch.setattr(sheet_clearance, "LARGE_PART", 600)
    sheets = {**SHEETS, "Foglio4": [["Codice", "Valore"], *[[f"G{r}", r] for r in range(400)]]}
    path = write_book(tmp_path / "Anagrafiche.xlsx", sheets)
    largest = _sheet_part(path, 4)
    with zipfile.ZipFile(path) as zf:
        _rewritten(path, {largest: _far(zf.read(largest))})
    before = _outcome(path, read_sheets_guard_first.read_sheets)
    assert before[0] == "refused"
    assert _outcome(path, sources.read_sheets) == before
    with pytest.raises(UnusableInput) as refused:
        list(sources.read_sheets(path))
    assert refused.value.problem.code == "file-sheet-too-large"


def test_a_sheet_twice_is_read_from_the_first_in_the_workbook(tmp_path, every_sheet_large):
    """*Righe modello* written twice (the second as *Template lines*), the second the largest
    sheet and so parsed first of the two: the data check still reads the first in the workbook,
    as the whole workbook read first does, and tells the second as the same sheet twice."""
    import minimal
    from test_read_ahead import _write

    sheets = minimal.sheets()
    lines = sheets["Righe modello"]
    sheets["Template lines"] = [lines[0], *[["T404", "A404", -r, None, "x" * 40] for r in range(60)]]
    path = _write(tmp_path / "due.xlsx", sheets)
    parsed = [sheet.name for sheet in sources.read_sheets(path)]
    assert parsed.index("Template lines") < parsed.index("Righe modello")
    _same(path)
    checked = check_file(path)
    assert [(p.code, p.sheet) for p in checked.problems if p.sheet in ("Template lines", "Righe modello")] == \
        [("duplicate-sheet", "Template lines")]
    assert checked.layout.sheets["template_lines"] == "Righe modello"


def test_a_name_twice_keeps_both_its_places(tmp_path):
    """A hostile `workbook.xml` names two sheets *Clienti*, an English *Customers* between them:
    the data check keeps the first *Clienti* as the customers, as the whole workbook read first
    does, and tells *Customers* as the same sheet twice; placed by name, both *Clienti* went to
    the second place, after *Customers*, which became the customers (and its codes unknown)."""
    import minimal
    from test_read_ahead import _write

    sheets = minimal.sheets()
    customers = sheets.pop("Clienti")
    others = [customers[0], *[[f"X{r}", *customers[1][1:]] for r in range(3)]]
    path = _write(tmp_path / "twice0.xlsx", {"Clienti": customers, "Customers": others, "Clienti2": customers,
                                              **sheets})
    with zipfile.ZipFile(path) as zf:
        book = zf.read("xl/workbook.xml").replace(b'name="Clienti2"', b'name="Clienti"')
    _rewritten(path, {"xl/workbook.xml": book})
    assert [sheet.name for sheet in sources.read_workbook(path).sheets][:3] == ["Clienti", "Customers", "Clienti"]
    _same(path)
    checked = check_file(path)
    assert checked.layout.sheets["customers"] == "Clienti"
    assert [(p.code, p.sheet) for p in checked.problems if p.severity == "error" or p.code == "duplicate-sheet"] == \
        [("duplicate-sheet", "Clienti"), ("duplicate-sheet", "Customers")]


def test_two_damaged_sheets_are_refused_for_the_first_in_the_workbook(tmp_path, monkeypatch):
    """The largest sheet, parsed before the one before it, and that one both damaged: the refusal
    names the damage of the first in the workbook, as reading in its order does, not the
    largest's, met first (*Cell string index not found* for *Parse float error*)."""
    from oracles import read_sheets_guard_first

    monkeypatch.setattr(sheet_clearance, "LARGE_PART", 600)
    sheets = {**SHEETS, "Foglio4": [["Codice", "Valore"], *[[f"G{r}", r] for r in range(400)]]}
    path = write_book(tmp_path / "Anagrafiche.xlsx", sheets)
    assert [sheet.name for sheet in sources.read_sheets(path)].index("Foglio4") == 2

    def damaged(cell: bytes) -> Callable[[bytes], bytes]:
        return lambda xml: xml.replace(b'</row><row r="3"', cell + b'</row><row r="3"', 1)

    third, largest = _sheet_part(path, 3), _sheet_part(path, 4)
    with zipfile.ZipFile(path) as zf:
        _rewritten(path, {third: damaged(b'<c r="K2" t="n"><v>zz</v></c>')(zf.read(third)),
                          largest: damaged(b'<c r="K2" t="s"><v>99</v></c>')(zf.read(largest))})
    before = _outcome(path, read_sheets_guard_first.read_sheets)
    assert before[0] == "refused" and "Parse float error" in before[2]
    assert _outcome(path, sources.read_sheets) == before
    with pytest.raises(UnusableInput) as refused:
        check_file(path)
    assert refused.value.problem.code == "file-unreadable" and "Parse float error" in refused.value.problem.message("en")
