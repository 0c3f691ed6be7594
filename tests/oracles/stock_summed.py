"""The stock on hand as `toolkit.ledger.deliveries.available_stock` read it before the ledger
kept what shipped per item and day (`shipped_by_day`, schema 15): every DDT line since the
count date joined to its order line and summed per item. The kept sums must give exactly these
figures, to each `Decimal`'s form."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, or_, select

from toolkit.core.shipping import stock_levels
from toolkit.ledger import schema
from toolkit.model.records import MasterData

d, dl, ol = schema.deliveries.c, schema.delivery_lines.c, schema.order_lines.c


def available_stock(conn: Connection, master: MasterData) -> dict[str, Decimal] | None:
    """What is on hand now: the stock sheet, less what the ledger shipped after it was counted
    (Impostazioni › Data giacenze: DDTs dated from that day on, or stored from its start on,
    Rome's), returns added back. Without a count date the sheet is taken as today's stock, as
    the user keeps it."""
    levels = stock_levels(master)
    counted = master.settings.stock_date
    if levels is None or counted is None:
        return levels
    taken = datetime.combine(counted, time(0), ZoneInfo("Europe/Rome")).astimezone(UTC).replace(tzinfo=None)
    rows = conn.execute(
        select(ol.item, func.sum(dl.quantity)).select_from(
            schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
            .join(schema.order_lines, ol.id == dl.order_line_id))
        .where(or_(d.delivery_date >= counted, d.created_at >= taken)).group_by(ol.item))
    for item, shipped in rows:
        levels[item] = levels.get(item, Decimal(0)) - shipped
    return levels


def shipped_by_day(conn: Connection) -> dict[tuple[str, object], Decimal]:
    """(item, DDT date) → what the DDT lines of that date shipped of the item, summed from every
    DDT line: what the kept table `shipped_by_day` must hold, row for row (a row whose lines
    sum to nothing included)."""
    return dict(((item, day), shipped) for item, day, shipped in conn.execute(
        select(ol.item, d.delivery_date, func.sum(dl.quantity)).select_from(
            schema.delivery_lines.join(schema.deliveries, d.id == dl.delivery_id)
            .join(schema.order_lines, ol.id == dl.order_line_id))
        .group_by(ol.item, d.delivery_date)))
