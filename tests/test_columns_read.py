"""The columns the rules read while the data check runs (`records.column` inside
`columns_read`) are each sheet's records' own values: the same objects, in the same order, as
reading every field from every record, on the sample, the benchmark's S workbook and randomly
broken workbooks (rows refused, sheets and columns missing). Outside the check, or for records
it did not read, `column` reads the records."""

from __future__ import annotations

import dataclasses
import random

import minimal
import pytest

from toolkit.intake import validation
from toolkit.intake.sample import Scale, sample_rows
from toolkit.intake.sources import from_values, read_workbook
from toolkit.intake.validation import check, check_file
from toolkit.intake.validation.records import _READ, RECORDS, column
from toolkit.writers.master_workbook import write_master

JUNK = (None, "", " ", "abc", -3, 0, 0.5, "BASE", "A001", "T001", "C001", 1.0, "31/02/2026")


def _checked_columns(run_rules):
    """`run_rules` that first checks every column `column` gives for the master's sheets."""
    seen: list[int] = []

    def checking(master, layout):
        kept = _READ.get({})
        for key in RECORDS:
            records = getattr(master, key)
            if not records:
                continue
            assert id(records) in kept, key
            for field in dataclasses.fields(RECORDS[key]):
                values = column(records, field.name)
                assert values is kept[id(records)][1][field.name]
                assert len(values) == len(records)
                assert all(v is getattr(r, field.name) for v, r in zip(values, records)), (key, field.name)
                seen.append(len(records))
        return run_rules(master, layout)

    return checking, seen


def _holds(raw_or_path, monkeypatch) -> int:
    checking, seen = _checked_columns(validation.run_rules)
    with monkeypatch.context() as m:
        m.setattr(validation, "run_rules", checking)
        checked = check_file(raw_or_path) if not hasattr(raw_or_path, "sheets") else check(raw_or_path)
    assert _READ.get(None) is None
    if checked.master is not None:
        some = checked.master.template_lines
        assert column(some, "template") == [line.template for line in some]
    return sum(seen)


def test_the_sample(sample_workbook, monkeypatch):
    assert _holds(sample_workbook, monkeypatch) > 100


def test_the_benchmark_s_workbook(tmp_path, monkeypatch):
    path = write_master(tmp_path / "bench-S.xlsx", sample_rows(Scale.S), lang="it", constant_memory=True)
    assert _holds(path, monkeypatch) > 1000


@pytest.mark.parametrize("seed", range(12))
def test_broken_samples(sample_workbook, seed, monkeypatch):
    """Rows refused for a bad cell leave the records made of the others, and their columns."""
    raw = read_workbook(sample_workbook)
    sheets = {s.name: [list(r) for r in s.rows] for s in raw.sheets}
    rng = random.Random(seed)
    _holds(from_values(raw.name, minimal.broken(sheets, rng, rng.randint(5, 60), JUNK)), monkeypatch)


@pytest.mark.parametrize("seed", range(12))
def test_broken_minimal_workbooks(seed, monkeypatch):
    rng = random.Random(seed)
    _holds(minimal.workbook(minimal.broken(minimal.sheets(), rng, rng.randint(1, 8), JUNK)), monkeypatch)


def test_records_not_read_by_the_check_are_read_one_by_one(sample_workbook):
    master = check_file(sample_workbook).master
    assert master is not None
    lines = master.template_lines[1:]
    assert column(lines, "item") == [line.item for line in lines]
