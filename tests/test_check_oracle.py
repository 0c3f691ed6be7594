"""The data check against its earlier rules (`tests/oracles/checks.py`) and its earlier way of
making records (`tests/oracles/records_rowwise.py`): the same master data and the same problems
(code, cell, message) on the sample, on the benchmark's S workbook and on randomly broken
workbooks (issue 20: load and validate at L within 1.5 × calamine)."""

from __future__ import annotations

import copy
import random
from datetime import date

import minimal
import pytest
from oracles import checks as oracle
from oracles import records_rowwise

from toolkit.intake.sample import Scale, sample_rows
from toolkit.intake.sources import from_values, read_workbook
from toolkit.intake.validation import check
from toolkit.intake.validation import records as records_module
from toolkit.intake.validation import rules as rules_module
from toolkit.writers.master_workbook import write_master

JUNK = (None, "", " ", "abc", "-3", -3, 0, 0.5, "31/02/2026", date(2026, 4, 9), "BASE", "2026A", "A001", "T001",
        "C001", "Listino base", "1e400", 10**12, "Reso", "FREQ=DAILY", 1.0)


def _oracle_rules():
    swap = {"derived_versions": oracle.derived_versions, "template_lines": oracle.template_lines,
            "references": oracle.references, "prices": oracle.prices, "unique_codes": oracle.unique_codes,
            "templates": oracle.templates}
    return tuple(swap.get(rule.__name__, rule) for rule in rules_module.RULES)


def _same(raw, monkeypatch) -> None:
    now = check(raw)
    with monkeypatch.context() as m:
        m.setattr(rules_module, "RULES", _oracle_rules())
        m.setattr(records_module, "_records", lambda *made_of: (records_rowwise.records(*made_of), {}))
        before = check(raw)
    assert [(p.code, p.location, p.message("en")) for p in now.problems] == \
        [(p.code, p.location, p.message("en")) for p in before.problems]
    assert now.problems == before.problems
    assert now.master == before.master
    assert repr(now.master) == repr(before.master)


def test_the_sample(sample_workbook, monkeypatch):
    _same(read_workbook(sample_workbook), monkeypatch)


def test_the_benchmark_s_workbook(tmp_path, monkeypatch):
    path = write_master(tmp_path / "bench-S.xlsx", sample_rows(Scale.S), lang="it", constant_memory=True)
    _same(read_workbook(path), monkeypatch)


@pytest.mark.parametrize("seed", range(40))
def test_broken_minimal_workbooks(seed, monkeypatch):
    rng = random.Random(seed)
    _same(minimal.workbook(minimal.broken(minimal.sheets(), rng, rng.randint(1, 8), JUNK)), monkeypatch)


@pytest.mark.parametrize("seed", range(6))
def test_broken_samples(sample_workbook, seed, monkeypatch):
    raw = read_workbook(sample_workbook)
    sheets = {s.name: [list(r) for r in s.rows] for s in raw.sheets}
    rng = random.Random(seed)
    _same(from_values(raw.name, minimal.broken(sheets, rng, rng.randint(5, 60), JUNK)), monkeypatch)


PRICING_SHEETS = ("Righe modello", "Prezzi", "Versioni listino", "Modelli ordine", "Clienti", "Listini")


def _shuffled(sheets: dict, rng: random.Random, edits: int) -> dict:
    """Cells of the pricing sheets set to another row's value of the same column, to a number
    around zero, or to junk: codes that exist but do not fit, prices below their limit,
    versions that do not cover a template's first day."""
    sheets = copy.deepcopy(sheets)
    for _ in range(edits):
        rows = sheets[rng.choice(PRICING_SHEETS)]
        if len(rows) < 3:
            continue
        row = rows[rng.randrange(1, len(rows))]
        col = rng.randrange(len(row))
        row[col] = rng.choice((
            rows[rng.randrange(1, len(rows))][col], rows[rng.randrange(1, len(rows))][col],
            rng.choice((-1, 0, 0.001, 1.5, -0.5, 2, 1000)), rng.choice(JUNK)))
    return sheets


@pytest.mark.parametrize("seed", range(12))
def test_broken_pricing_of_samples(sample_workbook, seed, monkeypatch):
    raw = read_workbook(sample_workbook)
    sheets = {s.name: [list(r) for r in s.rows] for s in raw.sheets}
    rng = random.Random(1000 + seed)
    _same(from_values(raw.name, _shuffled(sheets, rng, rng.randint(3, 80))), monkeypatch)


@pytest.fixture(scope="module")
def bench_s_sheets(tmp_path_factory):
    path = write_master(tmp_path_factory.mktemp("bench") / "bench-S.xlsx", sample_rows(Scale.S), lang="it",
                        constant_memory=True)
    raw = read_workbook(path)
    return raw.name, {s.name: [list(r) for r in s.rows] for s in raw.sheets}


@pytest.mark.parametrize("seed", range(8))
def test_broken_pricing_of_the_benchmark_s_workbook(bench_s_sheets, seed, monkeypatch):
    """Hundreds of template lines over several versions: the lines `template_lines` looks at
    (`_lines_to_look_at`) must be all those with a problem, wherever the breakage falls (half
    the seeds also shuffle the pricing sheets, which leaves many templates unchecked)."""
    name, sheets = bench_s_sheets
    rng = random.Random(2000 + seed)
    if seed % 2:
        sheets = _shuffled(sheets, rng, rng.randint(20, 400))
    _same(from_values(name, _repriced(copy.deepcopy(sheets), rng)), monkeypatch)


def _repriced(sheets: dict, rng: random.Random) -> dict:
    """Template lines given their own price (some below the limit, some negative) or a
    quantity of zero or less, and prices taken away: the problems only a line's own price
    record can tell."""
    lines, prices = sheets["Righe modello"], sheets["Prezzi"]
    quantity, price = lines[0].index("Quantità"), lines[0].index("Prezzo")
    for row in rng.sample(lines[1:], len(lines) // 8):
        if len(row) > price:
            row[price] = rng.choice((0.01, 1, 5, 15, 17.5, 1000, -2))
    for row in rng.sample(lines[1:], 5):
        if len(row) > quantity:
            row[quantity] = rng.choice((0, -1, 0.5))
    for _ in range(rng.randint(0, 20)):
        del prices[rng.randrange(1, len(prices))]
    return sheets


def test_derived_prices_are_their_base_marked_up_one_by_one(tmp_path):
    """Derived prices are worked out once per distinct base price: each must be exactly
    (digits and exponent) what `marked_up` gives its own base."""
    from toolkit.core.pricing import derived_prices, marked_up
    from toolkit.intake.validation import check_file

    path = write_master(tmp_path / "bench-S.xlsx", sample_rows(Scale.S), lang="it", constant_memory=True)
    master = check_file(path).master
    assert master is not None
    prices, broken = derived_prices(master)
    explicit = {(p.price_list, p.version, p.item) for p in master.prices}
    checked = 0
    for v in master.price_versions:
        if not v.derived or (v.price_list, v.version) in broken:
            continue
        for (pl, ver, item), p in prices.items():
            if (pl, ver) != (v.price_list, v.version) or (pl, ver, item) in explicit:
                continue
            base = prices[v.base_list, v.base_version, item]
            for field in ("list_price", "standard_price", "limit_price"):
                value = getattr(base, field)
                expected = None if value is None else marked_up(value, v.markup, v.rounding)
                assert str(getattr(p, field)) == str(expected), (pl, ver, item, field)
            checked += 1
    assert checked > 100


def test_sources_are_the_named_tuples_the_constructor_makes():
    from toolkit.intake.validation.records import _sources
    from toolkit.model.records import Source

    made = _sources("template_lines", [2, 3, 700_000])
    assert made == [Source("template_lines", 2), Source("template_lines", 3), Source("template_lines", 700_000)]
    assert all(type(s) is Source and s.sheet == "template_lines" for s in made)
    assert [s.row for s in made] == [2, 3, 700_000]


BLANKS = (None, "", " ", "\t", 0, 0.0, False, "x", " y ", 3.5, date(2026, 4, 9))


@pytest.mark.parametrize("seed", range(30))
def test_table_data_picks_the_rows_and_cells_the_row_wise_way_picked(seed):
    """`Table.data` (a column at a time) against the row-wise picking (`tests/oracles/table_rowwise.py`)
    on tables with blank rows, blank-looking cells (spaces, zero, False), short rows and columns
    in any order."""
    from oracles import table_rowwise

    from toolkit.intake.validation.layout import find_tables

    rng = random.Random(seed)
    sheets = minimal.sheets()
    for rows in sheets.values():
        for _ in range(rng.randint(0, 12)):
            at = rng.randrange(1, len(rows) + 1)
            width = rng.randint(0, len(rows[0]) + 1)
            rows.insert(at, [rng.choice(BLANKS[:4]) if rng.random() < 0.8 else rng.choice(BLANKS)
                             for _ in range(width)])
    tables, _, _ = find_tables(minimal.workbook(sheets))
    for table in tables.values():
        keys = list(table.columns)
        for picked in (keys, keys[::-1], rng.sample(keys, rng.randint(0, len(keys))), keys[:1]):
            assert table.data(picked) == table_rowwise.data(table, picked), (table.name, picked)


@pytest.mark.parametrize("seed", range(20))
def test_a_column_is_blank_free_exactly_when_no_cell_reads_as_blank(seed):
    """`_blank_free` (passes in C) against the row-wise test of each cell, on columns of text,
    numbers, dates and every kind of white space (no-break, em space, file separator…)."""
    from toolkit.intake.validation.layout import _blank_free

    rng = random.Random(seed)
    cells = ("A001", "x y", 0, 0.0, 1.5, False, date(2026, 4, 9), "\xa0", "\u2003 ", "\x1c", " a ", "\t\n", "", None,
             " ", "0", "\u200b")
    for _ in range(50):
        column = [rng.choice(cells[:7]) for _ in range(rng.randint(0, 30))]
        if rng.random() < 0.5 and column:
            column[rng.randrange(len(column))] = rng.choice(cells)
        expected = not any(v is None or v == "" or (isinstance(v, str) and not v.strip()) for v in column)
        assert _blank_free(column) == expected, column
        assert _blank_free(tuple(column)) == expected, column
