"""`python -m benchmarks --guard`: a run held against the committed results, in units.

Issue 20 may end by turning its targets into regression guards at today's figures. Seconds
mean little from one day to the next (the machine's speed drifts by 2 ×), so every measure, and
every part of one (the month's `ship`, `invoice`, …), is taken in units of its own run's floor
(`units.unit_of`), the run's and the committed results' alike, and one more than the tolerance
slower in units fails the guard. A measure one side has and the other has not (not run, failed,
no unit to measure it in) is told, not failed: a run with `--only` guards what it measured. A
measure that timed out is slower when even its time-out is past the tolerance. One whose runs
timed out in part is taken at the median of all its runs, each timed out one slower than every
finished one: a lower bound (its time-out) when the middle run is one of them, since the median
of the runs that finished alone made a measure that mostly timed out look fast.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.units import unit_of

TOLERANCE_PERCENT = 25.0


@dataclass(frozen=True)
class Figure:
    """One measure (or part) at one scale as a run has it."""

    units: float | None
    """Median seconds over the run's unit; None when there is none (`missing` says why)."""
    source: str
    """The results file it comes from (the run's own: `run`)."""
    missing: str = ""
    at_least: bool = False
    """Timed out: `units` is the time-out in units, a lower bound."""
    rows: tuple[tuple[str, int], ...] = ()
    """The rows of each table of the workbook the run read at that scale (`datasets`): a scale
    made larger since is another measure, not a slower one."""


@dataclass(frozen=True)
class Verdict:
    scale: str
    measure: str
    before: Figure | None
    now: Figure | None
    slower: bool

    @property
    def change(self) -> float | None:
        """How much slower in units, as a fraction (negative: faster); None without both figures."""
        if self.before is None or self.now is None or not self.before.units or self.now.units is None:
            return None
        if not same_workbook(self.before, self.now):
            return None
        return self.now.units / self.before.units - 1


def figures(document: dict, source: str) -> dict[tuple[str, str], Figure]:
    """Each measure's and each of its parts' (`month.ship`) figure, by (scale, name)."""
    out: dict[tuple[str, str], Figure] = {}
    summary = document.get("summary") or {}
    partly = _runs_timed_out_in_part(document)
    for scale, measures in summary.items():
        unit = unit_of(summary, scale)
        rows = ((document.get("datasets") or {}).get(scale) or {}).get("rows") or {}
        read = tuple(sorted((str(table), count) for table, count in rows.items()))
        for name, entry in measures.items():
            if entry.get("timed_out") and entry.get("median_s") is not None:
                ran = partly.get((scale, name))
                out[(scale, name)] = replace(_with_timeouts(ran, None, entry, unit, source), rows=read)
                for part in entry.get("parts") or {}:
                    out[(scale, f"{name}.{part}")] = replace(_with_timeouts(ran, part, entry, unit, source), rows=read)
                continue
            out[(scale, name)] = replace(_figure(entry, entry.get("median_s"), unit, source), rows=read)
            for part, seconds in (entry.get("parts") or {}).items():
                out[(scale, f"{name}.{part}")] = replace(_figure(entry, seconds, unit, source), rows=read)
    return out


def _runs_timed_out_in_part(document: dict) -> dict[tuple[str, str], tuple[list[dict], int]]:
    """The runs that finished, and how many timed out, of each measure at each scale some of
    whose runs timed out, as the results file lists them."""
    finished: dict[tuple[str, str], list[dict]] = {}
    late: dict[tuple[str, str], int] = {}
    for run in document.get("runs") or ():
        key = (str(run.get("scale")), str(run.get("measure")))
        if run.get("timed_out"):
            late[key] = late.get(key, 0) + 1
        elif run.get("seconds") is not None:
            finished.setdefault(key, []).append(run)
    return {key: (finished.get(key, []), count) for key, count in late.items()}


def _with_timeouts(ran: tuple[list[dict], int] | None, part: str | None, entry: dict, unit: float | None,
                   source: str) -> Figure:
    """The median of a measure's (or its `part`'s) runs, those that timed out counted slower
    than any that finished: exact when the middle falls on finished runs, else the time-out a
    lower bound (a part's, unknown, not a figure). Without the runs listed, not a figure."""
    if ran is None:
        return Figure(None, source, "timed out in some of its runs, which the results file does not list")
    finished, late = ran
    seconds = sorted(r["seconds"] if part is None else (r.get("parts") or {}).get(part, 0.0) for r in finished)
    runs = len(seconds) + late
    said = f"timed out in {late} of {runs} runs"
    if not unit:
        return Figure(None, source, "no unit in its run")
    if runs // 2 < len(seconds):
        return Figure(statistics.median(seconds + [math.inf] * late) / unit, source)
    timeout = entry.get("timeout_s")
    if part is not None or not timeout:
        return Figure(None, source, said)
    return Figure(statistics.median(seconds + [timeout] * late) / unit, source, said, True)


def same_workbook(before: Figure, now: Figure) -> bool:
    """Whether both runs read a workbook of the same rows (a file that does not say is taken for one)."""
    return not before.rows or not now.rows or before.rows == now.rows


def _figure(entry: dict, seconds: float | None, unit: float | None, source: str) -> Figure:
    if seconds is not None and unit:
        return Figure(seconds / unit, source)
    if entry.get("timed_out") and entry.get("timeout_s") and unit and "median_s" not in entry:
        return Figure(entry["timeout_s"] / unit, source, f"timed out after {entry['timeout_s']:.0f} s", True)
    why = ("failed" if entry.get("failed") else f"skipped: {entry['skipped']}" if entry.get("skipped")
           else "timed out" if entry.get("timed_out") else "no unit in its run" if seconds is not None else "not run")
    return Figure(None, source, why)


def committed(results: Path, leave_out: Iterable[Path] = ()) -> list[Path]:
    """The results files git holds in `results`, oldest first (their names begin with the time
    the run started): `latest.json`, any file not committed and `leave_out` are not today's figures."""
    left = {p.resolve() for p in leave_out}
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--", "."], cwd=results, capture_output=True,
                                text=True, timeout=30, check=True).stdout
        files = [results / name for name in listed.split("\0") if name.endswith(".json")]
    except (OSError, subprocess.SubprocessError):
        files = list(results.glob("*.json"))
    return sorted((f for f in files if f.name != "latest.json" and f.resolve() not in left and f.is_file()),
                  key=lambda f: f.name)


def baseline(paths: Iterable[Path]) -> dict[tuple[str, str], Figure]:
    """Each measure at each scale from the newest of `paths` (oldest first) that measured it: a
    run with `--only` replaces the figures it has, the others stay those of the run before. A
    file of another shape (a month's alternated runs, written by hand) has none."""
    out: dict[tuple[str, str], Figure] = {}
    for path in paths:
        try:
            document = load(path)
        except ValueError:
            continue
        for key, figure in figures(document, path.name).items():
            if figure.units is not None and not figure.at_least or key not in out or out[key].units is None:
                out[key] = figure
    return out


def load(path: Path) -> dict:
    """A results file, refused (ValueError, saying why) when it holds no runner's summary."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a results file ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("summary"), dict):
        raise ValueError(f"{path}: no summary of measures (is it a results file of python -m benchmarks?)")
    return document


def compare(run: dict[tuple[str, str], Figure], before: dict[tuple[str, str], Figure],
            tolerance: float = TOLERANCE_PERCENT) -> list[Verdict]:
    """The run's figures against `before`'s, the run's scales only, in the order of the run."""
    scales = {scale for scale, _ in run}
    keys = list(run) + [k for k in before if k not in run and k[0] in scales]
    verdicts = []
    for key in keys:
        now, was = run.get(key), before.get(key)
        slower = (now is not None and was is not None and now.units is not None and was.units is not None
                  and not was.at_least and same_workbook(was, now) and now.units > was.units * (1 + tolerance / 100))
        verdicts.append(Verdict(key[0], key[1], was, now, slower))
    return verdicts


def rows(verdicts: list[Verdict]) -> list[tuple[str, ...]]:
    """The guard's table: each measure at each scale, before and now in units, and what it says."""
    out: list[tuple[str, ...]] = [("measure", "scale", "committed u", "this run u", "change", "verdict", "committed in")]
    for v in verdicts:
        if v.now is None:
            continue
        change = v.change
        said = ("SLOWER" if v.slower else _missing(v) or ("faster" if change is not None and change < 0 else "within"))
        out.append((v.measure, v.scale, _units(v.before), _units(v.now),
                    "—" if change is None else f"{change * 100:+.0f} %", said, v.before.source if v.before else "—"))
    return out


def not_run(verdicts: list[Verdict]) -> str:
    """The measures the committed results have and this run has not at all (a run with `--only`),
    in one line, their parts left out: told, not failed."""
    absent = [(v.scale, v.measure) for v in verdicts if v.now is None]
    names = [f"{name} at {scale}" for scale, name in absent
             if "." not in name or (scale, name.partition(".")[0]) not in set(absent)]
    return f"not in this run: {', '.join(names)}" if names else ""


def _units(figure: Figure | None) -> str:
    if figure is None or figure.units is None:
        return "—"
    return ("≥ " if figure.at_least else "") + f"{figure.units:.2f}"


def _missing(v: Verdict) -> str:
    if v.before is None or v.before.units is None:
        return "not in the committed results" + (f" ({v.before.missing})" if v.before else "")
    if v.now is None or v.now.units is None:
        return "not in this run" + (f" ({v.now.missing})" if v.now else "")
    if not same_workbook(v.before, v.now):
        return "not compared: the committed run read a workbook of other rows at this scale"
    if v.before.at_least:
        return f"not compared: the committed run {v.before.missing}"
    if v.now.at_least:
        return f"{v.now.missing}, not past the tolerance"
    return ""


def slower_said(verdicts: list[Verdict], tolerance: float) -> list[str]:
    """One line per measure past the tolerance, naming it, its scale and both figures."""
    return [f"{v.measure} at {v.scale}: {_units(v.now)} u against {_units(v.before)} u in {v.before.source} "
            f"(+{(v.change or 0) * 100:.0f} %, tolerance {tolerance:g} %)"
            for v in verdicts if v.slower and v.before is not None]
