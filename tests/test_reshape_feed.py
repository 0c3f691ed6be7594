"""A foreign sheet reshaped by `_feed` gives the same rows, values and cells as the loop that
called each column's converter on every cell (`tests/oracles/reshape_feed.py`): random sheets
of every format sheet, with empty, blank, spaced, numeric, boolean, date and translated cells,
a title row, ragged rows, and a mapping's words and fixed values."""

from __future__ import annotations

import random
from datetime import date, datetime
from decimal import Decimal

import pytest
from oracles import reshape_feed as oracle

from toolkit.intake import reshape
from toolkit.intake.mapping import NO_MAPPING, Mapping, SheetMap
from toolkit.intake.sources import RawSheet, RawWorkbook
from toolkit.model.sheets import SHEETS

VALUES = (None, "", "  ", " x ", "Mensile", "mensile ", "12,50", "1.234,5", "007", "abc", 0.0, 3.0, 2.5, -1.25,
          float("nan"), 7, True, False, datetime(2026, 4, 9, 10, 30), datetime(2026, 4, 9), date(2026, 5, 1),
          Decimal("3.10"), "sì", "no", "2026-04-09")


def random_sheet(rng: random.Random, sheet) -> RawSheet:
    headings = [n for c in sheet.columns for n in c.names()[:1]]
    rng.shuffle(headings)
    headings = headings[:rng.randrange(1, len(headings) + 1)] + ["Altro"]
    rows: list[list] = [["TITOLO"]] if rng.random() < 0.5 else []
    rows.append(headings)
    for _ in range(rng.randrange(0, 40)):
        rows.append([rng.choice(VALUES) for _ in range(rng.randrange(0, len(headings) + 2))])
    return RawSheet(sheet.key, rows, rng.randrange(1, 4), rng.randrange(1, 4))


def mapping_for(rng: random.Random, sheet) -> Mapping:
    if rng.random() < 0.5:
        return NO_MAPPING
    words = {"mensile": "monthly", "si": True, "x": "ics"}
    return Mapping(sheets={sheet.key: SheetMap(sheet.key, fixed={"note": "importato"}, values={})}, values=words)


@pytest.mark.parametrize("seed", range(8))
def test_feed_gives_what_the_call_per_cell_gave(seed):
    rng = random.Random(seed)
    for sheet in SHEETS:
        if sheet.key_value:
            continue
        raw = random_sheet(rng, sheet)
        mapping = mapping_for(rng, sheet)
        made = reshape._feed("desk.xlsx", raw, sheet, mapping)
        expected = oracle._feed("desk.xlsx", raw, sheet, mapping)
        assert repr(made) == repr(expected), sheet.key


def test_a_workbook_reshapes_as_before(monkeypatch):
    rng = random.Random(99)
    raw = RawWorkbook("desk.xlsx", tuple(random_sheet(rng, s) for s in SHEETS if not s.key_value))
    made = reshape.reshape(raw, NO_MAPPING)
    monkeypatch.setattr(reshape, "_feed", oracle._feed)
    assert repr(reshape.reshape(raw, NO_MAPPING)) == repr(made)


def test_merge_keys_are_the_plain_values_as_before():
    """`convert._row_key`, the merge's key of a row, is `_plain` of each key field."""
    from toolkit.services.convert import _plain, _row_key

    rng = random.Random(5)
    for _ in range(2000):
        keys = tuple(rng.sample(["code", "version", "item", "x"], rng.randrange(0, 4)))
        values = {k: rng.choice(VALUES) for k in ("code", "version", "item") if rng.random() < 0.8}
        assert repr(_row_key(values, keys)) == repr(tuple(_plain(values.get(k)) for k in keys))
