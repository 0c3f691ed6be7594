"""Which orders made since the holds were judged queue ahead of the orders kept on hold is decided
by the core's rank (year, series, progressive: `toolkit.core.reservations.rank`), series compared
as Python compares text. The ledger asked the database `series > 'PV'`, which PostgreSQL answers
by its locale's collation: under en-US `oc` sorts before `PV` and `OC_B` before `OCA`, in Python
after. A ledger on
such a server woke no hold for a new `PV` order ranking ahead of the `oc` orders (and woke holds
for an `oc` order ranking last), where SQLite and the core decided otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from test_shipping_setbased import START, master_of

from toolkit.core.reservations import rank
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import document_number, reading, writing
from toolkit.ledger.holds import changes_since, marks_now
from toolkit.services.orders import create

o, ol = schema.orders.c, schema.order_lines.c


@pytest.mark.parametrize("before, made, last_year", [("oc", "PV", False), ("PV", "oc", False), ("OCA", "OC_B", False),
                                                     ("OC_B", "OCA", False), ("PV", "OC", True)])
def test_orders_made_since_the_marks_queue_ahead_by_the_cores_rank_on_every_backend(tmp_path, collated_ledger_url,
                                                                                        before, made, last_year):
    """With `last_year` the orders before are of the year before, so the new ones rank after them
    whatever their series: `OC` sorting before `PV` woke the holds all the same."""
    master = master_of(tmp_path, 1)
    ledger = open_ledger(collated_ledger_url)
    try:
        create(master, ledger, START, lang="it")
        with reading(ledger) as conn:
            marks = marks_now(conn, "key", "stock", None)
        create(master, ledger, START + timedelta(1), lang="it")
        with writing(ledger) as conn:
            conn.execute(update(schema.orders).where(o.id <= _last_order(conn, marks))
                         .values(series=before, year=o.year - int(last_year)))
            conn.execute(update(schema.orders).where(o.id > _last_order(conn, marks)).values(series=made))
            numbers = {document_number(*row) for row in conn.execute(select(o.series, o.year, o.number))}
            new_items = frozenset(conn.execute(select(ol.item).distinct().join(schema.orders, o.id == ol.order_id)
                                               .where(o.series == made)).scalars())
            now = marks_now(conn, "key", "stock", None)
            taken = changes_since(conn, marks, now, ()).taken
        ahead = min(rank(n) for n in numbers if n.startswith(made)) < max(rank(n) for n in numbers if n.startswith(before))
        assert new_items and taken == (new_items if ahead else frozenset())
        assert ahead == (made < before and not last_year)
    finally:
        ledger.engine.dispose()


def _last_order(conn, marks) -> int:
    """The last order made before the marks: its id is below every order numbered since."""
    e = schema.events.c
    first_new = conn.execute(select(e.document_id).where(e.id > marks.event_id, e.document == "order")
                             .order_by(e.document_id).limit(1)).scalar_one()
    return first_new - 1
