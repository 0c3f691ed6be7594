"""The requests workbook: customers' requests and complaints, and what was done on each.

Two sheets, A4 like every sheet the toolkit writes: *Richieste*, one row per request (number,
customer, kind, status, opened and closed with who, the text and the latest step), and
*Storico*, one row per step of each request's history (when, who, what, the text), the
seed's "when, why and what was done". Times are Rome's; the ledger keeps them in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from toolkit.basics.dates import rome_time
from toolkit.basics.files import write_atomic
from toolkit.basics.labels import define, labeller
from toolkit.basics.vocab import label as vocab_label
from toolkit.core.requests import CustomerRequest
from toolkit.model.records import MasterData
from toolkit.writers.printable import a4, figure, formats, headings, new_workbook, set_widths, sheet_name, text
from toolkit.writers.row_heights import fit_row

REQUEST_WIDTHS = (8, 11, 26, 13, 10, 16, 14, 16, 14, 44, 40)
HISTORY_WIDTHS = (8, 11, 16, 14, 12, 60)
STAMP = "dd/mm/yyyy hh:mm"

define({
    "req.title": ("Richieste e reclami dei clienti", "Customers' requests and complaints"),
    "req.title_open": ("Richieste e reclami aperti", "Open requests and complaints"),
    "req.sheet": ("Richieste", "Requests"),
    "req.history_sheet": ("Storico", "History"),
    "req.number": ("N.", "No."),
    "req.customer": ("Cliente", "Customer"),
    "req.customer_name": ("Ragione sociale", "Customer name"),
    "req.kind": ("Tipo", "Kind"),
    "req.status": ("Stato", "Status"),
    "req.opened": ("Aperta il", "Opened on"),
    "req.opened_by": ("Aperta da", "Opened by"),
    "req.closed": ("Chiusa il", "Closed on"),
    "req.closed_by": ("Chiusa da", "Closed by"),
    "req.text": ("Richiesta", "Request"),
    "req.latest": ("Ultima azione", "Latest action"),
    "req.at": ("Quando", "When"),
    "req.by": ("Chi", "Who"),
    "req.action": ("Cosa", "What"),
    "req.detail": ("Testo", "Text"),
    "req.none": ("Nessuna richiesta.", "No requests."),
})


def write_requests(target: Path, master: MasterData, requests: Sequence[CustomerRequest], lang: str = "it", *,
                   open_only: bool = False) -> Path:
    names = {c.code: c.name for c in master.customers}
    t = labeller(lang)

    def write(tmp: Path) -> None:
        book = new_workbook(tmp, "requests")
        fmt = formats(book)
        stamp = book.add_format({"num_format": figure(STAMP), "valign": "top"})
        taken: set[str] = set()
        sheet = book.add_worksheet(sheet_name(t("req.sheet"), taken))
        text(sheet, 0, 0, t("req.title_open" if open_only else "req.title"), fmt.title)
        header = 2
        widths = set_widths(sheet, REQUEST_WIDTHS)
        heads = ["req.number", "req.customer", "req.customer_name", "req.kind", "req.status", "req.opened",
                 "req.opened_by", "req.closed", "req.closed_by", "req.text", "req.latest"]
        headings(sheet, header, 0, [t(h) for h in heads], fmt, widths)
        row = header
        for request in requests:
            row += 1
            latest = request.last_step
            latest_text = None
            if latest is not None and len(request.history) > 1:
                latest_text = f"{_day(latest.at)} {t('req.action_' + latest.action.value)}: {latest.text or ''}".strip()
            wrapped = [(2, names.get(request.customer)), (9, request.text), (10, latest_text)]
            text(sheet, row, 0, request.id, fmt.text)
            text(sheet, row, 1, request.customer, fmt.text)
            text(sheet, row, 3, vocab_label(request.kind, lang), fmt.text)
            text(sheet, row, 4, t("req.status_" + request.status.value), fmt.text)
            text(sheet, row, 5, rome_time(request.opened_at), stamp)
            text(sheet, row, 6, request.opened_by, fmt.text)
            text(sheet, row, 7, rome_time(request.closed_at) if request.closed_at else None, stamp)
            text(sheet, row, 8, request.closed_by, fmt.text)
            for col, words in wrapped:
                text(sheet, row, col, words, fmt.wrap)
            fit_row(sheet, row, ((words, widths[col]) for col, words in wrapped))
        if not requests:
            text(sheet, header + 1, 0, t("req.none"))
        else:
            sheet.autofilter(header, 0, row, len(heads) - 1)
        sheet.freeze_panes(header + 1, 2)
        a4(sheet, landscape=True, repeat_rows=(header, header))

        history = book.add_worksheet(sheet_name(t("req.history_sheet"), taken))
        history_widths = set_widths(history, HISTORY_WIDTHS)
        history_heads = ["req.number", "req.customer", "req.at", "req.by", "req.action", "req.detail"]
        headings(history, 0, 0, [t(h) for h in history_heads], fmt, history_widths)
        line = 0
        for request in requests:
            for step in request.history:
                line += 1
                text(history, line, 0, request.id, fmt.text)
                text(history, line, 1, request.customer, fmt.text)
                text(history, line, 2, rome_time(step.at), stamp)
                text(history, line, 3, step.by, fmt.text)
                text(history, line, 4, t("req.action_" + step.action.value), fmt.text)
                text(history, line, 5, step.text, fmt.wrap)
                fit_row(history, line, [(step.text, history_widths[5])])
        if line:
            history.autofilter(0, 0, line, len(history_heads) - 1)
        history.freeze_panes(1, 0)
        a4(history, repeat_rows=(0, 0))
        book.close()

    return write_atomic(target, write)


def _day(at: datetime) -> str:
    return f"{rome_time(at):%d/%m/%Y}"
