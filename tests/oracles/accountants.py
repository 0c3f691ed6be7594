"""The accountants' workbook written cell by cell, as it was before its tables were written as
blocks of rows (`toolkit.writers.blocks.StreamedWorksheet`): the oracle the comparison test
holds the block writer to, byte for byte."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from toolkit.basics.cells import address
from toolkit.basics.files import write_atomic
from toolkit.basics.labels import labeller
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.invoicing import Invoice, InvoiceKind, group_label
from toolkit.model.records import Customer, MasterData
from toolkit.writers.accountants import (
    DETAIL_NATURE,
    DETAIL_RATE,
    DETAIL_SPLIT,
    DETAIL_TAXABLE,
    DETAIL_VAT,
    FILTER_BUTTON,
    LINES_AMOUNT,
    LINES_HEADS,
    LINES_ITEM,
    LINES_NATURE,
    LINES_RATE,
    LINES_WIDTHS,
    LINKS_PER_SHEET,
    REGISTER_WIDTHS,
    Rows,
    _line_cells,
    _money,
    _range,
    _split_row,
    _taxable_formula,
    any_split,
    corrects_text,
    ddts_text,
    declared_stamp_duty,
    dues_shown,
    kind_label,
    lines_parts,
    register_title,
    summary_by_rate,
)
from toolkit.writers.printable import Formats, a4, formats, headings, set_widths, text, title_on_every_page
from toolkit.writers.row_heights import fit_row, text_width
from toolkit.writers.streaming import add_table, streaming_workbook


def write_workbook(target: Path, master: MasterData, invoices: Sequence[Invoice], run_id: str, lang: str = "it",
                   xml_files: Mapping[str, str] | None = None) -> Path:
    customers = {c.code: c for c in master.customers}
    t = labeller(lang)

    def write(tmp: Path) -> None:
        with streaming_workbook(tmp, "register") as book:
            fmt = formats(book)
            register = book.add_worksheet(t("inv.register"))
            summary = book.add_worksheet(t("inv.vat_summary"))
            lines_at: list[Rows] = []
            for n, part in enumerate(lines_parts(invoices), start=1):
                flat = book.add_worksheet(t("inv.lines") + (f" {n}" if n > 1 else ""))
                lines_at += _lines_sheet(flat, fmt, customers, part, lang, n)
            detail_at = _summary_sheet(summary, fmt, invoices, lines_at, lang)
            _register_sheet(register, fmt, customers, invoices, lines_at, detail_at, run_id, lang, xml_files or {})

    return write_atomic(target, write)


def _register_sheet(sheet, fmt: Formats, customers: dict[str, Customer], invoices: Sequence[Invoice],
                    lines_at: list[Rows], detail_at: list[Rows], run_id: str, lang: str,
                    xml_files: Mapping[str, str]) -> None:
    """One row per invoice; its number links to its first line, its taxable and VAT sum its
    rows of the VAT detail; the last column names its e-invoice file, once it has one."""
    t = labeller(lang)
    title = register_title(run_id, lang)
    text(sheet, 0, 0, title, fmt.title)
    heads = ["doc.number", "doc.date", "inv.kind", "doc.status", "doc.customer", "inv.customer_name",
             "inv.vat_number", "inv.tax_code", "doc.taxable", "doc.vat", "doc.total", "inv.dues",
             "inv.payment_method", "inv.payment_terms", "inv.period", "inv.ddts", "inv.corrects", "inv.xml_file",
             "inv.split", "inv.payable", "inv.stamp_duty"]
    header = 2
    widths = set_widths(sheet, REGISTER_WIDTHS)
    headings(sheet, header, 0, [t(h) for h in heads], fmt, widths)
    row = header
    for invoice, lines, detail in zip(invoices, lines_at, detail_at):
        row += 1
        customer = customers.get(invoice.customer)
        wrapped = [(2, kind_label(invoice, lang)), (5, customer.name if customer else None),
                   (11, dues_shown(invoice, lang)), (12, vocab_label(invoice.payment_method, lang)),
                   (13, invoice.payment_terms), (15, ddts_text(invoice, lang)), (16, corrects_text(invoice) or None),
                   (17, xml_files.get(invoice.number or ""))]
        if lines.last >= lines.first and row - header <= LINKS_PER_SHEET:
            sheet.write_url(row, 0, f"internal:{lines.cell(lines.first, 0)}", fmt.link, string=invoice.number or "")
        else:
            text(sheet, row, 0, invoice.number, fmt.text)
        text(sheet, row, 1, invoice.invoice_date, fmt.date)
        text(sheet, row, 3, t(f"inv.status_{invoice.status.value}") if invoice.status else None, fmt.text)
        text(sheet, row, 4, invoice.customer, fmt.text)
        text(sheet, row, 6, customer.vat_number if customer else None, fmt.text)
        text(sheet, row, 7, customer.tax_code if customer else None, fmt.text)
        for col, source, value in ((8, DETAIL_TAXABLE, invoice.taxable), (9, DETAIL_VAT, invoice.vat)):
            formula = f"=SUM({detail.range(source)})" if detail.last >= detail.first else "=0"
            _money(sheet, row, col, formula, value, fmt.money)
        _money(sheet, row, 10, f"={address(row + 1, 9)}+{address(row + 1, 10)}", invoice.total, fmt.money)
        days = f"{invoice.period.start:%d/%m/%Y} – {invoice.period.end:%d/%m/%Y}"
        text(sheet, row, 14, None if invoice.kind is InvoiceKind.CREDIT_NOTE else days, fmt.text)
        text(sheet, row, 18, t("inv.yes") if invoice.split_payment else None, fmt.text)
        payable = f"=K{row + 1}-J{row + 1}" if invoice.split_payment else f"=K{row + 1}"
        _money(sheet, row, 19, payable, invoice.payable, fmt.money)
        text(sheet, row, 20, declared_stamp_duty(invoice), fmt.money)
        for col, words in wrapped:
            text(sheet, row, col, words, fmt.wrap)
        fit_row(sheet, row, ((words, widths[col]) for col, words in wrapped))
    if invoices:
        text(sheet, row + 1, 7, t("inv.run_totals"), fmt.total_label)
        for col, attr in ((8, "taxable"), (9, "vat"), (10, "total"), (19, "payable")):
            value = sum((getattr(x, attr) for x in invoices), Decimal(0))
            _money(sheet, row + 1, col, f"=SUM({_range(header + 1, row, col)})", value, fmt.total)
        stamps = sum((declared_stamp_duty(x) or Decimal(0) for x in invoices), Decimal(0))
        _money(sheet, row + 1, 20, f"=SUM({_range(header + 1, row, 20)})", stamps, fmt.total)
        sheet.autofilter(header, 0, row, len(heads) - 1)
    sheet.freeze_panes(header + 1, 1)
    a4(sheet, landscape=True, repeat_rows=(header, header), widths=widths)
    title_on_every_page(sheet, title, header, row + 1 if invoices else header, len(heads) - 1)


def _summary_sheet(sheet, fmt: Formats, invoices: Sequence[Invoice], lines_at: list[Rows], lang: str) -> list[Rows]:
    """The writer's rates and totals (`summary_by_rate`), then its detail per invoice and rate
    cell by cell."""
    detail_at, detail_header = summary_by_rate(sheet, fmt, invoices, lang)
    for invoice, at, lines in zip(invoices, detail_at, lines_at):
        for row, vat_line in enumerate(invoice.summary, start=at.first):
            text(sheet, row, 0, invoice.number)
            text(sheet, row, 1, invoice.invoice_date, fmt.date)
            text(sheet, row, 2, invoice.customer)
            text(sheet, row, DETAIL_RATE, vat_line.rate, fmt.percent)
            text(sheet, row, DETAIL_NATURE, vat_line.nature)
            formula = _taxable_formula(invoice, vat_line, lines, (LINES_AMOUNT, LINES_RATE, LINES_NATURE),
                                       address(row + 1, DETAIL_RATE + 1), address(row + 1, DETAIL_NATURE + 1))
            _money(sheet, row, DETAIL_TAXABLE, formula, vat_line.taxable, fmt.money)
            _money(sheet, row, DETAIL_VAT, f"=ROUND({address(row + 1, DETAIL_TAXABLE + 1)}*"
                   f"{address(row + 1, DETAIL_RATE + 1)}/100,2)", vat_line.vat, fmt.money)
            if any_split(invoices) and _split_row(invoice, vat_line):
                text(sheet, row, DETAIL_SPLIT, labeller(lang)("inv.yes"))
    a4(sheet, repeat_rows=(detail_header, detail_header))
    return detail_at


def _lines_sheet(sheet, fmt: Formats, customers: dict[str, Customer], invoices: Sequence[Invoice], lang: str,
                 part: int = 1) -> list[Rows]:
    """One row per invoice line with its invoice's data, as an Excel table: ready for a pivot.
    A run with more lines than a sheet holds continues in `Righe 2`, `Righe 3`. Returns where
    each invoice's lines are."""
    t = labeller(lang)
    heads = [t(h) for h in LINES_HEADS]
    widths = set_widths(sheet, [max(width, text_width(head, bold=True) + FILTER_BUTTON)
                                for head, width in zip(heads, LINES_WIDTHS)])
    count = sum(len(x.lines) for x in invoices)
    if count:
        add_table(sheet, count, heads, ("Righe" if lang == "it" else "Lines") + (str(part) if part > 1 else ""),
                  "Table Style Light 9")
    else:
        sheet.write_row(0, 0, heads, fmt.header)
    row, lines_at = 0, []
    for invoice in invoices:
        customer = customers.get(invoice.customer)
        kind = kind_label(invoice, lang)
        name = customer.name if customer else None
        group = group_label(invoice.group_key, lang)
        lines_at.append(Rows(sheet.name, row + 1, row + len(invoice.lines)))
        for line in invoice.lines:
            row += 1
            values = [invoice.number, invoice.invoice_date, kind, invoice.customer, name, group,
                      line.delivery.number if line.delivery else None, line.delivery.day if line.delivery else None,
                      line.order_number]
            for col, value in enumerate(values):
                text(sheet, row, col, value, fmt.date if col in (1, 7) else fmt.wrap if col in (2, 4, 5) else fmt.text)
            _line_cells(sheet, row, LINES_ITEM, line, fmt, wrap=True)
            fit_row(sheet, row, ((kind, widths[2]), (name, widths[4]), (group, widths[5]),
                                 (line.description, widths[LINES_ITEM + 1])))
    sheet.freeze_panes(1, 0)
    a4(sheet, landscape=True, repeat_rows=(0, 0), widths=widths)
    return lines_at
