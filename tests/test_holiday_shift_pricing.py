"""A delivery a holiday moves is priced on the day it is delivered, the day its order is for:
the price-list version, a price rule's validity (a promotion ending) and the amount the preview
shows are those of the delivery day, in the preview and in the order created alike.

Template T001 delivers on Tuesdays; Tuesday 2 June 2026 is Festa della Repubblica. BASE 2026A
(A001 standard 18.50) ends that day and 2026B (19.50) starts on the 3rd; a 10 % promotion on
A001 runs until the 2nd. «Giorno successivo» delivers on Wednesday the 3rd: 2026B, no
promotion; «Giorno precedente» on Monday the 1st: 2026A with the promotion.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import minimal
import pytest

from toolkit.intake.validation import check
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.orders import create, preview

HOLIDAY = date(2026, 6, 2)
RULES_HEAD = ["Codice", "Cliente", "Gruppo", "Articolo", "Categoria", "Tipo", "Prezzo", "Sconto %", "Listino base",
              "Prezzo base", "Ricarico %", "Arrotondamento", "Valido dal", "Valido al", "Quantità minima",
              "Priorità"]


def master(policy: str):
    sheets = minimal.sheets()
    templates = sheets["Modelli ordine"]
    templates[0].append("Se festivo")
    templates[1][5] = "mar"
    templates[1].append(policy)
    templates[2].append(None)
    versions = sheets["Versioni listino"]
    versions[1][3], versions[2][2] = HOLIDAY, date(2026, 6, 3)
    sheets["Regole prezzo"] = [RULES_HEAD, ["PROMO", None, None, "A001", None, "Sconto", None, 10, None, None, None,
                                            None, date(2026, 5, 1), HOLIDAY, None, None]]
    result = check(minimal.workbook(sheets))
    assert result.master is not None, [str(p) for p in result.errors]
    return result.master


@pytest.mark.parametrize(("policy", "delivered", "unit"), [
    ("Giorno successivo", date(2026, 6, 3), D("19.50")),       # 2026B, the promotion over
    ("Giorno precedente", date(2026, 6, 1), D("16.65")),       # 2026A's 18.50 less 10 %
])
def test_a_delivery_moved_off_a_holiday_is_priced_on_its_delivery_day(ledger, policy, delivered, unit):
    books = master(policy)
    shown = preview(books, ledger, delivered, with_catch_up=False)
    [row] = [r for r in shown.rows if r.template == "T001"]
    assert (row.day, row.changed) == (delivered, True)
    assert row.amount == 12 * unit + D("30.00"), "A001's 12 at the delivery day's price, A002's 24 at its own 1.25"
    made = create(books, ledger, delivered, with_catch_up=False, lang="it")
    assert not [p for p in made.problems if p.is_error], [str(p) for p in made.problems]
    with reading(ledger) as conn:
        [order] = [o for o in load_orders(conn) if o.template == "T001"]
    assert order.occurrence == delivered
    assert [(line.item, line.unit_price) for line in order.lines] == [("A001", unit), ("A002", D("1.25"))]
    assert order.amount == row.amount
