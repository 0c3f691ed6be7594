"""The terminal's tables: a long one is printed as plain aligned text, fast, with the same
columns, the numbers right-aligned and the colours' markup left out."""

from __future__ import annotations

from toolkit.cli import tables


def test_a_long_table_prints_as_plain_aligned_text(monkeypatch, capsys):
    table = tables._table("Ordini", ("Ordine", "Cliente", "Importo"), right=(2,), wraps=(1,))
    rows = [("OC-2026-00001", "Bar Italia", "1.234,50 €"), ("OC-2026-00002", "Caffè Nazionale", "[red]-5,00 €[/red]"),
            ("OC-2026-00003", "B", "0,00 €")]
    for row in rows:
        table.add_row(*row)
    monkeypatch.setattr(tables, "LONG_TABLE", len(rows) - 1)
    tables._show(table)
    title, head, rule, *lines = capsys.readouterr().out.splitlines()
    assert title == "Ordini" and head.split() == ["Ordine", "Cliente", "Importo"] and set(rule) == {"─", " "}
    assert [line.split("  ")[0] for line in lines] == [r[0] for r in rows]
    assert lines[1].endswith("-5,00 €") and "[red]" not in lines[1]
    assert len({len(line) for line in [head, rule, *lines]}) == 1  # the amounts end where the heading does
    assert lines[1].index("Caffè Nazionale") == head.index("Cliente")


def test_a_short_table_is_still_laid_out_by_rich(capsys):
    table = tables._table(None, ("Ordine", "Importo"), right=(1,))
    table.add_row("OC-2026-00001", "[red]-5,00 €[/red]")
    tables._show(table)
    out = capsys.readouterr().out
    assert "OC-2026-00001" in out and "-5,00 €" in out and "─" in out and "[red]" not in out
