"""The parties an issued document names, as it named them: kept with the document for ever.

An invoice, a credit note or a DDT is a legal document: printed again, exported to the
accountants or written as a FatturaPA file, it must say what it said when it was issued, even
after the customer changed name, moved, or the seller's settings changed. So the ledger keeps,
with each one, the `Parties` it printed (`toolkit.ledger.parties`), and every later printing
reads them from there. Documents stored before the ledger kept them have none; for those the
master data of today stands in (`PartyBook.parties`), as it always did.

Each record holds only what a document prints of its party, under the names the master records
use (`Customer`, `ShipTo`, `Carrier`, `Contact`, `Settings`), so the writers read either alike.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from toolkit.basics.tax_regimes import ORDINARY
from toolkit.basics.vocab import InvoiceGrouping, Liquidation, PaymentMethod
from toolkit.model.memo import per_master
from toolkit.model.records import Customer, MasterData, Settings

P = TypeVar("P")


@dataclass(frozen=True, slots=True, kw_only=True)
class Seller:
    """The seller (cedente) as the document's header printed it: *Impostazioni*'s company data."""

    company_name: str
    vat_number: str
    tax_code: str | None = None
    address: str
    postcode: str
    city: str
    province: str | None = None
    country: str = "IT"
    iban: str | None = None
    tax_regime: str = ORDINARY
    """RegimeFiscale the document was issued under; parties stored before it was kept read RF01,
    the only regime the toolkit declared then."""
    rea_office: str | None = None
    """The company's REA registration (IscrizioneREA: *Impostazioni › Ufficio REA* and the rows
    after it), None for a seller that gives none; the capital as its decimal text (JSON)."""
    rea_number: str | None = None
    share_capital: str | None = None
    paid_in_capital: str | None = None
    """The capital paid in (*Capitale versato*; the whole capital, *i.v.*, when that cell is
    empty), printed beside the capital (art. 2250 c.c.); None on a document kept before it was,
    which said nothing of it (*Capitale sociale 10.000,00 €*) and reprints so, never with an
    *i.v.* it did not print."""
    shareholders: str | None = None
    liquidation: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Buyer:
    """The customer (cessionario) as the document printed it, with where its e-invoice goes."""

    code: str
    name: str
    vat_number: str | None = None
    tax_code: str | None = None
    address: str
    postcode: str | None = None
    city: str
    province: str | None = None
    country: str = "IT"
    sdi_code: str | None = None
    pec: str | None = None
    split_payment: bool = False
    """Split payment (art. 17-ter DPR 633/72) as the invoice bore it (`Customer.splits_payment`)."""
    cig: str | None = None
    """The public contract's CIG the invoice cited; parties stored before there was one read None."""
    cup: str | None = None
    """The public work's CUP the invoice cited."""
    intent_protocol: str | None = None
    """The protocol of the customer's letter of intent (dichiarazione d'intento) its N3.5 invoices cite."""
    intent_date: str | None = None
    """That protocol's date, ISO (`2026-01-15`): the ledger keeps the parties as JSON."""
    intent_letters: tuple[tuple[str, str | None], ...] | None = None
    """A credit note's buyer only: the letters (protocol, ISO date) of the invoices it corrects
    when these were issued under more than one (`as_corrected`), which its print names each as
    its e-invoice cites each; the one letter of them all is `intent_protocol`."""
    payment_method: str | None = None
    """How the customer paid by *Clienti* when the document was issued (`PaymentMethod`'s
    value): a DDT printed again collects the cash on delivery its first printing asked, not
    what the customer's record says since. None: parties an earlier toolkit kept, or not a customer's."""
    invoice_grouping: str | None = None
    """The customer's *Raggruppamento fatture* then (`InvoiceGrouping`'s value): which of a
    day's DDTs share one due, and so what each DDT's cash box asks."""


def another_company(printed: Buyer, now: Buyer | None) -> bool:
    """Whether the customer a document printed (`printed`) and the one this copy of the workbook
    has under the same code (`now`) are two companies: their partita IVA, or their codice fiscale,
    both given and different, and their names different too. Two assistants' copies can each add a
    C031 of their own; a company that moved keeps its partita IVA, and its new address is the one
    to ship to; a partita IVA mistyped and corrected keeps the name, and the corrected one is what
    the invoice must carry. A code no longer in this copy is no other company
    (`ship-customer-not-in-workbook` holds its orders).

    >>> old = Buyer(code="C031", name="Pasticceria Nuova S.r.l.", vat_number="04567890126", address="Via Po 1",
    ...             city="Milano")
    >>> another_company(old, Buyer(code="C031", name="Ristorante Diverso S.r.l.", vat_number="76543210017",
    ...                            address="Via Roma 2", city="Torino"))
    True
    >>> another_company(old, Buyer(code="C031", name="Pasticceria Nuova S.r.l.", vat_number="04567890126",
    ...                            address="Via Dante 9", city="Monza"))
    False
    >>> another_company(old, Buyer(code="C031", name="Pasticceria  nuova S.r.l.", vat_number="04567890127",
    ...                            address="Via Po 1", city="Milano"))
    False
    """
    return (now is not None and identified_apart(printed.vat_number, printed.tax_code, now)
            and _folded(printed.name) != _folded(now.name))


def _folded(name: str) -> str:
    """A name as two spellings of one company compare: case and runs of spaces aside."""
    return " ".join(name.split()).casefold()


def identified_apart(vat_number: str | None, tax_code: str | None, now: Buyer) -> bool:
    """Whether a partita IVA and codice fiscale a document printed (`another_company`) are not
    those of `now`: one of them given on both sides and different."""
    return _differ(vat_number, now.vat_number) or _differ(tax_code, now.tax_code)


def _differ(printed: str | None, now: str | None) -> bool:
    """Both given and not the same code, blanks around it and capitals aside."""
    return bool(printed and now and printed != now and printed.strip().upper() != now.strip().upper())


def company(buyer: Buyer) -> str:
    """A customer as a message names it beside another of its code: its name and town."""
    return f"{buyer.name}, {buyer.city}"


def identity(buyer: Buyer) -> str:
    """A customer's partita IVA and codice fiscale, those it has, as a message names them."""
    return " / ".join(part for part in (buyer.vat_number, buyer.tax_code) if part)


@dataclass(frozen=True, slots=True, kw_only=True)
class Destination:
    """The shipping address (destinazione) the document printed."""

    code: str
    name: str | None = None
    address: str
    postcode: str | None = None
    city: str
    province: str | None = None
    country: str = "IT"


@dataclass(frozen=True, slots=True, kw_only=True)
class Haulier:
    """The carrier (vettore) a DDT printed."""

    code: str
    name: str
    vat_number: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """The contact person (persona di contatto) an order printed: its *Contatti* row then."""

    code: str
    name: str
    phone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Parties:
    """Everyone an issued document names. `buyer` is None only for a document of an old ledger
    whose customer is no longer in the master data. `contact` is an order's alone (*Contatto*);
    parties kept before it was, and every DDT's and invoice's, have None."""

    seller: Seller
    buyer: Buyer | None
    destination: Destination | None = None
    carrier: Haulier | None = None
    contact: Person | None = None

    def text(self, spell: Callable[[object], str] | None = None) -> str:
        """The JSON the ledger keeps: keys sorted, no spaces, so equal parties give equal text.
        It is put together a part at a time, each part's JSON `part_text` of it or `spell`'s (a
        memo of it: a day's thousands of documents name one seller and a few thousand buyers,
        and spelling the whole set again for each was most of keeping their parties); the same
        text as the whole set's `json.dumps`, which `tests/test_issued_parties.py` holds.

        >>> Parties(seller=_SELLER, buyer=None).text()[:40]
        '{"buyer":null,"carrier":null,"destinatio'
        """
        spelled = spell or part_text
        return "{" + ",".join(f'"{name}":{"null" if part is None else spelled(part)}'
                              for name, part in ((name, getattr(self, name)) for name in _SORTED)
                              if part is not None or name != "contact") + "}"

    @classmethod
    def from_text(cls, stored: str) -> Parties:
        """The parties from the ledger's JSON; a key a later version added is left to its default.

        >>> Parties.from_text(Parties(seller=_SELLER, buyer=None).text()) == Parties(seller=_SELLER, buyer=None)
        True
        """
        found = json.loads(stored)
        return cls(seller=_made(Seller, found["seller"]), buyer=_buyer(found.get("buyer")),
                   destination=_made(Destination, found.get("destination")),
                   carrier=_made(Haulier, found.get("carrier")), contact=_made(Person, found.get("contact")))


def _buyer(found: dict[str, Any] | None) -> Buyer | None:
    if found and found.get("intent_letters"):
        found["intent_letters"] = tuple(tuple(letter) for letter in found["intent_letters"])
    made: Buyer | None = _made(Buyer, found)
    return made


_ADDED_LATER = ("intent_protocol", "intent_date", "intent_letters", "payment_method", "invoice_grouping")
"""Buyer fields a later version added, left out of the JSON while empty: the parties of a customer
without a letter of intent keep the text, and so the digest, the ledger already holds."""


_SELLER_ADDED_LATER = ("rea_office", "rea_number", "share_capital", "paid_in_capital", "shareholders", "liquidation")
"""Seller fields a later version added, left out while empty, as `_ADDED_LATER`."""


def part_text(part: object) -> str:
    """One part of `Parties` (a `Seller`, `Buyer`, `Destination`, `Haulier` or `Person`) as
    `Parties.text` spells it: its fields by name, keys sorted, no spaces, a field a later version
    added left out while empty (`_ADDED_LATER`, `_SELLER_ADDED_LATER`).

    >>> part_text(Haulier(code="V1", name="Rapido"))
    '{"code":"V1","name":"Rapido","vat_number":null}'
    """
    values = _values(part) or {}
    for name in _EMPTY_LEFT_OUT.get(type(part), ()):
        if values[name] is None:
            del values[name]
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_SELLER = Seller(company_name="Forniture Rossi S.r.l.", vat_number="01234560157", address="Via Roma 10",
                 postcode="20121", city="Milano")


def _names(kind: type) -> tuple[str, ...]:
    """A record's field names, read once per class."""
    names: tuple[str, ...] | None = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


_NAMES: dict[type, tuple[str, ...]] = {}
_SORTED = tuple(sorted(_names(Parties)))
"""The parts of `Parties` in the order the ledger's JSON gives them."""
_EMPTY_LEFT_OUT: dict[type, tuple[str, ...]] = {Buyer: _ADDED_LATER, Seller: _SELLER_ADDED_LATER}


def _values(part: object) -> dict[str, Any] | None:
    """A part's fields by name (`dataclasses.asdict` copies deeply: five times slower)."""
    return None if part is None else {name: getattr(part, name) for name in _names(type(part))}


def _made(kind: type[P], values: dict[str, Any] | None) -> Any:
    if values is None:
        return None
    names = _names(kind)
    return kind(**{k: v for k, v in values.items() if k in names})


def _copied(kind: type[P], record: object) -> P:
    """The fields of `kind` read from a master record of the same field names."""
    return kind(**{name: getattr(record, name) for name in _names(kind)})


class PartyBook:
    """The master data's parties by code, each snapshot made once: a day's 3,000 DDTs for the
    same few hundred customers share their records (and the ledger stores each once)."""

    def __init__(self, master: MasterData) -> None:
        self.seller = seller_of(master.settings)
        self._customers = {c.code: c for c in master.customers}
        self._ship_to = {s.code: s for s in master.ship_to}
        self._carriers = {c.code: c for c in master.carriers}
        self._contacts = {c.code: c for c in master.contacts}
        self._made: dict[tuple[str, str | None, str | None, str | None], Parties] = {}
        self._buyers: dict[str, Buyer | None] = {}
        self._parts: dict[tuple[type, str], Any] = {}

    def parties(self, customer: str, ship_to: str | None = None, carrier: str | None = None,
                contact: str | None = None) -> Parties:
        """The parties a document of this customer, destination and carrier, and an order of
        this contact person, prints today."""
        key = (customer, ship_to, carrier, contact)
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = Parties(
                seller=self.seller, buyer=self._buyer(customer), destination=self._destination(ship_to),
                carrier=self._haulier(carrier), contact=self._person(contact))
        return made

    def buyer(self, customer: str) -> Buyer | None:
        """The customer as documents print it today (None: a code the master does not list)."""
        return self._buyers[customer] if customer in self._buyers else self._buyer(customer)

    def payment_method(self, customer: str) -> PaymentMethod | None:
        """How the customer pays by the master today (None: a customer it no longer lists): what
        a DDT of an order with no method of its own collects, as invoicing will charge it."""
        found: Customer | None = self._customers.get(customer)
        return found.payment_method if found else None

    def invoice_grouping(self, customer: str) -> InvoiceGrouping | None:
        """How the customer's invoices are grouped by the master today (None: no longer listed)."""
        found: Customer | None = self._customers.get(customer)
        return found.invoice_grouping if found else None

    def _buyer(self, code: str) -> Buyer | None:
        """The customer as a buyer, one object per customer whatever its destination and carrier."""
        if code in self._buyers:
            return self._buyers[code]
        found: Customer | None = self._customers.get(code)
        made = self._buyers[code] = Buyer(
            **{name: getattr(found, name) for name in _BUYER_COPIED}, split_payment=found.splits_payment,
            intent_date=found.intent_date.isoformat() if found.intent_date else None,
            payment_method=found.payment_method.value, invoice_grouping=found.invoice_grouping.value) if found else None
        return made

    def _destination(self, code: str | None) -> Destination | None:
        return self._part(Destination, self._ship_to, code)

    def _person(self, code: str | None) -> Person | None:
        return self._part(Person, self._contacts, code)

    def _haulier(self, code: str | None) -> Haulier | None:
        return self._part(Haulier, self._carriers, code)

    def _part(self, kind: type[P], records: Mapping[str, Any], code: str | None) -> P | None:
        """The master record of this code as a part of `kind`, one object per kind and code, as
        the buyers are: a destination or carrier named by many documents is spelled once
        (`toolkit.ledger.parties`)."""
        if not code:
            return None
        key = (kind, code)
        if key not in self._parts:
            found = records.get(code)
            self._parts[key] = _copied(kind, found) if found else None
        made: P | None = self._parts[key]
        return made


_BUYER_COPIED = tuple(name for name in _names(Buyer) if name not in (
    "split_payment", "intent_date", "intent_letters", "payment_method", "invoice_grouping"))
"""The fields of a `Buyer` read from its customer as they are (split payment is the customer's
`splits_payment`, which reads the SDI code when the column is empty)."""


@per_master
def party_book(master: MasterData) -> PartyBook:
    """The master's `PartyBook`, made once per master."""
    return PartyBook(master)


def seller_of(settings: Settings) -> Seller:
    """The seller as the settings say it today: its REA registration only when it gives its
    office and number (the data check refuses one without the other), the capital and the part
    of it paid in as text, the whole capital when *Capitale versato* is empty."""
    copied = {name: getattr(settings, name) for name in _names(Seller) if name not in _SELLER_ADDED_LATER}
    if settings.rea_office and settings.rea_number:
        capital, paid = settings.share_capital, settings.paid_in_capital
        copied.update(rea_office=settings.rea_office, rea_number=settings.rea_number,
                      share_capital=None if capital is None else f"{capital:.2f}",
                      paid_in_capital=None if capital is None else f"{capital if paid is None else min(paid, capital):.2f}",
                      shareholders=settings.shareholders.value if settings.shareholders else None,
                      liquidation=(settings.liquidation or Liquidation.NOT).value)
    return Seller(**copied)
