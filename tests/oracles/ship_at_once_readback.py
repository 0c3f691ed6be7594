"""The orders that ship as they are created, as `toolkit.services.orders` shipped them before
they were built from the drafts just stored: each day's orders read back from the ledger
(`load_orders`) and shipped. The DDTs, problems and ledger rows must be exactly these."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from toolkit.basics.problems import Problem
from toolkit.core.documents import DeliveryNote
from toolkit.ledger.orders import load_orders
from toolkit.model.records import MasterData
from toolkit.services.shipping import ship_in
from toolkit.services.shipping_days import told_at_order


def ship_at_once(conn: Connection, master: MasterData,
                 at_once: dict[date, list[int]], *, lang: str) -> tuple[list[Problem], list[DeliveryNote]]:
    problems: list[Problem] = []
    notes: list[DeliveryNote] = []
    for day, ids in sorted(at_once.items()):
        shipped = ship_in(conn, master, load_orders(conn, ids=ids), day, paid=set(ids), force=True, lang=lang)
        problems += [told_at_order(p) for p in shipped.problems]
        notes += shipped.notes
    return problems, notes
