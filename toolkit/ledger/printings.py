"""When each document was last printed: written after its file is, read by `toolkit print
--unprinted`."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, and_, delete, distinct, func, null, or_, select

from toolkit.basics import codes
from toolkit.core.invoicing import listed_kind
from toolkit.core.shipping import SERVICES_SERIES
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import bare_number, document_number, insert_rows, now, series_in, user, years_numbered
from toolkit.ledger.invoices import RUN_FILES

p = schema.printings.c


def mark_printed(conn: Connection, document: str, ids: Collection[int], at: datetime | None = None) -> None:
    """Record that these documents (`order`, `ddt` or `invoice`) were printed now, each keeping
    when it was first printed."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    stamp, by = at or now(), user()
    for chunk in in_batches(wanted):
        first = dict(conn.execute(select(p.document_id, p.first_printed_at)
                                  .where(p.document == document, p.document_id.in_(chunk))).all())
        conn.execute(delete(schema.printings).where(p.document == document, p.document_id.in_(chunk)))
        insert_rows(conn, schema.printings, [dict(document=document, document_id=i, printed_at=stamp, printed_by=by,
                                                  first_printed_at=first.get(i) or stamp) for i in chunk])


def last_printed(conn: Connection, document: str, ids: Collection[int] | None = None) -> dict[int, datetime]:
    """Document id → when it was last printed, for those printed at least once."""
    query = select(p.document_id, p.printed_at).where(p.document == document)
    if ids is None:
        return {i: at for i, at in conn.execute(query)}
    found: dict[int, datetime] = {}
    wanted = list(ids)
    for chunk in in_batches(wanted):
        found.update((i, at) for i, at in conn.execute(query.where(p.document_id.in_(chunk))))
    return found


def printed_as_draft(conn: Connection, ids: Collection[int]) -> set[int]:
    """The invoices among `ids` whose last print came before their run was made final: the copy
    printed is the one marked BOZZA (a month-end run printed as draft, then `invoice finalize`
    without `--out`), so the final invoice was never printed and `--unprinted` lists it. The
    mark stays: for the never-printed warnings of `ship --out` a month end's invoice printed
    as draft was printed with its run, as the desk asked (`at_once_never_printed`)."""
    e = schema.events.c
    found: set[int] = set()
    for chunk in in_batches(sorted(set(ids))):
        finalized = (select(e.document_id, func.max(e.at).label("at"))
                     .where(e.action == "finalized", e.document == "invoice", e.document_id.in_(chunk))
                     .group_by(e.document_id).subquery())
        found.update(conn.execute(
            select(p.document_id).join(finalized, finalized.c.document_id == p.document_id)
            .where(p.document == "invoice", p.printed_at < finalized.c.at)).scalars())
    return found


def printed_final(conn: Connection, ids: Collection[int]) -> set[int]:
    """The invoices among `ids` printed as final since they were stored: not the copy marked
    BOZZA of a run made final since (`printed_as_draft`), nor a printing older than the
    invoice, left by a run `invoice undo` deleted before it deleted the run's printings too
    (`toolkit.ledger.invoices.delete_run`), as SQLite gives the next run's invoices the
    deleted ids."""
    i = schema.invoices.c
    found: set[int] = set()
    for chunk in in_batches(sorted(set(ids))):
        found.update(conn.execute(
            select(p.document_id).join(schema.invoices, i.id == p.document_id)
            .where(p.document == "invoice", p.document_id.in_(chunk), p.printed_at >= i.created_at)).scalars())
    return found - printed_as_draft(conn, found)


_TABLES = {"order": (schema.orders, schema.orders.c.order_date), "ddt": (schema.deliveries, schema.deliveries.c.delivery_date),
           "invoice": (schema.invoices, schema.invoices.c.invoice_date)}


class Chosen(NamedTuple):
    """The documents a selection names, in number order; the numbers typed that name none; and
    those that may name more than one, each with the numbers it may be."""

    ids: list[int]
    unknown: list[str]
    ambiguous: dict[str, list[str]]


def document_ids(conn: Connection, document: str, *, numbers: Collection[str] | None = None,
                 first: date | None = None, last: date | None = None, run: str | None = None) -> Chosen:
    """The ids of the documents chosen by number, date range and invoicing run, in number
    order. A number is read as the order commands read it (`toolkit.basics.codes`:
    `OC-2026-00007`, `oc-2026-7`, `7/2026`); one with no series names the document of every
    series the ledger numbers these documents in, and is ambiguous when two have it. The
    records of services rendered share the DDTs' table but are no DDT (`SERVICES_SERIES`):
    never chosen, never printed, so `7/2026` is the DDT even when SERVIZI-2026-00007 exists."""
    table, day = _TABLES[document]
    c = table.c
    query = select(c.id, c.series, c.year, c.number)
    if document == "ddt":
        query = query.where(c.series != SERVICES_SERIES)
    if first is not None:
        query = query.where(day >= first)
    if last is not None:
        query = query.where(day <= last)
    if run is not None:
        query = query.where(c.run_id == run)
    if numbers is None:
        return Chosen([r.id for r in conn.execute(query.order_by(c.year, c.series, c.number))], [], {})
    wanted = _candidates(conn, table, numbers)
    keys = list(dict.fromkeys(key for candidates in wanted.values() for key in candidates))
    rows: dict[tuple[str, int, int], Any] = {}
    for start in range(0, len(keys), 200):
        rows.update(((r.series, r.year, r.number), r) for r in conn.execute(
            query.where(or_(*(and_(c.series == s, c.year == y, c.number == n) for s, y, n in keys[start:start + 200])))))
    found = {typed: [key for key in candidates if key in rows] for typed, candidates in wanted.items()}
    chosen = sorted({rows[named[0]] for named in found.values() if len(named) == 1},
                    key=lambda r: (r.year, r.series, r.number))
    return Chosen([r.id for r in chosen], [typed for typed, named in found.items() if not named],
                  {typed: [document_number(*key) for key in named] for typed, named in found.items() if len(named) > 1})


def listed_kinds(conn: Connection, ids: Collection[int]) -> list[tuple[str, str]]:
    """The invoices `ids` as (number, the kind a list names them by: `listed_kind`), in number
    order, without their lines: what a message naming the invoices a file holds needs, kind by
    kind. The number does not tell it: a debit note is numbered in the invoices' series."""
    i = schema.invoices.c
    rows: list[Any] = []
    for chunk in in_batches(sorted(set(ids))):
        rows += conn.execute(select(i.series, i.year, i.number, i.kind, i.reason).where(i.id.in_(chunk))).all()
    rows.sort(key=lambda r: (r.year, r.series, r.number))
    return [(document_number(r.series, r.year, r.number), listed_kind(r.kind, r.reason)) for r in rows]


def _candidates(conn: Connection, table: Any, numbers: Collection[str]) -> dict[str, list[tuple[str, int, int]]]:
    """Each number typed → the (series, year, number) it may be: none when it is not a number."""
    known: list[str] | None = None
    wanted: dict[str, list[tuple[str, int, int]]] = {}
    for typed in dict.fromkeys(n.strip() for n in numbers if n.strip()):
        parsed = codes.document_number(typed)
        if (alone := bare_number(typed)) is not None:
            wanted[typed] = [(s, year, alone) for s, year in years_numbered(conn, table)]
            continue
        if parsed is None:
            wanted[typed] = []
            continue
        known = series_in(conn, table) if known is None else known
        series, year, number = parsed
        wanted[typed] = [(s, year, number) for s in known if series is None or s.upper() == series]
    return wanted


class Unprinted(NamedTuple):
    """A document recorded and never printed: its id, number and date."""

    id: int
    number: str
    day: date


RECENT_DAYS = 31
"""How far back, from the latest document of its kind, a document never printed is looked for:
a command killed before its file was written is found by the next run, while a desk's older
history (documents stored before the ledger recorded printings, DDTs a desk never printed with
the toolkit) stays out of it. The documents' date is indexed; their creation time is not."""


class NeverPrinted(NamedTuple):
    """The documents of one kind recorded lately and never printed, as a warning names them:
    how many, the first in number order (as many as asked), the first and last day they are
    dated, and the invoicing run that issued them all when one did (invoices only)."""

    total: int
    first: list[Unprinted]
    days: tuple[date, date] | None
    run: str | None = None


def ddts_never_printed(conn: Connection, first: int) -> NeverPrinted:
    """The DDTs (not the records of services rendered, nor those voided) of the latest
    `RECENT_DAYS` never printed."""
    d = schema.deliveries.c
    return _never_printed(conn, "ddt", schema.deliveries, d.delivery_date,
                          [d.series != SERVICES_SERIES, schema.in_force(d.id)], first)


def at_once_never_printed(conn: Connection, first: int) -> NeverPrinted:
    """The final invoices of the latest `RECENT_DAYS` never printed that were issued with their
    order or DDT (`orders create`, `ship --invoice`): none of their DDTs dated before them, as a
    month end's deferred invoice has, which is printed with `--copies` or not at all; not the
    debit notes, which no order or DDT issues (`notes_never_printed`); nor a month-end run's
    invoice billing DDTs of its own date (immediate, TD01, as `ship --invoice`'s, and alike in
    the ledger but for its run: `month_end_runs`), which was named *emessa con l'ordine o il DDT*."""
    i, il, dl, d = schema.invoices.c, schema.invoice_lines.c, schema.delivery_lines.c, schema.deliveries.c
    deferred = (select(il.id).join(schema.delivery_lines, dl.id == il.delivery_line_id)
                .join(schema.deliveries, d.id == dl.delivery_id)
                .where(il.invoice_id == i.id, d.delivery_date < i.invoice_date).exists())
    at_once = [i.kind == "invoice", i.status == "final", i.reason.is_(None), ~deferred]
    found = _never_printed(conn, "invoice", schema.invoices, i.invoice_date, at_once, first)
    if found.days is None or not (runs := month_end_runs(conn, *found.days)):
        return found
    return _never_printed(conn, "invoice", schema.invoices, i.invoice_date, [*at_once, i.run_id.not_in(runs)], first)


def month_end_runs(conn: Connection, first: date, last: date) -> list[str]:
    """The runs of `toolkit invoice` (a month end's, or `--orders`) among those that issued
    invoices dated from `first` to `last`: each notes where it wrote its files (`RUN_FILES`),
    in the transaction that stores it, which the invoices issued with an order or a DDT never
    do. Asked only once invoices never printed are found: the event log has no index for it, and
    its read is a scan (0.04 s of CPU at 300,000 events, April's at L, on SQLite)."""
    i, e = schema.invoices.c, schema.events.c
    dated = select(i.run_id).where(i.invoice_date >= first, i.invoice_date <= last).distinct()
    return list(conn.execute(select(e.number).where(e.action == "written", e.document == RUN_FILES,
                                                    e.number.in_(dated)).distinct()).scalars())


def notes_never_printed(conn: Connection, first: int) -> NeverPrinted:
    """The credit notes of `toolkit invoice credit` and the debit notes of `toolkit invoice debit`
    (the documents with a reason) of the latest `RECENT_DAYS` never printed: both are issued one
    at a time by the desk, printed by the command that issues them."""
    i = schema.invoices.c
    return _never_printed(conn, "invoice", schema.invoices, i.invoice_date, [i.reason.is_not(None)], first)


def unprinted_credit_notes(conn: Connection, invoice_id: int) -> list[Unprinted]:
    """The credit notes of `toolkit invoice credit` (those with a reason) citing this invoice
    never printed, whatever their date."""
    return _unprinted_citing(conn, invoice_id, "credit-note")


def unprinted_debit_notes(conn: Connection, invoice_id: int) -> list[Unprinted]:
    """The debit notes of `toolkit invoice debit` (invoices with a reason) citing this invoice
    never printed, whatever their date."""
    return _unprinted_citing(conn, invoice_id, "invoice")


def _unprinted_citing(conn: Connection, invoice_id: int, kind: str) -> list[Unprinted]:
    """The notes of `kind` made by a command with a reason that cite this invoice and were never
    printed: what a second run of that command, killed before its file, would issue again."""
    i, c = schema.invoices.c, schema.invoice_citations.c
    citing = select(c.credit_note_id).where(c.invoice_id == invoice_id)
    query = _never(select(i.id, i.series, i.year, i.number, i.invoice_date)
                   .where(i.kind == kind, i.reason.is_not(None), i.id.in_(citing)), "invoice", i.id)
    return [Unprinted(r[0], document_number(r[1], r[2], r[3]), r[4])
            for r in conn.execute(query.order_by(i.year, i.series, i.number))]


def _never_printed(conn: Connection, document: str, table: Any, day: Any, where: list[Any], first: int
                   ) -> NeverPrinted:
    """`NeverPrinted` of the documents of `table` that `where` selects, dated in the latest
    `RECENT_DAYS` of its kind: their count, days and runs summed by the database, and only the
    `first` in number order read. A desk that prints another way had every document of a month
    listed at each `ship --out` (at L 87,000 DDTs and 46,000 invoices: 0.6 s of CPU, and a
    command naming every invoice, 640,000 characters)."""
    c = table.c
    latest = conn.execute(select(func.max(day))).scalar()
    if latest is None:
        return NeverPrinted(0, [], None)
    recent = [*where, day >= latest - timedelta(days=RECENT_DAYS)]
    run = c.run_id if "run_id" in c else null()
    count, first_day, last_day, runs, one_run = conn.execute(_never(
        select(func.count(), func.min(day), func.max(day), func.count(distinct(run)), func.min(run)).where(*recent),
        document, c.id)).one()
    if not count:
        return NeverPrinted(0, [], None)
    rows = conn.execute(_never(select(c.id, c.series, c.year, c.number, day).where(*recent), document, c.id)
                        .order_by(c.year, c.series, c.number).limit(first))
    return NeverPrinted(count, [Unprinted(r[0], document_number(r[1], r[2], r[3]), r[4]) for r in rows],
                        (first_day, last_day), one_run if runs == 1 else None)


def _never(query: Any, document: str, document_id: Any) -> Any:
    """`query` of the documents with no printing recorded."""
    printed = select(p.document_id).where(p.document == document, p.document_id == document_id).exists()
    return query.where(~printed)
