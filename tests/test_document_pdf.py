"""`toolkit print … --pdf`: every document in one PDF, in number order, each numbering its own
pages as the sheet does when Excel prints it, however the documents are split among
LibreOffice's runs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from toolkit.writers import pdf
from toolkit.writers.libreoffice import soffice

FOOTER = re.compile(r"^(\d+) / (\d+)$")


def footer(text: str) -> tuple[int, int]:
    """The page's number and the pages it is one of, as its footer prints them."""
    return next((int(m[1]), int(m[2])) for m in map(FOOTER.match, text.splitlines()) if m)


def test_join_keeps_every_page_in_the_files_order(tmp_path):
    parts = []
    for i, widths in enumerate(([100], [200, 300], [400])):
        part = PdfWriter()
        for width in widths:
            part.add_blank_page(width, 500)
        parts.append(tmp_path / f"{i}.pdf")
        part.write(parts[-1])

    joined = pdf.join(parts, tmp_path / "out" / "joined.pdf")

    assert [int(p.mediabox.width) for p in PdfReader(joined).pages] == [100, 200, 300, 400]
    assert [p.name for p in joined.parent.iterdir()] == ["joined.pdf"]


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_document_of_several_pages_numbers_them_from_one(tmp_path, monkeypatch):
    import xlsxwriter

    from toolkit.writers.printable import a4

    def write(path: Path, one: Sequence[tuple[str, int]]) -> Path:
        (name, pages), = one
        path.parent.mkdir(parents=True, exist_ok=True)
        with xlsxwriter.Workbook(path) as book:
            sheet = book.add_worksheet(name)
            a4(sheet)
            for row in range(pages * 10):
                sheet.write(row, 0, f"{name} {row}")
            sheet.set_h_pagebreaks([10 * p for p in range(1, pages)])
        return path

    monkeypatch.setattr(pdf, "PER_RUN", 2)
    documents = [("A", 1), ("B", 3), ("C", 1), ("D", 2), ("E", 1)]

    [printed] = pdf.documents_to_pdf(tmp_path / "all.pdf", documents, write, workers=2)

    pages = [page.extract_text() for page in PdfReader(printed).pages]
    assert [(text.splitlines()[-1].split()[0], *footer(text)) for text in pages] == [
        ("A", 1, 1), ("B", 1, 3), ("B", 2, 3), ("B", 3, 3), ("C", 1, 1), ("D", 1, 2), ("D", 2, 2), ("E", 1, 1)]


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("kind", ["ddt", "invoices"])
def test_printed_pdf_holds_each_document_with_its_own_page_numbers(capsys, tmp_path, sample_workbook, monkeypatch,
                                                                    kind):
    from test_printing import cli, numbers

    from toolkit.ledger import schema

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    for day in ("2026-04-09", "2026-04-10"):
        assert cli(capsys, "orders", "create", workbook, "--date", day, "--ledger", url)[0] == 0
        assert cli(capsys, "ship", workbook, "--date", day, "--all", "--ledger", url)[0] == 0
    assert cli(capsys, "invoice", workbook, "--month", "2026-04", "--out", tmp_path / "run", "--ledger", url)[0] == 0
    monkeypatch.setattr(pdf, "PER_RUN", 3)
    monkeypatch.setattr(pdf, "MOST_IN_A_PDF", 5)

    code, said = cli(capsys, "print", kind, workbook, "--date", "2026-04-09", "--to", "2026-04-30",
                     "--out", tmp_path / "print" / f"{kind}.xlsx", "--pdf", "--ledger", url)

    assert code == 0, said
    expected = sorted(numbers(url, schema.deliveries if kind == "ddt" else schema.invoices))
    assert len(expected) > 2 * 5, "too few documents to cross LibreOffice's runs and the PDFs' parts"
    parts = [tmp_path / "print" / (f"{kind}.pdf" if n == 1 else f"{kind}-parte-{n}.pdf")
             for n in range(1, (len(expected) + 4) // 5 + 1)]
    assert sorted(p.name for p in (tmp_path / "print").iterdir()) == sorted([f"{kind}.xlsx", *(p.name for p in parts)])
    assert all(str(part) in said for part in parts)
    documents: list[list[tuple[int, int, str]]] = []
    for number, part in enumerate(parts, start=1):
        for page in PdfReader(part).pages:
            text = page.extract_text()
            page_number, pages = footer(text)
            if page_number == 1:
                documents.append([])
            documents[-1].append((page_number, pages, text))
        assert len(documents) == min(5 * number, len(expected)), part.name
    assert [[(k, n) for k, n, _ in d] for d in documents] == [[(k, len(d)) for k in range(1, len(d) + 1)]
                                                              for d in documents]
    assert [next(n for n in expected if n in d[0][2]) for d in documents] == expected


def blank_pdfs(books, _format, outdir):
    """LibreOffice's place in a test that needs no print: a one-page PDF per workbook."""
    outdir.mkdir(parents=True, exist_ok=True)
    made = []
    for book in books:
        page = PdfWriter()
        page.add_blank_page(100, 100)
        made.append(outdir / f"{book.stem}.pdf")
        page.write(made[-1])
    return made


def test_past_the_most_in_a_pdf_further_pdfs_follow_and_progress_counts_every_document(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "PER_RUN", 2)
    monkeypatch.setattr(pdf, "MOST_IN_A_PDF", 3)
    monkeypatch.setattr(pdf, "convert_all", blank_pdfs)
    told: list[tuple[int, int]] = []

    printed = pdf.documents_to_pdf(tmp_path / "all.pdf", list(range(7)), lambda path, one: path, part="part",
                                   workers=2, progress=lambda done, total: told.append((done, total)))

    assert [p.name for p in printed] == ["all.pdf", "all-part-2.pdf", "all-part-3.pdf"]
    assert [len(PdfReader(p).pages) for p in printed] == [3, 3, 1]
    assert told == [(2, 7), (3, 7), (5, 7), (6, 7), (7, 7)]


def test_a_failed_run_drops_the_runs_not_yet_started(tmp_path, monkeypatch):
    """Twenty runs of one document, one at a time, the second failing: the command stops after
    it, instead of converting the eighteen others first (a day at L has dozens of runs). A
    run takes 0.2 s here, long enough for the failure to be seen before the third ends."""
    import time

    from toolkit.basics.problems import UnusableInput
    from toolkit.writers.libreoffice import CONVERSION_FAILED

    def convert_all(books, _format, outdir):
        if any(book.stem == "000001" for book in books):
            raise UnusableInput(CONVERSION_FAILED(None, name=books[0].name, reason="test"))
        time.sleep(0.2)
        return blank_pdfs(books, _format, outdir)

    written: list[int] = []

    def write(path: Path, one: Sequence[int]) -> Path:
        written.extend(one)
        return path

    monkeypatch.setattr(pdf, "PER_RUN", 1)
    monkeypatch.setattr(pdf, "convert_all", convert_all)

    with pytest.raises(UnusableInput):
        pdf.documents_to_pdf(tmp_path / "all.pdf", list(range(20)), write, workers=1)

    assert len(written) < 5 and not (tmp_path / "all.pdf").exists()


def test_a_verb_that_counts_fills_its_bar_only_while_a_person_watches(monkeypatch):
    from toolkit.cli import output

    seen = []

    @output.with_progress("Stampa", "Printing")
    def verb() -> None:
        seen.append("advance" in output._state)
        output.advance(3, 10)

    verb()
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    verb()
    output.advance(1, 2)
    assert seen == [False, True] and "advance" not in output._state


@pytest.fixture(scope="module")
def month_end_invoices(tmp_path_factory, request) -> str:
    """The text pdftotext reads from the demo's invoices of 30 April printed to PDF by the
    `toolkit` command run as a separate process in the C locale, as on a server or a CI runner:
    page after page, split at the form feed."""
    import os
    import subprocess
    import sys

    if soffice() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) or pdftotext (poppler-utils) is not installed")
    out = request.getfixturevalue("demo_april").copy(tmp_path_factory.mktemp("month-end") / "demo")
    unset = {name: value for name, value in os.environ.items() if not name.startswith(("LC_", "LANG"))}
    printed = out / "print" / "fatture.xlsx"
    done = subprocess.run([sys.executable, "-m", "toolkit", "print", "invoices", str(out / "anagrafiche.xlsx"),
                           "--date", "2026-04-30", "--out", str(printed), "--pdf"],
                          env={**unset, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return subprocess.run(["pdftotext", "-layout", str(printed.with_suffix(".pdf")), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.libreoffice
def test_a_pdf_prints_italian_figures_whatever_the_machines_locale(month_end_invoices):
    """`1.206,48 €`, as an Italian reads it, from a process in the C locale, which printed
    `1,206.48 €` (and `10.222 €` for ten thousand and some)."""
    totals = re.findall(r"Totale documento +(-?[\d.,]+) €", month_end_invoices)
    assert any(re.fullmatch(r"\d{1,3}(\.\d{3})+,\d\d", total) for total in totals), totals
    assert all(re.fullmatch(r"-?\d{1,3}(\.\d{3})*,\d\d", total) for total in totals), totals


@pytest.mark.libreoffice
def test_every_page_of_a_document_names_it(month_end_invoices):
    """The pages after the first of a three-page invoice repeated only the column headings: a
    loose page said nothing of whose it was. Every page now begins with the invoice's kind,
    number, date and customer; its footer still counts its pages."""
    identity = re.compile(r"^(?:Fattura differita|Fattura|Nota di credito) n\. (FT-2026-\d{5}|NC-2026-\d{5}) "
                          r"del 30/04/2026 – \S")
    pages = [page for page in month_end_invoices.split("\f") if page.strip()]
    named = [identity.match(page.lstrip()) for page in pages]
    assert all(named), [page.lstrip().splitlines()[0] for page, found in zip(pages, named) if not found]
    counted = [tuple(map(int, page.split()[-1].split("/"))) for page in pages]
    several = [(found[1], count) for found, count in zip(named, counted) if found and count[1] > 1]
    assert any(count == (3, 3) for _, count in several) and len(several) >= 3, several


def _shipped_desk(capsys, tmp_path, sample_workbook) -> tuple[Path, str]:
    """The sample's 9 April ordered and shipped: its DDTs to print."""
    from test_printing import cli

    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0
    assert cli(capsys, "ship", workbook, "--date", "2026-04-09", "--all", "--ledger", url)[0] == 0
    return workbook, url


def test_print_pdf_keeps_a_users_own_pdf_of_its_name(capsys, tmp_path, sample_workbook):
    """`print ddt --pdf` wrote `ddt.pdf` over the desk's own `ddt.pdf` (a scan, a carrier's
    list) without a word, as `report --pdf` no longer does. Refused before anything is printed
    or marked printed: exit 2, the user's bytes kept, no workbook, the DDTs still unprinted."""
    from test_printing import cli

    workbook, url = _shipped_desk(capsys, tmp_path, sample_workbook)
    own = PdfWriter()
    own.add_blank_page(200, 200)
    own.add_metadata({"/Author": "Mario Rossi"})
    target = tmp_path / "print" / "ddt.pdf"
    target.parent.mkdir()
    with target.open("wb") as out:
        own.write(out)
    kept = target.read_bytes()

    code, said = cli(capsys, "print", "ddt", workbook, "--unprinted", "--out", target.with_suffix(".xlsx"), "--pdf",
                     "--ledger", url)

    assert code == 2, said
    assert (f"Il file {target} esiste già e non è un file «PDF» scritto da toolkit (il suo autore è «Mario Rossi»): "
            "non lo sostituisco.") in said
    assert target.read_bytes() == kept and not target.with_suffix(".xlsx").exists()
    code, said = cli(capsys, "print", "ddt", workbook, "--unprinted", "--out", tmp_path / "again.xlsx", "--ledger",
                     url)
    assert code == 0 and (tmp_path / "again.xlsx").exists(), said


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_print_pdf_replaces_its_own_earlier_pdf(capsys, tmp_path, sample_workbook):
    """The joined PDF names the toolkit its author, as every PDF it prints: printing again
    replaces it rather than refusing it as a user's."""
    from test_printing import cli

    workbook, url = _shipped_desk(capsys, tmp_path, sample_workbook)
    out = tmp_path / "print" / "ddt.xlsx"
    args = ("print", "ddt", workbook, "--date", "2026-04-09", "--out", out, "--pdf", "--ledger", url)
    assert cli(capsys, *args)[0] == 0
    assert PdfReader(out.with_suffix(".pdf")).metadata.author == "toolkit"
    first = out.with_suffix(".pdf").stat().st_mtime_ns
    code, said = cli(capsys, *args)
    assert code == 0, said
    assert out.with_suffix(".pdf").stat().st_mtime_ns != first


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_print_pdf_replaces_its_own_pdf_joined_before_it_named_its_author(capsys, tmp_path, sample_workbook):
    """A day printed to PDF before the joined PDF named the toolkit its author (pypdf its only
    mark), beside our workbook of the day, is ours: reprinting it was refused as a user's own
    PDF, «non dice chi l'ha scritto», exit 2. It is replaced, now marked, the DDTs printed. The
    same PDF with no workbook of ours beside it is still refused."""
    from test_printing import cli

    workbook, url = _shipped_desk(capsys, tmp_path, sample_workbook)
    out = tmp_path / "print" / "ddt.xlsx"
    args = ("print", "ddt", workbook, "--date", "2026-04-09", "--out", out, "--pdf", "--ledger", url)
    assert cli(capsys, *args)[0] == 0
    earlier = PdfWriter()
    earlier.add_blank_page(200, 200)
    with out.with_suffix(".pdf").open("wb") as written:
        earlier.write(written)
    assert set(PdfReader(out.with_suffix(".pdf")).metadata) == {"/Producer"}
    shutil.copyfile(out.with_suffix(".pdf"), tmp_path / "print" / "altro.pdf")

    code, said = cli(capsys, *args)

    assert code == 0, said
    printed = PdfReader(out.with_suffix(".pdf"))
    assert printed.metadata.author == "toolkit" and len(printed.pages) > 1
    code, said = cli(capsys, "print", "ddt", workbook, "--date", "2026-04-09", "--out", out.with_name("altro.xlsx"),
                     "--pdf", "--ledger", url)
    assert code == 2 and "non dice chi l'ha scritto" in said, said
