"""Whatever a user types into any cell, the data check answers with problems, never an exception."""

from __future__ import annotations

from datetime import date, datetime, time

import minimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.basics.cells import column_letter
from toolkit.intake.validation import check

CELL_VALUES = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.sampled_from(["", " ", "abc", "=1+1", "31/02/2026", "1.234,5", "-0", "NaN", "inf", "lun,xyz", "€", "IT",
                     "Settimanale", "Reso", "sì", "00000000000", "RSSMRA80A01H501U", "FREQ=DAILY", "1e400"]),
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)),
    st.times().map(lambda t: t if isinstance(t, time) else time()),
)
SHEETS = sorted(minimal.sheets())


@st.composite
def edits(draw):
    sheets = minimal.sheets()
    changes = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        name = draw(st.sampled_from(SHEETS))
        rows = sheets[name]
        row = draw(st.integers(min_value=1, max_value=len(rows) + 1))
        col = draw(st.integers(min_value=1, max_value=len(rows[0]) + 1))
        changes.append((name, f"{column_letter(col)}{row}", draw(CELL_VALUES)))
    return changes


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_any_cell_gives_problems_not_exceptions(changes):
    sheets = minimal.sheets()
    for name, ref, value in changes:
        minimal.set_cell(sheets, name, ref, value)
    result = check(minimal.workbook(sheets))
    for p in result.problems:
        assert p.sheet in sheets or p.code in ("missing-sheet", "stock-not-checked")
        assert p.message("it") and p.message("en")
    if result.errors:
        assert result.master is None


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(SHEETS + ["Altro", "Foglio1"]),
                       st.lists(st.lists(CELL_VALUES, max_size=6), max_size=5), max_size=6))
def test_arbitrary_tables_never_raise(tables):
    from toolkit.basics.problems import UnusableInput
    from toolkit.intake.sources import from_values

    try:
        result = check(from_values("x.xlsx", tables))
    except UnusableInput as exc:
        assert exc.problem.code == "file-empty-workbook"
        return
    assert all(p.message("en") for p in result.problems)
