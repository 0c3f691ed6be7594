"""The customer's position at order time shows its open requests: how many, and the latest one's
text — in the service's preview, `orders preview` (table and JSON) and the Excel preview sheet."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path

import minimal
from fakebook import FakeBook

import toolkit.excel as x
from toolkit.basics.vocab import RequestKind
from toolkit.cli import app, output
from toolkit.ledger import open_ledger
from toolkit.ledger.db import writing
from toolkit.ledger.requests import open_request
from toolkit.services.orders import preview
from toolkit.services.requests import add, close

APRIL_9 = date(2026, 4, 9)


def test_a_request_opened_on_a_customer_shows_in_its_next_preview(tmp_path, sample_master):
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    before = preview(sample_master, ledger, APRIL_9, with_catch_up=False)
    customer = before.rows[0].customer
    other = next(r.customer for r in before.rows if r.customer != customer)
    assert before.open_requests(customer).count == 0 and before.open_requests(customer).latest is None
    settled = add(sample_master, ledger, customer, RequestKind.COMPLAINT, "Pallet rotto").request
    add(sample_master, ledger, customer, RequestKind.REQUEST, "Campioni del nuovo articolo")
    add(sample_master, ledger, customer, RequestKind.INFORMATION, "Listino 2027")
    assert settled is not None
    close(ledger, settled.id)
    after = preview(sample_master, ledger, APRIL_9, with_catch_up=False)
    assert after.open_requests(customer).count == 2
    assert after.open_requests(customer).latest == "Listino 2027"
    assert after.open_requests(other).count == 0
    ledger.engine.dispose()


def _toolkit(args: list[str], capsys) -> tuple[int, str]:
    app._register()
    output.reset()
    code = app.run(args)
    return code, capsys.readouterr().out


def test_the_command_line_preview_shows_open_requests(tmp_path, sample_workbook, capsys):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    code, answer = _toolkit(["orders", "preview", str(workbook), "--date", "2026-04-09", "--json"], capsys)
    customers = json.loads(answer)["customers"]
    customer = sorted(customers)[0]
    assert customers[customer]["open_requests"] == 0 and customers[customer]["latest_request"] is None
    assert _toolkit(["requests", "add", str(workbook), "--customer", customer, "--kind", "reclamo",
                     "--text", "Consegna in ritardo"], capsys)[0] == 0
    code, answer = _toolkit(["orders", "preview", str(workbook), "--date", "2026-04-09", "--json"], capsys)
    assert code == 0
    shown = json.loads(answer)["customers"][customer]
    assert (shown["open_requests"], shown["latest_request"]) == (1, "Consegna in ritardo")
    code, table = _toolkit(["orders", "preview", str(workbook), "--date", "2026-04-09"], capsys)
    assert "Richieste aperte" in table
    assert "1: Consegna in ritardo" in table


def test_the_excel_preview_shows_open_requests(tmp_path):
    book = FakeBook("ordini-ricorrenti.xlsm",
                    {"Pannello": [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 4, 9)]],
                     **minimal.sheets()},
                    fullname=str(tmp_path / "ordini-ricorrenti.xlsm"), names={"DataOrdini": "B3"})
    x.preview_orders(book)
    rows = book.sheet("Anteprima ordini").rows()
    at = rows[0].index("Richieste aperte")
    assert rows[0][at:at + 2] == ["Richieste aperte", "Ultima richiesta"]
    assert rows[1][3] == "C001" and rows[1][at:at + 2] == [0, None]
    ledger = open_ledger(None, Path(tmp_path / "ordini-ricorrenti.xlsm"))
    with writing(ledger) as conn:
        open_request(conn, "C001", RequestKind.WARRANTY, "Sostituzione in garanzia")
    ledger.engine.dispose()
    x.preview_orders(book)
    rows = book.sheet("Anteprima ordini").rows()
    assert rows[1][at:at + 2] == [1, "Sostituzione in garanzia"]
