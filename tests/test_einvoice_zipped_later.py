"""`toolkit einvoice --zip` over files written before and never zipped: a desk that sent its
first files one by one, or wrote them to look at before sending, zips them later. The zip holds
the files as they were written, under their names, takes a progressive of its own, and the
ledger records them zipped, so the next zip leaves them out; those an earlier zip held stay
out of it. With errors elsewhere in the workbook it is refused, saying why: the zip is new to
SDI."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from sqlalchemy import select
from test_printing import cli, cli_apart
from test_reprint_despite_errors import _invoiced_c001, _set

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading

MONTH = ("--month", "2026-04")


def _files(url: str) -> dict[str, tuple[str, str | None]]:
    """Invoice number → (its file's progressive, the progressive of the zip that first held it)."""
    zips = schema.einvoice_files.alias("z")
    f, z, i = schema.einvoice_files.c, zips.c, schema.invoices.c
    with reading(open_ledger(url)) as conn:
        rows = conn.execute(select(i.series, i.year, i.number, f.progressive, z.progressive)
                            .join(schema.invoices, i.id == f.invoice_id).outerjoin(zips, z.number == f.zipped_in))
        return {f"{s}-{y}-{n:05d}": (own, zip_) for s, y, n, own, zip_ in rows}


def _zip_folder(capsys, workbook, url, folder, *more) -> dict:
    code, said, err = cli_apart(capsys, "einvoice", workbook, *MONTH, "--out", folder, "--zip", *more, "--ledger", url,
                                "--json")
    assert code == 0, said + err
    return json.loads(said)


def test_files_written_and_never_zipped_go_into_a_new_zip_under_their_names(capsys, tmp_path, sample_workbook):
    workbook, url = _invoiced_c001(capsys, tmp_path, sample_workbook)
    code, said = cli(capsys, "einvoice", workbook, *MONTH, "--out", tmp_path / "sent", "--ledger", url)
    assert code == 0 and not list((tmp_path / "sent").glob("*.zip")), said
    sent = {p.name: p.read_bytes() for p in (tmp_path / "sent").glob("*.xml")}
    before = _files(url)
    assert sorted(before) == ["FT-2026-00001", "FT-2026-00002"] and all(z is None for _, z in before.values())

    reply = _zip_folder(capsys, workbook, url, tmp_path / "zipped")
    [archive] = [tmp_path / "zipped" / a for a in reply["archives"]]
    with zipfile.ZipFile(archive) as bundle:
        assert {name: bundle.read(name) for name in bundle.namelist()} == sent
    after = _files(url)
    [zip_progressive] = {z for _, z in after.values()}
    assert {n: own for n, (own, _) in after.items()} == {n: own for n, (own, _) in before.items()}
    assert zip_progressive not in {own for own, _ in after.values()}
    assert archive.name == f"{next(iter(sent)).split('_')[0]}_{zip_progressive}.zip"
    assert [p["code"] for p in reply["problems"]] == []

    again = _zip_folder(capsys, workbook, url, tmp_path / "again")
    assert again["archives"] == [] and [p["code"] for p in again["problems"]] == ["einvoice-already-zipped"]
    assert _files(url) == after


def test_a_zip_of_the_month_takes_only_the_file_no_zip_held(capsys, tmp_path, sample_workbook):
    """C001's files zipped; the other customers' invoiced later, their files written and not zipped:
    the month's next zip holds those files alone, the others left out as zipped already."""
    workbook, url = _invoiced_c001(capsys, tmp_path, sample_workbook)
    first = _zip_folder(capsys, workbook, url, tmp_path / "c001")
    code, said = cli(capsys, "invoice", workbook, *MONTH, "--final", "--out", tmp_path / "run2", "--ledger", url)
    assert code == 0, said
    code, said = cli(capsys, "einvoice", workbook, *MONTH, "--out", tmp_path / "plain", "--ledger", url)
    assert code == 0, said
    unzipped = sorted(n for n, (_, z) in _files(url).items() if z is None)
    assert unzipped and not set(unzipped) & {f["invoice"] for f in first["files"]}
    reply = _zip_folder(capsys, workbook, url, tmp_path / "later")
    [archive] = [tmp_path / "later" / a for a in reply["archives"]]
    names = {f["invoice"]: f["file"] for f in reply["files"]}
    with zipfile.ZipFile(archive) as bundle:
        assert sorted(bundle.namelist()) == sorted(Path(names[n]).name for n in unzipped)
    assert {left["invoice"] for left in reply["left_out"]} == {f["invoice"] for f in first["files"]}
    assert archive.name not in first["archives"] and all(z is not None for _, z in _files(url).values())


def test_zipping_never_zipped_files_despite_errors_elsewhere_is_refused_saying_why(capsys, tmp_path, sample_workbook):
    workbook, url = _invoiced_c001(capsys, tmp_path, sample_workbook)
    assert cli(capsys, "einvoice", workbook, *MONTH, "--out", tmp_path / "sent", "--ledger", url)[0] == 0
    before = _files(url)
    cell = _set(workbook, "Prezzi", 2, "Prezzo di listino", "tanto")
    code, said = cli(capsys, "einvoice", workbook, *MONTH, "--out", tmp_path / "zipped", "--zip", "--ledger", url)
    assert code == 1 and f"Prezzi!{cell}" in said, said
    assert ("Questa esportazione metterebbe FT-2026-00001, FT-2026-00002, mai in uno zip finora, in uno zip per lo "
            "SDI con un nome nuovo: è qualcosa di nuovo per lo SDI") in said, said
    assert _files(url) == before
    assert not (tmp_path / "zipped").exists() or not any((tmp_path / "zipped").iterdir())
