"""An order imported from an order form has no template, as a confirmed order has none: its
`form_digest` keys it. Version 12 of the ledger moves the forms imported before it (whose
`template` held `form-<digest>`) the same way; template orders keep theirs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from older_ledgers import back_to
from sqlalchemy import select, update

from toolkit.basics.cells import Location
from toolkit.core.forms import Form, FormLine, form_key, price_form
from toolkit.core.orders import OrderStatus
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading, writing
from toolkit.ledger.forms import insert_form_orders
from toolkit.ledger.orders import load_orders
from toolkit.services.orders import create

o = schema.orders.c
DIGEST = "cd" * 32


def stored_form(ledger, master) -> None:
    form = Form("ordine.xlsx", DIGEST, "C001", date(2026, 4, 10), None, None,
                (FormLine("A001", Decimal(2), None, None, Location("Ordine", "A8")),), {})
    draft, problems = price_form(master, form)
    assert problems == [] and draft is not None
    with writing(ledger) as conn:
        insert_form_orders(conn, [draft], ["ordine.xlsx"], [DIGEST], "OR", OrderStatus.IN_PROGRESS, lang="it")


def test_a_form_s_order_is_stored_without_a_template(ledger, minimal_master):
    stored_form(ledger, minimal_master)
    with reading(ledger) as conn:
        [order] = load_orders(conn)
        assert conn.execute(select(o.template, o.origin, o.form_digest)).one() == (None, "form:ordine.xlsx", DIGEST)
    assert (order.template, str(order.origin), order.origin.shown("it")) == (None, "form:ordine.xlsx",
                                                                          "Modulo ordine.xlsx")


def test_a_version_11_ledger_moves_its_forms_out_of_template(ledger_url, minimal_master):
    ledger = open_ledger(ledger_url)
    create(minimal_master, ledger, date(2026, 4, 9), lang="it")
    stored_form(ledger, minimal_master)
    with writing(ledger) as conn:  # as versions 11 to 14 stored it
        conn.execute(update(schema.orders).where(o.form_digest == DIGEST).values(template=form_key(DIGEST)))
        back_to(conn, 11)
        before = conn.execute(select(o.template, o.occurrence).where(o.form_digest.is_(None))).all()
    ledger.engine.dispose()
    upgraded = open_ledger(ledger_url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION == 48
        assert conn.execute(select(o.template).where(o.form_digest == DIGEST)).scalar_one() is None
        assert conn.execute(select(o.template, o.occurrence).where(o.form_digest.is_(None))).all() == before
        assert before and all(t is not None for t, _ in before)
    upgraded.engine.dispose()
