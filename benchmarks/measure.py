"""One measure, once, in this process: `python -m benchmarks.measure NAME SCALE [--profile FILE]`.

Prints one JSON line on stdout: the wall seconds of the measured step only (setup such as
loading the master data or creating a ledger is not timed), the process's peak RSS
(`ru_maxrss`, setup included) and the peak before the measured step began, and what the step
produced (rows, orders, cells), so a run that did nothing cannot pass for a fast one.

The runner (`python -m benchmarks`) starts a fresh process per run, so every run pays cold
caches and imports done before the timer starts, the way a user's command does.

`--profile FILE` wraps the measured step in cProfile, writes FILE (open it with
`python -m pstats FILE` or snakeviz) and prints the top entries by cumulative and own time on
stderr; the JSON line then carries the time spent in the database per part too (`database_s`,
`Timer.database_seconds`). `--profile FILE.txt` (or `.html`) uses pyinstrument instead (`pip install pyinstrument`):
a sampling profiler, so its shares are closer to an unprofiled run than cProfile's.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Collection
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from benchmarks import ROOT

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
ORDER_DAY = date(2026, 4, 9)
MONTH = (date(2026, 4, 1), date(2026, 4, 30))
INVOICE_DAY = date(2026, 5, 4)
"""The "today" of the month-end invoicing run: the first working day of May."""


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Times the measured step; several `step()` blocks add up (and are reported apart)."""

    def __init__(self, profile: Path | None = None):
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        """This process's CPU time in the steps: on a shared machine, steadier than the wall's."""
        self.parts: dict[str, float] = {}
        self.rss_before: float | None = None
        self.profile = profile
        self._profilers: dict[str, Any] | None = None
        """With cProfile, one profile per part (the unnamed steps' under "")."""
        self._sampler = None
        if profile is not None and profile.suffix in (".txt", ".html"):
            from pyinstrument import Profiler

            self._sampler = Profiler(interval=0.001)
        elif profile is not None:
            self._profilers = {}

    @contextmanager
    def step(self, part: str | None = None):
        if self.rss_before is None:
            self.rss_before = peak_rss_mib()
        profiler = None
        if self._profilers is not None:
            import cProfile

            profiler = self._profilers.setdefault(part or "", cProfile.Profile())
            profiler.enable()
        if self._sampler is not None:
            self._sampler.start()
        began, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            spent = time.perf_counter() - began
            self.cpu_seconds += time.process_time() - cpu
            if profiler is not None:
                profiler.disable()
            if self._sampler is not None:
                self._sampler.stop()
            self.seconds += spent
            if part:
                self.parts[part] = self.parts.get(part, 0.0) + spent

    def split(self, part: str, into: str, seconds: float) -> None:
        """Report `seconds` of the finished step `part` as a part of their own, `into` (the
        accountants' workbook written inside the invoicing run's transaction)."""
        self.parts[part] -= seconds
        self.parts[into] = self.parts.get(into, 0.0) + seconds

    def dump_profile(self, top: int = 30) -> None:
        if self._sampler is not None and self.profile is not None:
            if self.profile.suffix == ".html":
                self.profile.write_text(self._sampler.output_html())
            else:
                self.profile.write_text(self._sampler.output_text(unicode=True, show_all=False))
            print(self._sampler.output_text(unicode=True), file=sys.stderr)
            return
        if not self._profilers:
            return
        import pstats

        stats = pstats.Stats(*self._profilers.values(), stream=sys.stderr)
        stats.dump_stats(str(self.profile))
        stats.strip_dirs().sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top)

    def database_seconds(self) -> dict[str, float] | None:
        """With cProfile, per part ("" for the unnamed steps), the time spent in the database
        (`in_the_database`): work no Python above it can make shorter. A profiled run's Python
        is slower than an unprofiled one's; these calls, in C or waiting on a socket, are not,
        so this share is read against the unprofiled run's seconds."""
        if not self._profilers:
            return None
        import pstats

        return {part: round(sum(tottime for (path, _, name), (_, _, tottime, _, _) in
                                pstats.Stats(profiler).stats.items()  # type: ignore[attr-defined]
                                if in_the_database(path, name)), 4)
                for part, profiler in self._profilers.items()}


def in_the_database(path: str, name: str) -> bool:
    """Whether a profiled function's own time is the database's: the SQLite driver's calls
    (executing, fetching, committing: the engine runs inside them), or psycopg waiting for
    PostgreSQL's answers (the server's work and the round trips; turning the rows it sends into
    Python values is not counted).

    >>> in_the_database("~", "<method 'execute' of 'sqlite3.Cursor' objects>")
    True
    >>> in_the_database(".../site-packages/psycopg/connection.py", "wait"), in_the_database("x.py", "wait")
    (True, False)
    """
    return "sqlite3." in name or (name == "wait" and "psycopg" in path)


class Skip(Exception):
    """A measure that cannot run here (no PostgreSQL server named): reported as skipped."""


Measure = Callable[[Path, Timer, Path], dict]
MEASURES: dict[str, Measure] = {}
DESCRIPTIONS: dict[str, str] = {}


def measure(name: str, description: str):
    def register(fn: Measure) -> Measure:
        MEASURES[name] = fn
        DESCRIPTIONS[name] = description
        return fn
    return register


# --- helpers (setup, never timed) ---------------------------------------------------------

def _master(workbook: Path):
    from toolkit.intake.validation import check_file

    checked = check_file(workbook)
    if checked.master is None:
        codes = sorted({p.code for p in checked.errors})
        raise SystemExit(f"{workbook.name}: the data check found errors: {', '.join(codes[:10])}")
    return checked.master


def _ledger(tmp: Path):
    from toolkit.ledger import open_ledger

    return open_ledger(f"sqlite:///{tmp / 'bench.ledger.sqlite'}")


def progress(**fields) -> None:
    """A progress line on stderr: if the runner stops a long run, it reports how far it got."""
    print("PROGRESS " + json.dumps(fields), file=sys.stderr, flush=True)


def _created_summary(created) -> dict:
    problems = [p.code for p in created.problems if p.severity == "error"]
    if problems:
        raise SystemExit(f"orders not created: {', '.join(sorted(set(problems))[:10])}")
    return {"created": len(created.created), "already_existing": len(created.already_existing),
            "lines": sum(r["lines"] for r in created.created)}


# --- reading --------------------------------------------------------------------------------

@measure("load_validate", "check_file(workbook): read with python-calamine, find the tables, "
                          "build and check the master data (the data check)")
def load_validate(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.intake.validation import check_file

    with timer.step():
        checked = check_file(workbook)
    return {"usable": checked.master is not None, "problems": len(checked.problems),
            "errors": len(checked.errors)}


@measure("calamine_floor", "python-calamine reading every sheet's values and nothing else (the floor)")
def calamine_floor(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from python_calamine import CalamineWorkbook

    with timer.step():
        book = CalamineWorkbook.from_path(str(workbook))
        rows = cells = 0
        for name in book.sheet_names:
            values = book.get_sheet_by_name(name).to_python()
            rows += len(values)
            cells += sum(len(r) for r in values)
    return {"sheets": len(book.sheet_names), "rows": rows, "cells": cells}


@measure("openpyxl_naive", "openpyxl (not read-only) loading the workbook and reading every cell one by one "
                           "(the naive baseline)")
def openpyxl_naive(workbook: Path, timer: Timer, tmp: Path) -> dict:
    import openpyxl

    with timer.step():
        book = openpyxl.load_workbook(workbook)
        cells = filled = 0
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    cells += 1
                    if c.value is not None:
                        filled += 1
    return {"sheets": len(book.worksheets), "cells": cells, "filled": filled}


# --- planning and orders ----------------------------------------------------------------------

@measure("occurrences_year", "due_between(master, 2026-01-01, 2026-12-31) over all templates "
                             "(master loaded before; cold recurrence caches)")
def occurrences_year(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.core.plan import due_between

    master = _master(workbook)
    with timer.step():
        dues, problems = due_between(master, *YEAR)
    return {"templates": len(master.templates), "dues": len(dues), "problems": len(problems)}


@measure("orders_one_date", "preview + create for 2026-04-09 on a fresh SQLite ledger (master loaded before)")
def orders_one_date(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.services.orders import create, preview

    master = _master(workbook)
    ledger = _ledger(tmp)
    with timer.step("preview"):
        shown = preview(master, ledger, ORDER_DAY)
    with timer.step("create"):
        created = create(master, ledger, ORDER_DAY, lang="it")
    return {"previewed": len(shown.rows), **_created_summary(created)}


# --- stock reservations -------------------------------------------------------------------------

OPEN_DAYS = 5
"""Working days of orders created and not shipped: the open orders a desk with a week's orders
in hand has reserving stock when it ships or opens the panel."""


def _open_orders(workbook: Path, tmp: Path):
    """Setup of the reservation measures: the orders of `OPEN_DAYS` working days from 2026-04-09,
    created and left open."""
    from toolkit.core.workdays import working_calendar
    from toolkit.services.orders import create

    master = _master(workbook)
    ledger = _ledger(tmp)
    calendar = working_calendar(master.settings, master.closures)
    day, done = ORDER_DAY, 0
    while done < OPEN_DAYS:
        if calendar.is_working(day):
            _created_summary(create(master, ledger, day, with_catch_up=False, lang="it"))
            done += 1
        day += timedelta(1)
    return ledger


@measure("reservations", "reservations(conn): every open reserving order loaded with its lines, shipped and "
                         "invoiced sums, and indexed per item (what ship, the panel and the production list read "
                         "first); 5 days of open orders made before")
def reservations_load(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import reservations

    ledger = _open_orders(workbook, tmp)
    with reading(ledger) as conn, timer.step():
        held = reservations(conn)
    items = held._items
    return {"items": len(items), "reservations": sum(len(i.holders) for i in items.values())}


@measure("reservations_floor", "the floor of `reservations`: one SQL query summing each open reserving order's "
                               "quantity still to ship per item, rows fetched and nothing built; same ledger")
def reservations_floor(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from sqlalchemy import func, select

    from toolkit.core.orders import EFFECTS
    from toolkit.core.reservations import HOLDING
    from toolkit.ledger import schema
    from toolkit.ledger.db import reading

    ledger = _open_orders(workbook, tmp)
    o, ol, dl = schema.orders.c, schema.order_lines.c, schema.delivery_lines.c
    shipped = select(dl.order_line_id, func.sum(dl.quantity).label("shipped")).group_by(dl.order_line_id).subquery()
    query = (select(o.series, o.year, o.number, ol.item, func.sum(ol.quantity - func.coalesce(shipped.c.shipped, 0)))
             .select_from(schema.orders.join(schema.order_lines, ol.order_id == o.id)
                          .outerjoin(shipped, shipped.c.order_line_id == ol.id))
             .where(o.status.in_([s.value for s in HOLDING]),
                    o.document_type.in_([t.value for t, e in EFFECTS.items() if e.reserves]))
             .group_by(o.series, o.year, o.number, ol.item))
    with reading(ledger) as conn, timer.step():
        rows = conn.execute(query).all()
    return {"items": len({r[3] for r in rows}), "reservations": len(rows)}


# --- writing ----------------------------------------------------------------------------------

def _orders_of_the_day(workbook: Path, tmp: Path):
    """Setup shared by `write_outputs` and `xlsxwriter_floor`: the orders of 2026-04-09."""
    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import load_orders
    from toolkit.services.orders import create

    master = _master(workbook)
    ledger = _ledger(tmp)
    _created_summary(create(master, ledger, ORDER_DAY, lang="it"))
    with reading(ledger) as conn:
        orders = load_orders(conn)
    ledger.engine.dispose()
    return master, orders


@measure("write_outputs", "write_panel + write_order_documents for the orders of 2026-04-09 "
                          "(orders created and loaded before)")
def write_outputs(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.writers.orders_book import write_order_documents, write_panel

    master, orders = _orders_of_the_day(workbook, tmp)
    with timer.step("panel"):
        write_panel(tmp / "panel.xlsx", master, orders)
    with timer.step("order_documents"):
        write_order_documents(tmp / "orders.xlsx", master, orders)
    cells = _cells_of(tmp / "panel.xlsx") + _cells_of(tmp / "orders.xlsx")
    return {"orders": len(orders), "lines": sum(len(o.lines) for o in orders),
            "cells": sum(len(c) for _, c in cells), "sheets": len(cells),
            "bytes": (tmp / "panel.xlsx").stat().st_size + (tmp / "orders.xlsx").stat().st_size}


def _cells_of(path: Path) -> list[tuple[str, list[tuple[int, int, object]]]]:
    """Every non-empty cell of a written workbook: (sheet name, [(row, col, value)])."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    out = []
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        r0, c0 = sheet.start or (0, 0)
        cells: list[tuple[int, int, object]] = [(r0 + i, c0 + j, v) for i, row in enumerate(sheet.to_python())
                                                for j, v in enumerate(row) if v != "" and v is not None]
        out.append((name, cells))
    return out


@measure("xlsxwriter_floor", "XlsxWriter in constant_memory mode writing the same cells as write_outputs "
                             "(same values, no formats) to one sheet of one file (the floor)")
def xlsxwriter_floor(workbook: Path, timer: Timer, tmp: Path) -> dict:
    """The cost of putting these values in a file at all.

    The cells are those write_outputs wrote (read back from its two files), stacked sheet after
    sheet into one sheet, in row order, with no formats, links or page setup. One sheet on
    purpose: the one-sheet-per-order layout, the formats and the page setup are what the real
    writer adds on top of this floor, and the ratio measures exactly that.
    """
    from datetime import datetime

    import xlsxwriter

    from toolkit.writers.orders_book import write_order_documents, write_panel

    master, orders = _orders_of_the_day(workbook, tmp)
    write_panel(tmp / "panel.xlsx", master, orders)
    write_order_documents(tmp / "orders.xlsx", master, orders)
    epoch = date(1899, 12, 30)
    cells: list[tuple[int, int, object]] = []
    offset = sheets = 0
    for name in ("panel.xlsx", "orders.xlsx"):
        for _, found in _cells_of(tmp / name):
            sheets += 1
            last = offset
            for r, c, v in sorted(found, key=lambda x: (x[0], x[1])):
                if isinstance(v, datetime):
                    v = (v - datetime(1899, 12, 30)).total_seconds() / 86400
                elif isinstance(v, date):
                    v = float((v - epoch).days)
                cells.append((offset + r, c, v))
                last = max(last, offset + r)
            offset = last + 2
    if offset >= 1_048_576:
        raise SystemExit(f"{offset} rows do not fit one sheet")
    del orders, master
    target = tmp / "floor.xlsx"
    with timer.step():
        book = xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_formulas": False,
                                                 "strings_to_urls": False, "strings_to_numbers": False})
        ws = book.add_worksheet("floor")
        write_string, write_number, write_boolean = ws.write_string, ws.write_number, ws.write_boolean
        for r, c, v in cells:
            if isinstance(v, str):
                write_string(r, c, v)
            elif isinstance(v, bool):
                write_boolean(r, c, v)
            else:
                write_number(r, c, v)
        book.close()
    return {"cells": len(cells), "rows": offset, "sheets_in_write_outputs": sheets, "bytes": target.stat().st_size}


# --- a month ----------------------------------------------------------------------------------

def _invoice(master, ledger, folder: Path, timer: Timer) -> dict:
    """Month-end invoicing as `toolkit invoice run --out` does it: the run and the accountants'
    workbook in one transaction, the workbook timed as its own part (`workbook`), so the
    month's ledger work can be judged without it."""
    from toolkit.core.invoicing import Period, Request
    from toolkit.services.invoicing import run
    from toolkit.writers.accountants import write_accountants

    folder.mkdir(exist_ok=True)
    writing = [0.0]

    def workbook(invoices, run_id):
        began = time.perf_counter()
        try:
            return write_accountants(folder, master, invoices, run_id)
        finally:
            writing[0] += time.perf_counter() - began

    with timer.step("invoice"):
        done = run(ledger, master, Request(Period(*MONTH), today=INVOICE_DAY), then=workbook, lang="it")
    timer.split("invoice", "workbook", writing[0])
    return {"invoices": len(done.invoices), "invoice_errors": sum(p.is_error for p in done.problems),
            "invoice_pending": len(done.pending)}


def unit_seconds() -> float | None:
    """The unit issue 20's targets are stated in: python-calamine reading every value of the L
    workbook, timed in a child process (so its memory does not count in the caller's peak).
    None when the L workbook has not been generated."""
    import subprocess

    from benchmarks.generate import workbook_path

    if not workbook_path("L").exists():
        return None
    done = subprocess.run([sys.executable, "-m", "benchmarks.measure", "calamine_floor", "L"], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])["seconds"]


def restocked(master, ledger, day: date | None, items: Collection[str] | None = None):
    """The master as the desk has it once the goods ordered from suppliers are in: each item
    (of `items`, else every item) at its level on the stock sheet plus what the open orders
    still need of it. With `day`, the stock counted again that morning (Impostazioni › Data
    giacenze = `day`), as a desk records a delivery by updating the sheet and its date; without,
    the count date kept, as a desk adds a delivery's few items to the sheet."""
    from dataclasses import replace

    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import reservations

    with reading(ledger) as conn:
        needed = reservations(conn)
    stock = tuple(replace(level, quantity=level.quantity + needed.total(level.item))
                  if items is None or level.item in items else level for level in master.stock)
    settings = master.settings if day is None else replace(master.settings, stock_date=day)
    return master.model_copy(update={"stock": stock, "settings": settings})


@contextmanager
def stored_on(day: date):
    """DDTs stored as if on `day`, at 8 in the morning, as the desk shipping that day stores
    them: a restocked month counts the stock again on a later day, and a DDT stored after a
    count is taken off it whatever its date (`shipped_by_day.since_count`), so April's DDTs
    stored at the benchmark's real time would all come off each new count."""
    from datetime import UTC, datetime, time

    from toolkit.basics.dates import ROME
    from toolkit.ledger import deliveries

    kept = deliveries.now
    morning = datetime.combine(day, time(8), ROME).astimezone(UTC).replace(tzinfo=None)
    deliveries.now = lambda: morning
    try:
        yield
    finally:
        deliveries.now = kept


def _goods_in(days: list[date]) -> set[date]:
    """The days goods come in for `month_restocked`: the first working day of each week after
    the first (the stock sheet is counted on 1 April)."""
    weeks: dict[tuple[int, int], date] = {}
    for day in days:
        weeks.setdefault(day.isocalendar()[:2], day)
    return set(sorted(weeks.values())[1:])


def _month(workbook: Path, ledger, timer: Timer, tmp: Path, *, restock: bool = False) -> dict:
    """April day by day on `ledger`, then the month end; the calamine floor at L (the unit) is
    measured before and after, so the month's parts can be read as units of the same run. With
    `restock`, goods come in each week (`restocked`) instead of never."""
    from toolkit.core.workdays import working_calendar
    from toolkit.services.orders import create, preview
    from toolkit.services.shipping import ship

    master = _master(workbook)
    units = [unit_seconds()]
    calendar = working_calendar(master.settings, master.closures)
    days = [MONTH[0] + timedelta(n) for n in range((MONTH[1] - MONTH[0]).days + 1)]
    days = [d for d in days if calendar.is_working(d)]
    goods_in = _goods_in(days) if restock else set()
    out: dict = {"working_days": len(days), "orders": 0, "lines": 0, "ddts": 0, "ship_errors": 0}
    if restock:
        out["goods_in"] = [d.isoformat() for d in sorted(goods_in)]
    for done, day in enumerate(days, 1):
        if day in goods_in:
            master = restocked(master, ledger, day)
        with stored_on(day), timer.step("preview"):
            preview(master, ledger, day)
        with stored_on(day), timer.step("create"):
            created = create(master, ledger, day, lang="it")
        summary = _created_summary(created)
        out["orders"] += summary["created"]
        out["lines"] += summary["lines"]
        with stored_on(day), timer.step("ship"):
            shipped = ship(master, ledger, day, all_open=True, lang="it")
        out["ddts"] += len(shipped.notes)
        out["ship_errors"] += sum(p.is_error for p in shipped.problems)
        out["held_last_day"] = _held_orders(shipped)
        progress(day=day.isoformat(), done=done, of=len(days), seconds=round(timer.seconds, 1),
                 parts={k: round(v, 1) for k, v in timer.parts.items()}, peak_rss_mib=round(peak_rss_mib(), 1))
    out.update(_invoice(master, ledger, tmp / "accountants", timer))
    out["peak_rss_mib_month"] = round(peak_rss_mib(), 1)
    units.append(unit_seconds())
    measured = [u for u in units if u is not None]
    if len(measured) == len(units):
        out["unit_s"] = round(statistics.median(measured), 4)
        out["unit_runs_s"] = measured
    return out


@measure("month", "every working day of April 2026: preview + create, ship every open order (DDTs); "
                  "then month-end invoicing, the accountants' workbook its own part; fresh SQLite ledger; "
                  "the calamine floor at L (the unit) measured before and after")
def month(workbook: Path, timer: Timer, tmp: Path) -> dict:
    out = _month(workbook, _ledger(tmp), timer, tmp)
    out["ledger_bytes"] = (tmp / "bench.ledger.sqlite").stat().st_size
    return out


@measure("month_restocked", "the same month as `month`, but goods come in: on each week's first working day "
                            "the stock is counted again, each item at its sheet level plus what the open orders "
                            "still need of it (not timed); fresh SQLite ledger")
def month_restocked(workbook: Path, timer: Timer, tmp: Path) -> dict:
    return _month(workbook, _ledger(tmp), timer, tmp, restock=True)


PG_URL = "TOOLKIT_BENCH_PG_URL"
"""The PostgreSQL server `month_pg` runs on (a URL whose user may create databases); without
it the measure is skipped. `TOOLKIT_TEST_PG_URL`, the tests' server, is used when it is unset."""


@contextmanager
def _pg_ledger():
    """A ledger in a database of its own on the benchmark's PostgreSQL server, dropped after."""
    import os

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from toolkit.ledger import open_ledger

    url = os.environ.get(PG_URL) or os.environ.get("TOOLKIT_TEST_PG_URL")
    if not url:
        raise Skip(f"no PostgreSQL server: set {PG_URL}")
    name = f"bench_month_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    ledger = open_ledger(make_url(url).set(database=name).render_as_string(hide_password=False))
    try:
        yield ledger
    finally:
        ledger.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@measure("month_pg", "the same month as `month`, the ledger on PostgreSQL (a fresh database on the server "
                     "TOOLKIT_BENCH_PG_URL names; skipped without one)")
def month_pg(workbook: Path, timer: Timer, tmp: Path) -> dict:
    with _pg_ledger() as ledger:
        return _month(workbook, ledger, timer, tmp)


SHIP_DAYS = 5
"""Working days of `ship_days`: enough for held orders (credit, prepayment, stock) to pile up."""


@measure("ship_days", "every working day from 2026-04-09 for 5 days: create (not timed), then ship every open "
                      "order (timed: `ship --all`); fresh SQLite ledger")
def ship_days(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.core.workdays import working_calendar
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    master = _master(workbook)
    ledger = _ledger(tmp)
    calendar = working_calendar(master.settings, master.closures)
    day, done = ORDER_DAY, 0
    out = {"days": SHIP_DAYS, "ddts": 0, "held": 0, "ship_errors": 0}
    while done < SHIP_DAYS:
        if calendar.is_working(day):
            _created_summary(create(master, ledger, day, with_catch_up=False, lang="it"))
            with timer.step("ship"):
                shipped = ship(master, ledger, day, all_open=True, lang="it")
            out["ddts"] += len(shipped.notes)
            out["held"] += len(shipped.held) + shipped.kept
            out["ship_errors"] += sum(p.is_error for p in shipped.problems)
            done += 1
        day += timedelta(1)
    return out


BACKLOG_DAY = date(2026, 5, 4)
"""The day `ship_backlog` ships: the first working day after April, every open order due."""


def _kept_month_copy(workbook: Path, tmp: Path) -> Path:
    """A copy of April's final ledger kept for this workbook, whatever workbook stamp or schema
    version it was kept under (opening the copy migrates it): the L one takes a quarter of an
    hour to make, and `_final_month` would make it again after a schema bump or a regenerated
    workbook. Made as `_final_month` does when none is kept."""
    import shutil

    from benchmarks import DATA

    kept = DATA / f"month-{workbook.stem}.sqlite"
    if not kept.exists():
        return _final_month(workbook, tmp)
    copy = tmp / "bench.ledger.sqlite"
    shutil.copyfile(kept, copy)
    return copy


@measure("ship_backlog", "one `ship --all` on 2026-05-04 on a copy of April's final ledger, no new orders: the "
                         "late-month day, the whole backlog of open orders (held for stock, payment, credit) "
                         "planned again (ledger of a final April made before, in another process)")
def ship_backlog(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.ledger import open_ledger
    from toolkit.services.shipping import ship

    master = _master(workbook)
    ledger = open_ledger(f"sqlite:///{_kept_month_copy(workbook, tmp)}")
    with timer.step():
        shipped = ship(master, ledger, BACKLOG_DAY, all_open=True, future=True, lang="it")
    ledger.engine.dispose()
    return {"ddts": len(shipped.notes), "lines": sum(len(n.lines) for n in shipped.notes),
            "held": len(shipped.held) + shipped.kept, "held_orders": _held_orders(shipped),
            "problems": len(shipped.problems), "ship_errors": sum(p.is_error for p in shipped.problems)}


@measure("ship_backlog_kept", "one `ship --all` on 2026-05-05 on a copy of April's final ledger, after the "
                              "day before shipped the same way (untimed): the orders it held whole kept on hold, "
                              "nothing since that moves them (ledger of a final April made before, in another "
                              "process)")
def ship_backlog_kept(workbook: Path, timer: Timer, tmp: Path) -> dict:
    return _day_after_backlog(workbook, timer, tmp, None)


def _day_after_backlog(workbook: Path, timer: Timer, tmp: Path, change: Callable | None) -> dict:
    """2026-05-05 shipped on a copy of April's final ledger after 2026-05-04 (untimed); with
    `change` (master, ledger → master, detail), the master data changed in between."""
    from toolkit.ledger import open_ledger
    from toolkit.services.shipping import ship

    master = _master(workbook)
    ledger = open_ledger(f"sqlite:///{_kept_month_copy(workbook, tmp)}")
    ship(master, ledger, BACKLOG_DAY, all_open=True, future=True, lang="it")
    out: dict = {}
    if change is not None:
        master, out = change(master, ledger)
    with timer.step():
        shipped = ship(master, ledger, BACKLOG_DAY + timedelta(1), all_open=True, future=True, lang="it")
    ledger.engine.dispose()
    return {**out, "ddts": len(shipped.notes), "lines": sum(len(n.lines) for n in shipped.notes),
            "held_orders": _held_orders(shipped), "kept": shipped.kept, "problems": len(shipped.problems)}


def _held_orders(shipped) -> int:
    """The orders a `ship --all` held, those kept from earlier days counted, not listed."""
    return len({h.order for h in shipped.held}) + shipped.kept


@measure("ship_goods_in", "as `ship_backlog_kept`, but goods came in for one item in fifty before 2026-05-05: "
                          "their levels on the stock sheet raised by what the open orders need of them, the count "
                          "date kept, as a desk adds a delivery to the sheet; the orders kept on hold short of those "
                          "items are planned again, the others stay kept")
def ship_goods_in(workbook: Path, timer: Timer, tmp: Path) -> dict:
    return _day_after_backlog(workbook, timer, tmp, _goods_in_for_few)


def _goods_in_for_few(master, ledger):
    arrived = sorted(level.item for level in master.stock)[::EVERY]
    return restocked(master, ledger, None, set(arrived)), {"items_in": len(arrived)}


@measure("ship_customers_moved", "as `ship_backlog_kept`, but the customers sheet changed before 2026-05-05: one "
                                 "customer in fifty given a credit limit 1,000 EUR higher (or one of 1,000 EUR), ten "
                                 "customers added; the orders kept on hold of the customers moved are planned again, "
                                 "the others stay kept")
def ship_customers_moved(workbook: Path, timer: Timer, tmp: Path) -> dict:
    return _day_after_backlog(workbook, timer, tmp, _customers_moved)


def _customers_moved(master, ledger):
    from dataclasses import replace
    from decimal import Decimal

    moved = {c.code for c in master.customers[::EVERY]}
    customers = tuple(replace(c, credit_limit=(c.credit_limit or Decimal(0)) + 1000) if c.code in moved else c
                      for c in master.customers)
    added = tuple(replace(c, code=f"{c.code}-NEW") for c in master.customers[:10])
    return master.model_copy(update={"customers": customers + added}), {"customers_moved": len(moved),
                                                                         "customers_added": len(added)}


EVERY = 50
"""`ship_goods_in` and `ship_customers_moved`: one item, one customer in this many (by code)."""


@measure("create_late", "`create` for 2026-05-04 on a copy of April's final ledger (master loaded before): "
                        "the late-month day's creating, with a month of orders, DDTs and invoices already in the "
                        "ledger (ledger of a final April made before, in another process)")
def create_late(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.ledger import open_ledger
    from toolkit.services.orders import create

    master = _master(workbook)
    ledger = open_ledger(f"sqlite:///{_kept_month_copy(workbook, tmp)}")
    with timer.step():
        created = create(master, ledger, BACKLOG_DAY, lang="it")
    ledger.engine.dispose()
    return {**_created_summary(created), "ddts": len(created.notes), "invoices": len(created.invoices)}


MID_DAY = date(2026, 4, 23)
"""The day of `mid_month_day`: the sixteenth of April's 21 working days."""


@measure("mid_month_day", "preview, create and `ship --all` for 2026-04-23, each a part, on a copy of a ledger of "
                          "1-22 April made as `month` makes it (in another process, kept): a late day of the month, "
                          "alone; with --profile, the SQLite driver's own time too (`database_s`)")
def mid_month_day(workbook: Path, timer: Timer, tmp: Path) -> dict:
    """The month's measures take minutes at L and give a day's shipping only as an average; this
    one day of the month's second half, with 69,000 orders kept on hold and 395,000 holders'
    rows in the reservations, takes a few seconds."""
    from toolkit.ledger import open_ledger
    from toolkit.services.orders import create, preview
    from toolkit.services.shipping import ship

    copy = _kept_copy(workbook, tmp, "mid-month", "benchmarks.measure:mid_month_ledger")
    master = _master(workbook)
    ledger = open_ledger(f"sqlite:///{copy}")
    with timer.step("preview"):
        preview(master, ledger, MID_DAY)
    with timer.step("create"):
        created = create(master, ledger, MID_DAY, lang="it")
    with timer.step("ship"):
        shipped = ship(master, ledger, MID_DAY, all_open=True, lang="it")
    ledger.engine.dispose()
    return {**_created_summary(created), "ddts_at_once": len(created.notes), "invoices_at_once": len(created.invoices),
            "ddts": len(shipped.notes), "ddt_lines": sum(len(n.lines) for n in shipped.notes),
            "held_orders": _held_orders(shipped), "kept": shipped.kept}


def _mid_month_shipped(workbook: Path, tmp: Path):
    """The master and the DDTs of `MID_DAY`, its orders created and every open order shipped on a
    copy of the mid-month ledger (untimed: the setup of the day's documents' measures)."""
    from toolkit.ledger import open_ledger
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    copy = _kept_copy(workbook, tmp, "mid-month", "benchmarks.measure:mid_month_ledger")
    master = _master(workbook)
    ledger = open_ledger(f"sqlite:///{copy}")
    create(master, ledger, MID_DAY, lang="it")
    notes = ship(master, ledger, MID_DAY, all_open=True, lang="it").notes
    ledger.engine.dispose()
    return master, notes


@measure("mid_month_ddts", "the DDT workbook of 2026-04-23's `ship --all` (one sheet per DDT, as `ship --out` writes "
                           "it), the day created and shipped before on a copy of the mid-month ledger")
def mid_month_ddts(workbook: Path, timer: Timer, tmp: Path) -> dict:
    """What a desk waits for after `mid_month_day`'s shipping: the day's DDTs to print (3,126 at
    L). Issue 20's shipping targets leave the documents out; this is the rest of *Spedisci*."""
    from toolkit.writers.ddt import write_delivery_notes

    master, notes = _mid_month_shipped(workbook, tmp)
    target = tmp / "ddt.xlsx"
    with timer.step():
        write_delivery_notes(target, master, notes)
    return {"ddts": len(notes), "lines": sum(len(n.lines) for n in notes), "bytes": target.stat().st_size}


@measure("mid_month_ddts_pdf", "the same day's DDTs printed to one PDF as `toolkit print ddt --pdf` prints them: "
                               "each DDT a workbook of its own, LibreOffice runs side by side, the pages joined "
                               "(skipped without LibreOffice)")
def mid_month_ddts_pdf(workbook: Path, timer: Timer, tmp: Path) -> dict:
    """The PDF of a day's DDTs (`writers.pdf.documents_to_pdf`). LibreOffice converting them as
    one workbook took a time that grew faster than the DDTs (400 in 147 s at M); one by one it
    grows with them: `ms_per_ddt` stays flat from S to L."""
    from toolkit.writers.ddt import write_delivery_notes
    from toolkit.writers.libreoffice import soffice
    from toolkit.writers.pdf import documents_to_pdf

    if soffice() is None:
        raise Skip("LibreOffice (soffice) is not installed")
    master, notes = _mid_month_shipped(workbook, tmp)
    with timer.step():
        [printed] = documents_to_pdf(tmp / "ddt.pdf", notes, lambda path, one: write_delivery_notes(path, master, one))
    from pypdf import PdfReader

    return {"ddts": len(notes), "pages": len(PdfReader(printed).pages), "bytes": printed.stat().st_size,
            "ms_per_ddt": round(timer.seconds / max(len(notes), 1) * 1000, 1)}


@measure("mid_month_distribution", "the distribution list of 2026-04-23 (`toolkit distribution --date`) on a copy of "
                                   "the mid-month ledger: every line still to ship of the orders in progress, written "
                                   "(master loaded before)")
def mid_month_distribution(workbook: Path, timer: Timer, tmp: Path) -> dict:
    """The slowest list of a desk's day: at L mid-month 72,000 orders in progress, 330,000 lines
    listed, read from the ledger and written (`services.lists.distribution`)."""
    from toolkit.ledger import open_ledger
    from toolkit.services.lists import distribution

    ledger = open_ledger(f"sqlite:///{_kept_copy(workbook, tmp, 'mid-month', 'benchmarks.measure:mid_month_ledger')}")
    master = _master(workbook)
    target = tmp / "distribuzione.xlsx"
    with timer.step():
        distribution(master, ledger, MID_DAY, MID_DAY, target, "it")
    ledger.engine.dispose()
    return {"bytes": target.stat().st_size}


@measure("mid_month_panel", "the control panel of the open orders (*Pannello di controllo*, `toolkit panel --out`) on "
                            "a copy of the mid-month ledger, 2026-04-23: every open order and its lines read and "
                            "written (master loaded before)")
def mid_month_panel(workbook: Path, timer: Timer, tmp: Path) -> dict:
    """The slowest button of a desk at M: every order still open, each line with what it
    reserves and what stock is available to it (`services.orders.panel`)."""
    from toolkit.ledger import open_ledger
    from toolkit.services.orders import panel

    ledger = open_ledger(f"sqlite:///{_kept_copy(workbook, tmp, 'mid-month', 'benchmarks.measure:mid_month_ledger')}")
    master = _master(workbook)
    target = tmp / "pannello.xlsx"
    with timer.step():
        panel(master, ledger, target, "it")
    ledger.engine.dispose()
    return {"bytes": target.stat().st_size}


def mid_month_ledger(workbook: Path, target: Path) -> None:
    """April from the 1st to the day before `MID_DAY`, created and shipped as `month` does, into
    the SQLite ledger `target` (run in a child process by `kept_ledger`)."""
    from toolkit.ledger import open_ledger

    ledger = open_ledger(f"sqlite:///{target}")
    shipped_april(_master(workbook), ledger, until=MID_DAY - timedelta(1))
    ledger.engine.dispose()


# --- electronic invoices ----------------------------------------------------------------------

def shipped_april(master, ledger, *, restock: bool = False, until: date = MONTH[1]) -> None:
    """April's orders created and shipped every working day, as the desk does (untimed setup of
    the measures that start from a month's ledger), up to `until`; with `restock`, goods come
    in each week as in `month_restocked`."""
    from toolkit.core.workdays import working_calendar
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    calendar = working_calendar(master.settings, master.closures)
    days = [MONTH[0] + timedelta(n) for n in range((until - MONTH[0]).days + 1)]
    days = [d for d in days if calendar.is_working(d)]
    goods_in = _goods_in(days) if restock else set()
    for day in days:
        if day in goods_in:
            master = restocked(master, ledger, day)
        with stored_on(day):
            _created_summary(create(master, ledger, day, lang="it"))
            ship(master, ledger, day, all_open=True, lang="it")


def month_ledger(workbook: Path, target: Path) -> None:
    """April as `month` makes it, the month-end run issued final (no accountants' workbook),
    into the SQLite ledger `target`. Run in a child process by `_final_month`, so that its
    memory does not count in the e-invoice measure's peak.

    The sample's weekly returns give back more of an item than some customers bought in April:
    month end leaves those returns out (`return-credited-already`) and invoices the rest, as at a
    desk, so they do not stop the ledger the later measures start from."""
    from toolkit.core.credit_notes import RETURN_CREDITED
    from toolkit.core.invoicing import InvoiceStatus, Period, Request
    from toolkit.ledger import open_ledger
    from toolkit.services.invoicing import run

    master = _master(workbook)
    ledger = open_ledger(f"sqlite:///{target}")
    shipped_april(master, ledger)
    done = run(ledger, master, Request(Period(*MONTH), today=INVOICE_DAY), status=InvoiceStatus.FINAL, lang="it")
    stopping = {p.code for p in done.problems if p.is_error} - {RETURN_CREDITED.code}
    if not done.run_id or stopping:
        raise SystemExit(f"month-end run failed: {sorted(stopping)}")
    ledger.engine.dispose()


def kept_ledger(workbook: Path, name: str, maker: str) -> Path:
    """The ledger `maker` ("module:function", called as function(workbook, target) in a child
    process, so its memory does not count in a measure's peak) makes for this workbook, made
    once per workbook and schema version and kept in `benchmarks/data/NAME-bench-SCALE.sqlite`
    (a month at L takes a quarter of an hour to make; delete the file to make it again)."""
    import subprocess

    from benchmarks import DATA
    from toolkit.ledger.schema import SCHEMA_VERSION

    stat = workbook.stat()
    key = f"{workbook.name}:{stat.st_size}:{stat.st_mtime_ns}:v{SCHEMA_VERSION}"
    kept, stamp = DATA / f"{name}-{workbook.stem}.sqlite", DATA / f"{name}-{workbook.stem}.key"
    if not kept.exists() or not stamp.exists() or stamp.read_text() != key:
        partial = kept.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        module, function = maker.split(":")
        code = (f"import sys; from pathlib import Path; from {module} import {function}; "
                f"{function}(*map(Path, sys.argv[1:]))")
        subprocess.run([sys.executable, "-c", code, str(workbook), str(partial)], cwd=ROOT, check=True)
        partial.replace(kept)
        stamp.write_text(key)
    return kept


def _final_month(workbook: Path, tmp: Path) -> Path:
    """A copy of April's final ledger for this workbook (`month_ledger`, kept as `month-*.sqlite`)."""
    return _kept_copy(workbook, tmp, "month", "benchmarks.measure:month_ledger")


def _kept_copy(workbook: Path, tmp: Path, name: str, maker: str) -> Path:
    """A copy in `tmp` of the ledger `kept_ledger` keeps for this workbook, to measure on."""
    import shutil

    copy = tmp / "bench.ledger.sqlite"
    shutil.copyfile(kept_ledger(workbook, name, maker), copy)
    return copy


@measure("ledger_check", "`toolkit ledger check` on a copy of April shipped and not yet invoiced: every kept figure "
                         "against its documents' sums, the invoices' totals, each series's numbers, the damage sifted "
                         "(master loaded before)")
def ledger_check(workbook: Path, timer: Timer, tmp: Path) -> dict:
    """The whole ledger read once per rule, as an accountant asks before the month end: at L
    1.1 M order lines and 571,000 DDT lines, each comparison summed by the database."""
    from toolkit.ledger import open_ledger
    from toolkit.services.ledger_check import check_ledger

    ledger = open_ledger(f"sqlite:///{_kept_copy(workbook, tmp, 'preinvoice', 'benchmarks.invoice_month:preinvoice_ledger')}")
    master = _master(workbook)
    with timer.step():
        checked = check_ledger(ledger, master.settings)
    ledger.engine.dispose()
    return {"findings": len(checked.findings)}


@measure("einvoice", "the month's FatturaPA files and zips (toolkit einvoice --month 2026-04 --zip): progressives "
                     "drawn, every invoice checked and written (ledger of a final April made before, in another process)")
def einvoice(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.core.invoicing import Period
    from toolkit.ledger import open_ledger
    from toolkit.services.einvoice import export

    ledger = open_ledger(f"sqlite:///{_final_month(workbook, tmp)}")
    master = _master(workbook)
    with timer.step():
        done = export(master, ledger, month=Period(*MONTH), out=tmp / "xml", zip=True)
    files = list(done.files.values())
    return {"files": len(files), "refused": len(done.refused), "errors": sum(p.is_error for p in done.problems),
            "zips": len(done.archives), "xml_bytes": sum(p.stat().st_size for p in files),
            "zip_bytes": sum(p.stat().st_size for p in done.archives)}


# --- the accountants' workbook ----------------------------------------------------------------

def _april_invoices(workbook: Path, tmp: Path):
    """Setup of the accountants' measures: April's final invoices (every run's), loaded."""
    from toolkit.core.invoicing import InvoiceStatus
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.ledger.invoices import load_invoices

    ledger = open_ledger(f"sqlite:///{_final_month(workbook, tmp)}")
    with reading(ledger) as conn:
        invoices = load_invoices(conn, statuses=[InvoiceStatus.FINAL])
    ledger.engine.dispose()
    return invoices


@measure("accountants", "write_accountants (register, VAT summary, lines, register CSV) on April's final "
                        "invoices (ledger of a final April made before, invoices loaded before)")
def accountants(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.writers.accountants import write_accountants

    master = _master(workbook)
    invoices = _april_invoices(workbook, tmp)
    with timer.step():
        written = write_accountants(tmp / "out", master, invoices, "20260430-bench")
    return {"invoices": len(invoices), "lines": sum(len(x.lines) for x in invoices),
            "bytes": sum(p.stat().st_size for p in written)}


@measure("accountants_floor", "XlsxWriter in constant_memory mode writing the cells of the accountants' "
                              "workbook (values only: formulas as their cached values, no formats), sheet by sheet "
                              "(the floor of `accountants`)")
def accountants_floor(workbook: Path, timer: Timer, tmp: Path) -> dict:
    """The cost of putting the accountants' cells in a file at all: the workbook is written
    once (untimed) and read back sheet by sheet; the timed step writes those values into the
    same sheets at the same places, with XlsxWriter's own constant-memory writer. The register
    CSV is not part of the floor."""
    from datetime import datetime

    import xlsxwriter
    from python_calamine import CalamineWorkbook

    from toolkit.writers.accountants import write_workbook

    master = _master(workbook)
    invoices = _april_invoices(workbook, tmp)
    source = write_workbook(tmp / "source.xlsx", master, invoices, "20260430-bench")
    del invoices, master
    book = CalamineWorkbook.from_path(str(source))
    epoch, strings = datetime(1899, 12, 30), dict[str, str]()
    sheets: list[tuple[str, list[tuple[int, int, tuple[object, ...]]]]] = []
    cells = 0
    for name in book.sheet_names:
        sheet = book.get_sheet_by_name(name)
        r0, c0 = sheet.start or (0, 0)
        rows = []
        for r, values in enumerate(sheet.iter_rows(), start=r0):
            row: list[object] = []
            for v in values:
                cell: object = v
                if isinstance(v, str):
                    cell = strings.setdefault(v, v) if v else None
                elif isinstance(v, datetime):
                    cell = (v - epoch).total_seconds() / 86400
                elif isinstance(v, date):
                    cell = float((v - epoch.date()).days)
                row.append(cell)
            cells += sum(v is not None for v in row)
            rows.append((r, tuple(row)))
        sheets.append((name, [(r, c0, row) for r, row in rows]))
    del book, strings
    target = tmp / "floor.xlsx"
    with timer.step():
        out = xlsxwriter.Workbook(str(target), {"constant_memory": True, "tmpdir": str(tmp),
                                                "strings_to_formulas": False, "strings_to_urls": False,
                                                "strings_to_numbers": False})
        for name, placed in sheets:
            ws = out.add_worksheet(name)
            write_string, write_number, write_boolean = ws.write_string, ws.write_number, ws.write_boolean
            for r, c0, written in placed:
                for c, value in enumerate(written, start=c0):
                    if value is None:
                        continue
                    if isinstance(value, str):
                        write_string(r, c, value)
                    elif isinstance(value, bool):
                        write_boolean(r, c, value)
                    else:
                        write_number(r, c, value)
        out.close()
    return {"cells": cells, "sheets": len(sheets), "bytes": target.stat().st_size}


# --- reports (benchmarks/reports.py) -----------------------------------------------------------

def _register_reports() -> None:
    from benchmarks import reports

    for name, description, fn in reports.MEASURES:
        measure(name, description)(fn)


_register_reports()


# --- volume discounts and commissions -----------------------------------------------------------

QUARTER_DAY = date(2026, 7, 3)


def _quarter(master, ledger) -> None:
    """The quarter April to June: April's final invoices and credit notes issued again, final,
    dated in May and in June, so a quarterly settlement counts three months of invoices."""
    from dataclasses import replace

    from toolkit.core.invoicing import InvoiceStatus
    from toolkit.ledger.db import reading, writing
    from toolkit.ledger.invoices import load_invoices, store

    with reading(ledger) as conn:
        april = load_invoices(conn)
    for month in (5, 6):
        copies = [replace(x, id=None, number=None, status=None, run_id=None,
                          invoice_date=x.invoice_date.replace(month=month, day=min(x.invoice_date.day, 30)),
                          lines=tuple(replace(line, delivery_line_id=None, delivery=None) for line in x.lines))
                  for x in april]
        copies.sort(key=lambda x: (x.invoice_date, x.kind.value))
        with writing(ledger) as conn:
            store(conn, master, copies, InvoiceStatus.FINAL, f"bench-{month}", lang="it")


@measure("discounts_quarter", "a quarter's volume-discount settlement (toolkit discounts settle --period 2026-Q2 "
                              "--out): April's final invoices and their copies dated in May and June, every "
                              "discount of the sample made quarterly, credit notes stored, statements written")
def discounts_quarter(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from dataclasses import replace

    from toolkit.basics.vocab import DiscountPeriod
    from toolkit.core.volume_discounts import parse_period
    from toolkit.ledger import open_ledger
    from toolkit.services.discounts import run

    ledger = open_ledger(f"sqlite:///{_final_month(workbook, tmp)}")
    master = _master(workbook)
    master = master.model_copy(update={"volume_discounts": tuple(
        replace(d, period=DiscountPeriod.QUARTER) for d in master.volume_discounts)})
    _quarter(master, ledger)
    with timer.step():
        done = run(ledger, master, parse_period("2026-Q2"), QUARTER_DAY, QUARTER_DAY, out=tmp / "sconti", lang="it")
    return {"settlements": len(done.settlements), "credit_notes": len(done.credit_notes), "files": len(done.files),
            "errors": sum(p.is_error for p in done.problems)}


@measure("commissions_month", "a month's commission statements (toolkit commissions --from 2026-04-01 --to "
                              "2026-04-30 --out) on April's final ledger: one workbook per agent and the summary")
def commissions_month(workbook: Path, timer: Timer, tmp: Path) -> dict:
    from toolkit.ledger import open_ledger
    from toolkit.services.commissions import compute

    ledger = open_ledger(f"sqlite:///{_final_month(workbook, tmp)}")
    master = _master(workbook)
    with timer.step():
        done = compute(ledger, master, *MONTH, out=tmp / "provvigioni", lang="it")
    return {"agents": len(done.statements), "rows": sum(len(s.rows) for s in done.statements),
            "files": len(done.files)}


# --- entry point --------------------------------------------------------------------------------

def run(name: str, scale: str, profile: Path | None = None) -> dict:
    from benchmarks.generate import workbook_path

    if name not in MEASURES:
        raise SystemExit(f"unknown measure {name!r}: choose among {', '.join(MEASURES)}")
    workbook = workbook_path(scale)
    if not workbook.exists():
        raise SystemExit(f"{workbook} is missing: run `python -m benchmarks.generate {scale}` first")
    from toolkit.basics import runtime

    runtime.configure()  # as the commands and the buttons do when they start
    timer = Timer(profile)
    with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as tmp:
        try:
            detail = MEASURES[name](workbook, timer, Path(tmp))
        except Skip as reason:
            return {"measure": name, "scale": scale, "skipped": str(reason), "seconds": None}
    timer.dump_profile()
    database = timer.database_seconds()
    return {"measure": name, "scale": scale, "seconds": round(timer.seconds, 4), "cpu_s": round(timer.cpu_seconds, 4),
            "parts": {k: round(v, 4) for k, v in timer.parts.items()},
            "peak_rss_mib": round(peak_rss_mib(), 1),
            "rss_before_step_mib": round(timer.rss_before or 0.0, 1), "detail": detail,
            **({"database_s": database} if database is not None else {})}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure", description=__doc__.splitlines()[0])
    parser.add_argument("name", help=", ".join(MEASURES))
    parser.add_argument("scale", help="S, M or L")
    parser.add_argument("--profile", type=Path, help="cProfile the measured step into this file")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    print(json.dumps(run(args.name, args.scale.upper(), args.profile), default=str))


if __name__ == "__main__":
    main()
