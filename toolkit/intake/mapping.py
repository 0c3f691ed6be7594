"""The mapping file of a batch conversion: how a foreign layout feeds the master-data format
and how an order form is laid out (TOML).

```toml
[settings]                       # the merged workbook's settings (Impostazioni), by key or name
company_name = "Forniture Rossi S.r.l."

[master.customers]               # a sheet of the format, by key or by its Italian/English name
from = ["Anagrafica clienti", "Clients"]   # the foreign sheets that feed it (default: same name)
header_row = 2                   # optional: the row of the headings (default: found)
[master.customers.columns]       # field = the foreign heading (or a list of them, IT/EN aliases)
code = ["Cod. cliente", "Customer ID"]
name = "Ragione sociale"
[master.customers.fixed]         # a value for every row
country = "IT"
[master.customers.values.invoice_schedule]   # a foreign word → the format's word
"Mensile" = "monthly"

[values]                         # translations for every column of every sheet
"Si" = "sì"

[orders]                         # an order form: one workbook per order
sheet = "Ordine"                 # default: the first sheet
customer = "B3"                  # a cell, or a label: the value is in the cell right of it
date = "Data ordine"
reference = "Vs. riferimento"
[orders.lines]                   # the lines' table, found by its headings
item = ["Codice articolo", "Articolo"]
quantity = "Quantità"
price = "Prezzo"                 # optional: without it, the customer's price list prices the line
note = "Note"
```

The file is read and checked once, before any input; a mistake is a problem that names the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.basics.cells import Location, column_index
from toolkit.basics.problems import UnusableInput, define
from toolkit.basics.vocab import normalize
from toolkit.model.sheets import SETTINGS, SHEETS, Sheet, match_sheet

MAPPING_UNREADABLE = define(
    "mapping-unreadable", "error",
    it="Il file di corrispondenze {path} non si legge: {detail}.",
    en="The mapping file {path} cannot be read: {detail}.")
MAPPING_UNKNOWN = define(
    "mapping-unknown-name", "error",
    it="Il file di corrispondenze {path}, alla voce «{key}»: «{name}» non è {what} del formato.",
    en="The mapping file {path}, at “{key}”: “{name}” is not {what} of the format.")

ORDER_FIELDS = {"customer": ("Cliente", "Customer", "Codice cliente", "Customer code"),
                "date": ("Data", "Date", "Data ordine", "Order date"),
                "reference": ("Vs. ordine", "Rif. ordine cliente", "Riferimento", "Customer reference", "Reference"),
                "ship_to": ("Destinazione", "Ship to")}
"""A form's heading fields and the labels looked for beside their value when no mapping says."""
LINE_FIELDS = {"item": ("Articolo", "Codice articolo", "Item", "Item code", "Codice"),
               "quantity": ("Quantità", "Quantity", "Qta", "Qtà"),
               "price": ("Prezzo", "Price", "Prezzo unitario", "Unit price"),
               "note": ("Note", "Nota", "Notes")}

_CELL = re.compile(r"^[A-Z]{1,3}[1-9]\d{0,6}$")


@dataclass(frozen=True, slots=True)
class SheetMap:
    """How foreign sheets feed one sheet of the format."""

    sheet: str
    """The format's sheet key."""
    sources: tuple[str, ...] = ()
    """Foreign sheet names (normalized); empty: the format's own names."""
    header_row: int | None = None
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Field key → normalized foreign headings."""
    fixed: dict[str, Any] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Field key → normalized foreign word → the format's value."""


@dataclass(frozen=True, slots=True)
class FormMap:
    """An order form's layout: where its heading fields are, and its lines' headings."""

    sheet: str | None = None
    fields: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(ORDER_FIELDS))
    """Field → a cell address (one) or labels (normalized or not)."""
    lines: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(LINE_FIELDS))
    header_row: int | None = None


@dataclass(frozen=True, slots=True)
class Mapping:
    sheets: dict[str, SheetMap] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    """Normalized foreign word → the format's value, for every column."""
    orders: FormMap = field(default_factory=FormMap)
    name: str | None = None

    def for_sheet(self, key: str) -> SheetMap | None:
        return self.sheets.get(key)

    def target_of(self, foreign: str) -> str | None:
        """The format sheet a foreign sheet feeds by the mapping's `from`, if any."""
        wanted = normalize(foreign)
        return next((m.sheet for m in self.sheets.values() if wanted in m.sources), None)


NO_MAPPING = Mapping()


def is_cell(text: str) -> bool:
    return bool(_CELL.match(text.strip().upper()))


def cell_place(text: str) -> tuple[int, int]:
    """A cell address's row and column (1-based), as `is_cell` takes one.

    >>> cell_place("B12"), cell_place(" d2 ")
    ((12, 2), (2, 4))
    """
    name = text.strip().upper()
    letters = "".join(ch for ch in name if ch.isalpha())
    return int(name[len(letters):]), column_index(letters)


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; `UnusableInput` names the key at fault."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UnusableInput(MAPPING_UNREADABLE(Location(path.name), path=path.name,
                                               detail=str(exc).splitlines()[0][:160])) from None
    return parse_mapping(data, path.name)


def parse_mapping(data: dict[str, Any], name: str = "mapping.toml") -> Mapping:
    def unknown(key: str, value: str, what: str) -> UnusableInput:
        return UnusableInput(MAPPING_UNKNOWN(Location(name), path=name, key=key, name=value, what=what))

    sheets: dict[str, SheetMap] = {}
    for sheet_name, spec in (data.get("master") or {}).items():
        sheet = match_sheet(sheet_name)
        if sheet is None or sheet.key_value or not isinstance(spec, dict):
            raise unknown("master", sheet_name, "un foglio / a sheet")
        columns = {}
        for field_name, headings in (spec.get("columns") or {}).items():
            columns[_column(sheet, field_name, f"master.{sheet_name}.columns", unknown)] = _names(headings)
        fixed = {_column(sheet, k, f"master.{sheet_name}.fixed", unknown): v for k, v in (spec.get("fixed") or {}).items()}
        values = {_column(sheet, k, f"master.{sheet_name}.values", unknown): {normalize(str(a)): b for a, b in v.items()}
                  for k, v in (spec.get("values") or {}).items()}
        row = spec.get("header_row")
        sheets[sheet.key] = SheetMap(sheet.key, tuple(normalize(s) for s in _names(spec.get("from") or ())),
                                     int(row) if row else None, columns, fixed, values)
    settings = {}
    for key, value in (data.get("settings") or {}).items():
        column = SETTINGS.match_column(key)
        if column is None:
            raise unknown("settings", key, "un'impostazione / a setting")
        settings[column.key] = value
    values = {normalize(str(a)): b for a, b in (data.get("values") or {}).items()}
    return Mapping(sheets, settings, values, _form(data.get("orders") or {}, unknown), name)


def _form(spec: dict[str, Any], unknown: Any) -> FormMap:
    fields = dict(ORDER_FIELDS)
    for key, value in spec.items():
        if key in ("sheet", "lines", "header_row"):
            continue
        if key not in ORDER_FIELDS:
            raise unknown("orders", key, "un campo dell'ordine / an order field")
        fields[key] = _names(value)
    lines = dict(LINE_FIELDS)
    for key, value in (spec.get("lines") or {}).items():
        if key == "header_row":
            continue
        if key not in LINE_FIELDS:
            raise unknown("orders.lines", key, "un campo della riga / a line field")
        lines[key] = _names(value)
    row = spec.get("header_row") or (spec.get("lines") or {}).get("header_row")
    return FormMap(spec.get("sheet"), fields, lines, int(row) if row else None)


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else (str(value),)


def _column(sheet: Sheet, name: str, key: str, unknown: Any) -> str:
    column = sheet.match_column(name)
    if column is None:
        raise unknown(key, name, f"una colonna di {sheet.it} / a column of {sheet.en}")
    return column.key


def format_sheets() -> tuple[Sheet, ...]:
    """The sheets a foreign table can feed (the settings are key/value, fed by `[settings]`)."""
    return tuple(s for s in SHEETS if not s.key_value)
