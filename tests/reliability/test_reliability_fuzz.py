"""Master workbooks with random cells, through `toolkit orders create --out` in-process: the
command always ends with a message and exit code 0, 1 or 2 — never an internal error — and a
command that refuses writes no file and stores nothing. tests/test_validation_properties.py
fuzzes the data check alone; this follows the file from disk to the ledger and the output."""

from __future__ import annotations

import contextlib
import io
import math
import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path

import minimal
from hypothesis import HealthCheck, given, settings
from test_validation_properties import edits

EXAMPLES = 25


def write_xlsx(path: Path, sheets: dict) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (date, datetime, time)):
                    sheet.write_datetime(r, c, value, dates)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, float) and not math.isfinite(value):
                    sheet.write_string(r, c, str(value))
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def toolkit(*args: str) -> tuple[int, str]:
    """`toolkit ARGS` in this process: its exit code and everything it printed."""
    from toolkit.cli.app import main

    out = io.StringIO()
    saved = sys.argv
    sys.argv = ["toolkit", *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 3)
    finally:
        sys.argv = saved
    return code, out.getvalue()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(changes=edits())
def test_any_master_workbook_ends_in_a_message_and_writes_nothing_on_error(changes, figures):
    sheets = minimal.sheets()
    for name, ref, value in changes:
        minimal.set_cell(sheets, name, ref, value)
    fuzz = figures("fuzz")
    with tempfile.TemporaryDirectory() as folder:
        workbook = write_xlsx(Path(folder) / "anagrafiche.xlsx", sheets)
        out = Path(folder) / "ordini.xlsx"
        code, output = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", "--out", str(out))
        written = sorted(p.name for p in Path(folder).iterdir()
                         if p.name not in ("anagrafiche.xlsx", "anagrafiche.xlsx.ledger.sqlite"))
        failed = code != 0
        fuzz.add(examples=1, refused=int(failed), internal_errors=int(code not in (0, 1, 2)),
                 tracebacks=int("Traceback" in output),
                 files_written_on_error=len(written) if failed else 0)
        assert code in (0, 1, 2), output
        assert "Traceback" not in output and "errore interno" not in output, output
        if failed:
            assert written == [], output
