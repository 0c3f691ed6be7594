"""When each document was last printed: written after its file is, read by `toolkit print
--unprinted`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, select

from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import insert_rows, now, user

p = schema.printings.c


def mark_printed(conn: Connection, document: str, ids: Collection[int], at: datetime | None = None) -> None:
    """Record that these documents (`order`, `ddt` or `invoice`) were printed now."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    stamp, by = at or now(), user()
    for chunk in in_batches(wanted):
        conn.execute(delete(schema.printings).where(p.document == document, p.document_id.in_(chunk)))
        insert_rows(conn, schema.printings, [dict(document=document, document_id=i, printed_at=stamp, printed_by=by)
                                             for i in chunk])


def last_printed(conn: Connection, document: str, ids: Collection[int] | None = None) -> dict[int, datetime]:
    """Document id → when it was last printed, for those printed at least once."""
    query = select(p.document_id, p.printed_at).where(p.document == document)
    if ids is None:
        return {i: at for i, at in conn.execute(query)}
    found: dict[int, datetime] = {}
    wanted = list(ids)
    for chunk in in_batches(wanted):
        found.update((i, at) for i, at in conn.execute(query.where(p.document_id.in_(chunk))))
    return found


_TABLES = {"order": (schema.orders, schema.orders.c.order_date), "ddt": (schema.deliveries, schema.deliveries.c.delivery_date),
           "invoice": (schema.invoices, schema.invoices.c.invoice_date)}


def document_ids(conn: Connection, document: str, *, numbers: Collection[str] | None = None,
                 first: date | None = None, last: date | None = None,
                 run: str | None = None) -> tuple[list[int], list[str]]:
    """The ids of the documents chosen by number (`OC-2026-00007`), date range and invoicing
    run, in number order; and the numbers asked for that the ledger has not."""
    table, day = _TABLES[document]
    c = table.c
    query = select(c.id, c.series, c.year, c.number)
    if first is not None:
        query = query.where(day >= first)
    if last is not None:
        query = query.where(day <= last)
    if run is not None:
        query = query.where(c.run_id == run)
    unknown: list[str] = []
    if numbers is not None:
        wanted: dict[tuple[str, int, int], str] = {}
        for number in dict.fromkeys(n.strip() for n in numbers if n.strip()):
            parts = number.rsplit("-", 2)
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                unknown.append(number)
                continue
            wanted[parts[0], int(parts[1]), int(parts[2])] = number
        if not wanted:
            return [], unknown
        keys = list(wanted)
        rows: list[Any] = []
        for start in range(0, len(keys), 200):
            rows += conn.execute(query.where(or_(*(and_(c.series == s, c.year == y, c.number == n)
                                                   for s, y, n in keys[start:start + 200])))).all()
        rows.sort(key=lambda r: (r.year, r.series, r.number))
        found = {(r.series, r.year, r.number) for r in rows}
        unknown += [text for key, text in wanted.items() if key not in found]
        return [r.id for r in rows], unknown
    return [r.id for r in conn.execute(query.order_by(c.year, c.series, c.number))], unknown
