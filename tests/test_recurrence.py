from __future__ import annotations

import calendar as months
from datetime import date, timedelta

import factories as f
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.basics.cells import Location
from toolkit.basics.problems import Severity
from toolkit.basics.vocab import HolidayPolicy
from toolkit.basics.vocab import ScheduleKind as K
from toolkit.core.recurrence import Occurrence, effective_policy, occurrences, parse_rrule, rule_dates
from toolkit.core.workdays import WorkingCalendar

D = date
NATIONAL = f.calendar()
NEW_YEAR = f.closure(D(2026, 12, 24), D(2027, 1, 6), "Chiusura natalizia")


def days(*isos: str) -> list[date]:
    return [date.fromisoformat(x) for x in isos]


RULES = [
    # (id, template fields, range, saturday working, expected dates)
    ("31st across February 2026", dict(schedule=K.MONTHLY_DAY, day=31), (D(2026, 1, 1), D(2026, 7, 31)), False,
     days("2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31")),
    ("31st across leap February 2028", dict(schedule=K.MONTHLY_DAY, day=31), (D(2028, 1, 1), D(2028, 3, 31)), False,
     days("2028-01-31", "2028-02-29", "2028-03-31")),
    ("30th in February comes back", dict(schedule=K.MONTHLY_DAY, day=30), (D(2026, 1, 1), D(2026, 3, 31)), False,
     days("2026-01-30", "2026-02-28", "2026-03-30")),
    ("15th", dict(schedule=K.MONTHLY_DAY, day=15), (D(2026, 1, 16), D(2026, 3, 15)), False,
     days("2026-02-15", "2026-03-15")),
    ("valid_to inclusive", dict(schedule=K.WEEKLY, weekdays=(0,), valid_to=D(2026, 3, 16)),
     (D(2026, 3, 1), D(2026, 3, 31)), False,
     days("2026-03-02", "2026-03-09", "2026-03-16")),
    ("valid_from inclusive", dict(schedule=K.WEEKLY, weekdays=(0,), valid_from=D(2026, 3, 9)),
     (D(2026, 3, 1), D(2026, 3, 20)), False,
     days("2026-03-09", "2026-03-16")),
    ("every 2 weeks from a Thursday", dict(schedule=K.EVERY_N_WEEKS, weekdays=(3,), interval=2, valid_from=D(2026, 1, 1)),
     (D(2025, 12, 1), D(2026, 2, 28)), False, days("2026-01-01", "2026-01-15", "2026-01-29", "2026-02-12", "2026-02-26")),
    ("every 2 weeks Mon+Thu from a Thursday",
     dict(schedule=K.EVERY_N_WEEKS, weekdays=(0, 3), interval=2, valid_from=D(2026, 1, 1)),
     (D(2026, 1, 1), D(2026, 1, 31)), False, days("2026-01-01", "2026-01-12", "2026-01-15", "2026-01-26", "2026-01-29")),
    ("every 2 weeks keeps its phase far from valid_from",
     dict(schedule=K.EVERY_N_WEEKS, weekdays=(3,), interval=2, valid_from=D(2026, 1, 1)),
     (D(2026, 6, 1), D(2026, 6, 30)), False, days("2026-06-04", "2026-06-18")),
    ("every 3 weeks", dict(schedule=K.EVERY_N_WEEKS, weekdays=(4,), interval=3, valid_from=D(2026, 1, 7)),
     (D(2026, 1, 1), D(2026, 3, 1)), False, days("2026-01-09", "2026-01-30", "2026-02-20")),
    ("daily", dict(schedule=K.DAILY), (D(2026, 4, 4), D(2026, 4, 7)), False,
     days("2026-04-04", "2026-04-05", "2026-04-06", "2026-04-07")),
    ("working days Mon-Fri", dict(schedule=K.WORKING_DAYS), (D(2026, 4, 2), D(2026, 4, 7)), False,
     days("2026-04-02", "2026-04-03", "2026-04-06", "2026-04-07")),
    ("working days Mon-Sat", dict(schedule=K.WORKING_DAYS), (D(2026, 4, 2), D(2026, 4, 7)), True,
     days("2026-04-02", "2026-04-03", "2026-04-04", "2026-04-06", "2026-04-07")),
    ("weekly Mon Wed Fri", dict(schedule=K.WEEKLY, weekdays=(0, 2, 4)), (D(2026, 3, 2), D(2026, 3, 8)), False,
     days("2026-03-02", "2026-03-04", "2026-03-06")),
    ("month end", dict(schedule=K.MONTHLY_LAST_DAY), (D(2028, 1, 1), D(2028, 4, 30)), False,
     days("2028-01-31", "2028-02-29", "2028-03-31", "2028-04-30")),
    ("last working day", dict(schedule=K.MONTHLY_LAST_WORKING_DAY), (D(2026, 1, 1), D(2026, 5, 31)), False,
     days("2026-01-30", "2026-02-27", "2026-03-31", "2026-04-30", "2026-05-29")),
    ("last working day with Saturdays", dict(schedule=K.MONTHLY_LAST_WORKING_DAY), (D(2026, 1, 1), D(2026, 1, 31)), True,
     days("2026-01-31")),
    ("first Monday", dict(schedule=K.MONTHLY_NTH_WEEKDAY, weekdays=(0,), nth=1), (D(2026, 1, 1), D(2026, 3, 31)), False,
     days("2026-01-05", "2026-02-02", "2026-03-02")),
    ("last Friday", dict(schedule=K.MONTHLY_NTH_WEEKDAY, weekdays=(4,), nth=-1), (D(2026, 1, 1), D(2026, 3, 31)), False,
     days("2026-01-30", "2026-02-27", "2026-03-27")),
    ("rrule body", dict(schedule=K.RRULE, rrule="FREQ=MONTHLY;BYMONTHDAY=15"), (D(2026, 1, 1), D(2026, 3, 31)), False,
     days("2026-01-15", "2026-02-15", "2026-03-15")),
    ("rrule with prefix and interval from valid_from",
     dict(schedule=K.RRULE, rrule="RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", valid_from=D(2026, 1, 6)),
     (D(2026, 1, 1), D(2026, 2, 10)), False, days("2026-01-06", "2026-01-20", "2026-02-03")),
    ("rrule count counts from valid_from", dict(schedule=K.RRULE, rrule="FREQ=MONTHLY;COUNT=3", valid_from=D(2026, 1, 10)),
     (D(2026, 2, 1), D(2026, 12, 31)), False, days("2026-02-10", "2026-03-10")),
    ("rrule until in UTC", dict(schedule=K.RRULE, rrule="freq=daily;until=20260103T000000Z", valid_from=D(2026, 1, 1)),
     (D(2026, 1, 1), D(2026, 1, 31)), False, days("2026-01-01", "2026-01-02", "2026-01-03")),
    ("outside validity", dict(schedule=K.DAILY, valid_from=D(2027, 1, 1)), (D(2026, 1, 1), D(2026, 12, 31)), False, []),
]


@pytest.mark.parametrize("fields, span, saturday_working, expected", [r[1:] for r in RULES], ids=[r[0] for r in RULES])
def test_rule_dates(fields, span, saturday_working, expected):
    found = rule_dates(f.template(**fields), *span, saturday_working=saturday_working,
                       calendar=f.calendar(saturday_working=saturday_working))
    assert found == expected


@pytest.mark.parametrize("text, ok", [
    ("FREQ=MONTHLY;BYMONTHDAY=15", True),
    ("RRULE:FREQ=WEEKLY;BYDAY=MO,TH", True),
    ("rrule:freq=yearly;bymonth=12;bymonthday=24", True),
    ("FREQ=WEEKLY;UNTIL=20261231T000000Z", True),
    ("FREQ=SOMETIMES", False),
    ("BYDAY=MO", False),
    ("FREQ=WEEKLY;BYDAY=XX", False),
    ("FREQ=HOURLY", False),
    ("FREQ=DAILY;BYHOUR=8", False),
    ("DTSTART:20260101\nRRULE:FREQ=DAILY", False),
    ("", False),
])
def test_parse_rrule(text, ok):
    reason = parse_rrule(text)
    assert (reason is None) is ok
    assert reason is None or isinstance(reason, str) and reason


def weekly(*weekdays: int, policy: HolidayPolicy | None = None, **fields) -> object:
    return f.template(K.WEEKLY, weekdays=weekdays, holiday_policy=policy, **fields)


def dates_of(found: list[Occurrence]) -> list[date]:
    return [o.day for o in found]


POLICIES = [
    # Easter Monday 2026-04-06 for a Monday delivery
    (HolidayPolicy.NEXT, [(D(2026, 4, 7), (D(2026, 4, 6),), True)]),
    (HolidayPolicy.PREVIOUS, [(D(2026, 4, 3), (D(2026, 4, 6),), True)]),
    (HolidayPolicy.SKIP, []),
    (HolidayPolicy.KEEP, [(D(2026, 4, 6), (D(2026, 4, 6),), False)]),
    (None, [(D(2026, 4, 7), (D(2026, 4, 6),), True)]),
]


@pytest.mark.parametrize("policy, expected", POLICIES, ids=[str(p[0]) for p in POLICIES])
def test_policies_on_easter_monday(policy, expected):
    found, problems = occurrences(weekly(0, policy=policy), D(2026, 4, 1), D(2026, 4, 8), NATIONAL)
    assert [(o.day, o.nominal, o.moved) for o in found] == expected
    assert all(o.template == "T001" and o.exception is None for o in found)
    assert problems == []


@pytest.mark.parametrize("schedule, fields, policy", [
    (K.DAILY, {}, HolidayPolicy.SKIP),
    (K.WORKING_DAYS, {}, HolidayPolicy.SKIP),
    (K.WEEKLY, {"weekdays": (0,)}, HolidayPolicy.NEXT),
    (K.MONTHLY_DAY, {"day": 1}, HolidayPolicy.NEXT),
    (K.RRULE, {"rrule": "FREQ=DAILY"}, HolidayPolicy.NEXT),
])
def test_default_policy(schedule, fields, policy):
    assert effective_policy(f.template(schedule, **fields)) is policy


def test_daily_skips_holidays_by_default():
    found, _ = occurrences(f.template(K.DAILY), D(2026, 12, 23), D(2026, 12, 28), NATIONAL)
    assert dates_of(found) == days("2026-12-23", "2026-12-24", "2026-12-28")


@pytest.mark.parametrize("day, nominal_holiday", [
    (D(2026, 6, 3), D(2026, 6, 2)),    # Festa della Repubblica, a Tuesday
    (D(2026, 12, 9), D(2026, 12, 8)),  # Immacolata, a Tuesday
])
def test_tuesday_holidays_move_to_wednesday(day, nominal_holiday):
    found, _ = occurrences(weekly(1), nominal_holiday - timedelta(days=3), day, NATIONAL)
    assert [(o.day, o.nominal) for o in found] == [(day, (nominal_holiday,))]


def test_liberation_day_on_a_working_saturday_moves_to_monday():
    cal = f.calendar(saturday_working=True)
    found, _ = occurrences(weekly(5), D(2026, 4, 20), D(2026, 4, 30), cal)
    assert dates_of(found) == days("2026-04-27")
    assert found[0].nominal == (D(2026, 4, 25),)


def test_christmas_and_st_stephen_with_saturdays():
    cal = f.calendar(saturday_working=True)
    found, _ = occurrences(f.template(K.WORKING_DAYS), D(2026, 12, 21), D(2026, 12, 31), cal)
    assert dates_of(found) == days("2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24",
                                   "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31")
    kept, _ = occurrences(f.template(K.WORKING_DAYS, holiday_policy=HolidayPolicy.KEEP), D(2026, 12, 25), D(2026, 12, 26), cal)
    assert dates_of(kept) == days("2026-12-25", "2026-12-26")


def test_closure_spanning_new_year_merges_two_mondays():
    cal = f.calendar(closures=(NEW_YEAR,))
    found, problems = occurrences(weekly(0), D(2026, 12, 14), D(2027, 1, 20), cal)
    assert [(o.day, o.nominal) for o in found] == [
        (D(2026, 12, 14), (D(2026, 12, 14),)),
        (D(2026, 12, 21), (D(2026, 12, 21),)),
        (D(2027, 1, 7), (D(2026, 12, 28), D(2027, 1, 4))),
        (D(2027, 1, 11), (D(2027, 1, 11),)),
        (D(2027, 1, 18), (D(2027, 1, 18),)),
    ]
    assert [(p.code, p.severity) for p in problems] == [("occurrences-merged", Severity.WARNING)]


def test_merge_warning_names_template_and_both_dates():
    where = lambda source, field: Location("Modelli ordine", f"{'M' if field == 'holiday_policy' else 'A'}{source.row}")
    found, problems = occurrences(weekly(0, 1, source=f.source(row=7)), D(2026, 4, 1), D(2026, 4, 10), NATIONAL, locate=where)
    assert [(o.day, o.nominal, o.moved) for o in found] == [(D(2026, 4, 7), (D(2026, 4, 6), D(2026, 4, 7)), True)]
    (p,) = problems
    assert (p.code, p.sheet, p.cell, p.severity) == ("occurrences-merged", "Modelli ordine", "M7", Severity.WARNING)
    for lang in ("it", "en"):
        assert "T001" in p.message(lang) and "06/04/2026" in p.message(lang) and "07/04/2026" in p.message(lang)


@pytest.mark.parametrize("weekdays, fields, expected", [
    ((0, 1), {"valid_from": D(2026, 4, 7)}, [(D(2026, 4, 7), (D(2026, 4, 7),), False)]),
    # valid to Easter Monday: the next working day (Tuesday) is past the validity, the last
    # working day inside it (Good Friday) takes the delivery
    ((0, 1), {"valid_to": D(2026, 4, 6)}, [(D(2026, 4, 3), (D(2026, 4, 6),), True)]),
    ((0, 1, 5), {"valid_to": D(2026, 4, 6)}, [(D(2026, 4, 3), (D(2026, 4, 4), D(2026, 4, 6)), True)]),
    ((0, 1, 5), {"valid_from": D(2026, 4, 5), "valid_to": D(2026, 4, 5)}, []),  # valid only between merged dates
])
def test_validity_cuts_a_merge(weekdays, fields, expected):
    found, problems = occurrences(weekly(*weekdays, **fields), D(2026, 4, 1), D(2026, 4, 10), NATIONAL)
    assert [(o.day, o.nominal, o.moved) for o in found] == expected
    assert len(problems) == sum(len(o.nominal) > 1 for o in found)


SAT_31_JAN, FRI_30_JAN, MON_2_FEB = D(2026, 1, 31), D(2026, 1, 30), D(2026, 2, 2)
P = HolidayPolicy
VALIDITY_EDGES = [
    # (id, template fields, expected (date, nominal, moved) from 26/01 to 06/02/2026)
    ("first day, previous: not the day before the validity, its first working day",
     dict(valid_from=SAT_31_JAN, holiday_policy=P.PREVIOUS), [(MON_2_FEB, (SAT_31_JAN,), True)]),
    ("first day, next", dict(valid_from=SAT_31_JAN, holiday_policy=P.NEXT), [(MON_2_FEB, (SAT_31_JAN,), True)]),
    ("first day, skip", dict(valid_from=SAT_31_JAN, holiday_policy=P.SKIP), []),
    ("first day, keep", dict(valid_from=SAT_31_JAN, holiday_policy=P.KEEP), [(SAT_31_JAN, (SAT_31_JAN,), False)]),
    ("last day, previous", dict(valid_to=SAT_31_JAN, holiday_policy=P.PREVIOUS), [(FRI_30_JAN, (SAT_31_JAN,), True)]),
    ("last day, next: not the day after the validity, its last working day",
     dict(valid_to=SAT_31_JAN, holiday_policy=P.NEXT), [(FRI_30_JAN, (SAT_31_JAN,), True)]),
    ("last day, skip", dict(valid_to=SAT_31_JAN, holiday_policy=P.SKIP), []),
    ("last day, keep", dict(valid_to=SAT_31_JAN, holiday_policy=P.KEEP), [(SAT_31_JAN, (SAT_31_JAN,), False)]),
    ("one closed day, previous: no working day to bring it to",
     dict(valid_from=SAT_31_JAN, valid_to=D(2026, 2, 1), holiday_policy=P.PREVIOUS), []),
    ("one closed day, next", dict(valid_from=SAT_31_JAN, valid_to=D(2026, 2, 1), holiday_policy=P.NEXT), []),
    ("one closed day, keep", dict(valid_from=SAT_31_JAN, valid_to=D(2026, 2, 1), holiday_policy=P.KEEP),
     [(SAT_31_JAN, (SAT_31_JAN,), False)]),
]


@pytest.mark.parametrize("fields, expected", [c[1:] for c in VALIDITY_EDGES], ids=[c[0] for c in VALIDITY_EDGES])
def test_no_delivery_outside_the_validity_whatever_the_policy(fields, expected):
    """A monthly template on the 31st whose validity starts or ends on Saturday 31/01/2026."""
    template = f.template(K.MONTHLY_DAY, day=31, **{"valid_from": D(2026, 1, 1), **fields})
    for span in ((D(2026, 1, 26), D(2026, 2, 6)), (FRI_30_JAN, FRI_30_JAN), (MON_2_FEB, MON_2_FEB)):
        found, problems = occurrences(template, *span, NATIONAL)
        assert [(o.day, o.nominal, o.moved) for o in found] == [x for x in expected if span[0] <= x[0] <= span[1]]
        assert problems == []


def test_a_delivery_brought_inside_the_validity_merges_with_the_one_there():
    template = weekly(0, 5, policy=P.PREVIOUS, valid_from=SAT_31_JAN)
    found, problems = occurrences(template, D(2026, 1, 26), D(2026, 2, 5), NATIONAL)
    assert [(o.day, o.nominal, o.moved) for o in found] == [(MON_2_FEB, (SAT_31_JAN, MON_2_FEB), True)]
    assert [p.code for p in problems] == ["occurrences-merged"]


@pytest.mark.parametrize("span, expected", [
    ((D(2026, 4, 7), D(2026, 4, 13)), days("2026-04-07", "2026-04-13")),  # Easter Monday moved in from outside
    ((D(2026, 4, 1), D(2026, 4, 6)), []),                                  # moved out of the range
    ((D(2026, 4, 6), D(2026, 4, 6)), []),
])
def test_moves_across_range_edges(span, expected):
    found, _ = occurrences(weekly(0), *span, NATIONAL)
    assert dates_of(found) == expected


def test_previous_moves_across_range_start():
    found, _ = occurrences(weekly(0, policy=HolidayPolicy.PREVIOUS), D(2026, 4, 1), D(2026, 4, 3), NATIONAL)
    assert dates_of(found) == days("2026-04-03")


def test_long_closure_moves_beyond_the_fixed_margin():
    summer = f.closure(D(2026, 8, 1), D(2026, 8, 31), "Ferie")
    cal = f.calendar(closures=(summer,))
    found, problems = occurrences(f.template(K.MONTHLY_DAY, day=3), D(2026, 9, 1), D(2026, 9, 30), cal)
    assert [(o.day, o.nominal) for o in found] == [(D(2026, 9, 1), (D(2026, 8, 3),)), (D(2026, 9, 3), (D(2026, 9, 3),))]
    assert problems == []


@pytest.mark.parametrize("fields, cell_field", [
    ({"schedule": K.WEEKLY, "weekdays": ()}, "weekdays"),
    ({"schedule": K.EVERY_N_WEEKS, "weekdays": (1,), "interval": 0}, "interval"),
    ({"schedule": K.MONTHLY_DAY, "day": None}, "day"),
    ({"schedule": K.MONTHLY_NTH_WEEKDAY, "weekdays": (1,), "nth": 5}, "nth"),
    ({"schedule": K.RRULE, "rrule": "FREQ=NEVER"}, "rrule"),
])
def test_unusable_schedule_is_a_problem(fields, cell_field):
    where = lambda source, field: Location("Modelli ordine", field)
    found, problems = occurrences(f.template(**fields), D(2026, 1, 1), D(2026, 1, 31), NATIONAL, locate=where)
    assert found == []
    assert [(p.code, p.cell, p.severity) for p in problems] == [("schedule-unusable", cell_field, Severity.ERROR)]


@pytest.mark.parametrize("fields, it, en", [
    ({"schedule": K.MONTHLY_DAY, "day": None},
     "Modello T1: non si può calcolare la pianificazione (il giorno del mese va da 1 a 31). Correggi la cella.",
     "Template T1: its schedule cannot be computed (the day of the month must be 1–31). Correct the cell."),
    ({"schedule": K.RRULE, "rrule": "FREQ=NEVER"},
     "Modello T1: non si può calcolare la pianificazione («NEVER» non è un valore di FREQ). Correggi la cella.",
     "Template T1: its schedule cannot be computed (invalid 'FREQ': NEVER). Correct the cell."),
    ({"schedule": K.RRULE, "rrule": "FREQ=WEEKLY;COLOR=RED"},
     "Modello T1: non si può calcolare la pianificazione («COLOR» non è una parte di una RRULE). Correggi la cella.",
     "Template T1: its schedule cannot be computed (unknown parameter 'COLOR'). Correct the cell."),
    ({"schedule": K.RRULE, "rrule": "FREQ=HOURLY"},
     "Modello T1: non si può calcolare la pianificazione (le consegne si pianificano a giorni: usa FREQ=DAILY o più "
     "lunga). Correggi la cella.",
     "Template T1: its schedule cannot be computed (deliveries are planned by day: use FREQ=DAILY or longer). "
     "Correct the cell."),
])
def test_an_unusable_schedule_gives_its_reason_in_each_language(fields, it, en):
    _, [problem] = occurrences(f.template(code="T1", **fields), D(2026, 1, 1), D(2026, 1, 31), NATIONAL)
    assert (problem.message("it"), problem.message("en")) == (it, en)


# Properties ------------------------------------------------------------------------------------

SCHEDULES = st.one_of(
    st.builds(dict, schedule=st.just(K.DAILY)),
    st.builds(dict, schedule=st.just(K.WORKING_DAYS)),
    st.builds(dict, schedule=st.just(K.WEEKLY), weekdays=st.sets(st.integers(0, 6), min_size=1).map(tuple)),
    st.builds(dict, schedule=st.just(K.EVERY_N_WEEKS), weekdays=st.sets(st.integers(0, 6), min_size=1).map(tuple),
              interval=st.integers(1, 5)),
    st.builds(dict, schedule=st.just(K.MONTHLY_DAY), day=st.integers(1, 31)),
    st.builds(dict, schedule=st.just(K.MONTHLY_LAST_DAY)),
    st.builds(dict, schedule=st.just(K.MONTHLY_LAST_WORKING_DAY)),
    st.builds(dict, schedule=st.just(K.MONTHLY_NTH_WEEKDAY), weekdays=st.integers(0, 6).map(lambda d: (d,)),
              nth=st.sampled_from((1, 2, 3, 4, -1))),
    st.builds(dict, schedule=st.just(K.RRULE),
              rrule=st.sampled_from(("FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,SA",
                                     "FREQ=DAILY;INTERVAL=3", "FREQ=MONTHLY;COUNT=4"))),
)
DAYS = st.dates(D(2025, 6, 1), D(2028, 6, 30))
CALENDARS = st.builds(
    lambda saturday, closures: f.calendar(saturday_working=saturday, closures=closures),
    st.booleans(),
    st.lists(st.tuples(DAYS, st.integers(0, 40)), max_size=3).map(
        lambda spans: tuple(f.closure(a, a + timedelta(days=n), row=i + 2) for i, (a, n) in enumerate(spans))),
)


@st.composite
def cases(draw):
    fields = draw(SCHEDULES)
    valid_from = draw(DAYS)
    valid_to = draw(st.none() | st.dates(valid_from, valid_from + timedelta(days=500)))
    policy = draw(st.none() | st.sampled_from(HolidayPolicy))
    start = draw(DAYS)
    end = start + timedelta(days=draw(st.integers(0, 120)))
    template = f.template(valid_from=valid_from, valid_to=valid_to, holiday_policy=policy, **fields)
    return template, start, end, draw(CALENDARS)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_occurrences_properties(case):
    template, start, end, cal = case
    found, problems = occurrences(template, start, end, cal)
    dates = dates_of(found)
    assert dates == sorted(set(dates))
    assert all(start <= d <= end for d in dates)
    top = template.valid_to or date.max
    for o in found:
        assert o.nominal == tuple(sorted(set(o.nominal)))
        assert all(template.valid_from <= n <= top for n in o.nominal)
        assert template.valid_from <= o.day <= top
        assert o.moved == (o.nominal != (o.day,))
    if effective_policy(template) is not HolidayPolicy.KEEP:
        assert all(cal.is_working(d) for d in dates)
    assert len(problems) == sum(len(o.nominal) > 1 for o in found)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_occurrences_match_a_plain_reading_of_the_rules(case):
    """The shared, clipped computation gives what applying the policy date by date gives,
    then bringing a delivery moved outside the validity back inside it."""
    template, start, end, cal = case
    policy = effective_policy(template)
    wide = rule_dates(template, start - timedelta(days=200), end + timedelta(days=200),
                      saturday_working=cal.saturday_working, calendar=cal)
    first, last = template.valid_from, template.valid_to or date.max
    expected: dict[date, list[date]] = {}
    for n in wide:
        if policy is HolidayPolicy.KEEP or cal.is_working(n):
            d = n
        elif policy is HolidayPolicy.NEXT:
            d = cal.next_working(n)
        elif policy is HolidayPolicy.PREVIOUS:
            d = cal.previous_working(n)
        else:
            continue
        if d < first:
            d = first if cal.is_working(first) else cal.next_working(first)
        elif d > last:
            d = last if cal.is_working(last) else cal.previous_working(last)
        if first <= d <= last and start <= d <= end:
            expected.setdefault(d, []).append(n)
    found, _ = occurrences(template, start, end, cal)
    assert [(o.day, o.nominal) for o in found] == [(d, tuple(ns)) for d, ns in sorted(expected.items())]


@settings(max_examples=200, deadline=None)
@given(SCHEDULES.filter(lambda s: s["schedule"] in (K.WEEKLY, K.EVERY_N_WEEKS, K.MONTHLY_DAY, K.MONTHLY_NTH_WEEKDAY)),
       DAYS, DAYS, st.integers(0, 200))
def test_rule_dates_match_their_definition(fields, valid_from, start, length):
    template = f.template(valid_from=valid_from, **fields)
    end = start + timedelta(days=length)
    expected = [d for d in (start + timedelta(days=i) for i in range(length + 1))
                if d >= valid_from and _by_definition(template, d)]
    assert rule_dates(template, start, end) == expected


def _by_definition(t, d: date) -> bool:
    last = months.monthrange(d.year, d.month)[1]
    if t.schedule is K.WEEKLY:
        return d.weekday() in t.weekdays
    if t.schedule is K.EVERY_N_WEEKS:
        weeks = ((d - timedelta(days=d.weekday())) - (t.valid_from - timedelta(days=t.valid_from.weekday()))).days // 7
        return d.weekday() in t.weekdays and weeks % t.interval == 0
    if t.schedule is K.MONTHLY_DAY:
        return d.day == min(t.day, last)
    if t.nth == -1:
        return d.weekday() == t.weekdays[0] and d.day + 7 > last
    return d.weekday() == t.weekdays[0] and (d.day - 1) // 7 + 1 == t.nth


def test_calendar_default_for_rule_dates_is_national():
    found = rule_dates(f.template(K.MONTHLY_LAST_WORKING_DAY), D(2026, 4, 1), D(2026, 4, 30))
    assert found == days("2026-04-30")
    assert WorkingCalendar().is_working(D(2026, 4, 30))


def test_a_closure_of_years_is_stepped_over_not_walked_day_by_day_for_each_delivery(monkeypatch):
    """Each nominal day of a closure used to walk to its end: planning grew with its length squared."""
    decade = f.closure(D(2027, 1, 1), D(2036, 12, 31), "Ristrutturazione")
    cal = f.calendar(closures=(decade,))
    looked_up = []
    real = WorkingCalendar.is_working
    monkeypatch.setattr(WorkingCalendar, "is_working", lambda self, d: looked_up.append(d) or real(self, d))
    found, _ = occurrences(weekly(0, policy=HolidayPolicy.NEXT), D(2037, 1, 2), D(2037, 1, 2), cal)
    mondays = [decade.date_from + timedelta(days=3 + 7 * w) for w in range(522)]
    assert [(o.day, o.nominal) for o in found] == [(D(2037, 1, 2), tuple(mondays))]
    assert len(looked_up) < 4 * (decade.date_to - decade.date_from).days
