"""Order drafts stored as one dictionary per order, per line and per event: what
`toolkit.ledger.orders.insert_orders` did before it handed the lines to the database column by
column. The stored rows must be exactly these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from toolkit.core.drafts import OrderDraft
from toolkit.core.orders import OrderStatus
from toolkit.ledger import schema
from toolkit.ledger.db import document_number, draw_numbers, event_row, insert_numbered, insert_rows, log_events, now, user


def insert_orders(conn: Connection, drafts: Sequence[OrderDraft], series: str,
                  statuses: Sequence[OrderStatus], marks: Sequence[Mapping[str, Any]] | None = None, *,
                  lang: str) -> list[tuple[int, str]]:
    numbers = draw_numbers(conn, [(series, d.occurrence.year) for d in drafts])
    created_at, created_by = now(), user()
    rows = [
        dict(series=series, year=d.occurrence.year, number=numbers[i], template=d.template, occurrence=d.occurrence,
             order_date=d.occurrence, customer=d.customer, ship_to=d.ship_to, contact=d.contact,
             document_type=d.document_type.value, status=status.value, price_list=d.price_list,
             price_version=d.price_version, price_type=d.price_type.value, project=d.project,
             delivery_option=d.delivery_option, customer_reference=d.customer_reference,
             payment_method=d.payment_method.value if d.payment_method else None, created_at=created_at,
             created_by=created_by, lang=lang)
        for i, (d, status) in enumerate(zip(drafts, statuses))]
    for row, mark in zip(rows, marks or ()):
        row.update(mark)
    ids = insert_numbered(conn, schema.orders, rows)
    lines = [dict(order_id=order_id, line_no=line.line_no, item=line.item, description=line.description,
                  unit=line.unit, quantity=line.quantity, unit_price=line.unit_price, amount=line.amount,
                  vat_rate=line.vat_rate, vat_nature=line.vat_nature, note=line.note, price_rule=line.price_rule)
             for order_id, d in zip(ids, drafts) for line in d.lines]
    insert_rows(conn, schema.order_lines, lines)
    shown = [document_number(series, d.occurrence.year, numbers[i]) for i, d in enumerate(drafts)]
    log_events(conn, [event_row("generated", "order", order_id, number, f"{d.template} {d.occurrence.isoformat()}")
                      for order_id, number, d in zip(ids, shown, drafts)])
    return list(zip(ids, shown))
