"""The reliability suite's figures: each test adds what it counted (processes, runs, kills,
duplicates, gaps, fuzz examples, peak memory), and at the end of the run pytest prints them
and writes them to `tests/reliability/last-run.json` (git-ignored), so a person reads them
after a CI run. The README's "Reliability" section quotes them.

The suite runs in worker processes (pytest-xdist), its tests shared among them; each worker
hands its figures to the process that prints the summary, which adds them up, peaks kept at
their largest (`tests/conftest.py` calls `hand_over`, `handed_over` and `summary`)."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

LAST_RUN = Path(__file__).parent / "reliability" / "last-run.json"
KEY = "reliability-figures"

FIGURES: dict[str, dict[str, Any]] = defaultdict(dict)
PEAKS: set[str] = set()
"""The figures kept at their largest (`Figures.peak`); the other numbers are added up."""
SECONDS = [0.0]


class Figures:
    """One area's counters (`races`, `kills`, `fuzz`, `hostile`): added up, or kept at their
    largest for peaks."""

    def __init__(self, area: str):
        self.area = FIGURES[area]

    def add(self, **counts: int) -> None:
        for key, value in counts.items():
            self.area[key] = self.area.get(key, 0) + value

    def peak(self, **values: float) -> None:
        for key, value in values.items():
            PEAKS.add(key)
            self.area[key] = max(self.area.get(key, value), value)

    def note(self, **values: Any) -> None:
        self.area.update(values)


def hand_over(workeroutput: dict[str, Any]) -> None:
    """In a worker: the figures it counted, for the summary's process."""
    if FIGURES:
        workeroutput[KEY] = json.dumps({"figures": FIGURES, "peaks": sorted(PEAKS)})


def handed_over(workeroutput: dict[str, Any]) -> None:
    """In the summary's process: the figures a worker counted, added to those of the others,
    peaks kept at their largest."""
    given = json.loads(workeroutput.get(KEY, '{"figures": {}, "peaks": []}'))
    for area, counts in given["figures"].items():
        kept = FIGURES[area]
        for key, value in counts.items():
            if key not in kept or not isinstance(value, (int, float)):
                kept[key] = value
            elif key in given["peaks"]:
                kept[key] = max(kept[key], value)
            else:
                kept[key] += value


def summary(terminalreporter) -> None:
    if not FIGURES:
        return
    report = {"seconds": round(SECONDS[0]), **{k: dict(v) for k, v in sorted(FIGURES.items())}}
    terminalreporter.section("reliability figures")
    terminalreporter.write_line(f"suite: {report['seconds']} s")
    for area, counts in report.items():
        if isinstance(counts, dict):
            terminalreporter.write_line(f"{area}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    LAST_RUN.write_text(json.dumps(report, indent=2) + "\n")
    terminalreporter.write_line(f"written to {LAST_RUN}")
