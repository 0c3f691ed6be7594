"""The parties issued documents printed, kept once each (`schema.issued_parties`).

Storing documents asks `keep` for the ids of their parties in the same transaction: each
distinct `Parties` is turned into its JSON once, looked up by digest, and inserted only when
the ledger has never seen it, so a day's thousands of DDTs for known customers write nothing
here. Reading documents back asks `read` for the parties their `parties_id` cite, each
distinct one parsed once and shared by its documents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence

from sqlalchemy import Connection, select

from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import insert_rows
from toolkit.model.parties import Parties

p = schema.issued_parties.c


def keep(conn: Connection, parties: Sequence[Parties]) -> list[int]:
    """The id of each of `parties`, in their order, inserting those the ledger lacks. Told
    apart by identity first (a `PartyBook` gives one object per customer, destination and
    carrier), then by their JSON's digest."""
    distinct = {id(one): one for one in parties}
    texts = {key: one.text() for key, one in distinct.items()}
    digests = {key: hashlib.sha256(stored.encode()).hexdigest() for key, stored in texts.items()}
    ids = _ids(conn, set(digests.values()))
    missing = {digest: texts[key] for key, digest in digests.items() if digest not in ids}
    if missing:
        insert_rows(conn, schema.issued_parties, [dict(digest=d, parties=t) for d, t in missing.items()])
        ids.update(_ids(conn, missing))
    return [ids[digests[id(one)]] for one in parties]


def _ids(conn: Connection, digests: Collection[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in in_batches(list(digests)):
        found.update((digest, i) for digest, i in conn.execute(select(p.digest, p.id).where(p.digest.in_(chunk))))
    return found


def read(conn: Connection, ids: Collection[int | None]) -> dict[int, Parties]:
    """Parties by id, for the ids documents cite (None, a document stored before they were
    kept, cites none)."""
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, Parties] = {}
    for chunk in in_batches(wanted):
        found.update((i, Parties.from_text(t)) for i, t in conn.execute(select(p.id, p.parties).where(p.id.in_(chunk))))
    return found
