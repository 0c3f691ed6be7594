"""The printed documents against approved references in `tests/reference/`: the order
documents of 9 April 2026, the DDTs of that day's shipment, and April's month-end invoicing
run — the accountants' workbook and the printable invoices — all from the bundled sample.

A change to a writer that moves a cell shows here as a diff of the sheet's XML. When the change
is intended, approve the new files (see `xlsx_reference`, and README › Reference files):

    TOOLKIT_APPROVE=1 .venv/bin/python -m pytest tests/test_reference_files.py

What would differ from run to run is fixed or dropped: the dates are fixed (the invoicing
run's "today" too, which the command line takes from the clock); the run id, a random one in
the ledger, is passed to the writer as a fixed value; the workbooks' creation and modification
times are dropped by the comparison. Nothing here prints the user's name.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from xlsx_reference import REFERENCES, check_against_reference

from toolkit.writers.libreoffice import convert, soffice

DAY = date(2026, 4, 9)
APRIL = (date(2026, 4, 1), date(2026, 4, 30))
CLOSING_DAY = date(2026, 5, 4)
"""The first working day after April: the invoicing run's "today"."""
RUN_ID = "20260430-00000000"
"""Shaped like a real run id (invoice date, then eight hex digits), fixed."""

KINDS = {"ordini": "ordini.xlsx", "ddt": "ddt.xlsx", "fatture": "fatture.xlsx", "copie-fatture": "copie-fatture.xlsx"}
"""Document kind → its reference file."""


def build_documents(master, out: Path) -> dict[str, Path]:
    """Every working day of April create the day's orders and ship every open order, as a user
    of `toolkit orders create` and `toolkit ship --all` would; print the orders and DDTs of
    `DAY`; then invoice April as `toolkit invoice --month 2026-04 --copies` does."""
    from toolkit.core.invoicing import Period, Request
    from toolkit.core.workdays import working_calendar
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.ledger.orders import load_orders
    from toolkit.services.invoicing import run
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship
    from toolkit.writers.accountants import write_accountants
    from toolkit.writers.ddt import write_delivery_notes
    from toolkit.writers.orders_book import write_order_documents

    ledger = open_ledger(f"sqlite:///{out / 'ledger.sqlite'}")
    calendar = working_calendar(master.settings, master.closures)
    written: dict[str, Path] = {}
    for day in (APRIL[0] + timedelta(days=n) for n in range((APRIL[1] - APRIL[0]).days + 1)):
        if not calendar.is_working(day):
            continue
        made = create(master, ledger, day, with_catch_up=False, lang="it")
        if day == DAY:
            numbers = {r["number"] for r in made.created + made.already_existing}
            with reading(ledger) as conn:
                printed = [o for o in load_orders(conn, occurrence_to=day) if o.number in numbers]
            written["ordini"] = write_order_documents(out / "ordini.xlsx", master, printed)
        shipped = ship(master, ledger, day, all_open=True, lang="it")
        if day == DAY:
            written["ddt"] = write_delivery_notes(out / "ddt.xlsx", master, shipped.notes)

    def write_files(invoices, _random_run_id):
        written["fatture"], written["copie-fatture"], _ = write_accountants(out, master, invoices, RUN_ID, copies=True)

    invoiced = run(ledger, master, Request(Period(*APRIL), CLOSING_DAY), then=write_files, lang="it")
    assert invoiced.run_id and not [p for p in invoiced.problems if p.is_error]
    ledger.engine.dispose()
    return written


@pytest.fixture(scope="module")
def documents(tmp_path_factory, sample_master) -> dict[str, Path]:
    return build_documents(sample_master, tmp_path_factory.mktemp("reference-documents"))


def test_every_document_kind_was_written(documents):
    assert set(documents) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_document_matches_its_approved_reference(documents, kind):
    check_against_reference(documents[kind], KINDS[kind])


TITLES = {"ordini": "ORDINE CLIENTE OC-2026-", "ddt": "DOCUMENTO DI TRASPORTO",
          "fatture": f"Fatture dell'emissione {RUN_ID} – solo questa emissione", "copie-fatture": "FATTURA DIFFERITA n. FT-2026-"}
"""What each reference's first sheet shows near its top."""
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"
"""LibreOffice's CSV filter: comma, double quotes, UTF-8, from the first line."""


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_opens_the_reference(tmp_path, kind):
    csv = convert(REFERENCES / KINDS[kind], CSV_UTF8, tmp_path)
    assert TITLES[kind] in "\n".join(csv.read_text(encoding="utf-8").splitlines()[:6])
