"""An --out whose name is longer than a disk takes (found by fuzzing every verb's arguments):
refused at parsing as a mistake in the arguments, exit 2, naming the option, before the workbook
is read or the ledger touched; it was an internal error, *File name too long*, once the verb
reached Excel's lock file or the output folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from command_line import in_process as toolkit

from toolkit.cli import app, output

LONG = "🍕" + "x" * 300


@pytest.mark.parametrize(("verb", "suffix", "most"), [
    (["orders", "create", "{desk}", "--date", "2026-04-09", "--out", "{folder}/" + LONG + ".xlsx"], ".xlsx", 200),
    (["calendar", "{desk}", "--from", "2026-04-01", "--to", "2026-04-30", "--out", "{folder}/" + LONG + ".xlsx"],
     ".xlsx", 200),
    (["convert", "{desk}", "--to", "csv", "--out", "{folder}/" + LONG + "/csv"], "", 255),
], ids=["orders-create", "calendar", "convert"])
def test_an_out_name_too_long_for_a_disk_is_refused_before_any_work(verb, suffix, most, tmp_path, sample_workbook,
                                                                     capsys):
    desk = Path(shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    code, said = toolkit([a.format(desk=desk, folder=tmp_path) for a in verb], capsys)
    problem, = said["problems"]
    assert (code, problem["code"]) == (2, "usage-error")
    assert f"il nome per --out è troppo lungo, {len((LONG + suffix).encode())} byte (al massimo {most})" in problem["message"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["anagrafiche.xlsx"]


def test_a_folder_with_a_long_name_the_disk_holds_is_written_into(tmp_path, sample_workbook, capsys):
    """A share's folder named in 220 bytes exists, and a file of a short name is written in it: the
    200 bytes kept for the temporary name beside the file were asked of every folder on the way."""
    desk = Path(shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    shared = tmp_path / ("Vendite ricorrenti " + "x" * 201)
    shared.mkdir()
    code, _ = toolkit(["calendar", desk, "--from", "2026-04-01", "--to", "2026-04-30", "--out",
                       shared / "calendario.xlsx"], capsys)
    assert (code, [p.name for p in shared.iterdir()]) == (0, ["calendario.xlsx"])
    assert output.name_too_long(tmp_path / ("x" * 256) / "calendario.xlsx", "--out").endswith("(255 at most): give a shorter one")


def test_a_name_of_accented_or_chinese_letters_is_counted_as_windows_counts_it(monkeypatch, tmp_path):
    """Windows counts a name in UTF-16 units, 255 at most, where Linux counts UTF-8 bytes: 150
    accented letters (305 bytes with `.xlsx`) or 195 Chinese characters (590) were refused on
    Windows, which takes them. Counted as the system's disks count: on Windows one unit a letter,
    two an emoji; the 200 kept for the temporary name beside the file, as before."""
    monkeypatch.setattr(output, "WINDOWS", True)
    accented, chinese = tmp_path / ("è" * 150 + ".xlsx"), tmp_path / ("東" * 195 + ".xlsx")
    assert output.name_too_long(accented, "--out") is None
    assert output.name_too_long(chinese, "--out") is None
    assert output.name_too_long(tmp_path / ("東" * 255) / "ordini.xlsx", "--out") is None, "a folder: 255 units"
    told = output.name_too_long(tmp_path / ("東" * 196 + ".xlsx"), "--out")
    assert "il nome per --out è troppo lungo, 201 caratteri (al massimo 200)" in told
    assert "the name for --out is too long, 201 characters (200 at most)" in told
    monkeypatch.setattr(output, "WINDOWS", False)
    assert "305 byte (al massimo 200)" in output.name_too_long(accented, "--out"), "Linux: bytes, as its disks"


def test_a_name_of_emoji_is_said_in_the_characters_typed_and_the_units_windows_counts(monkeypatch, tmp_path):
    """A name of 101 emoji was said to be «202 caratteri»: Windows' UTF-16 units, two an emoji,
    called characters, where the desk typed 101. Said as typed, with the count the limit stands
    against."""
    monkeypatch.setattr(output, "WINDOWS", True)
    told = output.name_too_long(tmp_path / ("🍕" * 101), "--out")
    assert "troppo lungo, 101 caratteri, che per Windows sono 202 (al massimo 200)" in told, told
    assert "too long, 101 characters, which Windows counts as 202 (200 at most)" in told, told
    assert output.name_too_long(tmp_path / ("🍕" * 100), "--out") is None


def test_the_current_folder_written_as_a_dot_is_a_folder_like_any_other(tmp_path, monkeypatch, capsys):
    """The README's typical day begins `toolkit sample .` (the sample into the folder you are in):
    a dot has no name to measure, and the length check answered it with an internal error, exit 3
    (*zip() argument 2 is longer than argument 1*), before anything was written."""
    monkeypatch.chdir(tmp_path)
    app._register()
    output.reset()
    assert app.run(["sample", "."]) == 0, capsys.readouterr()
    assert [p.name for p in tmp_path.iterdir()] == ["anagrafiche.xlsx"]
    assert output.name_too_long(Path("."), "DIR") is None
