"""`toolkit sample`: the sample master workbook, written where the user asks.

The rows come from `toolkit.intake.sample`; this module only writes them, through the same
master-workbook writer the benchmarks use. The front-end workbook (`toolkit workbook build`)
is the sample too, with the control panel in front and the macros inside.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from toolkit.basics.files import OUT_NAMED, asked_for, refuse_other_file, saved_since
from toolkit.basics.problems import UnusableInput, define
from toolkit.intake.sample import SAMPLE_CREATED, SAMPLE_FILE, SELLER, sample_rows
from toolkit.writers.master_workbook import sheets_to_write, write_master

SAMPLE_ASKED = asked_for(argument="toolkit sample DIR")
"""What a refused sample asks for: the verb has no `--out`, its folder is its argument."""
SAMPLE_FOLDER = SAMPLE_ASKED.named

MASTER_NOT_THE_SAMPLE = define(
    "master-not-the-sample", "error",
    it="Il file {path} è una cartella anagrafiche che non è più l'esempio scritto da toolkit: può contenere i tuoi "
       "clienti, modelli e prezzi, e non la sostituisco. {choose_it}, oppure sposta o rinomina quel file.",
    en="The file {path} is a master workbook that is no longer the sample the toolkit wrote: it may hold your "
       "customers, templates and prices, and it is not replaced. {choose_en}, or move or rename that file.")
MASTER_SAVED_SINCE = define(
    "master-saved-since", "error",
    it="Il file {path} è una cartella anagrafiche salvata dopo che toolkit l'ha scritta: può contenere le tue "
       "modifiche a clienti, modelli e prezzi, e non la sostituisco. {choose_it}, oppure sposta o rinomina quel file.",
    en="The file {path} is a master workbook saved since the toolkit wrote it: it may hold your changes to "
       "customers, templates and prices, and it is not replaced. {choose_en}, or move or rename that file.")


def write_sample(folder: Path, lang: str = "it", choose: tuple[str, str] = SAMPLE_FOLDER) -> Path:
    """Write the sample workbook `anagrafiche.xlsx` into `folder`, created if missing by the
    atomic write, which refuses a folder that cannot be made (a read-only disk, a share without
    the right) as every output's, naming it: made here beforehand it was an internal error.

    A file of that name is replaced only when it is the sample as a toolkit wrote it
    (`refuse_to_replace`; `choose`, Italian and English, asks for another folder in the words
    of the verb). Its properties carry a fixed creation date,
    so the same sample is the same file byte for byte and the copy kept in the repository only
    changes when the data does.
    """
    rows = sample_rows()
    rows["settings"][0]["language"] = lang
    folder = Path(folder)
    refuse_to_replace(folder / SAMPLE_FILE, SAMPLE_CREATED, choose)
    return write_master(folder / SAMPLE_FILE, rows, lang=lang, before_sheets=_sample_properties)


def refuse_to_replace(target: Path, written: datetime | None, choose: tuple[str, str] = OUT_NAMED) -> None:
    """Refuse, before anything is written, to write a master workbook over `target` unless it
    is the one a toolkit wrote there, never saved since: the sample or the built workbook
    (`written` their fixed creation date), or with None one written at whatever time it ran
    (`convert --to master`, its created and modified dates the same). A desk starts from the
    sample, or from a conversion of its own lists, and fills it in with its customers,
    templates and prices, and the file keeps its *master* mark through Excel's saves, so the
    mark alone would let the next run replace them. A file the toolkit did not write as a
    master workbook is refused as every output is (`refuse_other_file`)."""
    refuse_other_file(target, "master", choose)
    if os.path.isfile(target) and saved_since(target, written):
        problem = MASTER_NOT_THE_SAMPLE if written is not None else MASTER_SAVED_SINCE
        raise UnusableInput(problem(None, path=target, choose_it=choose[0], choose_en=choose[1]))


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
