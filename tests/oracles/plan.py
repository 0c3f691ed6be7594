"""The plan of a range by a full scan: every active template planned on its own, no index.

What `toolkit.core.plan.due_between` gave before templates were indexed by the days their
rules can fire; its fast path must give exactly this."""

from __future__ import annotations

from datetime import date

from toolkit.basics.problems import Problem
from toolkit.core.plan import Due, _template_dues
from toolkit.core.workdays import working_calendar
from toolkit.model.records import MasterData


def due_between(master: MasterData, start: date, end: date) -> tuple[list[Due], list[Problem]]:
    calendar = working_calendar(master.settings, master.closures)
    dues: list[Due] = []
    problems: list[Problem] = []
    for template in (t for t in master.templates if t.active):
        lines = tuple(x for x in master.template_lines if x.template == template.code)
        exceptions = tuple(x for x in master.exceptions if x.template == template.code)
        found, trouble = _template_dues(template, lines, exceptions, start, end, calendar, master.locate)
        dues += found
        problems += trouble
    dues.sort(key=lambda d: (d.day, d.template))
    return dues, problems
