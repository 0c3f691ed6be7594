"""What most verbs start with: a checked master workbook and its ledger.

A workbook with errors stops every verb that would act on it (exit 1, the problems listed),
so nothing is generated, shipped or invoiced from data the check rejects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import typer

from toolkit.cli import output
from toolkit.basics.dates import NotADate, to_date
from toolkit.ledger import Ledger, open_ledger
from toolkit.model.records import MasterData
from toolkit.basics.problems import ProblemsFound
from toolkit.intake.validation import check_file


@dataclass(frozen=True)
class Session:
    workbook: Path
    master: MasterData
    ledger: Ledger
    warnings: list


def open_session(workbook: Path, ledger_url: str | None, lang: str | None) -> Session:
    result = check_file(workbook)
    output.set_lang(lang, result.master.settings.language if result.master else None)
    if result.master is None:
        raise ProblemsFound(result.problems)
    return Session(Path(workbook), result.master, open_ledger(ledger_url, workbook), result.problems)


def parse_day(text: str, option: str = "--date") -> date:
    try:
        return to_date(text)
    except NotADate:
        raise typer.BadParameter(f"«{text}»: scrivi la data come 2026-04-09 o 09/04/2026 / "
                                 f"write the date as 2026-04-09 or 09/04/2026", param_hint=option) from None


def codes(text: str | None) -> set[str] | None:
    if not text:
        return None
    return {c.strip() for c in text.split(",") if c.strip()}
