"""The VAT summary (riepilogo IVA): per rate, on the sum of that rate's taxable amounts.

This is the rule the Italian exchange system checks (rejections 00421–00423): each line's
amount is quantity × unit price rounded to cents; the taxable amount of a rate is the sum of
its lines; the VAT of a rate is taxable × rate, rounded half-up to cents; the total is taxable
plus VAT. Exempt lines (rate 0) are summed per nature code.

>>> from decimal import Decimal as D
>>> summary = vat_summary([(D("3993.64"), D("10"), None)])
>>> summary[0].vat, totals(summary)
(Decimal('399.36'), (Decimal('3993.64'), Decimal('399.36'), Decimal('4393.00')))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from toolkit.basics.money import cents
from toolkit.core.lines import DocumentLine
from toolkit.model.records import Customer, Item

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class VatLine:
    rate: Decimal
    nature: str | None
    taxable: Decimal
    vat: Decimal


RateKey = tuple[Decimal, str | None]
"""A VAT rate and, at 0%, its exemption's nature: as `vat_summary` keys a document's VAT."""


def rate_key(rate: Decimal, nature: str | None) -> RateKey:
    """A line's VAT rate as `vat_summary` keys it: the rate normalized, and at 0% its nature."""
    return (rate.normalize() if rate else ZERO, nature if not rate else None)


def rate_text(key: RateKey) -> str:
    """A rate as messages name it: "22 %", or at 0 % with its nature, "0 % N4"."""
    rate, nature = key
    return f"{rate:f} % {nature}" if nature else f"{rate:f} %"


EXPORT_GOODS = "N3.1"
"""Goods exported outside the EU: non-taxable under art. 8 DPR 633/72."""
INTRA_EU_GOODS = "N3.2"
"""Goods sold to a business in another member state: non-taxable under art. 41 DL 331/93."""
SAN_MARINO_GOODS = "N3.3"
"""Goods sold to San Marino: non-taxable under art. 71 DPR 633/72, as an export is."""

GOODS_ABROAD = frozenset({EXPORT_GOODS, INTRA_EU_GOODS, SAN_MARINO_GOODS})
"""Natures of goods leaving Italy (an export, an intra-EU supply, a supply to San Marino): they
say nothing of a service."""

SERVICE_ABROAD = "N2.1"
"""A service to a business abroad: outside Italian VAT (art. 7-ter DPR 633/72), not an export."""


def line_vat(item: Item, customer: Customer, day: date | None = None) -> RateKey:
    """The rate and nature a line of this item for this customer carries: the customer's
    *Natura IVA* when it has one (an export, an intra-EU supply: 0 % whatever the item), else
    the item's own rate and nature, its rate the one in force on `day` (`Item.vat_rate_on`), the
    line's delivery, when given. A service sold abroad to a customer whose nature is an
    export, an intra-EU supply or a supply to San Marino of goods takes N2.1, as art. 8, art. 41
    and art. 71 cover goods only.

    >>> from toolkit.model.records import Source
    >>> from toolkit.basics.vocab import PaymentMethod
    >>> item = Item(code="A1", description="x", unit="pz", vat_rate=Decimal(22), source=Source("items", 2))
    >>> buyer = Customer(code="C1", name="GmbH", address="Str. 1", city="Berlin", country="DE", price_list="L",
    ...                  payment_method=PaymentMethod.BANK_TRANSFER, payment_terms="30", vat_nature="n3.2",
    ...                  source=Source("customers", 2))
    >>> line_vat(item, buyer), line_vat(replace(item, service=True), buyer)
    ((Decimal('0'), 'N3.2'), (Decimal('0'), 'N2.1'))
    """
    if customer.vat_nature:
        nature = customer.vat_nature.strip().upper()
        return ZERO, SERVICE_ABROAD if item.service and not customer.at_home and nature in GOODS_ABROAD else nature
    return item_vat(item, day)


def item_vat(item: Item, day: date | None = None) -> RateKey:
    """The item's own rate (the one in force on `day`, when given) and, at 0 %, its own nature:
    what a line of it carries when no customer's nature makes it 0 %."""
    rate = item.vat_rate if day is None else item.vat_rate_on(day)
    return rate or ZERO, item.vat_nature.upper() if item.vat_nature and not rate else None


def vat_summary(lines: Iterable[tuple[Decimal, Decimal, str | None]]) -> list[VatLine]:
    """`lines` are (amount, rate, nature); the result is sorted by rate, then nature."""
    taxable: dict[RateKey, Decimal] = defaultdict(Decimal)
    for amount, rate, nature in lines:
        taxable[rate_key(rate, nature)] += amount
    return [
        VatLine(rate, nature, amount, cents(amount * rate / 100))
        for (rate, nature), amount in sorted(taxable.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]


def as_stored(summary: Iterable[VatLine], vat: Decimal) -> list[VatLine]:
    """The VAT summary of a document whose VAT is `vat`, as the ledger stores it (the total, not
    each rate's): a credit note's VAT is what it adds to all credited of its invoice
    (`toolkit.core.credit_notes`), a cent up or down from its taxable × rate. The cents apart
    go one each to the rates whose exact VAT lies nearest them, so each rate stays within
    SDI's cent (00421) and the note's XML, print and register all show the same VAT per rate,
    decided from the ledger alone.

    >>> from decimal import Decimal as D
    >>> [s.vat for s in as_stored(vat_summary([(D("0.57"), D("22"), None), (D("0.18"), D("4"), None)]), D("0.13"))]
    [Decimal('0.01'), Decimal('0.12')]
    """
    rows = list(summary)
    left = vat - sum((s.vat for s in rows), ZERO)
    if not left:
        return rows
    step = CENT if left > 0 else -CENT
    taxed = sorted((n for n, s in enumerate(rows) if s.rate),
                   key=lambda n: (-(rows[n].taxable * rows[n].rate / 100 - rows[n].vat) * step, n))
    for n in (taxed * int(abs(left) / CENT))[:int(abs(left) / CENT)]:
        rows[n] = replace(rows[n], vat=rows[n].vat + step)
    return rows


def totals(summary: Iterable[VatLine]) -> tuple[Decimal, Decimal, Decimal]:
    """(taxable, VAT, total)."""
    summary = list(summary)
    taxable = sum((s.taxable for s in summary), ZERO)
    vat = sum((s.vat for s in summary), ZERO)
    return taxable, vat, taxable + vat


def total_with_vat(lines: Iterable[DocumentLine]) -> Decimal:
    """What these lines cost with their VAT, rounded as an invoice of them alone would be: VAT
    per rate on the rate's sum, never the sum of each line's rounded VAT, which may be a cent
    off. One delivery's due on an invoice, and what its driver collects, are such a total."""
    return totals(vat_summary((line.amount, line.vat_rate, line.vat_nature) for line in lines))[2]
