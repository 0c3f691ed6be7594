from __future__ import annotations

from datetime import date

import factories as f
import pytest

from toolkit.core.workdays import WorkingCalendar, check_region, region_code, working_calendar

HOLIDAY = "any holiday name"
"""Holiday names vary between versions of `holidays`: rows with this only ask for a name."""

NEW_YEAR = f.closure(date(2026, 12, 24), date(2027, 1, 6), "Chiusura natalizia")


@pytest.mark.parametrize("day, saturday_working, working, reason", [
    (date(2026, 4, 6), False, False, "Lunedì dell'Angelo"),          # Easter Monday
    (date(2026, 4, 7), False, True, None),
    (date(2026, 4, 25), True, False, HOLIDAY),      # a Saturday, closed even when Saturday works
    (date(2026, 4, 25), False, False, HOLIDAY),
    (date(2026, 5, 1), False, False, HOLIDAY),
    (date(2026, 6, 2), False, False, HOLIDAY),
    (date(2026, 12, 8), False, False, HOLIDAY),
    (date(2026, 12, 25), False, False, "Natale"),
    (date(2026, 12, 26), True, False, "Santo Stefano"),
    (date(2026, 4, 12), True, False, "Domenica"),
    (date(2026, 4, 11), False, False, "Sabato"),
    (date(2026, 4, 11), True, True, None),
])
def test_national_calendar(day, saturday_working, working, reason):
    cal = f.calendar(saturday_working=saturday_working)
    assert cal.is_working(day) is working
    assert_reason(cal.why_closed(day), reason)


def assert_reason(found, expected):
    if expected is HOLIDAY:
        assert found and found not in ("Sabato", "Domenica", "Chiusura natalizia")
    else:
        assert found == expected


def test_reasons_in_english():
    cal = f.calendar()
    assert cal.why_closed(date(2026, 4, 6), "en") == "Easter Monday"
    assert cal.why_closed(date(2026, 4, 12), "en") == "Sunday"


@pytest.mark.parametrize("day, working, reason", [
    (date(2026, 12, 23), True, None),
    (date(2026, 12, 24), False, "Chiusura natalizia"),
    (date(2026, 12, 25), False, "Natale"),              # the holiday's own name wins
    (date(2026, 12, 31), False, "Chiusura natalizia"),
    (date(2027, 1, 4), False, "Chiusura natalizia"),
    (date(2027, 1, 6), False, HOLIDAY),
    (date(2027, 1, 7), True, None),
])
def test_closure_spanning_new_year(day, working, reason):
    cal = f.calendar(closures=(NEW_YEAR,))
    assert cal.is_working(day) is working
    assert_reason(cal.why_closed(day), reason)


def test_closure_without_description_has_a_reason():
    cal = f.calendar(closures=(f.closure(date(2026, 8, 10), date(2026, 8, 14)),))
    assert cal.why_closed(date(2026, 8, 12)) == "Chiusura aziendale"
    assert cal.why_closed(date(2026, 8, 12), "en") == "Company closure"


@pytest.mark.parametrize("day, next_day, previous_day", [
    (date(2026, 4, 3), date(2026, 4, 7), date(2026, 4, 2)),     # Friday before Easter
    (date(2026, 4, 6), date(2026, 4, 7), date(2026, 4, 3)),     # Easter Monday itself
    (date(2026, 4, 7), date(2026, 4, 8), date(2026, 4, 3)),
    (date(2026, 12, 23), date(2027, 1, 7), date(2026, 12, 22)),  # into the closure
    (date(2027, 1, 1), date(2027, 1, 7), date(2026, 12, 23)),
])
def test_next_and_previous_are_strict(day, next_day, previous_day):
    cal = f.calendar(closures=(NEW_YEAR,))
    assert cal.next_working(day) == next_day
    assert cal.previous_working(day) == previous_day


def test_region_adds_the_patron_saint():
    milan = f.calendar(holiday_region="MI")
    assert not milan.is_working(date(2026, 12, 7))
    assert milan.why_closed(date(2026, 12, 7)) == "Sant'Ambrogio"
    assert f.calendar().is_working(date(2026, 12, 7))


def test_patron_day_setting():
    cal = f.calendar(patron_day=(19, 3))
    assert not cal.is_working(date(2026, 3, 19))
    assert cal.why_closed(date(2026, 3, 19)) == "Santo patrono"
    assert not cal.is_working(date(2027, 3, 19))


def test_patron_day_on_29_february_only_in_leap_years():
    cal = f.calendar(patron_day=(29, 2))
    assert not cal.is_working(date(2028, 2, 29))
    assert cal.is_working(date(2027, 3, 1))


@pytest.mark.parametrize("text, code", [("MI", "MI"), ("mi", "MI"), (" Milano ", "MI"), ("Roma", "RM"), ("XX", None)])
def test_region_codes(text, code):
    assert region_code(text) == code
    assert check_region(text) is (code is not None)


def test_unknown_region_is_refused_when_building():
    with pytest.raises(ValueError):
        working_calendar(f.settings(holiday_region="Atlantide"))


def test_calendar_is_a_value():
    a = f.calendar(closures=(NEW_YEAR,))
    a.is_working(date(2026, 1, 1))
    b = f.calendar(closures=(NEW_YEAR,))
    assert a == b and hash(a) == hash(b)
    assert a != WorkingCalendar()
    assert a.longest_closure == 14


def test_longest_closure_bridges_closures_a_week_apart():
    spans = (f.closure(date(2026, 8, 1), date(2026, 8, 9)), f.closure(date(2026, 8, 17), date(2026, 8, 23)),
             f.closure(date(2026, 12, 1), date(2026, 12, 2)))
    assert f.calendar(closures=spans).longest_closure == 23
    assert f.calendar().longest_closure == 0
