"""Where a day's shipping goes, step by step, with SQLite's own share (issue 20, the fifty-first
round; `docs/performance.md`, *Where a day's shipping goes*).

    python -m benchmarks.ship_parts L             # `ship --all` of 23 April at L (`mid_month_day`'s day)
    python -m benchmarks.ship_parts M --top 60

One fresh process, one JSON line: the day's CPU, SQLite's own CPU, and per function of `STEPS`
its calls, its CPU (inclusive) and the SQLite CPU spent while it ran. Every function those
modules call through their own names is wrapped for the run (a module that imported a function
by name calls it unwrapped, so the modules are named together); the driver's calls (`execute`,
`executemany`, the fetches, the commit) are timed through a `sqlite3.Connection` factory. A
read's work is SQLite's as its rows are fetched, so it lands in the function that iterates
them. cProfile counts a Python call's overhead into every call and says nothing of SQLite's
share; pyinstrument samples wall time, which on a shared machine is mostly waiting. The wrappers
add about a tenth: compare steps within a run, and days in fresh processes, alternated.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import shutil
import sqlite3
import tempfile
import time
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

STEPS = tuple(f"toolkit.{name}" for name in (
    "services.shipping", "services.holds", "ledger.deliveries", "ledger.shipments", "ledger.orders", "ledger.holds",
    "ledger.parties", "ledger.reserved", "ledger.exposure", "ledger.unshipped", "ledger.uninvoiced",
    "ledger.shipped_by_day"))
"""The modules whose functions are timed: the shipping service and what it reads and writes."""


class _Clock:
    """Each step's calls and CPU, and the SQLite CPU spent while each step ran."""

    def __init__(self) -> None:
        self.running: list[str] = []
        self.steps: dict[str, list[float]] = {}
        self.sqlite = 0.0

    def spent_in_sqlite(self, seconds: float) -> None:
        self.sqlite += seconds
        for step in set(self.running):
            self.steps[step][2] += seconds

    def timed(self, key: str, function: Callable[..., Any]) -> Callable[..., Any]:
        self.steps.setdefault(key, [0, 0.0, 0.0])

        @functools.wraps(function)
        def step(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            self.running.append(key)
            try:
                return function(*args, **kwargs)
            finally:
                self.running.pop()
                figures = self.steps[key]
                figures[0] += 1
                figures[1] += time.process_time() - started
        return step


def _driver(clock: _Clock) -> type[sqlite3.Connection]:
    """A `sqlite3.Connection` whose cursors and commit tell `clock` the CPU they spend."""

    def timing(method: Callable[..., Any]) -> Callable[..., Any]:
        def timed(self: Any, *args: Any) -> Any:
            started = time.process_time()
            try:
                return method(self, *args)
            finally:
                clock.spent_in_sqlite(time.process_time() - started)
        return timed

    class Cursor(sqlite3.Cursor):
        execute = timing(sqlite3.Cursor.execute)
        executemany = timing(sqlite3.Cursor.executemany)
        fetchone = timing(sqlite3.Cursor.fetchone)
        fetchmany = timing(sqlite3.Cursor.fetchmany)
        fetchall = timing(sqlite3.Cursor.fetchall)

    class Connection(sqlite3.Connection):
        commit = timing(sqlite3.Connection.commit)

        def cursor(self, factory: Any = Cursor) -> Any:
            return super().cursor(factory)

    return Connection


@contextmanager
def _wrapped(clock: _Clock, modules: Sequence[str]) -> Iterator[None]:
    """Every toolkit function `modules` call by their own names timed, the SQLite connections
    made meanwhile timed too; everything put back after."""
    kept: list[tuple[Any, str, Any]] = []
    connect = sqlite3.dbapi2.connect
    factory = _driver(clock)

    def timed_connect(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("factory", factory)
        return connect(*args, **kwargs)

    try:
        for name in modules:
            module = importlib.import_module(name)
            for attribute, value in list(vars(module).items()):
                if isinstance(value, types.FunctionType) and (value.__module__ or "").startswith("toolkit"):
                    kept.append((module, attribute, value))
                    setattr(module, attribute, clock.timed(f"{name.rsplit('.', 1)[-1]}:{attribute}", value))
        sqlite3.dbapi2.connect = timed_connect
        yield
    finally:
        sqlite3.dbapi2.connect = connect
        for module, attribute, value in reversed(kept):
            setattr(module, attribute, value)


def parts_of(run: Callable[[], T], modules: Sequence[str] = STEPS) -> tuple[T, dict[str, Any]]:
    """What `run` returns, and its parts: its CPU (`cpu_s`), SQLite's own (`sqlite_s`) and per
    step its calls, CPU and SQLite CPU, the largest first. Open the ledger inside `run`: only
    connections made there are timed."""
    clock = _Clock()
    with _wrapped(clock, modules):
        started = time.process_time()
        result = run()
        spent = time.process_time() - started
    steps = [{"step": key, "calls": int(calls), "cpu_s": round(cpu, 4), "sqlite_s": round(sqlite, 4)}
             for key, (calls, cpu, sqlite) in sorted(clock.steps.items(), key=lambda kv: -kv[1][1]) if calls]
    return result, {"cpu_s": round(spent, 4), "sqlite_s": round(clock.sqlite, 4), "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ship_parts", description=__doc__.split("\n\n")[0])
    parser.add_argument("scale", choices=("S", "M", "L"))
    parser.add_argument("--top", type=int, default=40, help="how many steps to print, the largest first")
    args = parser.parse_args()
    from benchmarks import DATA
    from benchmarks.measure import MID_DAY, _master, kept_ledger
    from toolkit.ledger import open_ledger
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    workbook = DATA / f"bench-{args.scale}.xlsx"
    master = _master(workbook)
    with tempfile.TemporaryDirectory(prefix="bench-ship-parts-") as tmp:
        copy = Path(tmp) / "day.sqlite"
        shutil.copyfile(kept_ledger(workbook, "mid-month", "benchmarks.measure:mid_month_ledger"), copy)
        ledger = open_ledger(f"sqlite:///{copy}")
        create(master, ledger, MID_DAY, lang="it")
        ledger.engine.dispose()

        def day() -> Any:
            shipping = open_ledger(f"sqlite:///{copy}")
            try:
                return ship(master, shipping, MID_DAY, all_open=True, lang="it")
            finally:
                shipping.engine.dispose()

        shipped, parts = parts_of(day)
    print(json.dumps({"measure": "ship_parts", "scale": args.scale, "ddts": len(shipped.notes),
                      "lines": sum(len(n.lines) for n in shipped.notes), "kept": shipped.kept,
                      **parts, "steps": parts["steps"][:args.top]}))


if __name__ == "__main__":
    main()
