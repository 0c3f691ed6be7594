"""What a volume discount's credit note takes off each invoice it cites, by VAT rate, for a note
citing many invoices (`toolkit.core.volume_discounts.taken_off_by_rate`, which
`ledger/credit_notes.py` `discount_shares_of` asks of every note citing an invoice credited).

`python benchmarks/discount_shares.py 1000 3000 6000` prints the CPU seconds
(`time.process_time`) of every cited invoice's shares of one note at 22 % and 10 % citing that
many invoices, and their sum, which is the note's taxable. Run by path with PYTHONPATH naming
the code to time: a function still asked one invoice at a time (`taken_off_by_rate(note, id)`,
before) is timed that way.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from decimal import Decimal
from typing import Any

from toolkit.basics.vocab import PaymentMethod
from toolkit.core import volume_discounts
from toolkit.core.invoicing import CitedInvoice, Invoice, InvoiceKind, Period
from toolkit.core.vat import totals, vat_summary


def note(cited: int) -> Invoice:
    """A year's discount note of 1,580.23 € at two rates citing `cited` invoices of uneven bases."""
    summary = tuple(vat_summary([(Decimal("-1234.56"), Decimal(22), None), (Decimal("-345.67"), Decimal(10), None)]))
    cites = tuple(CitedInvoice(n, f"FT-2026-{n:05d}", date(2026, 12, 31), Decimal(100 + n % 97) + Decimal("0.37"))
                  for n in range(1, cited + 1))
    return Invoice(InvoiceKind.CREDIT_NOTE, "C001", None, Period(date(2026, 1, 1), date(2026, 12, 31)),
                   date(2027, 1, 10), (), summary, *totals(summary), PaymentMethod.BANK_TRANSFER, "", (), cites=cites)


def main() -> None:
    by_rate: Any = volume_discounts.taken_off_by_rate
    for cited in map(int, sys.argv[1:]):
        x = note(cited)
        start = time.process_time()
        try:
            shares = by_rate(x)
        except TypeError:
            shares = {c.id: by_rate(x, c.id) for c in x.cites}
        spent = time.process_time() - start
        print(f"{cited:>6} invoices cited: {spent:.3f} s, taken off {sum(a for v in shares.values() for _, a in v)}")


if __name__ == "__main__":
    main()
