"""A volume discount's base is net of what credit notes took back of the period's invoices
(`invoice credit` notes, whole or by lines, and returns), counted in the invoice's period
whatever the note's own date and at the line it takes back; preview and settlement agree.

The desk's October: C020's FT-2026-00005 sells 2 bottles of A033 (13,10 €) and 10 of A032
(53,00 €), water, and 5 of A057 (54,25 €), not water; SV-ACQUA counts 12 bottles, 66,10 €."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select
from test_credit_notes import credit, desk, toolkit  # noqa: F401  (desk: the fixture)

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading

INVOICE = "FT-2026-00005"


@pytest.fixture
def october(capsys, desk, tmp_path, rome_today):  # noqa: F811
    """October shipped and invoiced final on the desk; today is 3 November, nothing settled."""
    assert toolkit(capsys, desk, "ship", "--date", "2026-10-01", "--all")[0] == 0
    rome_today(date(2026, 11, 3))
    assert toolkit(capsys, desk, "invoice run", "--month", "2026-10", "--final", "--out", tmp_path / "mese")[0] == 0
    return desk


def brackets(desk, **cells) -> None:  # noqa: F811
    """Set cells of the workbook's *Sconti volume* (SV-ACQUA: I4 the first bracket's %, H5 where
    the 1,5 % bracket starts)."""
    workbook, _ = desk
    book = openpyxl.load_workbook(workbook)
    for cell, value in cells.items():
        book["Sconti volume"][cell] = value
    book.save(workbook)


def water(capsys, desk, *args) -> dict:  # noqa: F811
    """C020's SV-ACQUA settlement of October, settled (or previewed) on 3 November."""
    code, out = toolkit(capsys, desk, "discounts settle", "--period", "2026-10", "--date", "2026-11-03", *args)
    assert code == 0, out["problems"]
    return next(s for s in out["settlements"] if (s["discount"], s["customer"]) == ("SV-ACQUA", "C020"))


def cited_base(url: str, note: str) -> dict[str, Decimal]:
    """The base a discount note's citations say it was counted on, by invoice number."""
    i, c = schema.invoices.c, schema.invoice_citations.c
    cited = schema.invoices.alias("cited")
    with reading(open_ledger(url)) as conn:
        rows = conn.execute(select(cited.c.series, cited.c.year, cited.c.number, c.base)
                            .join(schema.invoices, i.id == c.credit_note_id).join(cited, cited.c.id == c.invoice_id)
                            .where(i.series + "-" + i.year.cast(schema.String) == note.rsplit("-", 1)[0],
                                   i.number == int(note.rsplit("-", 1)[1])))
        return {f"{s}-{y}-{n:05d}": Decimal(b) for s, y, n, b in rows}


def test_an_invoice_credited_in_full_after_its_period_earns_no_discount(capsys, october):
    """Credited on 2 November, it counts in October, the invoice's period: no base, no note."""
    brackets(october, I4=10)
    before = water(capsys, october, "--preview")
    assert (Decimal(before["base"]), Decimal(before["discount_amount"]), before["invoices"]) == (
        Decimal("66.10"), Decimal("6.61"), [INVOICE])
    code, out = credit(capsys, october, INVOICE, "--date", "2026-11-02")
    assert code == 0, out["problems"]
    for args in (("--preview",), ()):
        s = water(capsys, october, *args)
        assert (Decimal(s["base"]), Decimal(s["quantity"]), Decimal(s["discount_amount"])) == (0, 0, 0), args
        assert (s["credit_note"], s["invoices"]) == (None, []), args


def test_a_credit_by_lines_takes_off_the_base_exactly_what_it_took_back_of_the_discount_s_goods(
        capsys, october, tmp_path):
    """`--lines 2,3:4`: all the A057 (no water, no change) and 4 bottles of A032 (21,20 €): the
    base falls by 21,20 € and 4 bottles, the note cites the invoice for what is left, and the
    statement shows the 21,20 € under *Accreditato* beside the base."""
    brackets(october, I4=10)
    code, out = credit(capsys, october, INVOICE, "--lines", "2,3:4", "--date", "2026-11-02")
    assert code == 0 and Decimal(out["credit_note"]["taxable"]) == Decimal("-75.45"), out["problems"]
    preview = water(capsys, october, "--preview")
    settled = water(capsys, october, "--out", tmp_path / "sconti")
    for s in (preview, settled):
        assert (Decimal(s["base"]), Decimal(s["quantity"]), Decimal(s["credited"]), Decimal(s["discount_amount"])) == (
            Decimal("44.90"), Decimal("8"), Decimal("-21.20"), Decimal("4.49"))
        assert s["invoices"] == [INVOICE]
    assert Decimal(preview["total"]) == Decimal(settled["total"]) == Decimal("-5.48")
    assert cited_base(october[1], settled["credit_note"]) == {INVOICE: Decimal("44.90")}
    rows = list(openpyxl.load_workbook(tmp_path / "sconti" / "sconto-volume-2026-10-C020.xlsx").active
                .iter_rows(values_only=True))
    head = next(r for r in rows if r[0] == "Numero")
    assert head[3:6] == ("Imponibile", "Quantità", "Accreditato")
    assert next(r for r in rows if r[0] == INVOICE)[3:6] == (44.9, 8, -21.2)


def test_a_bracket_reached_only_with_goods_credited_back_is_not_reached(capsys, october):
    """SV-ACQUA gives 1,5 % from 12 bottles, C020's 12 exactly; one bottle credited leaves 11."""
    brackets(october, H5=12)
    assert water(capsys, october, "--preview")["bracket"] == {"from": "12", "percent": "1.5"}
    assert credit(capsys, october, INVOICE, "--lines", "1:1", "--date", "2026-11-02")[0] == 0
    for args in (("--preview",), ()):
        s = water(capsys, october, *args)
        assert (Decimal(s["quantity"]), s["bracket"], Decimal(s["discount_amount"]), s["credit_note"]) == (
            Decimal("11"), {"from": "0", "percent": "0"}, 0, None), args
