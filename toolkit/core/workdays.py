"""Which days the company works: the calendar every schedule is moved against.

A day is not working (giorno non lavorativo) when it is a Sunday, a Saturday unless the
settings say Saturday is working (giorni feriali lunedì–sabato), an Italian national holiday
(festività nazionale, from the `holidays` package, Easter Monday included), the province's patron
saint's day (`holiday_region`), the local `patron_day`, or inside a company closure (chiusura
aziendale, both ends inclusive).

The holidays of a year are looked up the first time a date of that year is asked about and then
kept: the planner asks about the same few hundred days hundreds of thousands of times.

>>> cal = WorkingCalendar()
>>> cal.is_working(date(2026, 4, 6)), cal.why_closed(date(2026, 4, 6))
(False, "Lunedì dell'Angelo")
>>> cal.next_working(date(2026, 4, 3)), cal.previous_working(date(2026, 4, 7))
(datetime.date(2026, 4, 7), datetime.date(2026, 4, 3))
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from holidays.countries.italy import Italy

from toolkit.basics.vocab import normalize
from toolkit.model.records import Closure, Settings

_HOLIDAY_LANGUAGE = {"it": "it_IT", "en": "en_US"}
_WEEKDAY_NAMES = {
    "it": ("Lunedì", "Martedì", "Mercoledì", "Giovedì", "Venerdì", "Sabato", "Domenica"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_PATRON = {"it": "Santo patrono", "en": "Patron saint's day"}
_CLOSURE = {"it": "Chiusura aziendale", "en": "Company closure"}
_ONE_DAY = timedelta(days=1)
_BRIDGE = timedelta(days=8)


def weekday_name(d: date, lang: str = "it") -> str:
    return _WEEKDAY_NAMES.get(lang, _WEEKDAY_NAMES["it"])[d.weekday()]


def region_code(text: str) -> str | None:
    """The `holidays` subdivision a user's word stands for (`MI`, `mi`, `Milano`), or None.

    >>> region_code("mi"), region_code("Forlì-Cesena"), region_code("Atlantide")
    ('MI', 'FC', None)
    """
    wanted = normalize(text)
    for code in Italy.subdivisions:
        if normalize(code) == wanted:
            return str(code)
    for alias, code in Italy.subdivisions_aliases.items():
        if normalize(alias) == wanted:
            return str(code)
    return None


def check_region(code: str) -> bool:
    """Whether `holidays` knows this province, so the data check can flag a typo in Impostazioni."""
    return region_code(code) is not None


@dataclass(frozen=True)
class WorkingCalendar:
    """The company's working days (calendario lavorativo). Build it with `working_calendar`.

    `closures` holds (first day, last day, description) triples, both ends inclusive.
    """

    saturday_working: bool = False
    region: str | None = None
    patron_day: tuple[int, int] | None = None
    closures: tuple[tuple[date, date, str | None], ...] = ()
    _memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def is_working(self, d: date) -> bool:
        wd = d.weekday()
        if wd == 6 or (wd == 5 and not self.saturday_working):
            return False
        return d not in self._closed_days(d.year, "it")

    def next_working(self, d: date) -> date:
        """The first working day strictly after `d`: a closure is stepped over in one go, so
        the cost does not grow with its length (each of its days may be a delivery to move)."""
        d += _ONE_DAY
        while not self.is_working(d):
            d = self._closure_around(d)[1] + _ONE_DAY
        return d

    def previous_working(self, d: date) -> date:
        """The last working day strictly before `d`, a closure stepped over in one go."""
        d -= _ONE_DAY
        while not self.is_working(d):
            d = self._closure_around(d)[0] - _ONE_DAY
        return d

    def _closure_around(self, d: date) -> tuple[date, date]:
        """The first and last day of the run of closures (touching or overlapping) holding `d`;
        (d, d) when no closure holds it."""
        found = self._memo.get("runs")
        if found is None:
            found = self._memo["runs"] = _runs(self.closures)
        firsts, runs = found
        i = bisect_right(firsts, d) - 1
        if i >= 0 and runs[i][1] >= d:
            return runs[i]
        return d, d

    def why_closed(self, d: date, lang: str = "it") -> str | None:
        """Why nobody works on `d` (holiday name, closure, weekday), shown on the plan; None if open.

        A named holiday or closure wins over the plain weekday, so Easter Sunday reads "Pasqua".
        """
        if reason := self._closed_days(d.year, lang).get(d):
            return reason
        wd = d.weekday()
        if wd == 6 or (wd == 5 and not self.saturday_working):
            return weekday_name(d, lang)
        return None

    def holiday(self, d: date, lang: str = "it") -> str | None:
        """The holiday or company closure (*Chiusure*) `d` falls on, by name; None on any other
        day, a plain Saturday or Sunday too: a DDT of a Saturday is a desk's habit, of a
        holiday more often a slip."""
        return self._closed_days(d.year, lang).get(d)

    @property
    def longest_closure(self) -> int:
        """Days in the longest closure, counting closures a week or less apart as one: a bound
        on how far a holiday policy may have to move a delivery."""
        found = self._memo.get("longest")
        if found is None:
            found = self._memo["longest"] = _longest_stretch(self.closures)
        return found

    def _closed_days(self, year: int, lang: str) -> dict[date, str]:
        key = (year, lang)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._build_year(year, lang)
        return found

    def _build_year(self, year: int, lang: str) -> dict[date, str]:
        closed: dict[date, str] = {}
        first, last = date(year, 1, 1), date(year, 12, 31)
        for a, b, description in self.closures:
            d, stop = max(a, first), min(b, last)
            while d <= stop:
                closed.setdefault(d, description or _CLOSURE.get(lang, _CLOSURE["it"]))
                d += _ONE_DAY
        if self.patron_day is not None:
            day, month = self.patron_day
            if _exists(year, month, day):
                closed[date(year, month, day)] = _PATRON.get(lang, _PATRON["it"])
        national = Italy(
            subdiv=self.region, years=year, language=_HOLIDAY_LANGUAGE.get(lang, "it_IT"),
        )
        closed.update(national.items())
        return closed


def working_calendar(settings: Settings, closures: Sequence[Closure] = ()) -> WorkingCalendar:
    """The calendar of the settings' region and Saturday rule, with the company's closures.

    An unknown `holiday_region` raises `ValueError`: the data check reports it first with
    `check_region`, so a run never gets here with one.
    """
    region = None
    if settings.holiday_region:
        region = region_code(settings.holiday_region)
        if region is None:
            raise ValueError(f"unknown holiday region: {settings.holiday_region!r}")
    return WorkingCalendar(
        saturday_working=settings.saturday_working,
        region=region,
        patron_day=settings.patron_day,
        closures=tuple(sorted(((c.date_from, c.date_to, c.description) for c in closures), key=_span)),
    )


def _longest_stretch(closures: Sequence[tuple[date, date, str | None]]) -> int:
    longest = 0
    stretch: tuple[date, date] | None = None
    for a, b, _ in sorted(closures, key=_span):
        if stretch is None or a > stretch[1] + _BRIDGE:
            stretch = (a, b)
        else:
            stretch = (stretch[0], max(stretch[1], b))
        longest = max(longest, (stretch[1] - stretch[0]).days + 1)
    return longest


def _runs(closures: Sequence[tuple[date, date, str | None]]) -> tuple[list[date], list[tuple[date, date]]]:
    """The closures merged into runs of consecutive closed days, sorted, with their first days."""
    runs: list[tuple[date, date]] = []
    for a, b, _ in sorted(closures, key=_span):
        if runs and a <= runs[-1][1] + _ONE_DAY:
            runs[-1] = (runs[-1][0], max(runs[-1][1], b))
        elif a <= b:
            runs.append((a, b))
    return [r[0] for r in runs], runs


def _span(closure: tuple[date, date, str | None]) -> tuple[date, date]:
    return closure[0], closure[1]


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
