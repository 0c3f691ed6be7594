"""The ledger's tables, and the migrations that bring an older ledger up to date.

Uniqueness that the invariants rely on lives in the database itself: one order per (template,
occurrence date), one number per (series, year, number), each shipped line invoiced once.

A document's lines have a foreign key to their document (deleted with it: an invoice undone
takes its lines). A line that cites another document's line — a DDT line its order line, an
invoice line its DDT line and order line (`CITED_LINES`) — keeps the cited id as a plain
integer. Nothing deletes orders, DDTs or their lines (a voided DDT's lines are moved to
`voided_lines`, cited by nothing: a DDT an invoice cites is never voided), and each citing line
is written from the cited rows read in the same write transaction. On PostgreSQL a foreign key there cost a row
lock on every cited line, which rewrites that line's page: at L the month-end run's invoice
lines made PostgreSQL rewrite pages of most of the month's order and DDT lines, 8.6 of its 28 s
(schema 21 drops those keys). `tests/oracles/cited_lines.py` checks every citation resolves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    exists,
    false,
    literal_column,
    or_,
    text,
)

from toolkit.ledger.types import Money, Quantity, Rate, UnitPrice, stored_integer

SCHEMA_VERSION = 48

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
)

counters = Table(
    "counters", metadata,
    Column("series", String(20), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

generation_runs = Table(
    "generation_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("occurrence_date", Date, nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("by", String(100), nullable=False),
)

orders = Table(
    "orders", metadata,
    Column("id", Integer, primary_key=True),
    Column("series", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("template", String(60)),
    Column("occurrence", Date, nullable=False),
    Column("order_date", Date, nullable=False),
    Column("customer", String(60), nullable=False),
    Column("ship_to", String(60)),
    Column("contact", String(60)),
    Column("document_type", String(20), nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("price_list", String(60), nullable=False),
    Column("price_version", String(60), nullable=False),
    Column("price_type", String(20), nullable=False),
    Column("project", String(60)),
    Column("delivery_option", Text),
    Column("customer_reference", String(60)),
    Column("payment_method", String(30)),
    Column("confirms", Integer),
    Column("origin", Text),
    Column("form_digest", String(64)),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("unshipped_euros", BigInteger, nullable=False, server_default="0"),
    Column("unshipped_micros", BigInteger, nullable=False, server_default="0"),
    Column("documents_held", String(20)),
    Column("parties_id", Integer),
    Column("lang", String(2)),
    UniqueConstraint("template", "occurrence", name="uq_order_occurrence"),
    UniqueConstraint("series", "year", "number", name="uq_order_number"),
)
"""`customer_reference` is the customer's own purchase-order number and `payment_method` the
template's payment method when it overrides the customer's (None: the customer's), both as the
order was created. `confirms` is the id of the quotation or proposal a confirmed order was made
from (`toolkit orders confirm`); its unique index lets a quotation be confirmed once only. A plain
integer, not a foreign key: orders are never deleted, and SQLite cannot drop a foreign-key column,
which the migration test does to make a version 5 ledger.

Where an order comes from is told by the column that keys it: `template` for an order a template
made on its `occurrence` (unique together, so a date is never generated twice), `confirms` for
the order made from a quotation or proposal (its `template` is NULL: NULLs never collide in the
unique constraint), `form_digest` for the order imported from a customer's order form (its
`template` NULL too). `toolkit.core.orders.Order.origin` shows each the same way.

`unshipped_euros` and `unshipped_micros` keep the value the order still has to ship, for the
customers' credit figures (`toolkit.ledger.unshipped`).

`documents_held` names the documents issued at once (`ddt`, `invoice`, `ddt,invoice`:
`toolkit.core.orders.AtOnce`) that an order made before its day waits to issue on that day
(schema 30); NULL once issued, and for every other order.

`parties_id`: the seller, customer, destination and contact person the order printed (`issued_parties`), so
`toolkit print orders` prints it again as it was; NULL on an order stored before schema 34,
printed with the master data of the day.

`lang`: the language the order was issued in (`it`, `en`: the run's, `--lang` else *Lingua*),
which a reprint speaks (schema 46); NULL on one stored before, reprinted in the run's language.
DDTs and invoices keep theirs the same way."""

documents_held = orders.c.documents_held.is_not(None)
"""The orders whose documents issued at once wait for their day: the condition of
`documents_held_index`, repeated as it is by the queries that read it."""

documents_held_index = Index("ix_orders_documents_held", orders.c.occurrence, sqlite_where=documents_held,
                             postgresql_where=documents_held)
"""The few orders whose documents wait, by day: what `orders create` and `ship` read to issue
those due, without visiting the other orders (schema 30)."""

confirms_index = Index("uq_order_confirms", orders.c.confirms, unique=True)

customer_index = Index("ix_orders_customer_date", orders.c.customer, orders.c.order_date, orders.c.status)
"""A customer's orders by date, with their status: what a lookup by customer reads, and all
that a customer's latest order needs (`toolkit.ledger.exposure`, beside each order of a
preview) without visiting the orders themselves. On April's final ledger at L every
customer's latest order took 0.61–0.66 s of CPU through an index of the customer alone,
0.14 s through this one (schema 16, which replaces that index)."""

form_digest_index = Index("uq_order_form_digest", orders.c.form_digest, unique=True)
"""An order imported from a customer's order form (`toolkit convert --to orders`) keeps where it
came from, `origin` = "form:<file name>", and the SHA-256 of the form's bytes, unique: the same
form, or a renamed copy of it, makes one order however many times it is imported."""

order_lines = Table(
    "order_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    Column("line_no", Integer, nullable=False),
    Column("item", String(60), nullable=False),
    Column("description", Text, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("quantity", Quantity(), nullable=False),
    Column("unit_price", UnitPrice(), nullable=False),
    Column("amount", Money(), nullable=False),
    Column("vat_rate", Rate(), nullable=False),
    Column("vat_nature", String(10)),
    Column("note", Text),
    Column("price_rule", String(60)),
    Column("shipped", Quantity(), nullable=False, server_default=text("0")),
    UniqueConstraint("order_id", "line_no", name="uq_order_line"),
)
"""`price_rule` is the code of the price rule (Regole prezzo) that set the line's unit price, None
when the list or the template line's own price did; DDT and invoice lines show it through their
order line.

`shipped` is the sum of the line's DDT lines (`delivery_lines.quantity`), kept by the one writer
of DDT lines (`toolkit.ledger.deliveries.store_drafts`) as it stores them: a day's shipping at L
asks what is still open on 800,000 reserving lines, and summing each one's DDT lines again every
day was most of the reservations' read. The DDT lines stay the record; the column is their sum.

`order_id` has no index of its own: the unique key `(order_id, line_no)` begins with it, and
serves every lookup by order on SQLite and PostgreSQL alike; a second index only made each of a
day's 50,000 stored lines cost one more insertion (migration 14 drops it from older ledgers)."""

left_to_ship = stored_integer(order_lines.c.quantity) - stored_integer(order_lines.c.shipped)
"""What an order line still has to ship, ordered less shipped, as the stored integer: the open
lines' reads, the orders' kept value still to ship and their kept reservations all start here."""

deliveries = Table(
    "deliveries", metadata,
    Column("id", Integer, primary_key=True),
    Column("series", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("delivery_date", Date, nullable=False, index=True),
    Column("customer", String(60), nullable=False, index=True),
    Column("ship_to", String(60)),
    Column("carrier", String(60)),
    Column("reason", String(40), nullable=False),
    Column("packages", Integer),
    Column("weight", Quantity()),
    Column("forced", Integer, nullable=False, default=0),
    Column("accounting_date", Date),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("parties_id", Integer),
    Column("lang", String(2)),
    Column("uninvoiced_euros", BigInteger, nullable=False, server_default="0"),
    Column("uninvoiced_micros", BigInteger, nullable=False, server_default="0"),
    Column("stored_late", Integer, nullable=False, server_default="0"),
    UniqueConstraint("series", "year", "number", name="uq_delivery_number"),
)
"""`accounting_date` is the day the DDT counts from in the accounts (data contabile); None:
the DDT's own date. `parties_id`: the parties it printed (`issued_parties`); NULL on a DDT
stored before schema 26. `lang`: the language it was issued in, as `orders.lang` (schema 46).

`uninvoiced_euros` and `uninvoiced_micros` keep the value of the DDT's lines not yet on a final
invoice, for the customers' credit figures (`toolkit.ledger.uninvoiced`).

`stored_late` is 1 for a DDT stored on a later day than its date (Rome's; `shipped_by_day.stored_late`):
a catch-up, a held document issued after a holiday, a `ship` run for an earlier day."""

stored_late_index = Index("ix_deliveries_stored_late", deliveries.c.stored_late, deliveries.c.created_at)
"""The DDTs stored after their day, by when: a stock count takes off those stored after it whatever
their date (`shipped_by_day.stored_since`), found here among the few stored late, not among every
DDT dated before the count, a year's history at a desk counting once a month (schema 39)."""

uninvoiced_kept = or_(deliveries.c.uninvoiced_euros != literal_column("0"),
                      deliveries.c.uninvoiced_micros != literal_column("0"))
"""The DDTs with something shipped and not yet on a final invoice: the condition of
`uninvoiced_index`, which a query must repeat as it is (the zeros written out, not bound) for
SQLite and PostgreSQL to read the index."""

uninvoiced_index = Index("ix_deliveries_uninvoiced", deliveries.c.customer, deliveries.c.uninvoiced_euros,
                         deliveries.c.uninvoiced_micros, sqlite_where=uninvoiced_kept,
                         postgresql_where=uninvoiced_kept)
"""The DDTs still to invoice, by customer, with their kept value: a customer's figure is read from
the index alone, and only from the DDTs of the month not yet invoiced (about 60,000 at a month's
end at L), not from every DDT the customer ever had (schema 27)."""

delivery_lines = Table(
    "delivery_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("order_line_id", Integer, nullable=False, index=True),
    Column("quantity", Quantity(), nullable=False),
)

shipped_by_day = Table(
    "shipped_by_day", metadata,
    Column("item", String(60), primary_key=True),
    Column("delivery_date", Date, primary_key=True),
    Column("quantity", Quantity(), nullable=False),
    sqlite_with_rowid=False,
)
"""What the DDTs of each date shipped of each item (the order lines' item; returns negative):
the sum of those DDT lines, a row for every item and date that has any, even when they sum to
nothing. Kept by the one writer of DDT lines (`toolkit.ledger.deliveries.store_drafts`) in
the same transaction, filled by migration 15 from the DDT lines a ledger held. The stock on
hand is the stock sheet less what shipped since its count date, which summed the 548,010 DDT
lines of a month at L each time it was read; here it is the rows of the dates since the count
date, one per item shipped that day. The DDT lines stay the record; the table is their sum.

On SQLite the rows are stored in their key's order (`WITHOUT ROWID`), so the stock's read is
one pass over them, item by item, with each quantity beside its key: on April's final ledger at
L (279,001 rows) the query took 0.058–0.074 s of CPU so, 0.088–0.098 s with a rowid table and
its key's index (medians of 5, alternated)."""

voided_deliveries = Table(
    "voided_deliveries", metadata,
    Column("delivery_id", Integer, ForeignKey("deliveries.id"), primary_key=True, autoincrement=False),
    Column("reason", Text),
    Column("voided_at", DateTime, nullable=False),
    Column("voided_by", String(100), nullable=False),
)
"""The DDTs voided (*annullati*) by `toolkit ddt void`, with why, when and by whom (schema 35): a
DDT that never left, or left wrong, keeps its number and is kept, as DPR 472/96 asks, and a new
one is issued. Its lines are moved to `voided_lines`: every sum the ledger keeps of what shipped
(`order_lines.shipped`, `shipped_by_day`, `reserved`, the orders' and DDTs' kept values) and
month end read `delivery_lines`, so a voided DDT is, to all of them, one that never shipped.
A row is never deleted: the DDT stays voided."""


def in_force(delivery_id: Any) -> Any:
    """The condition that the DDT `delivery_id` (a column) is not voided: what counts and lists
    DDTs as issued (the day's count, the DDTs never printed) asks of each."""
    return ~exists().where(voided_deliveries.c.delivery_id == delivery_id)


voided_lines = Table(
    "voided_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("delivery_id", Integer, ForeignKey("deliveries.id"), nullable=False, index=True),
    Column("order_line_id", Integer, nullable=False),
    Column("quantity", Quantity(), nullable=False),
    Column("vat_rate", Rate()),
    Column("vat_nature", String(10)),
    Column("unit_price", UnitPrice()),
)
"""What a voided DDT carried, line by line in its order (schema 35): what it prints again, marked
ANNULLATO. Its own id: on SQLite a DDT line id freed by a void may be drawn again.

`vat_rate`, `vat_nature` and `unit_price` are its order line's as the DDT carried them (schema
36): the line, shipped again after a VAT rate change, is rated again for its new DDT's date
(`toolkit.core.delivery_rate`), and the voided DDT still prints as it printed. NULL: the order
line's (read so by `toolkit.ledger.deliveries.load_notes`)."""

reserved = Table(
    "reserved", metadata,
    Column("item", String(60), primary_key=True),
    Column("place_year", Integer, primary_key=True, autoincrement=False),
    Column("place_series", String(20), primary_key=True),
    Column("place_number", Integer, primary_key=True, autoincrement=False),
    Column("order_id", Integer, primary_key=True, autoincrement=False),
    Column("quantity", Quantity(), nullable=False),
    sqlite_with_rowid=False,
)
"""What each order holding stock (`toolkit.core.reservations.holds`) still has to ship of each
item, above nothing: the sum of its open lines of the item, kept (`toolkit.ledger.reserved`).
The order lines stay the record; the table is their sum, so it can always be summed again.

Keyed by item, then by the order's place in the queue (`toolkit.core.orders.place_of`: the
proposal it confirms, else its own number, which never change), and stored in the key's order
on SQLite (`WITHOUT ROWID`), the queues of a day's shipping are one pass over it, item by item,
each already in rank order: grouping the open lines each time took 1.9 s of CPU late in a month
at L (657,000 holders' rows), this read 0.5 s; and the holders' places, read apart and sorted
in by each read, were 0.6 s more. No foreign key: the rows are written only from the orders'
own lines, orders are never deleted, and checking each row's order cost a fifth of storing a
day's new orders' rows. No index but the key (schema 37): an order's rows are deleted by their
full key, found from its lines (`toolkit.ledger.reserved._delete_keyed`)."""

invoices = Table(
    "invoices", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("series", String(20), nullable=False),
    Column("year", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("invoice_date", Date, nullable=False, index=True),
    Column("customer", String(60), nullable=False, index=True),
    Column("group_key", String(120)),
    Column("status", String(20), nullable=False),
    Column("run_id", String(40), nullable=False, index=True),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("taxable", Money(), nullable=False),
    Column("vat", Money(), nullable=False),
    Column("total", Money(), nullable=False),
    Column("payment_method", String(30), nullable=False),
    Column("payment_terms", String(40), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("parties_id", Integer),
    Column("reason", Text),
    Column("split_payment", Boolean, nullable=False, server_default=false()),
    Column("lang", String(2)),
    UniqueConstraint("series", "year", "number", name="uq_invoice_number"),
)
"""`parties_id`: the parties the invoice or credit note printed (`issued_parties`); NULL on
one stored before schema 26. `lang`: the language it was issued in, as `orders.lang` (schema
46). `reason`: why a credit note was issued against an invoice
(`toolkit invoice credit --reason`, the FatturaPA's Causale); NULL on every other document.
`split_payment`: the document bore split payment as its buyer was printed (schema 33), so it
asks, or gives back, its total less its VAT: the credit figures sum that in the database
(`toolkit.ledger.exposure`) without reading each document's parties."""

issued_parties = Table(
    "issued_parties", metadata,
    Column("id", Integer, primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("parties", Text, nullable=False),
)
"""The parties issued documents printed (seller, buyer, destination, carrier, an order's contact:
`toolkit.model.parties.Parties`), as JSON, each distinct one once (`digest`, its SHA-256):
documents cite theirs by `parties_id`, so a day's 3,000 DDTs for the same customers add no
row but for a customer whose data changed, and a month's invoices a few thousand at most.
A plain integer, not a foreign key, as the lines' citations: nothing deletes these rows, and
a row is written, when new, in the transaction that stores its first document. Reprints,
exports and e-invoices read them (`toolkit.ledger.parties`), never today's master data."""

invoice_lines = Table(
    "invoice_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("line_no", Integer, nullable=False),
    Column("delivery_line_id", Integer),
    Column("order_line_id", Integer),
    Column("item", String(60), nullable=False),
    Column("description", Text, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("quantity", Quantity(), nullable=False),
    Column("unit_price", UnitPrice(), nullable=False),
    Column("amount", Money(), nullable=False),
    Column("vat_rate", Rate(), nullable=False),
    Column("vat_nature", String(10)),
    Column("credits_line_id", Integer),
    Column("part", Integer, nullable=False, server_default="0"),
    Column("shipped_with", Integer),
)
"""(`delivery_line_id`, `part`) is unique (`invoiced_once_index`): a shipped line is invoiced at
most once, as one line (`part` 0) or, crossing a letter of intent's ceiling, as its part within
(0) and the rest with VAT (1) (`toolkit.core.intent_ceiling.split_at`; schema 42); a return's DDT
line giving back goods sold on both sides of a ceiling is credited so too, its N3.5 line 0 and its
line with VAT 1 (`toolkit.core.credit_notes.sides`). Lines invoiced
before shipping (immediate, prepay) have no delivery line; a line that comes from no order
(the stamp duty charged to the customer) has no order line either. A credit note's line that
takes back an invoice's line (`toolkit invoice credit`) cites it in `credits_line_id` (schema
28) and neither an order line nor a DDT line: the goods stay invoiced once, and what is still
to credit of the invoice line is its quantity and amount less its credit lines'.
`shipped_with` is the DDT a line billed at the order left with when the order issued both at
once (POS, on-credit; schema 45): the invoice cites it, in DatiDDT and the register, as one
issued by `ship --invoice` does, while the line stays billed at the order (no delivery line);
NULL on the invoices issued before, which read as they were issued."""

invoiced_once_index = Index("uq_invoice_lines_delivery_part", invoice_lines.c.delivery_line_id,
                            invoice_lines.c.part, unique=True)
"""A DDT line is invoiced once: NULLs (lines invoiced at the order, stamp duty, credit lines)
never collide. Until schema 42 `delivery_line_id` was unique alone (SQLite: inside the table)."""

credited_at_order = (invoice_lines.c.delivery_line_id.is_(None) & invoice_lines.c.order_line_id.is_not(None)
                     & (invoice_lines.c.quantity < literal_column("0")))
"""A return's line credited at the order (no DDT line, a negative quantity): the condition of
`credited_once_index`."""

credited_once_index = Index("uq_invoice_lines_order_part", invoice_lines.c.order_line_id, invoice_lines.c.part,
                            unique=True, sqlite_where=credited_at_order, postgresql_where=credited_at_order)
"""A return's order line is credited at the order once, as one line or, its goods sold on both sides
of a letter of intent's ceiling, as its side within (`part` 0) and the side with VAT (1), as a DDT
line is (`toolkit.ledger.invoices.parts`; schema 48). The code credits at the order only what no
invoice line covers yet (`toolkit.ledger.invoices.ordered_not_invoiced`); a return credited at its
DDT is held once by `invoiced_once_index`. An order line billed at the order (positive) is left
out: the rest of a line a DDT invoiced in part is billed at the order after it. What the index
cannot hold is a return credited at the order and again at its DDT (two columns): month end asks
that of each DDT line (`invoiced_at_order_index`)."""

credits_line_index = Index("ix_invoice_lines_credits", invoice_lines.c.credits_line_id)
"""What of an invoice's lines is credited already, asked before each credit note on it."""

CITED_LINES = ((delivery_lines.c.order_line_id, order_lines), (invoice_lines.c.delivery_line_id, delivery_lines),
               (invoice_lines.c.order_line_id, order_lines), (invoice_lines.c.credits_line_id, invoice_lines))
"""The columns by which a line cites another document's line, each with the cited table: plain
integers, not foreign keys (see the module's docstring)."""

invoiced_at_order_index = Index(
    "ix_invoice_lines_order_line_delivery", invoice_lines.c.order_line_id, invoice_lines.c.delivery_line_id)
""""Was this order line invoiced at the order?" (order line, no delivery line) is asked for every
shipped line at month end. With only the unique index on `delivery_line_id`, SQLite looked the
question up among all lines without a delivery line: minutes for a month at 1,000 customers."""

invoice_dues = Table(
    "invoice_dues", metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("due_date", Date, nullable=False),
    Column("amount", Money(), nullable=False),
)

einvoice_files = Table(
    "einvoice_files", metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("progressive", String(5), nullable=False, unique=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id"), unique=True),
    Column("archive", String(64), unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("zipped_in", Integer),
    Column("written_at", DateTime),
    CheckConstraint("(invoice_id IS NULL) <> (archive IS NULL)", name="ck_einvoice_file_for_one_thing"),
)
"""The e-invoice files' progressives (ProgressivoInvio, `IT<partita IVA>_<progressive>.xml`):
one per final invoice or credit note, drawn the first time its file is written and kept for
ever, but for a file SDI rejected, which `einvoice --rejected` moves to a new number and
progressive (`einvoices.redraw`: SDI takes no name twice), and one per zip meant for SDI
(`archive`: a digest of the names it holds, so the same files make the same zip). Numbers are
never reused: an invoice with a file cannot be deleted (no cascade), and nothing deletes these
rows. An invoice's file keeps the number of the first zip that held it (`zipped_in`): a zip is
what goes to SDI, so a later zip leaves that file out unless asked to send it again.
`written_at`: when an invoice's file was first placed in an output folder (schema 47); NULL
while no file of it was, its progressive drawn by an export that refused it (a check, the
seller's *Impostazioni*) or that failed before placing it: the late warning names it when its
file is first written, and the daily commands while its twelve days run out
(`einvoices.unwritten_immediate`)."""

payments = Table(
    "payments", metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id"), nullable=False, index=True),
    Column("payment_date", Date, nullable=False),
    Column("amount", Money(), nullable=False),
    Column("method", String(30)),
    Column("reference", Text),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("reverses", Integer),
    UniqueConstraint("invoice_id", "payment_date", "amount", "reference", name="uq_payment"),
)
"""A payment typed wrong is never deleted: `payments void` records its reversal, the opposite
amount on the same invoice, date, method and reference, citing it in `reverses` (NULL on a
payment). Every sum of the payments nets the two, and the pair stays in the ledger."""

reverses_index = Index("uq_payments_reverses", payments.c.reverses, unique=True)
"""A payment is reversed once (NULLs, the payments themselves, never collide)."""

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("by", String(100), nullable=False),
    Column("action", String(30), nullable=False),
    Column("document", String(20), nullable=False),
    Column("document_id", Integer),
    Column("number", String(40)),
    Column("detail", Text),
)

counts_seen = events.c.action == literal_column("'stock-count-seen'")
"""The events noting a stock count a ship run met (`toolkit.ledger.stock_counts.SEEN`): the
condition of `counts_seen_index`, which `stock_counts.seen` repeats as it is (written out, not
bound) for SQLite and PostgreSQL to read the index."""

counts_seen_index = Index("ix_events_counts_seen", events.c.number, sqlite_where=counts_seen,
                          postgresql_where=counts_seen)
"""The counts met, by their day: every ship run on a day whose count is dated that day asks
whether one met it already, and read the whole event log to say so, a row per order made,
shipped, invoiced since the ledger began (286,000 by 23 April at L, 18 ms a run; a year's,
twelve times that). The holds' reads of the log go by its id, the events since their marks: an
index by action would lead SQLite through every order ever made (schema 44); the cuts have their
own, of their few rows (`cuts_index`)."""

line_cuts = events.c.action == literal_column("'line-cut'")
"""The events logging a line cut at a VAT rate change (`toolkit.ledger.orders.CUT`): the condition
of `cuts_index`, which `orders.cuts_logged` repeats as it is."""

cuts_index = Index("ix_events_cuts", events.c.document, events.c.document_id, sqlite_where=line_cuts,
                   postgresql_where=line_cuts)
"""The cuts logged, by the document cut (an order) and its id: the distribution and complete
lists and `ship` ask which lines of the orders they show are the rest of a cut, and read the
whole event log to say so (253,000 rows mid-April at L, 0.018–0.024 s of CPU a read; through
the index 0.0005 s; schema 48). A few rows a year: every other event is left out of the index,
which costs a day's writes at L about 0.1 µs an event (11,500 a day in April)."""

printings = Table(
    "printings", metadata,
    Column("document", String(20), primary_key=True),
    Column("document_id", Integer, primary_key=True, autoincrement=False),
    Column("printed_at", DateTime, nullable=False),
    Column("printed_by", String(100), nullable=False),
    Column("first_printed_at", DateTime),
)
"""When each order, DDT and invoice (or credit note) was last printed: `document` is `order`,
`ddt` or `invoice`. A table of its own, not a column of each document, so a document stored
and never printed (the output could not be written) has no row, and `toolkit print
--unprinted` finds it. `first_printed_at`: when it was first printed (schema 38), which a
reprint keeps: what a DDT's first paper could know (`toolkit.ledger.deliveries.stamp_duty_due`);
a ledger before schema 38 knew only the last printing, which stands for the first."""

customer_requests = Table(
    "customer_requests", metadata,
    Column("id", Integer, primary_key=True),
    Column("customer", String(40), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("text", Text, nullable=False),
    Column("status", String(10), nullable=False),
    Column("opened_at", DateTime, nullable=False),
    Column("opened_by", String(100), nullable=False),
    Column("closed_at", DateTime),
    Column("closed_by", String(100)),
    CheckConstraint("status IN ('open', 'closed')", name="ck_customer_request_status"),
)
"""Customers' requests and complaints (the seed's CRM): one row each, open until closed."""

request_history = Table(
    "request_history", metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", Integer, ForeignKey("customer_requests.id"), nullable=False, index=True),
    Column("at", DateTime, nullable=False),
    Column("by", String(100), nullable=False),
    Column("action", String(10), nullable=False),
    Column("text", Text),
)
"""What was done on each request, when and by whom: `opened`, `acted`, `closed`."""

invoice_citations = Table(
    "invoice_citations", metadata,
    Column("id", Integer, primary_key=True),
    Column("credit_note_id", Integer, ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id"), nullable=False, index=True),
    Column("base", Money(), nullable=False),
    UniqueConstraint("credit_note_id", "invoice_id", name="uq_invoice_citation"),
)
"""The invoices a credit note reduces (DatiFattureCollegate), and the base of each its amount
was counted on: a volume discount's credit note cites every invoice of the period it covers,
one issued by `toolkit invoice credit` the invoice it credits (the base: the taxable it takes
back), a return's the invoices that sold the returned items (`toolkit.ledger.invoices.
cite_returns`). Only final invoices are cited, or invoices of the credit note's own run (undone
with it), and a final invoice is never deleted."""

returned_lines = Table(
    "returned_lines", metadata,
    Column("id", Integer, primary_key=True),
    Column("credit_note_id", Integer, ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("credit_line_id", Integer, nullable=False),
    Column("invoice_line_id", Integer, nullable=False, index=True),
    Column("quantity", Quantity(), nullable=False),
    Column("amount", Money(), nullable=False),
)
"""What a return's credit note takes back of each invoice line that sold the returned goods
(schema 29): the return's line (`credit_line_id`, a line of the note), the invoice line, and the
quantity and amount taken back of it (negative, as the note's). A return order does not say
which delivery its goods come from, so the ledger takes them back from the customer's latest
invoices selling the item first (`toolkit.core.credit_notes.take_back`). What is left to
credit of an invoice line is its quantity and amount less these and its credit lines
(`invoice_lines.credits_line_id`): `toolkit invoice credit` and the returns never take back the
same goods twice. Deleted with the note (an undone run)."""

credit_vat = Table(
    "credit_vat", metadata,
    Column("id", Integer, primary_key=True),
    Column("invoice_id", Integer, ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("vat_rate", Rate(), nullable=False),
    Column("vat_nature", String(10)),
    Column("vat", Money(), nullable=False),
)
"""A document's VAT at a rate when it is not that rate's taxable × rate rounded (schema 32): a
partial credit note's, what it adds to the VAT of all credited of its invoice at the rate
(`toolkit.core.credit_notes`), a cent up or down. Kept so its XML, print and register carry
the VAT the note was issued with, each rate's notes adding up to the invoice's; every other
rate's VAT is its taxable's. Deleted with the document."""

uncredited_returns = Table(
    "uncredited_returns", metadata,
    Column("order_id", Integer, ForeignKey("orders.id"), primary_key=True, autoincrement=False),
    Column("reason", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
)
"""The return orders whose goods get no credit note (schema 31): the desk checked with the
customer that no credit is due (`toolkit returns no-credit`), most often because a credit note
paid those goods back already and month end would refuse the return forever
(`toolkit.core.credit_notes.OverReturn`). Their DDT lines no longer wait to be invoiced
(`no_credit_given`), nor count in the DDTs' value still to invoice; the reason, who and when
stay here, and in the event log."""


def no_credit_given(order_id: Any) -> Any:
    """The condition that the order `order_id` (a column) is a return the desk closed with no
    credit note: its lines are left out of what waits to be invoiced. A seek in a table of a few
    rows, per line read."""
    return exists().where(uncredited_returns.c.order_id == order_id)


volume_settlements = Table(
    "volume_settlements", metadata,
    Column("id", Integer, primary_key=True),
    Column("discount", String(60), nullable=False),
    Column("customer", String(60), nullable=False, index=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("base", Money(), nullable=False),
    Column("quantity", Quantity(), nullable=False),
    Column("amount", Money(), nullable=False),
    Column("credit_note_id", Integer, ForeignKey("invoices.id"), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("statement", Text),
    UniqueConstraint("discount", "customer", "period_start", name="uq_volume_settlement"),
)
"""Each volume discount settled for a customer and period, with the credit note it issued: the
unique key makes settling twice issue nothing (`toolkit discounts settle`). `statement`: the
statement as it printed (`toolkit.core.discount_statements`, JSON), which `settle --reprint`
writes again; NULL for a settlement stored before schema 40, whose statement was not kept."""

commission_settlements = Table(
    "commission_settlements", metadata,
    Column("id", Integer, primary_key=True),
    Column("agent", Text, nullable=False, index=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("settled_on", Date, nullable=False),
    Column("base", Money(), nullable=False),
    Column("total", Money(), nullable=False),
    Column("statement", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("created_by", String(100), nullable=False),
    UniqueConstraint("agent", "period_start", name="uq_commission_settlement"),
)
"""Each agent's commissions settled for a period (`toolkit commissions --settle`, schema 43):
its base and total, and the statement as it printed (`toolkit.core.commission_statements`,
JSON), which `--reprint` writes again. A period overlapping one settled for the agent is
refused before anything is stored (`toolkit.ledger.commission_settlements.overlapping`); the
unique key holds the same start twice out even so. `agent` is the name *Provvigioni* and
*Agenti clienti* write, of any length (an agency's can pass 60 characters), hence text."""

holds = Table(
    "holds", metadata,
    Column("order_id", Integer, ForeignKey("orders.id"), primary_key=True, autoincrement=False),
    Column("customer", String(60), nullable=False),
    Column("occurrence", Date, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("items", Text, nullable=False),
    Column("since", Date, nullable=False),
)
"""The orders `toolkit ship --all` held whole, kept on hold until something that holds them may
have moved (`toolkit.core.holds`): `kind` is what holds it (payment, credit, stock), `reason`
the code of the warning it was held with, `items` the items short (one per line, as the warning
named them), `since` the first day it was held. Rows are only ever a cache of the plan: deleting
them all makes the next day plan every order again (`toolkit ship --all --replan`).

The order's customer and date are kept beside (an order's never change), so a day asks for the
few holds that may wake by their customer (`holds_customer_index`) and counts those due without
reading the orders: late in a month at L 116,000 holds were read whole every shipping day only to
wake a few hundred (`toolkit.ledger.holds.waking`)."""

holds_customer_index = Index("ix_holds_customer", holds.c.customer, holds.c.kind)

hold_items = Table(
    "hold_items", metadata,
    Column("item", String(60), primary_key=True),
    Column("order_id", Integer, primary_key=True, autoincrement=False),
    Column("lacks", Quantity()),
    sqlite_with_rowid=False,
)
"""Each item an order kept on hold for stock is short of (`holds.items` split, one row each):
the index a day asks for the holds the items it frees can wake. `lacks`: how much more free
stock of the item the order needs (`toolkit.core.shipping.Held.lacks`), lowered each day by the
most the day gave back of it (`toolkit.core.holds.Changes.gained`); NULL for a hold kept before
schema 41, which wakes on any of the item freed."""

hold_items_order_index = Index("ix_hold_items_order", hold_items.c.order_id)

hold_marks = Table(
    "hold_marks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("customers_key", String(64), nullable=False),
    Column("event_id", Integer, nullable=False),
    Column("delivery_id", Integer, nullable=False),
    Column("invoice_id", Integer, nullable=False),
    Column("payment_id", Integer, nullable=False),
    Column("stock_key", String(64), nullable=False),
    Column("stock_date", Date),
)
"""One row: what the ledger and the master data were when the holds were last judged (the
highest event, DDT, invoice and payment ids then, the digests of the customers' terms and of
the stock sheet, `toolkit.core.holds.customers_key` and `stock_key`, and the sheet's count
date), so the next day asks only what came after."""

hold_customers = Table(
    "hold_customers", metadata,
    Column("customer", String(60), primary_key=True),
    Column("terms", String(80), nullable=False),
    sqlite_with_rowid=False,
)
"""The customers' delivery terms and credit limits the holds were last judged by
(`toolkit.core.holds.customer_terms`; `hold_marks.customers_key` is their digest): a change
wakes only the holds of the customers it moved (`moved_customers`). Written again only when
they moved."""

hold_stock = Table(
    "hold_stock", metadata,
    Column("item", String(60), primary_key=True),
    Column("quantity", Quantity(), nullable=False),
    sqlite_with_rowid=False,
)
"""The stock sheet the holds were last judged by, a row per item (`hold_marks.stock_key` is its
digest): a new sheet wakes only the holds of the items it leaves more of on hand
(`toolkit.core.holds.restocked`). Written again only when the sheet moved."""
