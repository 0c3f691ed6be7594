"""The virtual stamp duty (imposta di bollo, DPR 642/72) of invoices without VAT, and who pays it.

An invoice whose amounts without VAT exceed 77.47 € owes a 2.00 € stamp duty, paid virtually
(bollo virtuale) by the seller, who says so in the e-invoice (DatiBollo). Most sellers charge
it to the customer, as *Impostazioni › Bollo a carico del cliente* says by default: the
invoice then gains a line of 2.00 € excluded from VAT (Natura N1, art. 15 DPR 633/72: an
amount the seller recovers on the buyer's behalf), which counts in its total and its dues.

The line is made once, with the invoice (`toolkit.core.invoicing.build_invoice`), and stored
with its other lines: the ledger's lines are the invoice, so the printed copy, the
accountants' workbook and the XML all show it without deciding anything again. It has no
order line behind it. A credit note never gains one (nothing is charged to a customer being
refunded); its file still carries DatiBollo when it owes the duty. Nor does a note crediting a
whole invoice take the charged line back: the invoice owed the duty when it was issued
(`toolkit.core.credit_notes`), so the customer still owes what it was charged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from toolkit.basics import tax_regimes
from toolkit.core.workdays import WorkingCalendar

STAMP_DUTY = Decimal("2.00")
STAMP_DUTY_THRESHOLD = Decimal("77.47")
"""The duty is due when the amounts without VAT are *more* than this."""

STAMP_DUTY_NATURES = frozenset({"N1", "N2.1", "N2.2", "N3.4", "N3.5", "N3.6", "N4"})
"""Amounts without VAT that count towards the stamp duty. Exports, intra-EU supplies and goods
sold to San Marino (N3.1–N3.3, the last non-taxable as exports are: art. 71 DPR 633/72, art. 5
DM 21 June 2021), the margin scheme (N5), reverse charge (N6.x, the buyer pays the VAT) and VAT
paid in another EU state (N7) do not."""

CHARGE_NATURE = tax_regimes.EXCLUDED_NATURE
"""The nature of the line that charges the duty to the customer: excluded from VAT (art. 15)."""
CHARGE_WORDS = "Imposta di bollo assolta in modo virtuale"
"""How the charged line begins, on every invoice that has one, older ones included."""
CHARGE_DESCRIPTION = f"{CHARGE_WORDS} ai sensi del DM 17/06/2014"
"""What the charged line says, on every copy of the invoice: the duty and the decree under
which it is paid virtually on electronic invoices (art. 6 DM 17/06/2014), since the settings
carry no authorisation of the seller's own."""


def is_charge(description: str) -> bool:
    """Whether a line without an order is the charged duty: invoices issued before the line
    cited its decree say `CHARGE_WORDS` alone.

    >>> is_charge("Imposta di bollo assolta in modo virtuale"), is_charge(CHARGE_DESCRIPTION), is_charge("Sconto")
    (True, True, False)
    """
    return description.startswith(CHARGE_WORDS)


def due(summary: Iterable[tuple[Decimal, Decimal, str | None]]) -> bool:
    """Whether the amounts without VAT that count for the duty exceed 77.47 €; `summary` is
    (rate, taxable, nature) per VAT summary line. A credit note's negative amounts count by size.

    >>> D = Decimal
    >>> due([(D(0), D("77.47"), "N4")]), due([(D(0), D("77.48"), "N4"), (D(22), D(500), None)])
    (False, True)
    >>> due([(D(0), D("500"), "N3.1")])
    False
    """
    exempt = sum((taxable for rate, taxable, nature in summary if not rate and nature in STAMP_DUTY_NATURES),
                 Decimal(0))
    return abs(exempt) > STAMP_DUTY_THRESHOLD


_TAX_CALENDAR = WorkingCalendar()
"""The days tax payments fall due on: not Saturdays, Sundays or national holidays."""

F24_CODES = {1: "2521", 2: "2522", 3: "2523", 4: "2524"}
"""The F24 tax codes (codici tributo) of the duty on e-invoices, per quarter (ris. 42/E/2019)."""


@dataclass(frozen=True, slots=True)
class QuarterToDate:
    """The duty a quarter owes so far, as a month's register shows it: the documents declaring it
    (final invoices and credit notes, DatiBollo) per month, from the quarter's first month to
    the register's. The Agenzia works out each quarter's duty from the e-invoices SDI received
    and the seller pays it by F24 (art. 6 DM 17/06/2014): the register of the quarter's last
    month has the whole quarter."""

    year: int
    number: int
    months: tuple[tuple[date, int], ...]
    """(first day of the month, documents declaring the duty), in order."""
    before_toolkit: tuple[str, ...] = ()
    """*Numeri prima del toolkit* of the quarter's year (`FT 345/2026`) when the toolkit's first
    document of the year is dated after the quarter's first day: the quarter's documents issued
    elsewhere before it, which the ledger cannot count."""

    @property
    def documents(self) -> int:
        return sum(count for _, count in self.months)

    @property
    def amount(self) -> Decimal:
        return STAMP_DUTY * self.documents

    @property
    def complete(self) -> bool:
        """Whether the months run to the quarter's last and the toolkit issued all of them."""
        return bool(self.months) and self.months[-1][0].month == self.number * 3 and not self.before_toolkit

    @property
    def f24_code(self) -> str:
        return F24_CODES[self.number]

    @property
    def deadline(self) -> date:
        """When the quarter's duty is due (art. 6 c. 2 DM 17/06/2014 as DL 34/2019 and DL 73/2022
        set it): 31 May, 30 September, 30 November, the last day of February after the year;
        one falling on a Saturday, a Sunday or a holiday goes to the next working day, as every
        tax payment does (art. 7 c. 1 lett. h DL 70/2011): the fourth quarter of 2026 is due on
        Monday 1 March 2027, not on Sunday 28 February. The decree lets a first quarter under
        5,000 € go with the second, and the first two under it with the third: the sheet says
        so, the choice is the accountant's.

        >>> [QuarterToDate(2026, n, ()).deadline.isoformat() for n in (1, 2, 3, 4)]
        ['2026-06-01', '2026-09-30', '2026-11-30', '2027-03-01']
        >>> [QuarterToDate(2027, n, ()).deadline.isoformat() for n in (1, 4)]
        ['2027-05-31', '2028-02-29']
        """
        if self.number == 4:
            day = date(self.year + 1, 3, 1) - timedelta(days=1)
        else:
            day = date(self.year, *((5, 31), (9, 30), (11, 30))[self.number - 1])
        return day if _TAX_CALENDAR.is_working(day) else _TAX_CALENDAR.next_working(day)


def quarter_months(month: date) -> tuple[int, int, date]:
    """(year, quarter, the quarter's first day) of the month `month` falls in.

    >>> quarter_months(date(2026, 5, 1))
    (2026, 2, datetime.date(2026, 4, 1))
    """
    number = (month.month - 1) // 3 + 1
    return month.year, number, date(month.year, number * 3 - 2, 1)
