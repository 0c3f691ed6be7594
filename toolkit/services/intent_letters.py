"""The ceilings of the customers' letters of intent, as the ledger has used them: what invoicing
keeps within (`toolkit.core.intent_ceiling`), and what order creation and shipping foretell."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from toolkit.basics.problems import Problem
from toolkit.core.intent_ceiling import (
    LETTER_OF_INTENT,
    Ceiling,
    OpenGoods,
    ceilings,
    letter_key,
    letters_with_amount,
    open_under_letters,
    orders_beyond,
    rates_carried,
    unlisted_items,
)
from toolkit.core.invoicing import AtOrder, Shipment, invoices_at_order_within
from toolkit.core.letter_dates import orders_before_letter
from toolkit.ledger.item_rates import rates_delivered
from toolkit.ledger.letters import customers_citing, letters_first_sold, letters_open, letters_used
from toolkit.model.records import MasterData

ZERO = Decimal(0)


def letter_ceilings(conn: Connection, master: MasterData, shipments: Iterable[Shipment] = ()) -> dict[str, Ceiling]:
    """The ceiling of each customer's letter of intent that gives its amount, and what the
    ledger's documents citing it used: one read, and none when no customer has one. With the
    `shipments` to invoice, the rates the ledger's DDTs carried for their N3.5 items no longer
    on *Articoli* (`rates_known`), which lines beyond the ceiling take."""
    letters = letters_with_amount(master)
    if not letters:
        return {}
    citing = {*letters, *customers_citing(conn, set(letters.values()))}
    sold = ((line[0], s.day) for s in shipments if s.customer in letters
            for line in s.lines if line[7] == LETTER_OF_INTENT)
    return ceilings(master, letters_used(conn, citing), letters_first_sold(conn, citing),
                    rates_known(conn, master, sold))


def letter_rates(conn: Connection, master: MasterData, shipments: Iterable[Shipment]) -> dict[tuple[str, date], Decimal]:
    """(item, day) → the rate the ledger's DDTs carried for the N3.5 items no longer on *Articoli*
    of the lines to invoice of customers whose letter has a date and no amount, hence no
    `Ceiling` to carry them (`letter_ceilings`): a line sold before the letter takes its item's
    VAT (`core.letter_dates`) whether or not the letter gives an amount. Nothing is read when
    no such customer has such a line."""
    with_amount = letters_with_amount(master)
    dated = {c.code for c in master.customers if c.intent_date is not None and c.code not in with_amount}
    if not dated:
        return {}
    return rates_known(conn, master, ((line[0], s.day) for s in shipments if s.customer in dated
                                      for line in s.lines if line[7] == LETTER_OF_INTENT))


def at_order_within_letters(conn: Connection, master: MasterData, shipments: Sequence[Shipment], day: date) -> AtOrder:
    """The invoices at the order of `shipments`, dated `day` (`invoices_at_order_within`), within
    the customers' letters of intent as the ledger has used them (`letter_ceilings`), at the
    rates it knows for items gone from *Articoli* (`letter_rates`)."""
    return invoices_at_order_within(master, shipments, day, letter_ceilings(conn, master, shipments),
                                    letter_rates(conn, master, shipments))


def rates_known(conn: Connection, master: MasterData, sold: Iterable[tuple[str, date]]
                ) -> dict[tuple[str, date], Decimal]:
    """(item, day) → the rate the ledger's DDTs tell for each item of `sold` no longer on
    *Articoli* (`rates_carried`): nothing is read when *Articoli* lists them all."""
    wanted = unlisted_items(master, sold)
    if not wanted:
        return {}
    return rates_carried(rates_delivered(conn, {item for item, _ in wanted}, max(day for _, day in wanted)), wanted)


def letter_year(conn: Connection, customer: str, protocol: str) -> int | None:
    """The solar year letter `protocol` covers, that of its first sale invoiced to
    `customer` or to the codes its documents were issued to; None before it has one."""
    return letters_first_sold(conn, {customer, *customers_citing(conn, {protocol})}).get(letter_key(protocol))


def open_orders_beyond(conn: Connection, master: MasterData, customers: Collection[str],
                       ordering: Mapping[str, Decimal] | None = None, day: date | None = None) -> list[Problem]:
    """A warning for each of `customers` with a letter's ceiling whose open goods under it
    (`open_under_letters`, and `ordering`, the orders about to be made, `letter_amount`) with what
    invoices used of the letter pass its amount: the desk asks for a new letter before month end
    invoices the excess with VAT. Nothing is read for a day without such customers, so the
    day's shipping and order creation ask nothing more of the ledger. On a `day` past the year
    a letter covers, its customer's open orders are told whatever is left. A letter two
    *Clienti* rows share is used by the invoices and open orders of both, and by those of the
    codes its documents were issued to (`customers_citing`); the warning names the other row.
    On a `day` before a customer's letter's date, its orders are told to carry VAT if they leave
    before it (`orders_before_letter`), from the master alone; its DDTs of before the letter's
    date, which invoicing charges VAT (`core.letter_dates`), are not counted under it, nor its
    orders that leave before it (`_outside_letter`), those made on such a `day` among them, nor
    those that leave from the letter's revocation on. On a day
    past the letter's year, its DDTs of that year still to invoice stay under it: told against
    what it left, not as past its year."""
    early = orders_before_letter(master, customers, day)
    every = letters_with_amount(master)
    every = {code: letter_key(protocol) for code, protocol in every.items()}
    letters = {code: protocol for code, protocol in every.items() if code in customers}
    if not letters:
        return early
    sharing = [code for code, protocol in every.items() if protocol in letters.values()]
    citing = {*sharing, *customers_citing(conn, set(letters.values()))}
    dated = {c.code: c.intent_date for c in master.customers if c.intent_date is not None}
    revoked = {c.code: c.intent_revoked for c in master.customers if c.intent_revoked is not None}
    goods = [x for x in letters_open(conn, sharing)
             if not _outside_letter(x, dated.get(x.customer), revoked.get(x.customer), day)]
    found = open_under_letters(master, goods, day)
    ordering = {code: amount for code, amount in (ordering or {}).items()
                if day is None or ((code not in dated or day >= dated[code])
                                   and (code not in revoked or day < revoked[code]))}
    each = {code: found.get(code, ZERO) + ordering.get(code, ZERO) for code in sharing}
    open_amounts = {code: sum((each[c] for c in sharing if every[c] == protocol), ZERO)
                    for code, protocol in letters.items()}
    shared = {code: tuple(sorted(c for c in sharing if every[c] == protocol and c != code))
              for code, protocol in letters.items()}
    mine = {code: c for code, c in ceilings(master, letters_used(conn, citing),
                                            letters_first_sold(conn, citing) if day else None).items()
            if code in letters}
    years = {every[code]: x.year for code, x in mine.items() if x.year is not None}
    later = open_under_letters(master, [x for x in goods if not x.shipped or x.day is None
                                        or x.day.year > years.get(every[x.customer], x.day.year)], day)
    each = {code: later.get(code, ZERO) + ordering.get(code, ZERO) for code in sharing}
    late = {code: sum((each[c] for c in sharing if every[c] == protocol), ZERO) for code, protocol in letters.items()}
    return early + orders_beyond(master, mine, open_amounts, day, shared, late)


def _outside_letter(goods: OpenGoods, letter: date | None, revoked: date | None, day: date | None) -> bool:
    """Whether open `goods` leave outside their customer's letter, which invoicing charges VAT
    (`core.letter_dates`): before its date `letter` (a DDT dated before it, or goods to ship whose
    order's date and the check's `day` both precede it: they cannot leave before either), or on
    or after the day it is `revoked` from (a DDT of that day or later, or goods to ship on such
    a `day` or ordered for one: they cannot leave earlier)."""
    if goods.day is None:
        return False
    leaves = goods.day if goods.shipped or day is None else max(goods.day, day)
    return (letter is not None and leaves < letter) or (revoked is not None and leaves >= revoked)
