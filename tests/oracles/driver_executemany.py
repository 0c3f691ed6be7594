"""The ledger's bulk writes as they ran on every database before PostgreSQL got COPY
(`toolkit.ledger.copy_in`): one executemany at the driver level, which psycopg runs as one
statement per row. `tests/test_copy_in.py` holds the COPY forms to the rows and figures these
leave, on SQLite and on PostgreSQL.

`insert_columns`, `add_by_id`, `_execute_many` and `_bound` are `toolkit.ledger.db`'s, and
`insert_invoice_lines` (with `_Unscaled`) `toolkit.ledger.invoices._insert_lines`, unchanged
but for their names: it writes every column the ledger writes, the credited line and the part
of a DDT line split at a letter of intent's ceiling (`invoices.parts`, the ledger's rule, not
the write this oracle stands for) among them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Table, bindparam, insert, type_coerce, update

from toolkit.core.invoicing import Invoice
from toolkit.ledger import schema
from toolkit.ledger.invoices import parts
from toolkit.ledger.types import Scaled, ScaledBinds


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[Any]]) -> None:
    """Insert many rows given column by column (equal lengths), in one executemany at the
    driver level: a day's tens of thousands of order lines need no dictionary each.

    SQLAlchemy builds and converts each row's parameters on its own, which took longer than the
    database's own work for a day's thousands of order lines; here each column's conversion is
    looked up once and the driver gets the rows as they are. Column defaults are not applied.
    """
    if not columns or not len(next(iter(columns.values()))):
        return
    dialect = conn.dialect
    compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(columns))
    converted: dict[str, Sequence[Any]] = {}
    for k, values in columns.items():
        column_type = table.c[k].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            converted[k] = values
        elif isinstance(column_type, Scaled):
            converted[k] = list(map(ScaledBinds(process).__getitem__, values))
        else:
            converted[k] = _bound(process, values)
    _execute_many(conn, compiled, converted)


def add_by_id(conn: Connection, column: Column[Any], increments: Mapping[int, int]) -> None:
    """Add to `column` (a `Scaled` column, as the integer it stores) of each row, by id, its
    integer in `increments`: one UPDATE compiled once and executed for every row at the driver
    level. A day at L grows tens of thousands of order lines' kept shipped figures: with
    SQLAlchemy building and converting each row's parameters that took 0.84 s of CPU over five
    days at L (`ship_days`), this way 0.47 s."""
    if not increments:
        return
    table = column.table
    more, row = bindparam("more", type_=BigInteger), bindparam("row", type_=BigInteger)
    compiled = (update(table).where(table.c.id == row)
                .values({column.name: type_coerce(column, BigInteger) + more}).compile(dialect=conn.dialect))
    _execute_many(conn, compiled, {"more": list(map(int, increments.values())), "row": list(map(int, increments))})


def _execute_many(conn: Connection, compiled: Any, columns: Mapping[str, Sequence[Any]]) -> None:
    """Run `compiled` once per row of `columns` (its parameters' values, already as the driver
    takes them, by parameter name) in one executemany at the driver level, in the order or
    by the names the dialect compiled the statement with."""
    if compiled.positional:
        params: list[tuple[Any, ...]] | list[dict[str, Any]] = list(zip(*(columns[k] for k in compiled.positiontup)))
    else:
        params = [dict(zip(columns, values)) for values in zip(*columns.values())]
    conn.exec_driver_sql(str(compiled), params)


def _bound(process: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """`process` of each value (None stays None), worked out again only when the value is not
    the very object the row before had: a batch's rows share one timestamp and a few dates, and
    the same object always gives the same result."""
    out: list[Any] = []
    last: Any = None
    done: Any = None
    for v in values:
        if v is not last:
            last, done = v, None if v is None else process(v)
        out.append(done)
    return out


def insert_invoice_lines(conn: Connection, ids: Sequence[int], invoices: Sequence[Invoice]) -> None:
    """The invoices' lines in one executemany, their amounts, quantities, prices and rates
    handed to the driver as the scaled integers the ledger keeps, each distinct value scaled
    once (`_Unscaled`): at a month's million lines, the column type's conversion of every value
    took as long as the database's own work."""
    quantities, prices, amounts, rates = _Unscaled(3), _Unscaled(6), _Unscaled(2), _Unscaled(2)
    part = parts()
    rows: list[tuple[Any, ...]] = [
        (invoice_id, line.line_no, line.delivery_line_id, line.order_line_id, line.item, line.description, line.unit,
         quantities[line.quantity], prices[line.unit_price], amounts[line.amount], rates[line.vat_rate],
         line.vat_nature, line.credits_line_id, part(line))
        for invoice_id, x in zip(ids, invoices) for line in x.lines]
    if not rows:
        return
    table, dialect = schema.invoice_lines, conn.dialect
    columns = ("invoice_id", "line_no", "delivery_line_id", "order_line_id", "item", "description", "unit",
               "quantity", "unit_price", "amount", "vat_rate", "vat_nature", "credits_line_id", "part")
    compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(columns))
    for n, name in enumerate(columns):
        convert = None if name in _SCALED_LINE else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if convert is not None:
            rows = [(*r[:n], None if r[n] is None else convert(r[n]), *r[n + 1:]) for r in rows]
    if compiled.positional:
        where = {name: n for n, name in enumerate(columns)}
        order = [where[k] for k in compiled.positiontup or ()]
        conn.exec_driver_sql(str(compiled), rows if order == sorted(order) else
                             [tuple(r[n] for n in order) for r in rows])
    else:
        conn.exec_driver_sql(str(compiled), [dict(zip(columns, r)) for r in rows])


_SCALED_LINE = frozenset({"quantity", "unit_price", "amount", "vat_rate"})


class _Unscaled(dict[Decimal, int]):
    """`Decimal` → the scaled integer its column keeps (`toolkit.ledger.types.Scaled`), made
    once per distinct value; refuses, as the column does, a value with more decimals."""

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def __missing__(self, value: Decimal) -> int:
        scaled = value.scaleb(self.places)
        number = int(scaled)
        if number != scaled:
            raise ValueError(f"{value} has more than {self.places} decimals")
        self[value] = number
        return number
