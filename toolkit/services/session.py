"""What most actions start with: the checked master data and the ledger that goes with it.

A workbook whose check finds errors stops every action that would act on it (`ProblemsFound`,
the problems listed), so nothing is generated, shipped or invoiced from data the check
rejects. The ledger is the one at `ledger_url`, else the SQLite file beside the workbook; it is
opened on first use, so an action that only reads the master data (the calendar) leaves no
ledger behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from toolkit.basics.problems import Problem, ProblemsFound
from toolkit.intake.sources import RawWorkbook
from toolkit.intake.validation import Checked
from toolkit.ledger import Ledger, open_ledger
from toolkit.ledger.lock import Patience
from toolkit.model.records import MasterData
from toolkit.services import check


@dataclass(frozen=True)
class Session:
    workbook: Path
    master: MasterData
    warnings: list[Problem]
    """The check's warnings (a usable workbook has no errors)."""
    ledger_url: str | None = None
    wait: float = 30.0
    """Seconds a write waits for a colleague's before giving up."""
    notify: Callable[[Problem], None] | None = None
    """Told once when a write has to wait (who holds the ledger)."""
    action: str = "toolkit"
    """What the user is doing, as a colleague waiting for the ledger is told."""
    by_button: bool = False
    """Pressed in Excel: a refusal speaks of the workbook, not of `--ledger`."""

    @cached_property
    def ledger(self) -> Ledger:
        """Opened (upgraded as needed) on first use; `UnusableInput` when it cannot be. A ledger
        that does not exist yet is created by the first write, never by reading."""
        return open_ledger(self.ledger_url, self.workbook, patience=Patience(self.wait, self.notify), action=self.action,
                           by_button=self.by_button)


def start(checked: Checked, workbook: Path | Callable[[], Path], ledger_url: str | None = None) -> Session:
    """A session on checked master data, or `ProblemsFound` when the data is unusable.

    `workbook` may be a function giving the path: it is asked only when the data is usable
    (on a live Excel book every question is a round trip)."""
    if checked.master is None:
        raise ProblemsFound(checked.problems)
    where = workbook() if callable(workbook) else workbook
    return Session(Path(where), checked.master, checked.problems, ledger_url)


def open_session(workbook: Path, ledger_url: str | None = None) -> Session:
    """Check a master workbook on disk and start a session on it."""
    return start(check.check_file(workbook), workbook, ledger_url)


def open_book(raw: RawWorkbook, workbook: Callable[[], Path], ledger_url: str | None = None) -> Session:
    """Check a live book's master sheets and start a session on them; the ledger sits beside
    the book unless `ledger_url` names the team's."""
    return start(check.check_book(raw).checked, workbook, ledger_url)
