"""A hold kept for stock wakes only when what came back may cover what its order lacks.

C001 (*Ordine completo*) orders 10 × A001 and 24 × A002 every Monday and Thursday; 4 × A001 are
on the sheet, so each order is held whole short of A001, each behind the ones before it. The
first lacks 6 (10 less the 4), the second 16 (the first's 10 ahead of it), and so on. A return,
a sheet raised or an order ahead voided gives back less than that: the order stays kept, what it
lacks lowered; as much or more: it wakes and is planned again (`toolkit.core.holds.freed_enough`).
Each day is checked against a copy of the ledger planning every order again (`--replan`).
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import minimal
import pytest
from older_ledgers import back_to, older_ledger
from sqlalchemy import select
from test_holds_kept import held_of, woken_by
from test_shipping import shipping_sheets

from toolkit.core.orders import OrderStatus
from toolkit.intake.validation import check
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import migrate, reading
from toolkit.ledger.stock_counts import SEEN
from toolkit.model.records import MasterData
from toolkit.services.order_status import change_status
from toolkit.services.orders import create
from toolkit.services.shipping import ship

D = Decimal
THU9, MON13, THU16, MON20, THU23 = (date(2026, 4, day) for day in (9, 13, 16, 20, 23))
FIRST, SECOND, THIRD = "OC-2026-00001", "OC-2026-00003", "OC-2026-00006"
"""C001's orders of the 9th, the 13th and the 16th (C002's of each day is numbered between them)."""


def desk(returned: int | None = None, a001: int = 4, terms: str = "Ordine completo") -> MasterData:
    """The workbook of the module's docstring, counted on 1 April; with `returned`, C002 gives back
    that many A001 on each of its days (a return template); C001 on `terms`."""
    sheets = shipping_sheets(terms=terms, stock={"A001": a001, "A002": 1000, "A003": 1000})
    sheets["Modelli ordine"] = [row for row in sheets["Modelli ordine"] if row[0] != "T004"]
    sheets["Righe modello"] = [row for row in sheets["Righe modello"] if row[0] != "T004"]
    if returned:
        sheets["Modelli ordine"].append(["T005", "C002", None, None, "Settimanale", "lun,gio", None, None, None, None,
                                         "01/03/2026", None, "Reso"])
        sheets["Righe modello"].append(["T005", "A001", returned, None, None])
    master = check(minimal.workbook(sheets)).master
    assert master is not None
    return master.model_copy(update={"settings": replace(master.settings, stock_date=date(2026, 4, 1))})


def lacks(ledger) -> dict[str, Decimal | None]:
    """What each order kept on hold lacks of A001, by number."""
    h, o = schema.hold_items.c, schema.orders.c
    with reading(ledger) as conn:
        return {f"OC-{year}-{number:05d}": lacking for year, number, lacking in conn.execute(
            select(o.year, o.number, h.lacks).join(schema.orders, o.id == h.order_id).where(h.item == "A001"))}


def day_of(path: Path, master: MasterData, day: date, *, returned: int | None = None, terms: str = "Ordine completo"):
    """Create and ship `day` on the ledger at `path`, and on a copy of it planning every order
    again: both must ship and hold alike. Returns the kept ledger's day."""
    if path.exists():
        shutil.copyfile(path, path.with_suffix(".replanned"))
    done = []
    for url, replan in ((f"sqlite:///{path}", False), (f"sqlite:///{path.with_suffix('.replanned')}", True)):
        ledger = open_ledger(url)
        try:
            create(desk(returned, terms=terms) if returned else master, ledger, day, with_catch_up=False, lang="it")
            done.append(ship(master, ledger, day, all_open=True, list_kept=True, replan=replan, lang="it"))
        finally:
            ledger.engine.dispose()
    kept, replanned = done
    assert [n.lines for n in kept.notes] == [n.lines for n in replanned.notes] and held_of(kept) == held_of(replanned)
    return kept


def planned(done) -> set[str]:
    """The orders a day planned (shipped or held by its own plan), not kept as before."""
    return {n for note in done.notes for n in note.orders} | {h.order for h in done.held if h.since is None}


def test_returns_short_of_what_an_order_lacks_keep_it_on_hold_until_together_they_cover_it(tmp_path):
    """5 × A001 back on the 13th, of the 6 the first order lacks: the 16th leaves it kept, lacking
    1 (and the second 11); 1 more back on the 20th, as much as it lacks, wakes it on the 23rd, and
    it ships."""
    path, master = tmp_path / "ledger.sqlite", desk()
    day_of(path, master, THU9)
    ledger = open_ledger(f"sqlite:///{path}")
    assert lacks(ledger) == {FIRST: 6}
    day_of(path, master, MON13, returned=5)
    assert lacks(ledger) == {FIRST: 6, SECOND: 16}
    sixteenth = day_of(path, master, THU16)
    assert FIRST not in planned(sixteenth) and SECOND not in planned(sixteenth)
    assert {h.order: h.since for h in sixteenth.held if h.order in (FIRST, SECOND)} == {FIRST: THU9, SECOND: MON13}
    assert lacks(ledger)[FIRST] == 1 and lacks(ledger)[SECOND] == 11
    day_of(path, master, MON20, returned=1)
    assert FIRST in lacks(ledger)
    twenty_third = day_of(path, master, THU23)
    assert FIRST in {n for note in twenty_third.notes for n in note.orders}
    assert SECOND not in planned(twenty_third) and lacks(ledger)[SECOND] == 10
    ledger.engine.dispose()


def test_a_stock_sheet_raised_wakes_the_orders_kept_only_by_as_much_as_they_lack(tmp_path):
    """The sheet raised by 5 of the 6 the first order lacks wakes nothing; by 6 it wakes the
    first order and not the second, which lacks 16; by 16 both."""
    path, master = tmp_path / "ledger.sqlite", desk()
    day_of(path, master, THU9)
    day_of(path, master, MON13)
    ledger = open_ledger(f"sqlite:///{path}")
    with reading(ledger) as conn:
        ids = {number: order_id for number, order_id in conn.execute(select(schema.orders.c.number, schema.orders.c.id))}
    assert woken_by(ledger, master) == set()
    assert woken_by(ledger, desk(a001=4 + 5)) == set()
    assert woken_by(ledger, desk(a001=4 + 6)) == {ids[1]}
    assert woken_by(ledger, desk(a001=4 + 16)) == {ids[1], ids[3]}
    ledger.engine.dispose()
    done = day_of(path, desk(a001=4 + 6), THU16)
    assert FIRST in {n for note in done.notes for n in note.orders} and SECOND not in planned(done)


def test_an_order_ahead_voided_wakes_the_orders_behind_only_if_its_lines_cover_what_they_lack(tmp_path):
    """The first order voided frees its 10 × A001, of the 16 the second lacks: the second stays
    kept, lacking 6, and 6 more on the sheet ship it."""
    path, master = tmp_path / "ledger.sqlite", desk()
    day_of(path, master, THU9)
    day_of(path, master, MON13)
    ledger = open_ledger(f"sqlite:///{path}")
    assert change_status(ledger, FIRST, OrderStatus.VOIDED).problems == []
    ledger.engine.dispose()
    done = day_of(path, master, THU16)
    assert SECOND not in planned(done) and {h.order: h.since for h in done.held}[SECOND] == MON13
    ledger = open_ledger(f"sqlite:///{path}")
    assert lacks(ledger)[SECOND] == 6
    ledger.engine.dispose()
    raised = day_of(path, desk(a001=4 + 6), MON20)
    assert SECOND in {n for note in raised.notes for n in note.orders}


def counted(a001: int, day: date) -> MasterData:
    """The stock counted on the morning of `day` (*Data giacenze* = `day`), A001 at `a001`."""
    master = desk(a001=a001)
    return master.model_copy(update={"settings": replace(master.settings, stock_date=day)})


@pytest.mark.parametrize("rise", [5, 6])
def test_a_count_wakes_the_orders_kept_only_by_its_rise_and_the_day_after_wakes_none(tmp_path, rome_today, rise):
    """The goods counted on the morning of the 16th, A001 5 above what the ledger had on hand (4,
    every DDT stored after either count): the first order, lacking 6, stays kept that day, lacking
    1; 6 above ship it. Either way the second, lacking 16, stays kept, and on the 20th nothing
    wakes: the ship run of the 16th noted the count (`stock-count-seen`), which woke every order
    held for stock the next day."""
    path, master = tmp_path / "ledger.sqlite", desk()
    day_of(path, master, THU9)
    day_of(path, master, MON13)
    count = counted(4 + rise, THU16)
    rome_today(THU16)
    sixteenth = day_of(path, count, THU16)
    assert (FIRST in {n for note in sixteenth.notes for n in note.orders}) is (rise == 6)
    assert SECOND not in planned(sixteenth) and (FIRST in planned(sixteenth)) is (rise == 6)
    ledger = open_ledger(f"sqlite:///{path}")
    with reading(ledger) as conn:
        noted = conn.execute(select(schema.events.c.number).where(schema.events.c.action == SEEN)).scalars().all()
    assert noted == [THU16.isoformat()]
    rome_today(MON20)
    twentieth = day_of(path, count, MON20)
    assert not {FIRST, SECOND} & planned(twentieth)
    kept = lacks(ledger)
    assert {n: kept[n] for n in (FIRST, SECOND) if n in kept} == ({FIRST: 1, SECOND: 11} if rise == 5 else {SECOND: 10})
    ledger.engine.dispose()


def test_a_ledger_of_schema_40_wakes_its_holds_on_any_return_of_their_items(tmp_path):
    """Migration 41 gives the items of the holds kept before it no shortfall (NULL): 1 × A001 back
    wakes the first order, as before, which is held again lacking 5."""
    url = older_ledger(tmp_path, desk(), 40, columns={"hold_items": ["lacks"]}, shipped=True)
    ledger = open_ledger(url)
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    assert lacks(ledger) == {FIRST: None}
    ledger.engine.dispose()
    path = Path(url.removeprefix("sqlite:///"))
    day_of(path, desk(), MON13, returned=1)
    done = day_of(path, desk(), THU16)
    assert FIRST in planned(done)
    ledger = open_ledger(url)
    assert lacks(ledger)[FIRST] == 5
    ledger.engine.dispose()


def test_the_shortfall_is_kept_lowered_and_migrated_alike_on_either_database(ledger_url):
    """On SQLite and PostgreSQL alike: the first order held on the 9th lacks 6; the sheet raised
    by 5 on the 13th leaves it kept lacking 1 (the second, held that day, 11 with the first's 10
    ahead of it); run back to schema 40 and migrated, both lack what is not known (NULL)."""
    ledger = open_ledger(ledger_url)
    try:
        for day, master in ((THU9, desk()), (MON13, desk(a001=4 + 5))):
            create(master, ledger, day, with_catch_up=False, lang="it")
            ship(master, ledger, day, all_open=True, lang="it")
        assert lacks(ledger) == {FIRST: 1, SECOND: 11}
        back_to(ledger, 40, {"hold_items": ["lacks"]})
        assert migrate(ledger) == schema.SCHEMA_VERSION == 48
        assert lacks(ledger) == {FIRST: None, SECOND: None}
    finally:
        ledger.engine.dispose()


@pytest.mark.parametrize(("terms", "ninth", "thirteenth", "sixteenth"), [
    ("Riga completa", {FIRST: 6}, {FIRST: 6, SECOND: 16}, {FIRST: 1, SECOND: 11, THIRD: 21}),
    ("Disponibilità", {FIRST: 0}, {FIRST: 0, SECOND: 6}, {FIRST: 0, SECOND: 1, THIRD: 11})])
def test_a_line_held_lacks_its_smallest_line_and_an_order_on_availability_anything(tmp_path, terms, ninth,
                                                                                    thirteenth, sixteenth):
    """*Riga completa*: the first order's line of 10 × A001 against the 4 on the sheet lacks 6 (its
    A002 ships), the second's 16 behind the first's 10; 5 back on the 13th leave them 1 and 11.
    *Disponibilità*: the first order takes the 4 and lacks nothing but some more (0), the second
    lacks the 6 the first still holds; 5 back wake the first, which takes them, and the second
    lacks the 1 the first still holds."""
    path, master = tmp_path / "ledger.sqlite", desk(terms=terms)
    ledger = open_ledger(f"sqlite:///{path}")
    try:
        day_of(path, master, THU9)
        assert lacks(ledger) == ninth
        day_of(path, master, MON13, returned=5, terms=terms)
        assert lacks(ledger) == thirteenth
        sixteenth_day = day_of(path, master, THU16)
        assert lacks(ledger) == sixteenth
        assert (FIRST in planned(sixteenth_day)) is (terms == "Disponibilità") and SECOND not in planned(sixteenth_day)
    finally:
        ledger.engine.dispose()
