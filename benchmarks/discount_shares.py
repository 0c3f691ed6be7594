"""What `headrooms` takes with the volume discounts' shares of the invoices they cite.

`benchmarks/headrooms.py make LEDGER.sqlite [--invoices 300]` makes the ledger (a few credit
notes citing 300 invoices in all); `python benchmarks/discount_shares.py LEDGER.sqlite` prints
the CPU seconds (`time.process_time`) of `headrooms` over every invoice of the ledger, the
notes' shares counted (`discount_shares_of`): each note read once per invoice it cites (before)
or once. Run by path with PYTHONPATH naming the code to time, a fresh process each time.
"""

from __future__ import annotations

import sys
import time


def main() -> None:
    from toolkit.ledger import credit_notes, open_ledger
    from toolkit.ledger.db import reading

    ledger = open_ledger(f"sqlite:///{sys.argv[1]}")
    with reading(ledger) as conn:
        ids = list(conn.exec_driver_sql("SELECT id FROM invoices WHERE kind = 'invoice'").scalars())
        start = time.process_time()
        found = credit_notes.headrooms(conn, ids)
        spent = time.process_time() - start
    print(f"{spent:.3f} s, {len(found)} invoices")


if __name__ == "__main__":
    main()
