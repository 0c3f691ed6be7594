"""The stock counts a ship run has met, noted in the event log by their date and contents.

A count has a day and no time, so a count dated today cannot say whether today's DDTs came
before it (the count already leaves them out) or after it (the normal morning count). A count
a ship run already met today came before every DDT made since: only a count not met yet can
have been made after today's DDTs, and only that one is worth telling the desk about.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, select

from toolkit.ledger import schema
from toolkit.ledger.db import log_event

SEEN = "stock-count-seen"


def count_digest(levels: Iterable[tuple[str, Decimal]]) -> str:
    """A count's contents as one text to compare: each item's quantity, in item order, however
    the sheet's rows are sorted or its quantities written (`5`, `5.00`)."""
    rows = sorted(f"{item}\t{quantity.normalize():f}" for item, quantity in levels)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def seen(conn: Connection, day: date, digest: str) -> bool:
    """Whether a ship run already met this count dated `day` (by `schema.counts_seen_index`)."""
    e = schema.events.c
    return conn.execute(select(e.id).where(schema.counts_seen, e.document == "stock", e.number == day.isoformat(),
                                           e.detail == digest).limit(1)).first() is not None


def note_seen(conn: Connection, day: date, digest: str) -> None:
    """Note, in the caller's transaction, that a ship run met this count dated `day`: one the
    caller found not `seen` in that same transaction, so it is noted once."""
    log_event(conn, SEEN, "stock", None, day.isoformat(), digest)
