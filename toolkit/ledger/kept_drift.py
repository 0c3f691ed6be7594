"""The figures the ledger keeps beside its documents that no longer equal the documents' own sums.

A kept figure edited by hand, put back from another copy, or left wrong by a bug causes no error:
shipping reads the reservations and the shipped sums as they are, the credit check the orders'
and DDTs' values. Each figure is compared with its documents' sum (`toolkit.ledger.from_documents`)
in one statement: the kept rows and the summed rows stacked, grouped by their key, and the keys
whose two sides differ kept (a row missing on one side is a 0 there). The database does the
work; Python sees only the rows that differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Connection, Select, case, func, literal, or_, select, union_all

from toolkit.ledger import from_documents, schema, unshipped
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import document_number
from toolkit.ledger.exposure import OPEN_STATUSES
from toolkit.ledger.types import places_of, stored_integer

o, ol, d, r, sb = (schema.orders.c, schema.order_lines.c, schema.deliveries.c, schema.reserved.c,
                   schema.shipped_by_day.c)
QUANTITY = places_of(ol.quantity)


@dataclass(frozen=True, slots=True)
class Drift:
    """A kept figure's row that its documents' sum contradicts."""

    figure: str
    """`reserved`, `shipped_by_day`, `unshipped`, `uninvoiced`, `order_lines.shipped`; an invoice's
    `taxable` and `total` (`toolkit.ledger.document_totals`)."""
    table: str
    row: str
    """The row as a message names it: its document's number where it has one."""
    kept: Decimal | str
    documents: Decimal | str
    follows: tuple[Drift, ...] = ()
    """The rows of other figures summed from this one that differ with it (`LINE_FOLLOWERS`):
    one cause, told once, with what it takes along."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A kept figure: its table, its kept rows and its documents' rows, (key…, value…) alike, and
    how a differing row is named and valued."""

    name: str
    table: str
    kept: Callable[[], Select[Any]]
    documents: Callable[[], Select[Any]]
    keys: int
    named: Callable[[Sequence[Any], dict[int, str]], str]
    valued: Callable[[Sequence[int]], Decimal]
    orders_at: int | None = None
    """Where the key holds an order id to name by its number (None: a DDT's, at 0, for `uninvoiced`)."""


def _quantity(values: Sequence[int]) -> Decimal:
    return Decimal(values[0]).scaleb(-QUANTITY)


def _value(values: Sequence[int]) -> Decimal:
    return unshipped.value(values[0], values[1])


FIGURES = (
    Figure("reserved", "reserved",
           lambda: select(r.item, r.place_year, r.place_series, r.place_number, r.order_id, stored_integer(r.quantity)),
           from_documents.reserved_by_holder, 5,
           lambda key, numbers: f"item {key[0]}, order {numbers.get(key[4], key[4])}", _quantity, orders_at=4),
    Figure("shipped_by_day", "shipped_by_day",
           lambda: select(sb.item, sb.delivery_date, stored_integer(sb.quantity)),
           from_documents.shipped_by_item_and_day, 2,
           lambda key, numbers: f"item {key[0]}, {key[1]}", _quantity),
    Figure("order_lines.shipped", "order_lines",
           lambda: select(ol.id, stored_integer(ol.shipped)).where(stored_integer(ol.shipped) != 0),
           from_documents.shipped_per_line, 1,
           lambda key, numbers: f"id {key[0]}", _quantity),
    Figure("unshipped", "orders",
           lambda: select(o.id, o.unshipped_euros, o.unshipped_micros).where(o.status.in_(OPEN_STATUSES)),
           lambda: from_documents.unshipped_sums(ol.order_id, o.status.in_(OPEN_STATUSES)), 1,
           lambda key, numbers: numbers.get(key[0], f"id {key[0]}"), _value, orders_at=0),
    Figure("uninvoiced", "deliveries",
           lambda: select(d.id, d.uninvoiced_euros, d.uninvoiced_micros).where(schema.uninvoiced_kept),
           lambda: from_documents.uninvoiced_sums(schema.delivery_lines.c.delivery_id), 1,
           lambda key, numbers: numbers.get(key[0], f"id {key[0]}"), _value),
)


LINE = "order_lines.shipped"
LINE_FOLLOWERS = ("reserved", "unshipped")
"""The figures summed from what an order line has left to ship, its ordered less its kept
shipped: a wrong `order_lines.shipped` makes its order's reservation of its item and its
order's value still to ship differ from their sums too, though neither is wrong itself (or, if
it is, `--repair` sums it again with the line's, in the same pass)."""


def drifts(conn: Connection, shown: int) -> tuple[list[Drift], dict[str, int]]:
    """Every kept figure's rows that differ from their documents' sums: the first `shown` of
    each figure as `Drift`s, and how many each figure has in all. A reservation or an order's
    value of an order with a wrong line's shipped is told under that line (`Drift.follows`),
    not counted apart: one problem, which `--repair` mends whole (`toolkit.ledger.kept_repair`)."""
    by_name = {figure.name: differing(conn, figure) for figure in FIGURES}
    follows = _followers(conn, by_name, shown)
    found: list[Drift] = []
    counts: dict[str, int] = {}
    for figure in FIGURES:
        rows = by_name[figure.name]
        if rows:
            counts[figure.name] = len(rows)
            found += [replace(x, follows=follows.get(row[0], ())) if figure.name == LINE else x
                      for row, x in zip(rows, named(conn, figure, rows[:shown]))]
    return found, counts


def _followers(conn: Connection, by_name: dict[str, list[Any]], shown: int) -> dict[int, tuple[Drift, ...]]:
    """The differing rows of `LINE_FOLLOWERS` that the wrong lines account for, taken out of
    `by_name`, by the wrong line they follow from (its order's first wrong line of the item, for
    a reservation; its order's first wrong line, for its value): named for the first `shown`
    lines, which are named too. A row differing by more, or less, than its wrong lines make it
    (`_explained`) is a second damage: left in `by_name`, counted and told apart."""
    lines = by_name[LINE]
    if not lines or not any(by_name[name] for name in LINE_FOLLOWERS):
        return {}
    named_lines = {row[0] for row in lines[:shown]}
    shipped = {row[0]: (row[1] or 0, row[2] or 0) for row in lines}
    first_of: dict[Any, int] = {}
    expected: dict[Any, int] = {}
    for line, order_id, item, ordered, price, at_order in sorted(_owners(conn, list(shipped))):
        first_of.setdefault((order_id, item), line)
        first_of.setdefault(order_id, line)
        was, ddt = shipped[line]
        reserved = max(ordered - was, 0) - max(ordered - ddt, 0)  # a reservation sums what is left above 0
        expected[(order_id, item)] = expected.get((order_id, item), 0) + reserved
        expected[order_id] = expected.get(order_id, 0) + (0 if at_order else (ddt - was) * price)
    follows: dict[int, list[Drift]] = {}
    for figure in FIGURES:
        if figure.name not in LINE_FOLLOWERS:
            continue
        kept: list[Any] = []
        taken: list[Any] = []
        for row in by_name[figure.name]:
            owner = _owner(figure, row)
            (taken if owner in first_of and _explained(figure, row) == expected[owner] else kept).append(row)
        by_name[figure.name] = kept
        told = [row for row in taken if first_of[_owner(figure, row)] in named_lines]
        for row, x in zip(told, named(conn, figure, told)):
            follows.setdefault(first_of[_owner(figure, row)], []).append(x)
    return {line: tuple(found) for line, found in follows.items()}


def _owner(figure: Figure, row: Sequence[Any]) -> Any:
    """Whose a follower's row is: (order id, item) of a reservation, an order's id for its value."""
    return (row[4], row[0]) if figure.name == "reserved" else row[0]


def _explained(figure: Figure, row: Sequence[Any]) -> int:
    """A follower's documents' sum less its kept value, as stored integers: a reservation's
    quantity, an order's value as quantity × price (its euros and millionths joined)."""
    values = [value or 0 for value in row[figure.keys:]]
    if figure.name == "reserved":
        return int(values[1] - values[0])
    return int((values[2] * unshipped.EURO + values[3]) - (values[0] * unshipped.EURO + values[1]))


def _owners(conn: Connection, line_ids: Sequence[int]) -> list[tuple[int, int, str, int, int, bool]]:
    """(line id, order id, item, stored quantity, stored price, invoiced at the order) of these
    order lines: an order's value leaves out a line invoiced at the order
    (`from_documents.unshipped_sums`)."""
    at_order = case((unshipped.invoiced_at_order(ol.id), 1), else_=0)
    return [(row[0], row[1], row[2], int(row[3]), int(row[4]), bool(row[5])) for chunk in in_batches(sorted(line_ids))
            for row in conn.execute(select(ol.id, ol.order_id, ol.item, stored_integer(ol.quantity),
                                           stored_integer(ol.unit_price), at_order).where(ol.id.in_(chunk)))]


def differing(conn: Connection, figure: Figure) -> list[Any]:
    """The rows of `figure` whose kept value differs from its documents' sum: (key…, kept
    value…, documents' value…), by key."""
    return list(conn.execute(_differing(figure)))


def named(conn: Connection, figure: Figure, rows: Sequence[Any]) -> list[Drift]:
    """`differing`'s rows as `Drift`s, each named by its document's number where it has one."""
    numbers = _numbers(conn, figure, rows)
    found: list[Drift] = []
    for row in rows:
        width = (len(row) - figure.keys) // 2
        key, values = row[:figure.keys], [int(v or 0) for v in row[figure.keys:]]
        found.append(Drift(figure.name, figure.table, figure.named(key, numbers), figure.valued(values[:width]),
                           figure.valued(values[width:])))
    return found


def _differing(figure: Figure) -> Select[Any]:
    """(key…, kept value…, documents' value…) of the keys whose two sides differ."""
    kept, documents = figure.kept().subquery(), figure.documents().subquery()
    keys, width = figure.keys, len(kept.c) - figure.keys
    zeros = [literal(0, BigInteger) for _ in range(width)]
    stacked = union_all(
        select(*(c.label(f"k{n}") for n, c in enumerate(list(kept.c)[:keys])),
               *(c.label(f"kept{n}") for n, c in enumerate(list(kept.c)[keys:])),
               *(z.label(f"documents{n}") for n, z in enumerate(zeros))),
        select(*list(documents.c)[:keys], *zeros, *list(documents.c)[keys:])).subquery()
    key_columns = list(stacked.c)[:keys]
    kept_sums = [func.sum(c) for c in list(stacked.c)[keys:keys + width]]
    document_sums = [func.sum(c) for c in list(stacked.c)[keys + width:]]
    return (select(*key_columns, *kept_sums, *document_sums).group_by(*key_columns)
            .having(or_(*(func.coalesce(k, 0) != func.coalesce(s, 0) for k, s in zip(kept_sums, document_sums))))
            .order_by(*key_columns))


def _numbers(conn: Connection, figure: Figure, rows: Sequence[Any]) -> dict[int, str]:
    """The document numbers of the orders (or, for `uninvoiced`, the DDTs) the rows name."""
    table = schema.orders if figure.orders_at is not None else schema.deliveries if figure.name == "uninvoiced" else None
    if table is None or not rows:
        return {}
    at = figure.orders_at or 0
    ids = sorted({row[at] for row in rows})
    t = table.c
    return {i: document_number(s, y, n) for i, s, y, n in
            conn.execute(select(t.id, t.series, t.year, t.number).where(t.id.in_(ids)))}
