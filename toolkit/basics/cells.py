"""Cell addresses, made in one place.

Every problem points at a cell the user can click; every writer places values by address.
Rows and columns are 1-based, as the user sees them in Excel.

>>> column_letter(1), column_letter(26), column_letter(27), column_letter(16384)
('A', 'Z', 'AA', 'XFD')
>>> address(12, 3)
'C12'
>>> column_index("AA")
27
"""

from __future__ import annotations

from dataclasses import dataclass

SHEET_ROWS = 1_048_576
"""The rows an Excel sheet holds (its last is row 1,048,576): no more are written in one, and a
file that has more (an .ods of LibreOffice's larger sheets, a CSV) is refused, not cut."""
SHEET_COLUMNS = 16_384
"""The columns an Excel sheet holds (its last is XFD): a CSV with a row wider is refused."""
CELL_CHARACTERS = 32_767
"""The characters an Excel cell holds."""


def column_letter(col: int) -> str:
    if col < 1:
        raise ValueError(f"column must be >= 1, got {col}")
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


def address(row: int, col: int) -> str:
    return f"{column_letter(col)}{row}"


def quote_sheet(sheet: str) -> str:
    """Sheet name as Excel writes it in a reference: quoted when it has spaces or symbols.

    >>> quote_sheet("Clienti"), quote_sheet("Modelli ordine"), quote_sheet("L'Aquila")
    ('Clienti', "'Modelli ordine'", "'L''Aquila'")
    """
    if sheet.replace("_", "").isalnum():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value came from: the workbook, the sheet and (when known) the cell.

    >>> str(Location("Clienti", "C12"))
    'Clienti!C12'
    >>> str(Location("Clienti"))
    'Clienti'
    """

    sheet: str
    cell: str | None = None
    workbook: str | None = None

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def reference(self) -> str:
        """A reference usable in an Excel HYPERLINK or formula: `'Modelli ordine'!B4`."""
        return f"{quote_sheet(self.sheet)}!{self.cell or 'A1'}"


def at(sheet: str, row: int, col: int, workbook: str | None = None) -> Location:
    return Location(sheet, address(row, col), workbook)
