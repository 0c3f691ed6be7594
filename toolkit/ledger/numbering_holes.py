"""Holes in a series's progressive numbers, and invoices numbered out of date order.

Each document's number is drawn from `counters` in the transaction that stores it
(`toolkit.ledger.db.draw_numbers`), so a series and year of a sound ledger holds every number
from the first to the last: a voided DDT keeps its row and its number (`toolkit.ledger.voids`),
an undone draft run gives its numbers back (`toolkit.ledger.invoices.delete_run`). A number
missing (a row deleted by hand, a table put back from an older copy) is what SDI and the tax
office ask about; so is an invoice dated before the one numbered before it, as the law wants
numbers in date order within a series and year (`docs/invoicing.md`, *Invoice dates*). Both
found by window functions over each table's (series, year, number) index, in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, func, select

from toolkit.ledger import schema
from toolkit.ledger.counters_behind import NUMBERED
from toolkit.ledger.db import BEGUN_ELSEWHERE

DATED = {schema.invoices.name: schema.invoices.c.invoice_date}
"""The tables whose numbers must follow their dates: invoices, credit and debit notes. DDTs may be
stored late and dated back (`toolkit.ledger.back_dated`), orders created ahead of their day."""


@dataclass(frozen=True, slots=True)
class Hole:
    """Numbers missing in a series and year: `first`–`last`, between two stored ones (or below the
    lowest, down to the number the series started after)."""

    table: str
    series: str
    year: int
    first: int
    last: int
    below_first: bool = False
    """Below the series's lowest stored number: a desk that began it with another program and
    told no toolkit so (*Numeri prima del toolkit*) leaves this too."""


@dataclass(frozen=True, slots=True)
class OutOfOrder:
    """An invoice dated before the one numbered just before it in its series and year."""

    table: str
    series: str
    year: int
    number: int
    day: date
    before: int
    before_day: date


def holes(conn: Connection, started_after: Iterable[tuple[str, int, int]] = ()) -> list[Hole]:
    """Every run of missing numbers, by table, series, year and number. `started_after`: the
    (series, year, last number) a desk numbered before the toolkit (*Numeri prima del toolkit*),
    whose series there begins after it; the ledger's own record of it (`begun_elsewhere`), which
    names every desk's, wins."""
    start = {(series.upper(), year): last for series, year, last in [*started_after, *begun_elsewhere(conn)]}
    found: list[Hole] = []
    for table in NUMBERED:
        t = table.c
        previous = func.lag(t.number).over(partition_by=(t.series, t.year), order_by=t.number)
        stepped = select(t.series, t.year, t.number, previous.label("previous")).subquery()
        s = stepped.c
        for series, year, number, before in conn.execute(
                select(s.series, s.year, s.number, s.previous)
                .where(func.coalesce(s.previous, -1) != s.number - 1).order_by(s.series, s.year, s.number)):
            low = before if before is not None else start.get((series.upper(), year), 0)
            if number - 1 > low:
                found.append(Hole(table.name, series, year, low + 1, number - 1, below_first=before is None))
    return found


def begun_elsewhere(conn: Connection) -> list[tuple[str, int, int]]:
    """The (series, year, last number) the ledger started after, as any desk's *Numeri prima del
    toolkit* said when its first number there was drawn (`db.BEGUN_ELSEWHERE`)."""
    e = schema.events.c
    found = []
    for series, detail in conn.execute(select(e.number, e.detail).where(e.action == BEGUN_ELSEWHERE)):
        parts = (detail or "").split()
        if series and len(parts) == 2 and all(part.isdigit() for part in parts):
            found.append((series, int(parts[0]), int(parts[1])))
    return found


def out_of_order(conn: Connection) -> list[OutOfOrder]:
    """Every document of `DATED` dated before the one numbered just before it."""
    found: list[OutOfOrder] = []
    for name, dated in DATED.items():
        table: Table = schema.metadata.tables[name]
        t = table.c
        window: dict[str, Any] = {"partition_by": (t.series, t.year), "order_by": t.number}
        stepped = select(t.series, t.year, t.number, dated.label("day"), func.lag(t.number).over(**window).label("before"),
                         func.lag(dated).over(**window).label("before_day")).subquery()
        s = stepped.c
        for series, year, number, day, before, before_day in conn.execute(
                select(s.series, s.year, s.number, s.day, s.before, s.before_day)
                .where(s.day < s.before_day).order_by(s.series, s.year, s.number)):
            found.append(OutOfOrder(name, series, year, number, _day(day), before, _day(before_day)))
    return found


def _day(value: Any) -> date:
    """A date as a window function returns it: SQLite gives the stored text."""
    return value if isinstance(value, date) else date.fromisoformat(value)
