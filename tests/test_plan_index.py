"""The plan's template index against the full scan (`tests/oracles/plan.py`): every day of 2026,
on randomized templates of every recurrence kind, holiday policy, validity window and closure,
and on the sample. Issue 20: a date looks only at the templates that can be due on it, and
must find exactly what planning every template one by one finds."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from factories import closure, exception, line, master, source, template
from oracles import plan as oracle

from toolkit.basics.vocab import ExceptionAction, HolidayPolicy, ScheduleKind
from toolkit.core.plan import due_between

YEAR = [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
RRULES = ("FREQ=MONTHLY;BYMONTHDAY=15", "FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=WEEKLY;INTERVAL=3;BYDAY=FR",
          "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=9", "FREQ=DAILY;INTERVAL=5",
          "FREQ=SOMETIMES")


def _day(rng: random.Random, first: date = date(2025, 11, 1), span: int = 520) -> date:
    return first + timedelta(days=rng.randrange(span))


def _template(rng: random.Random, n: int):
    kind = rng.choice(list(ScheduleKind))
    fields: dict = {}
    if kind in (ScheduleKind.WEEKLY, ScheduleKind.EVERY_N_WEEKS):
        fields["weekdays"] = tuple(sorted(rng.sample(range(7), rng.randint(0 if n % 17 == 0 else 1, 3))))
    if kind is ScheduleKind.EVERY_N_WEEKS:
        fields["interval"] = rng.choice((None, 0, 1, 2, 3, 4)) if n % 13 == 0 else rng.randint(1, 4)
    if kind is ScheduleKind.MONTHLY_DAY:
        fields["day"] = rng.choice((1, 9, 15, 28, 29, 30, 31, 40 if n % 11 == 0 else 31))
    if kind is ScheduleKind.MONTHLY_NTH_WEEKDAY:
        fields["weekdays"] = (rng.randrange(7),)
        fields["nth"] = rng.choice((1, 2, 3, 4, -1, 5 if n % 11 == 0 else 1))
    if kind is ScheduleKind.RRULE:
        fields["rrule"] = rng.choice(RRULES)
    start = _day(rng, date(2025, 6, 1), 600) if rng.random() < 0.6 else date(2024, 1, 1)
    if rng.random() < 0.5:
        fields["valid_to"] = start + timedelta(days=rng.randrange(1, 400))
    policy = rng.choice((None, *HolidayPolicy))
    return template(kind, code=f"T{n:03d}", customer=f"C{n % 5:03d}", valid_from=start, holiday_policy=policy,
                    active=rng.random() < 0.9, source=source("templates", n + 2), **fields)


def _exceptions(rng: random.Random, templates) -> tuple:
    found = []
    for row, t in enumerate(rng.sample(templates, min(6, len(templates))), start=2):
        action = rng.choice(list(ExceptionAction))
        day = _day(rng)
        fields: dict = {}
        if action is ExceptionAction.MOVE:
            fields["new_date"] = day + timedelta(days=rng.randint(-5, 5)) if rng.random() < 0.9 else None
        if action in (ExceptionAction.QUANTITY, ExceptionAction.EXTRA):
            fields["item"] = "A001"
            fields["quantity"] = Decimal(rng.randint(0, 9))
        found.append(exception(action, day, t.code, row=row, **fields))
    return tuple(found)


def _closures(rng: random.Random) -> tuple:
    found = []
    for row in range(2, 2 + rng.randint(0, 3)):
        first = _day(rng, date(2026, 1, 1), 365)
        found.append(closure(first, first + timedelta(days=rng.randint(0, 20)), row=row))
    return tuple(found)


def randomized_master(seed: int, count: int = 40):
    rng = random.Random(seed)
    templates = tuple(_template(rng, n) for n in range(count))
    lines = tuple(line(t.code, item, str(rng.randint(1, 9)), row=2 + 2 * n + k)
                  for n, t in enumerate(templates) for k, item in enumerate(("A001", "A002")[:rng.randint(0, 2)]))
    return master(templates, lines, exceptions=_exceptions(rng, templates), closures=_closures(rng),
                  saturday_working=rng.random() < 0.3)


@pytest.mark.parametrize("seed", range(3))
def test_every_day_of_2026_as_the_full_scan_finds_it(seed):
    randomized = randomized_master(seed)
    for day in YEAR:
        assert due_between(randomized, day, day) == oracle.due_between(randomized, day, day), day


@pytest.mark.parametrize("seed", range(3))
def test_ranges_as_the_full_scan_finds_them(seed):
    randomized = randomized_master(100 + seed)
    rng = random.Random(seed)
    for _ in range(40):
        start = rng.choice(YEAR)
        end = start + timedelta(days=rng.randint(0, 20))
        assert due_between(randomized, start, end) == oracle.due_between(randomized, start, end), (start, end)


def test_every_day_of_2026_on_the_sample(sample_master):
    for day in YEAR:
        assert due_between(sample_master, day, day) == oracle.due_between(sample_master, day, day), day
