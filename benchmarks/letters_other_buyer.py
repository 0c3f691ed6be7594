"""The check's rule for rows of two buyers sharing a letter's protocol, on many rows: CPU time in
this process of the *Clienti* rules (`rules.customers`) and of rendering their warnings in Italian.

    PYTHONPATH=. python -m benchmarks.letters_other_buyer 2000 [distinct|alone|codes|alternating]

Rows alternate between two buyers (two partite IVA) on one protocol, every fourth without the
letter's date; with `distinct`, each row is a buyer of its own; with `alone`, a row giving a
partita IVA alone of its own alternates with one giving a codice fiscale alone of its own; with
`codes`, one partita IVA comes with as many codici fiscali as rows, another buyer's row in the
middle; with `alternating`, the first half's rows alternate between one partita IVA with a
codice fiscale of its own and a codice fiscale alone, another buyer follows, and the second
half give that partita IVA alone. Prints one line: rows, warnings, longest message
(characters), rules' and rendering's CPU seconds."""

from __future__ import annotations

import importlib
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from toolkit.intake.sample import tax_code
from toolkit.intake.validation import check, rules

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
minimal = importlib.import_module("minimal")
"""tests/minimal.py: a small valid workbook as tables, the one the letter's tests grow."""

PROTOCOL = "26011512345678901-000001"


def sheets(rows: int, kind: str = "") -> dict:
    s = minimal.sheets()
    for cell, value in (("K1", "Natura IVA"), ("L1", "Protocollo dichiarazione d'intento"),
                        ("M1", "Data dichiarazione d'intento"), ("N1", "CAP"), ("N2", "10121"), ("O1", "Provincia"),
                        ("O2", "TO"), ("N3", "00184"), ("O3", "RM")):
        minimal.set_cell(s, "Clienti", cell, value)
    model = list(s["Clienti"][1])
    for n in range(rows):
        row = list(model)
        vat, code = _ids(n, rows, kind)
        row[0], row[1], row[2], row[3] = f"X{n:05}", f"Cliente {n}", vat, code
        row[10], row[11], row[12] = "N3.5", PROTOCOL, None if n % 4 == 3 else date(2026, 1, 15)
        s["Clienti"].append(row)
    return s


def _ids(n: int, rows: int, kind: str) -> tuple[str | None, str | None]:
    """Row `n`'s partita IVA and codice fiscale for the `kind` of rows asked."""
    code = tax_code("Rossi", "Mario", date(1950, 1, 1) + timedelta(days=n), False, "H501")
    if kind == "distinct":
        return _vat(n), None
    if kind == "alone":
        return (_vat(n), None) if n % 2 == 0 else (None, code)
    if kind == "codes":
        return ("09887760560", None) if n == rows // 2 else ("07643520567", code)
    if kind == "alternating":
        half = rows // 2
        return ((("07643520567", code), (None, code))[n % 2] if n < half
                else ("09887760560", None) if n == half else ("07643520567", None))
    return ("07643520567", "09887760560")[n % 2], None


def _vat(n: int) -> str:
    """A valid partita IVA of its own for row `n` (the Luhn check digit of ten digits)."""
    digits = f"{n + 1:07}001"
    total = sum(int(d) if i % 2 == 0 else sum(divmod(int(d) * 2, 10)) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def main(rows: int, kind: str = "") -> None:
    checked = check(minimal.workbook(sheets(rows, kind)))
    master = checked.master
    assert master is not None and master.layout is not None, [str(p) for p in checked.problems if p.is_error]
    start = time.process_time()
    found = [p for p in rules.customers(master, master.layout) if p.code == "letter-of-intent-other-buyer"]
    ruled = time.process_time() - start
    start = time.process_time()
    said = [p.message() for p in found]
    shown = time.process_time() - start
    print(f"rows={rows} kind={kind or 'two'} warnings={len(found)} longest={max(map(len, said), default=0)} "
          f"rules_s={ruled:.4f} render_s={shown:.4f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, sys.argv[2] if len(sys.argv) > 2 else "")
