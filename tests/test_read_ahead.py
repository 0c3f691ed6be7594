"""`check_file` reads each sheet's records while calamine parses the next sheet in a second
thread (`toolkit.intake.sources.read_sheets`): it must give exactly what the data check gives
on the whole workbook read first (`check(read_workbook(path))`), the same master data and the
same problems in the same order, on valid and broken files (issue 20: load and validate at L)."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import minimal
import pytest
from openpyxl import Workbook

from toolkit.basics.problems import UnusableInput
from toolkit.intake import sources
from toolkit.intake.sample import Scale, sample_rows
from toolkit.intake.sources import read_sheets, read_workbook
from toolkit.intake.validation import check, check_file
from toolkit.writers.master_workbook import write_master

JUNK = (None, "", " ", "abc", -3, 0, 0.5, "BASE", "A001", "T001", "C001", 1.0)


def _same(path: Path) -> None:
    before = check(read_workbook(path))
    now = check_file(path)
    assert [(p.code, p.location, p.message("en")) for p in now.problems] == \
        [(p.code, p.location, p.message("en")) for p in before.problems]
    assert now.problems == before.problems
    assert now.layout == before.layout
    assert now.master == before.master
    assert repr(now.master) == repr(before.master)


def _write(path: Path, sheets: dict) -> Path:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


def test_the_sheets_are_those_read_whole(sample_workbook, monkeypatch):
    whole = read_workbook(sample_workbook)
    for ahead in (1, 2, 5, 40):
        monkeypatch.setattr(sources, "AHEAD", ahead)
        assert tuple(read_sheets(sample_workbook)) == whole.sheets


def test_the_sample(sample_workbook):
    _same(sample_workbook)


def test_the_benchmark_s_workbook(tmp_path):
    _same(write_master(tmp_path / "bench-S.xlsx", sample_rows(Scale.S), lang="it", constant_memory=True))


@pytest.mark.parametrize("seed", range(16))
def test_broken_workbooks(tmp_path, seed):
    """Cells broken at random, sheets in another order, a sheet twice (in English too), a sheet
    emptied, a required column taken away: the early reading must stand aside wherever the
    whole-workbook check would read another table or none."""
    _same(_broken(tmp_path, seed))


def _broken(tmp_path: Path, seed: int) -> Path:
    rng = random.Random(seed)
    sheets = minimal.sheets()
    for _ in range(rng.randint(0, 10)):
        rows = sheets[rng.choice(sorted(sheets))]
        if len(rows) > 1:
            row = rows[rng.randrange(1, len(rows))]
            row[rng.randrange(len(row))] = rng.choice(JUNK)
    names = list(sheets)
    rng.shuffle(names)
    sheets = {name: sheets[name] for name in names}
    twice = rng.choice(names)
    if seed % 3 == 0:
        other = copy.deepcopy(sheets[twice])[:-1]
        if len(other) > 1:
            other[1][0] = "???" if twice == "Impostazioni" else None
        sheets[f"{twice} (2)" if seed % 2 else _english(twice)] = other
    if seed % 4 == 1:
        sheets[rng.choice(names)] = []
    if seed % 4 == 2:
        rows = sheets[rng.choice(names)]
        if rows:
            rows[0][0] = "Colonna sconosciuta"
    if seed % 5 == 3:
        sheets[rng.choice(names)] = [[None, None], [None, "x"]]
    return _write(tmp_path / f"broken-{seed}.xlsx", sheets)


def _english(italian: str) -> str:
    from toolkit.model.sheets import match_sheet

    spec = match_sheet(italian)
    return spec.en if spec is not None else italian + " (en)"


def test_an_empty_workbook_is_refused_alike(tmp_path):
    path = _write(tmp_path / "vuota.xlsx", {"Clienti": [], "Foglio2": [[None]]})
    with pytest.raises(UnusableInput) as before:
        check(read_workbook(path))
    with pytest.raises(UnusableInput) as now:
        check_file(path)
    assert str(now.value) == str(before.value)


def test_a_broken_file_is_refused_alike(tmp_path):
    path = tmp_path / "rotto.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    with pytest.raises(UnusableInput) as before:
        read_workbook(path)
    with pytest.raises(UnusableInput) as now:
        check_file(path)
    assert str(now.value) == str(before.value)


def test_the_meanwhile_tasks_all_run_once_and_a_failing_one_is_no_fault_of_the_file(sample_workbook):
    ran: list[int] = []

    def fails() -> None:
        ran.append(0)
        raise ImportError("not here")

    tasks = [fails, *(lambda i=i: ran.append(i) for i in range(1, 30))]
    sheets = tuple(read_sheets(sample_workbook, meanwhile=tasks))
    assert sheets == read_workbook(sample_workbook).sheets
    assert ran == list(range(30))


@pytest.mark.parametrize("scale", ["sample", "S"])
def test_the_derived_prices_are_worked_out_once_while_the_sheets_are_read(sample_workbook, tmp_path, monkeypatch,
                                                                         scale):
    """`check_file` works the derived prices out as soon as the versions and prices are read
    (a `meanwhile` task), from the records the master is then made of: the rules find them
    done, and they are what `derive` gives on the master's own records."""
    from toolkit.core import pricing
    from toolkit.intake import validation

    path = sample_workbook if scale == "sample" else \
        write_master(tmp_path / "bench-S.xlsx", sample_rows(Scale.S), lang="it", constant_memory=True)
    derive, run_rules = pricing.derive, validation.run_rules
    calls: list[str] = []
    monkeypatch.setattr(pricing, "derive", lambda *a: calls.append("derive") or derive(*a))
    monkeypatch.setattr(validation, "run_rules", lambda *a: calls.append("rules") or run_rules(*a))
    master = check_file(path).master
    assert master is not None and any(v.derived for v in master.price_versions)
    prices, broken = pricing.derived_prices(master)
    assert pricing.price_book(master).prices is prices
    assert calls == ["derive", "rules"]
    by_key = {(p.price_list, p.version, p.item): p for p in master.prices}
    assert (prices, broken) == derive(master.price_versions, by_key)
    assert len(prices) > len(by_key)
