"""The accountants' workbook of an invoicing run, the register as CSV beside it, and on request
the printable invoices.

One workbook per run (or one per customer): the register (registro fatture), the VAT summary
per rate (riepilogo IVA) with its detail per invoice and rate, and a flat table of lines for
pivot tables. Every amount an accountant would check is a live formula — line amount
`=ROUND(qty*price,2)`, an invoice's taxable per rate `=SUMIF(...)` over its own rows of the
lines table, VAT `=ROUND(taxable*rate/100,2)`, the register's totals summing the invoice's
detail rows — so changing a quantity shows its effect, and recalculating proves the ledger's
figures. The ledger's value is also written as each formula's cached result, for viewers that
do not recalculate.

The printable invoices (one sheet each, with the same formulas inside the sheet) are a
workbook of their own, `copie-fatture-…`: a large month has tens of thousands of invoices,
more sheets than a spreadsheet opens comfortably and most of the writing time, and
accountants import the register, the summary and the lines. Every workbook is written row by
row (see `streaming`), so memory stays flat however large the month.

The CSV is for accounting programs' imports: UTF-8 with BOM, `;` between fields, decimal comma.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit.basics import vat_ids
from toolkit.basics.cells import address, column_letter, quote_sheet
from toolkit.basics.files import in_parts, inside, part_path, safe_name, write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.money import cents
from toolkit.basics.tax_regimes import ORDINARY
from toolkit.basics.vocab import label as vocab_label
from toolkit.basics.wording import euro, number
from toolkit.core import stamp_duty
from toolkit.core.einvoice import codes
from toolkit.core.einvoice.build import of_goods
from toolkit.core.einvoice.codes import pays_into_account
from toolkit.core.invoicing import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, as_stated, group_label
from toolkit.core.payment_terms import code_in_words, due_on_delivery
from toolkit.core.shipping import service_items
from toolkit.core.vat import VatLine
from toolkit.model.parties import Buyer, Parties, PartyBook, Seller, party_book
from toolkit.model.records import MasterData
from toolkit.writers.blocks import Column, StreamedWorkbook, StreamedWorksheet
from toolkit.writers.converted import csv_inert
from toolkit.writers.printable import (
    Formats,
    a4,
    address_lines,
    company_header,
    document_on_every_page,
    formats,
    headings,
    line_cells,
    new_workbook,
    party_lines,
    set_widths,
    sheet_name,
    side_by_side,
    text,
    title_on_every_page,
)
from toolkit.writers.row_heights import fit_row, row_height, text_width
from toolkit.writers.sheet_limits import LINKS_PER_SHEET, ROWS_PER_SHEET
from toolkit.writers.streaming import add_table, streaming_workbook

define({
    "inv.deferred": ("FATTURA DIFFERITA", "DEFERRED INVOICE"),
    "inv.invoice": ("FATTURA", "INVOICE"),
    "inv.credit_note": ("NOTA DI CREDITO", "CREDIT NOTE"),
    "inv.debit_note": ("NOTA DI DEBITO", "DEBIT NOTE"),
    "inv.credits": ("Rif. fattura n. {number} del {day}", "Ref. invoice no. {number} of {day}"),
    "inv.reason": ("Causale", "Reason"),
    "inv.kind_deferred": ("Fattura differita", "Deferred invoice"),
    "inv.kind_invoice": ("Fattura", "Invoice"),
    "inv.kind_credit_note": ("Nota di credito", "Credit note"),
    "inv.kind_debit_note": ("Nota di debito", "Debit note"),
    "inv.draft": ("BOZZA", "DRAFT"),
    "inv.copy": ("COPIA", "COPY"),
    "inv.status_draft": ("Bozza", "Draft"),
    "inv.status_final": ("Definitiva", "Final"),
    "inv.number_short": ("n.", "no."),
    "inv.period": ("Periodo", "Period"),
    "inv.ddts": ("Documenti di trasporto", "Delivery notes (DDT)"),
    "inv.ddt": ("DDT", "DDT"),
    "inv.ddt_date": ("Data DDT", "DDT date"),
    "inv.from_ddt": ("Rif. DDT n. {number} del {day}", "DDT no. {number} of {day}"),
    "inv.from_order": ("Rif. ordine n. {number}", "Order no. {number}"),
    "inv.rendered": ("Rif. ordine n. {number}, servizi resi il {day}", "Order no. {number}, services rendered on {day}"),
    "inv.dated": ("del", "dated"),
    "inv.order": ("Ordine", "Order"),
    "inv.project": ("Progetto", "Project"),
    "inv.group": ("Raggruppamento", "Grouping"),
    "inv.sdi_code": ("Codice destinatario", "SDI recipient code"),
    "inv.pec": ("PEC", "PEC"),
    "inv.vat_summary": ("Riepilogo IVA", "VAT summary"),
    "inv.rate": ("Aliquota IVA %", "VAT rate %"),
    "inv.vat_amount": ("Imposta", "VAT amount"),
    "inv.total_taxable": ("Totale imponibile", "Total taxable"),
    "inv.total_vat": ("Totale IVA", "Total VAT"),
    "inv.total": ("Totale documento", "Document total"),
    "inv.dues": ("Scadenze", "Due dates"),
    "inv.split_payment": ("Scissione dei pagamenti – art. 17-ter DPR 633/72",
                          "Split payment – art. 17-ter DPR 633/72"),
    "inv.vat_by_customer": ("IVA versata dal cliente", "VAT paid by the customer"),
    "inv.to_pay": ("Netto a pagare", "Amount to pay"),
    "inv.payable": ("Da incassare", "To collect"),
    "inv.split": ("Scissione pagamenti", "Split payment"),
    "inv.stamp_duty": ("Bollo virtuale", "Virtual stamp duty"),
    "inv.stamp_sheet": ("Bollo", "Stamp duty"),
    "inv.stamp_title": ("Imposta di bollo sulle fatture elettroniche – {number}° trimestre {year}, fino a {month}",
                        "Stamp duty on e-invoices – Q{number} {year}, up to {month}"),
    "inv.stamp_month": ("Mese", "Month"),
    "inv.stamp_documents": ("Documenti con bollo", "Documents with stamp duty"),
    "inv.stamp_amount": ("Imposta dovuta", "Duty due"),
    "inv.stamp_total": ("Totale del trimestre", "Quarter's total"),
    "inv.stamp_so_far": ("Totale del trimestre finora", "Quarter's total so far"),
    "inv.stamp_before": ("Non conta i documenti del trimestre emessi prima del toolkit (Numeri prima del toolkit: "
                         "{numbers}): aggiungi il loro bollo.",
                         "The quarter's documents issued before the toolkit (Numbers before the toolkit: {numbers}) "
                         "are not counted: add their duty."),
    "inv.stamp_code": ("Codice tributo F24", "F24 tax code"),
    "inv.stamp_deadline": ("Da versare entro", "To pay by"),
    "inv.stamp_note": ("Fatture e note di credito definitive il cui file dichiara il bollo virtuale (DatiBollo), "
                       "chiunque lo paghi; le bozze non contano. Il trimestre intero è nel registro del suo ultimo "
                       "mese. L'Agenzia calcola l'imposta dai file ricevuti da SDI (art. 6 DM 17/06/2014); se il "
                       "1° trimestre è inferiore a 5.000 € si può versare con il 2°, e se i primi due insieme restano "
                       "sotto i 5.000 €, con il 3°.",
                       "Final invoices and credit notes whose file declares the virtual stamp duty (DatiBollo), "
                       "whoever bears it; drafts do not count. The whole quarter is in the register of its last "
                       "month. The Agenzia works the duty out from the files SDI received (art. 6 DM 17/06/2014); "
                       "a first quarter under 5,000 € may be paid with the second, and the first two together "
                       "under 5,000 € with the third."),
    "inv.intent": ("Dichiarazione d'intento prot. {protocol}", "Letter of intent prot. {protocol}"),
    "inv.stamp_duty_borne": (stamp_duty.CHARGE_DESCRIPTION + ": {amount}, a carico del cedente",
                             "Stamp duty paid virtually under DM 17/06/2014: {amount}, borne by the seller"),
    "inv.yes": ("sì", "yes"),
    "inv.due_date": ("Scadenza", "Due date"),
    "inv.payment_method": ("Modalità di pagamento", "Payment method"),
    "inv.payment_terms": ("Termini di pagamento", "Payment terms"),
    "inv.iban": ("IBAN", "IBAN"),
    "inv.kind": ("Tipo", "Kind"),
    "inv.customer_name": ("Ragione sociale", "Customer name"),
    "inv.vat_number": ("Partita IVA", "VAT number"),
    "inv.tax_code": ("Codice fiscale", "Tax code"),
    "inv.register": ("Registro", "Register"),
    "inv.run_title": ("Fatture dell'emissione {run} – solo questa emissione, non è il registro del mese",
                      "Invoices of run {run} – this run only, not the month's register"),
    "inv.month_title": ("Registro fatture emesse {month} – fatture e note di credito datate nel mese",
                        "Register of invoices issued {month} – invoices and credit notes dated in the month"),
    "inv.lines": ("Righe", "Lines"),
    "inv.run_totals": ("Totali", "Totals"),
    "inv.file_workbook": ("fatture", "invoices"),
    "inv.file_register": ("registro", "register"),
    "inv.file_vat_register": ("registro-iva", "vat-register"),
    "inv.file_copies": ("copie-fatture", "invoice-copies"),
    "inv.details": ("Dettaglio per fattura", "Per invoice"),
    "inv.xml_file": ("File XML", "XML file"),
    "inv.corrects": ("Rif. fattura", "Corrects invoice"),
    "inv.accounting_date": ("data contabile", "accounting date"),
    **{f"inv.month_{n}": names for n, names in enumerate((
        ("gennaio", "January"), ("febbraio", "February"), ("marzo", "March"), ("aprile", "April"),
        ("maggio", "May"), ("giugno", "June"), ("luglio", "July"), ("agosto", "August"),
        ("settembre", "September"), ("ottobre", "October"), ("novembre", "November"),
        ("dicembre", "December")), start=1)},
})

LINE_COLUMNS = ("doc.item", "doc.description", "doc.unit", "doc.quantity", "doc.unit_price", "doc.amount",
                "doc.vat_rate", "doc.nature")
ITEM, QTY, PRICE, AMOUNT, RATE, NATURE = 0, 3, 4, 5, 6, 7
"""Columns (0-based) of the invoice sheet's lines that formulas refer to."""
SUMMARY = 2
"""The VAT summary's first column: rate, nature, taxable, then VAT under the lines' amounts."""
COPY_WIDTHS = (11, 38, 7, 10, 13, 14, 7, 8)
"""Eight columns, 108 characters: an invoice prints on A4 portrait at about 88 %, near 10
points. The DDT or order a group of lines comes from is a row above them, not two columns
beside each line (which took the copy to 142 characters and its print to 6–7 points)."""
REGISTER_HEADS = ("doc.number", "doc.date", "inv.kind", "doc.status", "doc.customer", "inv.customer_name",
                  "inv.vat_number", "inv.tax_code", "doc.taxable", "doc.vat", "doc.total", "inv.dues",
                  "inv.payment_method", "inv.payment_terms", "inv.period", "inv.ddts", "inv.corrects", "inv.xml_file",
                  "inv.split", "inv.payable", "inv.stamp_duty")
"""The register's columns, the *Registro* sheet's and the CSV's: one list, so the CSV an
accounting program imports has every column the accountant reads in the sheet (it had lost
*Periodo*, the VAT month of a deferred invoice, and *File XML*)."""
REGISTER_WIDTHS = (15, 11, 16, 11, 11, 32, 14, 17, 15, 15, 15, 30, 18, 20, 23, 40, 28, 25, 12, 15, 14)
SPLIT, PAYABLE, STAMP = 18, 19, 20
"""Register columns (0-based): whether the invoice bears split payment, what the customer
pays (the total, less the VAT a public administration pays the State under split payment), and
the virtual stamp duty its e-invoice declares."""


def _is_charge(line: InvoiceLine) -> bool:
    """Whether the line charges the stamp duty to the customer, and so says it is paid virtually."""
    return line.order_line_id is None and stamp_duty.is_charge(line.description)


def declared_stamp_duty(invoice: Invoice) -> Decimal | None:
    """The 2.00 € of virtual stamp duty the document's e-invoice declares (DatiBollo), credit
    notes too, whoever bears it: the register's column the accountant adds up for the duty the
    company pays each quarter, which a register without it could not tell when the company
    bears the duty itself (no line charges it)."""
    due = stamp_duty.due((v.rate, v.taxable, v.nature) for v in invoice.summary)
    return stamp_duty.STAMP_DUTY if due else None


LINES_HEADS = ("doc.number", "doc.date", "inv.kind", "doc.customer", "inv.customer_name", "inv.group", "inv.ddt",
               "inv.ddt_date", "inv.order", "doc.item", "doc.description", "doc.unit", "doc.quantity",
               "doc.unit_price", "doc.amount", "doc.vat_rate", "doc.nature")
LINES_ITEM, LINES_AMOUNT, LINES_RATE, LINES_NATURE = 9, 14, 15, 16
"""Columns (0-based) of the lines table that the VAT summary's formulas refer to."""
LINES_WIDTHS = (15, 11, 14, 10, 30, 18, 15, 11, 15, 11, 36, 6, 10, 13, 14, 7, 8)
FILTER_BUTTON = 2.5
"""Room for the filter arrow beside a table heading, in column-width units."""


@dataclass(frozen=True, slots=True)
class Rows:
    """An invoice's rows in a sheet (0-based, `last < first` when it has none): where formulas
    and links find its lines or its VAT detail."""

    sheet: str
    first: int
    last: int

    def range(self, col: int) -> str:
        return f"{self.prefix}{_range(self.first, self.last, col, absolute=True)}"

    def cell(self, row: int, col: int) -> str:
        return f"{self.prefix}{address(row + 1, col + 1)}"

    @property
    def prefix(self) -> str:
        return f"{quote_sheet(self.sheet)}!" if self.sheet else ""


def kind_label(invoice: Invoice, lang: str) -> str:
    t = labeller(lang)
    if invoice.kind is InvoiceKind.CREDIT_NOTE:
        return t("inv.kind_credit_note")
    if invoice.debit_note:
        return t("inv.kind_debit_note")
    return t("inv.kind_deferred") if invoice.deferred else t("inv.kind_invoice")


def write_accountants(folder: Path, master: MasterData, invoices: Sequence[Invoice], run_id: str, lang: str = "it",
                      *, per_customer: bool = False, copies: bool = False,
                      xml_files: Mapping[str, str] | None = None, month: date | None = None,
                      quarter: stamp_duty.QuarterToDate | None = None, reprinted: Collection[int] = ()) -> list[Path]:
    """The run's workbook (or one per customer), with `copies` the printable invoices beside
    each, and the register CSV; returns the paths written. `xml_files` names each invoice's
    e-invoice file (invoice number → file name), for those that have one; `month` (its first
    day) says the invoices are that month's register rather than one run's documents, and
    `quarter` gives its workbook the *Bollo* sheet (the whole company's: not one customer's).
    The copies of the invoices whose ids are in `reprinted`, printed final before, say *COPIA*
    (`write_copies`)."""
    t = labeller(lang)
    run = safe_name(run_id, "run")
    groups: dict[str, list[Invoice]] = {} if per_customer else {"": list(invoices)}
    for invoice in invoices if per_customer else ():
        groups.setdefault(f"-{safe_name(invoice.customer, 'cliente')}", []).append(invoice)
    written = []
    for suffix, group in groups.items():
        written.append(write_workbook(inside(folder, f"{t('inv.file_workbook')}-{run}{suffix}.xlsx"), master, group,
                                      run_id, lang, xml_files, month=month, quarter=None if suffix else quarter))
        if copies:
            written += write_copies_in_parts(inside(folder, f"{t('inv.file_copies')}-{run}{suffix}.xlsx"), master,
                                             group, lang, reprinted)
    written.append(write_register_csv(inside(folder, f"{t('inv.file_register')}-{run}.csv"), master, invoices, lang,
                                      xml_files=xml_files))
    if month is not None:
        written.append(write_vat_register_csv(inside(folder, f"{t('inv.file_vat_register')}-{run}.csv"), master,
                                              invoices, lang))
    return written


def file_names(run_id: str, lang: str = "it", *, copies: bool = False, month: bool = False) -> dict[str, str | None]:
    """The names `write_accountants` gives its files for one workbook per run (or `month`'s
    register, with its VAT register CSV), each with the kind it is marked with
    (`files.check_output`: a file of that name the toolkit did not write so is never
    replaced); the CSVs carry none."""
    t = labeller(lang)
    run = safe_name(run_id, "run")
    names: dict[str, str | None] = {f"{t('inv.file_workbook')}-{run}.xlsx": "register"}
    if copies:
        names[f"{t('inv.file_copies')}-{run}.xlsx"] = "invoices"
    if month:
        names[f"{t('inv.file_vat_register')}-{run}.csv"] = None
    return {**names, f"{t('inv.file_register')}-{run}.csv": None}


def run_files(folder: Path, run_id: str) -> list[Path]:
    """The files `write_accountants` wrote for one run in `folder`, in either language: its
    workbooks (one per customer too) and printable copies (their parts too) carrying the mark
    of their kind, and its register CSV. The run's id is in every name, so no other run's
    file, nor the month's register, is among them; a workbook of that name the toolkit did not
    write as that kind is not either."""
    from toolkit.basics.files import made_for

    found = {path for pattern, kind in _run_file_names(run_id) for path in folder.glob(pattern)
             if path.is_file() and (kind is None or made_for(path) == kind)}
    return sorted(found)


def named_as_run_file(name: str, run_id: str) -> bool:
    """Whether `name` is one `run_files` finds of `run_id` (a run's id, or a month `2026-04`
    for its register), by its name alone: a file `invoice undo` put aside under a hidden name,
    whose mark cannot be asked before it has its name back. A print the desk named for the
    month (`stampa-2026-04.xlsx`) is not one."""
    from fnmatch import fnmatchcase

    return any(fnmatchcase(name, pattern) for pattern, _ in _run_file_names(run_id))


def _run_file_names(run_id: str) -> list[tuple[str, str | None]]:
    """The names, as glob patterns, of the files written for `run_id` in either language, each
    with the kind it is marked with (None: a CSV, which carries none)."""
    run = safe_name(run_id, "run")
    names: list[tuple[str, str | None]] = []
    for lang in ("it", "en"):
        t = labeller(lang)
        for prefix, kind in ((t("inv.file_workbook"), "register"), (t("inv.file_copies"), "invoices")):
            names += [(f"{prefix}-{run}.xlsx", kind), (f"{prefix}-{run}-*.xlsx", kind)]
        names.append((f"{t('inv.file_register')}-{run}.csv", None))
    return names


def register_title(run_id: str, lang: str, month: date | None = None) -> str:
    """What the register sheet says it holds: a month's register (every document dated in the
    month, whatever issued it: what the accountant sums) or one run's documents. A run's
    invoices may be dated in the next month, and the month's own immediate invoices are in no
    run of its, so a run's workbook summed with a register would count invoices twice or miss them."""
    t = labeller(lang)
    return t("inv.month_title").format(month=f"{month:%m/%Y}") if month else t("inv.run_title").format(run=run_id)


def write_workbook(target: Path, master: MasterData, invoices: Sequence[Invoice], run_id: str, lang: str = "it",
                   xml_files: Mapping[str, str] | None = None, *, month: date | None = None,
                   quarter: stamp_duty.QuarterToDate | None = None) -> Path:
    master_parties = party_book(master)
    t = labeller(lang)

    def write(tmp: Path) -> None:
        with streaming_workbook(tmp, "register", StreamedWorkbook) as book:
            fmt = formats(book)
            register = book.add_worksheet(t("inv.register"))
            summary = book.add_worksheet(t("inv.vat_summary"))
            lines_at: list[Rows] = []
            for n, part in enumerate(lines_parts(invoices), start=1):
                flat = book.add_worksheet(t("inv.lines") + (f" {n}" if n > 1 else ""))
                lines_at += _lines_sheet(flat, fmt, master_parties, part, lang, n)
            detail_at = _summary_sheet(summary, fmt, invoices, lines_at, lang)
            _register_sheet(register, fmt, master_parties, invoices, lines_at, detail_at,
                            register_title(run_id, lang, month), lang, xml_files or {}, service_items(master))
            if quarter is not None:
                _stamp_duty_sheet(book.add_worksheet(t("inv.stamp_sheet")), fmt, quarter, lang)

    return write_atomic(target, write)


def write_copies(target: Path, master: MasterData, invoices: Sequence[Invoice], lang: str = "it",
                 reprinted: Collection[int] = ()) -> Path:
    """The printable invoices, one sheet each, in a workbook of their own. Assembled in memory
    like the other documents' workbooks: in constant-memory mode each sheet costs two
    temporary files, slower than its data (36,760 sheets took 14 minutes instead of 7.5).
    Each invoice shows its parties as issued (`Invoice.parties_in`), in the language it was
    issued in (`Invoice.lang`; `lang` for one that kept none); those whose ids are in
    `reprinted`, printed before, say *COPIA* (`_invoice_sheet`)."""
    master_parties = party_book(master)
    services = service_items(master)

    def write(tmp: Path) -> None:
        book = new_workbook(tmp, "invoices")
        fmt = formats(book)
        taken: set[str] = set()
        for invoice in invoices:
            sheet = book.add_worksheet(sheet_name(invoice.number or "?", taken))
            _invoice_sheet(sheet, fmt, invoice.parties_in(master_parties), invoice, invoice.lang or lang, services,
                           copy=invoice.id in reprinted)
        book.close()

    return write_atomic(target, write)


COPIES_PER_WORKBOOK = 5_000
"""The most printable invoices a run's copies put in one workbook: a large distributor's month
has 54,000, and one workbook of 54,000 sheets is more than LibreOffice converts (one of 10,050
small sheets gave it no file after 8.5 minutes)."""


def write_copies_in_parts(target: Path, master: MasterData, invoices: Sequence[Invoice],
                          lang: str = "it", reprinted: Collection[int] = ()) -> list[Path]:
    """`write_copies` in workbooks of at most `COPIES_PER_WORKBOOK` invoices, in their order:
    `target`, then `copie-fatture-RUN-parte-2.xlsx` and on beside it; returns them all."""
    part = labeller(lang)("doc.file_part")
    return [write_copies(part_path(target, part, n), master, invoices_of_part, lang, reprinted)
            for n, invoices_of_part in enumerate(in_parts(invoices, COPIES_PER_WORKBOOK), start=1)]


def _stamp_duty_sheet(sheet, fmt: Formats, quarter: stamp_duty.QuarterToDate, lang: str) -> None:
    """The quarter's virtual stamp duty so far, month by month: the documents declaring it and
    the duty (2.00 € each, a live formula), the quarter's total, its F24 code and deadline."""
    t = labeller(lang)
    last = quarter.months[-1][0] if quarter.months else date(quarter.year, quarter.number * 3 - 2, 1)
    text(sheet, 0, 0, t("inv.stamp_title").format(number=quarter.number, year=quarter.year, month=f"{last:%m/%Y}"),
         fmt.title)
    widths = set_widths(sheet, (28, 22, 18))
    headings(sheet, 2, 0, [t("inv.stamp_month"), t("inv.stamp_documents"), t("inv.stamp_amount")], fmt, widths)
    row = 2
    for month, count in quarter.months:
        row += 1
        text(sheet, row, 0, f"{month:%m/%Y}", fmt.text)
        text(sheet, row, 1, count)
        _money(sheet, row, 2, f"={address(row + 1, 2)}*{stamp_duty.STAMP_DUTY}", stamp_duty.STAMP_DUTY * count,
               fmt.money)
    total = row + 1
    text(sheet, total, 0, t("inv.stamp_total" if quarter.complete else "inv.stamp_so_far"), fmt.total_label)
    sheet.write_formula(total, 1, f"=SUM({_range(3, row, 1)})", fmt.total_label, quarter.documents)
    _money(sheet, total, 2, f"=SUM({_range(3, row, 2)})", quarter.amount, fmt.total)
    if quarter.before_toolkit:
        text(sheet, total + 1, 0, t("inv.stamp_before").format(numbers=", ".join(quarter.before_toolkit)))
    text(sheet, total + 2, 0, t("inv.stamp_code"))
    text(sheet, total + 2, 1, quarter.f24_code, fmt.text)
    text(sheet, total + 3, 0, t("inv.stamp_deadline"))
    text(sheet, total + 3, 1, quarter.deadline, fmt.date)
    text(sheet, total + 5, 0, t("inv.stamp_note"))
    a4(sheet, widths=widths)


def _money(sheet, row: int, col: int, formula: str, value: Decimal, fmt) -> None:
    sheet.write_formula(row, col, formula, fmt, float(value))


def _vat_cell(formula: str, vat_line: VatLine) -> tuple[str, Decimal]:
    """A rate's VAT cell (formula, value): the formula rounding taxable × rate, or the stored
    VAT itself when a credit note's differs from it by its cent (`toolkit.core.vat.as_stored`),
    so the print and the register show the VAT the ledger holds and the XML carries, not one
    of their own."""
    if vat_line.vat == cents(vat_line.taxable * vat_line.rate / 100):
        return formula, vat_line.vat
    return f"={vat_line.vat}", vat_line.vat


def _invoice_sheet(sheet, fmt: Formats, parties: Parties, invoice: Invoice, lang: str,
                   services: Collection[str] = (), *, copy: bool = False) -> None:
    """One printable invoice, its parties as issued (`Invoice.parties_in`); a credit note's
    amounts positive under its title (`as_stated`); `services`, the items that are services,
    name the buyer as the e-invoice does (`of_goods`). A `copy`, a final document printed
    again, says *COPIA* beside its title and in its page header, as a draft says *BOZZA*: the
    invoice was issued once (the e-invoice SDI received), and a second paper of it handed over
    as the original could be booked twice."""
    t = labeller(lang)
    invoice = as_stated(invoice)
    widths = set_widths(sheet, COPY_WIDTHS)
    customer = parties.buyer
    row = company_header(sheet, fmt, parties.seller, lang)
    title = {InvoiceKind.CREDIT_NOTE: t("inv.credit_note")}.get(
        invoice.kind, t("inv.debit_note") if invoice.debit_note else t("inv.deferred") if invoice.deferred
        else t("inv.invoice"))
    mark = t("inv.draft") if invoice.status is InvoiceStatus.DRAFT else t("inv.copy") if copy else None
    draft = f" – {mark}" if mark else ""
    text(sheet, row, 0, f"{title} {t('inv.number_short')} {invoice.number} {t('inv.dated')} "
                        f"{invoice.invoice_date:%d/%m/%Y}{draft}", fmt.title)
    if not invoice.debit_note:  # its own date: what it needs is the invoice it adds to and why (`_corrects`)
        text(sheet, row + 1, 0, t("inv.period"), fmt.bold)
        text(sheet, row + 1, 1, period_text(invoice))
    row += 3
    text(sheet, row, 0, t("doc.customer"), fmt.bold)
    left = party_lines(customer, lang, goods=of_goods(invoice, services)) if customer else [invoice.customer]
    if customer and customer.sdi_code:
        left.append(f"{t('inv.sdi_code')}: {customer.sdi_code}")
    elif customer and customer.pec:
        left.append(f"{t('inv.pec')}: {customer.pec}")
    if customer:
        left.extend(f"{label} {code}" for label, code in (("CIG", customer.cig), ("CUP", customer.cup)) if code)
        left.extend(_letter_of_intent(customer, invoice, lang))
    right = _group_lines(parties, invoice, lang)
    if right:
        text(sheet, row, QTY, right[0], fmt.bold)
        row = side_by_side(sheet, row + 1, left, right[1:], fmt, widths, split=QTY) + 1
    else:
        for n, entry in enumerate(left):
            text(sheet, row + 1 + n, 0, entry)
        row += 2 + len(left)
    if invoice.cites or invoice.reason:
        row = _corrects(sheet, fmt, invoice, row, lang)
    references = customer_references(invoice)
    if references:
        text(sheet, row, 0, t("doc.customer_reference"), fmt.bold)
        text(sheet, row, 2, references)
        row += 2
    header = row
    headings(sheet, header, 0, [t(h) for h in LINE_COLUMNS], fmt, widths)
    line_rows = []
    source = None
    for line in invoice.lines:
        row += 1
        here = line_source(line, lang)
        if here != source:
            source = here
            if source:
                text(sheet, row, 0, source, fmt.bold)
            row += 1
        line_rows.append(row)
        _line_cells(sheet, row, ITEM, line, fmt, wrap=True)
        fit_row(sheet, row, [(line.description, widths[ITEM + 1])])
    lines = Rows("", header + 1, row)
    row += 2
    text(sheet, row, SUMMARY, t("inv.vat_summary"), fmt.bold)
    row += 1
    headings(sheet, row, SUMMARY, [t("doc.vat_rate"), t("doc.nature"), t("doc.taxable"), t("inv.vat_amount")], fmt,
             widths[SUMMARY:])
    first_summary = row + 1
    for vat_line in invoice.summary:
        row += 1
        rate_cell, nature_cell = address(row + 1, SUMMARY + 1), address(row + 1, SUMMARY + 2)
        text(sheet, row, SUMMARY, vat_line.rate, fmt.percent)
        text(sheet, row, SUMMARY + 1, vat_line.nature)
        taxable_formula = _taxable_formula(invoice, vat_line, lines, (AMOUNT, RATE, NATURE), rate_cell, nature_cell,
                                           line_rows)
        _money(sheet, row, SUMMARY + 2, taxable_formula, vat_line.taxable, fmt.money)
        taxable_cell = address(row + 1, SUMMARY + 3)
        _money(sheet, row, SUMMARY + 3, *_vat_cell(f"=ROUND({taxable_cell}*{rate_cell}/100,2)", vat_line), fmt.money)
    last_summary = row
    for nature in dict.fromkeys(v.nature for v in invoice.summary if v.nature):
        row += 1
        text(sheet, row, SUMMARY, f"{nature}: {legal_reference(nature, parties.seller.tax_regime)}")
    row += 2
    taxable_range = _range(first_summary, last_summary, SUMMARY + 2)
    vat_range = _range(first_summary, last_summary, SUMMARY + 3)
    totals_at = {}
    for key, formula, value in (
        ("inv.total_taxable", f"=SUM({taxable_range})", invoice.taxable),
        ("inv.total_vat", f"=SUM({vat_range})", invoice.vat),
    ):
        text(sheet, row, PRICE, t(key), fmt.total_label)
        _money(sheet, row, AMOUNT, formula, value, fmt.total)
        totals_at[key] = address(row + 1, AMOUNT + 1)
        row += 1
    text(sheet, row, PRICE, t("inv.total"), fmt.total_label)
    _money(sheet, row, AMOUNT, f"={totals_at['inv.total_taxable']}+{totals_at['inv.total_vat']}", invoice.total,
           fmt.total)
    total_cell = address(row + 1, AMOUNT + 1)
    row += 1
    if invoice.split_payment:
        total_cell, row = _split_payment_rows(sheet, fmt, invoice, total_cell, totals_at["inv.total_vat"], row, lang)
    if declared_stamp_duty(invoice) and not any(_is_charge(x) for x in invoice.lines):
        text(sheet, row, 0, t("inv.stamp_duty_borne").format(amount=euro(stamp_duty.STAMP_DUTY, lang)), fmt.bold)
        row += 1
    row += 1
    row = _payment_block(sheet, fmt, parties.seller, invoice, total_cell, row, lang)
    a4(sheet, repeat_rows=(header, header))
    document_on_every_page(sheet, kind_label(invoice, lang), invoice.number or "?", invoice.invoice_date,
                           customer.name if customer else invoice.customer,
                           mark, lang=lang)


def _letter_of_intent(customer: Buyer, invoice: Invoice, lang: str) -> list[str]:
    """The buyer's letter of intent, on an invoice selling under it (N3.5), as the e-invoice cites
    it; a credit note correcting invoices of several letters names each (`Buyer.intent_letters`)."""
    letters = customer.intent_letters or ((customer.intent_protocol, customer.intent_date),)
    if not any(v.nature == codes.LETTER_OF_INTENT for v in invoice.summary):
        return []
    t = labeller(lang)
    return [t("inv.intent").format(protocol=protocol) + (f" {t('inv.dated')} {date.fromisoformat(day):%d/%m/%Y}"
                                                          if day else "")
            for protocol, day in letters if protocol]


def _split_payment_rows(sheet, fmt: Formats, invoice: Invoice, total_cell: str, vat_cell: str, row: int,
                        lang: str) -> tuple[str, int]:
    """Under split payment the copy says so, as the law asks, and what the customer pays: the
    total less the VAT the public administration pays the State. Returns the cell of that
    amount, which the dues below divide, and the next free row."""
    t = labeller(lang)
    text(sheet, row, 0, t("inv.split_payment"), fmt.bold)
    text(sheet, row, PRICE, t("inv.vat_by_customer"), fmt.total_label)
    _money(sheet, row, AMOUNT, f"=-{vat_cell}", -invoice.vat, fmt.money)
    row += 1
    text(sheet, row, PRICE, t("inv.to_pay"), fmt.total_label)
    _money(sheet, row, AMOUNT, f"={total_cell}-{vat_cell}", invoice.payable, fmt.total)
    return address(row + 1, AMOUNT + 1), row + 1


def _corrects(sheet, fmt: Formats, invoice: Invoice, row: int, lang: str) -> int:
    """What a credit note corrects, above its lines: each invoice it cites, "Rif. fattura n. …
    del …" (a volume discount's, every invoice of its period), then its reason; returns the next
    free row."""
    t = labeller(lang)
    for cited in invoice.cites:
        text(sheet, row, 0, t("inv.credits").format(number=cited.number, day=f"{cited.day:%d/%m/%Y}"), fmt.bold)
        row += 1
    if invoice.reason:
        text(sheet, row, 0, t("inv.reason"), fmt.bold)
        text(sheet, row, 2, invoice.reason)
        row += 1
    return row + 1


def legal_reference(nature: str, regime: str = ORDINARY) -> str:
    """The law that exempts a nature's amounts, as an invoice without VAT must state it: the
    RiferimentoNormativo the FatturaPA gives it (`codes.legal_reference`, the seller's regime's
    under RF19 or RF02), so the printed copy and the file say the same. A retired code (N2, N3,
    N6) has none: its code alone."""
    return codes.legal_reference(nature, regime) or nature


def line_source(line: InvoiceLine, lang: str) -> str | None:
    """The row above a printed invoice's lines that names where they come from, as a deferred
    invoice must: their DDT with its date, else their order. The stamp duty's line comes from
    neither: an empty row sets it apart from the goods above it. Services rendered travel on
    no DDT: their order, with the day they were rendered."""
    t = labeller(lang)
    if line.delivery and line.delivery.services:
        return t("inv.rendered").format(number=line.order_number, day=f"{line.delivery.day:%d/%m/%Y}")
    if line.delivery:
        return t("inv.from_ddt").format(number=line.delivery.number, day=f"{line.delivery.day:%d/%m/%Y}")
    return t("inv.from_order").format(number=line.order_number) if line.order_number else None


def customer_references(invoice: Invoice) -> str | None:
    """The customer's references of the invoice's orders, `ODA 2026/118 (OC-2026-00003)`."""
    found = dict.fromkeys((line.customer_reference, line.order_number) for line in invoice.lines
                          if line.customer_reference)
    return "; ".join(f"{ref} ({order})" for ref, order in found) or None


def _line_cells(sheet, row: int, col: int, line: InvoiceLine, fmt: Formats, *, wrap: bool) -> None:
    """An invoice line from column `col`: the document's line columns, then its amount as a
    live formula (quantity × price rounded to cents, the ledger's amount cached), its VAT rate
    and nature."""
    amount = line_cells(sheet, row, col, line, fmt, wrap=wrap)
    quantity, price = address(row + 1, amount - 1), address(row + 1, amount)  # the two cells left, 1-based
    _money(sheet, row, amount, f"=ROUND({quantity}*{price},2)", line.amount, fmt.money)
    text(sheet, row, amount + 1, line.vat_rate, fmt.percent)
    text(sheet, row, amount + 2, line.vat_nature)


def _group_lines(parties: Parties, invoice: Invoice, lang: str) -> list[str]:
    """What the grouping adds beside the buyer: the destination or the project."""
    t = labeller(lang)
    if not invoice.group_key or parties.buyer is None:
        return []
    kind, _, value = invoice.group_key.partition(":")
    if kind == "ship-to":
        return [t("doc.ship_to"), *address_lines(parties.destination, parties.buyer)]
    if kind == "project":
        return [t("inv.project"), value or "—"]
    return []


def _taxable_formula(invoice: Invoice, vat_line: VatLine, lines: Rows, columns: tuple[int, int, int],
                     rate_cell: str, nature_cell: str, line_rows: Sequence[int] | None = None) -> str:
    """SUMIF over the invoice's lines of the rate (`columns`: amount, rate, nature); by rate
    and nature for exempt lines. A 0 rate without nature (which the data check refuses) falls
    back to summing its cells, found at `line_rows` where rows without amounts come between
    them (the printed invoice's DDT rows)."""
    amount, rate, nature = columns
    if lines.last < lines.first:
        return "=0"
    if vat_line.rate:
        return f"=SUMIF({lines.range(rate)},{rate_cell},{lines.range(amount)})"
    if vat_line.nature:
        return f"=SUMIFS({lines.range(amount)},{lines.range(rate)},{rate_cell},{lines.range(nature)},{nature_cell})"
    rows = range(lines.first, lines.last + 1) if line_rows is None else line_rows
    cells = [lines.cell(at, amount) for at, line in zip(rows, invoice.lines, strict=True)
             if not line.vat_rate and not line.vat_nature]
    return f"=SUM({','.join(cells)})" if cells else "=0"


def _range(first: int, last: int, col: int, *, absolute: bool = False) -> str:
    """An A1 range of one column between two 0-based rows."""
    letter = column_letter(col + 1)
    if absolute:
        return f"${letter}${first + 1}:${letter}${last + 1}"
    return f"{letter}{first + 1}:{letter}{last + 1}"


def _payment_block(sheet, fmt: Formats, seller: Seller, invoice: Invoice, total_cell: str, row: int,
                   lang: str) -> int:
    """How and when the invoice is paid: the method, the terms in words, the seller's IBAN
    only where the customer pays by transfer into it (not on a credit note: the seller pays
    that back), and the dues: equal shares of the total, or each delivery's amount for terms
    paid at delivery, the last due the total less the others."""
    t = labeller(lang)
    text(sheet, row, 0, t("inv.payment_method"), fmt.bold)
    text(sheet, row, 2, vocab_label(invoice.payment_method, lang))
    row += 1
    text(sheet, row, 0, t("inv.payment_terms"), fmt.bold)
    text(sheet, row, 2, code_in_words(invoice.payment_terms, lang))
    row += 1
    if seller.iban and invoice.kind is InvoiceKind.INVOICE and pays_into_account(invoice.payment_method):
        text(sheet, row, 0, t("inv.iban"), fmt.bold)
        text(sheet, row, 2, seller.iban)
        row += 1
    if not invoice.dues:
        return row
    row += 1
    sheet.write_row(row, PRICE, [t("inv.due_date"), t("doc.amount")], fmt.header)
    first = row + 1
    count = len(invoice.dues)
    by_delivery = due_on_delivery(invoice.payment_terms)
    for n, instalment in enumerate(invoice.dues):
        row += 1
        text(sheet, row, PRICE, instalment.due_date, fmt.date)
        if n < count - 1 and by_delivery:
            sheet.write_number(row, AMOUNT, float(instalment.amount), fmt.money)
            continue
        if n < count - 1:
            formula = f"=ROUND({total_cell}/{count},2)"
        elif count == 1:
            formula = f"={total_cell}"
        else:
            formula = f"={total_cell}-SUM({_range(first, row - 1, AMOUNT)})"
        _money(sheet, row, AMOUNT, formula, instalment.amount, fmt.money)
    return row + 1


def _register_sheet(sheet, fmt: Formats, book: PartyBook, invoices: Sequence[Invoice],
                    lines_at: list[Rows], detail_at: list[Rows], title: str, lang: str,
                    xml_files: Mapping[str, str], services: Collection[str]) -> None:
    """One row per invoice; its number links to its first line, its taxable and VAT sum its
    rows of the VAT detail; a credit note names the invoices it corrects; the last column names
    its e-invoice file, once it has one."""
    t = labeller(lang)
    text(sheet, 0, 0, title, fmt.title)
    heads = REGISTER_HEADS
    header = 2
    widths = set_widths(sheet, REGISTER_WIDTHS)
    headings(sheet, header, 0, [t(h) for h in heads], fmt, widths)
    row = header
    for invoice, lines, detail in zip(invoices, lines_at, detail_at):
        row += 1
        customer = invoice.parties_in(book).buyer
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
        text(sheet, row, 6, named_vat_number(invoice, customer, services), fmt.text)
        text(sheet, row, 7, customer.tax_code if customer else None, fmt.text)
        for col, source, value in ((8, DETAIL_TAXABLE, invoice.taxable), (9, DETAIL_VAT, invoice.vat)):
            formula = f"=SUM({detail.range(source)})" if detail.last >= detail.first else "=0"
            _money(sheet, row, col, formula, value, fmt.money)
        _money(sheet, row, 10, f"={address(row + 1, 9)}+{address(row + 1, 10)}", invoice.total, fmt.money)
        text(sheet, row, 14, vat_period_text(invoice) or None, fmt.text)
        text(sheet, row, SPLIT, t("inv.yes") if invoice.split_payment else None, fmt.text)
        total_cell = address(row + 1, 11)
        _money(sheet, row, PAYABLE, f"={total_cell}-{address(row + 1, 10)}" if invoice.split_payment else f"={total_cell}",
               invoice.payable, fmt.money)
        text(sheet, row, STAMP, declared_stamp_duty(invoice), fmt.money)
        for col, words in wrapped:
            text(sheet, row, col, words, fmt.wrap)
        fit_row(sheet, row, ((words, widths[col]) for col, words in wrapped))
    if invoices:
        text(sheet, row + 1, 7, t("inv.run_totals"), fmt.total_label)
        for col, attr in ((8, "taxable"), (9, "vat"), (10, "total"), (PAYABLE, "payable")):
            value = sum((getattr(x, attr) for x in invoices), Decimal(0))
            _money(sheet, row + 1, col, f"=SUM({_range(header + 1, row, col)})", value, fmt.total)
        stamps = sum((declared_stamp_duty(x) or Decimal(0) for x in invoices), Decimal(0))
        _money(sheet, row + 1, STAMP, f"=SUM({_range(header + 1, row, STAMP)})", stamps, fmt.total)
        sheet.autofilter(header, 0, row, len(heads) - 1)
    sheet.freeze_panes(header + 1, 1)
    a4(sheet, landscape=True, repeat_rows=(header, header), widths=widths)
    title_on_every_page(sheet, title, header, row + 1 if invoices else header, len(heads) - 1)


DETAIL_RATE, DETAIL_NATURE, DETAIL_TAXABLE, DETAIL_VAT, DETAIL_SPLIT = 3, 4, 5, 6, 7
"""Columns (0-based) of the VAT detail per invoice and rate, on the summary sheet; the last
only when some invoice bears split payment."""
SUMMARY_WIDTHS = (16, 14, 15, 15, 15, 15, 15)
SPLIT_WIDTH = 18
SUMMARY_SPLIT = 5
"""The summary's column saying a rate's row is VAT under split payment, when some invoice bears it."""


def any_split(invoices: Sequence[Invoice]) -> bool:
    """Whether some invoice bears split payment with VAT: then the VAT summary keeps that VAT in
    rows of its own, which the seller does not pay (art. 17-ter DPR 633/72), and its sheet has
    the column saying so; a month without it keeps the summary as it always was."""
    return any(x.split_payment and any(v.rate for v in x.summary) for x in invoices)


def _summary_sheet(sheet, fmt: Formats, invoices: Sequence[Invoice], lines_at: list[Rows], lang: str) -> list[Rows]:
    """Per rate: the sums of each invoice's taxable and VAT of that rate (VAT is rounded per
    invoice, never on the run's total) and their total; below, the detail per invoice and rate
    that those sums read, itself summing the invoice's lines. Returns where each invoice's
    detail rows are."""
    detail_at, detail_header = summary_by_rate(sheet, fmt, invoices, lang)
    columns = [Column("value"), Column("value", fmt.date), Column("value"), Column("value", fmt.percent),
               Column("value"), Column("formula", fmt.money), Column("formula", fmt.money)]
    split = any_split(invoices)
    if split:
        columns.append(Column("value"))
    sheet.write_rows(detail_header + 1, 0, columns, _detail_rows(invoices, detail_at, lines_at, lang, split=split))
    a4(sheet, repeat_rows=(detail_header, detail_header))
    return detail_at


def summary_by_rate(sheet, fmt: Formats, invoices: Sequence[Invoice], lang: str) -> tuple[list[Rows], int]:
    """The VAT summary sheet down to its detail's headings: the title with the invoices' month,
    a row per rate summing the detail's rows of that rate, the total of all rates (what the
    register's totals say), and the detail's headings, which a page of the detail repeats.
    VAT under split payment is a row of its own per rate, marked in its *Scissione pagamenti*
    column: the public administration pays it to the State, so the accountant must not count
    it in the VAT the seller owes, which one row per rate summed with the rest.
    Returns where each invoice's detail rows will be, and the headings' row."""
    t = labeller(lang)
    month = months_text((x.invoice_date for x in invoices), lang)
    text(sheet, 0, 0, f"{t('inv.vat_summary')} – {month}" if month else t("inv.vat_summary"), fmt.title)
    split = any_split(invoices)
    rates = sorted({(v.rate, v.nature, _split_row(x, v)) for x in invoices for v in x.summary},
                   key=lambda k: (k[0], k[1] or "", k[2]))
    top = 2
    widths = set_widths(sheet, SUMMARY_WIDTHS + ((SPLIT_WIDTH,) if split else ()))
    headings(sheet, top, 0, [t("doc.vat_rate"), t("doc.nature"), t("doc.taxable"), t("inv.vat_amount"),
                             t("doc.total"), *([t("inv.split")] if split else [])], fmt, widths)
    detail_header = top + len(rates) + 4
    first = detail_header + 1
    detail_at, row = [], first
    for invoice in invoices:
        detail_at.append(Rows(sheet.name, row, row + len(invoice.summary) - 1))
        row += len(invoice.summary)
    last = max(row - 1, first)
    rate_col, nature_col, taxable_col, vat_col, split_col = (
        _range(first, last, c, absolute=True)
        for c in (DETAIL_RATE, DETAIL_NATURE, DETAIL_TAXABLE, DETAIL_VAT, DETAIL_SPLIT))
    split_rates = {rate for rate, _, marked in rates if marked}
    yes = t("inv.yes")
    for n, (rate, nature, marked) in enumerate(rates):
        row = top + 1 + n
        text(sheet, row, 0, rate, fmt.percent)
        text(sheet, row, 1, nature)
        if marked:
            text(sheet, row, SUMMARY_SPLIT, yes, fmt.text)
        rate_cell, nature_cell = address(row + 1, 1), address(row + 1, 2)
        mine = [(at.first + k, v) for x, at in zip(invoices, detail_at) for k, v in enumerate(x.summary)
                if (v.rate, v.nature, _split_row(x, v)) == (rate, nature, marked)]
        taxable = sum((v.taxable for _, v in mine), Decimal(0))
        vat = sum((v.vat for _, v in mine), Decimal(0))
        for col, detail_col, source, value in ((2, DETAIL_TAXABLE, taxable_col, taxable), (3, DETAIL_VAT, vat_col, vat)):
            if rate in split_rates:
                formula = (f"=SUMIFS({source},{rate_col},{rate_cell},{split_col},"
                           + (f"{address(row + 1, SUMMARY_SPLIT + 1)})" if marked else f'"<>{yes}")'))
            elif rate:
                formula = f"=SUMIF({rate_col},{rate_cell},{source})"
            elif nature:
                formula = f"=SUMIFS({source},{rate_col},{rate_cell},{nature_col},{nature_cell})"
            else:
                formula = "=SUM(" + ",".join(address(r + 1, detail_col + 1) for r, _ in mine) + ")"
            _money(sheet, row, col, formula, value, fmt.money)
        _money(sheet, row, 4, f"={address(row + 1, 3)}+{address(row + 1, 4)}", taxable + vat, fmt.money)
    if rates:
        row = top + 1 + len(rates)
        text(sheet, row, 1, t("inv.run_totals"), fmt.total_label)
        for col, attr in ((2, "taxable"), (3, "vat"), (4, "total")):
            value = sum((getattr(x, attr) for x in invoices), Decimal(0))
            _money(sheet, row, col, f"=SUM({_range(top + 1, row - 1, col)})", value, fmt.total)
    text(sheet, detail_header - 1, 0, t("inv.details"), fmt.bold)
    headings(sheet, detail_header, 0, [t("doc.number"), t("doc.date"), t("doc.customer"), t("doc.vat_rate"),
                                       t("doc.nature"), t("doc.taxable"), t("inv.vat_amount"),
                                       *([t("inv.split")] if split else [])], fmt, widths)
    return detail_at, detail_header


def _split_row(invoice: Invoice, vat_line: VatLine) -> bool:
    """Whether a rate's VAT of this invoice is split payment's: a rate without VAT has none to split."""
    return bool(invoice.split_payment and vat_line.rate)


def months_text(days: Iterable[date], lang: str) -> str | None:
    """The months `days` fall in, as a title says them: `aprile 2026`, `marzo 2026 – aprile 2026`;
    None without days."""
    months = sorted({(d.year, d.month) for d in days})
    if not months:
        return None
    t = labeller(lang)
    named = [f"{t(f'inv.month_{month}')} {year}" for year, month in (months[0], months[-1])]
    return named[0] if len(months) == 1 else " – ".join(named)


def _detail_rows(invoices: Sequence[Invoice], detail_at: list[Rows], lines_at: list[Rows], lang: str = "it", *,
                 split: bool = False) -> Iterator[tuple[tuple[Any, ...], None]]:
    """The VAT detail's rows, one per invoice and rate: its taxable sums the invoice's lines of
    the rate, its VAT rounds the taxable's; with `split`, whether that VAT is split payment's."""
    yes = labeller(lang)("inv.yes")
    rate_letter, nature_letter, taxable_letter = (column_letter(c + 1)
                                                  for c in (DETAIL_RATE, DETAIL_NATURE, DETAIL_TAXABLE))
    for invoice, at, lines in zip(invoices, detail_at, lines_at):
        for row, vat_line in enumerate(invoice.summary, start=at.first + 1):
            taxable = _taxable_formula(invoice, vat_line, lines, (LINES_AMOUNT, LINES_RATE, LINES_NATURE),
                                       f"{rate_letter}{row}", f"{nature_letter}{row}")
            cells = (invoice.number, invoice.invoice_date, invoice.customer, vat_line.rate, vat_line.nature,
                     (taxable, vat_line.taxable), _vat_cell(f"=ROUND({taxable_letter}{row}*{rate_letter}{row}/100,2)", vat_line))
            yield ((*cells, yes if _split_row(invoice, vat_line) else None) if split else cells), None


LINES_PER_SHEET = ROWS_PER_SHEET - 1
"""Excel's rows, less the header: the lines table goes on in another sheet after them."""


def lines_parts(invoices: Sequence[Invoice]) -> list[Sequence[Invoice]]:
    """The invoices in groups whose lines fit one sheet each, an invoice never split; at least
    one group, so an empty run still has its (empty) lines sheet."""
    parts: list[Sequence[Invoice]] = []
    first, used = 0, 0
    for n, invoice in enumerate(invoices):
        if used + len(invoice.lines) > LINES_PER_SHEET and n > first:
            parts.append(invoices[first:n])
            first, used = n, 0
        used += len(invoice.lines)
    parts.append(invoices[first:])
    return parts


def _lines_sheet(sheet: StreamedWorksheet, fmt: Formats, book: PartyBook,
                 invoices: Sequence[Invoice], lang: str, part: int = 1) -> list[Rows]:
    """One row per invoice line with its invoice's data, as an Excel table: ready for a pivot.
    A run with more lines than a sheet holds continues in `Righe 2`, `Righe 3`. Returns where
    each invoice's lines are. The lines go to the sheet as one block of rows (a million of them
    at a large distributor), each as `printable.line_cells` and `_line_cells` would write it."""
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
    lines_at, row = [], 0
    for invoice in invoices:
        lines_at.append(Rows(sheet.name, row + 1, row + len(invoice.lines)))
        row += len(invoice.lines)
    sheet.write_rows(1, 0, _lines_columns(fmt), _lines_rows(book, invoices, lang, widths))
    sheet.freeze_panes(1, 0)
    a4(sheet, landscape=True, repeat_rows=(0, 0), widths=widths)
    return lines_at


def _lines_columns(fmt: Formats) -> list[Column]:
    """The lines table's columns (`LINES_HEADS`) with the formats their cells take."""
    value_formats = (fmt.text, fmt.date, fmt.wrap, fmt.text, fmt.wrap, fmt.wrap, fmt.text, fmt.date, fmt.text,
                     fmt.text, fmt.wrap, fmt.text, fmt.quantity, fmt.price)
    return [*(Column("value", f) for f in value_formats), Column("formula", fmt.money), Column("value", fmt.percent),
            Column("value")]


def _lines_rows(book: PartyBook, invoices: Sequence[Invoice], lang: str,
                widths: Sequence[float]) -> Iterator[tuple[tuple[Any, ...], float | None]]:
    """The lines table's rows from its second, with their heights."""
    quantity, price = column_letter(LINES_AMOUNT - 1), column_letter(LINES_AMOUNT)  # the two cells left, 1-based
    row = 1
    for invoice in invoices:
        customer = invoice.parties_in(book).buyer
        kind = kind_label(invoice, lang)
        name = customer.name if customer else None
        group = group_label(invoice.group_key, lang)
        heads = (invoice.number, invoice.invoice_date, kind, invoice.customer, name, group)
        for line in invoice.lines:
            row += 1
            delivery = line.delivery if line.delivery is not None and not line.delivery.services else None
            yield ((*heads, delivery.number if delivery else None, delivery.day if delivery else None,
                    line.order_number, line.item, line.description, line.unit, line.quantity, line.unit_price,
                    (f"=ROUND({quantity}{row}*{price}{row},2)", line.amount), line.vat_rate, line.vat_nature),
                   row_height(((kind, widths[2]), (name, widths[4]), (group, widths[5]),
                               (line.description, widths[LINES_ITEM + 1]))))


def period_text(invoice: Invoice) -> str:
    """The days the invoice bills, `01/04/2026 – 30/04/2026`: a deferred invoice dated in the
    next month has its VAT in the month of its deliveries. Empty for a debit note: it bills no
    days, its VAT falls in the month of its own date (*Data*), and its own date twice read as
    deliveries of that day; the invoice it adds to is in *Rif. fattura*, as on its print."""
    if invoice.debit_note:
        return ""
    return f"{invoice.period.start:%d/%m/%Y} – {invoice.period.end:%d/%m/%Y}"


def vat_period_text(invoice: Invoice) -> str:
    """The register's *Periodo*, the month whose VAT a document counts in when it is not its
    date's, as accounting imports read it: a deferred invoice's deliveries. Empty for a credit
    note, whose VAT falls in the month of its own date (art. 26 DPR 633/72), whatever the days
    of the invoice it corrects, which *Rif. fattura* names (a note of May on an April invoice
    was booked in April's closed liquidation); its printed copy keeps them (`period_text`)."""
    return "" if invoice.kind is InvoiceKind.CREDIT_NOTE else period_text(invoice)


def dues_text(invoice: Invoice) -> str:
    """The dues as the register's CSV has them, for an import: `30/04/2026 1197,31`."""
    return "; ".join(f"{x.due_date:%d/%m/%Y} {_comma(x.amount)}" for x in invoice.dues)


def dues_shown(invoice: Invoice, lang: str) -> str:
    """The dues as the register's sheet shows them, each amount grouped in thousands as every
    money cell beside it (`#,##0.00`): `30/04/2026 1.197,31`, where the import's `1197,31` was
    the one figure of the row read otherwise. Text, as an invoice may have several dues."""
    return "; ".join(f"{x.due_date:%d/%m/%Y} {number(x.amount, lang, 2)}" for x in invoice.dues)


def ddts_text(invoice: Invoice, lang: str = "it") -> str:
    """The DDTs an invoice cites with their dates, and a DDT's accounting date when it differs;
    not the records of services rendered, which are no DDT."""
    accounting = labeller(lang)("inv.accounting_date")
    return ", ".join(f"{d.number} {d.day:%d/%m/%Y}" + (
        f" ({accounting} {d.accounting_day:%d/%m/%Y})" if d.accounting_day and d.accounting_day != d.day else "")
        for d in invoice.deliveries if not d.services)


def corrects_text(invoice: Invoice) -> str:
    """The invoices a credit note corrects with their dates, `FT-2026-00055 30/04/2026`, as its
    print and its XML cite them (the accountant matches the note to the invoice it reverses);
    blank for an invoice and for a credit note citing none."""
    return ", ".join(f"{cited.number} {cited.day:%d/%m/%Y}" for cited in invoice.cites)


def _comma(amount: Decimal) -> str:
    """`1234.5` as `1234,50`: the decimal comma Italian imports expect, no thousands mark."""
    return f"{amount:.2f}".replace(".", ",")


def named_vat_number(invoice: Invoice, customer: Buyer | None, services: Collection[str]) -> str | None:
    """The buyer's VAT number as the document's e-invoice and print name it (`vat_ids.named_number`):
    a Northern Ireland number (XI…) on a document of services alone is GB…, so the register row
    an accountant checks against the e-invoice says what it says."""
    if customer is None or not customer.vat_number:
        return None
    return vat_ids.named_number(customer.vat_number, vat_ids.country_code(customer.country),
                                goods=of_goods(invoice, services))


def _csv_text(value: str | None) -> str:
    return csv_inert(value) if value else ""


def write_register_csv(target: Path, master: MasterData, invoices: Sequence[Invoice], lang: str = "it", *,
                       xml_files: Mapping[str, str] | None = None) -> Path:
    """The register for accounting programs' imports, the sheet's columns (`REGISTER_HEADS`) in
    its order, as text; `xml_files` names each invoice's e-invoice file, once it has one."""
    book = party_book(master)
    t = labeller(lang)
    names = xml_files or {}
    services = service_items(master)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            out.writerow([t(h) for h in REGISTER_HEADS])
            for x in invoices:
                cells = _csv_cells(x, x.parties_in(book).buyer, names, lang, services)
                out.writerow([cells[h] for h in REGISTER_HEADS])

    return write_atomic(target, write)


VAT_REGISTER_HEADS = ("doc.number", "doc.date", "inv.kind", "doc.status", "doc.customer", "inv.customer_name",
                      "inv.vat_number", "inv.tax_code", "doc.vat_rate", "doc.nature", "doc.taxable", "inv.vat_amount",
                      "inv.split", "inv.period")


def write_vat_register_csv(target: Path, master: MasterData, invoices: Sequence[Invoice], lang: str = "it") -> Path:
    """The month's register one row per document and VAT rate (or nature), for the accounting
    programs that book VAT per rate: `registro-*.csv` has one row per document, whose taxable
    and VAT of several rates no import can split. Each document's rows add up to its total (the
    stamp duty charged is its N1 row); a credit note's amounts are negative, its *Tipo* says
    so; *Scissione pagamenti* marks the VAT the customer pays to the Treasury (art. 17-ter)."""
    book = party_book(master)
    t = labeller(lang)
    services = service_items(master)

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            out = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            out.writerow([t(h) for h in VAT_REGISTER_HEADS])
            for x in invoices:
                cells = _csv_cells(x, x.parties_in(book).buyer, {}, lang, services)
                for rate in x.summary:
                    out.writerow([cells[h] for h in VAT_REGISTER_HEADS[:8]] + [
                        _comma(rate.rate), rate.nature or "", _comma(rate.taxable), _comma(rate.vat),
                        cells["inv.split"] if rate.vat else "", cells["inv.period"]])

    return write_atomic(target, write)


def _csv_cells(x: Invoice, customer: Buyer | None, xml_files: Mapping[str, str], lang: str,
               services: Collection[str]) -> dict[str, str]:
    """An invoice's register row as the CSV writes it, by column: a column added to the
    register and not here stops the CSV being written, rather than leaving it out."""
    t = labeller(lang)
    return {
        "doc.number": x.number or "", "doc.date": f"{x.invoice_date:%d/%m/%Y}", "inv.kind": kind_label(x, lang),
        "doc.status": t(f"inv.status_{x.status.value}") if x.status else "", "doc.customer": _csv_text(x.customer),
        "inv.customer_name": _csv_text(customer.name if customer else None),
        "inv.vat_number": named_vat_number(x, customer, services) or "",
        "inv.tax_code": customer.tax_code or "" if customer else "",
        "doc.taxable": _comma(x.taxable), "doc.vat": _comma(x.vat), "doc.total": _comma(x.total),
        "inv.dues": dues_text(x), "inv.payment_method": vocab_label(x.payment_method, lang),
        "inv.payment_terms": _csv_text(x.payment_terms), "inv.period": vat_period_text(x), "inv.ddts": ddts_text(x, lang),
        "inv.corrects": corrects_text(x), "inv.xml_file": _csv_text(xml_files.get(x.number or "")),
        "inv.split": t("inv.yes") if x.split_payment else "", "inv.payable": _comma(x.payable),
        "inv.stamp_duty": _comma(stamp) if (stamp := declared_stamp_duty(x)) else "",
    }
