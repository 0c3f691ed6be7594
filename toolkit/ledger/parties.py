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
from typing import Any

from sqlalchemy import JSON, Connection, Select, Table, bindparam, cast, select, type_coerce

from toolkit.ledger import schema
from toolkit.ledger.batches import among, in_batches
from toolkit.ledger.db import driver_rows, insert_rows
from toolkit.model.parties import Parties, Seller, part_text

p = schema.issued_parties.c


def keep(conn: Connection, parties: Sequence[Parties]) -> list[int]:
    """The id of each of `parties`, in their order, inserting those the ledger lacks. Told
    apart by identity first (a `PartyBook` gives one object per customer, destination and
    carrier), then by their JSON's digest."""
    distinct = {id(one): one for one in parties}
    texts, digests = {}, {}
    for key, one in distinct.items():
        texts[key], digests[key] = _text_and_digest(one)
    ids = _ids(conn, set(digests.values()))
    missing = {digest: texts[key] for key, digest in digests.items() if digest not in ids}
    if missing:
        insert_rows(conn, schema.issued_parties, [dict(digest=d, parties=t) for d, t in missing.items()])
        ids.update(_ids(conn, missing))
    return [ids[digests[id(one)]] for one in parties]


_SPELLED: dict[int, tuple[Parties, str, str]] = {}
"""`_text_and_digest`'s memo: id → (the parties, their JSON, its digest)."""
SPELLED_AT_MOST = 65_536


def _text_and_digest(one: Parties) -> tuple[str, str]:
    """The JSON `keep` stores of these parties and its SHA-256 digest, worked out once per
    `Parties` object for the whole process. A `PartyBook` gives the same object for a customer,
    destination and carrier every day it is asked, and a month at L spelled the same few
    thousand parties again every day: turning each into its JSON was 0.32 of `keep`'s 0.38 s
    over a month at M (cProfile), most of its 2.9 s at L.

    The memo holds the object itself, so its id cannot be another's while it is remembered,
    and it is compared by identity; `Parties` and everything in it are frozen, so its JSON
    never changes. Past `SPELLED_AT_MOST` objects it starts again."""
    found = _SPELLED.get(id(one))
    if found is not None and found[0] is one:
        return found[1], found[2]
    text = one.text(_part_text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    if len(_SPELLED) >= SPELLED_AT_MOST:
        _SPELLED.clear()
        _PARTS_SPELLED.clear()
    _SPELLED[id(one)] = (one, text, digest)
    return text, digest


_PARTS_SPELLED: dict[int, tuple[object, str]] = {}
"""`_part_text`'s memo: id → (the part, its JSON)."""


def _part_text(part: object) -> str:
    """A part's JSON (`part_text`), worked out once per part object, held and compared by
    identity as `_text_and_digest` holds the whole set: a `PartyBook` gives one object per
    seller, customer, destination, carrier and contact, so a date's 7,000 new sets of parties
    at L name one seller and 5,700 buyers, and the DDTs and invoices issued at once name those
    again (`keep` in creating a date at L 0.28 → 0.23 s of CPU, medians of six pairs)."""
    found = _PARTS_SPELLED.get(id(part))
    if found is not None and found[0] is part:
        return found[1]
    text = part_text(part)
    _PARTS_SPELLED[id(part)] = (part, text)
    return text


def _ids(conn: Connection, digests: Collection[str]) -> dict[str, int]:
    """The kept parties' ids by digest, read at the driver level (`driver_rows`, the statement
    built once): creating a day at L asks 9,200 digests, and SQLAlchemy compiled each list of
    them again."""
    found: dict[str, int] = {}
    for chunk in in_batches(list(digests)):
        found.update(driver_rows(conn, _BY_DIGEST, {"digests": chunk}))
    return found


_BY_DIGEST = select(p.digest, p.id).where(p.digest.in_(bindparam("digests", expanding=True)))


def read(conn: Connection, ids: Collection[int | None]) -> dict[int, Parties]:
    """Parties by id, for the ids documents cite (None, a document stored before they were
    kept, cites none)."""
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, Parties] = {}
    for chunk in in_batches(wanted):
        found.update((i, Parties.from_text(t)) for i, t in conn.execute(select(p.id, p.parties).where(p.id.in_(chunk))))
    return found


def kept_by(conn: Connection, documents: Table, ids: Collection[int]) -> dict[int, int]:
    """The id of the parties each of these documents of `documents` (orders, DDTs) printed, by
    document id; one stored before the ledger kept its parties is not there."""
    c = documents.c
    found: dict[int, int] = {}
    for condition in among(conn, c.id, sorted(set(ids))):
        found.update((r.id, r.parties_id) for r in conn.execute(select(c.id, c.parties_id)
                                                                .where(condition, c.parties_id.is_not(None))))
    return found


def identities(conn: Connection, ids: Collection[int]) -> dict[int, tuple[str | None, str | None, str | None]]:
    """The buyer's code, partita IVA and codice fiscale of each kept parties id, taken out of
    the JSON by the database: telling whether a document printed another company than this
    copy's customer needs no more, and the 3,500 distinct parties of the orders a day ships at L
    cost 0.22 s of CPU read and parsed whole (`read`)."""
    found: dict[int, tuple[str | None, str | None, str | None]] = {}
    statement = _IDENTITIES[conn.dialect.name == "postgresql"]
    for chunk in in_batches(sorted(set(ids))):
        found.update((i, (code, vat, tax)) for i, code, vat, tax in driver_rows(conn, statement, {"ids": chunk}))
    return found


def _identity_statement(on_postgres: bool) -> Select[Any]:
    document = cast(p.parties, JSON) if on_postgres else type_coerce(p.parties, JSON)
    return select(p.id, *(document["buyer"][key].as_string() for key in ("code", "vat_number", "tax_code"))).where(
        p.id.in_(bindparam("ids", expanding=True)))


_IDENTITIES = {False: _identity_statement(False), True: _identity_statement(True)}


def owner(conn: Connection) -> Seller | None:
    """The seller of the first parties the ledger kept (None: it kept none yet), whose ledger it
    is: written with its first document and never changed, a record of the seller at no cost of
    its own. The first, not the latest: a document another seller slipped in must not make the
    ledger its. One read of the table's first row by its key."""
    stored = conn.execute(select(p.parties).order_by(p.id).limit(1)).scalar()
    return None if stored is None else Parties.from_text(stored).seller


def kept_by_invoices(conn: Connection, invoice_ids: Sequence[int]) -> bool:
    """Whether every one of these invoices kept its parties (none stored before schema 26):
    what a copy of their e-invoices needs of today's *Clienti*."""
    i = schema.invoices
    return not any(conn.execute(select(i.c.id).where(cond, i.c.parties_id.is_(None)).limit(1)).first()
                   for cond in among(conn, i.c.id, invoice_ids))
