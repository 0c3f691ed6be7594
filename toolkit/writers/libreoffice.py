"""LibreOffice, the real spreadsheet client here: convert to PDF/CSV/ODS and recalculate formulas.

Each call uses its own throw-away user profile, so runs never share state or wait on each
other's lock. The profile makes LibreOffice recalculate every formula on load (files written
by XlsxWriter carry no cached values, or cached zeros) and gives it an Italian locale
(`LOCALE`), so a PDF prints `1.234,50 €` on any machine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from toolkit.basics.problems import UnusableInput, define

NO_LIBREOFFICE = define(
    "libreoffice-missing", "error",
    it="LibreOffice non è installato (serve per il PDF): installa LibreOffice, o scrivi dov'è il suo "
       "programma soffice nella variabile TOOLKIT_SOFFICE, o usa il file .xlsx.",
    en="LibreOffice is not installed (needed for the PDF): install LibreOffice, or set TOOLKIT_SOFFICE to its "
       "soffice program, or use the .xlsx file.")
CONVERSION_FAILED = define(
    "libreoffice-conversion-failed", "error",
    it="LibreOffice non è riuscito a convertire {name}: {reason}.",
    en="LibreOffice could not convert {name}: {reason}.")

LOCALE = "it-IT"
"""The locale LibreOffice formats numbers in, whatever the machine's: the cells' formats
(`#,##0.00 "€"`) leave the separators to the locale, and LibreOffice took the process's, so a
server, a CI runner or an English Windows (C.UTF-8, en-US) printed `6,045.70 €` and
`10.222 €` (ten thousand to an Italian reader) on an Italian seller's papers. English
documents print Italian figures too: the seller, its currency and its tax documents are
Italian, and one rule keeps an amount the same on both copies of an invoice. Set in the
profile (`ooSetupSystemLocale`, the "Locale setting" of Tools › Options › Languages) rather
than by `LC_ALL`, which LibreOffice on Windows does not read."""

_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Setup/L10N">'
    f'<prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{LOCALE}</value></prop></item>\n'
    '</oor:items>\n')


def soffice() -> str | None:
    """LibreOffice's program: the one `TOOLKIT_SOFFICE` names, else `soffice` or `libreoffice`
    on the PATH, else where LibreOffice's installer puts it on Windows and macOS. Those
    installers leave it off the PATH, so a desk with Excel on Windows that installed LibreOffice
    for the PDFs was told it had none."""
    named = os.environ.get("TOOLKIT_SOFFICE")
    if named:
        return named if Path(named).is_file() else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((str(place) for place in installed_places() if place.is_file()), None)


def installed_places() -> list[Path]:
    """Where LibreOffice's installers put its program: under each Windows program folder, and
    in macOS's Applications."""
    folders = {os.environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")}
    return [*(Path(folder) / "LibreOffice" / "program" / "soffice.exe" for folder in sorted(f for f in folders if f)),
            Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")]


def convert(source: Path, target_format: str, outdir: Path, *, timeout: int = 180) -> Path:
    """Convert `source` with LibreOffice headless (`pdf`, `csv`, `ods`, `xlsx`…), recalculating
    every formula first; returns the converted file's path in `outdir`."""
    return convert_all([source], target_format, outdir, timeout=timeout)[0]


def convert_all(sources: Sequence[Path], target_format: str, outdir: Path, *, timeout: int = 180) -> list[Path]:
    """`convert` for several files in one LibreOffice run (it starts once, which takes longer
    than converting a small workbook); the files' names must differ."""
    program = soffice()
    if program is None:
        raise UnusableInput(NO_LIBREOFFICE(None))
    sources, outdir = [Path(s).resolve() for s in sources], Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="toolkit-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        done = subprocess.run(
            [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", target_format, "--outdir", str(outdir), *map(str, sources)],
            capture_output=True, text=True, timeout=timeout * len(sources))
    extension = target_format.split(":")[0]
    results = [outdir / f"{source.stem}.{extension}" for source in sources]
    for source, result in zip(sources, results):
        if done.returncode != 0 or not result.exists():
            reason = (done.stderr or done.stdout or f"exit {done.returncode}").strip().splitlines()[-1:]
            raise UnusableInput(CONVERSION_FAILED(None, name=source.name, reason=" ".join(reason) or "?"))
    return results


def recalculated_values(source: Path) -> dict[str, Sequence[Sequence[object]]]:
    """Every sheet's values as LibreOffice computes them: round-trip to .xlsx with recalculation,
    then read the cached results. This is how tests check "Excel shows the right total"."""
    return recalculated_values_of([source])[0]


def recalculated_values_of(sources: Sequence[Path]) -> list[dict[str, Sequence[Sequence[object]]]]:
    """`recalculated_values` of each of `sources`, in one LibreOffice run: a test checking
    several workbooks started LibreOffice once for each, and its start costs more CPU than
    recalculating a month's register. Their names must differ, as `convert_all`'s."""
    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory(prefix="toolkit-recalc-") as out:
        copies = [Path(out) / "in" / Path(source).name for source in sources]
        copies[0].parent.mkdir()
        for source, copy in zip(sources, copies):
            shutil.copy(source, copy)
        values: list[dict[str, Sequence[Sequence[object]]]] = []
        for result in convert_all(copies, "xlsx:Calc MS Excel 2007 XML", Path(out) / "out"):
            book = CalamineWorkbook.from_path(str(result))
            values.append({name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
                           for name in book.sheet_names})
        return values
