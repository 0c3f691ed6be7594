"""Reading a column at a time gives what validating each cell on its own gives, mistakes included."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import minimal
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from test_validation_properties import CELL_VALUES

from toolkit.basics.problems import problem_type
from toolkit.intake.validation import check
from toolkit.intake.validation.columns import REQUIRED_VALUE, is_empty, read_column
from toolkit.model import sheets as schema
from toolkit.model.records import from_columns, from_values, validate

COLUMNS = [c for s in schema.SHEETS for c in s.columns]
REPEATED = st.sampled_from([0.0, -0.0, 1, 1.0, True, Decimal("1"), Decimal("1.0"), float("nan"), "1", " 1 ", "", None])
TYPED = st.one_of(*(st.lists(st.one_of(values, st.sampled_from(["", None, " "])), min_size=1, max_size=10) for values in (
    st.floats(), st.integers(), st.booleans(), st.dates(), st.datetimes(timezones=st.none() | st.timezones()),
    st.sampled_from(["22", "22%", "0,5", "lun", "Settimanale", "no", "sì", "01/02/2026", "IT00743110157"]))))
"""Columns as a reader gives them, mostly of one type: the way a typed column takes."""


def one_by_one(column, cells):
    """The column read the plain way, a cell at a time through the field's TypeAdapter, then
    its cell type's warning (`Cell.warns`: a price rounded, a fraction read as a percentage)."""
    values, mistakes = [], {}
    for i, cell in enumerate(cells):
        if is_empty(cell):
            if column.required:
                mistakes[i] = (REQUIRED_VALUE, {"it": column.it, "en": column.en})
            values.append(None if column.required else "EMPTY")
            continue
        try:
            value = column.adapter.validate_python(cell)
        except ValidationError as bad:
            [error] = bad.errors()
            mistakes[i] = (problem_type(error["type"]), error["ctx"])
            values.append(None)
            continue
        warns = column.cell.warns if column.cell is not None else None
        if warns is not None and (taken := warns(cell, value)) is not None:
            value, mistakes[i] = taken[0], taken[1:]
        values.append(value)
    return values, mistakes


def shown(values):
    return [(type(v), repr(v)) for v in values]


@settings(max_examples=400, deadline=None)
@example(schema.CUSTOMERS.column("name"), [1, True, 1.0, "1"])
@example(schema.PRICES.column("list_price"), [Decimal("1"), Decimal("1.0"), 1.0])
@example(schema.PRICES.column("discount"), [0.5, -0.5, 0.5, 8])
@example(schema.PRICES.column("list_price"), [20.12345678, 1.5, 20.12345678])
@example(schema.TEMPLATE_LINES.column("price"), ["", -0.0, "", 0.0, 1.5, "", 0.0])
@example(schema.TEMPLATE_LINES.column("note"), ["al retro", "", " ", "x", ""])
@example(schema.TEMPLATES.column("valid_from"),
         [datetime(2026, 4, 9, 23, tzinfo=UTC), datetime(2026, 4, 10, 1, tzinfo=timezone(timedelta(hours=2)))])
@given(st.sampled_from(COLUMNS), st.one_of(st.lists(st.one_of(CELL_VALUES, REPEATED), max_size=12),
                                           st.lists(REPEATED, min_size=2, max_size=6), TYPED))
def test_a_column_reads_as_its_cells_one_by_one(column, cells):
    cells = cells + cells[::-1]
    values, mistakes = read_column(column, cells, "EMPTY")
    want_values, want_mistakes = one_by_one(column, cells)
    assert shown(values) == shown(want_values)
    assert {i: (k.code, repr(p)) for i, (k, p) in mistakes.items()} == \
           {i: (k.code, repr(p)) for i, (k, p) in want_mistakes.items()}


def test_records_read_equal_records_validated_from_their_values():
    master = check(minimal.workbook()).master
    assert master is not None
    for records in (master.customers, master.items, master.prices, master.templates, master.template_lines):
        for record in records:
            fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
            validated = validate(type(record), fields)
            assert validated == record and repr(validated) == repr(record)
            assert from_values(type(record), [tuple(fields.values())]) == [record]
            copied = dataclasses.replace(record, source=record.source)
            assert copied == record and copied is not record


def test_records_are_made_only_from_validated_values():
    line = check(minimal.workbook()).master.template_lines[0]
    fields = {f.name: getattr(line, f.name) for f in dataclasses.fields(line)}
    with pytest.raises(ValidationError):
        from_values(type(line), [tuple({**fields, "quantity": str(line.quantity)}.values())])
    with pytest.raises(ValidationError):
        from_values(type(line), [tuple({**fields, "item": 1}.values())])


def test_records_made_from_columns_equal_those_made_from_rows(sample_master):
    """`from_columns` against `from_values` (the rows' way, the oracle) on every sheet of the
    sample, in random orders and subsets; a value of the wrong type fails in both."""
    rng = random.Random(20)
    for sheet in schema.SHEETS:
        records = list(getattr(sample_master, sheet.key, None) or ()) if sheet.record and not sheet.key_value else []
        if not records:
            continue
        names = [f.name for f in dataclasses.fields(records[0])]
        for _ in range(5):
            picked = rng.sample(records, rng.randint(0, len(records)))
            picked *= rng.choice((1, 1, 3, 100))  # thousands of records too, each repeated
            rows = [tuple(getattr(r, n) for n in names) for r in picked]
            columns = {n: [row[i] for row in rows] for i, n in enumerate(names)}
            made = from_columns(type(records[0]), columns)
            assert made == from_values(type(records[0]), rows) == picked
            assert [repr(r) for r in made] == [repr(r) for r in picked]
            assert all(type(r) is type(records[0]) for r in made)
        wrong = {n: [getattr(r, n) for r in records] for n in names}
        wrong[names[0]][-1] = object()
        with pytest.raises(ValidationError):
            from_values(type(records[0]), zip(*wrong.values()))
        with pytest.raises(ValidationError):
            from_columns(type(records[0]), wrong)


def test_codes_are_shared_across_sheets(sample_master):
    """A code read in any sheet is one string object (`columns._shared`), text or number cell."""
    templates = {t.code: t for t in sample_master.templates}
    items = {i.code: i for i in sample_master.items}
    for line in sample_master.template_lines:
        assert line.template is templates[line.template].code
        assert line.item is items[line.item].code
    for price in sample_master.prices:
        assert price.item is items[price.item].code
    values, _ = read_column(schema.TEMPLATE_LINES.column("item"), [1001.0, "1001", " 1001 ", 1001], None)
    assert values == ["1001"] * 4 and all(v is values[0] for v in values)
