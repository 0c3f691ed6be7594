"""A customer group, item category or agent written in two ways that differ only in capitals.

These are names, not codes of a sheet's rows: the customers' *Gruppo*, the items' *Categoria*
and the agents of *Clienti* and *Agenti clienti* are matched as written wherever a rule names
them (price rules, volume discounts, commissions). `BAR` on one customer and `bar` on another
are two groups to the toolkit, so a rule for `BAR` leaves the `bar` customer out without a
word, and Marco Bianchi's commission statement leaves out the customers written `marco
bianchi`. As for codes, case alone telling two apart is refused: at the later cell, naming the
first spelling and where it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from toolkit.basics.codes import folded
from toolkit.basics.problems import Problem, define
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.records import distinct
from toolkit.model.records import MasterData, Record

NAME_IN_TWO_CASES = define(
    "name-in-two-cases", "error",
    it="«{name}» e «{first}» ({where}) differiscono solo per maiuscole, minuscole o spazi: per il toolkit sono "
       "{what_it}, e una regola scritta in un modo non vale per l'altro. Scrivili allo stesso modo (come li scrivono "
       "le regole, se una li nomina).",
    en="“{name}” and “{first}” ({where}) differ only in capitals or spaces: to the toolkit they are different "
       "{what_en}, and a rule naming one does not apply to the other. Write them the same way (as the rules do, "
       "if one names them).")

_WHAT = {"group": ("due gruppi diversi", "groups"), "category": ("due categorie diverse", "categories"),
         "agent": ("due agenti diversi", "agents")}


def names_in_two_cases(master: MasterData, layout: Layout) -> Iterator[Problem]:
    named: tuple[tuple[str, tuple[tuple[Sequence[Record], str], ...]], ...] = (
        ("group", ((master.customers, "group"),)),
        ("category", ((master.items, "category"),)),
        ("agent", ((master.customers, "sales_rep"), (master.customer_agents, "agent"))),
    )
    for what, columns in named:
        if _spelt_alike(columns):
            yield from _spelt_twice(layout, what, [(r, field) for records, field in columns for r in records])


def _spelt_alike(columns: Iterable[tuple[Sequence[Record], str]]) -> bool:
    """Whether two different names of these columns fold to one (`_spelt_twice`'s key): asked of
    the columns' distinct names (at L 5 groups of 10,000 customers, 11 categories of 20,000
    items), so the records are gone through one by one only when some cell is to be told."""
    names = frozenset().union(*(distinct(records, field) for records, field in columns)) - {None, ""}
    return len({folded(" ".join(name.split())) for name in names}) < len(names)


def _spelt_twice(layout: Layout, what: str, cells: Iterable[tuple[Record, str]]) -> Iterator[Problem]:
    """Each cell whose name another cell, read first, writes in other capitals (blanks around
    and between words aside), once per spelling."""
    first: dict[str, tuple[str, Record, str]] = {}
    told: set[str] = set()
    for record, field in cells:
        name = getattr(record, field)
        if not name:
            continue
        key = folded(" ".join(name.split()))
        seen = first.setdefault(key, (name, record, field))
        if seen[0] != name and name not in told:
            told.add(name)
            at = _at(layout, seen[1], seen[2])
            yield NAME_IN_TWO_CASES(_at(layout, record, field), name=name, first=seen[0],
                                    where=f"{at.sheet}!{at.cell}" if at is not None else "",
                                    what_it=_WHAT[what][0], what_en=_WHAT[what][1])


def _at(layout: Layout, record: Record, field: str):
    return layout.locate(record.source.sheet, record.source.row, field)  # type: ignore[attr-defined]
