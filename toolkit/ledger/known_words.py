"""The ledger's columns that hold one of a few words (an order's status, an invoice's kind),
each with the words the toolkit writes there and reads back.

The database does not hold them to those words: a status typed `boh` in a database browser is
kept, and the read that met it failed on a lookup (`KeyError: 'boh'`), an internal error naming
neither the table nor the row. `first_unknown` finds such a value, asked in SQL, once a read
has failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Connection, select

from toolkit.basics.vocab import DocumentType, PaymentMethod, RequestKind
from toolkit.core.invoicing import InvoiceKind, InvoiceStatus
from toolkit.core.orders import OrderStatus
from toolkit.core.requests import RequestStatus
from toolkit.ledger import schema

WORDS: Sequence[tuple[Column[Any], type[StrEnum]]] = (
    (schema.orders.c.status, OrderStatus),
    (schema.orders.c.document_type, DocumentType),
    (schema.orders.c.payment_method, PaymentMethod),
    (schema.invoices.c.kind, InvoiceKind),
    (schema.invoices.c.status, InvoiceStatus),
    (schema.invoices.c.payment_method, PaymentMethod),
    (schema.customer_requests.c.kind, RequestKind),
    (schema.customer_requests.c.status, RequestStatus),
)
"""Each column and the words it takes."""


def first_unknown(conn: Connection) -> tuple[Column[Any], str, str, list[str]] | None:
    """The first value no word of its column, with the column, the row's key (`id 7`) and the words."""
    for column, words in WORDS:
        known = [word.value for word in words]
        key = list(column.table.primary_key.columns)
        unknown = column.not_in(known + [""]) if column.nullable else column.not_in(known)
        row = conn.execute(select(*key, column).where(column.is_not(None), unknown).order_by(*key).limit(1)).first()
        if row is not None:
            return column, row[-1], ", ".join(f"{c.name} {at}" for c, at in zip(key, row[:-1])), known
    return None
