"""Invoices and credit notes whose kept totals no longer equal their lines.

An invoice keeps its taxable amount, VAT and total beside its lines (`schema.invoices`): the
register, the e-invoice's summary and the payments' status read them, the lines print under them.
Stored together they agree: the taxable amount is the lines' sum and the total the taxable amount
and the VAT. A total edited by hand, or lines deleted from under it, is found here in one
statement per rule: SDI refuses an e-invoice whose summary does not add up (00422, 00423), later.

The VAT is kept as the document's total (`invoices.vat`), and per rate only where a credit
note's differs from its taxable's (`schema.credit_vat`, a cent up or down); every other rate's
VAT is its taxable's, half-up to cents (`toolkit.core.vat.vat_summary`). `vat_unlike` holds the
kept VAT to that in one statement: a rate's kept VAT more than SDI's cent from its lines'
(00421), a document's VAT not its rates' sum. A credit note with no rate kept, as every note
stored before schema 32, may be a cent per rate from its lines' (`toolkit.ledger.invoices.
stored_summary` shares it among its rates), as SDI allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Connection, and_, case, cast, func, literal, not_, null, select, union_all

from toolkit.core.invoicing import InvoiceKind
from toolkit.ledger import schema
from toolkit.ledger.db import document_number
from toolkit.ledger.kept_drift import Drift
from toolkit.ledger.types import places_of, stored_integer

i, il, cv = schema.invoices.c, schema.invoice_lines.c, schema.credit_vat.c
CENTS = places_of(i.total)
RATE_PLACES = places_of(il.vat_rate)
PER_CENT = 100 * 10 ** RATE_PLACES
"""A rate's VAT in cents is its taxable's cents × its stored rate / `PER_CENT` (22 % is kept as 2200)."""


@dataclass(frozen=True, slots=True)
class VatUnlike:
    """A document whose kept VAT its lines contradict: at one `rate` (a credit note's rate kept
    apart, or the document's one taxed rate), or, `rate` None, its VAT against its rates' sum."""

    number: str
    rate: Decimal | None
    kept: Decimal
    lines: Decimal


def unequal(conn: Connection) -> list[Drift]:
    """Every invoice whose taxable amount is not its lines' sum (a `Drift` of the figure
    `taxable`), or whose total is not its taxable amount and VAT (`total`), by number."""
    lines = (select(il.invoice_id, func.sum(stored_integer(il.amount)).label("summed"))
             .group_by(il.invoice_id).subquery())
    summed = func.coalesce(lines.c.summed, 0)
    taxable, vat, total = stored_integer(i.taxable), stored_integer(i.vat), stored_integer(i.total)
    found: list[Drift] = []
    for series, year, number, kept_taxable, by_lines, kept_total, kept_vat in conn.execute(
            select(i.series, i.year, i.number, taxable, summed, total, vat)
            .select_from(schema.invoices.outerjoin(lines, lines.c.invoice_id == i.id))
            .where((taxable != summed) | (total != taxable + vat)).order_by(i.series, i.year, i.number)):
        shown = document_number(series, year, number)
        if kept_taxable != by_lines:
            found.append(Drift("taxable", "invoices", shown, _euros(kept_taxable), _euros(by_lines)))
        if kept_total != kept_taxable + kept_vat:
            found.append(Drift("total", "invoices", shown, _euros(kept_total), _euros(kept_taxable + kept_vat)))
    return found


def _euros(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-CENTS)


def vat_unlike(conn: Connection) -> list[VatUnlike]:
    """Every kept VAT its lines contradict, in one statement over every document, by number: a
    rate kept apart (`credit_vat`) more than a cent from its lines' VAT, and a document's VAT
    that is not the sum of its rates' (each kept apart, else its lines'); a credit note with
    no rate kept, within a cent per rate. The lines are grouped by document and rate once (the
    statement's cost: about 0.4 s of CPU over a month's 590,000 lines at L); the rates kept apart, a
    few, are summed again from their own lines."""
    rate, amount = stored_integer(il.vat_rate), stored_integer(il.amount)
    kept_rate = stored_integer(cv.vat_rate)
    apart = (select(cv.invoice_id.label("invoice_id"), kept_rate.label("rate"),
                    func.sum(stored_integer(cv.vat)).label("vat")).group_by(cv.invoice_id, kept_rate).subquery())
    rates = (select(il.invoice_id.label("invoice_id"), rate.label("rate"), _vat(func.sum(amount), rate).label("lines"))
             .where(rate != 0).group_by(il.invoice_id, rate).subquery())
    per_rate = (select(rates.c.invoice_id, rates.c.rate, func.coalesce(apart.c.vat, rates.c.lines).label("vat"),
                       apart.c.vat.label("kept"))
                .select_from(rates.outerjoin(apart, and_(apart.c.invoice_id == rates.c.invoice_id,
                                                         apart.c.rate == rates.c.rate)))
                .subquery())
    summed = (select(per_rate.c.invoice_id, func.sum(per_rate.c.vat).label("vat"), func.count().label("rates"),
                     func.count(per_rate.c.kept).label("kept"), func.max(per_rate.c.rate).label("rate"))
              .group_by(per_rate.c.invoice_id).subquery())
    vat, stated, count = stored_integer(i.vat), func.coalesce(summed.c.vat, 0), func.coalesce(summed.c.rates, 0)
    shared = and_(i.kind == InvoiceKind.CREDIT_NOTE.value, func.coalesce(summed.c.kept, 0) == 0,
                  func.abs(vat - stated) <= count)
    by_lines = _vat(func.sum(amount), apart.c.rate)
    found = union_all(
        select(i.series, i.year, i.number, apart.c.rate, apart.c.vat, by_lines)
        .select_from(apart.join(schema.invoice_lines, and_(il.invoice_id == apart.c.invoice_id, rate == apart.c.rate))
                     .join(schema.invoices, i.id == apart.c.invoice_id))
        .group_by(i.series, i.year, i.number, apart.c.rate, apart.c.vat)
        .having(func.abs(apart.c.vat - by_lines) > 1),
        select(i.series, i.year, i.number, case((count == 1, summed.c.rate), else_=null()), vat, stated)
        .select_from(schema.invoices.outerjoin(summed, summed.c.invoice_id == i.id))
        .where(vat != stated, not_(shared))).subquery()
    series, year, number, at, *_ = found.c
    return [VatUnlike(document_number(s, y, n), None if r is None else Decimal(int(r)).scaleb(-RATE_PLACES).normalize(),
                      _euros(k), _euros(v))
            for s, y, n, r, k, v in conn.execute(select(*found.c).order_by(series, year, number, at))]


def _vat(taxable: Any, rate: Any) -> Any:
    """The VAT in cents of a rate's `taxable` cents at `rate` (stored), half-up as
    `toolkit.basics.money.cents` rounds: away from zero, a credit note's negative amounts too.
    The sum made a bigint first: PostgreSQL's SUM of bigints is numeric, whose division is not
    an integer's."""
    product = cast(taxable, BigInteger) * rate
    half = literal(PER_CENT // 2)
    return case((product >= 0, (product + half) // PER_CENT), else_=-((half - product) // PER_CENT))
