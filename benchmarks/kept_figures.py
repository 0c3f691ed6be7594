"""What each figure the ledger keeps beside the documents costs a day to write, and what it saves
where it is read (issue 20, the fiftieth round; `docs/performance.md`, *What reaching the targets
would take*).

The kept figures: the reservations' rows per item and order (`ledger.reserved`), the holds and
their items (`ledger.holds`), the shipped sums per item and day (`ledger.shipped_by_day`), the
orders' value still to ship (`ledger.unshipped`) and the DDTs' value not yet invoiced
(`ledger.uninvoiced`); `order_lines.shipped`, the DDT lines' sum on their order line, is counted
with the documents and told apart.

    python -m benchmarks.kept_figures day L                   # 23 April: preview, create, ship --all
    python -m benchmarks.kept_figures day L --docs reserved   # the same, reservations read from the lines
    python -m benchmarks.kept_figures day L --replan          # every hold planned again (`ship --replan`)
    python -m benchmarks.kept_figures day M --pg              # on PostgreSQL (`TOOLKIT_BENCH_PG_URL` or
                                                              # `TOOLKIT_TEST_PG_URL`; the day's ledger made
                                                              # there once, kept as a database)
    python -m benchmarks.kept_figures reads L --repeat 5      # each kept read beside the documents' sum
    python -m benchmarks.kept_figures month-end M             # draft invoicing and its finalizing

Each run is one fresh process printing one JSON line: each step's CPU and wall seconds and, per
kept figure, the statements, rows, CPU and wall of its writers (the functions that write it,
timed around, statements counted through SQLAlchemy's cursor events), and how often a step read
it. With `--docs FIGURE` the figure is still written, and its readers answer from the documents
(the queries the figure replaced, summed by the database): the step's CPU against a plain run's
is what the figure saves there. Run alternately and take medians: the machine is shared.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from benchmarks import DATA
from benchmarks.measure import INVOICE_DAY, MID_DAY, MONTH, _master, kept_ledger, shipped_april

WRITERS = {
    "reserved": [("toolkit.ledger.reserved", "recount"), ("toolkit.ledger.reserved", "shipped")],
    "holds": [("toolkit.ledger.holds", n) for n in ("keep", "forget", "forget_all", "lower", "set_marks")],
    "shipped_by_day": [("toolkit.ledger.shipped_by_day", "add_deliveries"),
                       ("toolkit.ledger.shipped_by_day", "summed_again")],
    "unshipped": [("toolkit.ledger.unshipped", "recount")],
    "uninvoiced": [("toolkit.ledger.uninvoiced", "recount"), ("toolkit.ledger.uninvoiced", "invoiced")],
    "order_lines.shipped": [("toolkit.ledger.deliveries", "_add_shipped")],
}
"""Each kept figure and the functions that write it (looked up as module attributes by their callers)."""

READ = {
    "reserved": re.compile(r"\bFROM reserved\b"),
    "holds": re.compile(r"\bFROM (holds|hold_items|hold_marks|hold_customers|hold_stock)\b"),
    "shipped_by_day": re.compile(r"\bshipped_by_day\b"),
    "unshipped": re.compile(r"\bunshipped_euros\b"),
    "uninvoiced": re.compile(r"\buninvoiced_euros\b"),
}
"""How a statement that reads a kept figure is told, outside its writers."""

DOCS = ("reserved", "shipped_by_day", "unshipped", "uninvoiced")
"""The figures `--docs` can read from the documents instead (the holds: `--replan`)."""


class Tally:
    """What each writer did, per step, and what each step read."""

    def __init__(self) -> None:
        self.step = "setup"
        self.active: list[str] = []
        self.writes: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.reads: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.backends: set[int] = set()

    def wrap(self) -> None:
        """Time every writer of `WRITERS`, where its callers look it up."""
        for figure, targets in WRITERS.items():
            for module_name, name in targets:
                module = importlib.import_module(module_name)
                setattr(module, name, self._timed(figure, getattr(module, name)))

    def _timed(self, figure: str, writer: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.active.append(figure)
            cpu, wall, server = time.process_time(), time.perf_counter(), self.server_cpu()
            try:
                return writer(*args, **kwargs)
            finally:
                done = self.writes[(self.step, figure)]
                done["cpu"] += time.process_time() - cpu
                done["wall"] += time.perf_counter() - wall
                if self.backends:
                    done["server_cpu"] += self.server_cpu() - server
                done["calls"] += 1
                self.active.pop()
        return timed

    def listen(self, engine: Any) -> None:
        """Count each writer's statements and rows, and the kept figures' reads outside them,
        those at the driver level (`ledger.db.driver_rows`) too."""
        from sqlalchemy import event

        import toolkit.ledger.db as db

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
            if self.active:
                done = self.writes[(self.step, self.active[-1])]
                done["statements"] += 1
                if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE") and (cursor.rowcount or 0) > 0:
                    done["rows"] += cursor.rowcount
            else:
                self._read(statement)

        if engine.dialect.name == "postgresql":
            @event.listens_for(engine, "checkout")
            def connected(dbapi_connection: Any, record: Any, proxy: Any) -> None:
                with dbapi_connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    self.backends.add(cursor.fetchone()[0])

        driver_rows = db.driver_rows

        def counted(conn: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
            if not self.active:
                self._read(str(statement))
            return driver_rows(conn, statement, *args, **kwargs)
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("toolkit") and getattr(module, "driver_rows", None) is driver_rows:
                _swap([(module, "driver_rows", counted)])

    def _read(self, statement: str) -> None:
        for figure, pattern in READ.items():
            if pattern.search(statement):
                self.reads[self.step][figure] += 1

    @contextmanager
    def timed_step(self, name: str, out: dict[str, Any]) -> Iterator[None]:
        self.step = name
        cpu, wall, server = time.process_time(), time.perf_counter(), self.server_cpu()
        yield
        out[name] = {"cpu": round(time.process_time() - cpu, 4), "wall": round(time.perf_counter() - wall, 4)}
        if self.backends:
            out[name]["server_cpu"] = round(self.server_cpu() - server, 4)

    def server_cpu(self) -> float:
        """The CPU seconds the PostgreSQL backends of this run's connections have used, when the
        server runs on this machine (read from /proc; 0 for a backend gone or out of sight)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def summary(self) -> dict[str, Any]:
        return {"writers": {f"{step}:{figure}": {k: round(v, 4) for k, v in done.items()}
                            for (step, figure), done in self.writes.items() if step != "setup"},
                "reads": {step: dict(counts) for step, counts in self.reads.items()}}


def from_documents(figures: tuple[str, ...]) -> list[tuple[Any, str, Callable[..., Any]]]:
    """Readers of these kept figures that answer from the documents, each as (module, name,
    function) to put in place of the module's own (`_swap`): the reservations grouped from the
    open order lines, what shipped since the count summed from the DDT lines, the customers'
    values still to ship from their open order lines and not invoiced from their DDT lines.
    The readers are `toolkit.ledger.from_documents`'s, which `toolkit ledger check` compares the
    kept figures with; `reads` checks that each gives the kept figure's rows,
    `tests/test_kept_figures_bench.py` that they give the same figures on a small ledger."""
    from toolkit.ledger import exposure, reserved, shipped_by_day
    from toolkit.ledger import from_documents as documents

    swaps: list[tuple[Any, str, Callable[..., Any]]] = []
    if "reserved" in figures:
        swaps += [(reserved, "rows", documents.reserved_rows), (reserved, "totals", documents.reserved_totals),
                  (reserved, "elsewhere", documents.reserved_elsewhere)]
    if "shipped_by_day" in figures:
        swaps.append((shipped_by_day, "shipped_since", documents.shipped_since))
    if "unshipped" in figures:
        swaps.append((exposure, "_unshipped", documents.unshipped_of))
    if "uninvoiced" in figures:
        swaps.append((exposure, "_uninvoiced", documents.uninvoiced_of))
    return swaps


def _swap(swaps: list[tuple[Any, str, Callable[..., Any]]]) -> None:
    """Put each function in its module in place of the module's own of that name."""
    for module, name, function in swaps:
        setattr(module, name, function)


def ledger_url(scale: str, pg: bool, name: str, maker: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    """A copy of the kept ledger to measure on, and how to drop it. On PostgreSQL the day's ledger
    is made once as the database `kept_<name>_<scale>` and copied by template."""
    workbook = DATA / f"bench-{scale}.xlsx"
    if not pg:
        target = tmp / "ledger.sqlite"
        shutil.copyfile(kept_ledger(workbook, name, maker), target)
        return f"sqlite:///{target}", lambda: None
    import sqlalchemy

    server = os.environ.get("TOOLKIT_BENCH_PG_URL") or os.environ["TOOLKIT_TEST_PG_URL"]
    base = server.rsplit("/", 1)[0]
    admin = sqlalchemy.create_engine(server.replace("postgresql://", "postgresql+psycopg://", 1),
                                     isolation_level="AUTOCOMMIT")
    template, copy = f"kept_{name.replace('-', '_')}_{scale.lower()}", f"kept_run_{os.getpid()}"
    with admin.connect() as conn:
        if conn.exec_driver_sql(f"SELECT 1 FROM pg_database WHERE datname = '{template}'").first() is None:
            conn.exec_driver_sql(f"CREATE DATABASE {template}")
            from toolkit.ledger import open_ledger

            made = open_ledger(f"{base}/{template}")
            shipped_april(_master(workbook), made, until=MID_DAY - timedelta(1))
            made.engine.dispose()
        conn.exec_driver_sql(f"CREATE DATABASE {copy} TEMPLATE {template}")

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {copy}")
    return f"{base}/{copy}", drop


def _tallied(scale: str, pg: bool, name: str, maker: str, tmp: Path) -> tuple[Tally, Any, Any, Callable[[], None]]:
    """The writers timed, the master, a copy of the kept ledger `name` opened and listened to,
    and how to drop the copy."""
    from toolkit.ledger import open_ledger

    tally = Tally()
    tally.wrap()
    url, drop = ledger_url(scale, pg, name, maker, tmp)
    master = _master(DATA / f"bench-{scale}.xlsx")
    ledger = open_ledger(url)
    tally.listen(ledger.engine)
    return tally, master, ledger, drop


def day(scale: str, pg: bool, docs: tuple[str, ...], replan: bool, tmp: Path) -> dict[str, Any]:
    """Preview, create and `ship --all` of 23 April on a copy of the mid-month ledger."""
    from toolkit.services.orders import create, preview
    from toolkit.services.shipping import ship

    _swap(from_documents(docs))
    tally, master, ledger, drop = _tallied(scale, pg, "mid-month", "benchmarks.measure:mid_month_ledger", tmp)
    steps: dict[str, Any] = {}
    with tally.timed_step("preview", steps):
        preview(master, ledger, MID_DAY)
    with tally.timed_step("create", steps):
        create(master, ledger, MID_DAY, lang="it")
    with tally.timed_step("ship", steps):
        shipped = ship(master, ledger, MID_DAY, all_open=True, lang="it", replan=replan)
    ledger.engine.dispose()
    drop()
    return {"steps": steps, "ddts": len(shipped.notes), "ddt_lines": sum(len(n.lines) for n in shipped.notes),
            **tally.summary()}


def month_end(scale: str, tmp: Path) -> dict[str, Any]:
    """April's draft invoicing on a copy of April shipped and not invoiced, then its finalizing."""
    from toolkit.core.invoicing import Period, Request
    from toolkit.services.invoicing import finalize, run

    tally, master, ledger, _ = _tallied(scale, False, "preinvoice", "benchmarks.invoice_month:preinvoice_ledger", tmp)
    steps: dict[str, Any] = {}
    with tally.timed_step("invoice", steps):
        done = run(ledger, master, Request(Period(*MONTH), today=INVOICE_DAY), lang="it")
    assert done.run_id is not None
    with tally.timed_step("finalize", steps):
        finalize(ledger, done.run_id, master)
    ledger.engine.dispose()
    return {"steps": steps, "invoices": len(done.invoices), **tally.summary()}


def reads(scale: str, pg: bool, repeat: int, tmp: Path) -> dict[str, Any]:
    """Each kept figure's widest read (every item, every customer) beside the same figure summed
    from the documents (`from_documents`), alternated `repeat` times on the ledger as 23 April's
    `ship --all` reads it (the mid-month ledger, the 23rd's orders created untimed): the medians
    of their CPU, and whether both gave the same rows (a customer's value of nothing left out:
    the kept read names a customer whose open orders have nothing left, the lines' sum may not)."""
    from toolkit.ledger import exposure, open_ledger, reserved, shipped_by_day
    from toolkit.ledger.db import driver_rows
    from toolkit.services.orders import create

    def readers() -> dict[str, Callable[[Any], list[Any]]]:
        rows, totals, since = reserved.rows, reserved.totals, shipped_by_day.shipped_since
        unshipped, uninvoiced = exposure._unshipped, exposure._uninvoiced
        return {"reserved rows, every item": lambda c: list(driver_rows(c, rows(False), {})),
                "reserved totals, every item": lambda c: sorted(driver_rows(c, totals(False), {})),
                "shipped since the count": lambda c: sorted(since(c, counted)),
                "unshipped, every customer": lambda c: sorted(x for x in unshipped(c, None).items() if x[1]),
                "uninvoiced, every customer": lambda c: sorted(x for x in uninvoiced(c, None).items() if x[1])}

    url, drop = ledger_url(scale, pg, "mid-month", "benchmarks.measure:mid_month_ledger", tmp)
    master = _master(DATA / f"bench-{scale}.xlsx")
    counted = master.settings.stock_date or MID_DAY.replace(day=1)
    ledger = open_ledger(url)
    create(master, ledger, MID_DAY, lang="it")
    kept = readers()
    _swap(from_documents(DOCS))
    documents = readers()
    out: dict[str, Any] = {}
    with ledger.engine.connect() as conn:
        for name in kept:
            times: dict[str, list[float]] = {"kept": [], "documents": []}
            got: dict[str, list[Any]] = {}
            for n in range(repeat):
                pair = (("kept", kept[name]), ("documents", documents[name]))
                for which, read in pair if n % 2 == 0 else pair[::-1]:
                    start = time.process_time()
                    got[which] = read(conn)
                    times[which].append(time.process_time() - start)
            same = [tuple(map(str, row)) for row in got["kept"]] == [tuple(map(str, row)) for row in got["documents"]]
            out[name] = {"rows": len(got["kept"]), "same": same,
                         **{f"{which}_cpu": round(statistics.median(t), 4) for which, t in times.items()}}
    ledger.engine.dispose()
    drop()
    return {"counted": str(counted), "reads": out}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.kept_figures", description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=("day", "reads", "month-end"))
    parser.add_argument("scale", choices=("S", "M", "L"))
    parser.add_argument("--pg", action="store_true", help="on PostgreSQL (day, reads)")
    parser.add_argument("--docs", action="append", default=[], choices=DOCS, help="read this figure from the documents")
    parser.add_argument("--replan", action="store_true", help="plan every hold again (ship --replan)")
    parser.add_argument("--repeat", type=int, default=5, help="alternations of each read (reads)")
    args = parser.parse_args()
    from toolkit.basics import runtime

    runtime.configure()  # as the commands, the buttons and `benchmarks.measure` do
    with tempfile.TemporaryDirectory(prefix="bench-kept-") as tmp:
        if args.what == "day":
            out = day(args.scale, args.pg, tuple(args.docs), args.replan, Path(tmp))
        elif args.what == "reads":
            out = reads(args.scale, args.pg, args.repeat, Path(tmp))
        else:
            out = month_end(args.scale, Path(tmp))
    print(json.dumps({"what": args.what, "scale": args.scale, "pg": args.pg, "docs": args.docs, "replan": args.replan,
                      "load": os.getloadavg(), **out}))


if __name__ == "__main__":
    main()
