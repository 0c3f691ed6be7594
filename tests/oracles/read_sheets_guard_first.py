"""`sources.read_sheets` before the guard's sheet checks ran beside the parser (kept unchanged
for `tests/test_sheet_clearance.py`): the whole guard first, then calamine, its sheets parsed
ahead in a second thread."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from toolkit.intake.sources import AHEAD, RawSheet, _calamine_sheets


def read_sheets(path: Path, meanwhile: Iterable[Callable[[], object]] = ()) -> Iterator[RawSheet]:
    from toolkit.intake.guard import vet_workbook

    path = Path(path)
    return _calamine_sheets(path, vet_workbook(path).data, ahead=AHEAD, meanwhile=meanwhile)
