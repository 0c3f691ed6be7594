"""Statements: a customer's volume-discount settlement, an agent's commissions, the summary.

- `sconto-volume-PERIOD-CUSTOMER.xlsx` (*Sconto volume*): the discount's brackets, the bracket
  reached, every invoice and credit note counted with its base (net of what credit notes took
  back of it, shown beside as *Accreditato*), the discount given per bracket
  and the credit note that gives it;
- `provvigioni-FROM-TO-AGENT.xlsx` (*Provvigioni*): the agent's rows invoice by invoice (base,
  share, rate, commission = `ROUND(base*rate/100,2)`) and their total `=SUM(...)`, live formulas
  an accountant can audit; the cached values are the toolkit's own figures, so a spreadsheet
  that recalculates shows the same;
- `provvigioni-FROM-TO.xlsx` (*Riepilogo*): one row per agent, base and commission.

A4, as every sheet the toolkit writes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell as address
from xlsxwriter.worksheet import Worksheet

from toolkit.basics.files import inside, safe_name, unused_path, write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import label as vocab_label
from toolkit.basics.wording import percent, quantity
from toolkit.core.commission_statements import CommissionRow, CommissionStatement
from toolkit.core.discount_statements import DiscountStatement
from toolkit.writers.printable import (
    a4,
    company_header,
    fitting_width,
    formats,
    headings,
    new_workbook,
    page_header,
    set_widths,
    sheet_name,
    text,
)

define({
    "st.discount_sheet": ("Sconto volume", "Volume discount"),
    "st.discount_title": ("Sconto volume {code} – {period}", "Volume discount {code} – {period}"),
    "st.customer": ("Cliente", "Customer"),
    "st.basis": ("Base", "Basis"),
    "st.mode": ("Modalità", "Mode"),
    "st.brackets": ("Scaglioni", "Brackets"),
    "st.from": ("Da", "From"),
    "st.percent": ("Sconto %", "Discount %"),
    "st.share": ("Quota nello scaglione", "Share in the bracket"),
    "st.given": ("Sconto", "Discount"),
    "st.reached": ("Scaglione raggiunto", "Bracket reached"),
    "st.none": ("nessuno", "none"),
    "st.counted": ("Documenti conteggiati", "Documents counted"),
    "st.number": ("Numero", "Number"),
    "st.date": ("Data", "Date"),
    "st.kind": ("Tipo", "Kind"),
    "st.base": ("Imponibile", "Base"),
    "st.quantity": ("Quantità", "Quantity"),
    "st.credited": ("Accreditato", "Credited"),
    "st.total": ("Totale", "Total"),
    "st.discount": ("Sconto", "Discount"),
    "st.credit_note": ("Nota di credito", "Credit note"),
    "st.invoice": ("Fattura", "Invoice"),
    "st.debit_note": ("Nota di debito", "Debit note"),
    "st.uncited": ("Nota di credito, parte senza fattura", "Credit note, part citing no invoice"),
    "st.commission_sheet": ("Provvigioni", "Commissions"),
    "st.commission_title": ("Provvigioni di {agent} dal {first} al {last}",
                            "Commissions of {agent} from {first} to {last}"),
    "st.rule": ("Regola", "Rule"),
    "st.agent_share": ("Quota %", "Share %"),
    "st.collected": ("Incassato %", "Collected %"),
    "st.rate": ("Provvigione %", "Commission %"),
    "st.commission": ("Provvigione", "Commission"),
    "st.agent": ("Agente", "Agent"),
    "st.summary_sheet": ("Riepilogo", "Summary"),
    "st.summary_title": ("Provvigioni dal {first} al {last}", "Commissions from {first} to {last}"),
    "st.file": ("Estratto", "Statement"),
    "st.commission_base": ("Base", "Base"),
    "st.preview_title": ("ANTEPRIMA, non liquidate: {title}", "PREVIEW, not settled: {title}"),
    "st.preview_header": ("ANTEPRIMA con le cifre di oggi, non l'estratto liquidato",
                          "PREVIEW with today's figures, not the settled statement"),
    "st.preview_summary_header": ("ANTEPRIMA con le cifre di oggi, non il riepilogo liquidato",
                                  "PREVIEW with today's figures, not the settled summary"),
})

MONEY_COLUMNS = (14, 11, 12, 24, 14, 11, 11, 12, 14)


def _money(sheet, row: int, col: int, formula: str, value: Decimal, fmt) -> None:
    sheet.write_formula(row, col, formula, fmt, float(value))


def discount_file(statement: DiscountStatement) -> str:
    return f"sconto-volume-{safe_name(statement.period)}-{safe_name(statement.customer)}.xlsx"


def write_discount_statements(folder: Path, statements: Sequence[DiscountStatement],
                              lang: str = "it", *, beside: Path | None = None) -> list[Path]:
    """One workbook per settlement (customer and discount) in `folder`, each from the statement
    as issued (`toolkit.core.discount_statements`): the first printing and a reprint write the
    same cells, in the language it was settled in (`lang` for one kept without it). Each is
    named after the period and the customer, or when that name is taken (the customer's other discount of the period, in this
    settlement or an earlier one) the next free one, `…-2.xlsx` (`unused_path`): a statement
    is issued once, with its credit note, and never replaces another's. With `beside`, the
    folder they are made for (they are made in `folder`, a temporary one), a name its files
    have is taken too."""
    folder.mkdir(parents=True, exist_ok=True)

    def writer(s: DiscountStatement) -> Callable[[Path], None]:
        return lambda tmp: _discount_book(tmp, s, s.lang or lang)

    def free(s: DiscountStatement) -> Path:
        return unused_path(inside(folder, discount_file(s)), lambda p: (beside / p.name,) if beside else ())

    return [write_atomic(free(s), writer(s)) for s in statements]


def _discount_book(tmp: Path, s: DiscountStatement, lang: str) -> None:
    t = labeller(lang)
    book = new_workbook(tmp, "statement")
    fmt = formats(book)
    sheet = book.add_worksheet(sheet_name(t("st.discount_sheet"), set()))
    facts = (("st.customer", f"{s.customer} – {s.customer_name}"),
             ("st.basis", vocab_label(s.basis, lang)),
             ("st.mode", vocab_label(s.mode, lang)),
             ("st.reached", f"{t('st.from')} {quantity(s.reached[0], lang)} – {percent(s.reached[1], lang)}"
              if s.reached else t("st.none")))
    widths = set_widths(sheet, (fitting_width((t(key) for key, _ in facts), 16, bold=True), 12, 16, 16, 14, 14))
    row = company_header(sheet, fmt, s.seller, lang)
    text(sheet, row, 0, t("st.discount_title").format(code=s.discount, period=s.period), fmt.title)
    row += 2
    for key, value in facts:
        text(sheet, row, 0, t(key), fmt.bold)
        text(sheet, row, 1, value)
        row += 1
    row += 1
    text(sheet, row, 0, t("st.counted"), fmt.bold)
    row += 1
    headings(sheet, row, 0, [t(h) for h in ("st.number", "st.date", "st.kind", "st.base", "st.quantity",
                                            "st.credited")], fmt, widths)
    first = row + 1
    for part in s.counted:
        row += 1
        text(sheet, row, 0, part.number, fmt.text)
        text(sheet, row, 1, part.day, fmt.date)
        text(sheet, row, 2, t("st.credit_note" if part.credit_note else "st.invoice"))
        text(sheet, row, 3, part.base, fmt.money)
        text(sheet, row, 4, part.quantity, fmt.quantity)
        text(sheet, row, 5, part.credited, fmt.money)
    last = row
    row += 1
    text(sheet, row, 2, t("st.total"), fmt.total_label)
    _money(sheet, row, 3, f"=SUM({address(first, 3)}:{address(last, 3)})", s.base, fmt.total)
    sheet.write_formula(row, 4, f"=SUM({address(first, 4)}:{address(last, 4)})", fmt.quantity, float(s.quantity))
    _money(sheet, row, 5, f"=SUM({address(first, 5)}:{address(last, 5)})", s.credited, fmt.total)
    row += 2
    text(sheet, row, 0, t("st.brackets"), fmt.bold)
    row += 1
    headings(sheet, row, 0, [t(h) for h in ("st.from", "st.percent", "st.share", "st.given")], fmt, widths)
    for bracket in s.brackets:
        row += 1
        text(sheet, row, 0, bracket.threshold, fmt.quantity)
        text(sheet, row, 1, bracket.percent, fmt.percent)
        text(sheet, row, 2, bracket.measure, fmt.quantity)
        text(sheet, row, 3, bracket.given, fmt.money)
    row += 2
    text(sheet, row, 2, t("st.discount"), fmt.total_label)
    text(sheet, row, 3, s.amount, fmt.total)
    row += 1
    if s.credit_note is not None:
        text(sheet, row, 2, t("st.credit_note"), fmt.total_label)
        text(sheet, row, 3, s.credit_note[0], fmt.text)
        text(sheet, row, 4, s.credit_note[1], fmt.date)
    a4(sheet)
    book.close()


PREVIEW = "anteprima-"
"""What a preview's files of a period settled for an agent start with: written beside the
settled statements, never over them (`commission_file`)."""


def commission_file(agent: str, first: date, last: date, *, preview: bool = False) -> str:
    """An agent's statement of [first, last]; a `preview` of a settled period is `anteprima-…`,
    so the folder where the settled statements were written keeps them as handed out."""
    return f"{PREVIEW if preview else ''}provvigioni-{first:%Y%m%d}-{last:%Y%m%d}-{safe_name(agent, 'agente')}.xlsx"


def summary_file(first: date, last: date, *, preview: bool = False) -> str:
    return f"{PREVIEW if preview else ''}provvigioni-{first:%Y%m%d}-{last:%Y%m%d}.xlsx"


def commission_names(statements: Sequence[CommissionStatement], first: date, last: date, *,
                     preview: bool = False) -> dict[str, str | None]:
    """The files `write_commission_statements` writes, each replacing the period's file of its
    name, and the kind they are marked with (`files.check_output`)."""
    return {**{commission_file(s.agent, first, last, preview=preview): "statement" for s in statements},
            summary_file(first, last, preview=preview): "statement"}


def write_commission_statements(folder: Path, company: str, statements: Sequence[CommissionStatement], first: date,
                                last: date, lang: str = "it", *, preview: bool = False,
                                settled_before: Sequence[CommissionStatement] = (),
                                absent: Sequence[CommissionStatement] = ()) -> list[Path]:
    """One statement per agent and the summary, in `folder`; the summary comes last. Each from
    the statement as issued (`toolkit.core.commission_statements`): a preview, a settlement and
    a reprint of the settled period write the same cells. `company` heads the summary; a
    `preview` of a settled period writes its files under the names that say so (`PREVIEW`). The
    summary lists `settled_before` first, the period's statements settled by an earlier run: a
    settlement of the agents missing from it replaces the period's summary with one of all its
    agents, never one that loses what the others were paid; of those, the `absent` ones (their
    files written into another folder, or none) are written again as kept, in the language they
    were settled in (`CommissionStatement.lang`), so every statement the summary names is beside
    it in the words handed out; so is each of `statements`, which a preview and a settlement make
    in `lang` and a reprint gives back as kept."""
    folder.mkdir(parents=True, exist_ok=True)
    def writer(s: CommissionStatement, lang: str) -> Callable[[Path], None]:
        return lambda tmp: _commission_book(tmp, s, lang, preview=preview)

    files = [write_atomic(inside(folder, commission_file(s.agent, first, last, preview=preview)),
                          writer(s, s.lang or lang)) for s in [*absent, *statements]]
    files.append(write_atomic(inside(folder, summary_file(first, last, preview=preview)),
                              lambda tmp: _summary_book(tmp, company, [*settled_before, *statements], first, last,
                                                        lang, preview=preview)))
    return files


COMMISSION_COLUMNS = ("st.number", "st.date", "st.kind", "st.customer", "st.rule", "st.commission_base",
                      "st.agent_share", "st.collected", "st.rate", "st.commission")
BASE, RATE, COMMISSION = 5, 8, 9


def total_cell(statement: CommissionStatement) -> str:
    """Where the statement's total is (`Provvigioni!J12`): the test recalculates and reads it."""
    return address(TOTAL_FIRST_ROW + len(statement.rows), COMMISSION)


TOTAL_FIRST_ROW = 4
"""The row (0-based) of the first statement row; the total follows the last."""


def _kind(row: CommissionRow) -> str:
    """What the row counts: an invoice, a debit note (`Invoice.kind_listed`, as the JSON names
    it), a credit note, or the part of a return's note that cites no invoice, which takes back as
    the note is refunded (`Row.uncited`)."""
    if row.uncited:
        return "st.uncited"
    return {"credit-note": "st.credit_note", "debit-note": "st.debit_note"}.get(row.kind, "st.invoice")


def _preview_said(sheet: Worksheet, title: str, t: Callable[[str], str], preview: bool,
                  header: str = "st.preview_header") -> str:
    """`title`, and of a `preview` of a settled period the title that says so, with every
    printed page's `header` (the statement's, or the summary's): a page of it is never taken
    for the one settled, whose cells and pages stay as they were. In the words the settlement
    says it in: the commissions (*Provvigioni*) *liquidate*, not settled here."""
    if not preview:
        return title
    page_header(sheet, t(header))
    return t("st.preview_title").format(title=title)


def _base_heading(heading: str, statements: Sequence[CommissionStatement]) -> str:
    """`heading`, but the amounts' as statements kept before they were headed *Base* printed
    it (*Imponibile*) when every one of `statements` is such: a reprint is the first printing."""
    if heading == "st.commission_base" and statements and all(s.headed_taxable for s in statements):
        return "st.base"
    return heading


def _commission_book(tmp: Path, s: CommissionStatement, lang: str, *, preview: bool = False) -> None:
    t = labeller(lang)
    book = new_workbook(tmp, "statement")
    fmt = formats(book)
    sheet = book.add_worksheet(sheet_name(t("st.commission_sheet"), set()))
    widths = set_widths(sheet, (15, 11, 16, 10, 10, 13, 9, 11, 12, 13))
    title = t("st.commission_title").format(agent=s.agent, first=f"{s.first:%d/%m/%Y}", last=f"{s.last:%d/%m/%Y}")
    text(sheet, 0, 0, _preview_said(sheet, title, t, preview), fmt.title)
    text(sheet, 1, 0, s.company)
    header = TOTAL_FIRST_ROW - 1
    headings(sheet, header, 0, [t(_base_heading(h, [s])) for h in COMMISSION_COLUMNS], fmt, widths)
    row = header
    for r in s.rows:
        row += 1
        text(sheet, row, 0, r.number, fmt.text)
        text(sheet, row, 1, r.day, fmt.date)
        text(sheet, row, 2, t(_kind(r)))
        text(sheet, row, 3, r.customer, fmt.text)
        text(sheet, row, 4, r.rule, fmt.text)
        text(sheet, row, BASE, r.base, fmt.money)
        text(sheet, row, 6, r.share, fmt.percent)
        text(sheet, row, 7, (r.collected * 100).quantize(Decimal("0.01")) if r.collected is not None else None,
             fmt.percent)
        text(sheet, row, RATE, r.rate, fmt.percent)
        _money(sheet, row, COMMISSION, f"=ROUND({address(row, BASE)}*{address(row, RATE)}/100,2)", r.commission,
               fmt.money)
    total_row = row + 1
    text(sheet, total_row, RATE, t("st.total"), fmt.total_label)
    span = f"{address(header + 1, BASE)}:{address(max(row, header + 1), BASE)}"
    _money(sheet, total_row, BASE, f"=SUM({span})" if s.rows else "=0", s.base, fmt.total)
    span = f"{address(header + 1, COMMISSION)}:{address(max(row, header + 1), COMMISSION)}"
    _money(sheet, total_row, COMMISSION, f"=SUM({span})" if s.rows else "=0", s.total, fmt.total)
    a4(sheet, landscape=True, repeat_rows=(header, header))
    book.close()


def _summary_book(tmp: Path, company: str, statements: Sequence[CommissionStatement], first: date, last: date,
                  lang: str, *, preview: bool = False) -> None:
    """The summary, each agent's row naming the statement written beside it: a preview's names a
    preview's (`anteprima-…`), never the settled one its figures are not."""
    t = labeller(lang)
    book = new_workbook(tmp, "statement")
    fmt = formats(book)
    sheet = book.add_worksheet(sheet_name(t("st.summary_sheet"), set()))
    widths = set_widths(sheet, (24, 14, 14, 44))
    title = t("st.summary_title").format(first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}")
    text(sheet, 0, 0, _preview_said(sheet, title, t, preview, "st.preview_summary_header"), fmt.title)
    text(sheet, 1, 0, company)
    header = 3
    headings(sheet, header, 0, [t("st.agent"), t(_base_heading("st.commission_base", statements)), t("st.commission"),
                                t("st.file")], fmt, widths)
    row = header
    for s in statements:
        row += 1
        text(sheet, row, 0, s.agent, fmt.text)
        text(sheet, row, 1, s.base, fmt.money)
        text(sheet, row, 2, s.total, fmt.money)
        text(sheet, row, 3, commission_file(s.agent, first, last, preview=preview), fmt.text)
    text(sheet, row + 1, 0, t("st.total"), fmt.total_label)
    for col, value in ((1, sum((s.base for s in statements), Decimal(0))),
                       (2, sum((s.total for s in statements), Decimal(0)))):
        formula = f"=SUM({address(header + 1, col)}:{address(row, col)})" if statements else "=0"
        _money(sheet, row + 1, col, formula, value, fmt.total)
    a4(sheet, repeat_rows=(header, header))
    book.close()
