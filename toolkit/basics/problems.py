"""Problems as data: a stable code, a severity, a location, and a message in two languages.

Every rule in the toolkit reports what it finds as `Problem` records instead of raising, so a
run can show the user *every* mistake in the workbook at once (as beancount's validation and
frictionless' row/cell errors do). Each module defines the problem types it can raise with
`define`, next to the rule itself; the registry makes sure a code is defined once and that both
languages are there.

>>> from toolkit.basics.cells import Location
>>> demo = define("demo-bad-qty", "error",
...               it="La quantità «{value}» non è un numero: scrivi un numero, es. 12.",
...               en="Quantity “{value}” is not a number: write a number, e.g. 12.")
>>> p = demo(Location("Righe modello", "C12"), value="abc")
>>> str(p)
'Righe modello!C12: La quantità «abc» non è un numero: scrivi un numero, es. 12.'
>>> p.message("en")
'Quantity “abc” is not a number: write a number, e.g. 12.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from toolkit.basics.cells import Location
from toolkit.basics.wording import shown

LANGUAGES = ("it", "en")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class ProblemType:
    """A kind of problem: its code, how serious it is, and its message templates."""

    code: str
    severity: Severity
    templates: Mapping[str, str]
    titles: Mapping[str, str] = field(default_factory=dict)
    """What such problems are, in a few words (`Riga non spedita per giacenza insufficiente`):
    the terminal counts the warnings of a kind past the first few under this name, not the code."""
    usage: bool = False
    """A slip in what was typed rather than in the data (`7/2026`, which may be an invoice or a
    credit note): the verb refuses it as it refuses a bad option, exit 2."""

    def __call__(self, location: Location | None, **params: Any) -> Problem:
        return Problem(self.code, self.severity, location, tuple(params.items()))

    def title(self, lang: str = "it") -> str:
        return self.titles.get(lang) or self.titles.get("it") or self.code


_REGISTRY: dict[str, ProblemType] = {}


def define(code: str, severity: str, *, it: str, en: str, title: tuple[str, str] | None = None,
           usage: bool = False) -> ProblemType:
    """A kind of problem; a warning also says in a few words what it is (`title`, Italian and
    English), as a run may count hundreds of one kind under that name; `usage`: a typing slip,
    exit 2 (`ProblemType.usage`)."""
    if severity == Severity.WARNING and title is None:
        raise ValueError(f"a warning needs a title in both languages: {code}")
    kind = ProblemType(code, Severity(severity), {"it": it, "en": en}, dict(zip(LANGUAGES, title or ())), usage)
    if code in _REGISTRY and _REGISTRY[code] != kind:
        raise ValueError(f"problem code defined twice: {code}")
    _REGISTRY[code] = kind
    return kind


def problem_type(code: str) -> ProblemType:
    return _REGISTRY[code]


def all_problem_types() -> list[ProblemType]:
    return sorted(_REGISTRY.values(), key=lambda k: k.code)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a look) in the input, and where it is."""

    code: str
    severity: Severity
    location: Location | None
    params: tuple[tuple[str, Any], ...] = field(default=())

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_usage(self) -> bool:
        """A slip in what was typed (`ProblemType.usage`): refused with exit 2."""
        return self.is_error and _REGISTRY[self.code].usage

    @property
    def sheet(self) -> str | None:
        return self.location.sheet if self.location else None

    @property
    def cell(self) -> str | None:
        return self.location.cell if self.location else None

    def message(self, lang: str = "it") -> str:
        template = _REGISTRY[self.code].templates.get(lang) or _REGISTRY[self.code].templates["it"]
        return template.format(**{k: shown(v, lang) for k, v in self.params})

    def render(self, lang: str = "it") -> str:
        return f"{self.location}: {self.message(lang)}" if self.location else self.message(lang)

    def __str__(self) -> str:
        return self.render("it")

    def to_dict(self, lang: str = "it") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "workbook": self.location.workbook if self.location else None,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message(lang),
        }


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def sort_key(p: Problem) -> tuple[str, int, int, str]:
    """Order problems the way a user reads a workbook: by sheet, then row, then column."""
    import re

    from toolkit.basics.cells import column_index

    cell = p.cell or ""
    m = re.match(r"([A-Z]+)(\d+)", cell)
    row, col = (int(m[2]), column_index(m[1])) if m else (0, 0)
    return (p.sheet or "", row, col, p.code)


class UnusableInput(Exception):
    """The input cannot be read at all (not a spreadsheet, corrupt, locked): exit code 2."""

    def __init__(self, problem: Problem):
        super().__init__(problem.render("en"))
        self.problem = problem


class ProblemsFound(Exception):
    """A service refused to act because its input has errors; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(errors(problems))} problem(s) in the input")
        self.problems = problems
