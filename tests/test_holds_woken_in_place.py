"""The holds a shipping day wakes stay in the ledger while it plans their orders, and only those
held otherwise, or no longer, are written again (`toolkit.ledger.holds.keep`).

Forgetting every woken hold when it woke and writing back those held again deleted and inserted
the same rows each day (at L about 2,800 of the 2,900 a day wakes). `test_holds_kept.py` holds
the days' outcomes to planning every order again; here the rows a day writes are counted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select
from test_holds_kept import days_kept, woken_by
from test_shipping_setbased import START

from toolkit.core.workdays import working_calendar
from toolkit.ledger import schema
from toolkit.ledger.db import reading
from toolkit.services.shipping import ship


def kept_rows(ledger) -> set[tuple[Any, ...]]:
    h = schema.holds.c
    with reading(ledger) as conn:
        return set(conn.execute(select(h.order_id, h.customer, h.occurrence, h.kind, h.reason, h["items"], h.since)))


def next_working_day(master, after):
    calendar = working_calendar(master.settings, master.closures)
    day = after + timedelta(1)
    while not calendar.is_working(day):
        day += timedelta(1)
    return day


def restocked_by_one(master):
    """One more of every item on the stock sheet: every hold short of stock wakes, and most are
    still short."""
    return master.model_copy(update={"stock": tuple(replace(level, quantity=level.quantity + 1)
                                                    for level in master.stock or ())})


def written_to_holds(ledger) -> dict[str, int]:
    """Rows deleted from and inserted into `holds` by the statements run from now on."""
    counted = {"deleted": 0, "inserted": 0}

    @event.listens_for(ledger.engine, "after_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("DELETE FROM holds "):
            counted["deleted"] += cursor.rowcount
        elif statement.startswith("INSERT INTO holds "):
            counted["inserted"] += cursor.rowcount

    return counted


def test_a_hold_woken_and_held_again_as_it_was_is_not_written_again(tmp_path):
    master, ledger = days_kept(tmp_path, 3, 6)
    day = next_working_day(master, START + timedelta(5))
    short = {row[0] for row in kept_rows(ledger) if row[5]}
    raised = restocked_by_one(master)
    woken = woken_by(ledger, raised)
    assert woken & short
    before = kept_rows(ledger)
    counted = written_to_holds(ledger)
    done = ship(raised, ledger, day, all_open=True)
    after = kept_rows(ledger)
    again = {row[0] for row in before & after} & woken
    assert again and done.kept
    assert counted == {"deleted": len(before - after), "inserted": len(after - before)}


def test_a_day_that_stops_before_keeping_its_holds_forgets_those_it_woke(tmp_path):
    """An unknown carrier refuses the plan: the woken holds are forgotten as waking did, and the
    next day plans their orders again."""
    master, ledger = days_kept(tmp_path, 3, 6)
    day = next_working_day(master, START + timedelta(5))
    raised = restocked_by_one(master)
    woken = woken_by(ledger, raised)
    before = kept_rows(ledger)
    done = ship(raised, ledger, day, all_open=True, carrier="NO-SUCH-CARRIER")
    assert not done.notes and any(p.is_error for p in done.problems)
    assert woken and kept_rows(ledger) == {row for row in before if row[0] not in woken}
