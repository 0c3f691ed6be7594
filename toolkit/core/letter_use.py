"""What each letter of intent used of its ceiling (*plafond*), from the N3.5 lines of the
documents citing it: which letter each line uses, or gives back to.

An invoice's line uses the letter its document cites (its kept buyer, `Buyer.intent_protocol`),
and a credit note's line gives back to the letter its note cites, that of the invoices it
corrects (`toolkit.core.credit_notes.as_corrected`). A note correcting invoices of several
letters cites none of them alone: each of its lines gives back to the letter of the invoice
line it takes back (`credits`). A return's line, which cites no invoice line, gives back to the
letter of each invoice line it takes goods back from, by the amount taken back of it (`Taken`),
whatever its note cites: the letter's use is restored by the notes correcting the operations
it covered, so goods no invoice under the letter sold (never invoiced, or sold before the
ledger) give nothing back, though credited N3.5 as the customer buys. A return's note stored
before the ledger kept what it took back line by line (schema 29) says only which invoices it
corrected and how much of each (`invoice_citations.base`): its N3.5 lines give back to the
letters of those invoices, as far as each cited invoice's base and N3.5 net go (`Corrected`).
The ledger reads the lines (`toolkit.ledger.letters`); the rule is here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from toolkit.core.credit_notes import Unrecorded, taken_unrecorded
from toolkit.core.intent_ceiling import LETTER_OF_INTENT


@dataclass(frozen=True, slots=True)
class LetterLine:
    """An N3.5 line of an invoice or credit note, with the letter its document cites."""

    id: int
    amount: Decimal
    """Net; negative on a credit note."""
    credits: int | None
    """The invoice line a credit note's line takes back (`credits_line_id`); None on a return's line."""
    protocol: str | None
    """The one letter its document cites; None when it cites none, or several."""
    several: bool = False
    """Its document (a credit note) cites the letters of invoices of several letters."""
    returned: bool = False
    """A return's line: it gives back what it took back of invoice lines (`Taken`), not its amount."""


@dataclass(frozen=True, slots=True)
class Taken:
    """What a return's line of a note of several letters took back of one invoice line (`schema.returned_lines`)."""

    credit_line: int
    invoice_line: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Corrected:
    """An invoice a return's note of before schema 29 cites (none of its lines recorded what it
    took back): its letter, the invoice (`invoice`), what the note took back of it
    (`invoice_citations.base`, every rate), and the invoice's N3.5 net of what the notes recording
    it took back (a later return found its lines still to credit and took them again), the most
    of it the letter has still to give back."""

    letter: str | None
    invoice: int
    base: Decimal
    within: Decimal


def given_back_unrecorded(notes: Iterable[tuple[Decimal, Sequence[Corrected]]]) -> dict[str, Decimal]:
    """Protocol → what (negative) the N3.5 lines of the return's notes of before schema 29, each
    netting `credited` (negative) and citing `corrected` (latest first, as returns take goods
    back), give back to the letters of the invoices they cite: to each as far as the note's base
    on it and what is left of its N3.5 net once the notes before gave theirs back, never more
    than the note credited N3.5: what such a note took back of an invoice is the returns' rule
    (`credit_notes.taken_unrecorded`), which a later return leaves alone too. An invoice of no
    letter the ledger knows (kept before its parties) takes its share all the same: its N3.5
    used no letter, so that share gives none back. The register counts the notes' N3.5 lines;
    the letter counts those that corrected its invoices, which the citations tell. Those notes
    recorded nothing, so a return before this rule found the same invoice lines still to credit,
    and cited them again.

    >>> from decimal import Decimal as D
    >>> given_back_unrecorded([(D(-37), [Corrected("A", 1, D("55.50"), D(74))])])
    {'A': Decimal('-37')}
    >>> given_back_unrecorded([(D(-50), [Corrected("A", 1, D(20), D(74)), Corrected(None, 2, D(10), D(0)),
    ...                                   Corrected("B", 3, D(40), D(15))])])
    {'A': Decimal('-20'), 'B': Decimal('-15')}
    >>> given_back_unrecorded([(D(-74), [Corrected("A", 1, D(74), D(74))])] * 2)
    {'A': Decimal('-74')}
    """
    notes = list(notes)
    letter = {c.invoice: c.letter for _, corrected in notes for c in corrected}
    taken = taken_unrecorded([Unrecorded({LETTER_OF_INTENT: credited}, [(c.invoice, c.base) for c in corrected])
                              for credited, corrected in notes],
                             {(c.invoice, LETTER_OF_INTENT): c.within for _, corrected in notes for c in corrected})
    found: dict[str, Decimal] = {}
    for (invoice, _), part in taken.items():
        if protocol := letter[invoice]:
            found[protocol] = found.get(protocol, Decimal(0)) - part
    return found


def traced(lines: Iterable[LetterLine]) -> list[LetterLine]:
    """The lines whose letter is that of the invoice lines they take back: those of a note of several letters."""
    return [x for x in lines if x.protocol is None and x.several]


def letters_used(lines: Sequence[LetterLine], taken: Iterable[Taken] = (),
                 sold: Mapping[int, str | None] | None = None,
                 unrecorded: Iterable[tuple[Decimal, Sequence[Corrected]]] = ()) -> dict[str, Decimal]:
    """Protocol → the net of `lines` using it, invoices less credit notes: each line its
    document's letter, a `traced` line the letter of the invoice line it credits, a return's
    line that of each invoice line it took goods back from (`taken`), nothing for the rest of
    it; `sold` is the letter of the invoice lines they cite that are not among `lines`;
    `unrecorded`, the return's notes of before schema 29, in the order they were issued
    (`given_back_unrecorded`).

    >>> from decimal import Decimal as D
    >>> sold = [LetterLine(1, D(100), None, "A"), LetterLine(2, D(50), None, "B")]
    >>> note = [LetterLine(3, D(-30), 1, None, True), LetterLine(4, D(-20), None, None, True, True)]
    >>> letters_used(sold + note, [Taken(4, 2, D(-20))])
    {'A': Decimal('70'), 'B': Decimal('30')}
    >>> letters_used(sold + [LetterLine(5, D(-35), None, "A", returned=True)], [Taken(5, 1, D(-25))])
    {'A': Decimal('75'), 'B': Decimal('50')}
    """
    letter = {**(sold or {}), **{x.id: x.protocol for x in lines}}
    used: dict[str, Decimal] = defaultdict(Decimal)
    for x in lines:
        if x.protocol and not x.returned:
            used[x.protocol] += x.amount
    for x in traced(lines):
        protocol = letter.get(x.credits) if x.credits is not None else None
        if protocol:
            used[protocol] += x.amount
    returns = {x.id for x in lines if x.returned}
    for t in taken:
        protocol = letter.get(t.invoice_line) if t.credit_line in returns else None
        if protocol:
            used[protocol] += t.amount
    for protocol, amount in given_back_unrecorded(unrecorded).items():
        used[protocol] += amount
    return dict(used)
