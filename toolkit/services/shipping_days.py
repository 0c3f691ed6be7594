"""The orders that ship as they are created, one occurrence day after another in the same
transaction: the stock and the reservations are read once and kept up to date with each day's
DDTs, not read again for each day.

On April's final ledger at L, `create` for 2026-05-04 ships four days (three missed ones and
the day itself); each read of the reservations scanned every open line of the ledger and each
read of the stock every DDT line since the count date: 6.8 s of CPU of the four days' shipping.
`tests/test_orders_from_drafts.py` compares the outcome with the days read one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sqlalchemy import Connection

from toolkit.basics.problems import Problem, ProblemsFound, define
from toolkit.basics.wording import DDTS, Listed
from toolkit.core.documents import DeliveryNote
from toolkit.core.orders import Order
from toolkit.core.reservations import NONE
from toolkit.core.shipping import CREDIT_FORCED, once_per_item, service_items
from toolkit.ledger.deliveries import available_stock, dated_after, later_ddts, stock_after
from toolkit.ledger.orders import HeldQueues, held_queues
from toolkit.model.records import MasterData
from toolkit.services.shipping import OfReturn, OnHand, ship_in

CREDIT_AT_ORDER = define(
    "credit-limit-at-order", "warning",
    title=("Fido superato: spedito alla creazione dell'ordine", "Credit limit exceeded: shipped as the order was created"),
    it="Cliente {customer}: esposizione {total} (fatture aperte {outstanding} + spedito da fatturare {uninvoiced} "
       "+ ordinato da spedire {unshipped}) oltre il fido {limit}: la merce è spedita lo stesso, perché un ordine di "
       "magazzino, punto vendita o a credito parte quando è creato e il fido non lo trattiene. Se il cliente non "
       "deve ricevere merce oltre il fido, scrivi «Ordine standard» in Tipo documento dei suoi modelli: la "
       "spedizione lo tratterrà.",
    en="Customer {customer}: exposure {total} (open invoices {outstanding} + shipped not invoiced {uninvoiced} "
       "+ ordered not shipped {unshipped}) above the credit limit {limit}: the goods ship all the same, as a "
       "warehouse, POS or on-credit order ships when it is created and the credit limit does not hold it. If "
       "the customer is to get no goods past the limit, write «Ordine standard» in Tipo documento of its "
       "templates: shipping will hold it.")

ORDER_DDT_OUT_OF_SEQUENCE = define(
    "order-ddt-out-of-sequence", "error",
    it="L'ordine del {day} del modello {template} (cliente {customer}) si spedisce alla creazione, ma il suo DDT "
       "sarebbe datato prima del {latest_number} del {latest_day} già emesso{returned} (serie {series} {year}, dove i numeri "
       "seguono le date, come per le fatture): nulla è stato creato né spedito. Crea e spedisci in ordine di data "
       "(un DDT emesso in anticipo con --future ferma quelli datati prima fino al suo giorno), oppure escludi il "
       "modello con --exclude {template}; un ordine creato in anticipo in un'esecuzione precedente non si esclude: "
       "se la sua merce deve partire prima, annulla ognuno dei DDT datati dopo il {day}, {later} (toolkit ddt "
       "void … con il suo numero), crea di nuovo, poi rispedisci quelli nel loro giorno.",
    en="The order of {day} of template {template} (customer {customer}) ships when created, but its DDT would be "
       "dated before {latest_number} of {latest_day}, already issued{returned} (series {series} {year}, where numbers follow "
       "dates, as for invoices): nothing was created or shipped. Create and ship in date order (a DDT issued ahead "
       "with --future holds back those dated before it until its day), or leave the template out with "
       "--exclude {template}; an order created ahead in an earlier run is not left out so: if its goods must "
       "leave before then, void each of the DDTs dated after {day}, {later} (toolkit ddt void … with its number), "
       "create again, then ship those again on their days.")

ORDER_DDT_BEFORE_RETURN = define(
    "order-ddt-before-return", "error",
    it="L'ordine del {day} del modello {template} (cliente {customer}) si spedisce alla creazione, ma il suo DDT "
       "sarebbe datato prima del {latest_number} del {latest_day}, il DDT di un reso, numerato nella stessa serie "
       "dei DDT della merce in uscita (serie {series} {year}, dove i numeri seguono le date, come per le fatture): "
       "nulla è stato creato né spedito. Il DDT di un reso non si annulla, quindi nessun DDT della serie può essere "
       "datato prima del {latest_day}: crea prima il solo {day} senza i modelli che vi si spediscono alla "
       "creazione (toolkit orders create … --date {day} --exclude {templates}: i loro ordini del {day} restano "
       "fuori per sempre), poi i giorni seguenti come sempre; la merce che parte oggi va con la data di oggi.",
    en="The order of {day} of template {template} (customer {customer}) ships when created, but its DDT would be "
       "dated before {latest_number} of {latest_day}, a return's DDT, numbered in the same series as the DDTs of "
       "goods leaving (series {series} {year}, where numbers follow dates, as for invoices): nothing was created or "
       "shipped. A return's DDT is not voided, so no DDT of the series may be dated before {latest_day}: first "
       "create {day} alone without the templates that ship on it when created (toolkit orders create … --date {day} "
       "--exclude {templates}: their orders of {day} stay out for good), then the days after as usual; goods "
       "leaving today go with today's date.")


def _in_date_order(conn: Connection, master: MasterData, days: Mapping[date, Sequence[Order]]) -> None:
    """Raise `ORDER_DDT_OUT_OF_SEQUENCE` when the earliest of these days' DDTs would be dated
    before a DDT of its series and year already issued, as `ship` refuses it
    (`ddt-date-before-latest`): the orders that ship at once, a catch-up day's or a held one's,
    took numbers after a later DDT, one issued ahead too. `ORDER_DDT_BEFORE_RETURN` when a
    return's DDT is among them: it is never voided, so voiding the others, as the first refusal
    asks, would not free the day, and that day's orders that ship at once can only be left out:
    it names all their templates, for a run of that day alone (the day may be one a later run
    catches up, whose `--exclude` would leave the templates' later days out too). Orders of
    services alone issue none.
    Asked once of the ledger per year when no DDT is dated after its first day, as on most days:
    numbers restart each year, so at the year's turn 2 January's DDTs are checked against one
    issued ahead for the 4th even when 31 December's come first."""
    series = master.settings.ddt_series
    if not days or all(dated_after(conn, series, first) is None for first in _first_of_each_year(days)):
        return
    services = service_items(master)
    goods = {day: [o for o in orders if any(line.item not in services for line in o.lines)]
             for day, orders in days.items() if orders}
    for first in _first_of_each_year({day: orders for day, orders in goods.items() if orders}):
        if (later := later_ddts(conn, series, first)) is not None:
            order = goods[first][0]
            if later.last_return is not None:
                number, returned_on = later.last_return
                raise ProblemsFound([ORDER_DDT_BEFORE_RETURN(
                    None, day=first, template=order.template or order.number, customer=order.customer,
                    latest_number=number, latest_day=returned_on, series=series, year=first.year,
                    templates=",".join(sorted({o.template or o.number for o in goods[first]})))])
            raise ProblemsFound([ORDER_DDT_OUT_OF_SEQUENCE(
                None, day=first, template=order.template or order.number, customer=order.customer,
                latest_number=later.latest, latest_day=later.latest_day, series=series, year=first.year,
                returned=OfReturn(later.latest_return), later=Listed(later.first, later.count, DDTS))])


def _first_of_each_year(days: Iterable[date]) -> list[date]:
    """The earliest of `days` in each of their years, in order: DDT numbers follow dates
    within a year."""
    firsts: dict[int, date] = {}
    for day in sorted(days):
        firsts.setdefault(day.year, day)
    return list(firsts.values())


class ShippingDays:
    """The stock and the reservations of the items of some orders, read once (after the
    orders were stored, before any of them ships), then less what each day ships."""

    def __init__(self, conn: Connection, master: MasterData, orders: Sequence[Order]):
        self._counted = master.settings.stock_date
        self._stock = available_stock(conn, master)
        self._queues: HeldQueues | None = None
        if self._stock is not None:
            self._queues = held_queues(conn, {line.item for order in orders for line in order.lines})

    def on_hand(self, orders: Sequence[Order]) -> OnHand:
        """What `ship_in` would read now to plan these orders (among those given at the start)."""
        if self._stock is None or self._queues is None:
            return OnHand(None, NONE)
        stock = dict(self._stock)
        return OnHand(stock, self._queues.reservations({line.item for order in orders for line in order.lines}, stock,
                                                       {order.id for order in orders}))

    def shipped(self, notes: Sequence[DeliveryNote]) -> None:
        """These DDTs were just stored."""
        if self._stock is None or self._queues is None:
            return
        self._stock = stock_after(self._stock, notes, self._counted)
        self._queues.shipped(notes)


def ship_at_once(conn: Connection, master: MasterData, days: Mapping[date, Sequence[Order]], *,
                 lang: str) -> tuple[list[Problem], list[DeliveryNote]]:
    """Warehouse, POS and on-credit orders ship in the transaction that issues their documents:
    the goods leave with the order, so the customer's delivery terms and credit limit do not
    hold them. Each day in turn, dated that day, from the stock and reservations read once.

    `days`' orders are the caller's, read in its write transaction (`issue_held`) or built from
    the drafts it has just stored there (`stored_orders`): their lines' figures are the ledger's,
    so the check that no DDT ships more than is open is answered from them (`read_here`,
    `open_as_read`), not by reading their lines again (6,000 lines of 900 DDTs a date at L).
    DDTs that would be dated before one already issued raise `ProblemsFound` (`_in_date_order`)."""
    problems: list[Problem] = []
    notes: list[DeliveryNote] = []
    if not days:
        return problems, notes
    _in_date_order(conn, master, days)
    kept = ShippingDays(conn, master, [order for orders in days.values() for order in orders])
    for day, orders in sorted(days.items()):
        shipped = ship_in(conn, master, orders, day, paid={order.id for order in orders}, force=True,
                          on_hand=kept.on_hand(orders), read_here=True, lang=lang)
        kept.shipped(shipped.notes)
        problems += [told_at_order(p) for p in shipped.problems]
        notes += shipped.notes
    return once_per_item(problems), notes


def told_at_order(problem: Problem) -> Problem:
    """The credit limit passed by the document type, not by the desk: `ship_in` is told to force
    it, and would say `--force`, an option `orders create` has not (nor the button that creates)."""
    if problem.code != CREDIT_FORCED.code:
        return problem
    return CREDIT_AT_ORDER(problem.location, **dict(problem.params))
