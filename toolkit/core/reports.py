"""What a report is, before any ledger or workbook: its kinds, dimensions and comparison
periods, and the tables it holds (built by `toolkit.services.reports` with pandas, written
by `toolkit.writers.reports`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import Choice, Choices
from toolkit.core.payments import ZERO, PaymentStatus, open_dues


class Kind(StrEnum):
    SALES = "sales"
    SHIPMENTS = "shipments"
    INVOICES = "invoices"
    CUSTOMER_PRODUCTS = "customer-products"
    AGING = "aging"


KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.SALES: ("Vendite (ordinato)", "Sales (ordered)"),
    Kind.SHIPMENTS: ("Spedizioni (DDT)", "Shipments (DDT)"),
    Kind.INVOICES: ("Fatturato netto", "Net invoiced"),
    Kind.CUSTOMER_PRODUCTS: ("Vendite per cliente e articolo", "Sales by customer and product"),
    Kind.AGING: ("Scadenziario crediti aperti", "Aging of open receivables"),
}
"""What the panel's dropdown and the workbook's title call each kind."""

KIND_WORDS: dict[Kind, str] = {Kind.SALES: "vendite", Kind.SHIPMENTS: "spedizioni", Kind.INVOICES: "fatturato",
                               Kind.CUSTOMER_PRODUCTS: "clienti-articoli", Kind.AGING: "scadenziario"}
"""Each kind's short Italian word: `toolkit report vendite`, and the panel's file name."""
KINDS = Choices(tuple(Choice(kind, (KIND_WORDS[kind], it), (en,)) for kind, (it, en) in KIND_LABELS.items()))
"""`toolkit report KIND` and the panel's *Tipo di report*: a short Italian word for the command
line, the dropdown's label, the English label or the code."""


class Compare(StrEnum):
    PREVIOUS = "previous"
    LAST_YEAR = "last-year"


COMPARISONS = Choices((Choice(Compare.PREVIOUS, ("precedente", "periodo precedente"), ("previous period",)),
                       Choice(Compare.LAST_YEAR, ("anno-scorso", "anno precedente"), ("last year",))))

GROUPINGS = Choices((Choice("customer", ("cliente", "clienti")), Choice("item", ("articolo", "articoli")),
                     Choice("category", ("categoria", "categorie")), Choice("agent", ("agente", "agenti")),
                     Choice("zone", ("zona", "zone"), ("area",)), Choice("month", ("mese", "mesi"))))
"""`--by` in the words the report's headings print (*Cliente*, *Articolo*, *Zona*…) or the codes."""
DIMENSIONS = GROUPINGS.codes
"""What a report can be grouped by (`--by`): the customer's agent and zone (*Zona*) and the
item's category come from the master data as it is now."""
AGING_DIMENSIONS = ("customer", "agent", "zone")
BUCKETS = ("not_due", "d1_30", "d31_60", "d61_90", "d90", "credit", "overpaid")
"""Open receivables by days past due: not yet due (due today or later), 1–30, 31–60, 61–90,
over 90; and the credits owed to the customer, which fall due on no day and lower the
customer's open balance as they do in `toolkit payments status`: credit notes, and apart from
them what the customer paid beyond an invoice's total, a credit the customer holds that no
credit note gave (the accountant refunds it or sets it against the next invoice)."""
OVERDUE = BUCKETS[1:5]

VOLUME_DISCOUNTS = "\u2063sconti-volume"
"""The item the invoices' reports give a volume discount's credit note (its lines name no item):
a row of its own, *Sconti di volume*, by item and by category. Not shared out over the items it
was counted on, as that would not be exact: the note is split by VAT rate, not by item; the
lines it counted were chosen by the discount's scope (a category, a customer group) as the
master stood when it was settled, which the sheets may have changed since; and a proportional
share would invent cents no document holds. So by item or category the total is still the
invoices' own, and no item's sales look larger than they were by an invisible discount. An
invisible separator begins the code, so no code typed on *Articoli* is it."""
VOLUME_DISCOUNTS_LABELS = {"it": ("Sconti di volume", "Note di credito degli sconti di volume"),
                           "en": ("Volume discounts", "Volume discounts' credit notes")}
"""The row's item code and description as the report shows them, and its category."""
DEBIT_NOTES = "\u2063note-debito"
"""The item the invoices' reports give a debit note's line (`toolkit invoice debit`: a charge
added to an invoice, its reason its description, no item): a row of its own, *Note di debito*,
by item and by category, where under *(nessuno)* it read as a sale of no item, as the volume
discounts did; the same invisible separator begins it."""
DEBIT_NOTES_LABELS = {"it": ("Note di debito", "Addebiti delle note di debito"),
                      "en": ("Debit notes", "Debit notes' charges")}
ROWS_OF_NO_ITEM = {VOLUME_DISCOUNTS: VOLUME_DISCOUNTS_LABELS, DEBIT_NOTES: DEBIT_NOTES_LABELS}
"""The invoices' lines of no item a report shows on a row of their own, by code: its labels."""

NO_COMPARISON_FOR_AGING = define(
    "report-aging-no-comparison", "warning",
    title=("Scadenziario senza confronto", "Aging without comparison"),
    it="Lo scadenziario non si confronta con un altro periodo: il confronto è ignorato.",
    en="The aging report has no comparison period: the comparison is left out.")
AGING_AHEAD = define(
    "report-aging-ahead", "warning",
    title=("Scadenziario a una data futura", "Aging on a future day"),
    it="Lo scadenziario è al {day}, dopo oggi ({today}): le rate che scadono fino a quel giorno vi risultano già "
       "scadute e gli incassi di quei giorni non ci sono ancora. È una previsione, non la situazione di oggi: per "
       "quella metti in --to la data di oggi.",
    en="The aging is on {day}, after today ({today}): the dues falling due up to that day show as overdue already, "
       "and the payments of those days are not in it yet. It is a forecast, not today's position: for that, put "
       "today's date in --to.")
"""An aging asked for the end of a month not over yet (the panel's *Al*, a month's last day):
read as today's, it showed dues of next week as overdue."""

OFF_THE_SHEET_UNGROUPED = define(
    "report-customers-off-the-sheet", "warning",
    title=("Clienti non più nel foglio Clienti", "Customers no longer on Clienti"),
    it="{who} non {are} più nel foglio Clienti, da cui il report prende {dimensions}: {their} importi sono sotto "
       "«(nessuno)». Per contarli dove vanno, rimetti {rows} nel foglio Clienti.",
    en="{who_en} {are_en} no longer on the Clienti sheet, where the report takes {dimensions_en} from: {their_en} "
       "amounts are under “(none)”. To count them where they belong, put {rows_en} back on Clienti.")
"""A report by agent or zone of customers taken off *Clienti*: their amounts under "(none)" with
no word read as sales no agent made."""
BY_THE_SHEET = {"agent": ("l'agente", "the agent"), "zone": ("la zona", "the zone")}


def off_the_sheet_ungrouped(by: Sequence[str], gone: set[str]) -> list[Problem]:
    """The warning of a report grouped by agent or zone whose customers `gone` the sheet no
    longer lists (`OFF_THE_SHEET_UNGROUPED`); none when it groups by neither or all are there.

    >>> [p.message("en") for p in off_the_sheet_ungrouped(("zone", "agent"), {"C9", "C10"})]
    ['Customers C10, C9 are no longer on the Clienti sheet, where the report takes the zone and the agent from: their \
amounts are under “(none)”. To count them where they belong, put their rows back on Clienti.']
    >>> [p.message("it") for p in off_the_sheet_ungrouped(("agent",), {"C9"})]
    ["Il cliente C9 non è più nel foglio Clienti, da cui il report prende l'agente: i suoi importi sono sotto \
«(nessuno)». Per contarli dove vanno, rimetti la sua riga nel foglio Clienti."]
    >>> off_the_sheet_ungrouped(("customer",), {"C9"}), off_the_sheet_ungrouped(("zone",), set())
    ([], [])
    """
    read = [BY_THE_SHEET[b] for b in by if b in BY_THE_SHEET]
    if not read or not gone:
        return []
    codes, one = ", ".join(sorted(gone)), len(gone) == 1
    words = (("Il cliente", "è", "i suoi", "la sua riga", "Customer", "is", "its", "its row") if one else
             ("I clienti", "sono", "i loro", "le loro righe", "Customers", "are", "their", "their rows"))
    return [OFF_THE_SHEET_UNGROUPED(None, who=f"{words[0]} {codes}", are=words[1], their=words[2], rows=words[3],
                                    who_en=f"{words[4]} {codes}", are_en=words[5], their_en=words[6],
                                    rows_en=words[7], dimensions=" e ".join(it for it, _ in read),
                                    dimensions_en=" and ".join(en for _, en in read))]


ITEMS_OFF_THE_SHEET = define(
    "report-items-off-the-sheet", "warning",
    title=("Articoli non più nel foglio Articoli", "Items no longer on Articoli"),
    it="{who} non {are} più nel foglio Articoli: il report {them} mostra con la descrizione delle ultime righe del "
       "registro, e per categoria {their} importi sono sotto «(nessuno)». Per contarli nella loro categoria, rimetti "
       "{rows} nel foglio Articoli.",
    en="{who_en} {are_en} no longer on the Articoli sheet: the report shows {them_en} with the description of the "
       "ledger's latest lines, and by category {their_en} amounts are under “(none)”. To count them in their "
       "category, put {rows_en} back on Articoli.")
"""A report by item or category of items taken off *Articoli*: by category their sales were
under "(none)", and by item beside no description, with no word of why."""


def items_off_the_sheet(by: Sequence[str], gone: set[str]) -> list[Problem]:
    """The warning of a report grouped by item or category whose items `gone` *Articoli* no
    longer lists (`ITEMS_OFF_THE_SHEET`); none when it groups by neither or all are there.

    >>> print(items_off_the_sheet(("category",), {"A9"})[0].message("en"))
    Item A9 is no longer on the Articoli sheet: the report shows it with the description of the ledger's latest \
lines, and by category its amounts are under “(none)”. To count them in their category, put its row back on Articoli.
    >>> items_off_the_sheet(("customer",), {"A9"}), items_off_the_sheet(("item",), set())
    ([], [])
    """
    if not gone or not {"item", "category"} & set(by):
        return []
    codes, one = ", ".join(sorted(gone)), len(gone) == 1
    words = (("L'articolo", "è", "lo", "i suoi", "la sua riga", "Item", "is", "it", "its", "its row") if one else
             ("Gli articoli", "sono", "li", "i loro", "le loro righe", "Items", "are", "them", "their", "their rows"))
    return [ITEMS_OFF_THE_SHEET(None, who=f"{words[0]} {codes}", are=words[1], them=words[2], their=words[3],
                                rows=words[4], who_en=f"{words[5]} {codes}", are_en=words[6], them_en=words[7],
                                their_en=words[8], rows_en=words[9])]


@dataclass(frozen=True)
class Request:
    kind: Kind
    start: date
    end: date
    by: tuple[str, ...] = ()
    """Empty: the kind's default (customer; customer and item for customer-products)."""
    compare: Compare | None = None
    customers: frozenset[str] | None = None
    items: frozenset[str] | None = None


@dataclass(frozen=True)
class Report:
    """A report's tables, amounts in integer cents (pandas int64 columns)."""

    request: Request
    by: tuple[str, ...]
    compared: tuple[date, date] | None
    table: Any
    """One row per group of `by`: its labels, `quantity` (thousandths), `amount` and
    `compare_amount` (cents); for aging, one column per bucket and `amount`, the open total."""
    data: Any
    """The flat, pivot-ready rows: every dimension, the period, quantity and amount."""
    timeline: Any
    """`label`, `amount`, `compare_amount` per month (per day for a period of two months or
    less), the comparison aligned with the period it is compared to; empty for aging."""
    total: int
    compare_total: int | None
    problems: list[Problem] = field(default_factory=list)
    file: Path | None = None
    pdf: Path | None = None
    sold_in: Mapping[str, str] = field(default_factory=dict)
    """Item code → the unit of measure its lines were sold in, for an item taken off *Articoli*:
    its quantities add up with those of the sheet's items of that unit."""


def groupings(kind: Kind) -> Choices[str]:
    """The dimensions `kind` groups by: the aging report by customer, agent and zone only."""
    return GROUPINGS.only(AGING_DIMENSIONS) if kind is Kind.AGING else GROUPINGS


def comparison_period(start: date, end: date, compare: Compare | None) -> tuple[date, date] | None:
    """The period compared with [start, end]: the same number of whole months before it (or of
    days, for a period that is not whole months), or the same dates a year earlier.

    >>> comparison_period(date(2026, 4, 1), date(2026, 4, 30), Compare.PREVIOUS)
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    >>> comparison_period(date(2026, 4, 6), date(2026, 4, 12), Compare.PREVIOUS)
    (datetime.date(2026, 3, 30), datetime.date(2026, 4, 5))
    >>> comparison_period(date(2024, 2, 1), date(2024, 2, 29), Compare.LAST_YEAR)
    (datetime.date(2023, 2, 1), datetime.date(2023, 2, 28))
    """
    if compare is None:
        return None
    if compare is Compare.LAST_YEAR:
        return _shift_months(start, -12), _shift_months(end, -12)
    months = whole_months(start, end)
    if months:
        return _shift_months(start, -months), start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def whole_months(start: date, end: date) -> int:
    """How many whole calendar months [start, end] is, or 0 when it is not whole months."""
    if start.day != 1 or (end + timedelta(days=1)).day != 1:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _shift_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), the month's last day when it is
    shorter; a month end stays a month end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = (date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1) - timedelta(days=1)).day
    month_end = (day + timedelta(days=1)).day == 1
    return date(year, month + 1, last if month_end else min(day.day, last))



def bucket(days_past_due: int) -> str:
    """A receivable due on the report's day is not yet overdue: 0 days past due is not due.

    >>> bucket(0), bucket(1), bucket(30), bucket(31), bucket(91)
    ('not_due', 'd1_30', 'd1_30', 'd31_60', 'd90')
    """
    if days_past_due <= 0:
        return "not_due"
    for limit, name in ((30, "d1_30"), (60, "d31_60"), (90, "d61_90")):
        if days_past_due <= limit:
            return name
    return "d90"


@dataclass(frozen=True, slots=True)
class Aged:
    """One open amount of the aging report: a due (rata) of an invoice, or a credit."""

    due: date | None
    """The day it falls due; none for a credit owed to the customer."""
    days_past_due: int | None
    bucket: str
    amount: Decimal


def aged(status: PaymentStatus, dues: Sequence[tuple[date, Decimal]]) -> list[Aged]:
    """What is open of a document on `status.as_of`, due by due (rata), each in the bucket of
    its own days past due: of an invoice in three instalments of which only the first is late,
    only what is left of the first is overdue, the rest not yet due. Payments and credit notes
    cover the dues oldest first, as `payment_status` covers them. A document with no dues is
    aged from its date; a credit owed to the customer (a credit note, or an invoice paid beyond
    its total: negative) falls due on no day, so it has no due date, no days, and a bucket of
    its own, one for each: an over-payment was in the credit notes' column, a credit note that
    was never issued."""
    if status.outstanding < 0:
        return [Aged(None, None, "credit" if status.total < 0 else "overpaid", status.outstanding)]
    parts = open_dues(dues, status.collected + status.credited) or [(status.invoice_date, ZERO)]
    first_due, first = parts[0]
    parts[0] = (first_due, first + status.outstanding - sum((amount for _, amount in parts), ZERO))
    return [Aged(due, (status.as_of - due).days, bucket((status.as_of - due).days), amount)
            for due, amount in parts if amount]
