"""Validation: from raw tables to `MasterData`, collecting every problem with its cell."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from toolkit.basics.problems import Problem, UnusableInput, define, errors, sort_key
from toolkit.basics.runtime import collector_paused
from toolkit.intake.sources import RawWorkbook, read_workbook
from toolkit.intake.validation.layout import Layout, find_tables
from toolkit.intake.validation.records import RECORDS, read_records, read_settings
from toolkit.intake.validation.rules import run_rules
from toolkit.model.records import MasterData

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

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)


@collector_paused()
def check(raw: RawWorkbook) -> Checked:
    if not any(any(v not in (None, "") for row in sheet.rows for v in row) for sheet in raw.sheets):
        raise UnusableInput(EMPTY_WORKBOOK(None, name=raw.name))
    tables, layout, problems = find_tables(raw)
    settings, settings_cells, settings_problems = read_settings(tables.get("settings"), raw.name)
    problems += settings_problems
    records: dict[str, tuple] = {}
    unread: dict[str, frozenset[str]] = {}
    incomplete = {key for key, t in tables.items() if not t.spec.key_value and
                  any(c.required and c.key not in t.columns for c in t.spec.columns)}
    for key in RECORDS:
        if key in tables and key not in incomplete:
            found, found_problems, unread[key] = read_records(tables[key], raw.name)
            records[key] = tuple(found)
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
        problems += run_rules(master, layout)
    problems.sort(key=sort_key)
    usable = master if master is not None and not errors(problems) else None
    return Checked(usable, problems, layout)


@collector_paused()
def check_file(path: Path) -> Checked:
    """Read and check a master workbook; `UnusableInput` when it cannot be read at all."""
    return check(read_workbook(Path(path)))
