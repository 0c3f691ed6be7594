"""A worker of `convert --to orders` reads its forms a step at a time (every form through the
guard, then through calamine, then fields, lines and prices) and must make of each file exactly
what reading it alone made (tests/oracles/form_one_at_a_time.py): the same status, problems,
digest and draft, for random folders of good, wrong and broken files, in one process and two."""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from oracles.form_one_at_a_time import form_one_at_a_time

from tests.foreign_inputs import order_form
from toolkit.intake.mapping import NO_MAPPING
from toolkit.services import convert
from toolkit.services.session import open_session


def broken_files(folder: Path, good: Path, rng: random.Random) -> list[Path]:
    """Files the guard or the reader refuses, each once, in a random order among the forms."""
    data = good.read_bytes()
    made = {
        "troncato.xlsx": data[: rng.randint(100, len(data) - 100)],
        "vuoto.xlsx": b"",
        "testo.xlsx": b"Cliente;Articolo\nC001;A001\n",
        "rovinato.xlsx": data[:600] + bytes(rng.randrange(256) for _ in range(400)) + data[1000:],
    }
    paths = []
    for name, content in made.items():
        (folder / name).write_bytes(content)
        paths.append(folder / name)
    far = openpyxl.Workbook()
    far.active["A1"] = "Cliente:"
    far.active["XFD1048576"] = 1
    far.save(folder / "lontano.xlsx")
    (folder / "modulo.csv").write_text(
        "Cliente:;C001\nData:;09/04/2026\n;\nCodice articolo;Quantità\nA001;2,5\nA002;3\n", encoding="utf-8")
    (folder / "vecchio.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    return [*paths, folder / "lontano.xlsx", folder / "modulo.csv", folder / "vecchio.xls"]


def random_folder(folder: Path, master, rng: random.Random) -> list[Path]:
    customers = [c.code for c in master.customers] + ["NESSUNO"]
    items = [i.code for i in master.items] + ["NOPE"]
    made = []
    for n in range(rng.randint(20, 40)):
        lines = [(rng.choice(items), rng.choice((1, 2, 5, 12, 40, 0, -1))) for _ in range(rng.randint(0, 4))]
        made.append(order_form(folder / f"ordine-{n:03d}.xlsx", rng.choice(customers),
                               date(2026, 4, rng.randint(7, 10)), lines, reference=rng.choice(("", f"ODA {n}"))))
        if rng.random() < 0.15:
            made.append(Path(shutil.copy(made[-1], folder / f"copia-{n:03d}.xlsx")))
    made += broken_files(folder, made[0], rng)
    rng.shuffle(made)
    return made


def outcome(result: convert.FileResult, payload) -> tuple:
    problems = tuple((p.code, p.sheet, p.cell, p.message("it")) for p in result.problems)
    if isinstance(payload, convert.PricedForm):
        assert not problems
        problems = tuple((p.code, p.sheet, p.cell, p.message("it")) for p in payload.problems)
        return result.status, result.read, problems, payload.digest, payload.draft
    return result.status, result.read, problems, None, None


@pytest.mark.parametrize("seed", range(3))
def test_forms_read_a_step_at_a_time_are_what_each_read_alone_was(seed, sample_workbook, tmp_path):
    session = open_session(sample_workbook)
    folder = tmp_path / "moduli"
    folder.mkdir()
    paths = random_folder(folder, session.master, random.Random(seed))
    wanted = [form_one_at_a_time(p, session.master, NO_MAPPING.orders) for p in paths]
    assert {w[0] for w in wanted} == {"converted", "failed"}
    options = convert.Options("orders", tmp_path / "out", master=session.master)
    for jobs in (1, 2):
        got = [outcome(*made) for made in convert._run(options, [(p, tmp_path / "out") for p in paths], jobs, None)]
        assert got == wanted, jobs


def test_forms_are_read_together_up_to_a_megabyte_a_larger_file_alone(tmp_path):
    sizes = [300_000, 300_000, 300_000, 300_000, 3_000_000, 10, 700_000, 400_000]
    items = []
    for n, size in enumerate(sizes):
        (tmp_path / f"{n}.xlsx").write_bytes(b"x" * size)
        items.append((tmp_path / f"{n}.xlsx", tmp_path))
    items.insert(2, (tmp_path / "missing.xlsx", tmp_path))
    runs = [[path.name for path, _ in run] for run in convert._up_to(items, convert.FORMS_READ_TOGETHER)]
    assert runs == [["0.xlsx", "1.xlsx", "missing.xlsx", "2.xlsx"], ["3.xlsx"], ["4.xlsx"], ["5.xlsx", "6.xlsx"],
                    ["7.xlsx"]]
