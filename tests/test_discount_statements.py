"""A volume discount's statement kept with its settlement: its JSON, and the ledger that keeps it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from older_ledgers import back_to
from sqlalchemy import inspect

from toolkit.basics.vocab import BracketBasis, BracketMode
from toolkit.core.discount_statements import BracketRow, CountedRow, DiscountStatement
from toolkit.ledger import schema
from toolkit.ledger.db import migrate, reading
from toolkit.model.parties import Seller

STATEMENT = DiscountStatement(
    "SV1", "2026-Q2", "C001", "Bar Centrale S.n.c.",
    Seller(company_name="Forniture Rossi S.r.l.", vat_number="01234560157", address="Via Roma 10", postcode="20121",
           city="Milano", rea_office="MI", rea_number="123456", share_capital="10000.00"),
    BracketBasis.AMOUNT, BracketMode.SCALED, (Decimal("5000"), Decimal("5.0")),
    (CountedRow("FT-2026-00001", date(2026, 4, 30), False, Decimal("6200.50"), Decimal("12.000"), Decimal("-99.50")),
     CountedRow("NC-2026-00002", date(2026, 5, 31), True, Decimal("-100.00"), Decimal("-1.000"), Decimal("0"))),
    Decimal("6100.50"), Decimal("11.000"), Decimal("-99.50"),
    (BracketRow(Decimal("0"), Decimal("0"), None, None),
     BracketRow(Decimal("1000"), Decimal("2"), Decimal("4000"), Decimal("80.00")),
     BracketRow(Decimal("5000"), Decimal("5.0"), Decimal("1100.50"), Decimal("55.03"))),
    Decimal("135.03"), ("NC-2026-00007", date(2026, 7, 10)))


def test_a_statement_reads_back_from_its_json_as_it_was_to_each_decimal_s_form():
    """Decimals keep their places (`5.0` stays `5.0`, `12.000` `12.000`): the reprint's cells
    and texts (*Da 5.000 – 5,0 %*) are the first printing's."""
    again = DiscountStatement.from_text(STATEMENT.text())
    assert again == STATEMENT
    assert str(again.reached[1]) == "5.0" and str(again.counted[0].quantity) == "12.000"
    assert again.seller.rea_number == "123456" and again.credit_note == ("NC-2026-00007", date(2026, 7, 10))


def test_a_ledger_of_schema_39_gains_the_kept_statement(ledger):
    """Upgraded from schema 39 (on SQLite and PostgreSQL), the settlements gain the column that
    keeps each statement, empty for those recorded before."""
    migrate(ledger)
    back_to(ledger, 39, {"volume_settlements": ["statement"]})
    with reading(ledger) as conn:
        assert "statement" not in {c["name"] for c in inspect(conn).get_columns("volume_settlements")}
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert "statement" in {c["name"] for c in inspect(conn).get_columns("volume_settlements")}
