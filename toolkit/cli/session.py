"""What most verbs start with: a checked master workbook and its ledger, and the language.

The session itself is `toolkit.services.session`; here the language of the messages is
settled (the option, else the workbook's, else Italian) before a problem is printed, and the
arguments every verb shares are parsed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from toolkit.basics.dates import NotADate, to_date
from toolkit.cli import output
from toolkit.services import check
from toolkit.services import session as sessions
from toolkit.services.session import Session


def open_master(workbook: Path, lang: str | None, ledger_url: str | None = None) -> Session:
    """Check the workbook, settle the language, and start a session (its ledger not opened yet)."""
    output.set_workbook(workbook)
    checked = check.check_file(workbook)
    output.set_lang(lang, check.workbook_language(checked))
    return sessions.start(checked, workbook, ledger_url)


def open_session(workbook: Path, ledger_url: str | None, lang: str | None) -> Session:
    """A session with its ledger open: an unreachable ledger stops the verb before anything else."""
    session = open_master(workbook, lang, ledger_url)
    session.ledger  # noqa: B018 - opened now, on purpose
    return session


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
