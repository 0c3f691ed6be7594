"""Validation: from raw tables to `MasterData`, collecting every problem with its cell."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from toolkit.basics.problems import Problem, UnusableInput, define, errors, sort_key
from toolkit.basics.runtime import collector_paused
from toolkit.intake.sources import RawSheet, RawWorkbook, read_sheets
from toolkit.intake.validation.columns import in_merged_cells
from toolkit.intake.validation.error_values import at_error_cells
from toolkit.intake.validation.layout import Layout, Table, find_tables, table_of
from toolkit.intake.validation.merged_cells import values_in_merged_cells
from toolkit.intake.validation.records import RECORDS, Columns, columns_read, read_records, read_settings
from toolkit.intake.validation.rules import run_rules
from toolkit.intake.validation.unread_headings import unread_headings
from toolkit.model.records import MasterData
from toolkit.model.sheets import match_sheet

EMPTY_WORKBOOK = define(
    "file-empty-workbook", "error",
    it="La cartella di lavoro {name} è vuota: parti dall'esempio (toolkit sample) e inserisci i tuoi dati.",
    en="Workbook {name} is empty: start from the sample (toolkit sample) and enter your data.")


@dataclass(frozen=True)
class Checked:
    """The outcome of the data check ("Controllo dati")."""

    master: MasterData | None
    """The master data, or None when an error makes it unusable."""
    problems: list[Problem]
    layout: Layout
    read: MasterData | None = None
    """The master data as read, errors or not (rows in error left out): what a reprint of
    issued documents goes on with when the errors are in parts it does not read
    (`toolkit.services.reprint_reads`); None when the sheets could not make one."""

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)


@collector_paused()
def check(raw: RawWorkbook) -> Checked:
    return _check(raw, {}, [])


@collector_paused()
def check_file(path: Path) -> Checked:
    """Read and check a master workbook; `UnusableInput` when it cannot be read at all.

    Each sheet's records are read as soon as the sheet is (`read_sheets` parses the next one
    meanwhile, the largest sheet not last): `_check` then finds them read."""
    path = Path(path)
    sheets: list[RawSheet] = []
    early: dict[str, Early] = {}
    derived: list[DerivedEarly] = []
    meanwhile: deque[Callable[[], object]] = deque([_import_the_calendar])
    parsed = read_sheets(path, meanwhile=meanwhile)
    for sheet in parsed:
        sheets.append(sheet)
        _read_early(sheet, path.name, early)
        if _pricing_sheets_read(sheet, early):
            meanwhile.append(partial(_derive_prices, early, derived))
    return _check(RawWorkbook(path.name, parsed.in_workbook_order(sheets)), early, derived)


def _import_the_calendar() -> None:
    """The settings rule checks the holiday region against the `holidays` package, whose import
    takes a third of a second: done while the next sheet is being parsed, it costs nothing."""
    import toolkit.core.workdays  # noqa: F401


def _pricing_sheets_read(sheet: RawSheet, early: dict[str, Early]) -> bool:
    """Whether this sheet completed the pair the derived prices are worked out from (versions
    and prices, both read early)."""
    keys = ("price_versions", "prices")
    return any(early.get(k, (None,))[0] is sheet for k in keys) and \
        all(k in early and early[k][1] is not None for k in keys)


def _derive_prices(early: dict[str, Early], derived: list[DerivedEarly]) -> None:
    """The derived prices of the versions and prices read early (`core.pricing.prices_of_sheets`),
    worked out while the parser is still busy: if the master is made of those same records
    (`_check` keeps the tuples read early), it hands them to `core.pricing.derived_prices`, and
    the rules find them done, with the prices their versions' rounding steps ruin (`ruined_prices`)."""
    from toolkit.core.pricing import prices_of_sheets, ruined_prices

    versions, prices = (early[k][1] for k in ("price_versions", "prices"))
    assert versions is not None and prices is not None
    found = prices_of_sheets(versions[0], prices[0])
    ruined = ruined_prices(versions[0], found[0]) if any(v.derived for v in versions[0]) else {}
    derived.append((versions[0], prices[0], found, ruined))


Read = tuple[tuple, list[Problem], frozenset[str], Columns]
"""What `read_records` gives (its records as a tuple): the records, their problems, the codes
of the rows not read, the columns the records were made from."""
Early = tuple[RawSheet, Read | None]
"""The first sheet of a kind as it arrived, and its `read_records` if it was read then."""
DerivedEarly = tuple[tuple, tuple, Any, Any]
"""The versions and prices read early, and the derived prices worked out from them
(`core.pricing.Derived`) with the prices a rounding step ruins (`core.pricing.ruined_prices`)."""


def _read_early(sheet: RawSheet, workbook: str, early: dict[str, Early]) -> None:
    """`read_records` of the table this sheet is, if it is the first sheet of its kind to arrive
    (most often the one `find_tables` keeps, the first in the workbook), has something in it and
    has every required column; `_check` reads any other in its turn."""
    spec = match_sheet(sheet.name)
    if spec is None or spec.key not in RECORDS or spec.key in early:
        return
    table = table_of(spec, sheet, workbook)
    read = None
    if _filled(sheet) and not _incomplete(table):
        found, problems, unread, columns = read_records(table, workbook)
        read = (tuple(found), problems, unread, columns)
    early[spec.key] = (sheet, read)


def _filled(sheet: RawSheet) -> bool:
    return any(any(v not in (None, "") for v in row) for row in sheet.rows)


def _remember_derived(master: MasterData, derived: list[DerivedEarly]) -> None:
    """The derived prices worked out early, and the prices they ruin, are the master's, if it is
    made of the very tuples they were worked out from (records are frozen)."""
    from toolkit.core.pricing import derived_prices, ruined_derived

    for versions, prices, found, ruined in derived:
        if master.price_versions is versions and master.prices is prices:
            derived_prices.remember(master, found)
            ruined_derived.remember(master, ruined)


def _incomplete(table: Table) -> bool:
    return not table.spec.key_value and any(c.required and c.key not in table.columns for c in table.spec.columns)


def _check(raw: RawWorkbook, early: dict[str, Early], derived: list[DerivedEarly]) -> Checked:
    if not any(map(_filled, raw.sheets)):
        raise UnusableInput(EMPTY_WORKBOOK(None, name=raw.name))
    tables, layout, problems = find_tables(raw)
    problems += unread_headings(tables, raw.name)
    settings, settings_cells, settings_problems = read_settings(tables.get("settings"), raw.name)
    problems += settings_problems
    records: dict[str, tuple] = {}
    read_columns: list[tuple[tuple, Columns]] = []
    unread: dict[str, frozenset[str]] = {}
    incomplete = {key for key, t in tables.items() if _incomplete(t)}
    for key in RECORDS:
        if key in tables and key not in incomplete:
            sheet, read = early.get(key, (None, None))
            if read is None or sheet is not tables[key].raw:
                found, found_problems, unread[key], made_of = read_records(tables[key], raw.name)
                records[key] = tuple(found)
            else:
                records[key], found_problems, unread[key], made_of = read
            read_columns.append((records[key], made_of))
            problems += found_problems
    layout = layout.model_copy(update={"settings_cells": settings_cells, "unread_codes": unread})
    master = None
    if settings is not None and not incomplete and all(k in records for k in ("customers", "items", "price_lists",
                                                            "price_versions", "prices", "templates",
                                                            "template_lines")):
        master = MasterData.model_construct(
            workbook=raw.name, settings=settings,
            customers=records["customers"], ship_to=records.get("ship_to", ()),
            contacts=records.get("contacts", ()), items=records["items"],
            price_lists=records["price_lists"], price_versions=records["price_versions"],
            prices=records["prices"], price_rules=records.get("price_rules", ()), templates=records["templates"],
            template_lines=records["template_lines"], closures=records.get("closures", ()),
            exceptions=records.get("exceptions", ()), carriers=records.get("carriers", ()),
            stock=records.get("stock"), volume_discounts=records.get("volume_discounts", ()),
            commissions=records.get("commissions", ()), customer_agents=records.get("customer_agents", ()),
            layout=layout,
        )
        _remember_derived(master, derived)
        with columns_read(read_columns):
            problems += run_rules(master, layout)
    problems = at_error_cells(tables, raw.name, in_merged_cells(raw, problems) + values_in_merged_cells(tables, raw.name))
    problems.sort(key=sort_key)
    usable = master if master is not None and not errors(problems) else None
    return Checked(usable, problems, layout, master)

