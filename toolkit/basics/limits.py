"""The largest numbers the toolkit accepts: what the ledger can store, and multiply, exactly.

The ledger keeps amounts, quantities and unit prices as 64-bit integers of cents, thousandths
and millionths (`toolkit.ledger.types`), on SQLite and PostgreSQL alike. A signed 64-bit integer
holds up to 9,223,372,036,854,775,807: about 92 million billion euros in cents, but only 9.2
billion euros once a quantity in thousandths is multiplied by a price in millionths, as each
order's value still to ship is kept and a customer's summed in SQL (`toolkit.ledger.unshipped`,
which therefore keeps the euros and the millionths of each price apart). So the limits are
chosen from the products and the month's sums, not from one stored value, and kept round:

- a **quantity** (ordered, in stock, shipped; an item's weight) is at most 1,000,000 either
  way, stored as at most 10^9 thousandths;
- a **price** (list, standard, limit, a template line's own) is at most 1,000,000.00 €,
  stored as at most 10^12 millionths;
- an **amount** (a credit limit, a payment) is at most 1,000,000,000.00 €, at most 10^11 cents.

A line is then at most 10^12 € (10^14 cents): an invoice or a customer's month may add up more
than 90,000 such lines before its total, in cents, reaches the 64-bit limit, and a customer may
have more than 9,000 of them open (each quantity × whole euros and quantity × millionths at most
10^15). No desk comes near: the limits are there so that a typing slip (`1e20`, a pasted
barcode) is a problem at its cell in the data check, never a failure when the orders are stored.

>>> QUANTITY.admits(Decimal("1000000")), QUANTITY.admits(Decimal("-1000000.001"))
(True, False)
>>> PRICE.shown("it"), AMOUNT.shown("en"), QUANTITY.shown("it")
('1.000.000,00', '1,000,000,000.00', '1.000.000')
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define

OUT_OF_RANGE = define(
    "number-out-of-range", "error",
    it="«{value}» è fuori dai limiti: scrivi un numero fra -{limit_it} e {limit_it}.",
    en="“{value}” is out of range: write a number between -{limit_en} and {limit_en}.")


@dataclass(frozen=True)
class Limit:
    """The largest magnitude a kind of number may have, either way."""

    high: Decimal
    money: bool
    """Shown with cents."""

    def admits(self, number: Decimal) -> bool:
        return number.is_finite() and -self.high <= number <= self.high

    def shown(self, lang: str) -> str:
        text = f"{self.high:,.2f}" if self.money else f"{self.high:,.0f}"
        return text.translate(str.maketrans(",.", ".,")) if lang == "it" else text

    def params(self, value: Any) -> dict[str, Any]:
        """The parameters of the out-of-range problem, naming the value as the user wrote it."""
        return {"value": value, "limit_it": self.shown("it"), "limit_en": self.shown("en")}

    def problem(self, location: Location | None, value: Any) -> Problem:
        return OUT_OF_RANGE(location, **self.params(value))


QUANTITY = Limit(Decimal(1_000_000), money=False)
PRICE = Limit(Decimal(1_000_000), money=True)
UNIT_PRICE_PLACES = Decimal("0.000001")
"""The millionth a unit price is kept to (`toolkit.ledger.types.UnitPrice`): a price read from a cell
rounded to it (`toolkit.model.cells`), an order line's, a credit note's priced from its amount."""
AMOUNT = Limit(Decimal(1_000_000_000), money=True)
SHARE_CAPITAL = Limit(Decimal("99999999999.99"), money=True)
"""A company's share capital (*capitale sociale*): never multiplied nor stored in cents, only
printed and sent as FatturaPA's CapitaleSociale, whose Amount2DecimalType takes at most 11
digits before the point. A large S.p.A.'s capital passes the billion of `AMOUNT`; a pasted
barcode or `1e20` still does not pass this."""
