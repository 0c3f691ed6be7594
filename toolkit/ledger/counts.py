"""How many documents the ledger holds: what an action added is the difference before and after."""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from toolkit.ledger import schema


def document_counts(conn: Connection) -> tuple[int, int, int]:
    """Orders, DDTs, invoices (credit notes included)."""
    return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
                 for t in (schema.orders, schema.deliveries, schema.invoices))
