"""The kept shipped figures grown as `toolkit.ledger.deliveries._add_shipped` grew them before
it went to the driver: one SQLAlchemy UPDATE executed for every order line, each row's
parameters built and converted by SQLAlchemy. The reference `tests/test_shipped_added.py`
compares the driver-level update with.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import BigInteger, Connection, bindparam, update

from toolkit.ledger import schema
from toolkit.ledger.types import places_of, stored_integer

ol = schema.order_lines.c


def add_shipped(conn: Connection, shipping: Mapping[int, Decimal]) -> None:
    """Each order line's kept sum of its DDT lines (`order_lines.shipped`) grows by what the
    DDT lines just stored ship of it: one statement, executed for every line."""
    if not shipping:
        return
    places = places_of(ol.shipped)
    more = bindparam("more", type_=BigInteger)
    conn.execute(update(schema.order_lines).where(ol.id == bindparam("line"))
                 .values(shipped=stored_integer(ol.shipped) + more),
                 [dict(line=line_id, more=int(quantity.scaleb(places))) for line_id, quantity in shipping.items()])
