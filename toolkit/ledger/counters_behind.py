"""A numbering counter behind the numbers its series already holds, found when a write collides.

A document's number is drawn from `counters` (the series's last number in the year) in the
transaction that stores it. A counter set back by hand, a `counters` row deleted, or a table
put back from an older copy while the documents stayed, draws a number already stored, and the
unique constraint on (series, year, number) refused the write: an internal error naming the
constraint, where the desk needs to hear which series is behind, that nothing was written and
how to go on. Looked for only once a write has collided, so a normal write pays nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, func, select

from toolkit.basics.problems import Problem, define
from toolkit.ledger import schema

COUNTER_BEHIND = define(
    "ledger-counter-behind", "error",
    it="Nel registro {ledger} il contatore della serie {series} del {year} è a {counter}, ma il registro ha già "
       "il numero {highest}: il contatore è stato modificato fuori dal toolkit (a mano, o rimesso da una copia "
       "vecchia). Non ho scritto nulla: un nuovo documento avrebbe preso un numero già usato. Ripristina il "
       "registro da una copia di sicurezza, o fai riportare il contatore a {highest} da chi cura il toolkit "
       "(tabella counters, colonna last, alla riga serie {series}, anno {year}), poi ripeti il comando.",
    en="In the ledger {ledger} the counter of the series {series} of {year} is at {counter}, but the ledger "
       "already holds the number {highest}: the counter was changed outside the toolkit (by hand, or put back from "
       "an older copy). Nothing was written: a new document would have taken a number already used. Restore the "
       "ledger from a backup, or have whoever looks after the toolkit set it to {highest} (table counters, column "
       "last, at the row series {series}, year {year}), then run the command again.")

NUMBERED = (schema.orders, schema.deliveries, schema.invoices)
"""The tables whose rows take a progressive number from `counters`, unique per series and year."""


@dataclass(frozen=True, slots=True)
class Behind:
    """A series and year whose counter is below the highest number stored in it."""

    series: str
    year: int
    counter: int
    """The counter's last number, 0 when the series and year have no counter."""
    highest: int


def counters_behind(conn: Connection, tables: Sequence[Table] = NUMBERED) -> list[Behind]:
    """Every series and year of `tables` whose highest stored number is past its counter, by
    series and year."""
    c = schema.counters.c
    counters = {(r.series, r.year): r.last for r in conn.execute(select(c.series, c.year, c.last))}
    found: list[Behind] = []
    for table in tables:
        t = table.c
        for series, year, highest in conn.execute(
                select(t.series, t.year, func.max(t.number)).group_by(t.series, t.year)):
            counter = counters.get((series, year), 0)
            if highest > counter:
                found.append(Behind(series, year, counter, highest))
    return sorted(found, key=lambda b: (b.series, b.year))


def told(behind: Behind, ledger: Path | str) -> Problem:
    return COUNTER_BEHIND(None, ledger=ledger, series=behind.series, year=behind.year, counter=behind.counter,
                          highest=behind.highest)
