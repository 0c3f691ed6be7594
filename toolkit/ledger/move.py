"""Moving a desk's SQLite ledger into the team's PostgreSQL ledger, whole, in one transaction.

A desk starts alone on the SQLite file beside its workbook; a team shares PostgreSQL. The
history moves as it is: every table of the schema (`schema.metadata`, so a table added later
moves with the rest), every row with its id, the numbering counters with them, so the next
order, DDT and invoice follow the last ones the desk issued. The copy holds the SQLite write
lock (a colleague writing is waited for, then refused) and fills the server inside one
transaction that commits only once each table's rows and money sums agree on both sides: a
failure leaves the server as it was. Rows stream from the file to a COPY per table, a batch
at a time, so a large ledger needs no more memory than a small one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import BigInteger, Connection, Dialect, Table, func, inspect, select, type_coerce
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.types import NullType

from toolkit.basics.problems import UnusableInput, define
from toolkit.ledger import copy_in, move_values, schema, server_version
from toolkit.ledger.address import as_url, typed_scheme
from toolkit.ledger.db import (
    LEDGER_BAD_PORT,
    LEDGER_UNSUPPORTED,
    Ledger,
    _create_or_upgrade,
    _engine,
    _locked,
    document_number,
    first_reason,
    log_event,
    moved_file,
    not_connected,
    not_opened,
    user,
    version,
    writing,
)
from toolkit.ledger.lock import Holder, Patience
from toolkit.ledger.types import Scaled

TARGET_NOT_EMPTY = define(
    "ledger-move-target-not-empty", "error",
    it="Il registro {url} contiene già dei documenti ({found}): ci sposto un registro SQLite solo se è vuoto, "
       "perché i due storici si mescolerebbero e i numeri si ripeterebbero. Non ho scritto nulla. Indica con "
       "--to un database nuovo e vuoto.",
    en="The ledger {url} holds documents already ({found}): a SQLite ledger is moved only into an empty one, "
       "as the two histories would mix and numbers repeat. Nothing was written. Name a new, empty database "
       "with --to.")
TARGET_OF_ANOTHER_PROGRAM = define(
    "ledger-move-target-of-another-program", "error",
    it="Il database {url} contiene già le tabelle di un altro programma ({found}), non di un registro del toolkit: "
       "non ho scritto nulla. Indica con --to un database nuovo e vuoto.",
    en="The database {url} holds another program's tables already ({found}), not a toolkit ledger's: nothing "
       "was written. Name a new, empty database with --to.")
TARGET_NOT_POSTGRESQL = define(
    "ledger-move-target-not-postgresql", "error",
    it="--to {url} non è un registro PostgreSQL: il registro SQLite si sposta nel registro del team, "
       "--to postgresql://utente:password@server/database.",
    en="--to {url} is not a PostgreSQL ledger: the SQLite ledger moves into the team's ledger, "
       "--to postgresql://user:password@server/database.")
TARGET_BAD_PORT = define(
    "ledger-move-target-bad-port", "error",
    it="La porta «{port}» di --to {url} non è un numero di porta: scrivi dopo i «:» la porta del server "
       "PostgreSQL (di solito 5432, che si può anche omettere: --to postgresql://server-db/ordini). Non ho "
       "spostato nulla.",
    en="The port “{port}” of --to {url} is not a port number: write after the “:” the PostgreSQL server's "
       "port (usually 5432, which may be left out: --to postgresql://server-db/ordini). Nothing was moved.")
MOVED_ALREADY = define(
    "ledger-move-moved-already", "error",
    it="Lo storico di {file} è già nel registro del team {url}, spostato il {at}, ma il file non è stato rinominato "
       "(lo spostamento si è fermato prima?): non ho scritto nulla. Se da allora nessuno ha lavorato con il file, "
       "rinominalo tu {moved}, come fa lo spostamento, e da ora indica il registro del "
       "team con --ledger o TOOLKIT_LEDGER_URL; se invece qualcuno ha emesso documenti nel file dopo quella data, "
       "quelli sono solo nel file: segnalalo a chi cura il toolkit prima di continuare.",
    en="The history of {file} is in the team ledger {url} already, moved on {at}, but the file was not renamed (did "
       "the move stop before?): nothing was written. If nobody has worked with the file since, rename it yourself "
       "{moved}, as the move does, and from now on name the team ledger with --ledger "
       "or TOOLKIT_LEDGER_URL; if somebody issued documents in the file after that date, those are only in the "
       "file: tell whoever looks after the toolkit before going on.")
VALUE_REFUSED = define(
    "ledger-move-value-refused", "error",
    it="Nel file {file} la tabella {table}, alla riga {row}, ha nella colonna {column} il valore {value}, che il "
       "registro del team non accetta: vuole {wanted_it} (l'ha scritto così un toolkit di prima o un altro "
       "programma). Non ho scritto nulla: il registro del team è com'era e il file non è cambiato. Fai correggere "
       "quel valore nel file a chi cura il toolkit, poi ripeti lo spostamento.",
    en="In the file {file} the table {table}, at the row {row}, holds in the column {column} the value {value}, "
       "which the team ledger does not take: it wants {wanted_en} (an earlier toolkit or another program wrote it "
       "so). Nothing was written: the team ledger is as it was and the file unchanged. Have whoever looks after the "
       "toolkit correct that value in the file, then move it again.")
ROW_REFUSED = define(
    "ledger-move-row-refused", "error",
    it="Il registro del team non accetta una riga della tabella {table} del file {file}: {reason}. Non ho scritto "
       "nulla: il registro del team è com'era e il file non è cambiato. Fai correggere quella riga nel file a chi "
       "cura il toolkit, poi ripeti lo spostamento.",
    en="The team ledger does not take a row of the table {table} of the file {file}: {reason}. Nothing was "
       "written: the team ledger is as it was and the file unchanged. Have whoever looks after the toolkit correct "
       "that row in the file, then move it again.")
MISMATCH = define(
    "ledger-move-mismatch", "error",
    it="Dopo la copia la tabella {table} non torna ({found} nel registro del team, {expected} nel file): ho "
       "annullato tutto, il registro del team è rimasto com'era. Segnalalo con il comando che l'ha prodotto.",
    en="After the copy the table {table} does not agree ({found} in the team ledger, {expected} in the file): "
       "everything was undone, the team ledger is as it was. Report it with the command that caused it.")

DOCUMENTS = ("orders", "deliveries", "invoices", "payments")
"""The tables a refusal of a ledger in use names first."""
SHOWN = 4
"""How many of a ledger's non-empty tables its refusal names."""

CACHES = (schema.holds, schema.hold_items, schema.hold_marks, schema.hold_customers, schema.hold_stock)
"""Tables whose rows are only a cache of the shipping plan, which a day's `ship --all` on the
still empty team ledger (a colleague's desk, with no order to ship) fills: no history, so they
are emptied and the file's copied in, never taken for a ledger in use (deleted, the next day
plans again, as `--replan` does)."""

BATCH = 10_000
"""Rows read from the SQLite file at a time."""

MOVED_EVENT = "ledger-moved"
"""The event the team ledger logs for the move, naming the file the history came from."""


@dataclass(frozen=True)
class Moved:
    """What a move copied: rows per table, documents, and the last number of each series."""

    rows: dict[str, int]
    orders: int
    ddts: int
    invoices: int
    last_numbers: list[str]
    """The last number drawn in each series, in its latest year (`OC-2026-00042`)."""
    left: list[str]
    """The file's tables no ledger's schema has (a user's own): not moved, kept in the file."""


def tables() -> list[Table]:
    """Every table of the ledger's schema, each after those it refers to."""
    return list(schema.metadata.sorted_tables)


def move(source: Ledger, target: Ledger, then: Callable[[], None] = lambda: None) -> Moved:
    """Copy the SQLite ledger `source` (at this toolkit's schema: opening it upgraded it) into
    `target` (`server`), a PostgreSQL ledger with no documents (made or upgraded here, in the same
    transaction), and check each table's rows and money sums. Nothing is written to `source`.

    `then` runs once the team ledger has committed, with the file's write lock still held (the
    file renamed away there leaves a colleague who waited for the lock nothing to write into)."""
    with writing(source) as old:
        with _locked(target) as new:
            _refuse_another_programs(target, new)
            _create_or_upgrade(target, new)
            _refuse_unless_empty(target, new, old, source.file)
            for table in reversed(tables()):
                if table in CACHES:
                    new.execute(table.delete())
            for table in tables():
                if table is not schema.schema_version:  # made with the target's schema, at the same version
                    _copy(old, new, table, source.file)
            _continue_ids(new)
            figures = {table.name: _figures(old, table) for table in tables()}
            for table in tables():
                if (found := _figures(new, table)) != figures[table.name]:
                    raise UnusableInput(MISMATCH(None, table=table.name, found=found, expected=figures[table.name]))
            log_event(new, MOVED_EVENT, "ledger", detail=str(source.file))
            moved = _summary(new, {name: counted[0] for name, counted in figures.items()},
                             sorted(tables_in(old) - {table.name for table in tables()}))
        then()
    return moved


def _copy(old: Connection, new: Connection, table: Table, file: Path | None) -> None:
    """`table`'s rows from the file into the team ledger. A row the team ledger's constraints
    refuse, which SQLite let in (a line whose document is gone, from a ledger written with its
    foreign keys unchecked), stops the move naming the table and what PostgreSQL said."""
    try:
        copy_in.copy_rows(new, table, [c.name for c in table.columns], _rows(old, table, new.dialect, file))
    except IntegrityError as exc:
        said = getattr(exc.orig, "diag", None)
        reason = "; ".join(filter(None, (getattr(said, "message_primary", None), getattr(said, "message_detail", None))))
        raise UnusableInput(ROW_REFUSED(None, file=file, table=table.name,
                                        reason=(reason or first_reason(exc)).rstrip("."))) from None


def _refuse_another_programs(target: Ledger, conn: Connection) -> None:
    """A database holding tables but no ledger's schema is another program's: named with the
    tables it holds and the way out, `--to` (the refusal every command gives speaks of a file
    and of `--ledger`)."""
    if version(conn) is None and (found := sorted(tables_in(conn))):
        raise UnusableInput(TARGET_OF_ANOTHER_PROGRAM(None, url=target.url, found=_first_few(found)))


def _refuse_unless_empty(target: Ledger, conn: Connection, old: Connection, file: Path | None) -> None:
    """A ledger with any row beyond its schema version and its caches is someone's: refused, naming what it
    holds, its documents first (a few tables, not the thirty). One this very file was moved
    into already (a move stopped between the commit and the rename, or whose rename failed) is
    told so: a new, empty database would make a second team ledger of the same history. This
    very file: its path logged by the move, and its last event in the team ledger as it is in
    the file (another desk's file at the same path, or this one written since, is not)."""
    e = schema.events.c
    moved_at = conn.execute(select(func.max(e.at)).where(e.action == MOVED_EVENT, e.detail == str(file))).scalar()
    last = old.execute(select(e.id, e.at, e.action).order_by(e.id.desc()).limit(1)).first()
    if moved_at is not None and last is not None and conn.execute(
            select(e.id).where(e.id == last.id, e.at == last.at, e.action == last.action)).first():
        raise UnusableInput(MOVED_ALREADY(None, file=file, moved=file and moved_file(file), url=target.url, at=moved_at))
    found = {table.name: count for table in tables() if table is not schema.schema_version and table not in CACHES
             if (count := conn.execute(select(func.count()).select_from(table)).scalar_one())}
    if found:
        first = sorted(found, key=lambda name: (DOCUMENTS.index(name) if name in DOCUMENTS else len(DOCUMENTS), name))
        raise UnusableInput(TARGET_NOT_EMPTY(None, url=target.url,
                                             found=_first_few([f"{name} {found[name]}" for name in first])))


def _first_few(shown: Sequence[str]) -> str:
    """The first `SHOWN` of what a refusal names, and an ellipsis for the rest."""
    return ", ".join(shown[:SHOWN]) + (", …" if len(shown) > SHOWN else "")


def _rows(conn: Connection, table: Table, to: Dialect, file: Path | None) -> Iterator[tuple[Any, ...]]:
    """`table`'s rows in the file, by primary key, each value as PostgreSQL's driver takes it: a
    scaled amount stays the integer it is stored as, a date is read as a date, a flag as a flag.
    A value the team ledger would refuse stops the move at its row (`VALUE_REFUSED`)."""
    columns = list(table.columns)
    takers = move_values.takers(columns, conn.dialect, to)
    raw = select(*(type_coerce(c, NullType()).label(c.name) for c in columns)).order_by(*table.primary_key.columns)
    result = conn.execution_options(yield_per=BATCH).execute(raw)
    try:
        for batch in result.partitions():
            for row in batch:
                try:
                    yield tuple(take(value) for take, value in zip(takers, row))
                except move_values.ValueRefused as refused:
                    raise _refused(refused, table, row, file) from None
    except OperationalError as exc:
        if NOT_UTF8 not in str(exc.orig):
            raise
        undecoded, where = move_values.not_utf8(conn, table)
        raise _refused(undecoded, table, where, file) from None


NOT_UTF8 = "Could not decode to UTF-8"
"""What Python's sqlite3 says of a text whose bytes are not UTF-8 (another program's Latin-1 `è`)."""


def _refused(refused: move_values.ValueRefused, table: Table, row: Sequence[Any], file: Path | None) -> UnusableInput:
    key = ", ".join(f"{c.name} {row[list(table.columns).index(c)]}" for c in table.primary_key.columns)
    return UnusableInput(VALUE_REFUSED(
        None, file=file, table=table.name, row=key, column=refused.column.name,
        value=refused.shown_value(), wanted_it=refused.wanted.it, wanted_en=refused.wanted.en))


def _continue_ids(conn: Connection) -> None:
    """Each id sequence set past the ids copied, so the next row gets the next id: the rows
    came in with their own ids, which leave a serial column's sequence where it was."""
    for table in tables():
        for column in table.primary_key.columns:
            sequence = conn.exec_driver_sql("SELECT pg_get_serial_sequence(%(t)s, %(c)s)",
                                            {"t": table.name, "c": column.name}).scalar()
            if sequence is None:
                continue
            last = conn.execute(select(func.max(column))).scalar()
            conn.exec_driver_sql("SELECT setval(%(s)s, %(n)s, %(called)s)",
                                 {"s": sequence, "n": last or 1, "called": last is not None})


def _figures(conn: Connection, table: Table) -> tuple[int, ...]:
    """`table`'s row count and the sum of each scaled column (money, quantities, prices) as the
    integers stored: equal in both ledgers when every row came across exactly."""
    sums = [func.coalesce(func.sum(type_coerce(c, BigInteger)), 0) for c in table.columns if isinstance(c.type, Scaled)]
    return tuple(int(x) for x in conn.execute(select(func.count(), *sums).select_from(table)).one())


def _summary(conn: Connection, rows: dict[str, int], left: list[str]) -> Moved:
    from toolkit.ledger.counts import document_counts

    orders, ddts, invoices = document_counts(conn)
    c = schema.counters.c
    latest = select(c.series, func.max(c.year).label("year")).group_by(c.series).subquery()
    last = conn.execute(select(c.series, c.year, c.last).join(latest, (c.series == latest.c.series)
                                                              & (c.year == latest.c.year)).order_by(c.series))
    return Moved(rows, orders, ddts, invoices, [document_number(s, y, n) for s, y, n in last], left)


def tables_in(conn: Connection) -> set[str]:
    """The tables a ledger's database holds (SQLite's own left out)."""
    return {name for name in inspect(conn).get_table_names() if not name.startswith("sqlite_")}



def server(url: str, patience: Patience, action: str) -> Ledger:
    """The PostgreSQL ledger at `url` as it is, neither made nor upgraded (`move` does that in
    its own transaction), once a connection to it has been opened: an unreachable server is
    told now, before the file is locked."""
    try:
        engine = _engine(as_url(url), Holder(user(), action))
    except UnusableInput as exc:  # its words say --ledger, where the address was given with --to
        said = exc.problem
        if said.code == LEDGER_BAD_PORT.code:
            raise UnusableInput(TARGET_BAD_PORT(None, **dict(said.params))) from None
        if said.code == LEDGER_UNSUPPORTED.code:
            raise UnusableInput(TARGET_NOT_POSTGRESQL(None, **dict(said.params))) from None
        raise
    ledger = Ledger(engine, patience, action, typed_scheme=typed_scheme(url))
    if ledger.is_sqlite:
        raise UnusableInput(TARGET_NOT_POSTGRESQL(None, url=ledger.url))
    try:
        with ledger.engine.connect() as conn:
            server_version.refuse_older(conn, ledger.url)
    except (OperationalError, ProgrammingError) as exc:
        ledger.engine.dispose()
        if isinstance(exc, ProgrammingError) and not not_connected(exc):
            raise
        raise UnusableInput(not_opened(ledger, exc)) from None
    return ledger
