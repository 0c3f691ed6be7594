"""An order form's heading fields are found from an index of the sheet's labels built once
(`reshape._labels`), exactly where the cell-by-cell scan (tests/oracles/form_fields.py) found
them: random sheets of labels in every spelling, repeated, empty or past the fortieth row."""

from __future__ import annotations

import random
from datetime import date

import pytest
from oracles.form_fields import field_by_scan

from toolkit.intake.mapping import NO_MAPPING
from toolkit.intake.reshape import _field, _labels
from toolkit.intake.sources import RawSheet

SPELLINGS = ["Cliente:", "cliente", "CLIENTE :", "Cliente", "Data:", "data", "Dàta", "Vs. riferimento",
             "Riferimento", "Destinazione", "Consegna a:", "Codice articolo", "Quantità", "Note", "Totale",
             "articolo X", "", " ", "ODA 7", "C001"]
VALUES = [None, "", "C001", "C002", 12, 0, 3.5, date(2026, 4, 9), "ODA 12", "  "]


def random_sheet(rng: random.Random) -> RawSheet:
    rows = []
    for _ in range(rng.randint(0, 48)):
        rows.append([rng.choice(SPELLINGS) if rng.random() < 0.5 else rng.choice(VALUES)
                     for _ in range(rng.randint(0, 6))])
    return RawSheet("Ordine", rows, rng.choice((1, 1, 3)), rng.choice((1, 1, 2)))


@pytest.mark.parametrize("seed", range(6))
def test_fields_are_found_where_the_scan_found_them(seed):
    rng = random.Random(seed)
    specs = [*NO_MAPPING.orders.fields.values(), ("Cliente", "Data"), ("Note",), ("C3",), ("nessuna",)]
    for _ in range(300):
        sheet = random_sheet(rng)
        labels = _labels(sheet)
        for names in specs:
            assert _field(sheet, names, labels, {}) == field_by_scan(sheet, names), (sheet, names)
