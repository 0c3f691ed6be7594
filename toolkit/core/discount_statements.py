"""A volume discount's statement as issued: what its workbook printed, kept with its settlement.

`toolkit discounts settle` writes each settlement's statement once, from the master of that day:
the discount's brackets, basis and mode from *Sconti volume*, the customer's name from
*Clienti*, the seller from *Impostazioni*, and the documents counted with what credit notes had
taken back of them by then. Every one of those may change after the period is settled, so the
statement is made into a `DiscountStatement` first, the ledger keeps it as JSON with the
settlement (`volume_settlements.statement`, schema 40), and `discounts settle --reprint` writes
it again from there, cell for cell as first printed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from toolkit.basics.vocab import BracketBasis, BracketMode
from toolkit.core.invoicing import InvoiceKind
from toolkit.core.kept import kept_decimal, kept_text
from toolkit.core.volume_discounts import Settlement
from toolkit.model.parties import Seller

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class CountedRow:
    """A document the discount counted, as the statement listed it."""

    number: str | None
    day: date
    credit_note: bool
    base: Decimal
    quantity: Decimal
    credited: Decimal


@dataclass(frozen=True, slots=True)
class BracketRow:
    """A bracket of the discount, with what fell in it and what it gave (None: nothing)."""

    threshold: Decimal
    percent: Decimal
    measure: Decimal | None
    given: Decimal | None


@dataclass(frozen=True, slots=True)
class DiscountStatement:
    """Everything a settlement's statement prints."""

    discount: str
    period: str
    customer: str
    customer_name: str
    seller: Seller
    basis: BracketBasis
    mode: BracketMode
    reached: tuple[Decimal, Decimal] | None
    """The bracket reached: its threshold and percent."""
    counted: tuple[CountedRow, ...]
    base: Decimal
    quantity: Decimal
    credited: Decimal
    brackets: tuple[BracketRow, ...]
    amount: Decimal
    credit_note: tuple[str | None, date] | None
    """The credit note's number and date."""
    lang: str | None = None
    """The language it was printed in when settled: its reprint speaks it, the words the
    customer was handed, whatever *Lingua* says since. None in a statement kept before it was
    kept (its reprint then speaks the run's)."""

    def text(self) -> str:
        """The JSON the ledger keeps: decimals as their text, so each reads back as it was."""
        return kept_text(self)

    @classmethod
    def from_text(cls, stored: str) -> DiscountStatement:
        found = json.loads(stored)
        reached, note = found["reached"], found["credit_note"]
        return cls(
            found["discount"], found["period"], found["customer"], found["customer_name"],
            Seller(**found["seller"]), BracketBasis(found["basis"]), BracketMode(found["mode"]),
            (Decimal(reached[0]), Decimal(reached[1])) if reached else None,
            tuple(CountedRow(r["number"], date.fromisoformat(r["day"]), r["credit_note"], Decimal(r["base"]),
                             Decimal(r["quantity"]), Decimal(r["credited"])) for r in found["counted"]),
            Decimal(found["base"]), Decimal(found["quantity"]), Decimal(found["credited"]),
            tuple(BracketRow(Decimal(b["threshold"]), Decimal(b["percent"]), kept_decimal(b["measure"]),
                             kept_decimal(b["given"])) for b in found["brackets"]),
            Decimal(found["amount"]), (note[0], date.fromisoformat(note[1])) if note else None, found.get("lang"))


def statement_of(s: Settlement, customer_name: str, seller: Seller, lang: str) -> DiscountStatement:
    """The statement of a settlement just issued, its customer named and its seller as today, in `lang`."""
    given = {(x.bracket.threshold, x.bracket.percent): x for x in s.shares}
    brackets = []
    for bracket in s.discount.brackets:
        share = given.get((bracket.threshold, bracket.percent))
        brackets.append(BracketRow(bracket.threshold, bracket.percent, share.measure if share else None,
                                   share.amount.quantize(CENT) if share else None))
    note = s.credit_note
    return DiscountStatement(
        s.discount.code, s.period.name, s.customer, customer_name, seller, s.discount.basis, s.discount.mode,
        (s.reached.threshold, s.reached.percent) if s.reached else None,
        tuple(CountedRow(c.invoice.number, c.invoice.invoice_date, c.invoice.kind is InvoiceKind.CREDIT_NOTE,
                         c.base, c.quantity, c.credited) for c in s.counted),
        s.base, s.quantity, s.credited, tuple(brackets), s.amount,
        (note.number, note.invoice_date) if note is not None else None, lang)
