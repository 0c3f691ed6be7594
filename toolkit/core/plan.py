"""The planning calendar: which orders fall due on which day (ordini ricorrenti con calendario).

A template's rule, moved off non-working days (`toolkit.core.recurrence`), gives the regular
deliveries; the exceptions sheet (eccezioni) then changes single ones, as 1C's planning
calendar does: skip a delivery, move it to another day, change the quantity of one item, or
add a one-off extra delivery (consegna extra).

The exceptions apply in a fixed order, whatever their order in the sheet: skip and move first,
on the dates the rule gives; then quantity and extra on the dates after moving. A skip, move or
quantity names the day the delivery falls on, or the rule's own date when a holiday moved it;
a quantity may also name the day a delivery was moved away from.

When two deliveries end up on one day they become one order, and its lines carry the goods of
both (quantities of the same item, price and note added up): moving a delivery postpones it,
it does not cancel it. A warning says so each time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import ExceptionAction
from toolkit.core.recurrence import (
    OCCURRENCES_MERGED,
    Group,
    Locate,
    Occurrence,
    RuleGroup,
    covers_window,
    group_deliveries,
    group_delivers,
    near_edges,
    occurrences,
    rule_groups,
    validity_edges,
    window,
)
from toolkit.core.workdays import WorkingCalendar, working_calendar
from toolkit.model.memo import per_master
from toolkit.model.records import CalendarException, MasterData, Template, TemplateLine

EXCEPTION_NO_OCCURRENCE = define(
    "exception-no-occurrence", "warning",
    title=("Eccezione senza consegna in quel giorno", "Exception with no delivery on its day"),
    it="Eccezione per il modello {template}: il {date} non c'è nessuna consegna da {verb_it}. "
       "Controlla la data (è quella della consegna prevista) o cancella la riga.",
    en="Exception for template {template}: there is no delivery on {date} to {verb_en}. "
       "Check the date (it is the planned delivery's date) or delete the row.",
)
EXCEPTION_MOVE_MERGED = define(
    "exception-move-merged", "warning",
    title=("Eccezione che sposta su una consegna esistente", "Exception moving onto an existing delivery"),
    it="Eccezione per il modello {template}: la consegna del {date} va al {new_date}, dove ce n'è già "
       "un'altra: diventano un solo ordine con le quantità sommate. Controlla le quantità.",
    en="Exception for template {template}: the delivery of {date} moves to {new_date}, which already "
       "has one: they become one order with the quantities added up. Check the quantities.",
)
EXCEPTION_INCOMPLETE = define(
    "exception-incomplete", "warning",
    title=("Eccezione incompleta, ignorata", "Incomplete exception, ignored"),
    it="Eccezione per il modello {template} del {date}: manca il valore di questa cella, la riga "
       "è stata ignorata. Compilala o cancella la riga.",
    en="Exception for template {template} on {date}: this cell is empty, so the row was ignored. "
       "Fill it in or delete the row.",
)

_VERBS = {
    ExceptionAction.SKIP: ("saltare", "skip"),
    ExceptionAction.MOVE: ("spostare", "move"),
    ExceptionAction.QUANTITY: ("modificare", "change"),
}


class DueLine(NamedTuple):
    """A line of a due order: the template line's item, quantity, price override and note."""

    item: str
    quantity: Decimal
    price: Decimal | None
    note: str | None


@dataclass(frozen=True, slots=True)
class Due:
    """An order that falls due (ordine da generare); its key is (template, date).

    `nominal` holds the rule dates it stands for (empty for an extra delivery); `moved` says a
    holiday policy or an exception took it off a rule date, `moved_from` is the day an
    exception moved it from; `exceptions` lists the exception actions applied to it.
    """

    template: str
    customer: str
    day: date
    lines: tuple[DueLine, ...]
    nominal: tuple[date, ...] = ()
    moved: bool = False
    moved_from: date | None = None
    exceptions: tuple[ExceptionAction, ...] = ()
    extra: bool = False

    @property
    def key(self) -> tuple[str, date]:
        return self.template, self.day

    @property
    def changed(self) -> bool:
        """Whether the plan should point it out: moved, or touched by an exception."""
        return self.moved or bool(self.exceptions)

    @property
    def total_quantity(self) -> Decimal:
        return sum((line.quantity for line in self.lines), Decimal(0))


def due_between(master: MasterData, start: date, end: date, *, calendar: WorkingCalendar | None = None,
                locate: Locate | None = None) -> tuple[list[Due], list[Problem]]:
    """The orders of active templates due from `start` to `end` (both included), by date and template.

    Problems point at cells through `locate`; by default the master data's own (`MasterData.locate`).
    """
    if calendar is None:
        calendar = working_calendar(master.settings, master.closures)
    if locate is None:
        locate = master.locate
    index = _plan_index(master, calendar.saturday_working)
    dues: list[Due] = []
    problems: list[Problem] = []
    shared: dict[RuleGroup, tuple[list[Group], list[Group]]] = {}
    wstart, wend = window(calendar, start, end)
    for i in index.candidates(calendar, start, end):
        template = index.templates[i]
        lines = index.lines.get(template.code, ())
        exceptions = index.exceptions.get(template.code, ())
        group = index.group_of[i]
        if group is not None and not exceptions and covers_window(template, wstart, wend):
            if group not in shared:
                shared[group] = group_deliveries(group, calendar, start, end)
            found, trouble = _group_dues(template, lines, *shared[group], locate)
        else:
            found, trouble = _template_dues(template, lines, exceptions, start, end, calendar, locate)
        dues += found
        problems += trouble
    dues.sort(key=lambda d: (d.day, d.template))
    return dues, problems


@dataclass(frozen=True)
class _PlanIndex:
    """The active templates with their lines and exceptions, and their rule groups."""

    templates: list[Template]
    lines: dict[str, tuple[TemplateLine, ...]]
    exceptions: dict[str, tuple[CalendarException, ...]]
    groups: dict[RuleGroup, list[int]]
    always: list[int]
    """Positions planned whatever the range: an exception may add or move a delivery, an
    unusable rule must be reported."""
    edges: list[tuple[date, int]]
    """First and last valid days, sorted: near them a delivery may be brought back inside."""
    group_of: list[RuleGroup | None]
    """Each template's rule group (None: its rule is unusable)."""

    def candidates(self, calendar: WorkingCalendar, start: date, end: date) -> list[int]:
        """The positions of the templates that may have a delivery in [start, end], in order."""
        found = set(self.always) | near_edges(self.edges, calendar, start, end)
        for group, members in self.groups.items():
            if group_delivers(group, calendar, start, end):
                found.update(members)
        return sorted(found)


@per_master
def _plan_index(master: MasterData, saturday_working: bool) -> _PlanIndex:
    templates = [t for t in master.templates if t.active]
    lines: dict[str, list[TemplateLine]] = defaultdict(list)
    for line in master.template_lines:
        lines[line.template].append(line)
    exceptions: dict[str, list[CalendarException]] = defaultdict(list)
    for exc in master.exceptions:
        exceptions[exc.template].append(exc)
    groups, unusable = rule_groups(templates, saturday_working)
    excepted = [i for i, t in enumerate(templates) if t.code in exceptions]
    group_of: list[RuleGroup | None] = [None] * len(templates)
    for group, members in groups.items():
        for i in members:
            group_of[i] = group
    return _PlanIndex(templates, {k: tuple(v) for k, v in lines.items()}, {k: tuple(v) for k, v in exceptions.items()},
                      groups, sorted({*unusable, *excepted}), validity_edges(templates), group_of)


def due_on(master: MasterData, day: date, *, calendar: WorkingCalendar | None = None,
           locate: Locate | None = None) -> tuple[list[Due], list[Problem]]:
    """The orders due on one day: what the "ordini del giorno" button lists."""
    return due_between(master, day, day, calendar=calendar, locate=locate)


def catch_up(master: MasterData, last_generated: date | None, day: date, *,
             calendar: WorkingCalendar | None = None) -> list[Due]:
    """Everything due after `last_generated` up to and including `day`, for the days when
    nobody pressed the button; only `day` when nothing was ever generated."""
    start = day if last_generated is None else last_generated + timedelta(days=1)
    if start > day:
        return []
    return due_between(master, start, day, calendar=calendar)[0]


def _template_dues(template: Template, lines: Sequence[TemplateLine], exceptions: Sequence[CalendarException],
                   start: date, end: date, calendar: WorkingCalendar,
                   locate: Locate) -> tuple[list[Due], list[Problem]]:
    wstart, wend = window(calendar, start, end)
    found, problems = occurrences(template, wstart, wend, calendar, locate=locate)
    problems = [p for p in problems if _dated_within(p, start, end)]
    regular = tuple(DueLine(x.item, x.quantity, x.price, x.note) for x in lines)
    if not any(_concerns(exc, start, end) or wstart <= exc.day <= wend for exc in exceptions):
        return [_due(template, o, regular) for o in found if start <= o.day <= end and regular], problems
    pool = {o.day: _due(template, o, regular) for o in found}
    for exc in exceptions:
        if exc.action is ExceptionAction.MOVE and not wstart <= exc.day <= wend and _concerns(exc, start, end):
            far, _ = occurrences(template, exc.day, exc.day, calendar, locate=locate)
            pool.update((o.day, _due(template, o, regular)) for o in far)
    for exc in sorted(exceptions, key=_order):
        if not (_concerns(exc, start, end) or wstart <= exc.day <= wend):
            continue
        pool, trouble = _apply(pool, exc, template, locate)
        if _concerns(exc, start, end):
            problems += trouble
    dues = [d for d in pool.values() if start <= d.day <= end and d.lines]
    return sorted(dues, key=lambda d: d.day), problems


def _group_dues(template: Template, lines: Sequence[TemplateLine], deliveries: list[Group], merged: list[Group],
                locate: Locate) -> tuple[list[Due], list[Problem]]:
    """The dues of a template without exceptions whose validity covers the planned window: its
    rule group's deliveries (`group_deliveries`), what `_template_dues` would find one by one."""
    code = template.code
    problems = [OCCURRENCES_MERGED(locate(template.source, "holiday_policy"), template=code, dates=nominal, date=d)
                for d, nominal, _ in merged]
    if not lines:
        return [], problems
    regular = tuple(DueLine(x.item, x.quantity, x.price, x.note) for x in lines)
    customer = template.customer
    dues = []
    for d, nominal, moved in deliveries:
        times = len(nominal)
        found = regular if times == 1 else tuple(x._replace(quantity=x.quantity * times) for x in regular)
        dues.append(Due(code, customer, d, found, nominal, moved))
    return dues, problems


def _dated_within(problem: Problem, start: date, end: date) -> bool:
    """Whether a merge warning from the wider computation is about a day in the range."""
    day = dict(problem.params).get("date")
    return day is None or start <= day <= end


def _due(template: Template, occurrence: Occurrence, regular: tuple[DueLine, ...]) -> Due:
    times = len(occurrence.nominal)
    lines = regular if times == 1 else tuple(x._replace(quantity=x.quantity * times) for x in regular)
    return Due(template.code, template.customer, occurrence.day, lines, occurrence.nominal, occurrence.moved)


def _concerns(exc: CalendarException, start: date, end: date) -> bool:
    """Whether an exception touches the range, so a mistake in it is worth a warning."""
    if start <= exc.day <= end:
        return True
    return exc.action is ExceptionAction.MOVE and exc.new_date is not None and start <= exc.new_date <= end


_ORDER = {ExceptionAction.SKIP: 0, ExceptionAction.MOVE: 1, ExceptionAction.QUANTITY: 2, ExceptionAction.EXTRA: 3}


def _order(exc: CalendarException) -> tuple[int, date, int]:
    return _ORDER[exc.action], exc.day, exc.source.row


def _apply(pool: dict[date, Due], exc: CalendarException, template: Template,
           locate: Locate) -> tuple[dict[date, Due], list[Problem]]:
    """The pool of a template's dues after one exception, and what went wrong."""
    action = exc.action
    missing = _missing(exc)
    if missing:
        return pool, [EXCEPTION_INCOMPLETE(locate(exc.source, missing), template=exc.template, date=exc.day)]
    if action is ExceptionAction.EXTRA:
        assert exc.item is not None and exc.quantity is not None  # _missing checked them
        line = DueLine(exc.item, exc.quantity, None, None)
        here = pool.get(exc.day)
        if here is None:
            added = Due(template.code, template.customer, exc.day, (line,), exceptions=(action,), extra=True)
        else:
            added = replace(here, lines=_combine(here.lines, (line,)), exceptions=(*here.exceptions, action))
        return {**pool, exc.day: added}, []
    target = _find(pool, exc.day, allow_moved_from=action is ExceptionAction.QUANTITY)
    if target is None:
        verb_it, verb_en = _VERBS[action]
        return pool, [EXCEPTION_NO_OCCURRENCE(locate(exc.source, "day"), template=exc.template, date=exc.day,
                                              verb_it=verb_it, verb_en=verb_en)]
    rest = {d: due for d, due in pool.items() if d != target.day}
    if action is ExceptionAction.SKIP:
        return rest, []
    if action is ExceptionAction.QUANTITY:
        assert exc.item is not None and exc.quantity is not None  # _missing checked them
        changed = replace(target, lines=_set_quantity(target.lines, exc.item, exc.quantity),
                          exceptions=(*target.exceptions, action))
        return {**pool, target.day: changed}, []
    new_date = exc.new_date
    assert new_date is not None  # _missing checked it
    moved = replace(target, day=new_date, moved=True, moved_from=target.day, exceptions=(*target.exceptions, action))
    there = rest.get(new_date)
    if there is None:
        return {**rest, new_date: moved}, []
    merged = replace(
        there, lines=_combine(there.lines, moved.lines), nominal=tuple(sorted({*there.nominal, *moved.nominal})),
        moved=True, moved_from=target.day, exceptions=(*there.exceptions, action), extra=there.extra and moved.extra,
    )
    warning = EXCEPTION_MOVE_MERGED(locate(exc.source, "new_date"), template=exc.template, date=target.day,
                                    new_date=new_date)
    return {**rest, new_date: merged}, [warning]


EXCEPTION_NEEDS: dict[ExceptionAction, tuple[str, ...]] = {
    ExceptionAction.MOVE: ("new_date",),
    ExceptionAction.QUANTITY: ("item", "quantity"),
    ExceptionAction.EXTRA: ("item", "quantity"),
}
"""The cells each exception action needs; the data check reports the missing ones as errors."""


def _missing(exc: CalendarException) -> str | None:
    return next((field for field in EXCEPTION_NEEDS.get(exc.action, ()) if getattr(exc, field) is None), None)


def _find(pool: dict[date, Due], day: date, *, allow_moved_from: bool) -> Due | None:
    if (found := pool.get(day)) is not None:
        return found
    for due in pool.values():
        if day in due.nominal or (allow_moved_from and due.moved_from == day):
            return due
    return None


def _set_quantity(lines: tuple[DueLine, ...], item: str, quantity: Decimal) -> tuple[DueLine, ...]:
    """The item's lines replaced by one line with the new quantity (none when it is zero)."""
    first = next((x for x in lines if x.item == item), None)
    others = [x for x in lines if x.item != item]
    if quantity == 0:
        return tuple(others)
    new = DueLine(item, quantity, None, None) if first is None else first._replace(quantity=quantity)
    position = next((i for i, x in enumerate(lines) if x.item == item), len(lines))
    others.insert(min(position, len(others)), new)
    return tuple(others)


def _combine(*groups: Iterable[DueLine]) -> tuple[DueLine, ...]:
    """Lines of two orders as one: the same item, price and note add up, in first-seen order."""
    totals: dict[tuple[str, Decimal | None, str | None], Decimal] = {}
    for lines in groups:
        for x in lines:
            key = (x.item, x.price, x.note)
            totals[key] = totals.get(key, Decimal(0)) + x.quantity
    return tuple(DueLine(item, qty, price, note) for (item, price, note), qty in totals.items())
