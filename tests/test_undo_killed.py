"""`invoice undo` killed with SIGKILL, or stopped by Ctrl+C, at a named step: between putting
the run's files aside (`.~RUN-name`) and the ledger's undo, and between the ledger's commit and
the deletion of those files. The next undo of the run ends what the killed one began: the files
are given their names back and go with the run, or are deleted with the month's register
written again, and the desk is told; nothing stays under a hidden name."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select
from test_printing import april_draft_run, cli, desk  # noqa: F401 (the fixture)

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import document_number, reading

KILLED_AT = textwrap.dedent("""
    import os, signal, sys
    import toolkit.services.invoicing as invoicing

    real, step = invoicing.undo, sys.argv[1]

    def killed(*args, **kwargs):
        if step == "before-ledger":
            os.kill(os.getpid(), signal.SIGKILL)
        real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGKILL)

    invoicing.undo = killed
    from toolkit.cli.app import main

    sys.argv = ["toolkit", *sys.argv[2:]]
    main()
""")


def killed_undo(step: str, *args) -> None:
    child = subprocess.run([sys.executable, "-c", KILLED_AT, step, "invoice", "undo", *map(str, args)],
                           capture_output=True, text=True, timeout=300)
    assert child.returncode == -9, child.stderr


def drafts(url: str, run_id: str) -> list[str]:
    i = schema.invoices.c
    with reading(open_ledger(url)) as conn:
        return [document_number(*r) for r in conn.execute(select(i.series, i.year, i.number).where(i.run_id == run_id))]


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".~"))


def run_with_register(capsys, folder: Path, desk) -> tuple[str, list[str], list[str]]:  # noqa: F811
    """A draft run with its copies, and the month's register listing its drafts, in `folder`."""
    workbook, url = desk
    run_id = april_draft_run(capsys, folder, desk)
    assert cli(capsys, "invoice", "export", workbook, "--month", "2026-04", "--out", folder, "--ledger", url)[0] == 0
    own = sorted(p.name for p in folder.iterdir() if run_id in p.name)
    assert len(own) == 3 and drafts(url, run_id)
    return run_id, own, drafts(url, run_id)


def test_undo_killed_before_the_ledger_undid_the_run_puts_its_files_back_and_undoes_it_again(capsys, tmp_path,
                                                                                              desk):  # noqa: F811
    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id, own, numbers = run_with_register(capsys, folder, desk)
    killed_undo("before-ledger", workbook, run_id, "--ledger", url)
    assert hidden(folder) and drafts(url, run_id) == numbers  # the state the kill leaves: files hidden, run held
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    assert {f"Tolto: {folder / name}" for name in own} <= set(said.splitlines())
    assert hidden(folder) == [] and [p.name for p in folder.iterdir() if run_id in p.name] == []
    assert drafts(url, run_id) == []
    register = (folder / "registro-2026-04.csv").read_text(encoding="utf-8-sig")
    assert not any(n in register for n in numbers)


@pytest.mark.parametrize("lang", ["it", "en"])
def test_undo_killed_after_the_ledger_undid_the_run_deletes_its_files_on_the_next_undo_and_says_so(
        capsys, tmp_path, desk, lang):  # noqa: F811
    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id, own, numbers = run_with_register(capsys, folder, desk)
    killed_undo("after-ledger", workbook, run_id, "--ledger", url)
    assert hidden(folder) and drafts(url, run_id) == []
    assert not (folder / "registro-2026-04.csv").exists()  # put aside with the run's files
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url, "--lang", lang)
    assert code == 0, said
    flat = " ".join(said.split())
    assert (f"L'annullamento dell'emissione {run_id}" in flat and "sono cancellati ora" in flat if lang == "it"
            else f"The undo of run {run_id}" in flat and "they are deleted now" in flat), said
    assert all(str(folder / name) in flat for name in own), said
    assert hidden(folder) == [] and [p.name for p in folder.iterdir() if run_id in p.name] == []
    register = (folder / "registro-2026-04.csv").read_text(encoding="utf-8-sig")
    assert "FT-2026" in register and not any(n in register for n in numbers)
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0 and "è già stata annullata" in said, said


def test_a_print_of_the_run_named_with_a_month_goes_with_it_when_a_killed_undo_is_finished(
        capsys, tmp_path, desk):  # noqa: F811
    """A run's print the desk named for its month (`stampa-2026-04.xlsx`) was taken for the
    month's register by a name holding `-2026-04.`: given its name back, not written again nor
    deleted, it stayed, the undone run's drafts in it, numbered as the next run's documents."""
    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id, own, numbers = run_with_register(capsys, folder, desk)
    prints = tmp_path / "stampe"
    code, said = cli(capsys, "print", "invoices", workbook, "--run", run_id, "--out", prints / "stampa-2026-04.xlsx",
                     "--ledger", url)
    assert code == 0 and (prints / "stampa-2026-04.xlsx").is_file(), said
    killed_undo("after-ledger", workbook, run_id, "--ledger", url)
    assert hidden(prints) and drafts(url, run_id) == []
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0, said
    assert list(prints.iterdir()) == [], said
    assert str(prints / "stampa-2026-04.xlsx") in " ".join(said.split()), said
    register = (folder / "registro-2026-04.csv").read_text(encoding="utf-8-sig")
    assert "FT-2026" in register and not any(n in register for n in numbers)


def test_finishing_a_killed_undo_refuses_a_register_open_in_excel_and_finishes_once_closed(
        capsys, tmp_path, desk):  # noqa: F811
    """The month's register, written again since the kill and open in Excel, was moved aside and
    deleted under it (on Windows, the system's refusal an internal error), where the undo refuses
    a file open in Excel before it touches anything."""
    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id, own, numbers = run_with_register(capsys, folder, desk)
    killed_undo("after-ledger", workbook, run_id, "--ledger", url)
    assert cli(capsys, "invoice", "export", workbook, "--month", "2026-04", "--out", folder, "--ledger", url)[0] == 0
    register = folder / "fatture-2026-04.xlsx"
    written = register.read_bytes()
    lock = folder / f"~${register.name}"
    lock.write_bytes(b"anna")
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 2 and f"{register} è aperto in Excel" in " ".join(said.split()), said
    assert register.read_bytes() == written
    lock.unlink()
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code == 0 and "sono cancellati ora" in " ".join(said.split()), said
    assert hidden(folder) == [] and [p.name for p in folder.iterdir() if run_id in p.name] == []


def test_ctrl_c_after_the_ledger_undid_the_run_deletes_its_files_and_writes_the_month_s_register_again(
        capsys, tmp_path, desk, monkeypatch):  # noqa: F811
    """Ctrl+C once the ledger let the run go deletes the run's files rather than giving them back
    their names. It deleted the month's register too, which listed the run's drafts, and did not
    write it again (a kill at the same point has the next undo write it): it is written again,
    without the drafts, and nothing stays hidden, as the next undo would leave it."""
    import toolkit.services.invoicing as invoicing

    workbook, url = desk
    folder = tmp_path / "fatture"
    run_id, own, numbers = run_with_register(capsys, folder, desk)
    real = invoicing.undo

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(invoicing, "undo", interrupted)
    code, said = cli(capsys, "invoice", "undo", workbook, run_id, "--ledger", url)
    assert code != 0 and drafts(url, run_id) == []
    assert hidden(folder) == [] and [p.name for p in folder.iterdir() if run_id in p.name] == [], said
    register = (folder / "registro-2026-04.csv").read_text(encoding="utf-8-sig")
    assert "FT-2026" in register and not any(n in register for n in numbers)
