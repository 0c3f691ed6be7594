"""What a commissions run reads of the statements kept with past settlements.

`python benchmarks/settled_statements.py make LEDGER.sqlite [--months 24] [--rows 3000]` keeps,
in a new SQLite ledger, one agent's settlement of each month from January 2024 on, each
statement of `--rows` rows (an agent with that many invoices a month); `python
benchmarks/settled_statements.py time LEDGER.sqlite` prints the CPU seconds
(`time.process_time`) a run of the month after the last takes to read and parse what it asks
of them (`toolkit.services.commissions._settled_then`) when a note of that month cites an
invoice of the first month and a document of the last was recorded after its settlement: the
two periods' statements, or (before the fix) every one from the first to the last; with
`--paid-back K`, payments of that month on invoices of each of the K months before it, whose
periods' statements a payment goes by since a settled invoice keeps its agents and shares for
life (`_paid_before`). Run by path
with PYTHONPATH naming the code to time, a fresh process each time.
"""

from __future__ import annotations

import argparse
import calendar
import time
from datetime import date
from decimal import Decimal


def months(n: int) -> list[tuple[date, date]]:
    found = []
    for k in range(n):
        year, month = divmod(2024 * 12 + k, 12)
        found.append((date(year, month + 1, 1), date(year, month + 1, calendar.monthrange(year, month + 1)[1])))
    return found


def make(path: str, n: int, rows: int) -> None:
    from toolkit.core.commission_statements import CommissionRow, CommissionStatement
    from toolkit.ledger import open_ledger
    from toolkit.ledger.commission_settlements import record
    from toolkit.ledger.db import writing

    ledger = open_ledger(f"sqlite:///{path}")
    with writing(ledger) as conn:
        for k, (first, last) in enumerate(months(n)):
            made = tuple(CommissionRow(f"FT-{first.year}-{k * rows + r + 1:05d}", first, "invoice", False,
                                       f"C{r % 500:04d}", "PV", Decimal("1000.00"), Decimal(100), None, Decimal(5),
                                       Decimal("50.00"), (f"A{r % 300:04d}",)) for r in range(rows))
            kept = CommissionStatement("Marco Bianchi", first, last, "Forniture Rossi S.r.l.", made,
                                       (("PV", Decimal(1000) * rows, Decimal(5)),), Decimal(1000) * rows,
                                       Decimal(50) * rows)
            record(conn, first, last, last, [(kept.agent, kept.base, kept.total, kept.text())])
    ledger.engine.dispose()


def timed(path: str, n: int, paid_back: int = 0) -> float:
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.services.commissions import _settled_then

    ledger = open_ledger(f"sqlite:///{path}")
    spans = [(months(n)[0][0].replace(day=15),) * 2, months(n)[-1],
             *((day.replace(day=10),) * 2 for day, _ in months(n)[n - paid_back:])]
    with reading(ledger) as conn:
        start = time.process_time()
        found = _settled_then(conn, spans)
        spent = time.process_time() - start
    assert found.statements
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("make", "time"))
    parser.add_argument("ledger")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--paid-back", type=int, default=0)
    args = parser.parse_args()
    if args.what == "make":
        make(args.ledger, args.months, args.rows)
    else:
        print(f"{timed(args.ledger, args.months, args.paid_back):.4f}")


if __name__ == "__main__":
    main()
