"""How many documents the ledger holds: what an action added is the difference before and after;
and whether the ledger is the demo's, which may only run on an empty ledger or its own."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, func, select

from toolkit.core.shipping import SERVICES_SERIES
from toolkit.ledger import schema
from toolkit.ledger.db import log_event

DEMO = "demo"


def document_counts(conn: Connection) -> tuple[int, int, int]:
    """Orders, DDTs (not the records of services rendered, `SERVICES_SERIES`), invoices (credit
    notes included)."""
    ddts = select(func.count()).select_from(schema.deliveries).where(schema.deliveries.c.series != SERVICES_SERIES)
    return (conn.execute(select(func.count()).select_from(schema.orders)).scalar_one(),
            conn.execute(ddts).scalar_one(),
            conn.execute(select(func.count()).select_from(schema.invoices)).scalar_one())


def latest_ddt_day(conn: Connection) -> date | None:
    """The date of the latest DDT (services rendered left out, as `document_counts` does): the
    demo run again ships no day before it, whose DDTs would be dated back and refused."""
    d = schema.deliveries.c
    return conn.execute(select(func.max(d.delivery_date)).where(d.series != SERVICES_SERIES)).scalar_one()


def claim_for_demo(conn: Connection) -> bool:
    """Mark an empty ledger as the demo's and say True; True for a ledger already the demo's;
    False for a ledger holding other documents, which the demo must not touch."""
    events = schema.events.c
    if conn.execute(select(events.id).where(events.action == DEMO).limit(1)).first() is not None:
        return True
    if any(document_counts(conn)):
        return False
    log_event(conn, DEMO, "ledger")
    return True
