"""A run's returns matched over only the lines of the goods they give back
(`core.credit_notes.planned_of`) take back exactly what they took back over every line of the
run's invoices (`planned`): the same parts of the same lines, in the same order, the same
refusals. On randomized ledgers with returns (`test_invoicing_setwise.fill`), some of their
returns credited already by an earlier run."""

from __future__ import annotations

import random

import pytest
from test_invoicing import AFTER_APRIL, APRIL
from test_invoicing_setwise import fill, random_master

from toolkit.core.credit_notes import a_return, planned, returns_matched, take_back
from toolkit.core.invoicing import Request
from toolkit.ledger import open_ledger
from toolkit.ledger.credit_notes import sold_for
from toolkit.ledger.db import reading
from toolkit.services.invoicing import billables_for


def _april(tmp_path, seed):
    """A random ledger's April planned: its invoices, the returns' notes among them, and what
    the ledger's final invoices sold of the goods the notes give back."""
    rng = random.Random(1000 + seed)
    master = random_master(rng)
    ledger = open_ledger(f"sqlite:///{tmp_path / f'matched-{seed}.sqlite'}")
    fill(ledger, master, rng)
    request = Request(APRIL, AFTER_APRIL)
    with reading(ledger) as conn:
        invoices = billables_for(conn, master, request).plan(master, request).invoices
        notes = [x for x in invoices if a_return(x)]
        issued = sold_for(conn, notes, None)
    ledger.engine.dispose()
    return invoices, notes, issued


@pytest.mark.parametrize("seed", range(8))
def test_returns_matched_over_their_goods_alone_take_back_what_every_line_gave(tmp_path, seed):
    invoices, notes, issued = _april(tmp_path, seed)
    got = returns_matched(invoices, issued)
    taken, over = take_back(notes, [*issued, *planned(invoices)]) if notes else ([], [])
    assert (list(got.taken), list(got.over)) == (taken, over)


def test_some_seed_has_returns_taken_back_from_the_runs_own_invoices(tmp_path):
    """The comparison above is not empty: a seed's returns take goods back from its own run."""
    invoices, _, issued = _april(tmp_path, 0)
    assert any(t.sold.invoice_id is None for t in returns_matched(invoices, issued).taken)
