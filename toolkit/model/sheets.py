"""The master-data workbook format, as read from the records of `toolkit.model.records`.

Each `Sheet` and `Column` here is computed from a record class and its fields (the `sheet`
class attribute, each field's headings, type and default): the record classes are the single
source of the format. The reader finds sheets and columns by these names, the sample and the Excel front end
write them, and `docs/workbook-format.md` is generated from them (`python -m
toolkit.model.sheets > docs/workbook-format.md`, a test keeps them equal). Column order is free
and extra columns are ignored; names match whatever the case, accents or spacing (`Quantità` =
`quantita` = `Quantity`).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache, cached_property
from typing import Any, TypeVar

from pydantic import TypeAdapter

from toolkit.basics import vocab
from toolkit.basics.vocab import normalize
from toolkit.model import records
from toolkit.model.cells import Cell, Kind, cell_of
from toolkit.model.headings import heading

T = TypeVar("T")

@dataclass(frozen=True)
class Column:
    """A column as the user sees it, and the type its cells are validated against."""

    key: str
    """The record's field name."""
    it: str
    en: str
    kind: Kind
    required: bool = False
    meaning: str = ""
    example: str = ""
    choice: type[StrEnum] | None = None
    aliases: tuple[str, ...] = ()
    refers: str | None = None
    """The sheet (by key) whose codes the column holds."""
    short: tuple[str, ...] = ()
    """Short headings, read only where no other heading names the column (`named_columns`)."""
    narrows: bool = False
    """Its empty cell means *any*: a sheet without the column has its rows apply wider (`ColumnHeading.narrows`)."""
    lifts: bool | str = False
    """Its empty cell means *no limit*: a sheet without the column lifts its rows' limits (`ColumnHeading.lifts`)."""
    empty: Any = None
    """What an empty cell gives: the field's default (None for a required column)."""
    annotation: Any = field(default=None, repr=False)
    """The field's type, metadata included: what a cell may hold."""
    cell: Cell | None = field(default=None, repr=False)
    """That type's validator (None only for the two header columns of the settings sheet)."""

    @classmethod
    def of(cls, info: dataclasses.Field, annotation: Any) -> Column:
        names = heading(info)
        assert names is not None, info.name
        cell = cell_of(_metadata(annotation))
        assert cell is not None, f"{info.name}: a column's type is one of toolkit.model.cells"
        required = info.default is dataclasses.MISSING
        empty = None if required else info.default
        return cls(
            key=info.name, it=names.it, en=names.en, kind=cell.kind, required=required, meaning=names.meaning,
            example=names.example, choice=cell.choice, aliases=names.aliases, refers=names.refers, short=names.short,
            narrows=names.narrows, lifts=names.lifts, empty=empty, annotation=annotation, cell=cell,
        )

    def names(self) -> tuple[str, ...]:
        return (self.it, self.en, self.key, *self.aliases)

    def label(self, lang: str) -> str:
        return self.it if lang == "it" else self.en

    @property
    def adapter(self) -> TypeAdapter:
        """Validates one non-empty cell."""
        return _adapter(self.annotation)

    @property
    def adapter_many(self) -> TypeAdapter:
        """Validates a list of non-empty cells in one call."""
        return _adapter(list[self.annotation])  # type: ignore[name-defined]


@cache
def _adapter(annotation: Any) -> TypeAdapter:
    """One per type, shared by the columns of that type (most are codes and texts)."""
    return TypeAdapter(annotation)


def _metadata(annotation: Any) -> list[Any]:
    """The `Annotated` metadata of a field's type, through `X | None`."""
    for arg in (annotation, *getattr(annotation, "__args__", ())):
        if getattr(arg, "__metadata__", None):
            return list(arg.__metadata__)
    return []


@dataclass(frozen=True)
class Sheet:
    key: str
    it: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True
    meaning: str = ""
    key_value: bool = False
    aliases: tuple[str, ...] = ()
    record: type[records.Record] | None = None
    """The model of its rows (of its settings, for the key/value sheet)."""

    @classmethod
    def of(cls, record: type[records.Record]) -> Sheet:
        s = record.sheet  # type: ignore[attr-defined]
        types = typing.get_type_hints(record, include_extras=True)
        columns = tuple(Column.of(f, types[f.name]) for f in dataclasses.fields(record) if heading(f))
        return cls(s.key, s.it, s.en, columns, s.required, s.meaning, s.key_value, s.aliases, record)

    def names(self) -> tuple[str, ...]:
        return (self.it, self.en, self.key, *self.aliases)

    def label(self, lang: str) -> str:
        return self.it if lang == "it" else self.en

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def match_column(self, header: str) -> Column | None:
        wanted = normalize(header)
        for c in self.columns:
            if any(normalize(n) == wanted for n in c.names()):
                return c
        return None

    @cached_property
    def headings(self) -> dict[str, Column]:
        """Normalized heading → its column, by name or alias (the first column naming it)."""
        found: dict[str, Column] = {}
        for c in self.columns:
            for n in c.names():
                found.setdefault(normalize(n), c)
        return found

    @cached_property
    def short_headings(self) -> dict[str, Column]:
        """Normalized short heading → its column (`Column.short`)."""
        return {normalize(n): c for c in self.columns for n in c.short}


def named_columns(headings: Sequence[Any], names: Mapping[str, T], short: Mapping[str, T]) -> list[tuple[int, T]]:
    """(position, column) of each heading that names a column: by name or alias, or by a short
    heading (`P.IVA`) for a column no heading of the row names so. A short word is often a
    desk's own note beside the full heading (`IVA` beside `Aliquota IVA`): there it is an extra
    column, ignored, as the format promises, and not a second column for the field.

    >>> named_columns(["Aliquota IVA", "IVA", "Prov"], {"aliquotaiva": "vat"}, {"iva": "vat", "prov": "province"})
    [(0, 'vat'), (2, 'province')]
    """
    normal = [normalize(v) if isinstance(v, str) else "" for v in headings]
    found = [(j, names[n]) for j, n in enumerate(normal) if n in names]
    taken = {column for _, column in found}
    found += [(j, short[n]) for j, n in enumerate(normal) if n not in names and n in short and short[n] not in taken]
    return sorted(found, key=lambda pair: pair[0])


SETTINGS = Sheet.of(records.Settings)
CUSTOMERS = Sheet.of(records.Customer)
SHIP_TO = Sheet.of(records.ShipTo)
CONTACTS = Sheet.of(records.Contact)
ITEMS = Sheet.of(records.Item)
PRICE_LISTS = Sheet.of(records.PriceList)
PRICE_VERSIONS = Sheet.of(records.PriceVersion)
PRICES = Sheet.of(records.Price)
PRICE_RULES = Sheet.of(records.PriceRule)
TEMPLATES = Sheet.of(records.Template)
TEMPLATE_LINES = Sheet.of(records.TemplateLine)
CLOSURES = Sheet.of(records.Closure)
EXCEPTIONS = Sheet.of(records.CalendarException)
CARRIERS = Sheet.of(records.Carrier)
STOCK = Sheet.of(records.StockLevel)
VOLUME_DISCOUNTS = Sheet.of(records.VolumeDiscount)
COMMISSIONS = Sheet.of(records.Commission)
CUSTOMER_AGENTS = Sheet.of(records.CustomerAgent)

SHEETS: tuple[Sheet, ...] = (
    SETTINGS, CUSTOMERS, SHIP_TO, CONTACTS, ITEMS, PRICE_LISTS, PRICE_VERSIONS, PRICES, PRICE_RULES,
    TEMPLATES, TEMPLATE_LINES, CLOSURES, EXCEPTIONS, CARRIERS, STOCK,
    VOLUME_DISCOUNTS, COMMISSIONS, CUSTOMER_AGENTS,
)
SETTING_HEADERS = (("Voce", "Setting"), ("Valore", "Value"))


def match_sheet(name: str) -> Sheet | None:
    wanted = normalize(name)
    for s in SHEETS:
        if any(normalize(n) == wanted for n in s.names()):
            return s
    return None


def markdown() -> str:
    """The format as documentation: one table per sheet."""
    out = [
        "# The master-data workbook",
        "",
        ("<!-- generated by `python -m toolkit.model.sheets` from the records in toolkit/model/records.py; "
         "edit those, not this file -->"),
        "",
        "A workbook (`.xlsx`, `.xlsm`, `.ods` or `.xls`) with the sheets below. Each sheet is a plain",
        "range with a header row in row 1, or an Excel table; **sheet and column names may be Italian or",
        "English**, in any case, with or without accents. Column order is free and extra columns are",
        "ignored, so you can keep your own notes beside the data. Empty rows are skipped, and so is the",
        "*Riga totale* (Total Row) of an Excel table, in an .xlsx, .xlsm or .xlsb as in the open book, and in",
        "an .ods the last row of a table (database range) whose sums are `SUBTOTAL` formulas, as LibreOffice",
        "keeps an Excel table's Total Row (an .xls keeps no Total Row: a sum typed under the data is read as",
        "a row), and a row repeating the headings (a second",
        "block stacked under headings of its own); a row hidden, grouped or filtered out",
        "is data like any other, as a filter only hides it. A column may also",
        "be headed by one of the short names listed beside it (*short:* `P.IVA`, `C.F.`, `Prov`, `IVA`), as a",
        "desk's own list often is; a short name is read only when no heading of the sheet names that column",
        "otherwise, so a notes column `IVA` beside `Aliquota IVA` stays one of your own, ignored.",
        "A renamed optional column is an extra column too, and the sheet then lacks it: a heading the",
        "toolkit does not read, standing over data on a sheet that lacks an optional column, is named at",
        "its cell with the columns missing, to be headed with its exact name or, if it holds your notes,",
        "moved past the sheet's last column with an empty column between (or cleared). Where a column",
        "missing *narrows* its rows (marked *narrows* below: an empty cell means any customer, item,",
        "agent or day) it is an error that stops every run (`unread-heading-rule-wider`: `Articolo` on",
        "*Regole prezzo* headed `CIG` would have a customer's special price on one item price every item",
        "it orders); otherwise a warning, as the column only falls back to its default",
        "(`unread-heading`). It is an error too where a column missing *lifts* a limit (marked *lifts*",
        "below: an empty *Fido* means no credit limit, an empty letter amount no ceiling on sales without",
        "VAT, on a sheet with the letter's protocol) and the heading, sharing a word with that column's",
        "(`Fido (€)`, `Limite fido`, `Plafond`), stands over amounts, as that column's would be",
        "(`unread-heading-limit-lifted`: *Fido* headed `Fido (€)` would ship to every customer whatever",
        "it owes); notes there, or phone numbers, codes or discounts headed otherwise, are only warned",
        "of, and so is what is left of a limit (`Credito residuo`, `Fido disponibile`, `Plafond residuo`),",
        "a figure worked out from one, no limit renamed. A notes column on a sheet with every optional",
        "column stays silent.",
        "",
        "Types: *code* is an identifier (text or number, trimmed); *quantity* and *money* are numbers",
        "(`12,50` and `12.50` both work, money is kept exact to the cent; in a text cell `1.234,50` and "
        "`1,234.50` are both 1234.50, and so are `1 234,50` with any space a copy brings (no-break, narrow, thin) "
        "and the Swiss `1’234.50`, while `1.500`, fifteen hundred to an Italian reader and one and a half to an "
        "English one, is refused as `ambiguous-number`: write `1500` or `1,5`); *percent* is `22`, `22%` or",
        "`0.22`, and a cell formatted as a percentage is read as it shows: `100%` is 100, `50%` is 50 (Excel keeps "
        "them as 1 and 0.5; in a plain cell `1` is 1 % and a number below 1, `0.5`, a fraction: 50 %, warned at "
        "its cell as it may mean half a percent, `percent-from-fraction`, but for a VAT rate), in a live "
        "book as in a file, a percent cell beside plain ones too (one showing `2200%`, 22 typed "
        "before the cell was formatted, is refused as it shows; in .xls, .xlsb and .ods files as in .xlsx, from "
        "the cell's style or, in an .ods, its value type); "
        "*date* is a date cell or text written `09/04/2026` (day first), `2026-04-09` or with its month in words "
        "as Excel shows it (`4-gen-27`, `4 gennaio 2027`; a two-digit year as Excel reads it, `99` is 1999, `26` "
        "2026) or as a desk abbreviates it by hand, in any case, with or without the dot (`12 sett. 2026`, "
        "`3 febbr. 2027`, `7 genn. 2027`, `9 magg. 26`, beside `gen`, `feb`, `mar`, `apr`, `mag`, `giu`, `lug`, "
        "`ago`, `set`, `ott`, `nov`, `dic`), from 1950 on (a number "
        "typed alone, `15` for the 15th or `2026` for the year, is a day of 1900 or 1905 to Excel: refused, "
        "`date-out-of-range`; a price list valid since 1999 is read); a day and month without the year (`3 gen.`, "
        "`12/04`) is refused asking for the year (`date-without-year`), never guessed;",
        "*day/month* (*Santo patrono*) is `07/12`, a date cell, or the day with its month in words as dates "
        "read it (`15 ago`, `15 agosto`, `15 Ago.`); a month alone (`ago`) is refused asking for its day "
        "(`day-month-without-day`), and a day of the month (*Giorno del mese*, *Giorno di slittamento*) written "
        "with a month, `15 ago` or a date cell Excel made of `15/08`, is refused asking for the day alone, "
        "which holds for every month (`day-of-month-names-a-month`);",
        "*yes/no* is `sì`/`no`/`yes`/`x`/empty; *choice* is one of the words listed, Italian or English.",
        "",
        "Numbers have limits, shown beside their type: a quantity (or weight) at most 1,000,000, a price",
        "at most 1,000,000.00 €, an amount such as a credit limit at most 1,000,000,000.00 €, either way.",
        "They are what the ledger can store and multiply exactly (quantity × price, summed over a month,",
        "in 64-bit integers of thousandths, millionths and cents); a cell beyond its limit is a problem",
        "of the data check (`number-out-of-range`) at that cell. A quantity has three decimals at most",
        "(`too-many-decimals`); a weight may have more, and a DDT's weight is rounded to the gram. A template",
        "line's, a *Giacenze* row's or an order form's quantity with decimals of an item counted whole, in",
        "pieces, cartons, packs or bottles (`pz`, `ct`, `cf`, `bt` and their spellings: `pezzi`, `Nr.`, `conf.`),",
        "is warned at its cell",
        "(`quantity-fraction-of-whole-unit`: 1,5 pz is a slip for 15); an item sold by fractions has a unit",
        "that has them (`kg`, `l`, `m`). A price is",
        "kept to the millionth, as the ledger keeps it: one with more decimals (`0,12345678`; FatturaPA allows 8)",
        "is read rounded half-up to 6, `0,123457`, and warned at its cell with the price taken",
        "(`price-decimals-rounded`), in a template line, a price rule and an order form too (a negative price",
        "is never rounded: `-0,0000001` is refused as any price below zero, `negative-amount`); a formula's",
        "price is read as Excel shows it, to 15 significant digits (`=0,1*3` is 0,3, not",
        "0,30000000000000004). A rounding step finer than the millionth stays an error",
        "(`rounding-step-too-fine`).",
        "",
        "No sheet may hold data past row 1,048,576, the last of an Excel sheet: an .ods of LibreOffice's",
        "larger sheets, a CSV given to `convert`, or an .xlsx whose sheet XML names a row past it (which Excel",
        "never writes; a broken or hostile file may) is refused naming the sheet and the row",
        "(`file-sheet-too-many-rows`, exit 2, nothing read), where its rows past that one were lost",
        "without a word. Rows and cells written without their reference (`<row>`, `<c>` with no `r`,",
        "as some programs write them) are counted where the reader places them, each after the one",
        "before, so two million such rows are refused at row 2,000,000 as two million numbered ones",
        "are. An .xlsb is bounded by the rows and cells it holds, not the range it declares.",
        "",
    ]
    for s in SHEETS:
        need = "required" if s.required else "optional"
        out += [f"## {s.it} / {s.en} ({need})", "", s.meaning, ""]
        head = "| Setting (it / en) |" if s.key_value else "| Column (it / en) |"
        out += [head + " Type | Required | Meaning | Example |", "|---|---|---|---|---|"]
        for c in s.columns:
            kind = str(c.kind)
            if c.cell is not None and c.cell.limit is not None:
                kind += f" (±{c.cell.limit.shown('en')})"
            if c.choice is not None:
                kind = "choice: " + ", ".join(f"{vocab.label(m, 'it')} / {vocab.label(m, 'en')}" for m in c.choice)
            shown = c.empty not in (None, ())
            req = "yes" if c.required else ("no (default " + _show_default(c.empty) + ")" if shown else "no")
            req += ", narrows" if c.narrows else ", lifts" if c.lifts else ""
            short = f" (short: {', '.join(c.short)})" if c.short else ""
            out.append(f"| {c.it} / {c.en}{short} | {kind} | {req} | {c.meaning} | `{c.example}` |")
        out.append("")
    return "\n".join(out)


def _show_default(value: Any) -> str:
    if isinstance(value, StrEnum):
        return vocab.label(value, "en")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


if __name__ == "__main__":
    print(markdown())
