"""Tables printed on the terminal (rich), for people at the command line.

Numbers are shown as the reader writes them (`1.234,50 €` in Italian, `€1,234.50` in English);
`--json` has the exact values for programs. Piped into a file, a table keeps a fixed width so
that it does not wrap at 80 columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from toolkit.basics.labels import label
from toolkit.basics.wording import euro, percent, quantity, unit_price
from toolkit.core.invoicing import Invoice, InvoiceKind
from toolkit.core.orders import STATUS_LABELS, Order

if TYPE_CHECKING:
    from toolkit.core.commission_statements import CommissionStatement
    from toolkit.core.payments import PaymentStatus
    from toolkit.core.requests import OpenRequests
    from toolkit.core.volume_discounts import Settlement
    from toolkit.services.invoicing import RunSummary
    from toolkit.services.orders import Preview
    from toolkit.services.prices import Listing



def _console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal:
        console.width = 160
    return console


LONG_TABLE = 2_000
"""Rows from which a table is printed as plain aligned text (`_show_plain`)."""


def _show(table: Table, console: Console | None = None) -> None:
    """Print `table` with its numbers, dates and codes whole: on a narrow terminal only the
    name columns fold, and the rest keeps the width its longest cell needs."""
    if table.row_count > LONG_TABLE:
        _show_plain(table, console or _console())
        return
    for column in table.columns:
        if column.no_wrap:
            cells = [Text.from_markup(str(c)).cell_len for c in column.cells]
            column.min_width = max([Text(str(column.header)).cell_len, *cells])
    (console or _console()).print(table)


def _show_plain(table: Table, console: Console) -> None:
    """A long table as plain text, each column as wide as its widest cell, nothing folded:
    rich laid out a large distributor's 126,000 orders in a minute (`orders list` took 79 s
    at L), and nobody reads such a list on a terminal but through `grep` or a file."""
    columns = [[Text.from_markup(c).plain if "[" in c else c for c in map(str, column.cells)]
               for column in table.columns]
    heads = [str(column.header) for column in table.columns]
    widths = [max(cell_len(head), *map(cell_len, cells)) for head, cells in zip(heads, columns)]
    right = [column.justify == "right" for column in table.columns]

    def line(cells: Sequence[str]) -> str:
        return "  ".join((" " * (w - cell_len(c)) + c) if r else (c + " " * (w - cell_len(c)))
                         for c, w, r in zip(cells, widths, right)).rstrip()

    out = [str(table.title)] if table.title else []
    out += [line(heads), "  ".join("─" * w for w in widths)]
    out += [line(row) for row in zip(*columns)]
    console.file.write("\n".join(out) + "\n")


def _table(title: str | None, heads: Sequence[str], right: Sequence[int] = (), wraps: Sequence[int] = ()) -> Table:
    """A table with light rules; only the `wraps` columns (names) may fold on a narrow terminal."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for i, head in enumerate(heads):
        table.add_column(head, justify="right" if i in right else "left", no_wrap=i not in wraps,
                         overflow="fold" if i in wraps else "ellipsis", max_width=32 if i in wraps else None)
    return table


def _money(value: Decimal | None, lang: str) -> str:
    return "" if value is None else euro(value, lang)


MOVED_LEGEND = ("* data spostata dal calendario o toccata da un'eccezione",
                "* date moved by the calendar or touched by an exception")
"""What the asterisk beside a due date means, in the preview and in the delivery plan."""


def print_preview(preview: Preview, lang: str) -> None:
    """The orders due, then each of their customers' position (what the Excel preview shows)."""
    it = lang == "it"
    console = _console()
    if not preview.rows:
        console.print(("Nessun ordine in scadenza il " if it else "No orders due on ") + f"{preview.day:%d/%m/%Y}.")
        return
    table = _table(("Ordini in scadenza il " if it else "Orders due on ") + preview.day.strftime("%d/%m/%Y"),
                   ("Data", "Modello", "Cliente", "Ragione sociale", "Righe", "Quantità", "Importo", "Ordine") if it
                   else ("Date", "Template", "Customer", "Name", "Lines", "Quantity", "Amount", "Order"), (4, 5, 6), (3,))
    for r in preview.rows:
        table.add_row(f"{r.day:%d/%m/%Y}{'*' if r.changed else ''}", r.template, r.customer, r.customer_name,
                      str(r.lines), quantity(r.quantity, lang), euro(r.amount, lang), r.order_shown(lang))
    _show(table, console)
    if any(r.changed for r in preview.rows):
        console.print(MOVED_LEGEND[0] if it else MOVED_LEGEND[1])
    if preview.missed_days:
        days = ", ".join(d.strftime("%d/%m") for d in preview.missed_days)
        console.print(("Giorni recuperati: " if it else "Missed days caught up: ") + days)
    if not preview.customers:
        return
    position = _table("Situazione dei clienti" if it else "Customers' position",
                      ("Cliente", "Ultimo ordine", "Importo", "Da spedire", "Da fatturare", "Fatture aperte", "Fido",
                       "Disponibile", "Richieste aperte") if it
                      else ("Customer", "Last order", "Amount", "Unshipped", "Not invoiced", "Open invoices",
                            "Credit limit", "Headroom", "Open requests"), (2, 3, 4, 5, 6, 7), (8,))
    for code, (exposure, limit) in sorted(preview.customers.items()):
        headroom = exposure.headroom(limit)
        shown = _money(headroom, lang)
        position.add_row(code, f"{exposure.last_order_date:%d/%m/%Y}" if exposure.last_order_date else "",
                         euro(exposure.last_order_amount, lang) if exposure.last_order_date else "",
                         euro(exposure.unshipped, lang), euro(exposure.uninvoiced, lang),
                         euro(exposure.outstanding, lang), _money(limit, lang),
                         f"[red]{shown}[/red]" if headroom is not None and headroom < 0 else shown,
                         _requests(preview.open_requests(code)))
    _show(position, console)


def _requests(found: OpenRequests) -> str:
    """How many open requests, and the latest one's text, cut short: the table is a glance, the
    whole text is in `toolkit requests list`."""
    if not found.count:
        return ""
    latest = found.latest or ""
    return f"{found.count}: {latest if len(latest) <= 40 else latest[:39] + '…'}"


def print_orders(orders: Sequence[Order], lang: str) -> None:
    it = lang == "it"
    table = _table(None, ("Ordine", "Data", "Modello", "Cliente", "Stato", "Quantità", "Da spedire", "Fatturata",
                          "Accreditata", "Importo") if it
                   else ("Order", "Date", "Template", "Customer", "Status", "Quantity", "To ship", "Invoiced",
                         "Credited", "Amount"), (5, 6, 7, 8, 9))
    for o in orders:
        table.add_row(o.number, f"{o.order_date:%d/%m/%Y}", o.origin.shown(lang), o.customer,
                      STATUS_LABELS[o.status][0 if it else 1],
                      quantity(o.quantity, lang), quantity(o.still_to_ship, lang), quantity(o.invoiced, lang),
                      quantity(o.credited, lang), euro(o.amount, lang))
    _show(table)


def print_runs(runs: Sequence[RunSummary], lang: str) -> None:
    it = lang == "it"
    table = _table(None, ("Emissione", "Stato", "Date", "Documenti", "Numeri", "Totale") if it
                   else ("Run", "Status", "Dates", "Documents", "Numbers", "Total"), (3, 5))
    for r in runs:
        status = ("bozza" if r.status.value == "draft" else "definitiva") if it else r.status.value
        table.add_row(r.run_id, status, f"{r.first_date:%d/%m/%Y}–{r.last_date:%d/%m/%Y}", str(r.invoices), r.numbers,
                      euro(r.total, lang))
    _show(table)


def print_invoices(invoices: Sequence[Invoice], lang: str) -> None:
    it = lang == "it"
    table = _table(None, ("Numero", "Data", "Tipo", "Cliente", "Imponibile", "IVA", "Totale", "DDT") if it
                   else ("Number", "Date", "Kind", "Customer", "Taxable", "VAT", "Total", "DDTs"), (4, 5, 6, 7))
    for x in invoices:
        kind = ("NC" if it else "CN") if x.kind is InvoiceKind.CREDIT_NOTE else ("FT" if it else "INV")
        table.add_row(x.number or ("(anteprima)" if it else "(preview)"), f"{x.invoice_date:%d/%m/%Y}", kind,
                      x.customer, euro(x.taxable, lang), euro(x.vat, lang), euro(x.total, lang),
                      str(sum(not d.services for d in x.deliveries)))
    _show(table)


def print_payments(rows: Sequence[PaymentStatus], lang: str) -> None:
    """The monitoring rows with the workbook's money columns, *Accreditato* (what credit notes
    settled) among them: without it Totale − Incassato ≠ Da incassare on a credited invoice."""
    it = lang == "it"
    table = _table(None, ("Fattura", "Data", "Cliente", "Totale", "Incassato", "Accreditato", "Da incassare", "Pagata",
                          "Prossima scadenza")
                   if it else ("Invoice", "Date", "Customer", "Total", "Collected", "Credited", "Outstanding", "Paid",
                               "Next due"),
                   (3, 4, 5, 6))
    for r in rows:
        due = (f"{r.next_due:%d/%m/%Y} {euro(r.next_due_amount or Decimal(0), lang)} ({r.days_to_due:+d})"
               if r.next_due and r.days_to_due is not None else "")
        table.add_row(r.number, f"{r.invoice_date:%d/%m/%Y}", r.customer, euro(r.total, lang), euro(r.collected, lang),
                      euro(r.credited, lang), euro(r.outstanding, lang), _paid(r, lang), due)
    console = _console()
    _show(table, console)
    if any(r.next_due and r.days_to_due is not None for r in rows):
        console.print("(+N) giorni alla scadenza, (-N) giorni di ritardo" if it
                      else "(+N) days to the due date, (-N) days overdue")


def _paid(status: PaymentStatus, lang: str) -> str:
    """The *Pagata* column: a tick, or the words of a note refunded beyond its total, which a
    tick beside an amount to collect misread as settled."""
    return label("pay.refunded_beyond", lang) if status.refunded_beyond else "✓" if status.paid else ""


def print_settlements(settlements: Sequence[Settlement], already: Mapping[tuple[str, str], str], lang: str) -> None:
    """A period's volume discounts, each customer's base, bracket reached, discount and note,
    then those settled before (`discounts settle`, with `--preview` too)."""
    it = lang == "it"
    table = _table(None, ("Sconto", "Cliente", "Base", "Scaglione", "Sconto €", "Nota di credito") if it
                   else ("Discount", "Customer", "Base", "Bracket", "Discount €", "Credit note"), (2, 3, 4))
    for x in settlements:
        note = x.credit_note.number if x.credit_note and x.credit_note.number else ("—" if x.amount <= 0 else "")
        bracket = percent(x.reached.percent, lang) if x.reached else "—"
        table.add_row(x.discount.code, x.customer, euro(x.base, lang), bracket, euro(x.amount, lang), note)
    for (code, customer), done in sorted(already.items()):
        table.add_row(code, customer, "", "", "", (f"già liquidato con {done}" if it else f"settled before by {done}"))
    _show(table)


def print_commissions(statements: Sequence[CommissionStatement], lang: str) -> None:
    """Each agent's base and commission, with the rate each rule reached (`commissions`): the
    statements' workbooks have the rows, the terminal the figures to check them against."""
    it = lang == "it"
    table = _table(None, ("Agente", "Base", "Provvigione %", "Provvigione") if it
                   else ("Agent", "Base", "Commission %", "Commission"), (1, 3), (0,))
    for s in statements:
        table.add_row(s.agent, euro(s.base, lang), _rates(s.rates, lang), euro(s.total, lang))
    _show(table)


def _rates(rates: Sequence[tuple[str, Decimal, Decimal]], lang: str) -> str:
    """The rate reached, or each rule's when the agent's invoices fall under several (`P1 5 %, P2 3 %`)."""
    if len(rates) == 1:
        return percent(rates[0][2], lang)
    return ", ".join(f"{code} {percent(rate, lang)}" for code, _, rate in rates)


def print_prices(listing: Listing, lang: str) -> None:
    """A version's prices (`toolkit prices`), titled with how a derived one is computed:
    `INGROSSO 2026A = BASE 2026A -10 % (0,05)`, each price to the decimals the list keeps; the
    version's *Sconto %* in a column of its own when any price has one, since orders take it off
    the price shown (18,50 € less 14,5 % is sold at 15,8175 €)."""
    from toolkit.core.pricing import derivation

    it, version = lang == "it", listing.version
    how = derivation(version, lang) if version else None
    title = f"{listing.price_list} {version.version}" + (f" = {how}" if how else "") if version else None
    discounted = any(x.price.discount for x in listing.prices)
    heads = (("Articolo", "Prezzo di listino", "Prezzo standard", "Prezzo limite", "Sconto %") if it
             else ("Item", "List price", "Standard price", "Limit price", "Discount %"))
    table = _table(title, heads[:5 if discounted else 4], (1, 2, 3, 4))
    for x in listing.prices:
        p = x.price
        row = [p.item, unit_price(p.list_price, lang), unit_price(p.standard_price, lang),
               "" if p.limit_price is None else unit_price(p.limit_price, lang)]
        if discounted:
            row.append(percent(p.discount, lang) if p.discount else "")
        table.add_row(*row)
    _show(table)
