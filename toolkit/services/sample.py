"""`toolkit sample`: the sample master workbook, written where the user asks.

The rows come from `toolkit.intake.sample`; this module only writes them, through the same
master-workbook writer the Excel front end and the benchmarks use.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.intake.sample import SAMPLE_CREATED, SAMPLE_FILE, SELLER, sample_rows
from toolkit.writers.master_workbook import write_master


def write_sample(folder: Path, lang: str = "it") -> Path:
    """Write the sample workbook `anagrafiche.xlsx` into `folder` (created if missing).

    Its properties carry a fixed creation date, so the same sample is the same file byte for
    byte and the copy kept in the repository only changes when the data does.
    """
    rows = sample_rows()
    rows["settings"][0]["language"] = lang
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return write_master(folder / SAMPLE_FILE, rows, lang=lang, before_sheets=_sample_properties)


def _sample_properties(workbook) -> None:
    workbook.set_properties({"title": "Anagrafiche d'esempio", "author": SELLER["company_name"],
                             "created": SAMPLE_CREATED})
