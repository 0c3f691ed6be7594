"""How commands speak: problem lines, JSON, the language, exit codes.

Human output goes to stdout as `Sheet!Cell: message`, one line per problem; `--json` output is
a single JSON document on stdout. Both come from the same `Problem` records.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer

from toolkit.basics.problems import Problem, Severity

LangOption = typer.Option(None, "--lang", help="Lingua dei messaggi / message language: it, en "
                          "(default: the workbook's setting, else it).")
JsonOption = typer.Option(False, "--json", help="Output JSON for programs / uscita JSON.")
LedgerOption = typer.Option(None, "--ledger", envvar="TOOLKIT_LEDGER_URL",
                            help="SQLAlchemy URL of the ledger (default: SQLite file beside the workbook).")
DEFAULT_WAIT = 30.0
WaitOption = typer.Option(DEFAULT_WAIT, "--wait", min=0, metavar="SECONDS",
                          help="Secondi di attesa se un collega sta scrivendo nel registro / seconds to wait while a "
                               "colleague writes to the ledger.")

_state: dict[str, str] = {"lang": "it"}


def set_lang(lang: str | None, workbook_lang: str | None = None) -> str:
    chosen = (lang or workbook_lang or "it").lower()
    _state["lang"] = chosen if chosen in ("it", "en") else "it"
    return _state["lang"]


def lang() -> str:
    return _state["lang"]


def set_workbook(path: Path) -> None:
    """The master workbook the verb works on: named in the command a message suggests."""
    _state["workbook"] = str(path)


def workbook() -> Path | None:
    return Path(_state["workbook"]) if "workbook" in _state else None


def problem_line(p: Problem) -> str:
    mark = "" if p.severity is Severity.ERROR else ("avviso: " if lang() == "it" else "warning: ")
    where = f"{p.location}: " if p.location else ""
    return f"{where}{mark}{p.message(lang())}"


def print_problems(problems: Iterable[Problem]) -> None:
    for p in problems:
        typer.echo(problem_line(p))


def notice(p: Problem) -> None:
    """A message while the command works (waiting for the ledger): on stderr, so JSON stays clean."""
    typer.echo(f"toolkit: {p.message(lang())}", err=True)


def fail(p: Problem) -> None:
    typer.echo(f"toolkit: {p.message(lang())}", err=True)


def problems_found(problems: list[Problem]) -> None:
    print_problems(problems)


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Problem):
        return value.to_dict(lang())
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return to_jsonable(value.model_dump())
    return value


def print_json(document: dict[str, Any]) -> None:
    json.dump(to_jsonable(document), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def exit_for(problems: Iterable[Problem]) -> None:
    if has_errors(problems):
        raise typer.Exit(1)
