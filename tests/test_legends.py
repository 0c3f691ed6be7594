"""The terminal tables' marks explained: the audit found `02/11/2026*` in `orders preview` and
`(-32)` in `payments status` with no word of what they mean."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from toolkit.core.payments import PaymentStatus
from toolkit.services.orders import Preview, PreviewRow


def _row(changed: bool) -> PreviewRow:
    return PreviewRow(date(2026, 11, 2), "T001", "C001", "Rossi", None, 1, D(1), D(10), None, changed, False)


def test_the_preview_explains_the_asterisk_of_a_moved_date(capsys):
    from toolkit.cli.tables import print_preview

    print_preview(Preview(date(2026, 11, 2), [_row(True)], {}, []), "it")
    out = capsys.readouterr().out
    assert "02/11/2026*" in out
    assert out.splitlines()[-1] == "* data spostata dal calendario o toccata da un'eccezione"
    print_preview(Preview(date(2026, 11, 2), [_row(False)], {}, []), "en")
    assert "* date moved" not in capsys.readouterr().out


def test_payments_status_explains_the_sign_of_the_days(capsys):
    from toolkit.cli.tables import print_payments

    late = PaymentStatus("FT-2026-00001", "invoice", date(2026, 9, 30), "C001", "BB", D(100), D(0), D(100), False,
                         date(2026, 10, 31), D(100), -32, None, date(2026, 12, 2))
    print_payments([late], "it")
    lines = capsys.readouterr().out.splitlines()
    assert any("(-32)" in line for line in lines)
    assert lines[-1] == "(+N) giorni alla scadenza, (-N) giorni di ritardo"
    print_payments([late], "en")
    assert capsys.readouterr().out.splitlines()[-1] == "(+N) days to the due date, (-N) days overdue"
