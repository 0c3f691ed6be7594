"""A date's and a day's statements do not grow with the ledger's orders and items.

`test_daily_plans` finds the statements that scan a table of documents, each distinct one once:
a statement run once per item in a loop is set-shaped to it, and one such loop (the units held
of a date's items, a statement per item) took 17,000 statements and 2.4 s of a preview at L
before anyone counted. Here every statement the toolkit hands SQLite is counted (each
`execute`, and each `executemany` once, as one call sends it), for a few days' preview and
create of a date and `ship --all` of the day, on the sample's master and on one three times
its size: the counts must stay put, not follow the orders, lines and items, which triple."""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from functools import partial

from test_shipping_setbased import START, pay_some, randomized

from toolkit.core.workdays import working_calendar
from toolkit.intake.sample import Scale, sample_rows
from toolkit.intake.validation import check_file
from toolkit.ledger import open_ledger
from toolkit.services.orders import create, preview
from toolkit.services.shipping import ship
from toolkit.writers.master_workbook import write_master

THRICE = Scale("thrice", customers=3 * Scale.SAMPLE.customers, items=3 * Scale.SAMPLE.items,
               templates=3 * Scale.SAMPLE.templates, template_lines=3 * Scale.SAMPLE.template_lines)
"""The sample's master three times over: three times the customers, items, templates and lines."""

DAYS = 4
"""Working days from `START`: the first on a new ledger, the others with orders open and held."""

SLACK = 12
"""Statements one size may send that the other does not: a branch taken only when the day has
something of its kind (an order invoiced at once, a hold woken, a prepayment). A statement per
order, line or item adds hundreds at the larger size."""


SCHEMA = ("CREATE", "DROP", "ALTER", "PRAGMA")
"""Statements not counted: the ledger made or its schema checked, once a process or a ledger
(the first date of a new ledger makes it), whatever its size."""


class _Counted:
    """Every statement the toolkit hands SQLite on this connection, by the phase it runs in."""

    def __init__(self):
        self.phase = "setup"
        self.by_phase: dict[str, int] = {}

    def one(self, sql: str) -> None:
        if not sql.lstrip().upper().startswith(SCHEMA):
            self.by_phase[self.phase] = self.by_phase.get(self.phase, 0) + 1


def _counting(counted: _Counted, connect):
    """`sqlite3.connect` whose connections count each `execute` and `executemany` of their
    cursors, and of the connection itself (a driver-level read takes a cursor of its own)."""

    class Cursor(sqlite3.Cursor):
        def execute(self, sql, *args, **kwargs):
            counted.one(sql)
            return super().execute(sql, *args, **kwargs)

        def executemany(self, sql, *args, **kwargs):
            counted.one(sql)
            return super().executemany(sql, *args, **kwargs)

    class Connection(sqlite3.Connection):
        def cursor(self, factory=Cursor):
            return super().cursor(factory)

        def execute(self, *args, **kwargs):
            return self.cursor().execute(*args, **kwargs)

        def executemany(self, *args, **kwargs):
            return self.cursor().executemany(*args, **kwargs)

    return partial(connect, factory=Connection)


def _statements(tmp_path, monkeypatch, scale: Scale) -> tuple[dict[str, int], int]:
    """The statements of each phase of `DAYS` days (its most on any day) and the orders made."""
    rng = random.Random(7)
    path = write_master(tmp_path / f"{scale.name}.xlsx", sample_rows(scale, seed=7))
    checked = check_file(path)
    assert checked.master is not None
    master = randomized(checked.master, rng)
    counted = _Counted()
    counting = _counting(counted, sqlite3.dbapi2.connect)
    with monkeypatch.context() as patched:
        patched.setattr(sqlite3.dbapi2, "connect", counting)
        patched.setattr(sqlite3, "connect", counting)
        ledger = open_ledger(f"sqlite:///{tmp_path / f'{scale.name}.sqlite'}")
        calendar, day, done, counter = working_calendar(master.settings, master.closures), START, 0, [0]
        most: dict[str, int] = {}
        orders = 0
        while done < DAYS:
            if calendar.is_working(day):
                counted.by_phase.clear()
                counted.phase = "date"
                preview(master, ledger, day)
                made = create(master, ledger, day, lang="it")
                counted.phase = "setup"
                pay_some(ledger, rng, counter)
                counted.phase = "day"
                ship(master, ledger, day, all_open=True, lang="it")
                for phase in ("date", "day"):
                    most[phase] = max(most.get(phase, 0), counted.by_phase.get(phase, 0))
                orders += len(made.created)
                done += 1
            day += timedelta(1)
        ledger.engine.dispose()
    return most, orders


def test_a_dates_and_a_days_statements_do_not_grow_with_the_ledger(tmp_path, monkeypatch):
    small, small_orders = _statements(tmp_path, monkeypatch, Scale.SAMPLE)
    large, large_orders = _statements(tmp_path, monkeypatch, THRICE)
    assert large_orders >= 2.5 * small_orders, (small_orders, large_orders)
    for phase in ("date", "day"):
        assert small[phase] > 20, f"the {phase}'s statements were not counted"
        assert large[phase] <= small[phase] + SLACK, (
            f"the {phase}'s statements grow with the ledger: {small[phase]} for {small_orders} orders, "
            f"{large[phase]} for {large_orders}")
