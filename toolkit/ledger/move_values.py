"""A SQLite ledger's values as the team's PostgreSQL ledger takes them, each one checked.

SQLite keeps whatever a statement gave a column: a text in an integer column, a 70-character
code in a `VARCHAR(60)`, a NUL inside a text, a date typed `09/04/2026`. PostgreSQL refuses
each, and a move that met one ended in an internal error naming neither the table nor the row.
So each value is checked on its way, against what its column's type declares, and the first
one PostgreSQL would refuse stops the move naming the table, the row, the column and the value
(`ValueRefused`), before anything is committed. A value PostgreSQL takes as it is passes
untouched: the amounts as the scaled integers stored, the texts as written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    Connection,
    Date,
    DateTime,
    Dialect,
    Integer,
    String,
    Table,
    false,
    func,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.types import NullType

from toolkit.ledger.types import Scaled

INT4 = 2**31 - 1
INT8 = 2**63 - 1
SHOWN_CHARACTERS = 60
"""How much of a refused value its message shows."""


@dataclass(frozen=True)
class Wanted:
    """What a column takes, in the message's words."""

    it: str
    en: str


WANTED = {Date: Wanted("una data (AAAA-MM-GG)", "a date (YYYY-MM-DD)"),
          DateTime: Wanted("una data e ora (AAAA-MM-GG hh:mm:ss)", "a date and time (YYYY-MM-DD hh:mm:ss)")}
"""What a column read through its type's own conversion takes, by type."""


class ValueRefused(Exception):
    """A value of the file its column in the team ledger would not take."""

    def __init__(self, column: Column[Any], value: Any, wanted: Wanted):
        super().__init__(column.name)
        self.column, self.value, self.wanted = column, value, wanted

    def shown_value(self) -> str:
        text = repr(self.value)
        return text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"


Taker = Callable[[Any], Any]


def takers(columns: list[Column[Any]], source: Dialect, target: Dialect) -> list[Taker]:
    """For each column, the function from the value SQLite returns to the one PostgreSQL's
    driver takes, raising `ValueRefused` for one it would not."""
    return [_taker(column, source, target) for column in columns]


def _taker(column: Column[Any], source: Dialect, target: Dialect) -> Taker:
    kind = column.type
    if isinstance(kind, Scaled | BigInteger):
        return _whole(column, INT8)
    if isinstance(kind, Boolean):
        return _flag(column)
    if isinstance(kind, Integer):
        return _whole(column, INT4)
    if isinstance(kind, String):
        return _text(column, kind.length)
    read = kind.dialect_impl(source).result_processor(source, None)
    bind = kind.dialect_impl(target).bind_processor(target)
    wanted = WANTED.get(type(kind), Wanted(f"un valore {kind}", f"a {kind} value"))

    def converted(value: Any) -> Any:
        if value is None:
            return None
        try:
            value_read = read(value) if read else value
            return bind(value_read) if bind else value_read
        except (TypeError, ValueError):
            raise ValueRefused(column, value, wanted) from None

    return converted


def _whole(column: Column[Any], high: int) -> Taker:
    wanted = Wanted(f"un numero intero fra {-high - 1} e {high}", f"a whole number between {-high - 1} and {high}")

    def whole(value: Any) -> Any:
        if value is None or (type(value) is int and -high - 1 <= value <= high):
            return value
        raise ValueRefused(column, value, wanted)

    return whole


def _flag(column: Column[Any]) -> Taker:
    wanted = Wanted("0 o 1 (no o sì)", "0 or 1 (no or yes)")

    def flag(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is int and value in (0, 1):
            return bool(value)
        raise ValueRefused(column, value, wanted)

    return flag


def _text(column: Column[Any], length: int | None) -> Taker:
    wanted = (Wanted(f"un testo di al più {length} caratteri, senza il carattere NUL",
                     f"a text of at most {length} characters, without the NUL character") if length else
              Wanted("un testo senza il carattere NUL", "a text without the NUL character"))
    longest = length or INT8

    def text(value: Any) -> Any:
        if value is None or (type(value) is str and len(value) <= longest and "\x00" not in value):
            return value
        raise ValueRefused(column, value, wanted)

    return text


NOT_UTF8 = Wanted("un testo in UTF-8 (questo è in un'altra codifica, come Latin-1)",
                  "a UTF-8 text (this one is in another encoding, such as Latin-1)")


class Undecoded(bytes):
    """A text's bytes that are not UTF-8, shown with the bytes that are not as `\\xe8`."""

    def __repr__(self) -> str:
        return f"'{self.decode('utf-8', errors='backslashreplace')}'"


def not_utf8(conn: Connection, table: Table) -> tuple[ValueRefused, tuple[Any, ...]]:
    """The first value of `table` in the SQLite file whose bytes are not UTF-8, and its row: the
    driver's error names neither the row nor, once wrapped, the table. Read again with each text
    as its bytes, which a move meets only on a file another program wrote."""
    raw = conn.connection.driver_connection
    assert raw is not None
    kept, raw.text_factory = raw.text_factory, bytes
    try:
        raw_columns = (type_coerce(c, NullType()).label(c.name) for c in table.columns)
        for row in conn.execute(select(*raw_columns).order_by(*table.primary_key.columns)):
            for column, value in zip(table.columns, row):
                if isinstance(value, bytes):
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError:
                        return ValueRefused(column, Undecoded(value), NOT_UTF8), tuple(row)
    finally:
        raw.text_factory = kept
    raise LookupError(f"no text of {table.name} is not UTF-8")


def first_refused(conn: Connection, table: Table) -> tuple[ValueRefused, tuple[Any, ...]] | None:
    """The first value of `table`'s numbers, dates and flags that its column's type does not hold,
    and its row, or None: a text in a quantity or a date typed `2026-13-45`, as a hand edit or
    another program leaves them in a SQLite file, failed the read that met it with no table or
    row named. Texts are not looked at: any text reads."""
    columns = list(table.columns)
    checked = [(at, take) for at, (column, take) in enumerate(zip(columns, takers(columns, conn.dialect, conn.dialect)))
               if not isinstance(column.type, String)]
    raw = select(*(type_coerce(c, NullType()).label(c.name) for c in columns)).order_by(*table.primary_key.columns)
    for row in conn.execute(raw):
        for at, take in checked:
            try:
                take(row[at])
            except ValueRefused as refused:
                return refused, tuple(row)
    return None


def suspects(table: Table) -> ColumnElement[bool]:
    """The rows of `table` in a SQLite file that may hold a number, a date or a flag its column
    does not (`first_refused` judges them): found by SQLite's own `typeof` and date functions
    over the whole table in one statement, so a ledger whose values are all of their kinds is
    passed without turning each row's values in Python (seconds on a month at L)."""
    found: list[ColumnElement[bool]] = []
    for column in table.columns:
        kind, typed = column.type, func.typeof(column)
        if isinstance(kind, String):
            continue
        if isinstance(kind, Boolean):
            found.append(or_(typed.not_in(["integer", "null"]), column.not_in([0, 1])))
        elif isinstance(kind, Scaled | BigInteger):
            found.append(typed.not_in(["integer", "null"]))
        elif isinstance(kind, Integer):
            found.append(or_(typed.not_in(["integer", "null"]), ~column.between(-INT4 - 1, INT4)))
        elif isinstance(kind, Date):
            found.append(or_(typed.not_in(["text", "null"]), func.date(column).is_distinct_from(column)))
        elif isinstance(kind, DateTime):
            found.append(or_(typed.not_in(["text", "null"]),
                             func.datetime(column).is_distinct_from(func.substr(column, 1, 19))))
        else:
            found.append(true())
    return or_(false(), *found)
