"""DDTs in the ledger: numbering and storing them, and reading them back.

The shipping action itself (one write transaction: orders read again, planned, stored,
completed) is `toolkit.services.shipping`; here are the rows it reads and writes. Storing
refuses drafts that would ship more than the ledger says is open, whatever the caller planned.

`delivery_lines.quantity` is the quantity of one order line shipped on one DDT (negative on a
return); the shipped quantity of an order line is the sum of its delivery lines, and invoicing
reads the same rows joined with `order_lines`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, func, select

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.ddt_void import Voided
from toolkit.core.delivery_rate import Rest
from toolkit.core.documents import DeliveryNote, DeliveryNoteLine
from toolkit.core.lines import line_amount
from toolkit.core.orders import OrderLine
from toolkit.core.shipping import SERVICES_SERIES, Reason, ShipmentDraft, series_of, stock_levels
from toolkit.ledger import parties, reserved, schema, shipped_by_day, uninvoiced, unshipped
from toolkit.ledger.batches import among, in_batches
from toolkit.ledger.db import (
    add_by_id,
    document_number,
    draw_numbers,
    event_row,
    insert_numbered,
    insert_rows,
    log_events,
    now,
    user,
)
from toolkit.ledger.orders import cuts_logged
from toolkit.ledger.types import as_stored, places_of, stored_integer
from toolkit.model.parties import Buyer, Parties, PartyBook
from toolkit.model.records import MasterData

d, dl = schema.deliveries.c, schema.delivery_lines.c
o, ol = schema.orders.c, schema.order_lines.c


class OverShipment(RuntimeError):
    """A draft would ship more than is open: it was planned on stale figures. Nothing is stored."""


def store_drafts(conn: Connection, drafts: Sequence[ShipmentDraft], series: str, book: PartyBook, *,
                 forced_detail: Mapping[str, str] | None = None, accounting_date: date | None = None,
                 read: Mapping[int, OrderLine] | None = None, lang: str) -> list[int]:
    """Number and store the DDTs, log one "shipped" event each; returns their ids. Each DDT's
    accounting date is `accounting_date`, else its own date. The kept sums of what shipped
    (`order_lines.shipped`, `shipped_by_day`) grow with the DDT lines, and the orders' kept
    value still to ship (`toolkit.ledger.unshipped`), what they reserve
    (`toolkit.ledger.reserved`) and the new DDTs' value not yet invoiced
    (`toolkit.ledger.uninvoiced`) are summed again, in the same transaction. Each DDT keeps the
    parties it prints, as `book` (the master's) says them now (`toolkit.ledger.parties`).

    Refuses (OverShipment) drafts that would ship more than the ledger says is open. `read`:
    order lines by id that the caller read in this same write transaction, whose figures are
    then the ledger's: the check is answered from them where it can (`open_as_read`).
    """
    shipping = open_as_read(drafts, read) if read is not None else None
    if shipping is None:
        shipping = _check_open(conn, drafts)
    kinds = [series_of(draft, series) for draft in drafts]
    numbers = draw_numbers(conn, [(kinds[i], draft.day.year) for i, draft in enumerate(drafts)])
    created_at, created_by = now(), user()
    parties_ids = parties.keep(conn, [book.parties(draft.customer, draft.ship_to, draft.carrier) for draft in drafts])
    ids = insert_numbered(conn, schema.deliveries, [
        dict(series=kinds[i], year=draft.day.year, number=numbers[i], delivery_date=draft.day, customer=draft.customer,
             ship_to=draft.ship_to, carrier=draft.carrier, reason=draft.reason.value, packages=draft.packages,
             weight=draft.weight, forced=int(draft.forced), accounting_date=accounting_date or draft.day,
             created_at=created_at, created_by=created_by, parties_id=parties_ids[i], lang=lang,
             stored_late=int(shipped_by_day.stored_late(draft.day, created_at)))
        for i, draft in enumerate(drafts)])
    lines = [dict(delivery_id=delivery_id, order_line_id=line.order_line_id, quantity=line.quantity)
             for delivery_id, draft in zip(ids, drafts) for line in draft.lines]
    insert_rows(conn, schema.delivery_lines, lines)
    _add_shipped(conn, shipping)
    unshipped.recount(conn, {line.order_id for draft in drafts for line in draft.lines})
    uninvoiced.recount(conn, ids)
    reserved.shipped(conn, ids)
    shipped_by_day.add_deliveries(conn, ids)
    events = []
    for i, (delivery_id, draft) in enumerate(zip(ids, drafts)):
        detail = f"{draft.customer} {','.join(draft.orders)}"
        if draft.forced:
            detail += "; " + (forced_detail or {}).get(draft.customer, "forced")
        events.append(event_row("shipped", _logged_as(kinds[i]), delivery_id,
                                document_number(kinds[i], draft.day.year, numbers[i]), detail))
    log_events(conn, events)
    return ids


def _logged_as(series: str) -> str:
    """The event log's document: `delivery` for a DDT, `services` for a record of services
    rendered (`SERVICES_SERIES`), so the log never calls one a delivery. The action stays
    `shipped` for both: what reads the log (`toolkit.ledger.holds`) asks what shipping did."""
    return "services" if series == SERVICES_SERIES else "delivery"


def _check_open(conn: Connection, drafts: Sequence[ShipmentDraft]) -> dict[int, Decimal]:
    """Refuse the first order line (in the drafts' order) that these drafts would take past
    what is open; else return what they ship of each order line (`_wanted`), for
    `_add_shipped`. The figures come as the stored integers, each line's shipped quantity its
    kept sum (`order_lines.shipped`, 0 when nothing shipped): a day at L checks tens of
    thousands of lines, and making each figure a decimal cost more than the check. The
    line-by-line check is the test oracle `tests/oracles/reservations_rowwise.py`; the lines are
    asked in one statement on PostgreSQL (`among`; the IN-lists of `IN_LIST` lines are the
    oracle `tests/oracles/in_lists.py`)."""
    wanted = _wanted(drafts)
    figures: dict[int, tuple[int, int | None]] = {}
    for condition in among(conn, ol.id, list(wanted)):
        figures.update((line_id, (quantity, shipped or None)) for line_id, quantity, shipped in conn.execute(
            select(ol.id, stored_integer(ol.quantity), stored_integer(ol.shipped)).where(condition)))
    places = places_of(dl.quantity)
    for line_id, more in wanted.items():
        quantity, done = figures.get(line_id, (None, None))
        after = (done or 0) + more.scaleb(places)
        if quantity is None or past_open(after, Decimal(quantity)):
            ordered = None if quantity is None else Decimal(quantity).scaleb(-places)
            shown = Decimal(0) if done is None else Decimal(done).scaleb(-places)
            raise OverShipment(f"order line {line_id}: {ordered} ordered, {shown} shipped, {more} more")
    return wanted


def open_as_read(drafts: Sequence[ShipmentDraft], read: Mapping[int, OrderLine]) -> dict[int, Decimal] | None:
    """What these drafts ship of each order line (`_wanted`), when every line is among `read`
    and none of them would go past what it had open as read; else None, and the ledger is asked
    (`_check_open`), which refuses with the figures it holds.

    `read` must come from the same write transaction as the storing: under the ledger's write
    lock nothing else ships meanwhile, so its figures are those `_check_open` would read again.
    The day's shipping reads its orders that way (`toolkit.services.shipping._ship`), and
    reading the shipped lines' figures again was 0.93 s of the 14.7 s of five days at L
    (`ship_days`, profiled). Any line it cannot vouch for goes to the ledger, so what is refused
    and its message are `_check_open`'s."""
    wanted = _wanted(drafts)
    for line_id, more in wanted.items():
        line = read.get(line_id)
        if line is None:
            return None
        if past_open(line.shipped + more, line.quantity):
            return None
    return wanted


def past_open(shipped: Decimal, ordered: Decimal) -> bool:
    """Whether a line that ordered `ordered` would have shipped more than that once it has
    shipped `shipped` in all, or shipped the other way (a return line ships negative figures).

    >>> [past_open(Decimal(s), Decimal(o)) for s, o in ((5, 5), (6, 5), (-1, 5), (-2, -3), (0, -3))]
    [False, True, True, False, False]
    """
    return abs(shipped) > abs(ordered) or (shipped != 0 and (shipped < 0) != (ordered < 0))


def _wanted(drafts: Sequence[ShipmentDraft]) -> dict[int, Decimal]:
    """Order-line id → what these drafts ship of it, in the drafts' order."""
    wanted: dict[int, Decimal] = defaultdict(Decimal)
    for draft in drafts:
        for line in draft.lines:
            wanted[line.order_line_id] += line.quantity
    return wanted


def _add_shipped(conn: Connection, shipping: Mapping[int, Decimal]) -> None:
    """Each order line's kept sum of its DDT lines (`order_lines.shipped`) grows by what the
    DDT lines just stored ship of it (`add_by_id`: one statement, executed for every line by
    the driver). The statement as SQLAlchemy executed it is the test oracle
    `tests/oracles/shipped_added.py`."""
    places = places_of(ol.shipped)
    add_by_id(conn, ol.shipped, {line_id: int(quantity.scaleb(places)) for line_id, quantity in shipping.items()})


def available_stock(conn: Connection, master: MasterData) -> dict[str, Decimal] | None:
    """What is on hand now: the stock sheet, less what the ledger shipped since it was counted
    (Impostazioni › Data giacenze), returns added back. Without a count date the sheet is taken
    as today's stock, as the user keeps it.

    "Since it was counted" is `shipped_by_day.since_count`: the DDTs dated from the count's day on, and those
    dated before it but stored from that day on. A DDT travels with its goods, so goods whose
    DDT was stored after the count were on the shelf when it was counted, whatever date the DDT
    carries (a `ship` run late for an earlier day): reading them by their date alone left them
    in stock, and the next days shipped them a second time.

    What shipped is read from the sums kept per item and DDT date (`shipped_by_day`), not from
    the DDT lines: on April's final ledger at L, counted on 1 April, the 548,010 DDT lines
    joined to their order lines took 0.44 s of CPU each time (twice a working day), the 279,001
    kept rows take 0.08 s (fresh processes, alternated, medians of 5). The few DDTs back-dated
    before the count are summed from their lines. Summing the DDT lines is the test oracle
    `tests/oracles/stock_summed.py`."""
    levels = stock_levels(master)
    counted = master.settings.stock_date
    if levels is None or counted is None:
        return levels
    for item, shipped in shipped_by_day.since_count(conn, counted):
        levels[item] = levels.get(item, Decimal(0)) - shipped
    return levels


def dated_after(conn: Connection, series: str, day: date) -> tuple[str, date] | None:
    """The latest-dated DDT of `series` in `day`'s year dated after `day` (the highest number
    of that date), one issued ahead too, or None: a DDT dated `day` would take a number after
    it. A voided DDT holds no date back: it documents no transport, and voiding the one issued
    ahead is how goods that must leave before its day get their DDT."""
    d = schema.deliveries
    row = conn.execute(select(d.c.number, d.c.delivery_date).where(
        d.c.series == series, d.c.year == day.year, d.c.delivery_date > day, schema.in_force(d.c.id))
        .order_by(d.c.delivery_date.desc(), d.c.number.desc()).limit(1)).first()
    return None if row is None else (document_number(series, day.year, row.number), row.delivery_date)


@dataclass(frozen=True, slots=True)
class LaterDdts:
    """The DDTs in force of a series and year dated after a day, which a DDT of that day would
    be numbered after: the first few by date and number (`first`), how many (`count`), and the
    latest, which sets the first day a DDT may take (`latest`, `latest_day`). A return's DDT is
    among them: it is drawn from the same series as the goods leaving (`series_of`), so its
    number too follows dates (`latest_return`, the latest is one); and, unlike the others, it is
    never voided, so no DDT may be dated before the latest of them (`last_return`, its number
    and day)."""

    first: tuple[str, ...]
    count: int
    latest: str
    latest_day: date
    latest_return: bool
    last_return: tuple[str, date] | None = None


def later_ddts(conn: Connection, series: str, day: date, most: int = 5) -> LaterDdts | None:
    """The DDTs that hold back a DDT of `series` dated `day` (`LaterDdts`), or None: what
    `dated_after` answers, told in full for the refusal, where a desk that issued several ahead
    learns all it must void at once, not one a refusal."""
    d = schema.deliveries.c
    after = (d.series == series, d.year == day.year, d.delivery_date > day, schema.in_force(d.id))
    count = conn.execute(select(func.count()).where(*after)).scalar_one()
    if not count:
        return None
    first = conn.execute(select(d.number).where(*after).order_by(d.delivery_date, d.number).limit(most)).scalars()
    latest = conn.execute(select(d.number, d.delivery_date, d.reason).where(*after)
                          .order_by(d.delivery_date.desc(), d.number.desc()).limit(1)).one()
    returned = conn.execute(select(d.number, d.delivery_date).where(*after, d.reason == Reason.RETURN.value)
                            .order_by(d.delivery_date.desc(), d.number.desc()).limit(1)).first()
    return LaterDdts(tuple(document_number(series, day.year, n) for n in first), count,
                     document_number(series, day.year, latest.number), latest.delivery_date,
                     latest.reason == Reason.RETURN.value,
                     None if returned is None else (document_number(series, day.year, returned.number),
                                                    returned.delivery_date))


def stock_after(stock: Mapping[str, Decimal], notes: Sequence[DeliveryNote], counted: date | None) -> dict[str, Decimal]:
    """`stock` as `available_stock` gave it, less what these DDTs, stored since it was read,
    shipped (returns added back): what `available_stock` would read now, to each `Decimal`'s
    form, without reading what shipped since the count again. Without a count date the sheet
    is today's stock, unchanged.

    Every one of them is taken off, whatever its date: stored now, each is stored after the
    count was taken, as a count is never dated after today (`counted_ahead` refuses it before
    anything ships), and `shipped_by_day.since_count` takes off every DDT stored after the count.
    Asking each DDT again whether it came after the count was a second statement of that rule,
    which could only ever answer yes."""
    after = dict(stock)
    if counted is None:
        return after
    places = places_of(dl.quantity)
    for note in notes:
        for line in note.lines:
            after[line.item] = after.get(line.item, Decimal(0)) - as_stored(line.quantity, places)
    return after


def paid_orders(conn: Connection, order_ids: Collection[int], by: date | None = None) -> set[int]:
    """Orders whose prepayment has arrived: invoiced (final invoices), and every such invoice paid
    (`by` that day, when given: a DDT dated before the payment came would have the goods leave
    unpaid).

    The orders, then their invoices, are asked in one query each on PostgreSQL, in one per
    `IN_LIST` elsewhere (`among`): each of PostgreSQL's IN-lists of 900 orders scanned the
    order lines again, and on the last day of the month at M the 4,162 prepaid orders took
    100 ms of the server's CPU in 7 statements, 30 ms in 3 (medians of 9, alternated). The
    IN-lists are the test oracle `tests/oracles/reads_in_lists.py`."""
    return _settled(conn, order_ids, at_order=False, by=by)


def paid_at_order(conn: Connection, order_ids: Collection[int]) -> set[int]:
    """Orders invoiced at the order (POS, on-credit and prepay orders, customers invoiced
    *Immediato*: invoice lines citing no DDT line) on final invoices, every such invoice paid:
    a DDT of theirs paid cash on delivery has nothing left to collect
    (`toolkit.core.documents.DeliveryNote.to_collect`). An order invoiced with its DDTs counts
    for nothing here, paid or not: its later DDTs carry goods no invoice has charged yet."""
    return _settled(conn, order_ids, at_order=True)


@dataclass(frozen=True)
class Awaiting:
    """What the ledger says of orders held for their prepayment (`awaiting_payment`)."""

    part: Mapping[int, tuple[Decimal, Decimal]]
    """Those with some payment by the day, not all: what was paid and what their invoices total,
    so the desk is told what is missing rather than that nothing came."""
    later: frozenset[int]
    """Those paid in full, but only after the day (`paid_orders` without it)."""
    unbilled: frozenset[int]
    """Those no final invoice cites: no payment will come (`PaymentSoFar.unbilled`)."""


def awaiting_payment(conn: Connection, order_ids: Collection[int], by: date) -> Awaiting:
    """`Awaiting` of these orders, from one reading of their final invoices and totals: a day's
    plan read them three times (paid by the day, paid at all, invoiced at all)."""
    invoices_of, invoice_ids = _final_invoices(conn, order_ids, at_order=False)
    totals, paid = _totals(conn, invoice_ids), _paid(conn, invoice_ids, by)
    part = {}
    for order_id, ids in invoices_of.items():
        received, total = sum((paid.get(x, Decimal(0)) for x in ids), Decimal(0)), sum((totals[x] for x in ids), Decimal(0))
        if 0 < received < total:
            part[order_id] = (received, total)
    later = _all_paid(invoices_of, totals, _paid(conn, invoice_ids, None))
    return Awaiting(part, frozenset(later), frozenset(set(order_ids) - set(invoices_of)))


def _settled(conn: Connection, order_ids: Collection[int], *, at_order: bool, by: date | None = None) -> set[int]:
    """`paid_orders`, of only the invoice lines made at the order when `at_order`."""
    invoices_of, invoice_ids = _final_invoices(conn, order_ids, at_order=at_order)
    return _all_paid(invoices_of, _totals(conn, invoice_ids), _paid(conn, invoice_ids, by))


def _all_paid(invoices_of: Mapping[int, set[int]], totals: Mapping[int, Decimal], paid: Mapping[int, Decimal]
              ) -> set[int]:
    """The orders whose every invoice is paid in full."""
    settled = {x for x in totals if paid.get(x, Decimal(0)) >= totals[x]}
    return {order_id for order_id, ids in invoices_of.items() if ids <= settled}


def _final_invoices(conn: Connection, order_ids: Collection[int], *, at_order: bool
                    ) -> tuple[dict[int, set[int]], list[int]]:
    """Per order its final invoices' ids (only those made at the order when `at_order`), and
    every one of them once, in order: what their totals and payments are read by."""
    i, il = schema.invoices.c, schema.invoice_lines.c
    invoices_of: dict[int, set[int]] = defaultdict(set)
    made_at_order = (uninvoiced.cites_no_ddt_line(il.delivery_line_id),) if at_order else ()
    for condition in among(conn, ol.order_id, list(order_ids)):
        rows = conn.execute(
            select(ol.order_id, i.id).distinct()
            .select_from(schema.invoice_lines.join(schema.order_lines, ol.id == il.order_line_id)
                         .join(schema.invoices, i.id == il.invoice_id))
            .where(condition, i.status == "final", *made_at_order))
        for order_id, invoice_id in rows:
            invoices_of[order_id].add(invoice_id)
    return invoices_of, sorted({x for ids in invoices_of.values() for x in ids})


def _totals(conn: Connection, invoice_ids: Sequence[int]) -> dict[int, Decimal]:
    """Per invoice its total."""
    i = schema.invoices.c
    totals: dict[int, Decimal] = {}
    for condition in among(conn, i.id, invoice_ids):
        totals.update(conn.execute(select(i.id, i.total).where(condition)).all())
    return totals


def _paid(conn: Connection, invoice_ids: Sequence[int], by: date | None) -> dict[int, Decimal]:
    """Per invoice what was paid on it (by the day `by`, when given)."""
    p = schema.payments.c
    paid: dict[int, Decimal] = {}
    paid_by = (p.payment_date <= by,) if by is not None else ()
    for condition in among(conn, p.invoice_id, invoice_ids):
        paid.update(conn.execute(select(p.invoice_id, func.sum(p.amount)).where(condition, *paid_by)
                                 .group_by(p.invoice_id)).all())
    return paid


def load_notes(conn: Connection, *, ids: Sequence[int] | None = None, day_from: date | None = None,
               day_to: date | None = None, customer: str | None = None) -> list[DeliveryNote]:
    """DDTs with their lines (item, description, unit, price and VAT from the order lines), by number;
    a voided DDT with the lines it carried (`schema.voided_lines`, their ids that table's, cited by
    nothing) and why it was voided."""
    query = select(schema.deliveries)
    if ids is not None:
        query = query.where(d.id.in_(list(ids)))
    if day_from is not None:
        query = query.where(d.delivery_date >= day_from)
    if day_to is not None:
        query = query.where(d.delivery_date <= day_to)
    if customer is not None:
        query = query.where(d.customer == customer)
    headers = conn.execute(query.order_by(d.year, d.series, d.number)).all()
    issued = parties.read(conn, [h.parties_id for h in headers])
    lines: dict[int, list[DeliveryNoteLine]] = defaultdict(list)
    delivery_ids = [h.id for h in headers]
    voided = voided_of(conn, delivery_ids)
    for table, chunk in [*((schema.delivery_lines, chunk) for chunk in in_batches(delivery_ids)),
                         *((schema.voided_lines, chunk) for chunk in in_batches(sorted(voided)))]:
        c = table.c
        carried = (ol.unit_price, ol.vat_rate, ol.vat_nature) if table is schema.delivery_lines else (
            func.coalesce(c.unit_price, ol.unit_price, type_=ol.unit_price.type).label("unit_price"),
            func.coalesce(c.vat_rate, ol.vat_rate, type_=ol.vat_rate.type).label("vat_rate"),
            func.coalesce(c.vat_nature, ol.vat_nature).label("vat_nature"))
        rows = conn.execute(
            select(c.id, c.delivery_id, c.order_line_id, c.quantity, ol.order_id, ol.line_no, ol.item,
                   ol.description, ol.unit, *carried, o.series, o.year, o.number,
                   o.customer_reference, o.payment_method, ol.note, o.project)
            .select_from(table.join(schema.order_lines, ol.id == c.order_line_id)
                         .join(schema.orders, o.id == ol.order_id))
            .where(c.delivery_id.in_(chunk))
            .order_by(c.delivery_id, c.id))
        for r in rows:
            lines[r.delivery_id].append(DeliveryNoteLine(
                r.item, r.description, r.unit, r.quantity, r.unit_price, line_amount(r.quantity, r.unit_price),
                r.vat_rate, r.vat_nature, r.id, r.order_line_id, r.order_id,
                document_number(r.series, r.year, r.number), r.line_no, r.customer_reference,
                PaymentMethod(r.payment_method) if r.payment_method else None, r.note, r.project))
    return [
        DeliveryNote(h.id, document_number(h.series, h.year, h.number), h.series, h.year, h.number, h.delivery_date,
                     h.customer, h.ship_to, h.carrier, Reason(h.reason), h.packages, h.weight, bool(h.forced),
                     tuple(lines[h.id]), h.accounting_date, issued.get(h.parties_id), voided.get(h.id), h.lang)
        for h in headers
    ]


def voided_of(conn: Connection, delivery_ids: Collection[int]) -> dict[int, Voided]:
    """Of these DDTs, those voided (`toolkit ddt void`), with why, when and by whom."""
    vd = schema.voided_deliveries.c
    found: dict[int, Voided] = {}
    for condition in among(conn, vd.delivery_id, sorted(set(delivery_ids))):
        found.update((r.delivery_id, Voided(r.reason, r.voided_at, r.voided_by)) for r in conn.execute(
            select(vd.delivery_id, vd.reason, vd.voided_at, vd.voided_by).where(condition)))
    return found


def rests_dated(conn: Connection, found: Mapping[int, Rest],
                logged: Mapping[tuple[int, int], int] | None = None) -> dict[int, Rest]:
    """Of `found` (`toolkit.core.delivery_rate.rests`, what the lines look like), the rests of a
    cut the ledger logged (`toolkit.ledger.orders.cuts_logged`, which names the line cut), each
    dated by its line's first
    DDT, the one that cut the line it is the rest of: reads only when an order shown has a line
    that looks like one. An item ordered twice on purpose looks alike once its second line ships
    after a rate change, and a cut made before the log kept them is not told: no label beats a
    false one on an order. `logged`: the cuts of the orders shown, when the caller read them
    already (the distribution list, `services.lists.distribution`), not read again."""
    ol = schema.order_lines.c
    placed: dict[int, tuple[int, int]] = {}
    for condition in among(conn, ol.id, sorted(found)):
        placed.update((line_id, (order_id, line_no)) for line_id, order_id, line_no in conn.execute(
            select(ol.id, ol.order_id, ol.line_no).where(condition)))
    if logged is None:
        logged = cuts_logged(conn, {order_id for order_id, _ in placed.values()})
    kept = {line_id: replace(rest, of=logged[placed[line_id]]) for line_id, rest in found.items()
            if placed.get(line_id) in logged}
    days: dict[int, date] = {}
    for condition in among(conn, dl.order_line_id, sorted(kept)):
        days.update((line_id, day) for line_id, day in conn.execute(
            select(dl.order_line_id, func.min(d.delivery_date)).join(schema.deliveries, d.id == dl.delivery_id)
            .where(condition).group_by(dl.order_line_id)))
    return {line_id: replace(rest, since=days.get(line_id)) for line_id, rest in kept.items()}


def ids_of_days(conn: Connection, days: Collection[date], customers: Collection[str]) -> list[int]:
    """The ids of these customers' DDTs and records of services rendered of these days: which
    of them a printing does not hold already is all it reads again (`load_notes`)."""
    return [r.id for some in in_batches(sorted(customers))
            for r in conn.execute(select(d.id).where(d.delivery_date.in_(sorted(days)), d.customer.in_(some)))]


def invoices_charging(conn: Connection, lines: Sequence[DeliveryNoteLine]) -> dict[int, int]:
    """By DDT line id, the invoice (draft or final) that charges it, citing it or, invoiced at
    the order, its order line: the invoice whose due a driver's cash settles
    (`toolkit.core.documents.cash_to_collect`). Lines not invoiced yet are left out."""
    il = schema.invoice_lines.c
    found: dict[int, int] = {}
    for condition in among(conn, il.delivery_line_id, sorted({line.id for line in lines})):
        found.update(conn.execute(select(il.delivery_line_id, il.invoice_id).where(condition)).all())
    by_order_line: dict[int, int] = {}
    for condition in among(conn, il.order_line_id, sorted({line.order_line_id for line in lines})):
        by_order_line.update(conn.execute(select(il.order_line_id, il.invoice_id)
                                          .where(condition, uninvoiced.cites_no_ddt_line(il.delivery_line_id))).all())
    return {line.id: found[line.id] if line.id in found else by_order_line[line.order_line_id]
            for line in lines if line.id in found or line.order_line_id in by_order_line}


def stamp_duty_due(conn: Connection, invoice_ids: Collection[int]) -> dict[int, tuple[date, Decimal]]:
    """Of these invoices, those charging the stamp duty to the customer (a line citing no order
    line and crediting none): by invoice id, the day of its last due, which takes the duty
    (`toolkit.core.payment_terms.at_delivery`), and the duty charged. The driver delivering that
    day collects it (`toolkit.core.documents.cash_to_collect`). An invoice dated after that day
    (month end's deferred one) was issued after the goods left with their DDT printed: no driver
    collected its duty, and a DDT printed again asks what it asked the first time; so was one
    dated that day whose duty is a due of its own, a second due on its last due's day
    (`toolkit.core.payment_terms.at_delivery`: month end's invoice dated its last DDT's day).
    An earlier toolkit's month end so dated put the duty on that day's due, as `ship --invoice`
    does, and its dues alone cannot tell them apart; when the day's DDTs it charges were first
    printed before it was stored (`printed_before`), their paper asked no duty, and neither does
    their reprint."""
    il, du, i = schema.invoice_lines.c, schema.invoice_dues.c, schema.invoices.c
    charged: dict[int, Decimal] = {}
    for condition in among(conn, il.invoice_id, sorted(set(invoice_ids))):
        charged.update(conn.execute(select(il.invoice_id, func.sum(il.amount))
                                    .where(condition, il.order_line_id.is_(None), il.credits_line_id.is_(None))
                                    .group_by(il.invoice_id)).all())
    dues: dict[int, list[date]] = defaultdict(list)
    dated: dict[int, date] = {}
    for condition in among(conn, du.invoice_id, sorted(charged)):
        for r in conn.execute(select(du.invoice_id, du.due_date, i.invoice_date)
                              .select_from(schema.invoice_dues.join(schema.invoices, du.invoice_id == i.id))
                              .where(condition)):
            dues[r.invoice_id].append(r.due_date)
            dated[r.invoice_id] = r.invoice_date
    last = {invoice: max(days) for invoice, days in dues.items()
            if dated[invoice] <= max(days) and days.count(max(days)) == 1}
    late = printed_before(conn, last)
    return {invoice: (last[invoice], amount) for invoice, amount in charged.items()
            if invoice in last and invoice not in late and amount}


def printed_before(conn: Connection, last: Mapping[int, date]) -> set[int]:
    """The invoices among `last` (by id, its last due's day) stored after the first printing of a
    DDT of that day whose lines they charge: that DDT's paper could not ask what they added
    (`schema.printings.first_printed_at`). An invoice at the order, or travelling with its DDT
    (`ship --invoice --out` prints the DDT once both are stored), is none of them."""
    il, dl, d, i, p = (schema.invoice_lines.c, schema.delivery_lines.c, schema.deliveries.c, schema.invoices.c,
                       schema.printings.c)
    found: set[int] = set()
    for condition in among(conn, il.invoice_id, sorted(last)):
        found.update(r.invoice_id for r in conn.execute(
            select(il.invoice_id, d.delivery_date).distinct()
            .select_from(schema.invoice_lines.join(schema.delivery_lines, dl.id == il.delivery_line_id)
                         .join(schema.deliveries, d.id == dl.delivery_id)
                         .join(schema.invoices, i.id == il.invoice_id)
                         .join(schema.printings, (p.document == "ddt") & (p.document_id == d.id)))
            .where(condition, p.first_printed_at < i.created_at)) if r.delivery_date == last[r.invoice_id])
    return found


def former_buyers(conn: Connection, delivery_ids: Collection[int]) -> dict[str, Buyer]:
    """The customers as these DDTs printed them (their kept parties' buyer), by customer code,
    the latest DDT's for each: who a customer was once the master no longer lists it, its name
    and its partita IVA. DDTs stored before the ledger kept their parties name nobody."""
    rows: list[tuple[int, str, int | None]] = []
    for condition in among(conn, d.id, sorted(set(delivery_ids))):
        rows += [(r.id, r.customer, r.parties_id) for r in conn.execute(select(d.id, d.customer, d.parties_id)
                                                                           .where(condition))]
    issued = parties.read(conn, [parties_id for _, _, parties_id in rows])
    buyers: dict[str, Buyer] = {}
    for _, customer, parties_id in sorted(rows):
        found = issued.get(parties_id) if parties_id is not None else None
        if found is not None and found.buyer is not None:
            buyers[customer] = found.buyer
    return buyers


def kept_parties(conn: Connection, delivery_ids: Collection[int]) -> dict[int, int]:
    """The id of the parties each of these DDTs printed (`issued_parties`), by DDT id; a DDT
    stored before the ledger kept its parties is not there."""
    return parties.kept_by(conn, schema.deliveries, delivery_ids)


def shipped_as(conn: Connection, order_ids: Collection[int]) -> dict[int, Parties]:
    """The parties each order's latest DDT printed (by date, then id), for the orders a DDT in
    force shipped: the customer, destination and carrier a list of past days names for what
    went out, as the DDT named them, not as the master says since; in the order of those DDTs,
    the latest last, whose sellers head the list (`core.lists.complete_list`). A voided DDT's
    lines left `delivery_lines`, so it ships nothing here; a record of services rendered is no
    DDT, and a DDT stored before the ledger kept its parties names nobody (the order is left
    out)."""
    latest: dict[int, tuple[date, int, int]] = {}
    for condition in among(conn, ol.order_id, sorted(set(order_ids))):
        for order_id, day, delivery_id, parties_id in conn.execute(
                select(ol.order_id, d.delivery_date, d.id, d.parties_id).distinct()
                .select_from(schema.order_lines)
                .join(schema.delivery_lines, dl.order_line_id == ol.id)
                .join(schema.deliveries, d.id == dl.delivery_id)
                .where(condition, d.parties_id.is_not(None), d.series != SERVICES_SERIES)):
            if order_id not in latest or (day, delivery_id) > latest[order_id][:2]:
                latest[order_id] = (day, delivery_id, parties_id)
    issued = parties.read(conn, [parties_id for _, _, parties_id in latest.values()])
    return {order_id: issued[parties_id]
            for order_id, (_, _, parties_id) in sorted(latest.items(), key=lambda found: found[1][:2])}


def lines_on_ddts(conn: Connection, order_line_ids: Collection[int]) -> set[int]:
    """The order lines among these that a DDT carries: a return's goods back, its DDT issued."""
    dl = schema.delivery_lines
    found: set[int] = set()
    for condition in among(conn, dl.c.order_line_id, sorted(order_line_ids)):
        found.update(conn.execute(select(dl.c.order_line_id).where(condition).distinct()).scalars())
    return found
