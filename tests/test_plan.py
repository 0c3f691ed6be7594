from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factories as f
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.basics.cells import Location
from toolkit.basics.problems import Severity
from toolkit.basics.vocab import ExceptionAction as A
from toolkit.basics.vocab import HolidayPolicy
from toolkit.basics.vocab import ScheduleKind as K
from toolkit.core.plan import Due, DueLine, catch_up, due_between, due_on

D = date
Q = Decimal

# Mondays and Thursdays, two items; Easter Monday 2026-04-06 moves to Tuesday 7.
MON_THU = f.template(K.WEEKLY, weekdays=(0, 3))
LINES = (f.line(item="A001", quantity="10", row=2), f.line(item="A002", quantity="2.5", row=3, note="retro"))


def plan(*exceptions, templates=(MON_THU,), lines=LINES, start=D(2026, 4, 1), end=D(2026, 4, 30), **kw):
    return due_between(f.master(templates, lines, exceptions=exceptions, **kw), start, end)


def by_date(dues: list[Due]) -> dict[date, Due]:
    return {d.day: d for d in dues}


def quantities(due: Due) -> dict[str, Decimal]:
    return {x.item: x.quantity for x in due.lines}


def test_regular_dues_carry_the_template_lines():
    dues, problems = plan()
    assert [d.day for d in dues] == [D(2026, 4, 2), D(2026, 4, 7), D(2026, 4, 9), D(2026, 4, 13), D(2026, 4, 16),
                                      D(2026, 4, 20), D(2026, 4, 23), D(2026, 4, 27), D(2026, 4, 30)]
    first = dues[0]
    assert (first.template, first.customer, first.key) == ("T001", "C001", ("T001", D(2026, 4, 2)))
    assert first.lines == (DueLine("A001", Q("10"), None, None), DueLine("A002", Q("2.5"), None, "retro"))
    assert isinstance(first.lines[1].quantity, Decimal)
    assert not first.changed and not first.extra
    easter = by_date(dues)[D(2026, 4, 7)]
    assert easter.moved and easter.nominal == (D(2026, 4, 6),) and easter.changed
    assert problems == []


def test_only_active_templates_and_their_own_lines():
    other = f.template(K.DAILY, code="T002", customer="C002", active=False)
    dues, _ = plan(templates=(MON_THU, other), lines=LINES + (f.line("T002", "B001", "1", row=4),))
    assert {d.template for d in dues} == {"T001"}


def test_merged_occurrence_carries_both_deliveries():
    tue = f.template(K.WEEKLY, weekdays=(0, 1))
    dues, problems = plan(templates=(tue,), start=D(2026, 4, 6), end=D(2026, 4, 7))
    (due,) = dues
    assert due.day == D(2026, 4, 7) and due.nominal == (D(2026, 4, 6), D(2026, 4, 7))
    assert quantities(due) == {"A001": Q("20"), "A002": Q("5.0")}
    assert [(p.code, p.severity) for p in problems] == [("occurrences-merged", Severity.WARNING)]


def test_skip():
    dues, problems = plan(f.exception(A.SKIP, D(2026, 4, 9)))
    assert D(2026, 4, 9) not in by_date(dues) and len(dues) == 8
    assert problems == []


def test_skip_by_the_rule_date_of_a_moved_delivery():
    dues, problems = plan(f.exception(A.SKIP, D(2026, 4, 6)))
    assert D(2026, 4, 7) not in by_date(dues)
    assert problems == []


def test_move():
    dues, problems = plan(f.exception(A.MOVE, D(2026, 4, 9), new_date=D(2026, 4, 10)))
    moved = by_date(dues)[D(2026, 4, 10)]
    assert D(2026, 4, 9) not in by_date(dues)
    assert moved.moved and moved.moved_from == D(2026, 4, 9) and moved.exceptions == (A.MOVE,)
    assert moved.nominal == (D(2026, 4, 9),)
    assert problems == []


def test_move_onto_another_delivery_merges_with_a_warning():
    dues, problems = plan(f.exception(A.MOVE, D(2026, 4, 9), new_date=D(2026, 4, 13), row=5))
    merged = by_date(dues)[D(2026, 4, 13)]
    assert quantities(merged) == {"A001": Q("20"), "A002": Q("5.0")}
    assert merged.nominal == (D(2026, 4, 9), D(2026, 4, 13))
    assert [(p.code, p.sheet, p.cell, p.severity) for p in problems] == [
        ("exception-move-merged", "exceptions", "A5", Severity.WARNING)]


def test_move_into_the_range_from_outside():
    dues, _ = plan(f.exception(A.MOVE, D(2026, 3, 2), new_date=D(2026, 4, 22)))
    assert by_date(dues)[D(2026, 4, 22)].moved_from == D(2026, 3, 2)


def test_move_out_of_the_range():
    dues, problems = plan(f.exception(A.MOVE, D(2026, 4, 30), new_date=D(2026, 5, 5)))
    assert D(2026, 4, 30) not in by_date(dues) and problems == []


def test_quantity_changes_one_item():
    dues, _ = plan(f.exception(A.QUANTITY, D(2026, 4, 13), item="A001", quantity="4"))
    due = by_date(dues)[D(2026, 4, 13)]
    assert due.lines == (DueLine("A001", Q("4"), None, None), DueLine("A002", Q("2.5"), None, "retro"))
    assert due.exceptions == (A.QUANTITY,) and due.changed
    assert quantities(by_date(dues)[D(2026, 4, 16)])["A001"] == Q("10")


def test_quantity_zero_removes_the_line_and_an_empty_order():
    dues, _ = plan(
        f.exception(A.QUANTITY, D(2026, 4, 13), item="A002", quantity="0", row=2),
        f.exception(A.QUANTITY, D(2026, 4, 16), item="A001", quantity="0", row=3),
        f.exception(A.QUANTITY, D(2026, 4, 16), item="A002", quantity="0", row=4),
    )
    assert quantities(by_date(dues)[D(2026, 4, 13)]) == {"A001": Q("10")}
    assert D(2026, 4, 16) not in by_date(dues)


def test_quantity_follows_a_moved_delivery():
    dues, problems = plan(
        f.exception(A.MOVE, D(2026, 4, 9), new_date=D(2026, 4, 10), row=2),
        f.exception(A.QUANTITY, D(2026, 4, 9), item="A001", quantity="7", row=3),
    )
    assert quantities(by_date(dues)[D(2026, 4, 10)])["A001"] == Q("7")
    assert problems == []


def test_extra_on_a_delivery_day_adds_a_line():
    dues, _ = plan(f.exception(A.EXTRA, D(2026, 4, 13), item="A001", quantity="5"),
                   f.exception(A.EXTRA, D(2026, 4, 13), item="X9", quantity="1", row=3))
    due = by_date(dues)[D(2026, 4, 13)]
    assert quantities(due) == {"A001": Q("15"), "A002": Q("2.5"), "X9": Q("1")}
    assert due.exceptions == (A.EXTRA, A.EXTRA) and not due.extra


def test_extra_on_another_day_is_a_one_off_delivery():
    dues, _ = plan(f.exception(A.EXTRA, D(2026, 4, 15), item="A003", quantity="3"))
    extra = by_date(dues)[D(2026, 4, 15)]
    assert extra.extra and extra.nominal == () and extra.lines == (DueLine("A003", Q("3"), None, None),)
    assert extra.customer == "C001"


@pytest.mark.parametrize("action, fields", [
    (A.SKIP, {}),
    (A.MOVE, {"new_date": D(2026, 4, 15)}),
    (A.QUANTITY, {"item": "A001", "quantity": "3"}),
])
def test_exception_without_occurrence_warns_at_its_row(action, fields):
    dues, problems = plan(f.exception(action, D(2026, 4, 14), row=9, **fields))
    assert len(dues) == 9
    assert [(p.code, p.sheet, p.cell, p.severity) for p in problems] == [
        ("exception-no-occurrence", "exceptions", "A9", Severity.WARNING)]
    assert "T001" in problems[0].message("en") and "14/04/2026" in problems[0].message("it")


def test_exceptions_outside_the_range_are_quiet():
    _, problems = plan(f.exception(A.SKIP, D(2026, 6, 14)))
    assert problems == []


def test_incomplete_exception_is_ignored_with_a_warning():
    where = lambda source, field: Location("Eccezioni", field)
    master = f.master((MON_THU,), LINES, exceptions=(f.exception(A.MOVE, D(2026, 4, 9)),))
    dues, problems = due_between(master, D(2026, 4, 1), D(2026, 4, 30), locate=where)
    assert D(2026, 4, 9) in by_date(dues)
    assert [(p.code, p.cell) for p in problems] == [("exception-incomplete", "new_date")]


def test_due_on_and_closed_days():
    master = f.master((MON_THU,), LINES)
    assert [d.day for d in due_on(master, D(2026, 4, 7))[0]] == [D(2026, 4, 7)]
    assert due_on(master, D(2026, 4, 6)) == ([], [])


def test_closures_come_from_the_master_data():
    closures = (f.closure(D(2026, 4, 13), D(2026, 4, 17), "Inventario"),)
    dues, problems = plan(closures=closures, start=D(2026, 4, 13), end=D(2026, 4, 20))
    (due,) = dues
    assert due.day == D(2026, 4, 20) and due.nominal == (D(2026, 4, 13), D(2026, 4, 16), D(2026, 4, 20))
    assert quantities(due)["A001"] == Q("30")
    assert [p.code for p in problems] == ["occurrences-merged"]


@pytest.mark.parametrize("last, day, expected", [
    (None, D(2026, 4, 9), [D(2026, 4, 9)]),
    (D(2026, 4, 2), D(2026, 4, 9), [D(2026, 4, 7), D(2026, 4, 9)]),
    (D(2026, 4, 9), D(2026, 4, 9), []),
    (D(2026, 4, 10), D(2026, 4, 9), []),
])
def test_catch_up(last, day, expected):
    master = f.master((MON_THU,), LINES)
    assert [d.day for d in catch_up(master, last, day)] == expected


def test_keep_policy_delivers_on_the_holiday():
    keep = f.template(K.WEEKLY, weekdays=(0,), holiday_policy=HolidayPolicy.KEEP)
    dues, _ = plan(templates=(keep,), start=D(2026, 4, 6), end=D(2026, 4, 6))
    assert [(d.day, d.moved) for d in dues] == [(D(2026, 4, 6), False)]


@pytest.mark.parametrize("policy, fields, day, expected", [
    (HolidayPolicy.PREVIOUS, {"valid_from": D(2026, 1, 31)}, D(2026, 1, 30), []),
    (HolidayPolicy.PREVIOUS, {"valid_from": D(2026, 1, 31)}, D(2026, 2, 2), [D(2026, 1, 31)]),
    (HolidayPolicy.NEXT, {"valid_from": D(2025, 12, 1), "valid_to": D(2026, 1, 31)}, D(2026, 2, 2), []),
    (HolidayPolicy.NEXT, {"valid_from": D(2025, 12, 1), "valid_to": D(2026, 1, 31)}, D(2026, 1, 30), [D(2026, 1, 31)]),
])
def test_the_day_a_delivery_is_brought_inside_the_validity_lists_it(policy, fields, day, expected):
    """A monthly template on the 31st whose validity starts (or ends) on Saturday 31/01/2026:
    the rule's group delivers neither on 30/01 nor on 02/02, the planner must still ask it."""
    monthly = f.template(K.MONTHLY_DAY, day=31, holiday_policy=policy, **fields)
    dues, _ = plan(templates=(monthly,), start=day, end=day)
    assert [d.nominal for d in dues] == ([tuple(expected)] if expected else [])


def test_dues_sorted_by_date_then_template():
    second = f.template(K.WEEKLY, code="T000", weekdays=(3,), customer="C002")
    dues, _ = plan(templates=(MON_THU, second), lines=LINES + (f.line("T000", "A001", "1", row=4),),
                   start=D(2026, 4, 2), end=D(2026, 4, 9))
    assert [(d.day, d.template) for d in dues] == [
        (D(2026, 4, 2), "T000"), (D(2026, 4, 2), "T001"), (D(2026, 4, 7), "T001"),
        (D(2026, 4, 9), "T000"), (D(2026, 4, 9), "T001")]


@settings(max_examples=60, deadline=None)
@given(start=st.dates(D(2025, 12, 1), D(2027, 1, 31)), days=st.integers(0, 40))
def test_rule_groups_skip_only_templates_with_nothing_due(sample_master, start, days):
    """Planning asks each rule group, not each template, whether anything falls in the range;
    the result must be what planning every active template one by one gives."""
    from toolkit.core.plan import _template_dues
    from toolkit.core.workdays import working_calendar

    end = start + timedelta(days)
    calendar = working_calendar(sample_master.settings, sample_master.closures)
    one_by_one, problems = [], []
    for template in (t for t in sample_master.templates if t.active):
        lines = tuple(x for x in sample_master.template_lines if x.template == template.code)
        exceptions = tuple(x for x in sample_master.exceptions if x.template == template.code)
        found, trouble = _template_dues(template, lines, exceptions, start, end, calendar, sample_master.locate)
        one_by_one += found
        problems += trouble
    one_by_one.sort(key=lambda d: (d.day, d.template))
    assert due_between(sample_master, start, end) == (one_by_one, problems)
