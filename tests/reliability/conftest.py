"""The reliability suite's figures: each test adds what it counted (processes, runs, kills,
duplicates, gaps, fuzz examples, peak memory), and at the end of the run pytest prints them
and writes them to `tests/reliability/last-run.json` (git-ignored), so a person reads them
after a CI run. The README's "Reliability" section quotes them."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

LAST_RUN = Path(__file__).with_name("last-run.json")

_FIGURES: dict[str, dict[str, Any]] = defaultdict(dict)
_SECONDS = [0.0]


class Figures:
    """One area's counters (`races`, `kills`, `fuzz`, `hostile`): added up, or kept at their
    largest for peaks."""

    def __init__(self, area: str):
        self.area = _FIGURES[area]

    def add(self, **counts: int) -> None:
        for key, value in counts.items():
            self.area[key] = self.area.get(key, 0) + value

    def peak(self, **values: float) -> None:
        for key, value in values.items():
            self.area[key] = max(self.area.get(key, value), value)

    def note(self, **values: Any) -> None:
        self.area.update(values)


@pytest.fixture(scope="session")
def figures():
    return Figures


def pytest_runtest_logreport(report):
    if "reliability/" in report.nodeid:
        _SECONDS[0] += report.duration


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not _FIGURES:
        return
    report = {"seconds": round(_SECONDS[0]), **{k: dict(v) for k, v in sorted(_FIGURES.items())}}
    terminalreporter.section("reliability figures")
    terminalreporter.write_line(f"suite: {report['seconds']} s")
    for area, counts in report.items():
        if isinstance(counts, dict):
            terminalreporter.write_line(f"{area}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    LAST_RUN.write_text(json.dumps(report, indent=2) + "\n")
    terminalreporter.write_line(f"written to {LAST_RUN}")
