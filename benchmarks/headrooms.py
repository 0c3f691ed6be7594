"""What `headrooms` takes to read the lines of many invoices volume discounts cite.

`python benchmarks/headrooms.py make LEDGER.sqlite [--invoices 300]` copies the L mid-month
ledger (`benchmarks/data/mid-month-bench-L.sqlite`) to LEDGER.sqlite and records, for each of
its first credit notes, a volume discount's settlement citing `--invoices` invoices in all, of
many customers; `python benchmarks/headrooms.py time LEDGER.sqlite` prints the CPU seconds
(`time.process_time`) of `headrooms` over every invoice of the ledger, the discounts' shares
left out: the invoices' lines and what was taken back of them, read per invoice (before) or at
once; with `--shares` the shares counted too (`discount_shares_of`: each note read once per
invoice it cites, before, or once). Run by path with
PYTHONPATH naming the code to time, a fresh process each time.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import time
from pathlib import Path

SOURCE = Path(__file__).parent / "data" / "mid-month-bench-L.sqlite"


def make(path: str, invoices: int) -> None:
    shutil.copyfile(SOURCE, path)
    with sqlite3.connect(path) as db:
        notes = [n for (n,) in db.execute("SELECT id FROM invoices WHERE kind = 'credit-note' ORDER BY id LIMIT 20")]
        cited = [i for (i,) in db.execute("SELECT id FROM invoices WHERE kind = 'invoice' ORDER BY id")]
        step = max(1, len(cited) // invoices)
        for k, invoice in enumerate(cited[::step][:invoices]):
            note = notes[k % len(notes)]
            db.execute("INSERT OR IGNORE INTO volume_settlements (discount, customer, period_start, period_end, base, "
                       "quantity, amount, credit_note_id, created_at, created_by) VALUES (?, 'X', '2026-01-01', "
                       "'2026-01-31', 0, 0, 0, ?, '2026-02-01 00:00:00', 'bench')", (f"SV-{note}", note))
            db.execute("INSERT INTO invoice_citations (credit_note_id, invoice_id, base) VALUES (?, ?, 0)",
                       (note, invoice))


def timed(path: str, shares: bool) -> tuple[float, int]:
    from toolkit.ledger import credit_notes, open_ledger
    from toolkit.ledger.db import reading

    if not shares:
        credit_notes.discount_shares = lambda conn, invoice_id: []
        credit_notes.discount_shares_of = lambda conn, invoice_ids: {}
    ledger = open_ledger(f"sqlite:///{path}")
    with reading(ledger) as conn:
        ids = list(conn.exec_driver_sql("SELECT id FROM invoices WHERE kind = 'invoice'").scalars())
        start = time.process_time()
        found = credit_notes.headrooms(conn, ids)
        spent = time.process_time() - start
    return spent, len(found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=("make", "time"))
    parser.add_argument("ledger")
    parser.add_argument("--invoices", type=int, default=300)
    parser.add_argument("--shares", action="store_true")
    args = parser.parse_args()
    if args.what == "make":
        make(args.ledger, args.invoices)
    else:
        spent, found = timed(args.ledger, args.shares)
        print(f"{spent:.3f} s, {found} invoices")


if __name__ == "__main__":
    main()
