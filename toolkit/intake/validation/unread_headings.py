"""A heading the toolkit does not read, over data, on a sheet that lacks an optional column.

Extra columns are ignored, so a desk keeps its notes beside the data. But an optional column
renamed (`Articolo` headed `CIG`, or `Articolo (codice)`) is an extra column too, and the sheet
then simply lacks it: every cell of it reads empty. Where an empty cell means *any*
(`Column.narrows`: a rule's customer, group, item, category, agent, dates, minimum quantity),
each row applies wider than written (R002's special price for C008 on A001 priced everything
C008 orders), so the run stops. Where it means *no limit* (`Column.lifts`: a customer's
*Fido*, its letter of intent's amount) the run stops too when the heading shares a word with
that column's (`_may_be`) and its cells are all amounts, as that column's would be: a credit
limit headed `Fido (€)` shipped to every customer whatever it owed, a letter's amount headed
otherwise invoiced without VAT past the letter's ceiling. A column of notes there cannot be
that column, nor one of phone numbers, ERP codes or discounts headed so, and *Clienti*, whose
optional columns no desk fills all, nearly always lacks one of them; so, as where an empty
cell means a default, a warning. A letter's amount lifts only a letter's ceiling: on a sheet
without the letters' protocol, as most desks' *Clienti*, it lifts nothing. A heading naming what
is left of a limit (*Credito residuo*, *Fido disponibile*, *Plafond residuo*: `_LEFT_OF`) is a
figure the desk's own program works out from a limit, no limit renamed: a desk keeping none
beside it was stopped on every run, so a warning. The heading is named at
its cell, with the optional columns the sheet lacks and the way out. A heading over no data, or
past an empty column after the table, or on a sheet with every optional column, stays silent:
that is the notes column the format promises to ignore.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from toolkit.basics.cells import Location, address
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import normalize
from toolkit.basics.wording import Agreed
from toolkit.intake.validation.layout import Table
from toolkit.model.sheets import Column, Sheet, named_columns

UNREAD_HEADING_RULE_WIDER = define(
    "unread-heading-rule-wider", "error",
    it="La colonna «{heading}» ha dei dati, ma il toolkit non legge questa intestazione, e il foglio non ha "
       "{missing_are} {missing}. Senza {narrowing} ogni riga vale per tutti (una cella vuota lì vuol dire "
       "«qualunque»), più largo di quanto scritto. Se «{heading}» è {one_of}, intitolala col suo nome esatto; "
       "se tiene note tue, spostala oltre l'ultima colonna del foglio, con una colonna vuota in mezzo, o svuotala.",
    en="Column “{heading}” holds data, but the toolkit does not read this heading, and the sheet lacks "
       "{missing_are} {missing}. Without {narrowing} every row applies to all (an empty cell there means “any”), "
       "wider than written. If “{heading}” is {one_of}, head it with its exact name; if it holds your own notes, "
       "move it past the sheet's last column, with an empty column between, or clear it.")
UNREAD_HEADING_LIMIT_LIFTED = define(
    "unread-heading-limit-lifted", "error",
    it="La colonna «{heading}» ha degli importi, ma il toolkit non legge questa intestazione, e il foglio non ha "
       "{missing_are} {missing}. Senza {lifted} nessuna riga ha un limite (una cella vuota lì vuol dire «nessun "
       "limite»), più largo di quanto scritto. Se «{heading}» è {one_of}, intitolala col suo nome esatto; se tiene "
       "note tue, spostala oltre l'ultima colonna del foglio, con una colonna vuota in mezzo, o svuotala.",
    en="Column “{heading}” holds amounts, but the toolkit does not read this heading, and the sheet lacks "
       "{missing_are} {missing}. Without {lifted} no row has a limit (an empty cell there means “no limit”), "
       "wider than written. If “{heading}” is {one_of}, head it with its exact name; if it holds your own notes, "
       "move it past the sheet's last column, with an empty column between, or clear it.")
UNREAD_HEADING = define(
    "unread-heading", "warning",
    title=("Colonna non letta, con dei dati", "Unread column holding data"),
    it="La colonna «{heading}» ha dei dati, ma il toolkit non legge questa intestazione, e il foglio non ha "
       "{missing_are} {missing}: ogni sua cella è letta vuota. Se «{heading}» è {one_of}, intitolala col suo nome "
       "esatto; se tiene note tue, spostala oltre l'ultima colonna del foglio, con una colonna vuota in mezzo, o "
       "svuotala.",
    en="Column “{heading}” holds data, but the toolkit does not read this heading, and the sheet lacks "
       "{missing_are} {missing}: each of its cells is read empty. If “{heading}” is {one_of}, head it with its "
       "exact name; if it holds your own notes, move it past the sheet's last column, with an empty column "
       "between, or clear it.")


@dataclass(frozen=True, slots=True)
class Named:
    """Columns named in a message in its reader's language: «Articolo», «Categoria»."""

    columns: tuple[Column, ...]

    def shown(self, lang: str) -> str:
        quoted = "«{}»" if lang == "it" else "“{}”"
        return ", ".join(quoted.format(c.label(lang)) for c in self.columns)


def unread_headings(tables: Mapping[str, Table], workbook: str) -> Iterator[Problem]:
    """Each unread heading over data on a sheet that lacks an optional column, at its cell."""
    for table in tables.values():
        spec = table.spec
        missing = tuple(c for c in spec.columns if not c.required and c.key not in table.columns)
        if spec.key_value or not missing or any(c.required and c.key not in table.columns for c in spec.columns):
            continue  # the settings' rows, a sheet whole, or one refused for its required column
        narrowing = tuple(c for c in missing if c.narrows)
        said = {"missing": Named(missing), "missing_are": Agreed(len(missing), *_OPTIONAL),
                "one_of": Agreed(len(missing), *_ONE_OF)}
        row = table.raw.first_row + table.header_index
        lifting = tuple(c for c in missing if c.lifts is True or c.lifts in table.columns)
        for j, heading in _unread(table):
            where = Location(table.name, address(row, table.raw.first_col + j), workbook)
            if narrowing:
                yield UNREAD_HEADING_RULE_WIDER(where, heading=heading, narrowing=Named(narrowing), **said)
            elif lifted := tuple(c for c in lifting if _may_be(c, heading)
                                 and _all_read_as(c, table.raw.rows[table.header_index + 1:], j)):
                yield UNREAD_HEADING_LIMIT_LIFTED(where, heading=heading, lifted=Named(lifted), **said)
            else:
                yield UNREAD_HEADING(where, heading=heading, **said)


_OPTIONAL = (("la colonna facoltativa", "le colonne facoltative"), ("the optional column", "the optional columns"))
_ONE_OF = (("quella colonna", "una di quelle colonne"), ("that column", "one of those columns"))


def _unread(table: Table) -> Iterator[tuple[int, Any]]:
    """(offset, heading) of each heading of the table's header that names none of its columns
    and stands over a filled cell: among the headings read, or beside them with no empty
    heading between (a column past an empty one is outside the table). A column's short heading
    beside its full one (`IVA` beside `Aliquota IVA`) is the desk's own note on a column read,
    no column renamed."""
    rows = table.raw.rows
    header = rows[table.header_index] if table.header_index < len(rows) else ()
    spec = table.spec
    named = {j for j, _ in named_columns(header, spec.headings, spec.short_headings)}
    if not named:
        return
    first, last = min(named), max(named)
    while first > 0 and not _blank(header[first - 1]):
        first -= 1
    while last + 1 < len(header) and not _blank(header[last + 1]):
        last += 1
    data = rows[table.header_index + 1:]
    for j in range(first, last + 1):
        if j in named or _blank(header[j]) or _names_a_column(spec, header[j]):
            continue
        if _filled(data, j):
            yield j, header[j].strip() if isinstance(header[j], str) else header[j]


def _all_read_as(column: Column, rows: Sequence[Sequence[Any]], j: int) -> bool:
    """Whether every filled cell of the `j`-th column reads as a value of `column`: amounts
    under an unread heading may be its values renamed, a note cannot."""
    try:
        column.adapter_many.validate_python([r[j] for r in rows if j < len(r) and not _blank(r[j])])
    except ValueError:
        return False
    return True


def _may_be(column: Column, heading: Any) -> bool:
    """Whether `heading` shares a word with `column`'s headings or the terms its meaning gives in
    italics (`Fido (€)`, `Limite fido`, `Plafond`), a word taken for another that begins it
    (`limite`, `limit`). Amounts alone do not tell a credit limit renamed from what a desk keeps
    beside a *Clienti* with no limits: its phone numbers (`011 555 1234` reads as an amount), ERP
    codes, discounts, each of which stopped every run. A heading of what is left of a limit
    (`_LEFT_OF`: *Credito residuo*) is none."""
    said = _words(heading) if isinstance(heading, str) else []
    if any(w.startswith(_LEFT_OF) for w in said):
        return False
    named = _words(" ".join((*column.names(), *column.short, *re.findall(r"\*([^*]+)\*", column.meaning))))
    return any(h.startswith(n) or n.startswith(h) for h in said for n in named)


_LEFT_OF = ("residu", "rimanen", "restant", "disponib", "utilizzabil", "remaining", "available", "left")
"""The beginnings of the words of what is left of a limit (`normalize`d): a heading holding one
names the limit less what is used of it, which changes with every order, not the limit. Read as
beginnings, the forms too (*residuale*, *disponibilità*, *rimanenza*): listed whole, `Fido
residuale` was taken for *Fido* renamed and stopped every run."""
_WORD = re.compile(r"[^\W\d_]{4,}")


def _words(text: str) -> list[str]:
    return [normalize(w) for w in _WORD.findall(text)]


def _names_a_column(spec: Sheet, heading: Any) -> bool:
    name = normalize(heading) if isinstance(heading, str) else ""
    return name in spec.headings or name in spec.short_headings


def _filled(rows: Sequence[Sequence[Any]], j: int) -> bool:
    return any(j < len(r) and not _blank(r[j]) for r in rows)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
