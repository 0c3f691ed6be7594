"""The complete list of a past day names each shipped order's customer and delivery address as
its DDT printed them, not as the master says since (`toolkit.ledger.deliveries.shipped_as`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
from test_issued_parties import moved
from test_printing import cli

DAY = "2026-04-09"
NAME, ADDRESS, ORDER, SHIPPED = 3, 4, 5, 11
"""The complete list's columns: customer name, delivery address, order, quantity shipped."""


def _rows(path: Path) -> list[tuple]:
    sheet = openpyxl.load_workbook(path).active
    return [row for row in sheet.iter_rows(min_row=5, values_only=True) if row[ORDER]]


def test_a_complete_list_printed_again_names_the_customers_as_their_ddts_did(capsys, tmp_path, sample_workbook,
                                                                             ledger_url):
    """The sample's 9 April created and shipped, its complete list printed; every customer
    then renamed and moved, every destination moved: printed again, the list names each shipped
    order's customer and address as before, cell for cell, and an order not shipped as the
    master says now, where `ship` will send it."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    for args in (("orders", "create", workbook, "--date", DAY), ("ship", workbook, "--date", DAY, "--all")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    first, again = tmp_path / "first.xlsx", tmp_path / "again.xlsx"
    code, said = cli(capsys, "distribution", workbook, "--date", DAY, "--complete", "--out", first, "--ledger", ledger_url)
    assert code == 0, said
    moved(workbook)
    code, said = cli(capsys, "distribution", workbook, "--date", DAY, "--complete", "--out", again, "--ledger", ledger_url)
    assert code == 0, said
    before, after = _rows(first), _rows(again)
    shipped = {row[ORDER] for row in before if row[SHIPPED]}
    assert shipped and len(before) == len(after)
    named = {(row[ORDER], row[NAME], row[ADDRESS]) for row in before if row[ORDER] in shipped}
    assert {(row[ORDER], row[NAME], row[ADDRESS]) for row in after if row[ORDER] in shipped} == named
    assert not any("NUOVO" in row[NAME] or "Via Altrove" in row[ADDRESS] or "Piazza Nuova" in row[ADDRESS]
                   for row in after if row[ORDER] in shipped)
    waiting = [row for row in after if row[ORDER] not in shipped]
    assert waiting and all(row[NAME].endswith(" NUOVO") for row in waiting)


CARRIER = 1
"""The complete list's carrier column."""


def _sample(capsys, tmp_path, sample_workbook, ledger_url, *ship) -> Path:
    """The sample's 9 April created and shipped (`ship`: `ship`'s further options)."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    for args in (("orders", "create", workbook, "--date", DAY), ("ship", workbook, "--date", DAY, "--all", *ship)):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    return workbook


def _company(path: Path) -> tuple[str, str]:
    """The company a list names under its title, and in its page header."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return sheet["A2"].value, sheet.oddHeader.right.text


def test_a_complete_list_printed_again_is_headed_by_the_seller_its_ddts_printed(capsys, tmp_path, sample_workbook,
                                                                               ledger_url):
    """The seller renamed in *Impostazioni* after 9 April shipped: the complete list of the 9th,
    a record of goods shipped, is headed as its DDTs printed the seller, cell and page header,
    where it took today's name; the distribution and production lists, what is still to do,
    take today's."""
    workbook = _sample(capsys, tmp_path, sample_workbook, ledger_url)
    first = tmp_path / "first.xlsx"
    code, said = cli(capsys, "distribution", workbook, "--date", DAY, "--complete", "--out", first, "--ledger", ledger_url)
    assert code == 0, said
    seller, header = _company(first)
    assert seller and seller in header and seller != "Venditore Rinominato S.p.A."
    moved(workbook)
    outs = {name: tmp_path / f"{name}.xlsx" for name in ("complete", "distribution", "production")}
    for name, args in (("complete", ("distribution", "--complete")), ("distribution", ("distribution",)),
                       ("production", ("production",))):
        code, said = cli(capsys, *args[:1], workbook, "--date", DAY, *args[1:], "--out", outs[name],
                         "--ledger", ledger_url)
        assert code == 0, said
    assert _company(outs["complete"]) == (seller, header)
    for name in ("distribution", "production"):
        renamed, renamed_header = _company(outs[name])
        assert renamed == "Venditore Rinominato S.p.A." and renamed in renamed_header, name


def test_a_complete_list_names_the_carrier_its_ddt_printed(capsys, tmp_path, sample_workbook, ledger_url):
    """9 April shipped by hand with V04 (`ship --carrier`), whatever each route's carrier, then
    every carrier renamed: the complete list names V04 as the DDTs printed it on each shipped
    order, where it named each route's carrier as *Vettori* says today, and an order not
    shipped its route's carrier by today's name."""
    workbook = _sample(capsys, tmp_path, sample_workbook, ledger_url, "--carrier", "V04")
    moved(workbook)
    again = tmp_path / "again.xlsx"
    code, said = cli(capsys, "distribution", workbook, "--date", DAY, "--complete", "--out", again,
                     "--ledger", ledger_url)
    assert code == 0, said
    rows = _rows(again)
    orders = {row[ORDER] for row in rows if row[SHIPPED]}
    shipped = [row for row in rows if row[ORDER] in orders]
    assert shipped and {row[CARRIER] for row in shipped} == {"Trasporti del Sud S.p.A."}
    waiting = [row[CARRIER] for row in rows if row[ORDER] not in orders]
    assert waiting and all(carrier.endswith(" NUOVO") or carrier == "Mittente" for carrier in waiting), waiting


ORDER_DATE = 6
"""The complete list's column of the order's date."""


def _over_a_rename(capsys, tmp_path, sample_workbook, ledger_url) -> tuple[Path, str, str]:
    """The complete list of 9 and 10 April, the seller renamed in *Impostazioni* between the two
    days' ships: its file, the old name and the new."""
    workbook = _sample(capsys, tmp_path, sample_workbook, ledger_url)
    first = tmp_path / "first.xlsx"
    assert cli(capsys, "distribution", workbook, "--date", DAY, "--complete", "--out", first, "--ledger", ledger_url)[0] == 0
    old = _company(first)[0]
    moved(workbook)
    for args in (("orders", "create", workbook, "--date", "2026-04-10"),
                 ("ship", workbook, "--date", "2026-04-10", "--all")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    both = tmp_path / "both.xlsx"
    code, said = cli(capsys, "distribution", workbook, "--date", DAY, "--to", "2026-04-10", "--complete",
                     "--out", both, "--ledger", ledger_url)
    assert code == 0, said
    return both, old, "Venditore Rinominato S.p.A."


def test_a_complete_list_over_a_rename_heads_each_order_with_the_seller_its_ddt_printed(capsys, tmp_path,
                                                                                      sample_workbook, ledger_url):
    """9 April shipped, the seller renamed in *Impostazioni*, 10 April shipped: the complete list
    of both days was headed by the new name alone, though the 9th's DDTs print the old one. It
    names both, the latest last, and each name heads, in a row of its own, the routes of the
    orders its DDTs shipped: an auditor reads each line under the seller its DDT shows."""
    both, old, new = _over_a_rename(capsys, tmp_path, sample_workbook, ledger_url)
    company, header = _company(both)
    assert company == f"{old}, poi {new}" and company in header
    sheet = openpyxl.load_workbook(both).worksheets[0]
    under: dict[str, set] = {}
    seller = None
    for row in sheet.iter_rows(min_row=5, values_only=True):
        if isinstance(row[0], str) and row[0].startswith("Venditore: "):
            assert row[1:] == (None,) * (len(row) - 1)
            seller = row[0].removeprefix("Venditore: ")
            continue
        if row[ORDER]:
            under.setdefault(seller, set()).add((row[ORDER], row[ORDER_DATE].date().isoformat()))
    assert set(under) == {old, new}, under.keys()
    assert under[old] and {day for _, day in under[old]} == {DAY}
    assert any(day == "2026-04-10" for _, day in under[new])
    assert not {number for number, _ in under[old]} & {number for number, _ in under[new]}
    rows = [row[0] for row in sheet.iter_rows(min_row=5, values_only=True)]
    assert rows.index(f"Venditore: {old}") < rows.index(f"Venditore: {new}")


def test_a_complete_list_over_a_rename_names_each_lines_seller_in_a_column_the_filter_keeps(
        capsys, tmp_path, sample_workbook, ledger_url):
    """The «Venditore: …» row heading a seller's routes holds nothing in the other columns: the
    list's filter on Zona, or on a customer, hid it, and the lines shown were read under no
    seller, or the wrong one. Each line names its DDT's seller in a column of its own, inside
    the filter, which filters by it too."""
    both, old, new = _over_a_rename(capsys, tmp_path, sample_workbook, ledger_url)
    sheet = openpyxl.load_workbook(both).worksheets[0]
    heads = [cell.value for cell in sheet[4]]
    assert heads[-1] == "Venditore", heads
    assert sheet.auto_filter.ref.split(":")[1].startswith(sheet.cell(4, len(heads)).column_letter)
    heading, named = None, []
    for row in sheet.iter_rows(min_row=5, values_only=True):
        if isinstance(row[0], str) and row[0].startswith("Venditore: "):
            heading = row[0].removeprefix("Venditore: ")
        elif row[ORDER]:
            named.append((heading, row[-1]))
    assert {seller for _, seller in named} == {old, new} and all(h == seller for h, seller in named), named
    first = tmp_path / "first.xlsx"
    assert "Venditore" not in [cell.value for cell in openpyxl.load_workbook(first).worksheets[0][4]]
