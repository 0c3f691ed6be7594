"""An .xls or .xlsb cell showing an error or a percentage is read as it shows, as an .xlsx's is:
python-calamine gives the error as an empty cell and 100 % as 1, so a Fido `=NA()` read as no
credit limit and a discount typed 100 % as 1 %. The .xls files are LibreOffice's (in
test_error_cells and test_percent_cells); LibreOffice writes no .xlsb, so this one is built
record by record, as Excel writes them, and read the way every command reads a workbook."""

from __future__ import annotations

import os
import struct
import time
import zipfile
from pathlib import Path

import pytest
from test_guard import xlsb_record as record

from toolkit.basics.cells import SHEET_ROWS
from toolkit.basics.problems import UnusableInput
from toolkit.intake.sources import read_vetted

RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def wide(text: str) -> bytes:
    return struct.pack("<L", len(text)) + text.encode("utf-16-le")


def cell(kind: int, column: int, style: int, value: bytes) -> bytes:
    return record(kind, struct.pack("<LL", column, style) + value)


def row(number: int) -> bytes:
    return record(0, struct.pack("<L", number) + bytes(13))


def xlsb(path: Path, sheet: bytes, table: bytes | None = None, rows: int = 3, *, before_sheets: bytes = b"",
         after_sheets: bytes = b"", padded: bool = False) -> Path:
    """One sheet, «Regole», whose cell styles are 0 (General), 1 (built-in 0%) and 2 (a format
    of the workbook's own, `0.0" pct"%`), and with `padded` 3 (`00000`), of `rows` rows; with
    `table`, the records of a table part of that sheet (`xl/tables/table1.bin`);
    `xl/workbook.bin` with records of its own before and after its sheets' list."""
    types = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Override PartName="/xl/workbook.bin" '
             'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
    rels = (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.bin"/>'
            f'<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.bin"/></Relationships>')
    book = record(131) + before_sheets + record(143) + \
        record(156, struct.pack("<LL", 0, 1) + wide("rId1") + wide("Regole")) + record(144) + after_sheets + record(132)
    formats = (0, 9, 164, 165) if padded else (0, 9, 164)
    xf = [record(47, struct.pack("<HH", 0xFFFF, fmt) + bytes(12)) for fmt in formats]
    own = record(44, struct.pack("<H", 164) + wide('0.0" pct"%')) + \
        (record(44, struct.pack("<H", 165) + wide("00000")) if padded else b"")
    styles = record(278) + record(615, struct.pack("<L", 1 + padded)) + own + \
        record(616) + record(617, struct.pack("<L", len(formats))) + b"".join(xf) + record(618) + record(279)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", types)
        z.writestr("xl/_rels/workbook.bin.rels", rels)
        z.writestr("xl/workbook.bin", book)
        z.writestr("xl/styles.bin", styles)
        dimension = record(148, struct.pack("<4L", 0, rows - 1, 0, 1))
        z.writestr("xl/worksheets/sheet1.bin", record(129) + dimension + record(145) + sheet + record(146) + record(130))
        if table is not None:
            z.writestr("xl/worksheets/_rels/sheet1.bin.rels",
                       f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f'<Relationship Id="rId1" Type="{RELS}/table" Target="../tables/table1.bin"/></Relationships>')
            z.writestr("xl/tables/table1.bin", table)
    return path


def test_an_xlsb_says_its_error_and_percent_cells(tmp_path):
    sheet = (row(0) + cell(5, 0, 0, struct.pack("<d", 1.0)) + cell(5, 1, 1, struct.pack("<d", 1.0)) +
             row(1) + cell(5, 0, 2, struct.pack("<d", 1.5)) + cell(3, 1, 0, b"\x2a") +
             row(2) + cell(11, 0, 0, b"\x07\x00\x00" + bytes(4)) + cell(5, 1, 0, struct.pack("<d", 2.0)))
    raw, _ = read_vetted(xlsb(tmp_path / "regole.xlsb", sheet))
    [regole] = raw.sheets
    assert regole.rows[:2] == [[1.0, 1.0], [1.5, ""]], "calamine's values: the error cell empty, 100 % as 1"
    assert regole.errors == ((2, 2, "#N/A"), (3, 1, "#DIV/0!"))
    assert regole.percents == frozenset({(1, 2), (2, 1)}), "B1 (0%) and A2 (0.0 pct%), not the General A1"



def test_an_xlsb_says_the_cells_a_format_of_zeros_pads(tmp_path):
    """A CAP 00184 typed into a cell formatted `00000` is kept as 184: the cell of style 3 is
    found with the digits its format shows, the General one beside it is not."""
    sheet = row(0) + cell(5, 0, 3, struct.pack("<d", 184.0)) + cell(5, 1, 0, struct.pack("<d", 184.0))
    raw, _ = read_vetted(xlsb(tmp_path / "regole.xlsb", sheet, rows=1, padded=True))
    [regole] = raw.sheets
    assert regole.rows == [[184.0, 184.0]] and regole.padded == {(1, 1): 5}


def test_an_xlsb_row_past_excels_last_is_refused_naming_its_tab(tmp_path):
    """The guard's row check on an .xlsb named the sheet by its part, «xl/worksheets/sheet1.bin», where calamine would
    have read row 1,048,577 of «Regole»: the workbook part is binary, and its tab names were looked for as XML."""
    sheet = row(0) + cell(5, 0, 0, struct.pack("<d", 1.0)) + row(SHEET_ROWS) + cell(5, 0, 0, struct.pack("<d", 2.0))
    with pytest.raises(UnusableInput) as refused:
        read_vetted(xlsb(tmp_path / "regole.xlsb", sheet))
    problem = refused.value.problem
    assert problem.code == "file-sheet-too-many-rows"
    assert "nel foglio «Regole» dati alla riga 1.048.577, oltre l'ultima riga" in problem.message("it")
    assert "in its sheet “Regole” at row 1,048,577, past" in problem.message("en")

@pytest.mark.parametrize("declared", [2_000_000, SHEET_ROWS + 1, 2**32])
def test_an_xlsb_declaring_rows_past_excels_last_over_a_few_rows_is_read(tmp_path, declared):
    """An .xlsb whose BrtWsDim declares a range down to row 2,000,000 (or the most four bytes
    say) over two rows was refused as holding «dati alla riga 2.000.000», which it did not: the
    declared range is a hint calamine reads no memory by, and the two rows are read."""
    sheet = row(0) + cell(5, 0, 0, struct.pack("<d", 1.0)) + row(1) + cell(5, 1, 0, struct.pack("<d", 2.0))
    raw, _ = read_vetted(xlsb(tmp_path / "regole.xlsb", sheet, rows=declared))
    [regole] = raw.sheets
    assert regole.name == "Regole" and regole.rows == [[1.0, ""], ["", 2.0]]


def _panicking_xls(tmp_path: Path) -> Path:
    """An .xls whose NAME record is cut to 3 bytes: calamine panics (`index out of bounds`)."""
    from test_guard import biff, write_cfb

    bof = struct.pack("<HHHHLL", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    head = biff(0x0809, bof) + biff(0x0018, b"\x00\x00\x00")
    sheet_at = len(head) + len(biff(0x0085, bytes(8 + 7))) + len(biff(0x000A))
    workbook = (head + biff(0x0085, struct.pack("<LBBBB", sheet_at, 0, 0, 7, 0) + b"Clienti") + biff(0x000A)
                + biff(0x0809, bof[:2] + struct.pack("<H", 0x0010) + bof[4:])
                + biff(0x0203, struct.pack("<HHHd", 0, 0, 15, 1.0)) + biff(0x000A))
    path = write_cfb(tmp_path / "Anagrafiche.xls", {"Workbook": workbook})
    return path


def _numbers(*rows: tuple[float, float]) -> bytes:
    return b"".join(row(n) + cell(5, 0, 0, struct.pack("<d", a)) + cell(5, 1, 0, struct.pack("<d", b))
                    for n, (a, b) in enumerate(rows))


def _table(first: int, last: int, headings: int, totals: int) -> bytes:
    """A table part over A{first + 1}:B{last + 1}: BrtBeginList (range, kind, id, heading and total
    rows' counts, then what Excel writes after them), BrtEndList."""
    head = struct.pack("<8L", first, last, 0, 1, 0, 1, headings, totals) + bytes(32)
    return record(343, head + wide("Tabella1") + wide("Tabella1")) + record(344)


def test_an_xlsb_tables_total_row_is_read_as_an_empty_row(tmp_path):
    """A table of *Regole* with Excel's Total Row (its sums, 3 and 30): read as a row of data,
    as it is not in an .xlsx, where the table part's count of total rows says which row it is."""
    sums = _numbers((1.0, 10.0), (2.0, 20.0), (3.0, 30.0))
    raw, _ = read_vetted(xlsb(tmp_path / "regole.xlsb", sums, _table(0, 2, 0, 1)))
    assert raw.sheets[0].rows == [[1.0, 10.0], [2.0, 20.0], ["", ""]]
    raw, _ = read_vetted(xlsb(tmp_path / "senza.xlsb", sums, _table(0, 2, 0, 0)))
    assert raw.sheets[0].rows == [[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]], "no Total Row: every row is data"
    raw, _ = read_vetted(xlsb(tmp_path / "solo.xlsb", _numbers((1.0, 10.0)), _table(0, 0, 0, 1), rows=1))
    assert raw.sheets[0].rows == [[1.0, 10.0]], "a table of one row is its data, whatever its count says"


def test_a_workbook_part_of_millions_of_records_is_not_walked_past_its_sheets_list(tmp_path):
    """Five million empty records after the sheets' list of `xl/workbook.bin` (10 MB, 10 kB
    zipped): the guard, and the readers after it, walked each in Python, about ten seconds a
    walk. The part names no sheet after BrtEndBundleShs, so the walks stop there; before it,
    where Excel writes a few dozen records, so many are refused as a damaged file."""
    import time

    from toolkit.basics.problems import UnusableInput

    junk = record(1) * 5_000_000
    sums = _numbers((1.0, 10.0), (2.0, 20.0), (3.0, 30.0))
    started = time.perf_counter()
    raw, _ = read_vetted(xlsb(tmp_path / "regole.xlsb", sums, _table(0, 2, 0, 1), after_sheets=junk))
    assert raw.sheets[0].rows == [[1.0, 10.0], [2.0, 20.0], ["", ""]]
    assert time.perf_counter() - started < 3, "every walk of the workbook part stops at its sheets' list"
    with pytest.raises(UnusableInput) as refused:
        read_vetted(xlsb(tmp_path / "danneggiato.xlsb", sums, before_sheets=junk))
    assert refused.value.problem.code == "file-corrupt"


def test_an_xls_calamine_panics_on_is_refused_naming_the_file_not_a_traceback(tmp_path, capsys):
    """A NAME record cut to 3 bytes makes calamine panic (`index out of bounds`), which pyo3
    raises as a BaseException: `toolkit check` and `convert` ended in a traceback and exit 1."""
    from toolkit.cli.app import _register, run

    path = _panicking_xls(tmp_path)
    _register()
    assert run(["check", str(path), "--lang", "en"]) == 2
    said = capsys.readouterr()
    assert "Anagrafiche.xls is damaged" in said.err + said.out
    assert run(["convert", str(path), "--to", "xlsx", "--out", str(tmp_path / "out"), "--lang", "en"]) == 2
    said = capsys.readouterr()
    assert "Anagrafiche.xls is damaged" in said.err + said.out


def test_calamines_panic_lines_stay_off_the_screen_and_other_lines_reach_it(tmp_path, capfd):
    """The same file: refused as damaged, exit 2, but above the refusal Rust's hook had written
    `thread '<unnamed>' panicked at …/xls.rs:811:15:`, the message and (`RUST_BACKTRACE` set) a
    backtrace of ninety frames, straight to stderr. What else is written meanwhile is kept."""
    import os

    from toolkit.cli.app import _register, run
    from toolkit.intake.rust_panics import panics_off_screen

    path = _panicking_xls(tmp_path)
    _register()
    assert run(["check", str(path), "--lang", "en"]) == 2
    said = capfd.readouterr()
    assert "Anagrafiche.xls is damaged" in said.err + said.out
    assert "panicked" not in said.err and "xls.rs" not in said.err and "backtrace" not in said.err, said.err
    with panics_off_screen():
        os.write(2, b"a library's own warning\n")
    assert capfd.readouterr().err == "a library's own warning\n"


def test_another_threads_lines_reach_the_screen_while_calamine_reads_and_its_panics_never(capfd):
    """A progress bar's steps and a warning written by another thread while a sheet is read: held
    in the file until the read ended, then shown all at once, late. Now they come as written, a
    step under way too, while Rust's report, written between them a piece at a time, stays off."""
    import os
    import threading
    import time

    from toolkit.intake.rust_panics import panics_off_screen

    def shown_while_reading(expected: str) -> str:
        seen = ""
        deadline = time.monotonic() + 5
        while expected not in seen and time.monotonic() < deadline:
            time.sleep(0.01)
            seen += capfd.readouterr().err
        return seen

    with panics_off_screen():
        writer = threading.Thread(target=os.write, args=(2, b"lettura 10 %\rlettura 20 %"))
        writer.start()
        writer.join()
        assert shown_while_reading("20 %") == "lettura 10 %\rlettura 20 %"
        os.write(2, b"\nthread '<unnamed>' (25436) panicked at src/xls.rs:811:15:\nindex out")
        time.sleep(0.2)
        os.write(2, b" of bounds\nnote: run with `RUST_BACKTRACE=1` to display a backtrace\nWarning: a library's own\n")
        assert shown_while_reading("own\n") == "\nWarning: a library's own\n"
        os.write(2, b"thread 'main' said hello")
        time.sleep(0.2)
        assert capfd.readouterr().err == "", "a line that may be a panic's waits for its end"
    assert capfd.readouterr().err == "thread 'main' said hello"


@pytest.mark.parametrize("pieces", [
    [b"\rlettura 20 %thread '<unnamed>' panicked at src/xls.rs:811:15:\nindex out of bounds\nnote: run with "
     b"`RUST_BACKTRACE=1` to display a backtrace\n\rlettura 30 %"],
    [b"\rlettura 20 %", b"thread '<unn", b"amed>' panicked at src/xls.rs:811:15:\nindex out", b" of bounds\n",
     b"note: run with `RUST_BACKTRACE=1` to display a backtrace\n\rlettura 30 %"],
    [b"\rlettura 20 %", b"thread '<unnamed>' panicked at src/xls.rs:811:15:\nindex out of bounds\n",
     b"note: run with `RUST_BACKTRACE=1` to display a backtrace\n\rlettura 30 %"]])
def test_a_panic_written_into_another_threads_progress_bar_stays_off_the_screen(pieces):
    """A progress bar drawn by another thread (`\\r` before each step, no line ended) while a
    sheet is read: Rust's report, written after a step, began within the bar's line, and all of
    it reached the screen (`lettura 20 %thread '<unnamed>' panicked at …`, the message, the note)."""
    from toolkit.intake.rust_panics import _Sieve

    sieve = _Sieve()
    shown = b"".join(sieve.sift(piece) for piece in pieces) + sieve.sift(b"", ended=True)
    assert shown == b"\rlettura 20 %\rlettura 30 %"


@pytest.mark.parametrize("backtrace", ["0", "1", "full"])
def test_a_line_written_after_a_panic_with_no_note_reaches_the_screen(tmp_path, monkeypatch, backtrace):
    """Rust writes its `note: run with RUST_BACKTRACE=1` after a process's first panic only: a
    second workbook calamine panics on (`convert` of a folder, a desk checking twice) left the
    sieve skipping the report's lines until the read ended, and another thread's warning written
    meanwhile, or its progress bar, was lost with them."""
    import subprocess
    import sys

    from toolkit.intake.rust_panics import _Sieve

    reading = ("import sys\nsys.path.insert(0, 'tests')\nfrom pathlib import Path\n"
               "from toolkit.intake.sources import read_vetted\n"
               "for _ in range(2):\n    try:\n        read_vetted(Path(sys.argv[1]))\n    except Exception:\n"
               "        pass\n")
    monkeypatch.setenv("RUST_BACKTRACE", backtrace)
    monkeypatch.setenv("TOOLKIT_DEBUG", "1")
    written = subprocess.run([sys.executable, "-c", reading, str(_panicking_xls(tmp_path))], capture_output=True,
                             check=True).stderr
    second = written[written.index(b"thread '", written.index(b"panicked at") + 1) - 1:]
    assert second.count(b"panicked at") == 1 and (backtrace != "0" or b"note:" not in second), second
    sieve = _Sieve()
    shown = (sieve.sift(b"lettura 10 %\n" + second) + sieve.sift(b"Warning: a library's own\n\rlettura 20 %")
             + sieve.sift(b"", ended=True))
    assert shown == b"lettura 10 %\nWarning: a library's own\n\rlettura 20 %"


def test_a_stderr_whose_reader_is_gone_neither_kills_the_guards_thread_nor_fails_the_read(monkeypatch):
    """stderr a pipe whose reader has gone (a terminal's `| head`, a launcher that quit) and a line
    written while calamine read: the thread passing it on died of BrokenPipeError (its traceback
    printed), and the read's end raised it, which the reader takes for a damaged workbook."""
    import threading
    import time

    from toolkit.intake import rust_panics

    died: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda hook: died.append(hook.exc_value))
    monkeypatch.setattr(rust_panics, "_now", rust_panics._Redirection())
    reader, writer = os.pipe()
    os.close(reader)
    kept = os.dup(2)
    os.dup2(writer, 2)
    try:
        with rust_panics.panics_off_screen():
            os.write(2, b"a library's own warning\n")
            time.sleep(rust_panics.PASSED_EVERY * 4)
            os.write(2, b"and another\n")
    finally:
        os.dup2(kept, 2)
        os.close(kept)
        os.close(writer)
    passer = rust_panics._now.passer
    if passer is not None:
        passer.join(5)
    assert died == [] and rust_panics._now.passer is None


STALLED_READ = """
import os, sys, threading, time
from toolkit.intake import rust_panics
with rust_panics.panics_off_screen():
    threading.Thread(target=os.write, args=(2, b"lettura 10 %" * 2**17), daemon=True).start()
    time.sleep(float(sys.argv[1]))
print("read ended", flush=True)
os._exit(0)
"""


@pytest.mark.parametrize("read_for", ["0.3", "0"], ids=["passed-on-while-reading", "handed-over-at-its-end"])
def test_a_stderr_nobody_drains_never_stops_a_read(read_for):
    """stderr a pipe its reader does not drain (a launcher reading stdout only, until the process
    ends) and another thread writing more than the pipe holds while calamine read: the thread
    passing it on wrote to the full pipe holding the lock the read's end takes, so the read
    never ended. Now the read ends whether the lines were passed on while it read or are
    caught at its end; only the passing thread waits for the pipe. The same on Windows, where
    stderr is not held aside: there only the writing thread waits."""
    import subprocess
    import sys
    import threading

    child = subprocess.Popen([sys.executable, "-c", STALLED_READ, read_for], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    said: list[bytes] = []
    reader = threading.Thread(target=lambda: said.append(child.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        reader.join(30)
        assert said == [b"read ended" + os.linesep.encode()], "the read hung on a full stderr"
    finally:
        child.kill()
        child.communicate()


def test_the_thread_passing_stderr_on_ends_with_the_read(capfd):
    """The thread passing lines on woke every twentieth of a second while a read went on and
    waited for ever between reads, one more thread for the life of the process (a desk's Excel
    keeps one Python for hours). It ends now once no read holds stderr aside, its lines all
    written; the next read starts another."""
    import threading

    from toolkit.intake import rust_panics

    for line in (b"prima lettura\n", b"seconda lettura\n"):
        with rust_panics.panics_off_screen():
            os.write(2, line)
        passer = rust_panics._now.passer
        if passer is not None:
            passer.join(rust_panics.PASSED_EVERY * 40)
        assert rust_panics._now.passer is None
        assert not [t for t in threading.enumerate() if t.name == "toolkit-stderr"]
        assert capfd.readouterr().err == line.decode()


def _stderr_given_back(before: os.stat_result) -> bool:
    """Whether fd 2 is the file it was (`before`); if not, it is put back, for the tests after."""
    from toolkit.intake import rust_panics

    now = os.fstat(2)
    if (now.st_dev, now.st_ino) == (before.st_dev, before.st_ino):
        return True
    if rust_panics._now.saved is not None:
        os.dup2(rust_panics._now.saved, 2)
        rust_panics._now.saved = None
    return False


@pytest.mark.parametrize("interrupted", ["the thread passing stderr on starts", "the read ends"])
def test_a_ctrl_c_as_stderr_is_held_or_given_back_leaves_it_where_it_was(capfd, monkeypatch, interrupted):
    """A Ctrl-C while the guard's thread started (the first read of the process) or while the
    read's end was told to it: fd 2 stayed in the temporary file for good, the interruption's own
    message and every line after it never shown."""
    import queue
    import threading

    from toolkit.intake import rust_panics

    class Interrupted(threading.Thread):
        def start(self) -> None:
            raise KeyboardInterrupt

    class ReadEndInterrupted(queue.SimpleQueue):
        def put(self, item, block=True, timeout=None) -> None:
            super().put(item)
            raise KeyboardInterrupt

    monkeypatch.setattr(rust_panics, "_now", rust_panics._Redirection())
    written = rust_panics._write

    def slowly(to: int, kept: bytes) -> None:  # the passing thread late, as on a loaded machine
        time.sleep(0.1)
        written(to, kept)

    monkeypatch.setattr(rust_panics, "_write", slowly)
    if interrupted == "the read ends":
        monkeypatch.setattr(rust_panics._now, "outbox", ReadEndInterrupted())
    else:
        monkeypatch.setattr(rust_panics.threading, "Thread", Interrupted)
    before = os.fstat(2)
    with pytest.raises(KeyboardInterrupt):
        with rust_panics.panics_off_screen():
            os.write(2, b"a warning written while calamine read\n")
    assert _stderr_given_back(before), "fd 2 left in the temporary file"
    os.write(2, b"Interrotto.\n")
    shown = capfd.readouterr().err
    assert shown.endswith("Interrotto.\n")
    if interrupted == "the read ends":  # what was caught ahead of the interruption shown before its message
        assert shown == "a warning written while calamine read\nInterrotto.\n"


def test_the_panic_guard_imports_and_reads_where_the_system_has_neither_fork_nor_pread(tmp_path, capfd,
                                                                                       monkeypatch):
    """Windows, where the desks' Excel runs, has neither `os.register_at_fork` nor `os.pread`:
    the guard registered its fork handler on import, so every command failed there before reading
    a cell. There it holds nothing aside, and a damaged file is still refused as damaged."""
    import importlib
    import os

    from toolkit.cli.app import _register, run
    from toolkit.intake import rust_panics

    monkeypatch.delattr(os, "register_at_fork")
    monkeypatch.delattr(os, "pread")
    try:
        guard = importlib.reload(rust_panics)
        assert not guard.HELD_ASIDE
        with guard.panics_off_screen():
            os.write(2, b"a library's own warning\n")
        assert capfd.readouterr().err == "a library's own warning\n"
        _register()
        assert run(["check", str(_panicking_xls(tmp_path)), "--lang", "en"]) == 2
        said = capfd.readouterr()
        assert "Anagrafiche.xls is damaged" in said.err + said.out
    finally:
        monkeypatch.undo()
        importlib.reload(rust_panics)


def test_a_forked_workers_lines_written_while_calamine_reads_reach_its_own_stderr(tmp_path, capfd):
    """`convert --jobs` forks its workers after the parent read the master data with calamine:
    they shared the parent's file for stderr, offset and all, so the parent giving its own back
    took a worker's warning (shown by the wrong process, or lost once emptied) and the worker
    then found nothing to give back."""
    import os

    from toolkit.intake.rust_panics import panics_off_screen

    with panics_off_screen():  # the parent read a workbook: its file for stderr is made
        pass
    written, wrote = os.pipe()
    done, told = os.pipe()
    mine = tmp_path / "worker.err"
    pid = os.fork()
    if pid == 0:  # the worker: its stderr a file of its own, to be read after
        try:
            os.dup2(os.open(mine, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
            with panics_off_screen():
                os.write(2, b"the worker's warning\n")
                os.write(wrote, b"x")
                os.read(done, 1)
        finally:
            os._exit(0)
    os.read(written, 1)
    with panics_off_screen():
        os.write(2, b"the parent's warning\n")
    os.write(told, b"x")
    os.waitpid(pid, 0)
    assert mine.read_bytes() == b"the worker's warning\n"
    assert capfd.readouterr().err == "the parent's warning\n"


def test_stderr_comes_back_when_ctrl_c_interrupts_its_giving_back(capfd, monkeypatch):
    """A Ctrl-C as the read ended, while Python's stderr was flushed: fd 2 stayed in the
    temporary file for the rest of the run, and the interruption's message was never seen."""
    import os
    import sys

    from toolkit.intake.rust_panics import panics_off_screen

    class Interrupted:
        flushed = 0

        def flush(self) -> None:
            self.flushed += 1
            if self.flushed == 2:
                raise KeyboardInterrupt

    monkeypatch.setattr(sys, "stderr", Interrupted())
    with pytest.raises(KeyboardInterrupt), panics_off_screen():
        pass
    monkeypatch.undo()
    os.write(2, b"Interrotto.\n")
    assert capfd.readouterr().err == "Interrotto.\n"


def test_a_line_another_thread_writes_as_stderr_comes_back_follows_those_written_before(capfd, monkeypatch):
    """A thread logging while calamine reads: its line written the moment fd 2 came back reached
    the screen before its earlier ones, held in the file and sent only after (a dozen lines in
    five thousand out of order under a thread writing every tenth of a millisecond)."""
    import os

    from toolkit.intake import rust_panics

    real = os.dup2

    def back_then_written(fd: int, to: int) -> None:
        real(fd, to)
        if to == 2 and fd != rust_panics._now.caught.fileno():
            os.write(2, b"written as stderr came back\n")

    monkeypatch.setattr(os, "dup2", back_then_written)
    with rust_panics.panics_off_screen():
        os.write(2, b"written while calamine read\n")
    monkeypatch.undo()
    assert capfd.readouterr().err == "written while calamine read\nwritten as stderr came back\n"


def _appended(path: Path, part: str, tail: bytes) -> Path:
    """The workbook at `path` with `tail` after the end of `part`, as a hostile file has it."""
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts[part] += tail
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _records_read(monkeypatch, path: Path) -> tuple[tuple, dict[str, int]]:
    """What xlsb_cells finds in the one sheet, and how many records it pulled from each part."""
    import threading

    from toolkit.intake import xlsb_cells as module

    pulled: dict[str, int] = {}

    def counted(zf, part):
        for found in xlsb_records(zf, part):
            pulled[part] = pulled.get(part, 0) + 1
            yield found

    xlsb_records = module.xlsb_records
    monkeypatch.setattr(module, "xlsb_records", counted)
    with zipfile.ZipFile(path) as zf:
        [(tab, cells)] = list(module.xlsb_cells(zf, [], threading.Event()))
    return (tab, cells), pulled


def test_an_xlsb_sheets_cells_are_read_up_to_the_end_of_its_sheet_data(tmp_path, monkeypatch):
    sheet = row(0) + cell(3, 0, 0, b"\x2a") + cell(5, 1, 1, struct.pack("<d", 1.0))
    path = _appended(xlsb(tmp_path / "regole.xlsb", sheet), "xl/worksheets/sheet1.bin",
                     row(5) + cell(3, 0, 0, b"\x07") + record(0) * 50_000)
    found, pulled = _records_read(monkeypatch, path)
    assert found == ("Regole", (((1, 1, "#N/A"),), frozenset({(1, 2)}), {})), "nothing past BrtEndSheetData is a cell"
    assert pulled["xl/worksheets/sheet1.bin"] < 20, "the 50 000 records past the sheet data are not walked"


def test_an_xlsb_cell_styles_are_read_up_to_the_end_of_the_cell_xfs(tmp_path, monkeypatch):
    sheet = row(0) + cell(5, 0, 1, struct.pack("<d", 1.0)) + cell(5, 1, 3, struct.pack("<d", 1.0))
    late = record(617, struct.pack("<L", 1)) + record(47, struct.pack("<HH", 0xFFFF, 9) + bytes(12)) + record(618)
    path = _appended(xlsb(tmp_path / "regole.xlsb", sheet), "xl/styles.bin", late + record(0) * 50_000)
    found, pulled = _records_read(monkeypatch, path)
    assert found == ("Regole", ((), frozenset({(1, 1)}), {})), "B1's style 3 is no cell style: the XFs end at BrtEndCellXFs"
    assert pulled["xl/styles.bin"] < 20, "the 50 000 records past the cell styles are not walked"


def test_an_xls_cells_are_found_among_only_the_records_that_can_say_them(tmp_path, sample_workbook, monkeypatch):
    """A sheet is mostly LABELSST (text) and ROW records: they are skipped by their header, not
    handed to `xls_cells` one by one, which was a second Python walk of a million records. And a
    sheet's cells are told once its records are read, so its reader does not wait for the others."""
    import threading

    from test_error_cells import saved_by_libreoffice_with_errors

    from toolkit.intake import xls_cells as module

    saved = saved_by_libreoffice_with_errors(sample_workbook, tmp_path, "xls")
    handed: list[int] = []

    def counted(*args):
        for found in xls_records(*args):
            handed.append(found[1])
            yield found

    xls_records = module.xls_records
    monkeypatch.setattr(module, "xls_records", counted)
    found, handed_by = {}, {}
    for tab, cells in module.xls_cells(saved, threading.Event()):
        found[tab], handed_by[tab] = cells, len(handed)
    assert handed_by["Clienti"] < handed_by["Righe modello"], "each sheet is told at its end, not all at the stream's"
    assert found["Clienti"][0] == ((3, 18, "#N/A"),) and found["Righe modello"][0] == ((2, 4, "#DIV/0!"),)
    assert {0x00FD, 0x0208} & set(handed) == set(), "no LABELSST or ROW record is handed over"
    everything = sum(1 for _ in xls_records(saved))
    assert len(handed) < everything / 2, f"{len(handed)} of {everything} records handed over"


def test_a_folder_s_xlsb_is_converted_not_skipped_as_no_spreadsheet(tmp_path, capsys):
    """`convert` listed an .xlsb, the binary workbook Excel saves, as skipped because «non è un
    foglio di calcolo», though every command reads one: a desk's old price list in a folder
    went unconverted with a reason that was not so. It is converted as an .xlsx is, its
    percent and error cells as they show."""
    from toolkit.cli import app, output

    sheet = (row(0) + cell(5, 0, 0, struct.pack("<d", 1.0)) + cell(5, 1, 1, struct.pack("<d", 1.0)) +
             row(1) + cell(5, 0, 2, struct.pack("<d", 1.5)) + cell(3, 1, 0, b"\x2a"))
    folder = tmp_path / "vecchi listini"
    folder.mkdir()
    xlsb(folder / "listino è.xlsb", sheet)
    app._register()
    output.reset()
    code = app.run(["convert", str(folder), "--out", str(tmp_path / "out"), "--to", "csv"])
    said = capsys.readouterr()
    assert code == 0, said
    assert "Convertiti 1, saltati 0, non riusciti 0." in said.out
    assert (tmp_path / "out" / "listino è.csv").read_text(encoding="utf-8-sig").splitlines() == ["1;100", "150;#N/A"]


def test_a_read_that_starts_as_another_ends_leaves_stderr_where_it_was(capfd, monkeypatch):
    """A read's end waits for its lines to be written without the lock (a stderr drained late),
    and a read that started then, finding no reader, held stderr aside again: it kept the
    temporary file as the real stderr, and its own end left fd 2 there for good, every later
    line of the process (a refusal's, an error's) written where nobody reads it. It joins the
    redirection still made now, every line shown once, in order."""
    import queue
    import threading

    from toolkit.intake import rust_panics

    stalled, drained, handed_over = threading.Event(), threading.Event(), threading.Event()
    write = rust_panics._write

    def drained_late(to: int, kept: bytes) -> None:
        stalled.set()
        drained.wait(10)
        write(to, kept)

    class Outbox(queue.SimpleQueue):
        def put(self, item, block=True, timeout=None) -> None:
            super().put(item)
            handed_over.set()

    monkeypatch.setattr(rust_panics, "_now", rust_panics._Redirection())
    monkeypatch.setattr(rust_panics._now, "outbox", Outbox())
    monkeypatch.setattr(rust_panics, "_write", drained_late)
    monkeypatch.setattr(rust_panics, "HANDED_OVER_WITHIN", 10.0)
    before = os.fstat(2)

    def first_read() -> None:
        with rust_panics.panics_off_screen():
            os.write(2, b"prima lettura\n")
            stalled.wait(10)  # passed on, the pipe full: the next line is handed over at the end
            os.write(2, b"prima lettura, fine\n")

    first = threading.Thread(target=first_read)
    first.start()
    try:
        assert handed_over.wait(10), "the first read's end handed nothing over"
        with rust_panics.panics_off_screen():
            drained.set()
            first.join(10)
            os.write(2, b"seconda lettura\n")
    finally:
        drained.set()
        first.join(10)
    passer = rust_panics._now.passer
    if passer is not None:
        passer.join(5)
    assert _stderr_given_back(before), "fd 2 left in the temporary file"
    os.write(2, b"dopo\n")
    assert capfd.readouterr().err == "prima lettura\nprima lettura, fine\nseconda lettura\ndopo\n"


def test_a_reads_end_waits_for_a_stderr_nobody_drains_half_a_second_in_all(capfd, monkeypatch):
    """A read's end waited half a second for the lines caught during it, and as long again for
    those another thread wrote meanwhile: a second per read of a batch on a stderr nobody drains.
    Half a second in all, as the README says; the lines are written, in order, once it drains."""
    import queue
    import threading
    import time

    from toolkit.intake import rust_panics

    drained = threading.Event()
    write = rust_panics._write

    def drained_late(to: int, kept: bytes) -> None:
        drained.wait(10)
        write(to, kept)

    class Outbox(queue.SimpleQueue):
        def put(self, item, block=True, timeout=None) -> None:
            super().put(item)
            if not item.last:  # another thread's line, as the read's end hands its own over
                os.write(2, b"un'altra riga\n")

    monkeypatch.setattr(rust_panics, "_now", rust_panics._Redirection())
    monkeypatch.setattr(rust_panics._now, "outbox", Outbox())
    monkeypatch.setattr(rust_panics, "_write", drained_late)
    monkeypatch.setattr(rust_panics, "PASSED_EVERY", 2.0)  # no passing on before the end
    before = os.fstat(2)
    try:
        with rust_panics.panics_off_screen():
            os.write(2, b"lettura\n")
            began = time.monotonic()
        ended = time.monotonic() - began
    finally:
        drained.set()
    passer = rust_panics._now.passer
    if passer is not None:
        passer.join(10)
    assert _stderr_given_back(before)
    assert rust_panics.HANDED_OVER_WITHIN <= ended < 1.5 * rust_panics.HANDED_OVER_WITHIN, ended
    assert capfd.readouterr().err == "lettura\nun'altra riga\n"
