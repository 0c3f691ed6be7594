"""The lists a day's work is organised by: distribution, complete, production (1C seed).

- Distribution list (lista di distribuzione): what is still to ship, by route (area and
  carrier) and customer, with the quantities left. Quotations and proposals never ship, so
  they are not on it; neither are completed, closed or voided orders, nor services.
- Complete list (lista di distribuzione completa): every order of the period, shipped or not,
  with its state, so the office can answer "did the 9th go out?", and the earlier days' orders
  still in progress, their lines still to ship, as on the distribution list.
- Production list (lista di produzione): the hand-over to production, per item the quantity
  still to ship on the day, with the orders it comes from and the stock on hand, and what the
  earlier days' orders still open add to it (the next `ship --all` ships them with the day's).

Pure functions over the orders the ledger returns and the master data; writers print them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter

from toolkit.basics.bulk_records import maker
from toolkit.basics.vocab import DocumentType
from toolkit.core.delivery_rate import Rest, described
from toolkit.core.orders import EFFECTS, Order, OrderStatus, still_of
from toolkit.core.reservations import NONE, Reservations
from toolkit.core.shipping import area_carrier, number_key, route_area, route_carrier, stock_levels
from toolkit.model.parties import Buyer, Destination, Parties
from toolkit.model.records import Carrier, Customer, Item, MasterData, ShipTo

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ListRow:
    """One order line on a list."""

    area: str | None
    carrier: str | None
    """Carrier code; None: the seller delivers."""
    carrier_name: str | None
    customer: str
    customer_name: str
    ship_to: str | None
    destination: str
    """The delivery address on one line."""
    order: str
    order_date: date
    document_type: DocumentType
    status: OrderStatus
    line_no: int
    item: str
    description: str
    unit: str
    ordered: Decimal
    shipped: Decimal
    remaining: Decimal
    rest: Rest | None = None
    """Of a line that is the rest of one cut at a VAT rate change, what it is the rest of (`described`)."""

    def described(self, lang: str) -> str:
        """The description the list prints, a rest's saying so (`delivery_rate.described`)."""
        return described(self.description, self.rest, lang)


_list_row = maker(ListRow)
"""`ListRow(...)` through its slots (`toolkit.basics.bulk_records`), every field in order: the
distribution list at L mid-month makes 330,000."""


@dataclass(frozen=True, slots=True)
class UnitTotal:
    """A route's quantities of one unit of measure added up."""

    unit: str
    ordered: Decimal
    shipped: Decimal
    remaining: Decimal


@dataclass(frozen=True, slots=True)
class Route:
    """A van's run: an area and the carrier serving it (giro)."""

    area: str | None
    carrier: str | None
    carrier_name: str | None
    rows: tuple[ListRow, ...]
    seller: str | None = None
    """The seller its orders' DDTs printed, on a complete list whose DDTs printed more than one
    (the company renamed in the period); None otherwise."""

    @property
    def customers(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.customer for row in self.rows))

    @property
    def totals(self) -> tuple[UnitTotal, ...]:
        """What the van carries, one total per unit of measure in the order the units first
        appear: kilos and pieces added together would be a number that counts nothing."""
        sums: dict[str, list[Decimal]] = {}
        for row in self.rows:
            ordered, shipped, remaining = sums.setdefault(row.unit, [ZERO, ZERO, ZERO])
            sums[row.unit] = [ordered + row.ordered, shipped + row.shipped, remaining + row.remaining]
        return tuple(UnitTotal(unit, *quantities) for unit, quantities in sums.items())


@dataclass(frozen=True)
class OrderList:
    complete: bool
    """True: the complete list (every order); False: the distribution list (only what is open)."""
    date_from: date
    date_to: date
    routes: tuple[Route, ...]
    sellers: tuple[str, ...] = ()
    """The companies its header names as the period's DDTs printed them, the latest last (the
    complete list of shipped goods: more than one when the company was renamed in the period,
    each heading its routes, `Route.seller`); none: as *Impostazioni* say today (what is still
    to do)."""

    @property
    def rows(self) -> tuple[ListRow, ...]:
        return tuple(row for route in self.routes for row in route.rows)


@dataclass(frozen=True, slots=True)
class ProductionSource:
    order: str
    customer: str
    customer_name: str
    quantity: Decimal
    day: date | None = None
    """The order's occurrence date."""


@dataclass(frozen=True, slots=True)
class Earlier:
    """What the orders of days before the list's still have to ship of an item, summed: a
    partial shipment's rest, an order held for stock, which the next `ship --all` ships."""

    quantity: Decimal
    orders: int
    """How many orders it comes from."""
    since: date
    """The oldest of their dates."""


@dataclass(frozen=True)
class OpenBefore:
    """The earlier days' open orders as the ledger sums them per item (`ledger.open_before`),
    without their lines: at L mid-month they are 69,000 orders kept on hold."""

    items: Mapping[str, Earlier]
    holders: frozenset[int]
    """Their ledger ids: where they stand in the items' queues tells what stock covers of them."""
    described: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Description and unit of measure of the items the master no longer has, as their lines have them."""


@dataclass(frozen=True, slots=True)
class ProductionRow:
    item: str
    description: str
    unit: str
    quantity: Decimal
    """Still to ship on the orders of the period."""
    stock: Decimal | None
    """On hand per the stock sheet; None without one."""
    from_stock: Decimal | None
    """What the stock left free by the orders ahead covers of `quantity`; None without a stock
    sheet. With `to_produce` it makes up `quantity`: stock on hand that covers nothing here is
    held by orders ahead."""
    to_produce: Decimal
    """What stock does not cover (the whole quantity without a stock sheet)."""
    sources: tuple[ProductionSource, ...]
    earlier: Earlier | None = None
    """What of `quantity` the orders of earlier days still open need."""


@dataclass(frozen=True)
class ProductionList:
    date_from: date
    date_to: date
    rows: tuple[ProductionRow, ...]


def distribution_list(orders: Sequence[Order], master: MasterData, date_from: date,
                      date_to: date | None = None, rests: Mapping[int, Rest] | None = None) -> OrderList:
    """What is not yet fully shipped of the orders due by `date_to` (else `date_from`): those
    dated `date_from` to `date_to` and the earlier ones still open, a partial shipment's rest or
    an order held back, since `ship --all` of the day ships every open order up to it. The
    day's list left them off, so the van was loaded without goods its DDTs then carried."""
    date_to = date_to or date_from
    kept = [o for o in orders if o.occurrence <= date_to and EFFECTS[o.document_type].ships
            and o.status is OrderStatus.IN_PROGRESS]
    return OrderList(False, date_from, date_to, _routes(kept, master, open_only=True, rests=rests or {}))


def complete_list(orders: Sequence[Order], master: MasterData, date_from: date,
                  date_to: date | None = None, rests: Mapping[int, Rest] | None = None,
                  shipped_as: Mapping[int, Parties] | None = None) -> OrderList:
    """Every order of the period, shipped or not, each line with what is shipped and what is left;
    a line that is the rest of one cut at a VAT rate change says so (`rests`, by line id), as on
    the order. With them the earlier days' orders still in progress among `orders` (a partial
    shipment's rest, an order held back), their lines still to ship as the distribution list has
    them, services left out: `ship --all` of the period ships them, so the complete list holds
    every line the distribution list holds, and never lists less than it. An order a DDT
    shipped names its customer and delivery address as its latest DDT printed them
    (`shipped_as`, by order id): a list of last month tells where the goods went, not where the
    customer has moved since; an order not shipped names them as the master says
    today, where `ship` will send it. Its carrier likewise: the one its DDT printed (`ship
    --carrier` may have sent another than the route's), today's route's for an order not
    shipped. The area a DDT does not print, nor keep: an order is listed under today's. The
    header names the seller as the period's DDTs printed it (`shipped_as` in DDT order), a list
    of goods shipped printed again as its documents were; a company renamed in the period is
    named as each DDT printed it: the header names every name, the latest last, and the routes
    go under the name their orders' DDTs printed, the older first (an order not shipped under
    the latest), so an auditor reads each line under the seller its DDT shows. An earlier
    order's rest is still to do: it is named as the master says today, under the latest name."""
    date_to = date_to or date_from
    period = [o for o in orders if date_from <= o.occurrence <= date_to]
    earlier = [o for o in orders if o.occurrence < date_from and o.status is OrderStatus.IN_PROGRESS
               and EFFECTS[o.document_type].ships]
    listed = {o.id for o in period}
    printed = {order_id: parties for order_id, parties in (shipped_as or {}).items() if order_id in listed}
    sellers = tuple(dict.fromkeys(reversed([parties.seller.company_name for parties in printed.values()])))[::-1]
    return OrderList(True, date_from, date_to, _routes([*earlier, *period], master, open_only=False,
                                                       rests=rests or {}, shipped_as=printed, sellers=sellers,
                                                       open_before=date_from), sellers)


def _routes(orders: Sequence[Order], master: MasterData, open_only: bool, rests: Mapping[int, Rest],
            shipped_as: Mapping[int, Parties] | None = None, sellers: tuple[str, ...] = (),
            open_before: date | None = None) -> tuple[Route, ...]:
    """The orders' lines by route; the distribution list (`open_only`) is what to load, so it
    leaves out services, which move nothing, and their quantities from the route's totals, and
    so does the complete list with the orders dated before `open_before`, earlier days' rests. With
    more than one of `sellers` (the names the DDTs printed, the latest last), by seller first:
    an order under the name its DDT printed, one not shipped under the latest."""
    printed = shipped_as or {}
    blocks = {name: n for n, name in enumerate(sellers)} if len(sellers) > 1 else {}
    customers = {c.code: c for c in master.customers}
    services = {i.code for i in master.items if i.service} if open_only or open_before else set()
    ship_to = {s.code: s for s in master.ship_to}
    routes: dict[tuple[int, str, str, str], list[tuple[tuple[tuple[str, str, str, tuple[int, str, int]], int],
                                                       ListRow]]] = {}
    heads: dict[tuple[int, str, str, str], tuple[str | None, str | None, str | None]] = {}
    travelled: dict[tuple[str, str | None], tuple[str | None, Carrier | None]] = {}
    for order in orders:
        customer = customers.get(order.customer)
        destination = ship_to.get(order.ship_to) if order.ship_to else None
        if (route := travelled.get((order.customer, order.ship_to))) is None:
            route = travelled[order.customer, order.ship_to] = _route_of(master, customer, destination)
        area, carrier = route
        shipped = printed.get(order.id)
        code, carrier_name = _carried(carrier, shipped)
        block = (blocks[shipped.seller.company_name] if shipped is not None else len(sellers) - 1) if blocks else 0
        key = (block, area or "", code or "", carrier_name or "")
        heads[key] = (area, code, carrier_name)
        name, place = _named(customer, destination, printed.get(order.id))
        address = "" if place is None else ", ".join(
            x for x in (place.address, " ".join(y for y in (place.postcode, place.city) if y)) if x)
        rest_only = open_only or (open_before is not None and order.occurrence < open_before)
        listed = routes.setdefault(key, [])
        placed = (name.casefold(), order.customer, order.ship_to or "", number_key(order.number))
        ended = order.ended
        for line in order.lines:
            rest = line.to_ship
            if rest_only and (rest == 0 or line.item in services):
                continue
            listed.append(((placed, line.line_no), _list_row(
                area, code, carrier_name, order.customer, name, order.ship_to,
                address, order.number, order.order_date, order.document_type, order.status, line.line_no,
                line.item, line.description, line.unit, line.quantity, line.shipped,
                still_of(rest, ended), rests.get(line.id))))
    return tuple(
        Route(*heads[key], tuple(row for _, row in sorted(rows, key=itemgetter(0))), sellers[key[0]] if blocks else None)
        for key, rows in sorted(routes.items(), key=lambda kv: (kv[0][0], kv[0][1] == "", kv[0][1:])) if rows
    )


def _named(customer: Customer | None, destination: ShipTo | None, printed: Parties | None
           ) -> tuple[str, Customer | ShipTo | Buyer | Destination | None]:
    """The customer's name and the place its goods go: as the order's DDT printed them when it
    kept its parties (`printed`), else as the master says today."""
    if printed is not None and printed.buyer is not None:
        return printed.buyer.name, printed.destination or printed.buyer
    return (customer.name if customer else ""), destination or customer


def _carried(carrier: Carrier | None, printed: Parties | None) -> tuple[str | None, str | None]:
    """The carrier's code and name: as the order's DDT printed them when it kept its parties
    (None: the seller carried), else the route's today."""
    if printed is not None:
        return (printed.carrier.code, printed.carrier.name) if printed.carrier else (None, None)
    return (carrier.code, carrier.name) if carrier else (None, None)


def _route_of(master: MasterData, customer: Customer | None,
              destination: ShipTo | None) -> tuple[str | None, Carrier | None]:
    """The route an order travels: a customer taken off *Clienti* since still has its goods to
    load, so its order stays on the list by its code (as its DDT and the reprinted order name
    it), routed by its destination if that is still on the sheet, else with no area."""
    if customer is not None:
        return route_area(customer, destination), route_carrier(master, customer, destination)
    area = destination.area if destination is not None and destination.area else None
    return area, area_carrier(master, area)


def production_list(orders: Sequence[Order], master: MasterData, date_from: date,
                    date_to: date | None = None, stock: dict[str, Decimal] | None = None,
                    reservations: Reservations = NONE, open_before: OpenBefore | None = None) -> ProductionList:
    """Per item, what the orders of the period and the earlier days' orders still open need, and
    what stock does not cover.

    Quotations and proposals are left out (MRP ignores them, per the Openbravo seed), and so
    are returns and services: nothing is produced for goods coming back, nor for an insurance. `stock` is what is on hand now
    (`toolkit.ledger.deliveries.available_stock`); by default the stock sheet as it is.

    An order of an earlier day still in progress (a partial shipment's rest, an order held for
    stock) ships with the period's at the next `ship --all`, so its goods are made with theirs:
    counted in the item's quantity and shown apart (`ProductionRow.earlier`). Given summed per
    item (`open_before`), they are not listed order by order; else those among `orders` are.

    Each order is covered by the stock that the orders ahead of it leave free (`reservations`,
    every open order's: those of other dates and proposals hold stock too), as shipping will
    cover it; what is not covered is to produce. An earlier order stands in the queue by its
    number like any other (usually ahead of the period's, behind one created ahead of it), so
    the stock it takes is counted once: as its own, never again as free for the orders behind it.
    """
    date_to = date_to or date_from
    customers = {c.code: c.name for c in master.customers}
    items = {i.code: i for i in master.items}
    services = {i.code for i in master.items if i.service}
    stock = stock if stock is not None else stock_levels(master)
    needed: dict[str, list[ProductionSource]] = {}
    uncovered: dict[str, Decimal] = {}
    listed: dict[str, Decimal] = {}
    described: dict[str, tuple[str, str]] = {}
    for order in sorted(orders, key=lambda o: number_key(o.place)):
        before = order.occurrence < date_from and open_before is None
        if not (date_from <= order.occurrence <= date_to or before) or order.status is not OrderStatus.IN_PROGRESS \
                or not EFFECTS[order.document_type].ships or order.document_type is DocumentType.RETURN:
            continue
        for line in order.lines:
            if line.to_ship <= 0 or line.item in services:
                continue
            needed.setdefault(line.item, []).append(ProductionSource(
                order.number, order.customer, customers.get(order.customer, ""), line.to_ship, order.occurrence))
            if stock is not None:
                own = sum((x.to_ship for x in order.lines if x.item == line.item and x.line_no < line.line_no
                           and x.to_ship > 0), ZERO)
                ahead = max(reservations.ahead(line.item, order) + own, listed.get(line.item, ZERO))
                covered = min(line.to_ship, max(stock.get(line.item, ZERO) - ahead, ZERO))
                uncovered[line.item] = uncovered.get(line.item, ZERO) + line.to_ship - covered
                listed[line.item] = listed.get(line.item, ZERO) + line.to_ship
            described[line.item] = _description(items, line.item, (line.description, line.unit))
    if open_before is None:
        summed = _earlier(needed, date_from)
    else:
        summed = {code: e for code, e in open_before.items.items() if code not in services}
        for code, e in summed.items():
            needed.setdefault(code, [])
            described.setdefault(code, _description(items, code, open_before.described.get(code, ("", ""))))
            if stock is not None:
                taken = reservations.covered(code, stock.get(code, ZERO), order_ids=open_before.holders)
                uncovered[code] = uncovered.get(code, ZERO) + (ZERO if taken is None else e.quantity - taken)
    rows = []
    for code in sorted(needed):
        before_day = summed.get(code)
        quantity = sum((s.quantity for s in needed[code]), ZERO)
        if open_before is not None and before_day is not None:
            quantity += before_day.quantity
        on_hand = None if stock is None else stock.get(code, ZERO)
        to_produce = quantity if on_hand is None else uncovered.get(code, ZERO)
        from_stock = None if on_hand is None else quantity - to_produce
        rows.append(ProductionRow(code, *described[code], quantity, on_hand, from_stock, to_produce,
                                  tuple(needed[code]), before_day))
    return ProductionList(date_from, date_to, tuple(rows))


def _description(items: Mapping[str, Item], code: str, on_lines: tuple[str, str]) -> tuple[str, str]:
    """An item's description and unit as the master has them; for an item taken off *Articoli*
    while orders still wait for it, as its lines have them (`on_lines`: the period's line, or
    the earlier orders' as `OpenBefore.described` sums them), the same whichever way the list
    met it."""
    item = items.get(code)
    return (item.description, item.unit) if item else on_lines


def _earlier(needed: Mapping[str, Sequence[ProductionSource]], date_from: date) -> dict[str, Earlier]:
    """Per item, the sum, the orders and the oldest date of its sources dated before `date_from`."""
    summed = {}
    for item, sources in needed.items():
        if before := [s for s in sources if s.day is not None and s.day < date_from]:
            summed[item] = Earlier(sum((s.quantity for s in before), ZERO), len({s.order for s in before}),
                                   min(s.day for s in before if s.day is not None))
    return summed
