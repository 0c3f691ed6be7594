"""Where the front-end workbook and the text sources of its macros live in the repository.

Apart from `build` so that the command line reads them for `workbook build`'s defaults at every
command without importing the buttons and XlsxWriter (`toolkit.excel`'s `__getattr__`).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MACROS = ROOT / "macros"
WORKBOOK = ROOT / "workbooks" / "ordini-ricorrenti.xlsm"
