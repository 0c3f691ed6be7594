"""Documents made for another company than this copy's customer of their code.

On a team ledger each assistant keeps a copy of the workbook, and two copies can each add a
customer under the same new code (C031), two companies. An order keeps the customer it printed
(`issued_parties`); a copy whose customer of that code has another partita IVA or codice fiscale
(`toolkit.model.parties.another_company`) must not ship it, nor invoice what shipped, to its own.
A company that moved keeps its identity: its new address is the one to ship to.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

from sqlalchemy import Connection

from toolkit.ledger import parties
from toolkit.model.parties import Buyer, Parties, PartyBook, another_company, identified_apart, party_book
from toolkit.model.records import MasterData

K = TypeVar("K", bound=Hashable)


def other_companies(conn: Connection, master: MasterData, printed: Mapping[K, int]) -> dict[K, tuple[Buyer, Buyer]]:
    """By key, the customer the document printed and this copy's customer of its code, for the
    documents (keyed as in `printed`, each with the id of the parties it kept) made for another
    company. Each distinct parties id is compared once, by the buyer's code and identity the
    database takes out of it (`parties.identities`); only those that differ are read whole."""
    book = party_book(master)
    suspect = [kept for kept, (code, vat, tax) in parties.identities(conn, set(printed.values())).items()
               if code is not None and (now := book.buyer(code)) is not None
               and identified_apart(vat, tax, now)]
    if not suspect:
        return {}
    differ = {kept: both for kept, printed in parties.read(conn, suspect).items()
              if (both := apart(printed, book)) is not None}
    return {key: differ[kept] for key, kept in printed.items() if kept in differ}


def apart(printed: Parties | None, book: PartyBook) -> tuple[Buyer, Buyer] | None:
    """The customer a document printed (in the parties it kept) and this copy's customer of its
    code, when they are two companies; None otherwise (the same company, a code this copy does not
    have, or a document that kept no parties or no buyer)."""
    buyer = printed.buyer if printed is not None else None
    if buyer is None:
        return None
    now = book.buyer(buyer.code)
    return (buyer, now) if now is not None and another_company(buyer, now) else None
