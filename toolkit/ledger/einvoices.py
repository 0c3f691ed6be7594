"""E-invoice files in the ledger: which invoices a run or a month exports, and the progressive
that names each file (`IT<partita IVA>_<progressive>.xml`) and each zip sent to SDI.

A progressive is drawn the first time an invoice's file is written, in a write transaction,
and kept for ever: writing the same invoice again gives the same name, never a new number,
and SDI never sees a name twice. Numbers come from this table itself (the next after the
highest), one sequence for files and zips alike so that a zip never shares a file's name;
nothing deletes its rows and an invoice that has a file cannot be deleted, so no number
comes back. `toolkit.core.einvoice.names` spells the number as five characters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, func, or_, select, text, update

from toolkit.core.einvoice.names import progressive
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceStatus, listed_kind
from toolkit.ledger import schema
from toolkit.ledger.batches import in_batches
from toolkit.ledger.db import document_number, event_row, insert_rows, log_events, now, user
from toolkit.ledger.invoices_bulk import load_invoices_in_bulk
from toolkit.model.cells import FILES_SERIES

i, f = schema.invoices.c, schema.einvoice_files.c


@dataclass(frozen=True, slots=True)
class Exportable:
    """An invoice or credit note an export may write: enough to choose, without its lines."""

    id: int
    number: str
    kind: InvoiceKind
    status: InvoiceStatus
    run_id: str
    customer: str
    day: date
    reason: str | None = None
    """The causale: a debit note is the invoice with one (`listed_kind`)."""

    @property
    def kind_listed(self) -> str:
        """What the event log calls the document: `invoice`, `credit-note` or `debit-note`."""
        return listed_kind(self.kind.value, self.reason)


def exportable(conn: Connection, *, run_id: str | None = None, first: date | None = None,
               last: date | None = None) -> list[Exportable]:
    """A run's documents, or those dated in [first, last], drafts included, in date and number order."""
    query = select(i.id, i.kind, i.series, i.year, i.number, i.status, i.run_id, i.customer, i.invoice_date,
                   i.reason)
    if run_id is not None:
        query = query.where(i.run_id == run_id)
    if first is not None:
        query = query.where(i.invoice_date >= first)
    if last is not None:
        query = query.where(i.invoice_date <= last)
    rows = conn.execute(query.order_by(i.invoice_date, i.series, i.year, i.number))
    return [Exportable(r.id, document_number(r.series, r.year, r.number), InvoiceKind(r.kind),
                       InvoiceStatus(r.status), r.run_id, r.customer, r.invoice_date, r.reason) for r in rows]


def dated_after(conn: Connection, first: date, last: date) -> list[tuple[str, date, list[str]]]:
    """(run, date, numbers) of the documents billing deliveries of [first, last] but dated after
    `last`: a month's deferred invoices dated the day of a run made in the next month
    (*Data fattura differita* = Emissione, or `--date`), which a month's export leaves out, with
    their run's credit notes for returns. Runs of credit notes alone (`invoice credit`, a volume
    discount's) correct a period without being its invoicing, and are not named."""
    later = (i.period_end >= first) & (i.period_end <= last) & (i.invoice_date > last)
    runs = select(i.run_id).where(later, i.kind == InvoiceKind.INVOICE.value)
    rows = conn.execute(select(i.run_id, i.invoice_date, i.series, i.year, i.number).where(later, i.run_id.in_(runs))
                        .order_by(i.invoice_date, i.run_id, i.series, i.year, i.number))
    found: dict[tuple[str, date], list[str]] = {}
    for r in rows:
        found.setdefault((r.run_id, r.invoice_date), []).append(document_number(r.series, r.year, r.number))
    return [(run, day, numbers) for (run, day), numbers in found.items()]


def citing(conn: Connection, ids: Sequence[int]) -> set[int]:
    """Those of these documents that cite an invoice (`invoice_citations`): the credit notes that
    correct one and the debit notes that add to one, whose e-invoice names it."""
    c = schema.invoice_citations.c
    found: set[int] = set()
    for chunk in in_batches(sorted(set(ids))):
        found.update(conn.execute(select(c.credit_note_id).where(c.credit_note_id.in_(chunk)).distinct()).scalars())
    return found


def final_invoices_of(conn: Connection, customers: Collection[str]) -> list[Invoice]:
    """Every final invoice and credit note of these customers, customer by customer, each
    customer's in number order: what a credit note may correct."""
    wanted = sorted(customers)
    ids: list[int] = []
    for chunk in in_batches(wanted):
        ids += conn.execute(select(i.id).where(i.customer.in_(chunk),
                                               i.status == InvoiceStatus.FINAL.value)).scalars()
    return sorted(load_invoices_in_bulk(conn, ids), key=lambda invoice: invoice.customer)


def progressives(conn: Connection, invoice_ids: Iterable[int]) -> dict[int, str]:
    """Invoice id → the progressive of its file, for those that have one."""
    wanted = sorted(set(invoice_ids))
    found: dict[int, str] = {}
    for chunk in in_batches(wanted):
        rows = conn.execute(select(f.invoice_id, f.progressive).where(f.invoice_id.in_(chunk)))
        found.update((r.invoice_id, r.progressive) for r in rows)
    return found


def first_written(conn: Connection, invoice_ids: Iterable[int]) -> set[int]:
    """Record these invoices' files as written now, inside the caller's write transaction, and
    return those written for the first time: a name drawn by an export that refused the file
    (`assign` draws it before the checks) is no file SDI has had."""
    wanted = sorted(set(invoice_ids))
    first: set[int] = set()
    for chunk in in_batches(wanted):
        rows = conn.execute(select(f.invoice_id).where(f.invoice_id.in_(chunk), f.written_at.is_(None)))
        first.update(rows.scalars())
    at = now()
    for chunk in in_batches(sorted(first)):
        conn.execute(update(schema.einvoice_files).where(f.invoice_id.in_(chunk)).values(written_at=at))
    return first


def unwritten_immediate(conn: Connection, first: date, last: date) -> dict[str, date]:
    """Number → date, in date and number order, of the final immediate invoices (TD01:
    `core.einvoice.deadline.document_type`) dated in [first, last] whose file was never written.
    One query on `invoice_date`'s index: a debit note is an invoice with a reason (`listed_kind`),
    a deferred invoice one billing a DDT dated before it (`Invoice.deferred`), which its lines
    say as `load_invoices_in_bulk` reads them. Only an invoice whose period starts before its
    date can (an immediate one's period is its own day), and only its lines are read: asked of
    every invoice, PostgreSQL joined all the ledger's invoice and DDT lines, 1 s at L. Its
    estimate of those reads, though few are made, passes PostgreSQL's threshold for compiling
    the query (JIT): 1.6 s of compiling for 40 ms of reading, so JIT is off for this query."""
    il, dl, d = schema.invoice_lines.c, schema.delivery_lines.c, schema.deliveries.c
    written = select(f.invoice_id).where(f.invoice_id == i.id, f.written_at.is_not(None)).exists()
    billed_before = (select(il.id)
                     .select_from(schema.invoice_lines.outerjoin(schema.delivery_lines, dl.id == il.delivery_line_id)
                                  .join(schema.deliveries, d.id == func.coalesce(dl.delivery_id, il.shipped_with)))
                     .where(il.invoice_id == i.id, d.delivery_date < i.invoice_date).exists())
    deferred = or_(i.period_start.is_(None), i.period_start < i.invoice_date) & billed_before
    query = (select(i.series, i.year, i.number, i.invoice_date)
             .where(i.invoice_date >= first, i.invoice_date <= last, i.kind == InvoiceKind.INVOICE.value,
                    i.status == InvoiceStatus.FINAL.value, i.reason.is_(None), ~written, ~deferred)
             .order_by(i.invoice_date, i.series, i.year, i.number))
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.execute(text("SET LOCAL jit = off"))
    rows = conn.execute(query).all()
    if postgres:
        conn.execute(text("SET LOCAL jit TO DEFAULT"))
    return {document_number(r.series, r.year, r.number): r.invoice_date for r in rows}


def assign(conn: Connection, documents: Sequence[Exportable]) -> dict[int, str]:
    """Invoice id → progressive for each document, drawing one for those without, in the
    documents' order, inside the caller's write transaction; one event each."""
    known = progressives(conn, (d.id for d in documents))
    missing = [d for d in documents if d.id not in known]
    if not missing:
        return known
    first = _next_number(conn)
    drawn = {d.id: progressive(first + n) for n, d in enumerate(missing)}
    at, by = now(), user()
    insert_rows(conn, schema.einvoice_files, [
        dict(number=first + n, progressive=drawn[d.id], invoice_id=d.id, archive=None, created_at=at, created_by=by)
        for n, d in enumerate(missing)])
    log_events(conn, [event_row("einvoice-file", d.kind_listed, d.id, d.number, f"progressive {drawn[d.id]}")
                      for d in missing])
    return {**known, **drawn}


def redraw(conn: Connection, documents: Sequence[Exportable]) -> dict[int, str]:
    """Invoice id → a new progressive for each document's file, which SDI rejected (notifica di
    scarto), inside the caller's write transaction; one event each, naming the rejected one.

    SDI refuses a second file under a name it has seen (00002), rejected or not, so the file
    of the corrected invoice needs a new name; its row takes the next number, past every number
    drawn, so no name ever comes back, and it counts as never zipped: the next zip holds it.
    A document without a file yet keeps none here (`assign` gives it its first)."""
    earlier = progressives(conn, (d.id for d in documents))
    again = [d for d in documents if d.id in earlier]
    if not again:
        return {}
    first = _next_number(conn)
    drawn = {d.id: progressive(first + n) for n, d in enumerate(again)}
    for n, d in enumerate(again):
        conn.execute(update(schema.einvoice_files).where(f.invoice_id == d.id)
                     .values(number=first + n, progressive=drawn[d.id], zipped_in=None))
    log_events(conn, [event_row("einvoice-file", d.kind_listed, d.id, d.number,
                                f"progressive {drawn[d.id]}, {earlier[d.id]} rejected by SDI")
                      for d in again])
    return drawn


def archive_progressive(conn: Connection, members: Sequence[str], invoice_ids: Collection[int] = ()) -> str:
    """The progressive of the zip holding exactly these files: the one it had, if the same
    files were zipped before, else a new one (caller's write transaction). The invoices
    `invoice_ids` (the members' invoices) are recorded as zipped, for those zipped the first time."""
    digest = _digest(members)
    kept = conn.execute(select(f.number, f.progressive).where(f.archive == digest)).one_or_none()
    if kept is not None:
        number, value = kept.number, str(kept.progressive)
    else:
        number = _next_number(conn)
        value = progressive(number)
        insert_rows(conn, schema.einvoice_files, [dict(number=number, progressive=value, invoice_id=None,
                                                       archive=digest, created_at=now(), created_by=user())])
        log_events(conn, [event_row("einvoice-zip", "einvoice-zip", None, value, f"{len(members)} files")])
    for chunk in in_batches(sorted(invoice_ids)):
        conn.execute(update(schema.einvoice_files).where(f.invoice_id.in_(chunk), f.zipped_in.is_(None))
                     .values(zipped_in=number))
    return value


def next_progressive(conn: Connection) -> Callable[[int], str]:
    """The progressive the next file or zip drawn takes, asked with how many are drawn before it:
    the name a zip being made will take once it is in place (`archive_progressive`)."""
    first = _next_number(conn)
    return lambda ahead: progressive(first + ahead)


def kept_archives(conn: Connection) -> Callable[[Sequence[str]], str | None]:
    """`kept_archive` read once for every zip recorded, to be asked later with no connection:
    the name a zip being made again (`--resend`) takes, when a full disk stops it."""
    kept = {digest: str(value) for digest, value
            in conn.execute(select(f.archive, f.progressive).where(f.archive.is_not(None)))}
    return lambda members: kept.get(_digest(members))


def kept_archive(conn: Connection, members: Sequence[str]) -> str | None:
    """The progressive of the zip recorded with exactly these files, if one was."""
    return conn.execute(select(f.progressive).where(f.archive == _digest(members))).scalar_one_or_none()


def _digest(members: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(sorted(members)).encode("utf-8")).hexdigest()


def zipped(conn: Connection, invoice_ids: Iterable[int]) -> dict[int, str]:
    """Invoice id → the progressive of the first zip for SDI that held its file, for those
    already zipped."""
    zips = schema.einvoice_files.alias("zips")
    found: dict[int, str] = {}
    for chunk in in_batches(sorted(set(invoice_ids))):
        rows = conn.execute(select(f.invoice_id, zips.c.progressive)
                            .join(zips, zips.c.number == f.zipped_in).where(f.invoice_id.in_(chunk)))
        found.update((r.invoice_id, r.progressive) for r in rows)
    return found


def _next_number(conn: Connection) -> int:
    """One past every file and zip number drawn, and past the last progressive the desk's former
    program used (*Numeri prima del toolkit* `SDI 412`, kept as the counter of `FILES_SERIES`,
    year 0): SDI refuses a name it has seen, whoever wrote it."""
    drawn = int(conn.execute(select(func.coalesce(func.max(f.number), 0))).scalar_one())
    c = schema.counters.c
    before = conn.execute(select(c.last).where(c.series == FILES_SERIES, c.year == 0)).scalar()
    return max(drawn, before or 0) + 1
