"""Migration 42 alone on SQLite: a ledger of schema 41 whose invoice lines are copied to a table made anew.

`python -m benchmarks.migrate_invoice_parts [LINES] [--runs N]`: makes once, in
`benchmarks/data/invoice-lines-v41-LINES.sqlite`, a ledger of schema 41 holding LINES invoice lines
(100 a invoice, each citing its own DDT line), then times, each in a fresh process on a copy,
the CPU (`time.process_time`) and wall seconds `migrate` takes, and prints one JSON line per run
and their medians and ranges. The lines are bare rows: the migration copies rows, whatever they say.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from benchmarks import DATA, ROOT

ZERO = Decimal(0)


def kept(lines: int) -> Path:
    """The schema-41 ledger of `lines` invoice lines, made once."""
    target = DATA / f"invoice-lines-v41-{lines}.sqlite"
    if target.exists():
        return target
    sys.path.insert(0, str(ROOT / "tests"))
    from older_ledgers import invoice_lines_of_schema_41  # type: ignore[import-not-found]
    from sqlalchemy import insert, update

    from toolkit.ledger import open_ledger, schema
    from toolkit.ledger.db import writing

    partial = target.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    ledger = open_ledger(f"sqlite:///{partial}")
    invoices = (lines + 99) // 100
    with writing(ledger) as conn:
        conn.execute(insert(schema.invoices), [
            {"id": n, "kind": "invoice", "series": "FT", "year": 2026, "number": n, "customer": f"C{n % 1000:04d}",
             "invoice_date": date(2026, 4, 30), "period_start": date(2026, 4, 1), "period_end": date(2026, 4, 30),
             "taxable": ZERO, "vat": ZERO, "total": ZERO, "status": "final", "run_id": "bench",
             "payment_method": "bonifico", "payment_terms": "30GG", "created_at": datetime(2026, 5, 4),
             "created_by": "bench"}
            for n in range(1, invoices + 1)])
        for block in range(0, lines, 50_000):
            conn.execute(insert(schema.invoice_lines), [
                {"invoice_id": n // 100 + 1, "line_no": n % 100 + 1, "delivery_line_id": n + 1, "order_line_id": n + 1,
                 "item": f"A{n % 500:03d}", "description": "Caffè in grani", "unit": "kg", "quantity": Decimal(3),
                 "unit_price": Decimal("18.50"), "amount": Decimal("55.50"), "vat_rate": Decimal(22), "vat_nature": None}
                for n in range(block, min(block + 50_000, lines))])
        invoice_lines_of_schema_41(conn)
        conn.execute(update(schema.schema_version).values(version=41))
    ledger.engine.dispose()
    partial.rename(target)
    return target


def once(path: Path) -> None:
    """Migrate the ledger at `path`, printing the seconds as JSON."""
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import migrate

    cpu, wall = time.process_time(), time.perf_counter()
    ledger = open_ledger(f"sqlite:///{path}")
    version = migrate(ledger)
    print(json.dumps({"version": version, "cpu_s": round(time.process_time() - cpu, 3),
                      "wall_s": round(time.perf_counter() - wall, 3)}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("lines", nargs="?", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--once", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once is not None:
        once(args.once)
        return
    source = kept(args.lines)
    found = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.runs):
            copy = Path(folder) / "ledger.sqlite"
            shutil.copyfile(source, copy)
            done = subprocess.run([sys.executable, "-m", "benchmarks.migrate_invoice_parts", "--once", str(copy)],
                                  capture_output=True, text=True, check=True, cwd=ROOT)
            found.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(found[-1]))
    for key in ("cpu_s", "wall_s"):
        values = [x[key] for x in found]
        print(f"{key}: median {statistics.median(values):.3f}, range {min(values):.3f}-{max(values):.3f}")


if __name__ == "__main__":
    main()
