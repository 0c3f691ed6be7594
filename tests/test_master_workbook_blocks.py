"""A streamed (constant-memory) master workbook written as blocks of rows is, part for part and
byte for byte, the workbook the cell-by-cell writer made (`tests/oracles/master_workbook.py`):
on the sample's rows and on randomized rows with awkward values (text in number and date
columns, datetimes, formula-looking and spaced text, missing values), in both languages."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal as D

import pytest
import xlsxwriter
from oracles import master_workbook as oracle
from test_accountants_blocks import assert_same_workbook

from toolkit.intake.sample import sample_rows
from toolkit.model.cells import Kind
from toolkit.model.sheets import SHEETS
from toolkit.writers import master_workbook
from toolkit.writers.master_workbook import write_master

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
