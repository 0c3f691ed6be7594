"""One press of a button: what it reads from the book once, the language it answers in, and its
one message box.

A button's work reads the sheets' names, the master data and the panel's cells; with the
book behind a COM call each, reading the master twice (as "Crea ordini selezionati" once did,
preview and create each reading it) doubles the wait. So a press reads each of them at most
once, on first use, and keeps it. It also learns the workbook's language from the master
data (its *Lingua* setting, read even when other settings are wrong) so that every message
the press shows, the data problems included, speaks the workbook's language. And it shows
one message box: `say` refuses a second one, so a button cannot stack boxes on the user.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from toolkit.basics import wording
from toolkit.basics.files import OtherOutput, asked_for
from toolkit.basics.problems import Problem, UnusableInput
from toolkit.core.invoicing import Period, month_of
from toolkit.excel import inputs, orders, report, said
from toolkit.excel.book import (
    SHEET_NOT_REFRESHED,
    SHEET_NOT_WRITABLE,
    Book,
    Sheet,
    ask,
    find_sheet,
    message,
    read_master,
    sheets_by_name,
)
from toolkit.services.check import BookChecked, check_book
from toolkit.services.session import Session, start

PANEL = "Pannello"
DATE_NAME = inputs.ORDER_DATE.name
"""The panel's date cell (B3), by its defined name."""


MASTER_WARNINGS_SHOWN = 3
"""The check's warnings a button's box names before it counts the rest: as many as `toolkit`
prints of one kind; the data check's sheet lists them all."""
SHIPPING_ONLY = frozenset({"stock-not-checked"})
"""The check's warnings a box leaves to the data check and the shipments, which tell them where
they matter (`toolkit.core.shipping.missing_stock`): a desk keeping no stock in the workbook
would read of it in every box."""


def master_warnings(warnings: Sequence[Problem], lang: str) -> str:
    """The check's warnings a command's box adds to its result, as `toolkit` prints them with
    every command: how many, then the first few at their cells. A button showed only its result,
    so a mistyped setting was never told at the panel. `say` leaves out one its result told
    already (a shipment's missing *Giacenze*)."""
    head = (f"Dati anagrafici: {wording.count(len(warnings), 'avviso', 'avvisi')} (tutti con «{report.SHEET}»):"
            if lang == "it" else
            f"Master data: {wording.count(len(warnings), 'warning', 'warnings')} (all of them with “{report.SHEET}”):")
    return "\n".join([head, *said.lines(warnings, lang, most=MASTER_WARNINGS_SHOWN)])


class Press:
    """The state of one press: built by the `button` decorator, handed to the button's body."""

    def __init__(self, book: Book, titles: dict[str, str]):
        self.book = book
        self.titles = titles
        """The message box's title per language: the button's caption, in Italian and English."""
        self.lang: str | None = None
        """The workbook's language, once the master data was read; None before."""
        self.said = 0
        self.unwritten: list[Problem] = []
        """The sheets Excel would not let `refresh` bring up to date, told at the end of the box."""

    @cached_property
    def sheets(self) -> dict[str, Sheet]:
        return sheets_by_name(self.book)

    @cached_property
    def checked(self) -> BookChecked:
        """The master data's check, read from the live book once per press."""
        result = check_book(read_master(self.book, self.sheets))
        self.lang = result.lang
        return result

    @cached_property
    def session(self) -> Session:
        """The checked master data and its ledger: the team's when TOOLKIT_LEDGER_URL is set or
        *Impostazioni › Registro* gives its address, else the SQLite file beside the book (opened
        when the button first needs it; `toolkit.services.team_ledger` refuses a mismatch).
        `ProblemsFound` when the master data has errors."""
        from dataclasses import replace

        checked = self.checked
        session = start(checked.checked, lambda: Path(self.book.fullname), os.environ.get("TOOLKIT_LEDGER_URL"))
        return replace(session, action="Excel", by_button=True)

    @cached_property
    def reprint_session(self) -> Session:
        """`session` for a button that prints again what the ledger records and issues nothing
        (*Ristampa DDT*): the master as read despite errors in parts the reprint may not read,
        those errors set aside for it to weigh (`toolkit.services.session.start_reprint`), as
        `toolkit print` does."""
        from dataclasses import replace

        from toolkit.services.session import start_reprint

        session = start_reprint(self.checked.checked, lambda: Path(self.book.fullname),
                                os.environ.get("TOOLKIT_LEDGER_URL"))
        return replace(session, action="Excel", by_button=True)

    @property
    def language(self) -> str:
        """The workbook's language (the master data is read if it was not yet)."""
        return self.checked.lang

    @property
    def panel(self) -> Sheet | None:
        return find_sheet(self.sheets, PANEL)

    @cached_property
    def day(self) -> date:
        """The panel's date (`DataOrdini`)."""
        return orders.order_date(self.panel)

    @property
    def month(self) -> Period:
        """The panel date's month: what the invoicing buttons work on, as `--month` does."""
        return month_of(self.day)

    def cell(self, name: str) -> Any:
        """The value of one of the panel's named cells (None without a panel); a name gone is
        `inputs.name_gone` (`orders.named`)."""
        panel = self.panel
        return orders.named(panel, name).value if panel is not None else None

    def optional_cell(self, name: str) -> Any:
        """The value of a named panel cell a workbook built before it was added lacks (its name
        undefined): None there, as an empty cell, so the button works as it did. Only there: the
        book is asked whether it defines the name (`book.names.contains`) once the cell could not
        be found, and any other failure is told as `cell` tells it (a name lost with its row,
        Excel busy): taken for an empty cell, it made the button do what the desk had not asked."""
        try:
            return self.cell(name)
        except UnusableInput as gone:
            if gone.problem.code == inputs.NAME_GONE.code and not self.book.names.contains(name):
                return None
            raise

    def beside(self, name: str) -> Path:
        """Where a button's printable output goes: a file beside the workbook."""
        return orders.beside(self.session, name)

    @property
    def asked(self) -> OtherOutput:
        """What a refused output of this press asks for: a button names its files itself, beside
        the workbook, and has no `--out` to change, so its user is asked to rename what stands
        in the way (`asked_for`)."""
        return asked_for(button=self.titles["it"])

    def title(self, lang: str | None = None) -> str:
        return self.titles.get(lang or self.lang or "it", self.titles["it"])

    def refresh(self, write: Callable[[], object]) -> bool:
        """A write to the book after the press did its work (the orders created, the run
        issued): a protected sheet (`SHEET_NOT_WRITABLE`) does not undo it nor hide it behind
        an error box, but is told after what was done, as done (`SHEET_NOT_REFRESHED`): told
        to press again, the desk found the run issued and its id not in B10 all the same, "nothing
        to invoice". Whether it was written."""
        try:
            write()
        except UnusableInput as refused:
            if refused.problem.code != SHEET_NOT_WRITABLE.code:
                raise
            sheet = refused.problem.location.sheet if refused.problem.location else ""
            told = SHEET_NOT_REFRESHED(refused.problem.location, sheet=sheet)
            if told not in self.unwritten:
                self.unwritten.append(told)
            return False
        return True

    def say(self, text: str, critical: bool = False, title: str | None = None) -> None:
        """The press's one message box."""
        if self.said:
            raise RuntimeError(f"a second message box in one press: {text[:60]!r}")
        self.said += 1
        if self.unwritten:
            text = "\n".join([text, *(said.render(p, self.lang or "it") for p in self.unwritten)])
        session = self.__dict__.get("session") or self.__dict__.get("reprint_session")
        if session is not None and (untold := [w for w in session.warnings if w.code not in SHIPPING_ONLY
                                               and said.render(w, self.lang or "it") not in text]):
            text = f"{text}\n\n{master_warnings(untold, self.lang or 'it')}"
        told = session.network_warning() if session is not None else None
        if told is not None:
            text = f"{text}\n\n{said.message(told, self.lang or 'it')}"
        message(self.book, text, title or self.title(), critical=critical)

    def ask(self, text: str) -> bool:
        """A Yes/No question before a deliberate act; it is not the press's message box."""
        return ask(self.book, text, self.title())
