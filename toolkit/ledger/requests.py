"""Customers' requests and their history in the ledger (tables added by schema version 6)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update

from toolkit.basics.vocab import RequestKind
from toolkit.core.requests import CustomerRequest, OpenRequests, RequestAction, RequestStatus, RequestStep
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import now, user

r = schema.customer_requests.c
h = schema.request_history.c


def open_request(conn: Connection, customer: str, kind: RequestKind, text: str,
                 at: datetime | None = None) -> int:
    stamp, by = at or now(), user()
    request_id = int(conn.execute(insert(schema.customer_requests).values(
        customer=customer, kind=kind.value, text=text, status=RequestStatus.OPEN.value, opened_at=stamp,
        opened_by=by).returning(r.id)).scalar_one())
    _step(conn, request_id, stamp, by, RequestAction.OPENED, text)
    return request_id


def add_step(conn: Connection, request_id: int, action: RequestAction, text: str | None,
             at: datetime | None = None) -> None:
    """Record an action on a request; `closed` also closes it."""
    stamp, by = at or now(), user()
    _step(conn, request_id, stamp, by, action, text)
    if action is RequestAction.CLOSED:
        conn.execute(update(schema.customer_requests).where(r.id == request_id)
                     .values(status=RequestStatus.CLOSED.value, closed_at=stamp, closed_by=by))


def _step(conn: Connection, request_id: int, at: datetime, by: str, action: RequestAction, text: str | None) -> None:
    conn.execute(insert(schema.request_history).values(request_id=request_id, at=at, by=by, action=action.value,
                                                       text=text))


def load_requests(conn: Connection, *, ids: Collection[int] | None = None, open_only: bool = False,
                  customer: str | None = None) -> list[CustomerRequest]:
    """Requests with their history, oldest first."""
    query = select(schema.customer_requests).order_by(r.opened_at, r.id)
    if ids is not None:
        query = query.where(r.id.in_(list(ids)))
    if open_only:
        query = query.where(r.status == RequestStatus.OPEN.value)
    if customer is not None:
        query = query.where(r.customer == customer)
    rows = list(conn.execute(query))
    if not rows:
        return []
    steps: dict[int, list[RequestStep]] = {row.id: [] for row in rows}
    wanted = list(steps)
    for chunk in in_batches(wanted):
        for step in conn.execute(select(schema.request_history)
                                 .where(h.request_id.in_(chunk)).order_by(h.at, h.id)):
            steps[step.request_id].append(RequestStep(step.at, step.by, RequestAction(step.action), step.text))
    return [CustomerRequest(row.id, row.customer, RequestKind(row.kind), row.text, RequestStatus(row.status),
                            row.opened_at, row.opened_by, row.closed_at, row.closed_by, tuple(steps[row.id]))
            for row in rows]


def open_requests(conn: Connection, customers: Collection[str]) -> dict[str, OpenRequests]:
    """Customer → its open requests' count and the latest one's text (customers with none left out)."""
    if not customers:
        return {}
    wanted = sorted(set(customers))
    found: dict[str, OpenRequests] = {}
    for chunk in in_batches(wanted):
        counts: dict[str, int] = dict(conn.execute(select(r.customer, func.count()).where(
            r.status == RequestStatus.OPEN.value, r.customer.in_(chunk)).group_by(r.customer)).all())
        latest: dict[str, str] = {}
        for code, text in conn.execute(select(r.customer, r.text).where(
                r.status == RequestStatus.OPEN.value, r.customer.in_(chunk)).order_by(r.opened_at, r.id)):
            latest[code] = text
        found.update((code, OpenRequests(int(n), latest.get(code))) for code, n in counts.items())
    return found
