"""Payment terms (termini di pagamento): from the short codes Italian businesses write to due dates.

The two readings of "N days end of month" are two different codes, because businesses use
both and confuse them: `30FM` adds 30 days to the invoice date and then goes to that month's
end; `FM+30` goes to the end of the invoice's month and then adds 30 days.

>>> from datetime import date
>>> d = date(2026, 1, 31)
>>> due_dates(parse("30FM"), d)
[datetime.date(2026, 3, 31)]
>>> due_dates(parse("FM+30"), d)
[datetime.date(2026, 3, 2)]
>>> due_dates(parse("30/60/90"), date(2026, 4, 30))
[datetime.date(2026, 5, 30), datetime.date(2026, 6, 29), datetime.date(2026, 7, 29)]
>>> due_dates(parse("MS10"), d), due_dates(parse("IMM"), d)
([datetime.date(2026, 2, 10)], [datetime.date(2026, 1, 31)])
>>> due_dates(parse("30FM+10"), date(2026, 4, 15))
[datetime.date(2026, 6, 10)]

A printed invoice states the terms in words (`in_words`), read from the rule the code stands
for, so any code the workbook's customers use reads right in either language.

A due counted onto a Sunday or a national holiday falls on the next working day: the civil code
moves it so by law (art. 1187 and 2963 c.c., a term ending on a holiday is extended to the next
day that is not), and the banks present a RiBa or an SDD so; the invoice states that day, so the
aging report does not count late a customer paying when the law lets them. Saturdays are working
days for this (the code's *giorno festivo* is a holiday, not a day banks close), and so is a
province's patron saint. A customer's *mesi esclusi* (`ExcludedMonths`) move a due falling in
August or December to a day of the month after. Either move is for terms that defer payment:
`IMM` is due on the invoice's day, `CONSEGNA` on the goods'.

>>> due_dates(parse("30FM"), date(2026, 4, 30))  # 31 May 2026 is a Sunday
[datetime.date(2026, 6, 1)]
>>> due_dates(parse("30"), date(2027, 2, 27))  # 29 March 2027, Easter Monday
[datetime.date(2027, 3, 30)]
>>> due_dates(parse("30FM"), date(2026, 7, 31), ExcludedMonths((8,), 10))
[datetime.date(2026, 9, 10)]
>>> due_dates(parse("60"), date(2026, 10, 26), ExcludedMonths((8, 12), 10))  # 25 Dec → 10 Jan, a Sunday
[datetime.date(2027, 1, 11)]

`CONSEGNA` (*alla consegna*) is paid when the goods arrive, whatever the invoice's date: its dues
are the deliveries' days (`at_delivery`), not dates counted from the invoice. Cash on delivery
(contrassegno) is paid that way whatever a customer's terms say: the driver collects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from toolkit.basics import labels
from toolkit.basics.money import cents
from toolkit.core.workdays import WorkingCalendar


class EndOfMonth(StrEnum):
    NONE = "none"
    AFTER_DAYS = "after-days"
    """`30FM`: add the days, then go to the month's end."""
    BEFORE_DAYS = "before-days"
    """`FM+30`: go to the month's end, then add the days."""


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    code: str
    days: tuple[int, ...] = (0,)
    """One entry per instalment; (0,) is immediate."""
    end_of_month: EndOfMonth = EndOfMonth.NONE
    extra_days: int = 0
    """Days added after the month's end (`30FM+10`: the 10th of the following month)."""
    fixed_day: int | None = None
    """`MS10`: day 10 of the month after the invoice."""
    on_delivery: bool = False
    """`CONSEGNA`: due on each delivery's day, not counted from the invoice (`at_delivery`)."""

    @property
    def defers(self) -> bool:
        """Whether the terms put a due after the invoice's date: days, a month's end, a fixed day.
        Cash on delivery ignores them (the check warns)."""
        return (self.days != (0,) or self.end_of_month is not EndOfMonth.NONE or self.fixed_day is not None
                or bool(self.extra_days))


@dataclass(frozen=True, slots=True)
class ExcludedMonths:
    """A customer's *mesi esclusi*: months no due may fall in, and the day of the month after
    that a due falling in one moves to (31: that month's end). Months in a row (July and August)
    move a due past both."""

    months: tuple[int, ...]
    day: int

    def __post_init__(self) -> None:
        if not set(self.months) <= set(range(1, 13)) or len(set(self.months)) == 12 or not 1 <= self.day <= 31:
            raise ValueError(self)


_IMMEDIATE = {"IMM", "IMMEDIATO", "IMMEDIATE", "VISTA", "AVISTA", "RD", "RIMESSADIRETTA"}
AT_DELIVERY = "CONSEGNA"
"""The code of terms paid on delivery, as an invoice paid cash on delivery stores it."""
_AT_DELIVERY = {AT_DELIVERY, "ALLACONSEGNA", "ONDELIVERY", "ATDELIVERY"}
_DAYS = r"(\d{1,3}(?:/\d{1,3})*)"


def parse(text: str) -> PaymentTerms:
    """The terms a code stands for; `ValueError` for a code we cannot read."""
    code = re.sub(r"[\s.]+", "", str(text)).upper().replace("GG", "").replace("DF", "")
    if code in _IMMEDIATE or code == "0":
        return PaymentTerms(str(text).strip())
    if code in _AT_DELIVERY:
        return PaymentTerms(str(text).strip(), on_delivery=True)
    if m := re.fullmatch(r"MS(\d{1,2})", code):
        day = int(m[1])
        if 1 <= day <= 31:
            return PaymentTerms(str(text).strip(), days=(0,), fixed_day=day)
    elif m := re.fullmatch(r"FM\+?" + _DAYS, code):
        return PaymentTerms(str(text).strip(), _split(m[1]), EndOfMonth.BEFORE_DAYS)
    elif m := re.fullmatch(_DAYS + r"(FM(?:\+(\d{1,2}))?)?", code):
        eom = EndOfMonth.AFTER_DAYS if m[2] else EndOfMonth.NONE
        return PaymentTerms(str(text).strip(), _split(m[1]), eom, int(m[3] or 0))
    raise ValueError(text)


labels.define({
    "terms.immediate": ("Rimessa diretta", "Payment on receipt"),
    "terms.at_delivery": ("Alla consegna", "On delivery"),
    "terms.fixed_day": ("Giorno {day} mese successivo", "Day {day} of the following month"),
    "terms.days": ("{days} gg data fattura", "{days} days from invoice date"),
    "terms.days_end_of_month": ("{days} gg data fattura fine mese", "{days} days from invoice date, end of month"),
    "terms.end_of_month_days": ("Fine mese data fattura + {days} gg", "End of invoice month + {days} days"),
    "terms.extra_days": (" + {days} gg", " + {days} days"),
})


def in_words(terms: PaymentTerms, lang: str = "it") -> str:
    """The terms as an invoice states them, from their rule: `FM+30` and `30FM` say different
    things, as they fall due on different days.

    >>> [in_words(parse(code)) for code in ("IMM", "60", "30/60/90", "MS10")]
    ['Rimessa diretta', '60 gg data fattura', '30/60/90 gg data fattura', 'Giorno 10 mese successivo']
    >>> [in_words(parse(code)) for code in ("30FM", "30FM+10", "FM+30")]
    ['30 gg data fattura fine mese', '30 gg data fattura fine mese + 10 gg', 'Fine mese data fattura + 30 gg']
    >>> in_words(parse("FM+30"), "en"), in_words(parse("Alla consegna"), "en")
    ('End of invoice month + 30 days', 'On delivery')
    """
    def say(key: str, **words: object) -> str:
        return labels.label(key, lang).format(**words)

    days = "/".join(str(d) for d in terms.days)
    if terms.on_delivery:
        return say("terms.at_delivery")
    if terms.fixed_day is not None:
        return say("terms.fixed_day", day=terms.fixed_day)
    if terms.end_of_month is EndOfMonth.BEFORE_DAYS:
        return say("terms.end_of_month_days", days=days)
    if terms.end_of_month is EndOfMonth.AFTER_DAYS:
        extra = say("terms.extra_days", days=terms.extra_days) if terms.extra_days else ""
        return say("terms.days_end_of_month", days=days) + extra
    return say("terms.immediate") if terms.days == (0,) else say("terms.days", days=days)


@lru_cache(maxsize=256)
def code_in_words(code: str, lang: str = "it") -> str:
    """`in_words` of a code as an invoice stored it; the code itself when it no longer reads
    (an invoice keeps the terms it was issued with)."""
    try:
        return in_words(parse(code), lang)
    except ValueError:
        return code


@lru_cache(maxsize=256)
def due_on_delivery(code: str) -> bool:
    """Whether an invoice's stored terms fall due at delivery; False for a code that no longer
    reads (an invoice keeps the terms it was issued with)."""
    try:
        return parse(code).on_delivery
    except ValueError:
        return False


def _split(days: str) -> tuple[int, ...]:
    parts = tuple(int(d) for d in days.split("/"))
    if list(parts) != sorted(set(parts)):
        raise ValueError(days)
    return parts


def _month_end(d: date) -> date:
    end: date = d + relativedelta(day=31)
    return end


_PAYMENT_DAYS = WorkingCalendar(saturday_working=True)
"""The days a due may fall on: every day but Sundays and national holidays (art. 2963 c.c.)."""


def due_dates(terms: PaymentTerms, invoice_date: date, excluded: ExcludedMonths | None = None) -> list[date]:
    """The days the terms fall due from an invoice's date: counted, then moved out of the
    customer's `excluded` months and off Sundays and holidays, in date order (an instalment moved
    out of August may pass the next one), each once (`instalments` moved onto one day are one
    due); terms that do not defer are due on the invoice's day, whatever it is."""
    return list(dict.fromkeys(_each_moved(terms, invoice_date, excluded)))


def _each_moved(terms: PaymentTerms, invoice_date: date, excluded: ExcludedMonths | None) -> list[date]:
    counted = counted_dues(terms, invoice_date)
    return sorted(moved(due, excluded) for due in counted) if terms.defers else counted


def moved(due: date, excluded: ExcludedMonths | None = None) -> date:
    """A counted due moved out of the `excluded` months and on to a working day, until it lands
    on one both allow: the working day after a holiday may be the first of an excluded month,
    and the day an excluded month moves to may be a Sunday.

    >>> moved(date(2026, 12, 25)), moved(date(2027, 3, 29)), moved(date(2026, 8, 31), ExcludedMonths((8,), 31))
    (datetime.date(2026, 12, 28), datetime.date(2027, 3, 30), datetime.date(2026, 9, 30))
    >>> moved(date(2022, 7, 31), ExcludedMonths((8,), 10))  # a Sunday: 1 August, excluded; 10 September a Saturday
    datetime.date(2022, 9, 10)
    """
    while True:
        if excluded is not None and due.month in excluded.months:
            due = due + relativedelta(months=1, day=excluded.day)
        elif not _PAYMENT_DAYS.is_working(due):
            due = _PAYMENT_DAYS.next_working(due)
        else:
            return due


def counted_dues(terms: PaymentTerms, invoice_date: date) -> list[date]:
    """The days the terms count from an invoice's date, before any move: what invoices issued
    before dues moved bear."""
    if terms.fixed_day is not None:
        return [invoice_date + relativedelta(months=1, day=terms.fixed_day)]
    dues = []
    for days in terms.days:
        if terms.end_of_month is EndOfMonth.BEFORE_DAYS:
            due = _month_end(invoice_date) + timedelta(days=days)
        elif terms.end_of_month is EndOfMonth.AFTER_DAYS:
            due = _month_end(invoice_date + timedelta(days=days)) + timedelta(days=terms.extra_days)
        else:
            due = invoice_date + timedelta(days=days)
        dues.append(due)
    return dues


def instalments(terms: PaymentTerms, invoice_date: date, total: Decimal,
                excluded: ExcludedMonths | None = None) -> list[tuple[date, Decimal]]:
    """Due dates with their amounts: equal shares in cents, the last one takes the remainder;
    shares moved onto one day (30 July and 29 August out of July and August) are one due of
    their sum, what the customer pays that day, one RiBa.

    >>> instalments(parse("30/60/90"), date(2026, 4, 30), Decimal("100.00"))[-1]
    (datetime.date(2026, 7, 29), Decimal('33.34'))
    """
    dates = _each_moved(terms, invoice_date, excluded)
    share = cents(total / len(dates))
    amounts = [share] * (len(dates) - 1) + [total - share * (len(dates) - 1)]
    dues: dict[date, Decimal] = {}
    for day, amount in zip(dates, amounts):
        dues[day] = dues.get(day, Decimal(0)) + amount
    return list(dues.items())


def at_delivery(delivered: Mapping[date, Decimal], invoice_date: date, total: Decimal, *,
                with_goods: bool = False) -> list[tuple[date, Decimal]]:
    """Dues of goods paid when they arrive: each delivery day's amount (with its VAT) falls due
    that day, in day order, so a deferred invoice gathering a month of cash-on-delivery DDTs
    shows each as due when the driver collected it. What the invoice adds beyond its deliveries
    (the stamp duty it charges, a cent of VAT rounded on the whole) no driver could know when the
    DDT was printed: an invoice issued after its deliveries (month end's deferred one, even dated
    the day of its last DDT) states it as a due of its own on the invoice's date, so each
    delivery's due is what its DDT asked; one issued `with_goods` (`ship --invoice`, at the
    order) has it on its last due, which that day's DDT asks. VAT the whole rounds below the
    days' sum is taken off the last due, and off the days before it when it passes that due (a
    month of tiny daily deliveries, each rounding its cent up), as no due may be negative. The
    dues sum to the total. Lines invoiced at the order count on the order's day, the delivery it
    plans; with nothing delivered the invoice falls due on its own date.

    >>> at_delivery({date(2026, 4, 16): Decimal("12.20"), date(2026, 4, 9): Decimal("24.40")},
    ...             date(2026, 4, 30), Decimal("38.60"))
    [(datetime.date(2026, 4, 9), Decimal('24.40')), (datetime.date(2026, 4, 16), Decimal('12.20')), \
(datetime.date(2026, 4, 30), Decimal('2.00'))]
    >>> at_delivery({date(2026, 4, 16): Decimal("12.20")}, date(2026, 4, 16), Decimal("14.20"), with_goods=True)
    [(datetime.date(2026, 4, 16), Decimal('14.20'))]
    >>> at_delivery({date(2026, 4, 16): Decimal("12.20")}, date(2026, 4, 16), Decimal("14.20"))
    [(datetime.date(2026, 4, 16), Decimal('12.20')), (datetime.date(2026, 4, 16), Decimal('2.00'))]
    >>> at_delivery({}, date(2026, 4, 9), Decimal("10.00"))
    [(datetime.date(2026, 4, 9), Decimal('10.00'))]
    """
    days = sorted(day for day, amount in delivered.items() if amount) or [max(delivered, default=invoice_date)]
    dues = [(day, delivered.get(day, Decimal(0))) for day in days]
    beyond = total - sum((amount for _, amount in dues), Decimal(0))
    if beyond > 0 and (invoice_date > days[-1] or not with_goods) and dues[-1][1]:
        return [*dues, (invoice_date, beyond)]
    kept = [*dues[:-1], (days[-1], dues[-1][1] + beyond)]
    while len(kept) > 1 and kept[-1][1] <= 0:  # the whole's VAT below the days' by more than the last day's due
        (_, short), (day, amount) = kept.pop(), kept.pop()
        kept.append((day, amount + short))
    return kept
