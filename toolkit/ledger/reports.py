"""What the reports read from the ledger: one query per report, amounts as stored.

Amounts come back as the ledger keeps them — integers of cents, quantities of thousandths,
prices of millionths — not as `Decimal`: a month at a large distributor is a million lines,
and pandas sums integers exactly and fast, where a column of `Decimal` objects is neither.

The database sums the lines to the grain a report shows — day or month, customer, item, and
whether the day is the period's or the comparison's — so a year's million lines arrive as a
few hundred thousand sums. The sums are of the stored integers, so they are exact.
`toolkit.services.reports` turns them into tables.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import (
    BigInteger,
    Connection,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from toolkit.core import stamp_duty
from toolkit.core.invoicing import InvoiceKind
from toolkit.core.reports import DEBIT_NOTES, VOLUME_DISCOUNTS
from toolkit.core.shipping import SERVICES_SERIES
from toolkit.ledger import parties, schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.types import stored_integer

o, ol = schema.orders.c, schema.order_lines.c
d, dl = schema.deliveries.c, schema.delivery_lines.c
i, il = schema.invoices.c, schema.invoice_lines.c

EXCLUDED_STATUSES = ("draft", "not-accepted", "voided")
"""Orders that are not sales: drafts, quotations the customer did not accept, voided orders."""
EXCLUDED_TYPES = ("quotation", "proposal")
"""A quotation or proposal is not an order until it is confirmed (then the order counts)."""


@dataclass(frozen=True, slots=True)
class Rows:
    """A query's result: column names and plain rows (amounts as scaled integers, dates as
    the driver gives them)."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


Periods = Sequence[tuple[date, date]]
"""The days to read: the report's period and, when it compares, the period before."""


def _within(column: Any, periods: Periods) -> Any:
    return or_(*(column.between(start, end) for start, end in periods))


def _run(conn: Connection, query: Select[Any]) -> Rows:
    """The rows as the database driver returns them: a date may be the ISO text SQLite keeps
    (pandas reads either), and SQLAlchemy's per-value conversion, a third of a million-line
    read, is skipped."""
    result = conn.execute(query)
    try:
        return Rows(tuple(result.keys()), list(result.cursor.fetchall()))
    finally:
        result.close()


Grain = Literal["day", "month"]
"""What the lines are summed by, besides customer and item: each day, or each month (`2026-04`)."""


class _month_of(FunctionElement[str]):
    """A date's month as `YYYY-MM` text: the first seven characters of the ISO text SQLite
    keeps, `to_char` on PostgreSQL."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(_month_of)
def _month_text(element: Any, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(_month_of, "sqlite")
def _month_text_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


def _keys(day: Any, customer: Any, item: Any, periods: Periods, grain: Grain) -> list[Any]:
    """The grain's columns: `day` (a date, or `YYYY-MM` by month), `current` (1 in the
    report's period, 0 in the comparison's: the first of `periods` is the report's), customer
    and item."""
    return [(day if grain == "day" else _month_of(day)).label("day"),
            case((day >= periods[0][0], 1), else_=0).label("current"), customer.label("customer"),
            item.label("item")]


def _positions(keys: Sequence[Any]) -> list[Any]:
    """`GROUP BY 1, 2, …`: PostgreSQL takes an expression with a bound value (the period's
    first day) in the select list and the same one in GROUP BY as two different expressions."""
    return [literal_column(str(n)) for n in range(1, len(keys) + 1)]


def _sum(column: Any, name: str) -> Any:
    """The exact sum of the stored integers, as an integer (PostgreSQL sums `bigint` as
    `numeric`, which the driver would make `Decimal`)."""
    return cast(func.sum(stored_integer(column)), BigInteger).label(name)


def sales(conn: Connection, periods: Periods, grain: Grain = "day") -> Rows:
    """Order lines of the orders dated in the periods (ordered, whatever shipped since),
    summed to the grain: quantity and amount."""
    keys = _keys(o.order_date, o.customer, ol.item, periods, grain)
    return _run(conn, select(*keys, _sum(ol.quantity, "quantity"), _sum(ol.amount, "amount"))
        .select_from(schema.order_lines.join(schema.orders, ol.order_id == o.id))
        .where(_within(o.order_date, periods), o.status.not_in(EXCLUDED_STATUSES),
               o.document_type.not_in(EXCLUDED_TYPES))
        .group_by(*_positions(keys)))


def shipments(conn: Connection, periods: Periods, grain: Grain = "day") -> Rows:
    """DDT lines dated in the periods, summed to the grain: a line that shipped all its order
    line is worth the ordered amount, summed here; a line shipped in part (`part`, its id) is
    worth quantity × unit price rounded as an invoice would, which `toolkit.services.reports`
    works out exactly — so it comes alone, with its `unit_price`, and `amount` 0. Services
    rendered (`SERVICES_SERIES`) shipped nothing: the sales and invoiced reports count them."""
    whole = stored_integer(dl.quantity) == stored_integer(ol.quantity)
    keys = [*_keys(d.delivery_date, d.customer, ol.item, periods, grain),
            case((whole, None), else_=dl.id).label("part")]
    return _run(conn, select(
        *keys, _sum(dl.quantity, "quantity"), _sum(case((whole, stored_integer(ol.amount)), else_=0),
                                                    "amount"),
        cast(func.max(stored_integer(ol.unit_price)), BigInteger).label("unit_price"))
        .select_from(schema.delivery_lines.join(schema.deliveries, dl.delivery_id == d.id)
                     .join(schema.order_lines, dl.order_line_id == ol.id))
        .where(_within(d.delivery_date, periods), d.series != SERVICES_SERIES)
        .group_by(*_positions(keys)))


def invoiced(conn: Connection, periods: Periods, grain: Grain = "day") -> Rows:
    """Invoice and credit-note lines dated in the periods, drafts included (a draft run is
    the month's invoicing until it is undone), summed to the grain; credit notes' amounts are
    negative. The stamp duty charged to a customer, and a credit note's line giving it back, are
    left out: the seller collects it for the Treasury (art. 15 DPR 633/72), it is no sale, and
    counted it showed as a customer's goods of no item. A volume discount's credit note and a
    debit note, lines of no item, are the items `VOLUME_DISCOUNTS` and `DEBIT_NOTES`, of no
    quantity."""
    volume = and_(il.item == "", il.invoice_id.in_(select(schema.volume_settlements.c.credit_note_id)))
    debit = and_(il.item == "", i.kind == InvoiceKind.INVOICE.value, i.reason.is_not(None))
    keys = _keys(i.invoice_date, i.customer, case((volume, literal(VOLUME_DISCOUNTS)), (debit, literal(DEBIT_NOTES)),
                                                  else_=il.item), periods, grain)
    charge = and_(il.order_line_id.is_(None), il.description.startswith(stamp_duty.CHARGE_WORDS, autoescape=True))
    quantity = cast(func.sum(case((or_(volume, debit), 0), else_=stored_integer(il.quantity))),
                    BigInteger).label("quantity")
    return _run(conn, select(*keys, quantity, _sum(il.amount, "amount"))
        .select_from(schema.invoice_lines.join(schema.invoices, il.invoice_id == i.id))
        .where(_within(i.invoice_date, periods), not_(charge))
        .group_by(*_positions(keys)))


def printed_names(conn: Connection, customers: Collection[str]) -> dict[str, str]:
    """Customer code → its name as its latest order, DDT or invoice printed it (the parties the
    ledger keeps with each): who a customer was once *Clienti* no longer lists it, so a report
    of its sales or of what it still owes names it. Asked only for the few codes the master
    lacks; documents stored before the ledger kept their parties name nobody."""
    latest: dict[str, tuple[Any, int, int, int]] = {}
    for rank, (table, day) in enumerate(((schema.orders, o.order_date), (schema.deliveries, d.delivery_date),
                                         (schema.invoices, i.invoice_date))):
        for chunk in in_batches(sorted(set(customers))):
            for customer, when, row_id, parties_id in conn.execute(
                    select(table.c.customer, day, table.c.id, table.c.parties_id)
                    .where(table.c.customer.in_(chunk), table.c.parties_id.is_not(None))):
                found = (str(when), rank, row_id, parties_id)
                if customer not in latest or found > latest[customer]:
                    latest[customer] = found
    issued = parties.read(conn, [found[3] for found in latest.values()])
    return {customer: buyer.name for customer, found in latest.items()
            if (buyer := issued[found[3]].buyer) is not None}


def items_as_printed(conn: Connection, items: Collection[str], periods: Periods) -> dict[str, tuple[str, str]]:
    """Item code → the description and the unit of measure its latest invoice line (else the
    order line of a DDT line, else an order line) dated in the report's `periods` printed: who
    an item was once *Articoli* no longer lists it, so a report of its sales names it, and what
    its quantities count, so they add up with its fellows' of that unit. Asked only for the few codes the
    master lacks, among the documents of the report's days, by their dates' indexes (the orders
    as `sales` reads them): searched by item alone, which no index keys, it read every invoice
    and order line of the ledger's history for each report."""
    sources = (
        (il.id, il.item, schema.invoice_lines.join(schema.invoices, il.invoice_id == i.id),
         _within(i.invoice_date, periods)),
        (ol.id, ol.item, schema.delivery_lines.join(schema.deliveries, dl.delivery_id == d.id)
         .join(schema.order_lines, dl.order_line_id == ol.id), _within(d.delivery_date, periods)),
        (ol.id, ol.item, schema.order_lines.join(schema.orders, ol.order_id == o.id), _within(o.order_date, periods)),
    )
    found: dict[str, tuple[str, str]] = {}
    for line_id, item, lines, dated in sources:
        table = line_id.table
        for chunk in in_batches(sorted(set(items) - set(found))):
            # `item || ''`: SQLite read one code as an equality it would scan the lines for
            latest = select(func.max(line_id)).select_from(lines).where(dated, (item + "").in_(chunk)).group_by(item)
            found.update((code, (description, unit)) for code, description, unit in conn.execute(
                select(table.c.item, table.c.description, table.c.unit).where(table.c.id.in_(latest))))
    return found


def customers_on_record(conn: Connection) -> set[str]:
    """The customers the ledger holds orders or invoices of."""
    return set(conn.execute(select(o.customer).union(select(i.customer))).scalars())
