"""`toolkit einvoice` and its service: the files of final invoices only, each named with a
progressive the ledger keeps for ever, zips for SDI, and the command's exit codes and JSON.

The month is April on the bundled sample, made once as a user would (orders created and
shipped every working day, immediate invoices issued then, the month-end run left a draft);
each test works on a copy of that ledger.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from command_line import as_process as toolkit
from fatturapa_reading import read
from sqlalchemy import func, select

from toolkit.core.invoicing import InvoiceKind, InvoiceStatus, Period
from toolkit.ledger import Ledger, open_ledger, schema
from toolkit.ledger.db import reading
from toolkit.ledger.invoices import load_invoices
from toolkit.services import einvoice, invoicing
from toolkit.writers.fatturapa import write_archives

APRIL = Period(date(2026, 4, 1), date(2026, 4, 30))
CLOSING_DAY = date(2026, 5, 4)
LATE = "einvoice-immediate-late"


@dataclass(frozen=True)
class Made:
    ledger_file: Path
    run_id: str


@pytest.fixture(scope="module")
def made(tmp_path_factory, sample_master) -> Made:
    """April day by day (`toolkit orders create`, `toolkit ship --all`), then `toolkit invoice
    --month 2026-04`: a draft run beside the immediate invoices issued with their orders."""
    from toolkit.core.invoicing import Request
    from toolkit.core.workdays import working_calendar
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    folder = tmp_path_factory.mktemp("einvoice-export")
    ledger = open_ledger(f"sqlite:///{folder / 'ledger.sqlite'}")
    calendar = working_calendar(sample_master.settings, sample_master.closures)
    for day in (APRIL.start + timedelta(days=n) for n in range(30)):
        if calendar.is_working(day):
            create(sample_master, ledger, day, with_catch_up=False, lang="it")
            ship(sample_master, ledger, day, all_open=True, lang="it")
    result = invoicing.run(ledger, sample_master, Request(APRIL, CLOSING_DAY), lang="it")
    assert result.run_id and not [p for p in result.problems if p.is_error]
    ledger.engine.dispose()
    return Made(folder / "ledger.sqlite", result.run_id)


@pytest.fixture
def ledger(made, tmp_path) -> Ledger:
    copy = tmp_path / "ledger.sqlite"
    shutil.copyfile(made.ledger_file, copy)
    opened = open_ledger(f"sqlite:///{copy}")
    yield opened
    opened.engine.dispose()


def _invoices(ledger: Ledger, **where):
    with reading(ledger) as conn:
        return load_invoices(conn, **where)


def _kept(ledger: Ledger) -> list[tuple]:
    with reading(ledger) as conn:
        f = schema.einvoice_files.c
        return [tuple(r) for r in conn.execute(select(f.number, f.progressive, f.invoice_id, f.archive)
                                               .order_by(f.number))]


def _codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_a_draft_run_is_refused_with_what_to_do(sample_master, ledger, made, tmp_path):
    result = einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / "xml")
    assert result.files == {} and result.archives == []
    assert _codes(result.problems) == ["einvoice-draft-run"] and result.problems[0].is_error
    assert "toolkit invoice finalize" in result.problems[0].message("en")
    assert _kept(ledger) == [] and not list((tmp_path / "xml").glob("*.xml"))


def test_a_month_writes_its_final_invoices_and_names_the_draft_run(sample_master, ledger, made, tmp_path, rome_today):
    """Written on the month's closing day, the files of April's first immediate invoices are past
    their twelve days at SDI, and said so (`test_einvoice_immediate_late`)."""
    rome_today(CLOSING_DAY)
    final = [x for x in _invoices(ledger, statuses=[InvoiceStatus.FINAL]) if x.invoice_date.month == 4]
    assert final, "the sample's counter and prepaid orders are invoiced at once"
    result = einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path)
    assert list(result.files) == [x.number for x in final]
    assert [(p.code, dict(p.params).get("run_id")) for p in result.problems] == [("einvoice-draft-run", made.run_id),
                                                                                 (LATE, None)]
    assert result.summary("it").startswith(f"Scritti {len(final)} file XML")


def test_after_finalizing_each_document_is_written_under_the_progressive_it_keeps(sample_master, ledger, made,
                                                                                     tmp_path, rome_today):
    rome_today(CLOSING_DAY)
    invoicing.finalize(ledger, made.run_id)
    first = einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / "run")
    run = _invoices(ledger, run_id=made.run_id)
    assert not first.problems and first.refused == {}
    assert list(first.files) == [x.number for x in run]
    kept = {invoice_id: progressive for _, progressive, invoice_id, _ in _kept(ledger)}
    vat = sample_master.settings.vat_number.removeprefix("IT")
    for invoice in run:
        path = first.files[invoice.number]
        assert path.name == f"IT{vat}_{kept[invoice.id]}.xml"
        got = read(path)
        assert (got.number, got.progressive, got.day) == (invoice.number, kept[invoice.id], invoice.invoice_date)
    assert sorted(kept.values()) == [f"{n:05d}" for n in range(1, len(run) + 1)]

    month = einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path / "month")
    assert _codes(month.problems) == [LATE], "April's first immediate invoices, past their 12 days on 4 May"
    for number, path in first.files.items():
        assert month.files[number].name == path.name and month.files[number].read_bytes() == path.read_bytes()
    everything = _kept(ledger)
    assert len(everything) == len(month.files) > len(first.files)
    again = einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path / "month")
    assert {n: p.name for n, p in again.files.items()} == {n: p.name for n, p in month.files.items()}
    assert _kept(ledger) == everything, "writing again draws no new progressive"


def test_the_zip_holds_the_files_written_and_keeps_its_name(sample_master, ledger, made, tmp_path):
    invoicing.finalize(ledger, made.run_id)
    result = einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path, zip=True)
    (archive,) = result.archives
    vat = sample_master.settings.vat_number.removeprefix("IT")
    assert re.fullmatch(rf"IT{vat}_[0-9A-Z]{{5}}\.zip", archive.name)
    assert archive.stem.split("_")[1] not in {p.stem.split("_")[1] for p in result.files.values()}
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.namelist() == [p.name for p in result.files.values()]
        assert all(bundle.read(p.name) == p.read_bytes() for p in result.files.values())
    kept = _kept(ledger)
    again = einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path, zip=True, resend=True)
    assert again.archives == [archive] and _kept(ledger) == kept
    assert "1 zip" in again.summary("it") and str(tmp_path) in again.summary("en")


def test_a_zip_killed_before_it_was_in_place_is_written_by_the_next_run(sample_master, ledger, made, tmp_path,
                                                                          monkeypatch):
    """Killed as the zip is put in place: its record is not kept, so the next run zips the same
    files under the same name (a record kept first left them out of every later zip, and the
    invoices never reached SDI)."""
    from toolkit.writers import fatturapa

    invoicing.finalize(ledger, made.run_id)

    placed = fatturapa.os.replace

    def killed(made, target):
        if str(target).endswith(".zip"):
            raise KeyboardInterrupt
        placed(made, target)

    with monkeypatch.context() as m:
        m.setattr(fatturapa.os, "replace", killed)
        with pytest.raises(KeyboardInterrupt):
            einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path, zip=True)
    assert not list(tmp_path.glob("*.zip"))
    again = einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path, zip=True)
    (archive,) = again.archives
    assert not again.left_out
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.namelist() == [p.name for p in again.files.values()]


def test_zips_stay_within_the_limit_each_with_a_name_of_its_own(tmp_path):
    import random

    files = []
    for n in range(40):
        path = tmp_path / f"IT00743110157_{n + 1:05d}.xml"
        noise = random.Random(n).randbytes(1_000 + 100 * (n % 7))
        path.write_bytes(noise + b"<DettaglioLinee></DettaglioLinee>" * 50 * (n % 3))
        files.append(path)
    asked = []

    @contextmanager
    def name(members):
        asked.append(members)
        yield f"IT00743110157_Z{len(asked):04d}.zip"

    zips = write_archives(files, tmp_path / "zips", name, limit=20_000)
    assert len(zips) > 1 and [z.name for z in zips] == [f"IT00743110157_Z{n:04d}.zip" for n in range(1, len(zips) + 1)]
    assert all(z.stat().st_size <= 20_000 for z in zips)
    inside = [zipfile.ZipFile(z).namelist() for z in zips]
    assert [name for names in inside for name in names] == [p.name for p in files]
    assert [tuple(names) for names in inside] == asked
    assert not [p for p in (tmp_path / "zips").iterdir() if p.name.startswith(".")], "no temporary file is left"


def test_a_zip_being_written_is_named_so_a_later_sweep_removes_it_if_killed(tmp_path):
    """A zip is written under a temporary name and renamed when complete: a run killed
    half-way leaves that file, and only names `sweep_stale` knows are ever swept (a
    `.fatture-….zip` once stayed in the folder for good after a kill)."""
    from toolkit.basics.files import TEMPORARY_NAME, sweep_stale

    source = tmp_path / "IT00743110157_00001.xml"
    source.write_bytes(b"<p/>")
    folder = tmp_path / "zips"
    seen = []

    @contextmanager
    def name(members):
        seen.extend(p.name for p in folder.iterdir() if p.name.startswith("."))
        yield "IT00743110157_Z0001.zip"

    write_archives([source], folder, name)
    assert len(seen) == 1 and TEMPORARY_NAME.match(seen[0]), seen
    left = folder / seen[0]
    left.write_bytes(b"half a zip")
    assert sweep_stale(folder, older_than=-1) == [left] and not left.exists()


def test_a_refused_invoice_keeps_its_progressive_until_it_is_fixed(minimal_master, tmp_path):
    """The minimal workbook's customers have no postcode (CAP), which FatturaPA requires: every
    file is refused, naming the invoice and the field, and the folders made for `--out` are
    gone again (an empty one was left, as if something had been written); a folder that was
    there stays. Once the CAP is given, the same progressive names the file."""
    import minimal

    from toolkit.core.invoicing import Request
    from toolkit.intake.validation import check
    from toolkit.services.orders import create
    from toolkit.services.shipping import ship

    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    create(minimal_master, ledger, date(2026, 4, 9), lang="it")
    ship(minimal_master, ledger, date(2026, 4, 9), all_open=True, lang="it")
    run = invoicing.run(ledger, minimal_master, Request(APRIL, CLOSING_DAY), status=InvoiceStatus.FINAL, lang="it")
    (invoice,) = run.invoices
    refused = einvoice.export(minimal_master, ledger, run_id=run.run_id, out=tmp_path / "sdi" / "xml")
    assert refused.files == {} and list(refused.refused) == [invoice.number]
    assert sorted(tmp_path.iterdir()) == [tmp_path / "ledger.sqlite"]
    (tmp_path / "kept").mkdir()
    assert list(einvoice.export(minimal_master, ledger, run_id=run.run_id, out=tmp_path / "kept").refused) == [
        invoice.number]
    assert list((tmp_path / "kept").iterdir()) == []
    assert any("CessionarioCommittente/Sede/CAP" in p.message("it") and invoice.number in p.message("it")
               for p in refused.refused[invoice.number])
    assert "1 documento non scritto" in refused.summary("it")
    kept = _kept(ledger)

    sheets = minimal.sheets()
    minimal.set_cell(sheets, "Clienti", "K1", "CAP")
    minimal.set_cell(sheets, "Clienti", "K2", "10121")
    minimal.set_cell(sheets, "Clienti", "K3", "00184")
    fixed = check(minimal.workbook(sheets)).master
    written = einvoice.export(fixed, ledger, run_id=run.run_id, out=tmp_path / "sdi" / "xml")
    assert not written.problems and written.files[invoice.number].name.endswith(f"_{kept[0][1]}.xml")
    assert _kept(ledger) == kept
    with reading(ledger) as conn:
        (stored,) = load_invoices(conn, ids=[invoice.id])
    assert stored.parties and stored.parties.buyer and stored.parties.buyer.postcode == "10121", \
        "the invoice keeps the parties its corrected file carries, so its reprint says the same"
    ledger.engine.dispose()


def test_an_invoice_sdi_rejected_is_written_corrected_under_a_new_name(sample_master, ledger, made, tmp_path):
    """SDI rejected a file (00311: the customer's SDI code mistyped, which no check here can see);
    the desk fixed the code in Clienti, and writing again gave the same file, kept parties and
    all, under the same name, which SDI refuses a second time (00002) whatever the file says.
    `--rejected` writes it with today's customer under a name never used, which the next zip
    holds; the other files and their names stay, and so does the corrected one afterwards."""
    import dataclasses

    invoicing.finalize(ledger, made.run_id)
    first = einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / "sent", zip=True)
    number, old = next(iter(first.files.items()))
    [customer] = [x.customer for x in _invoices(ledger, run_id=made.run_id) if x.number == number]
    fixed = sample_master.model_copy(update={"customers": [
        dataclasses.replace(c, sdi_code="ABC1234") if c.code == customer else c for c in sample_master.customers]})
    assert read(old).recipient_code != "ABC1234"

    again = einvoice.export(fixed, ledger, run_id=made.run_id, out=tmp_path / "again", zip=True,
                            rejected=[number.lower()])
    assert _codes(again.problems) == ["einvoice-already-zipped"] and again.refused == {}
    assert number not in again.left_out and len(again.left_out) == len(first.files) - 1
    new = again.files[number]
    highest = max(n for n, *_ in _kept(ledger) if n)
    assert new.name != old.name and new.name.endswith(f"_{highest - 1:05d}.xml")
    assert (read(new).recipient_code, read(new).number, read(new).progressive) == ("ABC1234", number, new.stem[-5:])
    assert {n: p.name for n, p in again.files.items() if n != number} == {
        n: p.name for n, p in first.files.items() if n != number}
    [archive] = again.archives
    assert zipfile.ZipFile(archive).namelist() == [new.name], "only the corrected file goes into the next zip"
    with reading(ledger) as conn:
        [stored] = [x for x in load_invoices(conn, run_id=made.run_id) if x.number == number]
    assert stored.parties.buyer.sdi_code == "ABC1234", "its reprints say what its file says"
    later = einvoice.export(fixed, ledger, run_id=made.run_id, out=tmp_path / "later")
    assert later.files[number].name == new.name and later.files[number].read_bytes() == new.read_bytes()

    unknown = einvoice.export(fixed, ledger, run_id=made.run_id, out=tmp_path / "none", rejected=["FT-2026-99999"])
    assert unknown.files == {} and _codes(unknown.problems) == ["einvoice-rejected-not-exported"]
    assert not (tmp_path / "none").exists()


def test_an_invoice_sdi_rejected_is_named_as_every_verb_takes_a_number(sample_master, ledger, made, tmp_path):
    """`--rejected ft-2026-12`, `FT 2026 12` or `12/2026` name FT-2026-00012 as `print`, `pay` and
    `invoice credit` take them (`toolkit.basics.codes`): the desk copies the number from SDI's
    receipt or types it short, and was told it is not among the export's invoices (exit 2)."""
    invoicing.finalize(ledger, made.run_id)
    first = einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / "sent")
    number, old = next(iter(first.files.items()))
    series, year, counter = number.split("-")
    names = {old.name}
    for typed in (f"{series.lower()}-{year}-{int(counter)}", f" {series} {year} {counter} ", f"{int(counter)}/{year}"):
        again = einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / typed.strip().replace("/", "_"),
                                rejected=[typed])
        assert [p.code for p in again.problems if p.severity == "error"] == [], typed
        assert again.files[number].name not in names, typed
        names.add(again.files[number].name)
    unknown = einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / "none",
                              rejected=[f"{series}-{year}-99999"])
    assert _codes(unknown.problems) == ["einvoice-rejected-not-exported"] and not (tmp_path / "none").exists()


def test_an_invoice_sdi_rejected_named_for_a_month_with_nothing_final_is_refused(sample_master, ledger, made,
                                                                                  tmp_path):
    """`--month 2026-05 --rejected FT-2026-00012`, the month mistyped: May has no final invoice,
    and the export said only that there was nothing to write (exit 0), the rejected invoice
    never named, as if it had been written again."""
    invoicing.finalize(ledger, made.run_id)
    may = einvoice.export(sample_master, ledger, month=Period(date(2026, 5, 1), date(2026, 5, 31)),
                          out=tmp_path / "may", rejected=["FT-2026-00001"])
    assert [(p.code, dict(p.params).get("number")) for p in may.problems] == [
        ("einvoice-rejected-not-exported", "FT-2026-00001")]


def test_a_short_number_that_may_be_an_invoice_and_a_credit_note_names_both():
    """`12/2026` may be FT-2026-00012 and NC-2026-00012: the export refuses it naming both
    (`einvoice-rejected-ambiguous`) rather than writing either under a new name."""
    from toolkit.ledger.einvoices import Exportable

    def final(number, kind):
        return Exportable(1, number, kind, InvoiceStatus.FINAL, "R1", "C001", date(2026, 4, 30))

    finals = [final("FT-2026-00012", InvoiceKind.INVOICE), final("NC-2026-00012", InvoiceKind.CREDIT_NOTE),
              final("FT-2026-00120", InvoiceKind.INVOICE)]
    assert einvoice._named("12/2026", finals) == ["FT-2026-00012", "NC-2026-00012"]
    assert einvoice._named("nc 2026 12", finals) == ["NC-2026-00012"]
    assert einvoice._named("FT-2026-0012", finals) == ["FT-2026-00012"]
    assert einvoice._named("12", finals) == []


def test_the_accountants_workbook_names_each_xml_file(sample_master, ledger, made, tmp_path):
    invoicing.finalize(ledger, made.run_id)
    before = invoicing.export(sample_master, ledger, made.run_id, tmp_path / "before", "it").files[0]
    written = einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / "xml")
    exported = invoicing.export(sample_master, ledger, made.run_id, tmp_path / "after", "en").files
    after, register = exported[0], exported[-1]

    def column(path, heading):
        rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(min_row=3, values_only=True))
        at = rows[0].index(heading)
        return {row[0]: row[at] for row in rows[1:] if row[0]}

    assert set(column(before, "File XML").values()) == {None}
    names = column(after, "XML file")
    assert {n: names[n] for n in written.files} == {n: p.name for n, p in written.files.items()}
    with open(register, encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f, delimiter=";"))
    at = header.index("XML file")
    assert {row[0]: row[at] or None for row in rows} == names, "the register CSV names them as its sheet does"


def test_an_older_ledger_gains_the_table_of_progressives(tmp_path, minimal_master):
    from older_ledgers import older_ledger
    from sqlalchemy import inspect

    url = older_ledger(tmp_path, minimal_master, 2, tables=["einvoice_files"])
    upgraded = open_ledger(url)
    with reading(upgraded) as conn:
        assert conn.execute(select(schema.schema_version.c.version)).scalar_one() == schema.SCHEMA_VERSION
        assert "einvoice_files" in inspect(conn).get_table_names()
        assert conn.execute(select(func.count()).select_from(schema.orders)).scalar_one() == 1
    upgraded.engine.dispose()


# ---- the command


def test_the_command_exit_codes_and_json(sample_workbook, made, tmp_path):
    shutil.copyfile(made.ledger_file, tmp_path / "ledger.sqlite")
    common = (str(sample_workbook), "--ledger", f"sqlite:///{tmp_path / 'ledger.sqlite'}", "--lang", "en")

    draft = toolkit("einvoice", *common, "--run", made.run_id, "--out", "xml", cwd=tmp_path)
    assert draft.returncode == 1, draft.stderr
    assert "is a draft" in draft.stdout and "No XML file written." in draft.stdout

    assert toolkit("invoice", "finalize", *common[:3], made.run_id, cwd=tmp_path).returncode == 0
    done = toolkit("einvoice", *common, "--month", "2026-04", "--out", "xml", "--zip", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["refused"] == [] and [p for p in report["problems"] if p["severity"] == "error"] == []
    assert all(Path(f["file"]).exists() and f["invoice"].startswith(("FT-", "NC-")) for f in report["files"])
    assert len(report["archives"]) == 1 and Path(report["archives"][0]).suffix == ".zip"

    plain = toolkit("einvoice", *common, "--month", "2026-04", "--out", "xml", cwd=tmp_path)
    assert plain.returncode == 0 and f"Wrote {len(report['files'])} XML files" in plain.stdout

    first = report["files"][0]
    rejected = toolkit("einvoice", *common, "--month", "2026-04", "--out", "xml", "--rejected", first["invoice"],
                       "--json", cwd=tmp_path)
    assert rejected.returncode == 0, rejected.stderr
    renamed = {f["invoice"]: Path(f["file"]).name for f in json.loads(rejected.stdout)["files"]}
    assert renamed[first["invoice"]] != Path(first["file"]).name
    unknown = toolkit("einvoice", *common, "--month", "2026-04", "--out", "xml", "--rejected", "FT-2026-99999",
                      cwd=tmp_path)
    assert unknown.returncode == 2 and "--rejected: FT-2026-99999 is not among the final invoices" in unknown.stdout

    for wrong in (("--out", "xml"), ("--run", made.run_id, "--month", "2026-04", "--out", "xml"),
                  ("--month", "April", "--out", "xml")):
        assert toolkit("einvoice", *common, *wrong, cwd=tmp_path).returncode == 2
    unusable = tmp_path / "not-a-workbook.xlsx"
    unusable.write_text("hello")
    assert toolkit("einvoice", str(unusable), "--month", "2026-04", "--out", "xml", cwd=tmp_path).returncode == 2


def _export_worker(workbook: str, url: str, out: str, start, results) -> None:
    from toolkit.intake.validation import check_file

    master = check_file(Path(workbook)).master
    ledger = open_ledger(url)
    start.wait()
    done = einvoice.export(master, ledger, month=APRIL, out=Path(out), zip=True)
    results.put(({n: p.name for n, p in done.files.items()}, [p.name for p in done.archives],
                 [p.code for p in done.problems]))
    ledger.engine.dispose()


def test_two_exports_at_once_give_each_invoice_one_progressive_and_one_zip(sample_workbook, sample_master, ledger,
                                                                         made, tmp_path):
    import multiprocessing

    invoicing.finalize(ledger, made.run_id)
    url = ledger.engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_export_worker, args=(str(sample_workbook), url, str(tmp_path / f"out{n}"),
                                                           start, results)) for n in (1, 2)]
    for worker in workers:
        worker.start()
    got = [results.get(timeout=240) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
    (names, zips, problems), (other_names, other_zips, other_problems) = got
    assert names == other_names and len({*zips, *other_zips}) == 1
    # the immediate invoices past their 12 days (today, in the workers) are told by the export that drew their names
    assert [LATE in problems, LATE in other_problems].count(True) == 1
    for found, wrong in ((zips, problems), (other_zips, other_problems)):
        # the later one finds the files zipped already (else both zips have the same name, and SDI takes one)
        assert [code for code in wrong if code != LATE] == ([] if found else ["einvoice-already-zipped"])
    assert len(_kept(ledger)) == len(names) + 1, "one progressive per invoice, one for the zip"


def test_a_colleague_zipping_some_of_the_files_meanwhile_refuses_the_zip_and_the_rerun_leaves_them_out(
        sample_master, ledger, made, tmp_path, monkeypatch):
    """Desk A zips April while desk B zips the month-end run: each read which files an earlier
    zip held before making its own, so A's zip held B's invoices too, and both were sent to
    SDI (audit desks). A is refused, nothing written; its rerun leaves them out."""
    from toolkit.basics.problems import UnusableInput

    invoicing.finalize(ledger, made.run_id)
    packed = einvoice.pack_archives
    colleague: list[einvoice.Exported] = []

    def meanwhile(paths, folder, **options):
        monkeypatch.setattr(einvoice, "pack_archives", packed)
        colleague.append(einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / "b", zip=True))
        return packed(paths, folder, **options)

    monkeypatch.setattr(einvoice, "pack_archives", meanwhile)
    with pytest.raises(UnusableInput) as refused:
        einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path / "a", zip=True)
    (theirs,) = colleague[0].archives
    assert refused.value.problem.code == "einvoice-zipped-meanwhile"
    said = refused.value.problem.message("it")
    assert theirs.name in said and "Ripeti il comando" in said
    assert not (tmp_path / "a").exists() or not list((tmp_path / "a").iterdir())
    again = einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path / "a", zip=True)
    (ours,) = again.archives
    with zipfile.ZipFile(ours) as mine, zipfile.ZipFile(theirs) as other:
        assert mine.namelist() and not set(mine.namelist()) & set(other.namelist())
    assert set(again.left_out) == set(colleague[0].files)


def test_a_second_zip_is_said_holding_the_files_it_holds(sample_master, ledger, made, tmp_path):
    """The month zipped after its run's zip: the run's files are written again and left out of
    the new zip (`einvoice-already-zipped`), which holds the immediate invoices alone. The answer
    said *Scritti 91 file XML …, raccolti in 1 zip*, as if the zip held the 91."""
    invoicing.finalize(ledger, made.run_id)
    first = einvoice.export(sample_master, ledger, run_id=made.run_id, out=tmp_path / "run", zip=True)
    again = einvoice.export(sample_master, ledger, month=APRIL, out=tmp_path / "month", zip=True)
    [archive] = again.archives
    with zipfile.ZipFile(archive) as held:
        zipped = len(held.namelist())
    written = len(again.files)
    assert zipped == written - len(first.files) and len(again.left_out) == len(first.files) and zipped > 1
    assert again.summary("it") == (f"Scritti {written} file XML (fatture elettroniche) in {again.folder}, "
                                   f"{zipped} dei quali raccolti in 1 zip per lo SDI."), again.summary("it")
    assert again.summary("en") == (f"Wrote {written} XML files (e-invoices) to {again.folder}, "
                                   f"{zipped} of them gathered in 1 zip for SDI."), again.summary("en")
    assert first.summary("it").endswith(", raccolti in 1 zip per lo SDI."), first.summary("it")
