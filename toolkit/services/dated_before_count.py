"""The warning of DDTs dated before the stock count but stored after it (`stock-ddt-before-count`).

Stock is the count less what moved after it was taken: the DDTs dated from the count's day on,
and those dated before it but stored from that day on (`toolkit.ledger.shipped_by_day.since_count`).
A DDT travels with its goods, so a `ship` run late for an earlier day moves goods that were on
the shelf when it was counted, and they are taken off. The ledger cannot tell that from a DDT
recorded late for goods that had left before the count, which the count already leaves out:
the desk is told at *Data giacenze*, with what to add back to the count in that case. It is
told when such DDTs are stored (`ship`, `orders create`: `dated_before_count`) and wherever the
stock after the count is shown (the production list, the panel: `shown_after_count`), as the
figures there take them off the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection

from toolkit.basics import wording
from toolkit.basics.problems import Problem, define
from toolkit.basics.wording import DDTS, ITEMS, Agreed, Counted, Listed
from toolkit.core.documents import DeliveryNote
from toolkit.ledger.back_dated import back_dated_since
from toolkit.model.records import MasterData

NAMED = 5
"""How many of the DDTs the warning names before saying how many more."""
ITEMS_NAMED = 10
"""How many of the items moved the warning names before saying how many more: a day's DDTs at M
stored late moved 1,325 items, a message of 13,227 characters, where Excel's box shows 1,024.
The rest are counted as items (`ITEMS`): *e altri 14* after *A010 10* read as ten more pieces."""

DDT_BEFORE_COUNT = define(
    "stock-ddt-before-count", "warning",
    title=("DDT datati prima della conta, registrati dopo", "DDTs dated before the count, stored after it"),
    it="Data giacenze è il {counted}: {ddts} {stored} {are} {dated} prima della conta ({numbers}), {moved}",
    en="Stock date is {counted}: {ddts} {stored} {are} dated before the count ({numbers}), {moved}")


@dataclass(frozen=True, slots=True)
class Moved:
    """What the `n` DDTs moved of each item, in item order, a return's negative (goods that came
    back), said as what the stock does with it and what the desk does if the count saw it
    already: goods that left are taken off the count, goods returned added to it, and a desk
    told that a return's goods were «taken off» (A056 -1) would take the wrong ones off Giacenze."""

    quantities: tuple[tuple[str, Decimal], ...]
    n: int = 1

    def shown(self, lang: str) -> str:
        out = self._listed(lang, 1)
        back = self._listed(lang, -1)
        en = lang == "en"
        if out and back:
            return (f"and the goods are taken off the counted stock ({out}), as having left after the count, and "
                    f"those returned are added to it ({back}), as having come back after it. If they had already left "
                    "or come back when you counted (a DDT recorded late), the count already holds that: add on "
                    "Giacenze the quantities that left and take off those returned, so they are not counted twice."
                    if en else
                    f"e la merce è tolta dalle giacenze contate ({out}), come uscita dopo la conta, e quella resa è "
                    f"aggiunta ({back}), come rientrata dopo la conta. Se invece era già uscita o rientrata quando hai "
                    "contato (un DDT registrato in ritardo), la conta ne tiene già conto: aggiungi in Giacenze le "
                    "quantità uscite e togli quelle rese, così non sono contate due volte.")
        many = self.n != 1
        if back:
            return (f"and the goods returned are added to the counted stock ({back}), as having come back with "
                    f"{'the DDTs' if many else 'the DDT'} after the count. If they had already come back when you "
                    "counted (a DDT recorded late), the count already holds them: take those quantities off Giacenze, "
                    "so they are not added twice."
                    if en else
                    f"e la merce resa è aggiunta alle giacenze contate ({back}), come rientrata "
                    f"{'con i DDT' if many else 'con il DDT'} dopo la conta. Se invece era già rientrata quando hai "
                    "contato (un DDT registrato in ritardo), la conta la comprende già: togli in Giacenze quelle "
                    "quantità, così non sono aggiunte due volte.")
        return (f"and the goods are taken off the counted stock ({out}), as having left with "
                f"{'the DDTs' if many else 'the DDT'} after the count. If they had already left when you counted "
                "(a DDT recorded late), the count already leaves them out: add those quantities on Giacenze, so they "
                "are not taken off twice."
                if en else
                f"e la merce è tolta dalle giacenze contate ({out}), come uscita {'con i DDT' if many else 'con il DDT'} "
                "dopo la conta. Se invece era già uscita quando hai contato (un DDT registrato in ritardo), la conta la "
                "esclude già: aggiungi in Giacenze quelle quantità, così non sono tolte due volte.")

    def _listed(self, lang: str, sign: int) -> str:
        """The items moved the way `sign` says (1: out, -1: back), each quantity as a positive
        number, the first `ITEMS_NAMED` and how many more."""
        moved = [f"{item} {wording.shown(quantity * sign, lang)}" for item, quantity in self.quantities
                 if quantity * sign > 0]
        return Listed(tuple(moved[:ITEMS_NAMED]), len(moved), ITEMS, said=True).shown(lang)


def dated_before_count(master: MasterData, notes: Sequence[DeliveryNote]) -> list[Problem]:
    """The warning for the DDTs among `notes`, just stored, that are dated before the stock
    sheet's count date; none without a stock sheet or a count date, or when every DDT is dated
    on or after it. DDTs stored now are stored after any count, which is never dated after
    today (`stock-date-in-future`). A record of services rendered among them is no DDT and
    moves no goods: it is left out."""
    counted = master.settings.stock_date
    if master.stock is None or counted is None:
        return []
    before = [note for note in notes if note.is_ddt and note.day < counted]
    if not before:
        return []
    moved: dict[str, Decimal] = {}
    for note in before:
        for line in note.lines:
            moved[line.item] = moved.get(line.item, Decimal(0)) + line.quantity
    return [_told(master, counted, len(before), tuple(note.number for note in before[:NAMED]),
                  tuple(sorted((item, quantity) for item, quantity in moved.items() if quantity)), just_stored=True)]


def shown_after_count(conn: Connection, master: MasterData) -> list[Problem]:
    """The warning for a list showing the stock after the count (the production list, the
    panel), when the ledger holds DDTs in force dated before it and stored after it was taken:
    the stock shown takes them off (`toolkit.ledger.shipped_by_day.since_count`), as shipping
    does, and the desk reading it is told so, as the run that stored them was; none without a
    stock sheet or a count date."""
    counted = master.settings.stock_date
    if master.stock is None or counted is None:
        return []
    found = back_dated_since(conn, counted, NAMED)
    if found is None:
        return []
    return [_told(master, counted, found.count, found.first, found.moved, just_stored=False)]


def _told(master: MasterData, counted: date, n: int, numbers: tuple[str, ...],
          moved: tuple[tuple[str, Decimal], ...], *, just_stored: bool) -> Problem:
    """`DDT_BEFORE_COUNT` of `n` DDTs, the first of them `numbers`: stored by the run telling it
    (`just_stored`), or found in the ledger by a list showing the stock."""
    stored = (Agreed(n, ("appena registrato", "appena registrati"), ("just stored", "just stored")) if just_stored
              else Agreed(n, ("registrato dopo la conta", "registrati dopo la conta"),
                          ("stored after the count", "stored after the count")))
    return DDT_BEFORE_COUNT(
        master.locate_setting("stock_date"), counted=counted, ddts=Counted(n, ("DDT", "DDT"), ("DDT", "DDTs")),
        are=Agreed(n, ("è", "sono"), ("is", "are")), dated=Agreed(n, ("datato", "datati"), ("dated", "dated")),
        stored=stored, numbers=Listed(numbers, n, DDTS), moved=Moved(moved, n))
