"""What the user reads about each sheet and column, carried by the records as metadata.

A record class declares its sheet with a `SheetHeading` class attribute and each column as a
field made by `column`: the Italian and English headings, other names a user may write, what
the column means and an example, kept in the field's metadata. The field's type says what a
cell may hold (`toolkit.model.cells`) and its default what an empty cell gives; a field without
a default is a required column. `toolkit.model.sheets` reads all of it back as the format.

>>> from dataclasses import dataclass, fields
>>> @dataclass(kw_only=True)
... class Unit:
...     code: str = column("Codice", "Code", "Unique unit code", "KG")
...     note: str | None = column("Nota", "Note", "Anything", "by weight", default=None, aliases=("Note",))
>>> code, note = fields(Unit)
>>> heading(note)  # doctest: +NORMALIZE_WHITESPACE
ColumnHeading(it='Nota', en='Note', meaning='Anything', example='by weight', aliases=('Note',), refers=None, short=(),
              narrows=False, lifts=False)
>>> Unit(code="KG")
Unit(code='KG', note=None)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class SheetHeading:
    """A sheet's own facts: its key (the `Source.sheet` of its records), names and meaning."""

    key: str
    it: str
    en: str
    meaning: str
    required: bool = True
    """Whether a workbook must have the sheet."""
    key_value: bool = False
    """Two columns, setting and value, one field per row (the settings sheet)."""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ColumnHeading:
    """A column's names and what the format document says of it."""

    it: str
    en: str
    meaning: str
    example: str
    aliases: tuple[str, ...] = ()
    refers: str | None = None
    """The sheet (by key) whose codes the column holds: a workbook we write offers them in a dropdown."""
    short: tuple[str, ...] = ()
    """Short headings a desk's own list uses (`P.IVA`, `Prov`, `IVA`), read only when no heading
    of the sheet names the column otherwise: such a word is also a note's heading (`IVA` beside
    `Aliquota IVA`), and an extra column is ignored, never a second column for the field."""
    narrows: bool = False
    """An optional column whose empty cell means *any* (customer, item, agent, day): it narrows
    where its row applies, so a sheet without it has every row apply wider than written."""
    lifts: bool | str = False
    """An optional column of amounts whose empty cell means *no limit* (a customer's credit
    limit, its letter of intent's ceiling): a sheet without it lifts every row's limit. Or the
    key of the column whose rows alone the limit binds: a letter's amount ceils only a row with
    its protocol, so a sheet without letters lifts nothing by lacking it."""


def column(it: str, en: str, meaning: str, example: str, *, default: Any = dataclasses.MISSING,
           aliases: tuple[str, ...] = (), refers: str | None = None, short: tuple[str, ...] = (),
           narrows: bool = False, lifts: bool | str = False) -> Any:
    """A record field that is a column of its sheet."""
    heading = ColumnHeading(it, en, meaning, example, aliases, refers, short, narrows, lifts)
    return dataclasses.field(default=default, metadata={"heading": heading})


def heading(field: dataclasses.Field) -> ColumnHeading | None:
    """A field's headings, or None for a field that is no column (the record's `source`)."""
    return field.metadata.get("heading")
