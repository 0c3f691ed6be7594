"""`toolkit sample`: the sample master workbook, written where the user asks.

The rows come from `toolkit.intake.sample`; this module only writes them, through the same
master-workbook writer the benchmarks use. The front-end workbook (`toolkit workbook build`)
is the sample too, with the control panel in front and the macros inside.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from toolkit.basics.files import refuse_other_file
from toolkit.intake.sample import SAMPLE_CREATED, SAMPLE_FILE, SELLER, sample_rows
from toolkit.writers.master_workbook import sheets_to_write, write_master


def write_sample(folder: Path, lang: str = "it") -> Path:
    """Write the sample workbook `anagrafiche.xlsx` into `folder` (created if missing).

    A file of that name the toolkit did not write as a master workbook (a user's own) is
    refused (`refuse_other_file`, asking for another folder: the verb has no `--out`), never
    replaced. Its properties carry a fixed creation date,
    so the same sample is the same file byte for byte and the copy kept in the repository only
    changes when the data does.
    """
    rows = sample_rows()
    rows["settings"][0]["language"] = lang
    folder = Path(folder)
    refuse_other_file(folder / SAMPLE_FILE, "master", ("Indica un'altra cartella a toolkit sample DIR",
                                                        "Give toolkit sample DIR another folder"))
    folder.mkdir(parents=True, exist_ok=True)
    return write_master(folder / SAMPLE_FILE, rows, lang=lang, before_sheets=_sample_properties)


def sheet_count() -> int:
    """How many master sheets the sample fills: the sheets a workbook built on it has after
    the ones put in front."""
    return len(sheets_to_write(sample_rows()))


def write_sample_workbook(target: Path, *, vba_project: Path | None = None,
                          before_sheets: Callable[[Any], None] | None = None) -> Path:
    """The sample's master sheets (in Italian) in a workbook of the caller's: `before_sheets`
    adds its own sheets in front (it gets the XlsxWriter workbook), `vba_project` embeds macros."""
    return write_master(target, sample_rows(), lang="it", vba_project=vba_project, before_sheets=before_sheets)


def _sample_properties(workbook: Any) -> None:
    workbook.set_properties({"title": "Anagrafiche d'esempio", "author": SELLER["company_name"],
                             "created": SAMPLE_CREATED})
