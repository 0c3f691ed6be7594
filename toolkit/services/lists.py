"""The day's lists: distribution (what is still to ship, by route and customer), complete (every
order of the period with its state) and production (quantity to make per item, with the orders
it comes from), each an A4 workbook, and a PDF of it on request.

The orders are the ledger's, by occurrence date; production counts the stock on hand now (the
stock sheet less what shipped since it was counted). A list of past days printed again: the
complete list names a shipped order's customer, address and carrier as its DDT printed them
(`shipped_as`), under the seller as its DDT printed it (each name of a company renamed in
the period heading its orders), and its area as the master
says now (no DDT keeps one); the distribution list and production are what is still to do, so
they read the master as it is now, where the goods will go and what is to make, and are
headed by *Impostazioni* of today.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from toolkit.basics.problems import Problem, ProblemsFound
from toolkit.basics.runtime import collector_paused
from toolkit.core.delivery_rate import rests
from toolkit.core.lists import complete_list, distribution_list, production_list
from toolkit.core.orders import OrderStatus
from toolkit.core.reservations import NONE
from toolkit.ledger import Ledger
from toolkit.ledger.db import reading
from toolkit.ledger.deliveries import available_stock, rests_dated, shipped_as
from toolkit.ledger.open_before import open_before
from toolkit.ledger.orders import cuts_logged, load_orders, reservations, to_ship_by
from toolkit.model.records import MasterData
from toolkit.services.dated_before_count import shown_after_count
from toolkit.services.shipping import counted_ahead, listed_long_before


@collector_paused()
def distribution(master: MasterData, ledger: Ledger, start: date, end: date, out: Path, lang: str, *,
                 complete: bool = False) -> Path:
    """The distribution list (still to ship: the orders in progress due by `end`, earlier days'
    back orders with the period's, as `ship --all` ships them) or, with `complete`, the
    complete list (every order of the period, and the earlier days' back orders as the
    distribution list has them, with their state). A line that is the rest of one cut at a VAT rate
    change says so, as on the order (`rests`). The orders are read without what was invoiced
    and the parties they printed, which no list shows (a shipped order's on the complete list
    are its DDT's, `shipped_as`); the distribution list's with only their lines still to ship
    (`to_ship_by`: at L mid-month 330,000 of 500,000 lines, 1.2 s less of its read), a rest
    found on the few orders the log names a cut of, read whole (`cuts_logged`, read
    once for both through the cuts' own index).

    The cycle collector is paused (`collector_paused`): at L mid-month the list reads 72,000
    orders and 500,000 lines and makes 330,000 rows, records in no cycle that live until the
    workbook is written, and the collector walked the newest of them nine times for nothing,
    0.75 s of the list's 16 s of CPU."""
    from toolkit.writers.lists import write_order_list

    with reading(ledger) as conn:
        if complete:
            orders = load_orders(conn, statuses=[OrderStatus.IN_PROGRESS], occurrence_to=start - timedelta(1),
                                 invoiced_too=False, printed_too=False)
            orders += load_orders(conn, occurrence_from=start, occurrence_to=end, invoiced_too=False,
                                  printed_too=False)
            cut = rests_dated(conn, rests(orders))
        else:
            orders = to_ship_by(conn, end)
            logged = cuts_logged(conn, [o.id for o in orders])
            whole = load_orders(conn, ids=sorted({order_id for order_id, _ in logged}), invoiced_too=False,
                                printed_too=False)
            cut = rests_dated(conn, rests(whole), logged)
        printed = shipped_as(conn, [o.id for o in orders if o.occurrence >= start]) if complete else None
    made = (complete_list(orders, master, start, end, cut, printed) if complete
            else distribution_list(orders, master, start, end, cut))
    return write_order_list(out, master, made, lang)


def production(master: MasterData, ledger: Ledger, start: date, end: date, out: Path, lang: str,
               told: list[Problem] | None = None, *, earlier_orders: bool = False) -> Path:
    """The production list: what to make per item, against the stock on hand less what the
    open orders ahead of each order reserve. The earlier days' orders still in progress, which
    the next `ship --all` ships with the period's, are counted in: summed per item by the ledger
    (`open_before`), or with `earlier_orders` read and listed order by order with the period's
    (at L mid-month 72,000 orders: 28.6 s and 18 MB, where the sums keep the list near 2 s and
    1 MB, as docs/performance.md measured them).
    Only the queues of the items the stock does not cover are read: where the stock covers every
    open order's need, each order (all of them holders) is covered whatever is ahead of it,
    as shipping reckons too; reading every queue, and every holder's number, was 2 s of a day's
    7 s list at L. A stock count
    dated after today is refused, as shipping refuses it (`counted_ahead`): the stock would
    keep the goods the DDTs until then took, and the list would leave them unmade. A count long
    before the list's first day is told in `told`, when given, if an item to make shows no stock
    (`listed_long_before`), and so are DDTs dated before the count and stored after it, which
    the stock shown takes off as shipping does (`shown_after_count`)."""
    from toolkit.writers.lists import write_production_list

    if ahead := counted_ahead(master):
        raise ProblemsFound([ahead])
    with reading(ledger) as conn:
        orders = load_orders(conn, occurrence_from=start, occurrence_to=end)
        summed = None if earlier_orders else open_before(conn, start, {i.code for i in master.items})
        if earlier_orders:
            orders += load_orders(conn, statuses=[OrderStatus.IN_PROGRESS], occurrence_to=start - timedelta(1))
        stock = available_stock(conn, master)
        held = NONE if stock is None else reservations(conn, short_of=stock, asked={o.id for o in orders if o.id})
        if told is not None:
            told += shown_after_count(conn, master)
    made = production_list(orders, master, start, end, stock, held, summed)
    if told is not None:
        told += listed_long_before(master, start, stock, [row.item for row in made.rows if row.to_produce])
    return write_production_list(out, master, made, lang)


def pdf(workbook: Path) -> Path:
    """A list printed to PDF by LibreOffice, beside its workbook."""
    from toolkit.writers.pdf import to_pdf

    return to_pdf(workbook)
