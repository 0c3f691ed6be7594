"""Agents' commissions settled for a period (`commission_settlements`, schema 43).

Each agent's statement is recorded once per period, with the statement as it printed; a period
overlapping one settled for the agent is refused. What was recorded since a settlement of the
documents dated in its period (an invoice finalized late, a payment typed in a week after) is
found here, for the warning that names it: the settled statement does not count it, and no
later one does either, as statements count documents by their date.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, and_, exists, func, or_, select

from toolkit.core.invoicing import InvoiceStatus
from toolkit.ledger import schema
from toolkit.ledger.db import document_number, insert_rows, now, user

cs, i, p, e = schema.commission_settlements.c, schema.invoices.c, schema.payments.c, schema.events.c


@dataclass(frozen=True, slots=True)
class Settled:
    """An agent's settlement of a period, as a refusal or a warning names it."""

    agent: str
    first: date
    last: date
    settled_on: date
    recorded_at: datetime


def _settled(rows) -> list[Settled]:
    return [Settled(r.agent, r.period_start, r.period_end, r.settled_on, r.created_at) for r in rows]


def overlapping(conn: Connection, agents: Collection[str] | None, first: date, last: date) -> list[Settled]:
    """The settlements of `agents` (None: of every agent) whose period shares a day with [first, last]."""
    if agents is not None and not agents:
        return []
    mine = [cs.agent.in_(sorted(agents))] if agents is not None else []
    return _settled(conn.execute(
        select(cs.agent, cs.period_start, cs.period_end, cs.settled_on, cs.created_at)
        .where(*mine, cs.period_start <= last, cs.period_end >= first)
        .order_by(cs.agent, cs.period_start)))


def latest_before(conn: Connection, first: date) -> list[Settled]:
    """Each agent's latest settlement of a period ended before `first`: the one a late document
    of the period settled just before is looked for in (`recorded_since`)."""
    latest = (select(cs.agent, func.max(cs.period_end).label("end")).where(cs.period_end < first)
              .group_by(cs.agent).subquery())
    return _settled(conn.execute(
        select(cs.agent, cs.period_start, cs.period_end, cs.settled_on, cs.created_at)
        .join(latest, and_(latest.c.agent == cs.agent, latest.c.end == cs.period_end)).order_by(cs.agent)))


def record(conn: Connection, first: date, last: date, settled_on: date,
           rows: Sequence[tuple[str, Decimal, Decimal, str]]) -> None:
    """Record (agent, base, total, the statement's JSON) settlements of [first, last]."""
    at, by = now(), user()
    insert_rows(conn, schema.commission_settlements, [
        dict(agent=agent, period_start=first, period_end=last, settled_on=settled_on, base=base, total=total,
             statement=statement, created_at=at, created_by=by) for agent, base, total, statement in rows])


def kept(conn: Connection, first: date, last: date) -> list[tuple[Settled, str]]:
    """The settlements whose period lies in [first, last], each with its statement (JSON),
    period by period, each period's in the order they printed in: the order they were recorded
    in (`id`), not the agents' names sorted by the database, which PostgreSQL does by its
    locale (*de Luca* before *Marco*) where the statements printed by code points."""
    rows = conn.execute(select(cs.agent, cs.period_start, cs.period_end, cs.settled_on, cs.created_at, cs.statement)
                        .where(cs.period_start >= first, cs.period_end <= last)
                        .order_by(cs.period_start, cs.period_end, cs.id)).all()
    return list(zip(_settled(rows), (r.statement for r in rows), strict=True))


def kept_overlapping(conn: Connection, spans: Sequence[tuple[date, date]]) -> list[tuple[Settled, str]]:
    """Every agent's settlement whose period shares a day with one of `spans`, with its
    statement (JSON): who was paid on which customer's documents of those days, as settled.
    Only those: a note on an invoice of two years ago and a late document of last month read
    two periods' statements, not every one settled in between (`joined`)."""
    if not spans:
        return []
    rows = conn.execute(select(cs.agent, cs.period_start, cs.period_end, cs.settled_on, cs.created_at, cs.statement)
                        .where(or_(*(and_(cs.period_start <= last, cs.period_end >= first)
                                     for first, last in joined(spans))))
                        .order_by(cs.id)).all()
    return list(zip(_settled(rows), (r.statement for r in rows), strict=True))


def joined(spans: Sequence[tuple[date, date]]) -> list[tuple[date, date]]:
    """`spans` as the fewest spans covering the same days: a month's notes citing invoices of
    many days ask one condition per run of days, not one per note.

    >>> d = date(2026, 4, 1)
    >>> joined([(d.replace(day=9), d.replace(day=9)), (d, d.replace(day=8)), (d.replace(day=20), d.replace(day=20))])
    [(datetime.date(2026, 4, 1), datetime.date(2026, 4, 9)), (datetime.date(2026, 4, 20), datetime.date(2026, 4, 20))]
    """
    found: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if found and (first - found[-1][1]).days <= 1:
            found[-1] = (found[-1][0], max(found[-1][1], last))
        else:
            found.append((first, last))
    return found


def recorded_since(conn: Connection, first: date, last: date, since: datetime) -> list[tuple[str, str, str]]:
    """(customer, the document's number, what happened) of what the ledger recorded after `since`
    dated in [first, last]: final invoices and notes stored or finalized since ("document") and
    payments and refunds recorded since ("payment", on that document); in number order."""
    finalized = exists().where(e.document == "invoice", e.action == "finalized", e.document_id == i.id, e.at > since)
    documents = conn.execute(
        select(i.customer, i.series, i.year, i.number)
        .where(i.invoice_date >= first, i.invoice_date <= last, i.status == InvoiceStatus.FINAL.value,
               or_(i.created_at > since, finalized)))
    payments = conn.execute(
        select(i.customer, i.series, i.year, i.number).join(schema.payments, p.invoice_id == i.id)
        .where(p.payment_date >= first, p.payment_date <= last, p.created_at > since,
               i.status == InvoiceStatus.FINAL.value).distinct())
    found = {(r.customer, document_number(r.series, r.year, r.number), "document") for r in documents}
    found |= {(r.customer, document_number(r.series, r.year, r.number), "payment") for r in payments}
    return sorted(found, key=lambda x: (x[1], x[2]))
