"""Report benchmarks (`toolkit report`): every kind over a month, and over a year.

Ledgers for reports are April's final ledger (`measure._final_month`) multiplied in bulk:
SQL `INSERT … SELECT` copies its orders, lines, DDTs, invoices and dues with new ids and
numbers, into other months (a year) or into the same month under other template names (a
heavier month). Making a year, or a month at L, through the normal daily run takes hours on a
shared machine; copying takes seconds, and a report reads the same kind of rows either way.

- `reports_month` at M: every report over April of M's ledger. At L: April of M copied ten
  times — L's volume (about 1.1 million order lines) — each copy under customer and item
  codes of its own (`own_codes`: M's customer k in copy n is L's customer n × 1,000 + k, its
  item j L's item n × 2,000 + j), so the ledger names L's 10,000 customers and 20,000 items
  and the reports run with L's master (names, zones, agents, categories): the rows a real L
  desk's month would group, not M's repeated ten times.
- `reports_year` at M: April copied into the other eleven months of 2026, every report over
  the year.
- the floors: the reports' own queries on the same ledger (the database summing the lines
  to the report's grain: by day over a month, by month over the year), rows fetched, nothing
  else.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.measure import Timer
    from toolkit.intake.sample import Scale

MONTH = (date(2026, 4, 1), date(2026, 4, 30))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
"""As `benchmarks.measure` has them (imported lazily from there: it imports this module)."""

KINDS = ("sales", "shipments", "invoices", "customer-products", "aging")
ID_STEP = 20_000_000
NUMBER_STEP = 1_000_000
COPIES_AT = {"M": 1, "L": 10}
"""How many times April is in the month ledger at each scale (L is M's April ten times)."""

_SHIFTED = {
    "orders": {"id": "id", "number": "number", "occurrence": "date", "order_date": "date", "template": "template",
               "confirms": "null"},
    "order_lines": {"id": "id", "order_id": "id"},
    "deliveries": {"id": "id", "number": "number", "delivery_date": "date", "accounting_date": "date"},
    "delivery_lines": {"id": "id", "delivery_id": "id", "order_line_id": "id"},
    "invoices": {"id": "id", "number": "number", "invoice_date": "date", "period_start": "date",
                 "period_end": "date", "run_id": "run"},
    "invoice_lines": {"id": "id", "invoice_id": "id", "delivery_line_id": "id", "order_line_id": "id"},
    "invoice_dues": {"id": "id", "invoice_id": "id", "due_date": "date"},
}


def multiply(ledger: Path, copies: int = 1, months: tuple[int, ...] = (0,)) -> None:
    """Copy the ledger's documents: `copies` times in each month of `months` (offsets from
    April; copy 0 in month 0 is the original). Dates move by whole months; ids, numbers and
    template names change so every unique index holds."""
    db = sqlite3.connect(ledger)
    n = 0
    for month in months:
        for copy in range(copies):
            if month == 0 and copy == 0:
                continue
            n += 1
            for table, shifted in _SHIFTED.items():
                columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
                expressions = []
                for column in columns:
                    how = shifted.get(column)
                    if how == "id":
                        expressions.append(f"{column} + {n * ID_STEP}")
                    elif how == "number":
                        expressions.append(f"{column} + {n * NUMBER_STEP}")
                    elif how == "date":
                        expressions.append(f"date({column}, '{month:+d} months')" if month else column)
                    elif how == "template":
                        expressions.append(f"{column} || '#{n}'")
                    elif how == "run":
                        expressions.append(f"{column} || '#{n}'")
                    elif how == "null":
                        expressions.append("NULL")
                    else:
                        expressions.append(column)
                db.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} "
                           f"FROM {table} WHERE id < {ID_STEP}")
    db.commit()
    db.close()


OWN_CODES = "own-codes-1"
"""Part of the L month ledger's key: bump when `own_codes` changes what it writes."""


def own_codes(ledger: Path, copied: Scale, into: Scale) -> None:
    """Give each copy `multiply` made (copy n: ids from n × ID_STEP) customer and item codes of
    its own: customer k of `copied` (`C0042` at M) becomes customer n × `copied.customers` + k
    of `into` (`C05042` at L for copy 5), item j likewise — the copies of M's April become a
    month of L's 10,000 customers and 20,000 items, under the codes of L's master
    (`toolkit.intake.sample._codes`). Copy 0 is renamed too: L's master knows no four-digit code."""
    db = sqlite3.connect(ledger)
    customers, items = ("C", copied.customers, into.customers), ("A", copied.items, into.items)
    for table, column, (prefix, per_copy, total) in (
            ("orders", "customer", customers), ("deliveries", "customer", customers),
            ("invoices", "customer", customers), ("order_lines", "item", items), ("invoice_lines", "item", items)):
        width = max(3, len(str(total)))
        db.execute(f"UPDATE {table} SET {column} = '{prefix}' || printf('%0{width}d', "
                   f"CAST(substr({column}, 2) AS INTEGER) + (id / {ID_STEP}) * {per_copy}) "
                   f"WHERE {column} GLOB '{prefix}[0-9]*'")
    db.commit()
    db.close()


def _ledger(workbook: Path, tmp: Path, scale: str, year: bool) -> Path:
    """The report ledger for this measure, made once and kept beside April's: from M's April
    at M and at L (see the module's docstring)."""
    from benchmarks import DATA
    from benchmarks.generate import workbook_path
    from benchmarks.measure import _final_month
    from toolkit.intake.sample import Scale

    workbook = workbook_path("M") if scale == "L" else workbook
    source = _final_month(workbook, tmp)
    kept = DATA / f"reports-{workbook.stem}-{'year' if year else f'x{COPIES_AT[scale]}'}.sqlite"
    stamp = kept.with_suffix(".key")
    key = f"{(DATA / f'month-{workbook.stem}.key').read_text()}:{ID_STEP}:{NUMBER_STEP}"
    if scale == "L":
        key += f":{OWN_CODES}"
    if not kept.exists() or not stamp.exists() or stamp.read_text() != key:
        partial = kept.with_suffix(".partial")
        shutil.copyfile(source, partial)
        if year:
            multiply(partial, 1, tuple(m - 3 for m in range(12)))
        else:
            multiply(partial, COPIES_AT[scale])
        if scale == "L":
            own_codes(partial, Scale.M, Scale.L)
        partial.replace(kept)
        stamp.write_text(key)
    copy = tmp / "bench.ledger.sqlite"
    shutil.copyfile(kept, copy)
    return copy


def _every_report(workbook: Path, timer: Timer, tmp: Path, period: tuple[date, date]) -> dict:
    from benchmarks.measure import _master
    from toolkit.core.reports import Compare, Kind, Request
    from toolkit.ledger import open_ledger
    from toolkit.services.reports import report

    master = _master(workbook)
    ledger = open_ledger(f"sqlite:///{_LEDGER[0]}")
    out: dict = {}
    for kind in KINDS:
        compare = None if kind == "aging" else Compare.PREVIOUS
        with timer.step(kind):
            made = report(master, ledger, Request(Kind(kind), *period, (), compare), tmp / f"{kind}.xlsx", lang="it")
        out[kind] = {"groups": len(made.table), "data_rows": len(made.data), "total_cents": made.total,
                     "bytes": made.file.stat().st_size if made.file else 0}
    return out


_LEDGER: list[Path] = []


def _floor(timer: Timer, period: tuple[date, date]) -> dict:
    from toolkit.ledger import open_ledger
    from toolkit.ledger import reports as queries
    from toolkit.ledger.db import reading
    from toolkit.ledger.payments import receivables

    ledger = open_ledger(f"sqlite:///{_LEDGER[0]}")
    from toolkit.core.reports import Compare, Kind, Request, comparison_period
    from toolkit.services.reports import grain

    compared = comparison_period(*period, Compare.PREVIOUS)
    assert compared is not None
    periods = [period, compared]
    summed = grain(Request(Kind.SALES, *period, (), Compare.PREVIOUS), compared)
    rows = {}
    with timer.step():
        with reading(ledger) as conn:
            rows["sales"] = len(queries.sales(conn, periods, summed).rows)
            rows["shipments"] = len(queries.shipments(conn, periods, summed).rows)
            rows["invoices"] = len(queries.invoiced(conn, periods, summed).rows)
            rows["customer-products"] = len(queries.invoiced(conn, periods, summed).rows)
            rows["aging"] = len(receivables(conn))
    return {"rows": rows}


def reports_month(workbook: Path, timer: Timer, tmp: Path) -> dict:
    scale = "L" if workbook.stem.endswith("L") else "M"
    _LEDGER[:] = [_ledger(workbook, tmp, scale, year=False)]
    return _every_report(workbook, timer, tmp, MONTH)


def reports_month_floor(workbook: Path, timer: Timer, tmp: Path) -> dict:
    scale = "L" if workbook.stem.endswith("L") else "M"
    _LEDGER[:] = [_ledger(workbook, tmp, scale, year=False)]
    return _floor(timer, MONTH)


def reports_year(workbook: Path, timer: Timer, tmp: Path) -> dict:
    if workbook.stem.endswith("L") or workbook.stem.endswith("S"):
        return {"skipped": "measured at M only"}
    _LEDGER[:] = [_ledger(workbook, tmp, "M", year=True)]
    return _every_report(workbook, timer, tmp, YEAR)


def reports_year_floor(workbook: Path, timer: Timer, tmp: Path) -> dict:
    if workbook.stem.endswith("L") or workbook.stem.endswith("S"):
        return {"skipped": "measured at M only"}
    _LEDGER[:] = [_ledger(workbook, tmp, "M", year=True)]
    return _floor(timer, YEAR)


MEASURES = (
    ("reports_month", "every report (sales, shipments, invoices, customer-products, aging) over April, workbooks "
                      "with charts; at L: M's April copied ten times in bulk, each copy under customer and item codes of its "
                      "own (L's volume, customers and items; L's master)", reports_month),
    ("reports_month_floor", "the rows every report over April reads, read (summed by day) by the same queries "
                            "and nothing else (the floor of reports_month)", reports_month_floor),
    ("reports_year", "every report over 2026, April copied in bulk into the other eleven months (M only)",
     reports_year),
    ("reports_year_floor", "the rows every report over 2026 reads, read (summed by month) by the same queries and "
                           "nothing else (the floor of reports_year)",
     reports_year_floor),
)
"""Registered by `benchmarks.measure` (which runs as `__main__`: registering from here would
fill another copy of its table)."""
