"""Two desks writing the same output file in the same instant (same folder, same second): the
file is one writer's, whole, never a mix, and neither command fails. `atomic_path` gives each
writer a temporary file of its own and renames it in one step; `staged_output` (e-invoices,
volume discounts' notes) keeps aside the file it replaces, which another desk's action may take
aside first, between the look and the move: that crashed the action, FileNotFoundError."""

from __future__ import annotations

import multiprocessing
import os
import traceback
from pathlib import Path

import pytest

from toolkit.basics.files import staged_output, write_atomic

WRITERS, ROUNDS, SIZE = 4, 40, 300_000


def _atomic(i: int, folder: str, barrier, answers) -> None:
    try:
        for _ in range(ROUNDS):
            barrier.wait()
            write_atomic(Path(folder) / "out.csv", lambda p: p.write_bytes(bytes([65 + i]) * SIZE))
        answers.put(None)
    except Exception:
        answers.put(traceback.format_exc())


def _staged(i: int, folder: str, barrier, answers) -> None:
    try:
        for _ in range(ROUNDS):
            barrier.wait()
            with staged_output(Path(folder)) as staged:
                made = staged.folder / f"made-{i}"
                made.write_bytes(bytes([65 + i]) * SIZE)
                staged.place(made, "out.csv")
        answers.put(None)
    except Exception:
        answers.put(traceback.format_exc())


@pytest.mark.parametrize("writer", [_atomic, _staged], ids=["atomic_path", "staged_output"])
def test_writers_racing_for_one_name_leave_one_whole_file_and_no_failure(tmp_path, writer):
    context = multiprocessing.get_context("fork" if os.name != "nt" else "spawn")
    barrier, answers = context.Barrier(WRITERS, timeout=60), context.Queue()
    desks = [context.Process(target=writer, args=(i, str(tmp_path), barrier, answers)) for i in range(WRITERS)]
    for desk in desks:
        desk.start()
    failures = [a for a in (answers.get(timeout=120) for _ in desks) if a]
    for desk in desks:
        desk.join()
    assert failures == []
    made = (tmp_path / "out.csv").read_bytes()
    assert len(made) == SIZE and len(set(made)) == 1, "one writer's file, whole"
    assert os.listdir(tmp_path) == ["out.csv"], "no temporary file left"


def test_a_file_another_desk_took_aside_after_the_look_is_not_a_failure(tmp_path, monkeypatch):
    """The race made certain: the name is there when looked at and gone when moved aside."""
    target = tmp_path / "out.csv"
    target.write_text("earlier")
    looked = os.path.lexists

    def then_taken(path) -> bool:
        there = looked(path)
        if Path(path) == target and there:
            target.unlink()
        return there

    with staged_output(tmp_path) as staged:
        made = staged.folder / "made"
        made.write_text("ours")
        monkeypatch.setattr(os.path, "lexists", then_taken)
        staged.place(made, "out.csv")
        monkeypatch.undo()
    assert target.read_text() == "ours"
    assert os.listdir(tmp_path) == ["out.csv"]
