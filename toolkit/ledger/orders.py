"""Orders in the ledger: store drafts, read orders back with what was shipped and invoiced.

Shipped and invoiced quantities are sums of the DDT and invoice lines, so they can never
disagree with the documents; the order line keeps the sum of its DDT lines as well
(`order_lines.shipped`, added as each DDT is stored) for the day's shipping to read what is
still open, and the tests hold it equal to the DDT lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, and_, bindparam, func, insert, or_, select, update

from toolkit.basics import codes
from toolkit.basics.bulk_records import maker
from toolkit.basics.problems import Problem
from toolkit.basics.vocab import DocumentType, PaymentMethod
from toolkit.core.delivery_rate import RatedAgain
from toolkit.core.documents import DeliveryNote
from toolkit.core.drafts import OrderDraft
from toolkit.core.invoicing import BillableGoods, Shipment
from toolkit.core.lines import line_amount
from toolkit.core.orders import AMBIGUOUS_ORDER, EFFECTS, AtOnce, Order, OrderLine, OrderStatus
from toolkit.core.reservations import NAMED, NONE, Reservations, covered_by_stock
from toolkit.ledger import parties, reserved, schema, unshipped
from toolkit.ledger.batches import IN_LIST, among, bound_among, fits_one_list, id_lists, in_batches, one_array
from toolkit.ledger.db import (
    bare_number,
    document_number,
    draw_numbers,
    driver_rows,
    event_row,
    insert_columns,
    insert_numbered,
    insert_numbered_columns,
    insert_rows,
    log_batch,
    log_events,
    now,
    series_typed,
    user,
    years_numbered,
)
from toolkit.ledger.reserved import HOLDER_AT, LEFT_AT, PLACE_AT
from toolkit.ledger.types import ScaledValues, as_stored, places_of, stored_integer
from toolkit.model.parties import Parties, PartyBook

o, ol = schema.orders.c, schema.order_lines.c


def existing_numbers(conn: Connection, keys: Iterable[tuple[str, date]],
                     customers: Mapping[tuple[str, date], str] | None = None) -> dict[tuple[str, date], str]:
    """The numbers of the orders that already exist for these (template, occurrence) keys.

    Asked as "these templates on these days" and filtered here: the keys span a day or a few
    missed ones, and one OR-ed condition per key cost more to build than the query took.

    A template is the same whatever the case of its code (`codes.folded`): T004 renamed
    t004 after its orders were made still has them, and is never ordered twice on a day. The
    ledger keeps the code as it was stored, so a key not found as typed is looked for among
    the orders of its customer (`customers`) on its day, through their index, and compared."""
    wanted = set(keys)
    found = _numbers_of_templates(conn, _OF_TEMPLATES, wanted)
    missing = {key: customers[key] for key in wanted - found.keys() if customers and key in customers}
    return found | (_found_in_another_case(conn, missing) if missing else {})


def voided_numbers(conn: Connection, keys: Collection[tuple[str, date]]) -> dict[tuple[str, date], str]:
    """The numbers of the voided orders that hold these (template, occurrence) keys: a day of a
    template keeps its one order, voided too, so `orders create` never makes it again. Asked
    as `existing_numbers` asks, the statement compiled once (`_VOIDED_OF_TEMPLATES`)."""
    return _numbers_of_templates(conn, _VOIDED_OF_TEMPLATES, set(keys))


def _numbers_of_templates(conn: Connection, statement: Select[Any], wanted: Collection[tuple[str, date]]
                          ) -> dict[tuple[str, date], str]:
    """The numbers `statement` (`_OF_TEMPLATES` or a narrowing of it) finds for these
    (template, occurrence) keys, asked as "these templates on these days" 500 templates at a
    time and filtered here."""
    days = sorted({d for _, d in wanted})
    templates = sorted({t for t, _ in wanted})
    found: dict[tuple[str, date], str] = {}
    for start in range(0, len(templates), 500):
        for template, day, series, year, number in driver_rows(
                conn, statement, {"days": days, "templates": templates[start:start + 500]}):
            if (template, day) in wanted:
                found[(template, day)] = document_number(series, year, number)
    return found


def ordered_quantities(conn: Connection, keys: Collection[tuple[str, date]]) -> dict[tuple[str, date], tuple[str, Decimal]]:
    """The number and total quantity of the orders not voided that hold these (template,
    occurrence) keys: what an exception on *Eccezioni* added since may no longer match."""
    if not keys:
        return {}
    rows = conn.execute(select(o.template, o.occurrence, o.series, o.year, o.number, func.sum(ol.quantity))
                        .join(schema.order_lines, ol.order_id == o.id)
                        .where(o.occurrence.in_(sorted({d for _, d in keys})),
                               o.template.in_(sorted({t for t, _ in keys})),
                               o.status != OrderStatus.VOIDED.value)
                        .group_by(o.id, o.template, o.occurrence, o.series, o.year, o.number)).all()
    wanted = set(keys)
    return {(r[0], r[1]): (document_number(r[2], r[3], r[4]), Decimal(r[5])) for r in rows if (r[0], r[1]) in wanted}


def standing_numbers(conn: Connection, keys: Collection[tuple[str, date]]) -> dict[tuple[str, date], str]:
    """The numbers of the orders not voided that hold these (template, occurrence) keys: the
    orders made for a rule date before an exception or a closure moved its delivery elsewhere.
    Few keys (only moved deliveries ask), so asked as "these templates on these days", the
    codes as the ledger keeps them (through the (template, occurrence) index)."""
    if not keys:
        return {}
    wanted = {(codes.folded(t), d): (t, d) for t, d in keys}
    rows = conn.execute(select(o.template, o.occurrence, o.series, o.year, o.number)
                        .where(o.occurrence.in_(sorted({d for _, d in keys})),
                               o.template.in_(sorted({t for t, _ in keys})),
                               o.status != OrderStatus.VOIDED.value)).all()
    return {wanted[(codes.folded(r.template), r.occurrence)]: document_number(r.series, r.year, r.number)
            for r in rows if (codes.folded(r.template), r.occurrence) in wanted}


def open_orders_of_days(conn: Connection, first: date, last: date
                        ) -> list[tuple[str, date, str, str, str | None, int | None]]:
    """(template, occurrence, number, customer, destination, parties id) of the templates' orders
    due from `first` to `last` still a draft or in progress: those a template changed since their
    creation may no longer plan, or plan for another customer or destination, or whose customer
    is another company in this copy (the parties they printed, `issued_parties`)."""
    rows = conn.execute(select(o.template, o.occurrence, o.series, o.year, o.number, o.customer, o.ship_to,
                               o.parties_id)
                        .where(o.occurrence.between(first, last), o.template.is_not(None),
                               o.status.in_([OrderStatus.DRAFT.value, OrderStatus.IN_PROGRESS.value]))
                        .order_by(o.occurrence, o.year, o.series, o.number))
    return [(r.template, r.occurrence, document_number(r.series, r.year, r.number), r.customer, r.ship_to,
             r.parties_id) for r in rows]


def open_quantities_of_days(conn: Connection, first: date, last: date) -> dict[tuple[str, date], tuple[str, Decimal]]:
    """(template folded, occurrence) → (number, total quantity) of the templates' orders due from
    `first` to `last` still a draft or in progress: what their template's lines, changed since,
    may no longer ask for. Asked by the days and the open statuses, as `open_orders_of_days`: by
    the 8,000 templates of a day, as `ordered_quantities` asks a few, PostgreSQL took 0.3 to 0.6 s
    on a day with no order yet."""
    rows = conn.execute(select(o.template, o.occurrence, o.series, o.year, o.number, func.sum(ol.quantity))
                        .join(schema.order_lines, ol.order_id == o.id)
                        .where(o.occurrence.between(first, last), o.template.is_not(None),
                               o.status.in_([OrderStatus.DRAFT.value, OrderStatus.IN_PROGRESS.value]))
                        .group_by(o.id, o.template, o.occurrence, o.series, o.year, o.number)).all()
    return {(codes.folded(r[0]), r[1]): (document_number(r[2], r[3], r[4]), Decimal(r[5])) for r in rows}


def _found_in_another_case(conn: Connection, customers: Mapping[tuple[str, date], str]
                           ) -> dict[tuple[str, date], str]:
    """The keys whose template's order exists under its code in another case, from the orders
    of their customers on their days (a template's order is dated its occurrence)."""
    folded = {(codes.folded(t), d): (t, d) for t, d in customers}
    days = sorted({d for _, d in customers})
    found: dict[tuple[str, date], str] = {}
    for chunk in in_batches(sorted(set(customers.values()))):
        for template, day, series, year, number in driver_rows(
                conn, _OF_CUSTOMERS, {"customers": chunk, "dated": days, "days": days}):
            if (key := folded.get((codes.folded(template), day))) is not None:
                found[key] = document_number(series, year, number)
    return found


_OF_TEMPLATES = (select(o.template, o.occurrence, o.series, o.year, o.number)
                 .where(o.occurrence.in_(bindparam("days", expanding=True)),
                        o.template.in_(bindparam("templates", expanding=True))))
_OF_CUSTOMERS = (select(o.template, o.occurrence, o.series, o.year, o.number)
                 .where(o.customer.in_(bindparam("customers", expanding=True)),
                        o.order_date.in_(bindparam("dated", expanding=True)),
                        o.occurrence.in_(bindparam("days", expanding=True)), o.template.is_not(None)))
"""`existing_numbers`' two reads, compiled once (`driver_rows`): a date at L asks for 8,000 keys
in 16 lists of templates and, none being there yet, 7 lists of customers; SQLAlchemy compiling
each list again took half of the 37 ms of CPU a preview and a create each spent in them."""

_VOIDED_OF_TEMPLATES = _OF_TEMPLATES.where(o.status == OrderStatus.VOIDED.value)
"""`voided_numbers`' read: SQLAlchemy compiling the 8,000 templates of a date at L in one `IN`
list took 0.015–0.04 s of CPU in each preview and create."""


class HeldOrder(NamedTuple):
    """An order whose documents issued at once wait for its day."""

    id: int
    number: str
    template: str | None
    day: date
    documents: AtOnce
    customer: str
    document_type: str = DocumentType.STANDARD
    """A return's held invoice is a credit note (`HeldInvoice.kind`)."""


def held_orders(conn: Connection, *, until: date | None = None, days: Collection[date] | None = None
                ) -> list[HeldOrder]:
    """The open orders whose documents issued at once wait for their day (`orders.documents_held`),
    those due by `until` or those of `days`, in day and number order: a handful, read through
    their partial index. A voided or closed order's documents are never issued."""
    query = (select(o.id, o.series, o.year, o.number, o.template, o.occurrence, o.documents_held, o.customer,
                    o.document_type)
             .where(schema.documents_held, o.status == OrderStatus.IN_PROGRESS.value))
    if until is not None:
        query = query.where(o.occurrence <= until)
    if days is not None:
        query = query.where(o.occurrence.in_(sorted(days)))
    rows = conn.execute(query.order_by(o.occurrence, o.year, o.series, o.number))
    return [HeldOrder(r.id, document_number(r.series, r.year, r.number), r.template, r.occurrence,
                      AtOnce.read(r.documents_held), r.customer, r.document_type) for r in rows]


def documents_issued(conn: Connection, ids: Sequence[int]) -> None:
    """These orders' held documents are issued: they wait no more. In the write transaction
    that read them (`held_orders`): the ledger's write lock makes a colleague's run wait for
    this one, and it finds them issued."""
    for chunk in in_batches(ids):
        conn.execute(update(schema.orders).where(o.id.in_(chunk)).values(documents_held=None))


def rate_again(conn: Connection, rated: Sequence[RatedAgain]) -> dict[int, tuple[int, int]]:
    """Store on their order lines the rate of the DDT's date they ship at, and on a VAT-included
    list the net price it makes of the shelf price (`toolkit.core.delivery_rate`): before the DDTs
    that ship them are stored, in their transaction, so the DDTs' kept values, the invoice, its
    XML and the register all read the line as it shipped.

    A line shipped in part before (`RatedAgain.kept`) keeps its rate for what its DDTs shipped,
    which their invoices read through it: its quantity becomes that, and the rest a new line of
    its order (numbered after its last) at the new rate, with the line's item, text, note and
    price rule. Returns, per line split, the new line's id and number, for the DDT of the day to
    cite. Only lines rated again are written: a day without a rate change writes nothing here.
    Each cut is logged (`CUT`), the one record of which line is the rest of which (`cuts_logged`)."""
    whole = [r for r in rated if r.kept is None]
    if whole:
        conn.execute(update(schema.order_lines).where(ol.id == bindparam("line_id")).values(
            vat_rate=bindparam("rate", type_=ol.vat_rate.type), vat_nature=bindparam("nature", type_=ol.vat_nature.type),
            unit_price=bindparam("price", type_=ol.unit_price.type), amount=bindparam("total", type_=ol.amount.type)),
            [dict(line_id=r.order_line_id, rate=r.vat_rate, nature=r.vat_nature, price=r.unit_price, total=r.amount)
             for r in whole])
    return {r.order_line_id: _split(conn, r) for r in rated if r.kept is not None}


def _split(conn: Connection, rated: RatedAgain) -> tuple[int, int]:
    """The line `rated` cut at what it shipped (`rate_again`): the new line's (id, line_no)."""
    line = conn.execute(select(ol.order_id, ol.line_no, ol.item, ol.description, ol.unit, ol.quantity, ol.note,
                               ol.price_rule).where(ol.id == rated.order_line_id)).one()
    line_no = conn.execute(select(func.max(ol.line_no)).where(ol.order_id == line.order_id)).scalar_one() + 1
    conn.execute(update(schema.order_lines).where(ol.id == rated.order_line_id).values(
        quantity=rated.kept, amount=rated.kept_amount))
    new_id = conn.execute(insert(schema.order_lines).values(
        order_id=line.order_id, line_no=line_no, item=line.item, description=line.description, unit=line.unit,
        quantity=line.quantity - rated.kept, unit_price=rated.unit_price, amount=rated.amount,
        vat_rate=rated.vat_rate, vat_nature=rated.vat_nature, note=line.note, price_rule=line.price_rule,
        shipped=Decimal(0)).returning(ol.id)).scalar_one()
    log_events(conn, [event_row(CUT, "order", line.order_id, None, f"line {line.line_no} rest {line_no}")])
    return new_id, line_no


CUT = "line-cut"
"""The event (`schema.line_cuts`) of an order line cut at a VAT rate change (`_split`), its detail «line 1 rest 3»: a
later line of the same item, text and rule at another rate, the earlier one shipped whole, is
also what an item ordered twice on purpose leaves when its second line ships after the change."""


def cuts_logged(conn: Connection, order_ids: Collection[int]) -> dict[tuple[int, int], int]:
    """The cuts of these orders the event log holds (`CUT`): by (order id, number of the rest's
    line), the number of the line cut. A cut made before the log kept them is not among them.
    The ledger's cuts, a few per order a rate change found part shipped, are read in one pass
    through their own index (`schema.cuts_index`, whose condition `schema.line_cuts` is), not
    the whole log."""
    if not order_ids:
        return {}
    e, wanted = schema.events.c, set(order_ids)
    found: dict[tuple[int, int], int] = {}
    for order_id, detail in conn.execute(select(e.document_id, e.detail).where(schema.line_cuts, e.document == "order")):
        words = str(detail).split()
        if order_id in wanted and len(words) == 4 and words[1].isdigit() and words[3].isdigit():
            found[order_id, int(words[3])] = int(words[1])
    return found


def insert_orders(conn: Connection, drafts: Sequence[OrderDraft], series: str,
                  statuses: Sequence[OrderStatus], marks: Sequence[Mapping[str, Any]] | None = None, *,
                  book: PartyBook | None = None, lang: str) -> list[tuple[int, str]]:
    """Number and store the drafts (orders, lines, one "generated" event each) in a few
    executemany statements; returns (id, number) per draft, in order. `marks`, one per draft,
    are columns set on the stored order in place of the draft's (an imported form's origin,
    digest and empty template), in the same insert rather than an update after it. Each order
    keeps the parties it prints, as `book` (the master's) says them now (`toolkit.ledger.parties`,
    which stores each distinct one once); without a book, none (printed with the master of the day)."""
    years = [d.occurrence.year for d in drafts]
    numbers = draw_numbers(conn, [(series, year) for year in years])
    columns = _order_columns(drafts, series, years, numbers, statuses)
    columns["unshipped_euros"], columns["unshipped_micros"] = _unshipped_as_drafted(drafts)
    columns["lang"] = [lang] * len(drafts)
    if book is not None:
        columns["parties_id"] = parties.keep(conn, _parties(drafts, book))
    for i, mark in enumerate(marks or ()):
        for key, value in mark.items():
            columns.setdefault(key, [None] * len(drafts))[i] = value
    ids = insert_numbered_columns(conn, schema.orders, columns)
    insert_columns(conn, schema.order_lines, _line_columns(ids, drafts))
    reserved.recount(conn, ids, items_twice=_items_twice(ids, drafts), fresh=True)
    shown = [document_number(series, year, number) for year, number in zip(years, numbers)]
    log_batch(conn, "generated", ["order"] * len(ids), ids, shown,
              [f"{d.template} {d.occurrence.isoformat()}" for d in drafts])
    return list(zip(ids, shown))


def _order_columns(drafts: Sequence[OrderDraft], series: str, years: list[int], numbers: list[int],
                   statuses: Sequence[OrderStatus]) -> dict[str, list[Any]]:
    """The drafts as the orders table's columns: a day's 8,000 orders go to the database
    without a dictionary each (`insert_numbered_columns`)."""
    count = len(drafts)
    return dict(
        series=[series] * count, year=years, number=numbers, template=[d.template for d in drafts],
        occurrence=[d.occurrence for d in drafts], order_date=[d.occurrence for d in drafts],
        customer=[d.customer for d in drafts], ship_to=[d.ship_to for d in drafts], contact=[d.contact for d in drafts],
        document_type=[d.document_type.value for d in drafts], status=[status.value for status in statuses],
        price_list=[d.price_list for d in drafts], price_version=[d.price_version for d in drafts],
        price_type=[d.price_type.value for d in drafts], project=[d.project for d in drafts],
        delivery_option=[d.delivery_option for d in drafts],
        customer_reference=[d.customer_reference for d in drafts],
        payment_method=[d.payment_method.value if d.payment_method else None for d in drafts],
        created_at=[now()] * count, created_by=[user()] * count)


def _unshipped_as_drafted(drafts: Sequence[OrderDraft]) -> tuple[list[int], list[int]]:
    """Each draft's kept value still to ship as its two integers (`unshipped.as_drafted`): an
    order just stored has shipped nothing and is on no invoice, so it is its lines' value."""
    pairs = [unshipped.as_drafted((line.quantity, line.unit_price) for line in d.lines) for d in drafts]
    return [euros for euros, _ in pairs], [micros for _, micros in pairs]


def _line_columns(ids: Sequence[int], drafts: Sequence[OrderDraft]) -> dict[str, list[Any]]:
    """The drafts' lines as the order_lines table's columns: a day's 50,000 lines go to the
    database without a dictionary each (`insert_columns`)."""
    lines = [line for d in drafts for line in d.lines]
    return dict(order_id=[order_id for order_id, d in zip(ids, drafts) for _ in d.lines],
                line_no=[x.line_no for x in lines], item=[x.item for x in lines],
                description=[x.description for x in lines], unit=[x.unit for x in lines],
                quantity=[x.quantity for x in lines], unit_price=[x.unit_price for x in lines],
                amount=[x.amount for x in lines], vat_rate=[x.vat_rate for x in lines],
                vat_nature=[x.vat_nature for x in lines], note=[x.note for x in lines],
                price_rule=[x.price_rule for x in lines])


def _items_twice(ids: Sequence[int], drafts: Sequence[OrderDraft]) -> list[int]:
    """The ids of the drafts that list an item on two lines or more: the others' stored lines
    are each their order's kept reservation of their item as they stand (`reserved.recount`'s
    `items_twice`). A template or form may list an item twice, a day's orders at L do not."""
    return [order_id for order_id, d in zip(ids, drafts) if len({x.item for x in d.lines}) != len(d.lines)]


def _parties(drafts: Sequence[OrderDraft], book: PartyBook) -> list[Parties]:
    """Each draft's parties: its customer, destination and contact person, no carrier (an order
    names none)."""
    return [book.parties(d.customer, d.ship_to, contact=d.contact) for d in drafts]


StoredOrder = tuple[int, str, OrderDraft]
"""An order `insert_orders` just stored: its id, its number and the draft it was stored from."""


def stored_shipments(conn: Connection, orders: Sequence[StoredOrder],
                     line_ids: Mapping[tuple[int, int], int] | None = None) -> list[Shipment]:
    """What `invoices.ordered_not_invoiced(conn, order_ids=…)` reads back for orders just stored
    and not yet voided, as one shipment per order (`core.invoicing.order_shipments` of it),
    built from their drafts: the same lines in the same order, each value in the form its
    column gives back. Only the lines' ids are read (unless given: `stored_line_ids`).

    Creating a day's orders at L invoices thousands of them at once, and reading them back (the
    lines joined to their orders, every value converted again, a record per line) took as long
    as storing them. `tests/test_invoice_at_creation.py` holds the two equal, to each
    `Decimal`'s form."""
    wanted = [x for x in orders if x[2].document_type not in (DocumentType.QUOTATION, DocumentType.PROPOSAL)]
    ids = stored_line_ids(conn, [order_id for order_id, _, _ in wanted]) if line_ids is None else line_ids
    quantities, prices, rates = (_StoredForm(places_of(c)) for c in (ol.quantity, ol.unit_price, ol.vat_rate))
    amounts: dict[tuple[Decimal, Decimal], Decimal] = {}
    found = []
    for order_id, number, d in sorted(wanted, key=lambda x: (x[2].occurrence, x[0])):
        lines: list[BillableGoods] = []
        for x in d.lines:
            quantity, price = quantities[x.quantity], prices[x.unit_price]
            if not quantity:
                continue
            amount = amounts.get((quantity, price))
            if amount is None:
                amount = amounts[quantity, price] = line_amount(quantity, price)
            lines.append((x.item, x.description, x.unit, quantity, price, amount, rates[x.vat_rate], x.vat_nature,
                          ids[order_id, x.line_no], None))
        if lines:
            found.append(Shipment(None, order_id, number, d.occurrence, d.customer, d.ship_to, d.project,
                                  d.payment_method, d.customer_reference, tuple(lines)))
    return found


def stored_orders(orders: Sequence[StoredOrder], statuses: Sequence[OrderStatus],
                  line_ids: Mapping[tuple[int, int], int], book: PartyBook | None = None, *,
                  lang: str) -> list[Order]:
    """What `load_orders(conn, ids=…)` reads back for orders `insert_orders` has just stored from
    these drafts, with these statuses, no marks and the same `book`, in the same transaction: nothing shipped or
    invoiced yet, no quotation confirmed, no form; each value in the form its column gives
    back; in number order. Only the lines' ids come from the ledger (`stored_line_ids`).

    The orders that ship as they are created (warehouse, POS, on-credit) were read back whole
    to be shipped: 0.1–0.15 s of CPU for a day's at L, to learn what had just been written.
    `tests/test_orders_from_drafts.py` holds the two equal, to each `Decimal`'s form."""
    quantities, prices, amounts, rates = (_StoredForm(places_of(c))
                                          for c in (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate))
    zero = Decimal(0)
    found = []
    kept = _parties([d for _, _, d in orders], book) if book is not None else [None] * len(orders)
    for (order_id, number, d), status, printed in zip(orders, statuses, kept):
        lines = tuple(OrderLine(x.item, x.description, x.unit, quantities[x.quantity], prices[x.unit_price],
                                amounts[x.amount], rates[x.vat_rate], x.vat_nature, line_ids[order_id, x.line_no],
                                x.line_no, x.note, zero, zero, x.price_rule)
                      for x in sorted(d.lines, key=lambda x: x.line_no))
        found.append(Order(order_id, number, d.template, d.occurrence, d.occurrence, d.customer, d.ship_to, d.contact,
                           d.document_type, status, d.price_list, d.price_version, d.project, d.delivery_option,
                           lines, d.customer_reference, d.payment_method, parties=printed, lang=lang))
    return sorted(found, key=lambda order: _number_order(order.number))


def _number_order(number: str) -> tuple[int, str, int]:
    """(year, series, number) of a shown order number, the order `load_orders` gives."""
    series, year, seq = _split_number(number)
    return year, series or "", seq


def stored_line_ids(conn: Connection, order_ids: Sequence[int]) -> dict[tuple[int, int], int]:
    """The stored lines' ids by (order id, line number), in one statement on PostgreSQL
    (`id_lists`). Read at the driver level (`driver_rows`, the statement built once): creating a
    day at L asks the 45,000 lines of the orders shipped or invoiced at once, and SQLAlchemy
    compiled each `IN` list again and made a `Row` of each line."""
    found: dict[tuple[int, int], int] = {}
    as_array = one_array(conn)
    for asked in id_lists(conn, sorted(order_ids)):
        found.update(((order_id, line_no), id_) for order_id, line_no, id_ in
                     driver_rows(conn, _line_ids(as_array), {"ids": asked}))
    return found


@cache
def _line_ids(as_array: bool) -> Select[Any]:
    """`stored_line_ids`' statement, built once per way of binding the ids."""
    return select(ol.order_id, ol.line_no, ol.id).where(bound_among(ol.order_id, "ids", as_array=as_array))


class _StoredForm(dict[Decimal, Decimal]):
    """A `Decimal` → the same value as its `Scaled` column of `places` gives it back (`7` →
    `7.000`), made once per distinct value: equal values store the same integer whatever their
    form, so the cache cannot change what is given back."""

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def __missing__(self, value: Decimal) -> Decimal:
        number = self[value] = as_stored(value, self.places)
        return number


def last_generated(conn: Connection) -> date | None:
    return conn.execute(select(func.max(schema.generation_runs.c.occurrence_date))).scalar()


def record_generation(conn: Connection, day: date) -> None:
    conn.execute(insert(schema.generation_runs).values(occurrence_date=day, at=now(), by=user()))


_LINE_COLUMNS = (ol.item, ol.description, ol.unit, ol.quantity, ol.unit_price, ol.amount, ol.vat_rate, ol.vat_nature,
                 ol.id, ol.line_no, ol.note, ol.price_rule)
"""The columns an `OrderLine` is built from, in its fields' order."""


def load_orders(conn: Connection, *, ids: Sequence[int] | None = None, statuses: Sequence[OrderStatus] | None = None,
                occurrence_from: date | None = None, occurrence_to: date | None = None,
                customer: str | None = None, credits: bool = False, invoiced_too: bool = True,
                printed_too: bool = True) -> list[Order]:
    """The orders asked for with their lines and what was shipped and invoiced of each; with
    `credits`, also what credit notes took back of those invoices (`OrderLine.credited`, two
    more statements per list of orders), which only the views that show it read: shipping,
    printing and the lists never look at it. Without `invoiced_too` nothing is invoiced
    (`OrderLine.invoiced` zero), without `printed_too` no order kept its parties
    (`Order.parties` None): the distribution and complete lists show neither, and at L
    mid-month reading them for the list's 72,000 orders and 500,000 lines took 0.4 s of CPU
    each (`services.lists.distribution`)."""
    query = select(schema.orders)
    if ids is not None:
        query = query.where(o.id.in_(list(ids)))
    if statuses:
        query = query.where(o.status.in_([s.value for s in statuses]))
    if occurrence_from is not None:
        query = query.where(o.occurrence >= occurrence_from)
    if occurrence_to is not None:
        query = query.where(o.occurrence <= occurrence_to)
    if customer is not None:
        query = query.where(o.customer == customer)
    headers = conn.execute(query.order_by(o.year, o.series, o.number)).all()
    if not headers:
        return []
    order_ids = [h.id for h in headers]
    lines = defaultdict(list)
    as_array = one_array(conn)
    shipped = _sums(conn, _summed("delivery_lines", as_array), order_ids)
    invoiced = _sums(conn, _summed("invoice_lines", as_array), order_ids) if invoiced_too else {}
    credited = _credited(conn, order_ids) if credits else {}
    issued = parties.read(conn, [h.parties_id for h in headers]) if printed_too else {}
    zero = Decimal(0)
    statement = _lines_of(as_array)
    quantities, prices, amounts, rates = map(ScaledValues.of, (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate))
    for chunk in id_lists(conn, order_ids):
        for (order_id, item, description, unit, quantity, price, amount, rate, nature, line_id, line_no, note,
             rule) in driver_rows(conn, statement, {"ids": chunk}):
            lines[order_id].append(make_order_line(
                item, description, unit, quantities[quantity], prices[price], amounts[amount], rates[rate], nature,
                line_id, line_no, note, shipped.get(line_id, zero), invoiced.get(line_id, zero), rule,
                credited.get(line_id, zero)))
    return _orders_of(conn, headers, lines, issued)


def to_ship_by(conn: Connection, day: date) -> list[Order]:
    """The orders in progress that ship, due by `day`, in number order, each with only its lines
    still to ship (ordered ≠ shipped) and what shipped of each as the line keeps it
    (`order_lines.shipped`, the sum of its DDT lines: zero when none, as `load_orders` gives
    it); nothing invoiced and no parties printed, as `load_orders(invoiced_too=False,
    printed_too=False)` gives them. The distribution list's own read: it prints what is left to
    load and nothing else. At L mid-month its 72,000 orders hold 500,000 lines, of which
    330,000 still to ship: reading them all and summing each one's DDT lines again took 3.9 s
    of CPU, these 2.7 s (`services.lists.distribution`). A line shipped whole that a later line is the rest
    of (`toolkit.core.delivery_rate.cut_lines`) is not here: the orders the log names a cut of
    (`cuts_logged`) are the ones to read whole for that."""
    shipping = [kind.value for kind, effects in EFFECTS.items() if effects.ships]
    headers = conn.execute(
        select(schema.orders)
        .where(o.status == OrderStatus.IN_PROGRESS.value, o.occurrence <= day, o.document_type.in_(shipping))
        .order_by(o.year, o.series, o.number)).all()
    lines = defaultdict(list)
    statement = _lines_to_ship(one_array(conn))
    quantities, prices, amounts, rates = map(ScaledValues.of, (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate))
    zero = Decimal(0)
    for chunk in id_lists(conn, [h.id for h in headers]):
        for (order_id, item, description, unit, quantity, price, amount, rate, nature, line_id, line_no, note,
             rule, sent) in driver_rows(conn, statement, {"ids": chunk}):
            lines[order_id].append(make_order_line(
                item, description, unit, quantities[quantity], prices[price], amounts[amount], rates[rate], nature,
                line_id, line_no, note, quantities[sent] if sent else zero, zero, rule, zero))
    return _orders_of(conn, headers, lines, {})


def _orders_of(conn: Connection, headers: Sequence[Any], lines: Mapping[int, Sequence[OrderLine]],
               issued: Mapping[int, Parties]) -> list[Order]:
    """The `Order`s of these rows of the orders table, with their `lines` and the parties each
    printed (`issued`, by parties id), each citing the quotation it confirms."""
    cited = _numbers(conn, {h.confirms for h in headers if h.confirms is not None})
    return [
        make_order(h.id, document_number(h.series, h.year, h.number), h.template, h.occurrence, h.order_date, h.customer,
                   h.ship_to, h.contact, TYPES[h.document_type], STATUSES[h.status], h.price_list,
                   h.price_version, h.project, h.delivery_option, tuple(lines.get(h.id, ())), h.customer_reference,
                   PAYMENTS[h.payment_method] if h.payment_method else None,
                   *cited.get(h.confirms, NOT_CITED), imported_from(h.origin),
                   AtOnce.read(h.documents_held) if h.documents_held else NO_DOCUMENTS_HELD, issued.get(h.parties_id), h.lang)
        for h in headers
    ]


TYPES = {kind.value: kind for kind in DocumentType}
STATUSES = {status.value: status for status in OrderStatus}
PAYMENTS = {method.value: method for method in PaymentMethod}
"""The enums by stored value, looked up: a day at L builds 120,000 order headers, and calling
each enum by its value was a tenth of that."""
make_order, make_order_line = maker(Order), maker(OrderLine)
"""The records the orders' reads make by the ten thousand, made through their slots
(`toolkit.basics.bulk_records`): a frozen `Order`'s `__init__` sets its 22 fields one by one
through `object.__setattr__`, 10.7 µs an order against 4.9 µs so (timeit); 23 April at L
makes 13,000 due orders and their lines for shipping (`ledger.shipments`), and its distribution
list reads 72,000 orders and 390,000 lines (`load_orders`). Every field is passed, in order."""
NO_DOCUMENTS_HELD = Order.__dataclass_fields__["documents_held"].default
"""`Order.documents_held` as an order that waits for no document has it (the field's default)."""


NOT_CITED: tuple[str | None, DocumentType | None] = (None, None)
"""An order that confirms no quotation: no number, no type."""

FORM_ORIGIN = "form:"


def form_origin(file: str) -> str:
    """Where an order imported from a customer's form came from, as `orders.origin` keeps it.

    >>> form_origin("ordine 12.xlsx")
    'form:ordine 12.xlsx'
    """
    return FORM_ORIGIN + file


def imported_from(origin: str | None) -> str | None:
    """The form's file name in an imported order's `origin`.

    >>> imported_from("form:ordine 12.xlsx"), imported_from(None)
    ('ordine 12.xlsx', None)
    """
    return origin.removeprefix(FORM_ORIGIN) if origin is not None and origin.startswith(FORM_ORIGIN) else None


def _numbers(conn: Connection, ids: Collection[int]) -> dict[int, tuple[str, DocumentType]]:
    """The shown numbers and types of these orders (the quotations that confirmed orders cite,
    the holders a stock warning names), asked by id in one statement per `among` list."""
    found: dict[int, tuple[str, DocumentType]] = {}
    for condition in among(conn, o.id, sorted(ids)):
        for order_id, series, year, number, kind in conn.execute(
                select(o.id, o.series, o.year, o.number, o.document_type).where(condition)):
            found[order_id] = document_number(series, year, number), DocumentType(kind)
    return found


def order_parties(conn: Connection, order_ids: Collection[int]) -> dict[int, int]:
    """The id of the parties each of these orders printed (`issued_parties`), by order id; an
    order stored before the ledger kept its parties is not there (as `deliveries.kept_parties`)."""
    return parties.kept_by(conn, schema.orders, order_ids)


def confirmation_of(conn: Connection, quotation: Order) -> str | None:
    """The number of the order that confirmed this quotation or proposal, if one did."""
    row = conn.execute(select(o.series, o.year, o.number).where(o.confirms == quotation.id)).first()
    return document_number(row.series, row.year, row.number) if row else None


def insert_confirmation(conn: Connection, quotation: Order, day: date, series: str, status: OrderStatus,
                        document_type: DocumentType, book: PartyBook, *, lang: str) -> tuple[int, str]:
    """Store the order that confirms a quotation or proposal: its lines and prices as quoted,
    dated `day`, due on the quotation's date, citing it (`confirms`, unique: once only), and a
    "confirmed" event. It has no template (NULL), which the unique (template, occurrence) of
    the orders a template makes never confuses with another. A new document, it keeps the
    parties the master (`book`) says now, as `insert_orders` does."""
    header = conn.execute(select(schema.orders).where(o.id == quotation.id)).one()
    (number,) = draw_numbers(conn, [(series, day.year)])
    created_at, created_by = now(), user()
    (parties_id,) = parties.keep(conn, [book.parties(header.customer, header.ship_to, contact=header.contact)])
    (order_id,) = insert_numbered(conn, schema.orders, [dict(
        series=series, year=day.year, number=number, template=None, occurrence=quotation.occurrence,
        order_date=day, customer=header.customer, ship_to=header.ship_to, contact=header.contact,
        document_type=document_type.value, status=status.value, price_list=header.price_list,
        price_version=header.price_version, price_type=header.price_type, project=header.project,
        delivery_option=header.delivery_option, customer_reference=header.customer_reference,
        payment_method=header.payment_method, confirms=quotation.id, created_at=created_at,
        created_by=created_by, parties_id=parties_id, lang=lang)])
    insert_rows(conn, schema.order_lines, [
        dict(order_id=order_id, line_no=line.line_no, item=line.item, description=line.description, unit=line.unit,
             quantity=line.quantity, unit_price=line.unit_price, amount=line.amount, vat_rate=line.vat_rate,
             vat_nature=line.vat_nature, note=line.note, price_rule=line.price_rule)
        for line in quotation.lines])
    unshipped.recount(conn, [order_id])
    reserved.recount(conn, [order_id], fresh=True)
    shown = document_number(series, day.year, number)
    log_events(conn, [event_row("confirmed", "order", order_id, shown, f"{quotation.number} {day.isoformat()}")])
    return order_id, shown


def _credited(conn: Connection, order_ids: list[int]) -> dict[int, Decimal]:
    """Per order line, what credit notes took back of the invoice lines that invoiced it, as a
    positive quantity: their own lines citing them (`invoice_lines.credits_line_id`) and the
    returns' (`returned_lines`), as `ledger.credit_notes.taken_back` reads them for one invoice,
    here through the order lines, each through its index."""
    invoiced, credit, r = schema.invoice_lines.c, schema.invoice_lines.alias("credit").c, schema.returned_lines.c
    out: dict[int, Decimal] = defaultdict(Decimal)
    for chunk in in_batches(order_ids):
        for cited, quantity in ((credit.credits_line_id, credit.quantity), (r.invoice_line_id, r.quantity)):
            rows = conn.execute(
                select(ol.id, func.sum(quantity))
                .select_from(schema.order_lines.join(schema.invoice_lines, invoiced.order_line_id == ol.id)
                             .join(quantity.table, cited == invoiced.id))
                .where(ol.order_id.in_(chunk)).group_by(ol.id))
            for line_id, total in rows:
                out[line_id] -= Decimal(total)
    return out


def _sums(conn: Connection, statement: Select[Any], order_ids: list[int]) -> dict[int, Decimal]:
    """Per order line, the sum of a document's quantities (`_summed`; SUM keeps the column's exact type)."""
    out: dict[int, Decimal] = {}
    for chunk in id_lists(conn, order_ids):
        out.update(driver_rows(conn, statement, {"ids": chunk}))
    return out


@cache
def _summed(table: str, as_array: bool) -> Select[Any]:
    """Per line of the orders bound as `ids` (`bound_among`), what the document lines of `table`
    (delivery or invoice lines) hold of it: built once and read from the driver (`driver_rows`),
    as `load_orders` reads a list's 72,000 orders at L mid-month."""
    lines = schema.metadata.tables[table].c
    return (select(lines.order_line_id, func.sum(lines.quantity))
            .select_from(lines.order_line_id.table.join(schema.order_lines, lines.order_line_id == ol.id))
            .where(bound_among(ol.order_id, "ids", as_array=as_array)).group_by(lines.order_line_id))


@cache
def _lines_to_ship(as_array: bool) -> Select[Any]:
    """`_lines_of`, only the lines still to ship, each with what shipped of it (`order_lines.shipped`,
    its stored integer): `to_ship_by`'s statement."""
    return _lines_of(as_array).add_columns(stored_integer(ol.shipped)).where(schema.left_to_ship != 0)


@cache
def _lines_of(as_array: bool) -> Select[Any]:
    """The lines of the orders bound as `ids`, with their order's id, in order (`_LINE_COLUMNS`), the
    quantity, price, amount and rate as their stored integers, each distinct one made a `Decimal`
    once (`ScaledValues`)."""
    scaled = (ol.quantity, ol.unit_price, ol.amount, ol.vat_rate)
    columns = [stored_integer(c) if any(c is s for s in scaled) else c for c in _LINE_COLUMNS]
    return (select(ol.order_id, *columns).where(bound_among(ol.order_id, "ids", as_array=as_array))
            .order_by(ol.order_id, ol.line_no))


FEW_ITEMS = IN_LIST
"""Up to how many items `reservations` reads only their lines; past that it reads every open
line in one pass. (`held_queues` reads a few thousand items' lines in one long list where the
driver binds them all: at L a single list of 7,157 items took 0.69 s against 1.1 s for the
whole pass, where a list per `IN_LIST` items would scan the lines once per list.)"""


def reservations(conn: Connection, items: Collection[str] | None = None, *,
                 short_of: Mapping[str, Decimal] | None = None, asked: Collection[int] | None = None
                 ) -> Reservations:
    """What every open order holds in stock now (`toolkit.core.reservations`): the orders of a
    type that reserves, while a draft or in progress, with what they still have to ship. With
    `items` (at most `FEW_ITEMS`), only those items' reservations: each item's queue is its own,
    so they are the same, and creating a day's orders that ship at once at L read 17 s of
    every open order's lines to plan a few hundred items.

    The ledger keeps what each order still has to ship of each item, with the order's place in
    the item's queue (`toolkit.ledger.reserved`), as stored integers, and they are read as
    such: a day's shipping at L holds hundreds of thousands of open lines, and bringing each
    back as decimals to sum it here was a quarter of the day, and grouping them in the database
    on every read was 1.9 s of CPU late in a month. Each item's rows come with their places,
    in rank order (`_ranked`): reading every holder's place apart and sorting each queue from
    scratch was 0.6 s more. The rows are read as they come, an item at a time, not gathered
    first: half a million rows of nine values held at once were 150 MB at L. With
    `short_of` (the stock found), only the items the stock does not cover (`_short_rows`).
    `asked`: the ids of the orders the caller will ask about (`Reservations.of_queues`); then
    only the first holders of each queue are named (`NAMED`), else every holder.
    The line-by-line read is the test oracle `tests/oracles/reservations_rowwise.py`."""
    places = places_of(ol.quantity)
    if short_of is None:
        entries, found = _queued(_held_rows(conn, items), places, None)
    else:
        rows, found = _short_rows(conn, items, places, short_of)
        entries = _queued(rows, places, short_of)[0]
    if not found:
        return NONE
    queues = _ranked({item: [(row[PLACE_AT], row[HOLDER_AT], row[LEFT_AT]) for row in rows]
                      for item, rows in entries.items()})
    return Reservations.of_queues(queues, places, _names(conn, queues, every=asked is None), asked)


class HeldQueues:
    """Every reserving holder's open quantity of some items, read once and kept up to date
    with what ships: creating a day's orders ships each occurrence day's in turn, and reading
    the reservations for each day (`reservations`) scanned every open line of the ledger each
    time (no index on the item): on April's final ledger at L, four days of `create_late`
    read them four times, 5.2 s of CPU. The queues of a day are those `reservations` reads
    after the days before it shipped (`tests/test_orders_from_drafts.py`). The holders' names
    are read as the queues need them, in the caller's transaction (`conn`)."""

    def __init__(self, conn: Connection, held: dict[str, dict[int, tuple[tuple[int, str, int], int]]],
                 places: int, elsewhere: bool):
        self._conn, self._held, self._places, self._elsewhere = conn, held, places, elsewhere
        self._totals = _totals(held)

    def reservations(self, items: Collection[str], short_of: Mapping[str, Decimal],
                     asked: Collection[int] | None = None) -> Reservations:
        """As `reservations(conn, items, short_of=short_of, asked=asked)` reads them now (among
        `items` kept): `NONE` when it finds no holder at all, where it looks (the items, or past
        `FEW_ITEMS` the whole ledger); else the queues of those of `items` the stock does not
        cover."""
        few = len(items) <= FEW_ITEMS
        if not (any(item in self._held for item in items) if few else self._held or self._elsewhere):
            return NONE
        held, totals, places = self._held, self._totals, self._places
        queues = _ranked({item: [(place, order_id, left) for order_id, (place, left) in held[item].items()]
                          for item in sorted(items) if item in held
                          and not covered_by_stock(totals[item], places, short_of.get(item, Decimal(0)))})
        return Reservations.of_queues(queues, self._places, _names(self._conn, queues, every=asked is None), asked)

    def shipped(self, notes: Iterable[DeliveryNote]) -> None:
        """Less what these DDTs, just stored, ship of each holder's lines: a line ships at most
        what it has open, and an order left with nothing of an item no longer holds it."""
        for note in notes:
            for line in note.lines:
                holders = self._held.get(line.item)
                if holders is None or line.order_id not in holders:
                    continue
                place, held = holders[line.order_id]
                left = held - int(line.quantity.scaleb(self._places))
                if left > 0:
                    holders[line.order_id] = place, left
                    self._totals[line.item] -= held - left
                else:
                    del holders[line.order_id]
                    self._totals[line.item] -= held
                    if not holders:
                        del self._held[line.item], self._totals[line.item]


def _totals(held: Mapping[str, Mapping[int, tuple[Any, int]]]) -> dict[str, int]:
    """Each item's sum over its holders (`HeldQueues`), summed once when they are read and
    kept up to date with what ships: `HeldQueues.reservations` asks of every item whether the
    stock covers it (`covered_by_stock`), and summing every holder of every item again on each
    day's read (up to four days in a `create`) took 31 ms a read on 277,000 made-up holders of
    2,700 items, the size of a late `create` at L, against 3 ms with the sums kept."""
    return {item: sum(map(itemgetter(1), holders.values())) for item, holders in held.items()}


def held_queues(conn: Connection, items: Collection[str]) -> HeldQueues:
    """The holders of these items and what each still has to ship, read in one pass (see
    `HeldQueues`, and `reservations` for the query): of these items only, in one `IN` list
    where the driver binds them all (`fits_one_list`), and whether any other item has a holder.

    Past `FEW_ITEMS` every holder's lines were read, and every holding order's rank: creating
    the day after April at L ships orders of 7,157 items, held in 270,000 (item, holder) rows
    by 108,000 of the 131,000 holding orders, where every holder's lines are 567,000 such rows
    on April's final ledger alone; reading only theirs took 1.67 s of CPU against 2.53 s
    (`create_late`'s read, both ways alternated five times in its transaction, medians).
    `tests/test_held_queues_listed.py` compares the two."""
    wanted = set(items)
    listed = sorted(items) if len(items) > FEW_ITEMS and fits_one_list(conn, items) else None
    rows = _held_rows(conn, items) if listed is None else driver_rows(conn, reserved.rows(True), {"items": listed})
    held: dict[str, dict[int, tuple[tuple[int, str, int], int]]] = {}
    elsewhere = False
    for item, kept in groupby(rows, key=itemgetter(0)):
        if item in wanted:
            held[item] = {row[HOLDER_AT]: (row[PLACE_AT], row[LEFT_AT]) for row in kept}
        else:
            elsewhere = True
    if listed is not None:
        elsewhere = conn.execute(reserved.elsewhere(), {"items": listed}).first() is not None
    return HeldQueues(conn, held, places_of(ol.quantity), elsewhere)


def _short_rows(conn: Connection, items: Collection[str] | None, places: int, short_of: Mapping[str, Decimal]
                ) -> tuple[Iterable[tuple[Any, ...]], bool]:
    """`_held_rows` of only the items `short_of` (the stock found) does not cover for every
    holder (`covered_by_stock`), judged on each item's sum, which the database gives from the
    kept rows in one pass: late in a month at L, 400,000 of the 657,000 holders' rows are of
    covered items, which the plan takes as free and which were read only to be summed. Also
    whether any order holds any of `items` (any item, when they are not few)."""
    few = items is not None and len(items) <= FEW_ITEMS
    summed = driver_rows(conn, reserved.totals(few), {"items": sorted(items)} if few and items is not None else {})
    found = False
    short = []
    for item, held in summed:
        found = True
        if not covered_by_stock(held, places, short_of.get(item, Decimal(0))):
            short.append(item)
    short.sort()
    if not short:
        return [], found
    if len(short) <= FEW_ITEMS:
        return _held_rows(conn, short), found
    if fits_one_list(conn, short):
        return driver_rows(conn, reserved.rows(True), {"items": short}), found
    return _held_rows(conn, None), found


def _held_rows(conn: Connection, items: Collection[str] | None) -> Iterable[tuple[Any, ...]]:
    """What each reserving holder (of `items` when they are few) still has to ship of each
    item, as the ledger keeps them (`toolkit.ledger.reserved.rows`): by item, each item's in
    rank order. Read at the driver level (`driver_rows`): 657,000 rows late in a month at L."""
    few = items is not None and len(items) <= FEW_ITEMS
    return driver_rows(conn, reserved.rows(few), {"items": sorted(items)} if few and items is not None else {})


def _queued(held: Iterable[Any], places: int, short_of: Mapping[str, Decimal] | None
            ) -> tuple[dict[str, list[Any]], bool]:
    """The kept rows (`_held_rows`) of the items to queue, per item: every item's, or with
    `short_of` only those the stock does not cover (`covered_by_stock`); and whether there was
    any row at all. The rows come ordered by item, grouped and summed a whole item at a time
    without a Python step per row: on April's final ledger at L, 567,000 rows of which 244,000
    are queued, the whole read took 2.2 s of CPU against 2.75 s when each row was sorted into
    its item's list here (medians of 3). `tests/test_shipping_setbased.py` and
    `tests/test_reservations.py` compare the queues with the line-by-line read."""
    entries: dict[str, list[Any]] = {}
    found = False
    for item, rows in groupby(held, key=itemgetter(0)):
        kept = list(rows)
        found = True
        if short_of is None or not covered_by_stock(sum(map(itemgetter(LEFT_AT), kept)), places, short_of.get(item, Decimal(0))):
            entries[item] = kept
    return entries, found


def _ranked(queues: dict[str, list[tuple[Any, int, int]]]) -> dict[str, list[tuple[Any, int, int]]]:
    """The queues (entries (rank, order id, left)) each sorted in place as the core ranks: the
    rows come in the database's order of the places' parts, which is Python's but for the
    series under a collation other than the code points' (PostgreSQL's locale may put `oc`
    before `PV`). On rows already in order the sort is one pass."""
    for queue in queues.values():
        queue.sort()
    return queues


def _names(conn: Connection, queues: Mapping[str, Sequence[tuple[Any, int, int]]], *, every: bool) -> dict[int, str]:
    """The numbers of the holders in ranked `queues` (`_ranked`): of every one with `every`,
    else of the first `NAMED` of each queue, the only ones a warning names: late in a month at
    L the queues hold 137,000 orders, and formatting each one's number on every read was a
    tenth of the reservations' time (`_numbers`)."""
    ids = sorted({order_id for queue in queues.values() for _, order_id, _ in (queue if every else queue[:NAMED])})
    return {order_id: document_number(series, year, number) for asked in id_lists(conn, ids)
            for order_id, series, year, number in driver_rows(conn, _numbered(one_array(conn)), {"orders": asked})}


@cache
def _numbered(as_array: bool) -> Select[Any]:
    """`_names`' statement, the orders bound as `orders` (`bound_among`), built once and read at
    the driver level (`driver_rows`): the holders a day's warnings name at L are 10,000 orders,
    and reading them through `_numbers` compiled an `IN` list per batch and made each one's
    type, which a name does not show (55 → 29 ms of CPU on 23 April at L)."""
    return select(o.id, o.series, o.year, o.number).where(bound_among(o.id, "orders", as_array=as_array))


def order_by_number(conn: Connection, typed: str) -> Order | Problem | None:
    """The order a typed number names, as leniently as an invoice number is read
    (`toolkit.basics.codes.document_number`: `oc-2026-41`, `41/2026`); an `AMBIGUOUS_ORDER`
    naming them when it may be more than one (a number with no series, where the ledger
    holds two series: the order series was changed in a year); None when it names none."""
    found = numbered(conn, typed)
    if len(found) > 1:
        return AMBIGUOUS_ORDER(None, typed=typed.strip(), numbers=", ".join(found), first=next(iter(found)))
    return load_orders(conn, ids=list(found.values()))[0] if found else None


def numbered(conn: Connection, typed: str) -> dict[str, int]:
    """The orders a typed number may name, shown number → id in number order: its series in any
    case, or every series of the ledger when it has none, through the number's unique index."""
    if (alone := bare_number(typed)) is not None:
        pairs = years_numbered(conn, schema.orders)
        found = {(r.series, r.year): r.id for r in conn.execute(select(o.id, o.series, o.year).where(
            o.number == alone, or_(*(and_(o.series == s, o.year == y) for s, y in pairs))))} if pairs else {}
        return {document_number(s, y, alone): found[(s, y)] for s, y in pairs if (s, y) in found}
    parsed = codes.document_number(typed)
    if parsed is None:
        return {}
    wanted, year, number = parsed
    series = series_typed(conn, schema.orders, wanted)
    if not series:
        return {}
    rows = conn.execute(select(o.id, o.series).where(o.series.in_(series), o.year == year, o.number == number)
                        .order_by(o.series))
    return {document_number(s, year, number): order_id for order_id, s in rows}


def _split_number(number: str) -> tuple[str | None, int, int]:
    parts = number.strip().rsplit("-", 2)
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None, 0, 0
    return parts[0], int(parts[1]), int(parts[2])


def set_status(conn: Connection, order: Order, status: OrderStatus, action: str) -> None:
    set_statuses(conn, [order], status, action)


def set_statuses(conn: Connection, orders: Sequence[Order], status: OrderStatus, action: str) -> None:
    """Move orders to `status`, logging each move (one statement per table for a day's shipments)."""
    ids = [order.id for order in orders]
    for chunk in in_batches(ids):
        conn.execute(update(schema.orders).where(o.id.in_(chunk)).values(status=status.value))
    reserved.recount(conn, ids)
    log_events(conn, [event_row(action, "order", order.id, order.number, f"{order.status.value} -> {status.value}")
                      for order in orders])



