"""A desk's files copied for a test to work on: the master workbook and its SQLite ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

WORKBOOK = "anagrafiche.xlsx"


def copied_desk(source: Path, target: Path) -> Path:
    """The workbook in `source` and the ledger beside it, copied into `target`; returns the
    copied workbook, so a command can change the ledger without touching the original."""
    for name in (WORKBOOK, f"{WORKBOOK}.ledger.sqlite"):
        shutil.copy(source / name, target / name)
    return target / WORKBOOK
