"""Payments (incassi) and payment monitoring (monitoraggio pagamenti), from the Openbravo seed.

Monitoring answers, per issued invoice: is it paid in full, how much was collected, how much
is outstanding, when is the next due date (scadenza) and what is due then, how many days
until it (negative: days since), and on which day the status was computed. Payments settle
the dues oldest first, so a partial payment moves the next due date only once a due is
covered in full.

A credit note that cites an invoice (its lines taking back the invoice's, `invoice credit`, or
a return taking back the goods the invoice sold) settles that invoice for what it takes back,
with its VAT, from the note's date (`settled_by_note`): the invoice is no longer outstanding
for that part, and the note no longer an open credit for it. Never beyond what is open of
either: what the customer already paid of the invoice, or was refunded of the note, leaves
the rest an open credit of the note, as before. A customer's balance is the same either way;
only where the credit shows moves. A credit note citing no invoice stays an open credit of
its own.

Payments come from a command or from a sheet or CSV the bank or the accountant exports
(`toolkit.intake.payments_sheet` reads those).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import TypeVar

from toolkit.basics.cells import Location
from toolkit.basics.labels import define
from toolkit.basics.vocab import PaymentMethod
from toolkit.core.vat import totals, vat_summary

ZERO = Decimal(0)
T = TypeVar("T")

define({
    "pay.refunded_beyond": ("Rimborsata oltre il totale", "Refunded beyond its total"),
    "pay.entry_payment": ("Incasso", "Payment"),
    "pay.entry_refund": ("Rimborso", "Refund"),
    "pay.entry_void": ("Annullo", "Void"),
    "pay.entry_payment_voided": ("Incasso annullato", "Payment voided"),
    "pay.entry_refund_voided": ("Rimborso annullato", "Refund voided"),
})

class Show(StrEnum):
    """The monitoring filter: every invoice, or only those paid (or not) in full."""

    ALL = "all"
    PAID = "paid"
    UNPAID = "unpaid"


@dataclass(frozen=True, slots=True)
class PaymentEntry:
    """A payment as the user gives it, before the ledger finds its invoice."""

    invoice: str
    payment_date: date
    amount: Decimal
    method: PaymentMethod | None = None
    reference: str | None = None
    location: Location | None = None
    """The row of the imported sheet, for problems."""


@dataclass(frozen=True, slots=True)
class Collected:
    """A payment recorded on an invoice."""

    payment_date: date
    amount: Decimal
    method: str | None = None
    reference: str | None = None
    reverses: bool = False
    """The reversal of a payment voided (`payments void`): the opposite amount."""
    voided: bool = False
    """A payment a later reversal voids."""

    @property
    def entry(self) -> str:
        """The label key of what the row is, for the accountant reading bare amounts: a
        negative one is a refund of a credit note or the void of a payment, a positive one a
        payment or the void of a refund."""
        if self.reverses:
            return "pay.entry_void"
        refund = self.amount < 0
        if self.voided:
            return "pay.entry_refund_voided" if refund else "pay.entry_payment_voided"
        return "pay.entry_refund" if refund else "pay.entry_payment"


@dataclass(frozen=True, slots=True)
class Receivable:
    """An issued invoice as monitoring sees it: its total, dues and payments."""

    invoice_id: int
    number: str
    kind: str
    invoice_date: date
    customer: str
    total: Decimal
    payment_method: str
    dues: tuple[tuple[date, Decimal], ...]
    payments: tuple[Collected, ...]
    credits: tuple[tuple[date, Decimal], ...] = ()
    """What credit notes citing the invoice settle of it, on each note's date, signed as a
    payment on it: positive on an invoice, negative on the note itself (`settled_by_note`)."""


@dataclass(frozen=True, slots=True)
class PaymentStatus:
    number: str
    kind: str
    invoice_date: date
    customer: str
    payment_method: str
    total: Decimal
    collected: Decimal
    outstanding: Decimal
    paid: bool
    next_due: date | None
    next_due_amount: Decimal | None
    """What is still due on `next_due` after the payments so far."""
    days_to_due: int | None
    """Days from `as_of` to `next_due`; negative when it is past."""
    last_payment: date | None
    as_of: date
    credited: Decimal = ZERO
    """What credit notes citing the invoice settled of it (on a credit note: of it, on the
    invoices it cites), beside `collected`."""

    @property
    def overdue(self) -> bool:
        return self.days_to_due is not None and self.days_to_due < 0

    @property
    def refunded_beyond(self) -> bool:
        """A credit note refunded beyond its total (*Rimborsata oltre il totale*): not settled,
        the customer owes back what it got beyond, so it stays open (`paid` false, outstanding
        positive) and the aging report counts it as `payments status` does."""
        return self.total < 0 and self.outstanding > 0


def of_kind(found: Sequence[T], is_note: Callable[[T], bool], note: bool) -> list[T]:
    """The documents a typed number names (`found`) of the one kind the verb acts on: a credit
    note (`note`: a refund) or an invoice (a payment, a credit note's invoice), so `7/2026` is
    FT-2026-00007 for a payment though NC-2026-00007 exists too; all of them when none is of
    that kind, for the verb to refuse naming the one found (a payment on a credit note).

    >>> of_kind(["FT-7", "NC-7"], lambda n: n.startswith("NC"), False), of_kind(["NC-7"], lambda n: n.startswith("NC"), False)
    (['FT-7'], ['NC-7'])
    """
    wanted = [x for x in found if is_note(x) == note]
    return wanted or list(found)


def collected_from(invoiced: date, first_due: date | None) -> date:
    """The first day a payment on an invoice is expected: its date, or its first due when that
    comes first. Goods paid cash on delivery fall due on each delivery's day, before the
    month-end invoice dated after them: the driver collects then, by design.

    >>> collected_from(date(2026, 4, 30), date(2026, 4, 2)), collected_from(date(2026, 4, 30), date(2026, 5, 31))
    (datetime.date(2026, 4, 2), datetime.date(2026, 4, 30))
    """
    return min(invoiced, first_due) if first_due else invoiced


def payable(total: Decimal, dues: Iterable[tuple[date, Decimal]]) -> Decimal:
    """What the customer pays of a document: the sum of its dues when it has any, since an
    invoice under split payment (art. 17-ter DPR 633/72) falls due net of the VAT the public
    administration pays the State itself; else (a credit note) its total.

    >>> payable(Decimal("214.94"), [(date(2026, 12, 31), Decimal("176.18"))]), payable(Decimal("-12.20"), [])
    (Decimal('176.18'), Decimal('-12.20'))
    """
    found = [amount for _, amount in dues]
    return sum(found, ZERO) if found else total


def open_dues(dues: Iterable[tuple[date, Decimal]], settled: Decimal) -> list[tuple[date, Decimal]]:
    """What is left of each due (rata) once `settled` (payments and credit notes) covers them
    oldest first, the dues covered in full left out: a partial payment moves the next due date
    only once a due is covered in full, and an invoice of three instalments of which one is
    late is late for that one only.

    >>> open_dues([(date(2026, 6, 29), Decimal(30)), (date(2026, 5, 30), Decimal(30))], Decimal(40))
    [(datetime.date(2026, 6, 29), Decimal('20'))]
    """
    left, found = settled, []
    for due_date, amount in sorted(dues):
        covered = min(max(left, ZERO), amount)
        left -= covered
        if covered < amount:
            found.append((due_date, amount - covered))
    return found


def payment_status(receivable: Receivable, as_of: date) -> PaymentStatus:
    """The monitoring row of one invoice on `as_of`; payments settle dues oldest first."""
    collected = sum((p.amount for p in receivable.payments), ZERO)
    credited = sum((amount for day, amount in receivable.credits if day <= as_of), ZERO)
    outstanding = receivable.total - collected - credited
    paid = outstanding <= 0 if receivable.total >= 0 else outstanding == 0
    left = [] if paid else open_dues(receivable.dues, collected + credited)
    next_due, next_amount = left[0] if left else (None, None)
    days = (next_due - as_of).days if next_due else None
    last = max((p.payment_date for p in receivable.payments), default=None)
    return PaymentStatus(receivable.number, receivable.kind, receivable.invoice_date, receivable.customer,
                         receivable.payment_method, receivable.total, collected, outstanding, paid, next_due,
                         next_amount, days, last, as_of, credited)


TakenBack = tuple[Decimal, Decimal, str | None]
"""A line a credit note takes back of an invoice: (amount, VAT rate, VAT nature), negative."""


def settled_by_note(total: Decimal, taxable: Decimal, taken: dict[int, list[TakenBack]], *,
                    note_open: Decimal, invoices_open: Mapping[int, Decimal], split: bool = False
                    ) -> dict[int, Decimal]:
    """What a credit note settles of each invoice it takes lines back from (`taken`, by
    invoice id), as the invoice's payment would: positive. Each invoice's part is its lines
    with their VAT per rate, as an invoice of them alone; a note taking all its lines back from
    one invoice settles it with its own total. Never more than is open of the invoice
    (`invoices_open`, after its payments) nor, all parts together, of the note (`note_open`,
    positive, after its refunds): a note refunded in cash, or crediting an invoice already
    paid, stays an open credit for the rest.

    >>> one = {7: [(Decimal("-10"), Decimal(22), None)]}
    >>> settled_by_note(Decimal("-12.20"), Decimal("-10"), one, note_open=Decimal("12.20"),
    ...                 invoices_open={7: Decimal("100")})
    {7: Decimal('12.20')}
    >>> settled_by_note(Decimal("-24.40"), Decimal("-20"), one, note_open=Decimal("24.40"),
    ...                 invoices_open={7: Decimal("5")})
    {7: Decimal('5')}
    >>> settled_by_note(Decimal("-10"), Decimal("-10"), one, note_open=Decimal("10"),
    ...                 invoices_open={7: Decimal("100")}, split=True)
    {7: Decimal('10')}
    """
    parts, left = {}, min(-total, note_open)
    for invoice, whole in taken_parts(total, taxable, taken, split=split).items():
        part = min(whole, max(invoices_open.get(invoice, ZERO), ZERO), left)
        if part > 0:
            parts[invoice], left = part, left - part
    return parts


def taken_parts(total: Decimal, taxable: Decimal, taken: dict[int, list[TakenBack]], *, split: bool = False
                ) -> dict[int, Decimal]:
    """What a credit note takes back of each invoice it cites, with its VAT (without it under
    split payment, `total` then the note's net), positive, whatever is open of either: the
    parts `settled_by_note` caps, and what an agent's collected base weighs against what was
    collected (`toolkit.core.commissions`)."""
    whole = len(taken) == 1 and sum(amount for amount, _, _ in next(iter(taken.values()))) == taxable
    figure = 0 if split else 2
    return {invoice: -total if whole else -totals(vat_summary(lines))[figure] for invoice, lines in taken.items()}


def monitor(receivables: Iterable[Receivable], as_of: date, show: Show = Show.ALL) -> list[PaymentStatus]:
    rows = [payment_status(r, as_of) for r in receivables]
    if show is Show.PAID:
        rows = [r for r in rows if r.paid]
    elif show is Show.UNPAID:
        rows = [r for r in rows if not r.paid]
    return rows
