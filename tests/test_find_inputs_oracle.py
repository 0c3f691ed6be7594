"""A batch conversion's inputs, found by a walk that resolves each file from its folder, are
exactly those `rglob` and a resolve per file found (tests/oracles/inputs.py): random trees of
forms, subfolders, hidden and lock files, links to files and to folders (a folder linked twice,
a link to a file elsewhere, a dangling link), an output folder below the input."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from oracles.inputs import inputs_by_rglob

from toolkit.intake.tables import find_inputs

NAMES = ["ordine-1.xlsx", "Ordine-2.XLSX", "listino.ods", "note.txt", ".nascosto.xlsx", "~$ordine-1.xlsx",
         ".~lock.listino.ods#", "clienti.csv", "vecchio.xls", "b.xlsm", "a.xlsx", "Z.xlsx"]


def random_tree(root: Path, rng: random.Random) -> list[Path]:
    folders = [root]
    for n in range(rng.randint(0, 5)):
        folder = rng.choice(folders) / rng.choice(("sub", "Archivio", ".old", "2026", "a b")) / str(n)
        folder.mkdir(parents=True, exist_ok=True)
        folders.append(folder)
    files = []
    for n in range(rng.randint(1, 25)):
        path = rng.choice(folders) / f"{n}-{rng.choice(NAMES)}"
        path.write_bytes(bytes([n]))
        files.append(path)
    elsewhere = root.parent / f"altrove-{rng.random()}"
    elsewhere.mkdir()
    (elsewhere / "fuori.xlsx").write_bytes(b"x")
    for n in range(rng.randint(0, 4)):
        link = rng.choice(folders) / f"link-{n}.xlsx"
        os.symlink(rng.choice(files + [elsewhere / "fuori.xlsx", root / "manca.xlsx"]), link)
    for n in range(rng.randint(0, 2)):
        os.symlink(rng.choice(folders + [elsewhere]), rng.choice(folders) / f"cartella-{n}")
    return folders + files


@pytest.mark.parametrize("seed", range(8))
def test_the_walk_finds_what_rglob_found(tmp_path, seed):
    rng = random.Random(seed)
    root = tmp_path / "in"
    root.mkdir()
    made = random_tree(root, rng)
    out = rng.choice([tmp_path / "out", root / "out", root / "sub"])
    out.mkdir(exist_ok=True)
    (out / "conversione.xlsx").write_bytes(b"x")
    given = [root] + rng.sample(made, min(len(made), rng.randint(0, 3)))
    assert find_inputs(given, exclude=out) == inputs_by_rglob(given, exclude=out)
    assert find_inputs([root]) == inputs_by_rglob([root])
