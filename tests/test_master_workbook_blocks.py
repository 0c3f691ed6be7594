"""A streamed (constant-memory) master workbook written as blocks of rows is, part for part and
byte for byte, the workbook the cell-by-cell writer made (`tests/oracles/master_workbook.py`):
on the sample's rows and on randomized rows with awkward values (text in number and date
columns, datetimes, formula-looking and spaced text, missing values), in both languages, with
the rows made into XML a few at a time or many, and on what `convert --to master` merges from
several desks (the merged workbook of 200 desks is streamed). Rows of values, a column at a
time, are also held to `printable.text` cell by cell on a fresh workbook, where the numbering of
formats by first use shows."""

from __future__ import annotations

import gc
import random
import re
from datetime import date, datetime
from decimal import Decimal as D

import pytest
import xlsxwriter
from oracles import master_workbook as oracle
from test_accountants_blocks import assert_same_workbook

from toolkit.intake.sample import sample_rows
from toolkit.model.cells import Kind
from toolkit.model.sheets import SHEETS
from toolkit.services import convert as converting
from toolkit.writers import blocks, master_workbook
from toolkit.writers.blocks import Column as Block
from toolkit.writers.libreoffice import convert as libreoffice_convert
from toolkit.writers.libreoffice import soffice
from toolkit.writers.master_workbook import write_master
from toolkit.writers.printable import text

ODD = ("", "  spaced ", "=HYPERLINK(\"x\")", "a & b <c>", "_x0041_", "two\nlines", "città", "12,5", "n/a")


def shaken(rows: dict[str, list[dict]], rng: random.Random) -> dict[str, list[dict]]:
    kinds = {s.key: {c.key: c.kind for c in s.columns} for s in SHEETS}
    out = {}
    for sheet, sheet_rows in rows.items():
        out[sheet] = []
        for row in sheet_rows:
            row = dict(row)
            for key in list(row):
                if rng.random() < 0.08:
                    kind = kinds[sheet].get(key)
                    row[key] = rng.choice((None, rng.choice(ODD), D(rng.randrange(-10**6, 10**6)) / 100,
                                           datetime(2026, 4, 9, 10, 30) if kind is Kind.DATE else rng.random() * 1e7,
                                           date(1900, 1, 15) if kind is Kind.DATE else 0))
            out[sheet].append(row)
    return out


def written_both_ways(tmp_path, monkeypatch, rows, lang):
    made = write_master(tmp_path / f"blocks-{lang}.xlsx", rows, lang=lang, constant_memory=True)
    with monkeypatch.context() as patched:
        patched.setattr(master_workbook, "_write_table", oracle._write_table)
        patched.setattr(master_workbook, "StreamedWorkbook", xlsxwriter.Workbook)
        expected = write_master(tmp_path / f"cells-{lang}.xlsx", rows, lang=lang, constant_memory=True)
    return made, expected


@pytest.mark.parametrize("lang", ["it", "en"])
def test_the_sample_streams_as_before(tmp_path, monkeypatch, lang):
    assert_same_workbook(*written_both_ways(tmp_path, monkeypatch, sample_rows(), lang))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_odd_values_stream_as_before(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    rows = shaken(sample_rows(), rng)
    if seed == 3:
        rows = {k: v[:1] for k, v in rows.items()}
    assert_same_workbook(*written_both_ways(tmp_path, monkeypatch, rows, rng.choice(("it", "en"))))


def test_empty_sheets_stream_as_before(tmp_path, monkeypatch):
    rows = {k: [] for k in sample_rows()}
    assert_same_workbook(*written_both_ways(tmp_path, monkeypatch, rows, "it"))


def late_firsts(rows: dict[str, list[dict]], rng: random.Random) -> dict[str, list[dict]]:
    """Some columns empty in their first rows, and empty rows here and there."""
    out = {}
    for sheet, sheet_rows in rows.items():
        sheet_rows = [dict(row) for row in sheet_rows]
        keys = sorted({k for row in sheet_rows for k in row})
        for key in rng.sample(keys, len(keys) // 2):
            for row in sheet_rows[:rng.randrange(len(sheet_rows) + 1)]:
                row.pop(key, None)
        for _ in range(rng.randrange(3)):
            sheet_rows.insert(rng.randrange(len(sheet_rows) + 1), {})
        out[sheet] = sheet_rows
    return out


@pytest.mark.parametrize("at_once", [1, 2, 7, 64])
def test_rows_made_a_column_at_a_time_stream_as_before(tmp_path, monkeypatch, at_once):
    monkeypatch.setattr(blocks, "ROWS_AT_ONCE", at_once)
    rng = random.Random(at_once)
    rows = late_firsts(shaken(sample_rows(), rng), rng)
    assert_same_workbook(*written_both_ways(tmp_path, monkeypatch, rows, rng.choice(("it", "en"))))


@pytest.mark.parametrize("seed", range(6))
def test_streamed_rows_number_formats_as_the_cells_first_use_them(tmp_path, monkeypatch, seed):
    """`write_rows` against `printable.text` cell by cell: columns whose formats are first used
    far down and out of column order, text in number columns, blanks kept or not, rows of
    their own heights (`set_row`) among rows of the default one, rows made into XML one at a
    time or many."""
    rng = random.Random(seed)
    monkeypatch.setattr(blocks, "ROWS_AT_ONCE", rng.choice((1, 3, 16, 4096)))
    specs = [(rng.random() < 0.3, rng.random() < 0.5) for _ in range(rng.randrange(1, 9))]
    pools = [(None, "x", " a ", "_x0041_", "A&B", 1.5, 0, -2, D("3.10"), date(2026, 4, 9), "è" * 3),
             (None, None, None, "late"), (None, 7.25), (None, "", "plain")]
    rows = [tuple(rng.choice(pools[(i * 7 + j) % len(pools)] if rng.random() < 0.7 else pools[0])
                  for j in range(len(specs))) for i in range(rng.randrange(1, 60))]
    written = [any(v is not None or blanks for v, (_, blanks) in zip(values, specs)) for values in rows]
    heights = [rng.choice((None, None, 15, 30, 45.75)) if cells else None for cells in written]

    def book(path, cells):
        made = (xlsxwriter.Workbook if cells else blocks.StreamedWorkbook)(str(path), {"constant_memory": True})
        formats = [made.add_format({"num_format": f"0.{'0' * (j + 1)}"}) for j in range(len(specs))]
        texts = [made.add_format({"num_format": "@", "bold": j % 2 == 0}) for j in range(len(specs))]
        sheet = made.add_worksheet()
        sheet.write_string(0, 0, "head")
        columns = [Block("value", formats[j], blanks=blanks, text_format=texts[j] if own_text else None)
                   for j, (own_text, blanks) in enumerate(specs)]
        if cells:
            for i, (values, height) in enumerate(zip(rows, heights), start=2):
                if height is not None:
                    sheet.set_row(i, height)
                for j, (value, column) in enumerate(zip(values, columns)):
                    fmt = column.text_format if isinstance(value, str) and column.text_format else column.format
                    if value is not None or column.blanks:
                        text(sheet, i, j, value, fmt)
        else:
            sheet.write_rows(2, 0, columns, zip(rows, heights))
        sheet.write_string(len(rows) + 3, 0, "foot")
        made.close()
        return path

    assert_same_workbook(book(tmp_path / "rows.xlsx", False), book(tmp_path / "cells.xlsx", True))


def test_plain_text_is_written_as_xlsxwriter_writes_it(tmp_path, monkeypatch):
    """Text with nothing to escape skips XlsxWriter's escapes: the same XML for any text."""
    rng = random.Random(19)
    alphabet = "aZ09 _x41&<>\"'\n\t\r\x01\x1f\x7f\x85\xa0\u2003\u3000èé€😀"
    texts = ["", " ", "a", "_x0041_", "a_x0041_b", "<r>x</r>", "x" * 20_000, "😀" * 20_000, *ODD]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 8))) for _ in range(3000)]
    sheet = blocks.StreamedWorkbook(str(tmp_path / "t.xlsx"), {"constant_memory": True}).add_worksheet()
    fast = [blocks._inline_string(sheet, t) for t in texts]
    monkeypatch.setattr(blocks, "_PLAIN_TEXT", re.compile("(?!)"))
    assert fast == [blocks._inline_string(sheet, t) for t in texts]


def desks(folder, count: int) -> None:
    """`count` desks with codes of their own (`C001-1`), the last sharing a customer's code
    with different values (a clash, reported and not merged)."""
    base = sample_rows()
    own = {"customers", "items", "templates", "ship_to", "contacts", "price_rules", "volume_discounts", "commissions"}
    folder.mkdir()
    for k in range(count):
        rows = {}
        for sheet, sheet_rows in base.items():
            keys = {c.key for s in SHEETS if s.key == sheet for c in s.columns
                    if c.refers in own or (sheet in own and c.key == "code")}
            rows[sheet] = [{f: (f"{v}-{k}" if k and f in keys and v else v) for f, v in row.items()}
                           for row in sheet_rows]
        if k == count - 1:
            rows["customers"][0] = {**rows["customers"][0], "code": base["customers"][0]["code"], "name": "Altro"}
        write_master(folder / f"anagrafiche-{k}.xlsx", rows)


def test_a_merge_of_desks_streams_as_before(tmp_path, monkeypatch):
    """`convert --to master` streams a merge as large as 200 desks': the same workbook as the
    cell-by-cell writer's, the same problems, and LibreOffice opens it."""
    desks(tmp_path / "desks", 3)
    monkeypatch.setattr(converting, "STREAM_CELLS", 0)
    merged = converting.convert([tmp_path / "desks"], tmp_path / "blocks", "master", jobs=1, lang="it")
    assert merged.count("converted") == 3 and any(p.code == "convert-code-clash" for p in merged.problems)
    with monkeypatch.context() as patched:
        patched.setattr(master_workbook, "_write_table", oracle._write_table)
        patched.setattr(master_workbook, "StreamedWorkbook", xlsxwriter.Workbook)
        expected = converting.convert([tmp_path / "desks"], tmp_path / "cells", "master", jobs=1, lang="it")
    assert merged.workbook is not None and expected.workbook is not None
    assert [str(p) for p in merged.problems] == [str(p) for p in expected.problems]
    assert_same_workbook(merged.workbook, expected.workbook)
    assert gc.isenabled()  # paused for the merge only
    if soffice() is not None:
        csv = libreoffice_convert(merged.workbook, "csv:Text - txt - csv (StarCalc):44,34,76,1", tmp_path / "lo")
        assert csv.read_text(encoding="utf-8").strip()


@pytest.mark.parametrize("zeros", [(0.0, -0.0), (D("0.000"), D("-0")), (-0.0,), (0, D("0.0"), 0.0),
                                   (1.0, D("1.00"), 2**53 + 1, D(2**53 + 1), float(2**53), datetime(2026, 4, 9),
                                    datetime(2026, 4, 9, 12, 30), D("-0E-2"))])
def test_a_column_of_zeros_of_either_sign_streams_as_written_cell_by_cell(tmp_path, zeros):
    """A streamed column writes each distinct value's XML once (`_CellWriter.cells`), but a set
    holds one zero whatever its sign: `-0` and `0` are each written as `printable.text` writes
    them, among repeated values (and equal numbers of other types, 1.0 and 1.00, 2**53 + 1 as an int
    and a decimal, a date beside its midnight), and a boolean is refused there as cell by cell."""
    rng = random.Random(len(zeros))
    values = [rng.choice((*zeros, D("1.5"), 1, None, "x", date(2026, 4, 9))) for _ in range(300)]

    def book(path, cells):
        made = (xlsxwriter.Workbook if cells else blocks.StreamedWorkbook)(str(path), {"constant_memory": True})
        quantity = made.add_format({"num_format": "0.000"})
        sheet = made.add_worksheet()
        if cells:
            for i, value in enumerate(values):
                if value is not None:
                    text(sheet, i, 0, value, quantity)
        else:
            sheet.write_rows(0, 0, [Block("value", quantity, blanks=False)], [((value,), None) for value in values])
        made.close()
        return path

    assert_same_workbook(book(tmp_path / "rows.xlsx", False), book(tmp_path / "cells.xlsx", True))
    sheet = blocks.StreamedWorkbook(str(tmp_path / "b.xlsx"), {"constant_memory": True}).add_worksheet()
    with pytest.raises(TypeError, match="booleans"):
        sheet.write_rows(0, 0, [Block("value")], [((1,), None), ((True,), None), ((2,), None)])
        sheet._write_single_row(5)


@pytest.mark.parametrize("seed", range(4))
def test_rows_whose_every_column_makes_a_cell_stream_as_written_cell_by_cell(tmp_path, monkeypatch, seed):
    """`_full_rows_xml` (every column a formatted blank for None, or holding no None), each
    distinct value's XML after its reference looked up (`_CellWriter.tails`, texts too), and the
    rows copied into the sheet's XML as bytes (`_rows_copied`): against `printable.text` cell
    by cell, with repeated and new texts, non-ASCII and line breaks, numbers, dates, rows of
    their own heights, a text in a number column and the rows made into XML a few at a time."""
    rng = random.Random(seed)
    monkeypatch.setattr(blocks, "ROWS_AT_ONCE", rng.choice((3, 16, 4096)))
    full = []
    monkeypatch.setattr(blocks.StreamedWorksheet, "_full_rows_xml",
                        lambda self, *a, f=blocks.StreamedWorksheet._full_rows_xml: full.append(f(self, *a)))
    width = rng.randrange(1, 8)
    texts = ["Via Roma 1, Firenze", "città", "a & b", "due\nrighe", " spazio", "OC-2026-00001", "x" * 300]
    pools = [texts, [None, *texts[:3]], [D("1.500"), 3, 2.25, D("-0.5"), None], [date(2026, 4, 9), None],
             [D("4"), "n/d", None]]
    rows = [tuple(rng.choice(pools[j % len(pools)]) for j in range(width)) for _ in range(rng.randrange(20, 90))]
    heights = [rng.choice((None, None, 30, 45.75)) for _ in rows]

    def book(path, cells):
        made = (xlsxwriter.Workbook if cells else blocks.StreamedWorkbook)(str(path), {"constant_memory": True})
        formats = [made.add_format({"num_format": f"0.{'0' * (j + 1)}", "text_wrap": j % 2 == 0})
                   for j in range(width)]
        sheet = made.add_worksheet()
        sheet.write_string(0, 0, "head")
        if cells:
            for i, (values, height) in enumerate(zip(rows, heights), start=1):
                if height is not None:
                    sheet.set_row(i, height)
                for j, value in enumerate(values):
                    text(sheet, i, j, value, formats[j])
        else:
            sheet.write_rows(1, 0, [Block("value", f) for f in formats], zip(rows, heights))
        sheet.write_string(len(rows) + 2, 0, "foot")
        made.close()
        return path

    assert_same_workbook(book(tmp_path / "rows.xlsx", False), book(tmp_path / "cells.xlsx", True))
    assert full


AWKWARD = ("<b>", "a & b", 'say "hi"', "ctl\x01\x1f", "lit _x000D_ here", "_x0041_", "cr\rlf", "tab\tthere",
           " lead", "trail ", "  ", "", "x" * 40_000, "é" * 20_000, "😀" * 17_000, "<r>x</r>", "a\u2028b")


@pytest.mark.parametrize("seed", range(3))
def test_cached_cells_of_awkward_values_stream_as_written_cell_by_cell(tmp_path, monkeypatch, seed):
    """`_CellWriter.tails` makes each distinct value's XML once and looks it up for every cell:
    texts XML escapes, control characters and their literal escapes (`_x000D_`), spaces at
    either end (`xml:space`), texts beyond Excel's 32,767 characters (cut as XlsxWriter cuts
    them, non-ASCII and astral ones too), and numbers a set holds as one (1, 1.0, Decimal
    1.000; 2**53 + 1 and its float) are the cells `printable.text` writes one by one, in full
    rows (`_full_rows_xml`) and in rows with cells left out, copied as bytes (`_rows_copied`)."""
    rng = random.Random(seed)
    monkeypatch.setattr(blocks, "ROWS_AT_ONCE", rng.choice((5, 4096)))
    full = []
    monkeypatch.setattr(blocks.StreamedWorksheet, "_full_rows_xml",
                        lambda self, *a, f=blocks.StreamedWorksheet._full_rows_xml: full.append(f(self, *a)))
    numbers = [1, 1.0, D("1.000"), 2**53 + 1, float(2**53), D("0.1"), 0.1, 1e300, D("123456789.123456789"), 0]
    pools = [AWKWARD, AWKWARD + tuple(numbers), numbers + [date(2026, 4, 9), datetime(2026, 4, 9, 12, 30)],
             [*AWKWARD[:6], None]]
    rows = [tuple(rng.choice(pool) for pool in pools) for _ in range(60)]
    rows += [row[:3] + (rng.choice(AWKWARD),) for row in rows[:20]]  # a chunk of full rows, whatever ROWS_AT_ONCE

    def book(path, cells, blanks):
        made = (xlsxwriter.Workbook if cells else blocks.StreamedWorkbook)(str(path), {"constant_memory": True})
        formats = [made.add_format({"text_wrap": True}), None, made.add_format({"num_format": "0.000"}),
                   made.add_format({"valign": "top"})]
        sheet = made.add_worksheet()
        if cells:
            for i, values in enumerate(rows):
                for j, value in enumerate(values):
                    if value is not None or blanks:
                        text(sheet, i, j, value, formats[j])
        else:
            sheet.write_rows(0, 0, [Block("value", f, blanks=blanks) for f in formats], ((r, None) for r in rows))
        sheet.write_string(len(rows) + 1, 0, "foot")
        made.close()
        return path

    for blanks in (True, False):
        assert_same_workbook(book(tmp_path / f"rows-{blanks}.xlsx", False, blanks),
                             book(tmp_path / f"cells-{blanks}.xlsx", True, blanks))
    assert full
