"""A disk that fills up while a workbook is written: the toolkit's one line on stderr and
nothing else, and no file at --out, not even the temporary one.

The disk is simulated: the files opened for writing in the output folder take a few kilobytes,
then every write fails with ENOSPC, as a full disk's do (and /dev/full's, which a file written
atomically beside its target cannot be)."""

from __future__ import annotations

import errno
import gc
import io
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from toolkit.basics.files import atomic_path
from toolkit.cli import app, output

ROOM = 4000
"""Bytes the disk takes before it is full: past a workbook's first parts, short of its end."""


class FullDisk(io.FileIO):
    """A file on a disk with `ROOM` bytes left."""

    left = ROOM

    def write(self, data) -> int:
        if FullDisk.left < len(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        FullDisk.left -= len(data)
        return super().write(data)


@pytest.fixture
def full_disk(tmp_path, monkeypatch) -> Path:
    """A folder on a disk that fills up: the zip archives written in it (a workbook is one)
    write through `FullDisk`."""
    folder = tmp_path / "out"
    folder.mkdir()
    opened = io.open

    def open_on_the_disk(file, mode="r", *args, **kwargs):
        if "w" in mode and Path(file).parent == folder:
            return io.BufferedRandom(FullDisk(file, "w+"))
        return opened(file, mode, *args, **kwargs)

    monkeypatch.setattr(FullDisk, "left", ROOM)
    monkeypatch.setattr(zipfile.io, "open", open_on_the_disk)
    return folder


@pytest.fixture
def unraisable(monkeypatch) -> list:
    """What Python would print as "Exception ignored in …" (an error in a finalizer)."""
    found: list = []
    monkeypatch.setattr(sys, "unraisablehook", found.append)
    return found


def test_a_zip_left_open_by_a_failed_write_is_abandoned_with_its_file(full_disk, unraisable):
    target = full_disk / "archive.zip"
    with pytest.raises(OSError, match="No space left") as failed, atomic_path(target) as tmp:
        archive = zipfile.ZipFile(tmp, "w")
        for part in range(ROOM // 100):
            archive.writestr(f"part-{part}.bin", bytes(1000))
    del archive, failed
    gc.collect()
    assert unraisable == []
    assert list(full_disk.iterdir()) == []


@pytest.mark.parametrize("verb", ["check", "print"])
def test_a_disk_full_while_writing_a_workbook_prints_only_the_toolkits_message(verb, full_disk, unraisable,
                                                                                sample_workbook, tmp_path, capsys):
    workbook = Path(shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    app._register()
    if verb == "print":
        output.reset()
        assert app.run(["orders", "create", str(workbook), "--date", "2026-04-09"]) == 0
        args = ["print", "orders", str(workbook), "--date", "2026-04-09", "--out", str(full_disk / "ordini.xlsx")]
    else:
        args = ["check", str(workbook), "--report", str(full_disk / "controllo.xlsx")]
    capsys.readouterr()
    output.reset()
    code = app.run(args)
    gc.collect()
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [line for line in err.splitlines() if line.startswith("toolkit: ")] != []
    assert "Il disco è pieno" in err and "errore interno" not in err
    assert unraisable == []
    assert list(full_disk.iterdir()) == []
