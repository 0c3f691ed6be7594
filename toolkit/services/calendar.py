"""The delivery plan between two dates (the seed's planning calendar): every template's
deliveries, holidays and exceptions applied, and the grid workbook on request.

It reads only the master data: the ledger is not needed to plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from toolkit.basics.problems import Problem
from toolkit.core.plan import Due, due_between
from toolkit.core.workdays import working_calendar
from toolkit.model.records import MasterData


@dataclass(frozen=True)
class Plan:
    start: date
    end: date
    dues: list[Due]
    problems: list[Problem]
    file: Path | None = None
    """The grid workbook (templates × days, holidays shaded, exceptions marked), when asked for."""


def plan(master: MasterData, start: date, end: date, *, out: Path | None = None, lang: str) -> Plan:
    calendar = working_calendar(master.settings, master.closures)
    dues, problems = due_between(master, start, end, calendar=calendar, locate=master.locate)
    if out is None:
        return Plan(start, end, dues, problems)
    from toolkit.writers.calendar_sheet import write_calendar

    return Plan(start, end, dues, problems, write_calendar(out, master, dues, start, end, calendar, lang))
