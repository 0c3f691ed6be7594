"""The VBA the workbook carries: our `macros/*.bas`, and xlwings' own modules, as shipped.

xlwings' `RunPython` lives in VBA. We embed it as a module (as `xlwings quickstart
--standalone` does) instead of referencing the xlwings add-in, so that a user installs no
add-in: the workbook is self-contained. The standalone workbook xlwings ships
(`quickstart_standalone.xlsm`) holds exactly two such modules, `xlwings.bas` and the class
`Dictionary.cls` (a `Scripting.Dictionary` stand-in that macOS needs); both are read here from
the *installed* xlwings package, with their licence notices (BSD 3-clause, MIT) untouched.

The VBA module and the Python package talk to each other by version (the macOS AppleScript
is called `xlwings-<version>.applescript`, the Windows DLLs `xlwings64-<version>.dll`), so
the workbook records the version it was built with: `XLWINGS_VERSION`, and `vba_version`
reads it back from the module text.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from toolkit.basics.problems import UnusableInput, define
from toolkit.excel.buttons import BUTTONS, PANEL, Button
from toolkit.excel.vba import VbaModule
from toolkit.excel.vba.bas import read_bas, read_cls

MISSING_SUB = define(
    "workbook-missing-sub", "error",
    it="{file}: manca la Sub di un pulsante, o non chiama la sua funzione: {subs}. Aggiungila al file .bas "
       "(come le altre) e ricostruisci con: toolkit workbook build",
    en="{file}: a button's Sub is missing, or does not call its function: {subs_en}. Add it to the .bas file "
       "(like the others) and rebuild with: toolkit workbook build")

_VERSION_LINE = re.compile(r"^'Version:\s*(\S+)\s*$", re.MULTILINE)


def xlwings_dir() -> Path:
    import xlwings

    return Path(xlwings.__file__).parent


def xlwings_version() -> str:
    """The installed xlwings package's version, which the embedded VBA must match."""
    return version("xlwings")


def xlwings_modules() -> list[VbaModule]:
    """xlwings' standalone VBA: the `xlwings` module and the `Dictionary` class."""
    folder = xlwings_dir()
    module = read_bas(folder / "xlwings.bas")
    found = vba_version(module.source)
    if found != xlwings_version():
        raise RuntimeError(f"xlwings.bas says version {found}, the installed package is {xlwings_version()}")
    return [module, read_cls(folder / "addin" / "Dictionary.cls")]


def vba_version(source: str) -> str | None:
    """The version in xlwings.bas' `'Version: 0.37.8` comment line."""
    match = _VERSION_LINE.search(source.replace("\r\n", "\n"))
    return match.group(1) if match else None


def our_modules(folder: Path) -> list[VbaModule]:
    """Every `*.bas` in `folder`, by name; the panel module must call each button's function."""
    paths = sorted(Path(folder).glob("*.bas"))
    modules = [read_bas(path) for path in paths]
    panel = next((m for m in modules if m.name == PANEL), None)
    if panel is None:
        raise FileNotFoundError(f"{folder}: no module {PANEL!r} (macros/{PANEL}.bas)")
    missing = [b for b in BUTTONS if not calls(panel.source, b.macro, b.function)]
    if missing:
        raise UnusableInput(MISSING_SUB(None, file=str(Path(folder) / f"{PANEL}.bas"),
                                        subs="; ".join(_wanted(b, "it") for b in missing),
                                        subs_en="; ".join(_wanted(b, "en") for b in missing)))
    return modules


def _wanted(button: Button, lang: str) -> str:
    sub = f'Sub {button.macro}() … RunPython "import toolkit.excel as x; x.{button.function}()"'
    return (f"pulsante «{button.caption}»: {sub}" if lang == "it" else f"button “{button.caption}”: {sub}")


def calls(source: str, macro: str, function: str) -> bool:
    """Whether `source` has `Sub <macro>()` whose body runs `toolkit.excel.<function>()`."""
    pattern = (rf"^\s*(?:Public\s+)?Sub\s+{re.escape(macro)}\s*\(\s*\)\s*$\s*"
               rf'^\s*RunPython\s+"import toolkit\.excel as x; x\.{re.escape(function)}\(\)"\s*$\s*'
               rf"^\s*End\s+Sub\s*$")
    return re.search(pattern, source, re.MULTILINE | re.IGNORECASE) is not None
