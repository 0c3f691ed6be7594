"""A SQLite ledger in a network folder is told, not silently used: its file locks do not hold
over SMB or NFS, so two PCs can damage it or number a document twice. Unsupported (docs/excel.md)
but never detected; now a warning on the command line and in the button's box, the command
still done (`toolkit.ledger.network`)."""

from __future__ import annotations

import shutil

import pytest
from test_printing import cli

import toolkit.ledger.network as network
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders


@pytest.fixture
def on_a_share(tmp_path, monkeypatch):
    """`tmp_path` mounted, as Linux says it, from a Windows share (cifs)."""
    mounts = tmp_path.parent / f"{tmp_path.name}-mountinfo"
    point = str(tmp_path).replace(" ", "\\040")
    mounts.write_text(f"22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
                      f"40 22 0:50 / {point} rw,relatime - cifs //nas/ordini rw,vers=3.1.1\n")
    monkeypatch.setattr(network, "MOUNTS", mounts)
    monkeypatch.setattr(network.os, "name", "posix")
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    return tmp_path


def test_a_command_on_a_ledger_in_a_network_folder_warns_and_still_works(capsys, on_a_share, sample_workbook):
    workbook = on_a_share / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 0, said
    assert "anagrafiche.xlsx.ledger.sqlite è in una cartella di rete (cifs)" in said, said
    ledger = open_ledger(None, workbook)
    with reading(ledger) as conn:
        assert load_orders(conn)
    ledger.engine.dispose()
    code, said = cli(capsys, "orders", "list", workbook, "--lang", "en")
    assert code == 0 and "is in a network folder (cifs)" in said


def test_a_ledger_on_a_local_disk_is_not_warned(capsys, tmp_path, sample_workbook, monkeypatch):
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 0 and "cartella di rete" not in said


def test_a_button_on_a_ledger_in_a_network_folder_adds_the_warning_to_its_box(on_a_share):
    """The way to a team ledger is said as a button's user takes it: the address in Registro
    (it said «usate un registro PostgreSQL del team», and not where it is named)."""
    from test_excel_desk_buttons import fake, press

    book = fake(on_a_share)
    press(book, "preview_orders")
    (shown,) = press(book, "create_orders")
    assert shown[0].endswith("ordini-ricorrenti.xlsm.ledger.sqlite è in una cartella di rete (cifs): lì SQLite non "
                             "riesce a bloccare il file in modo affidabile, e due PC che scrivono insieme possono "
                             "rovinarlo o dare due volte lo stesso numero. Sposta la cartella di lavoro e il suo "
                             "registro in una cartella del disco di questo PC; per lavorare in più persone scrivete "
                             "in Impostazioni › Registro l'indirizzo di un registro PostgreSQL del team, su un "
                             "server."), shown


def test_a_share_mounted_over_its_automount_point_is_the_one_told():
    """systemd's automount and autofs list their trigger first, then the NFS or SMB share
    mounted over it at the same point: the folder lies on the later one, the share."""
    from pathlib import Path

    info = ("22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
            "35 22 0:33 / /mnt/ordini rw - autofs systemd-1 rw,fd=45\n"
            "61 35 0:52 / /mnt/ordini rw - nfs4 nas:/export/ordini rw,vers=4.2\n")
    assert network.remote_mount(info, Path("/mnt/ordini/2026")) == "nfs4"
    assert network.remote_mount(info.replace("nfs4 nas", "ext4 /dev/sdb1"), Path("/mnt/ordini")) is None


def test_a_relative_ledger_path_on_windows_is_looked_up_on_the_working_folders_drive(tmp_path, monkeypatch):
    """`--ledger registro.sqlite` run from a mapped Z:\\ordini had no drive to ask Windows
    about, so a ledger on a network drive named that way was never told."""
    from pathlib import Path

    asked: list[str] = []
    from types import SimpleNamespace

    named = Path("registro.sqlite")
    monkeypatch.setattr(network, "os", SimpleNamespace(name="nt"))
    monkeypatch.setattr(network, "_windows", lambda path: asked.append(path))
    monkeypatch.chdir(tmp_path)
    network.network_folder(named)
    assert asked == [str(tmp_path / "registro.sqlite")]


@pytest.mark.parametrize("synced", ["OneDrive - Ditta S.r.l", "Dropbox", "Il mio Drive"])
def test_a_ledger_in_a_synced_folder_is_warned_once_naming_the_folder_and_the_team_ledger(capsys, tmp_path,
                                                                                          sample_workbook, monkeypatch,
                                                                                          synced):
    """OneDrive, Dropbox or Google Drive copy the file between PCs, and two PCs writing their
    copies lose one's documents: a local disk to the system, so nothing was said."""
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    folder = tmp_path / synced
    (folder / "Ordini").mkdir(parents=True)
    workbook = folder / "Ordini" / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 0, said
    assert said.count(f"anagrafiche.xlsx.ledger.sqlite è nella cartella {folder}, che un servizio come OneDrive, "
                      "Dropbox, Google Drive o iCloud copia fra i PC") == 1, said
    assert "scrivete in Impostazioni › Registro l'indirizzo di un registro PostgreSQL del team, su un server" in said


@pytest.mark.parametrize("own", ["Dropbox-old", "OneDrive-backup", "OneDrive backup 2025", "dropbox_vecchio"])
def test_a_folder_of_the_users_own_named_after_a_sync_tool_is_not_warned(capsys, tmp_path, sample_workbook,
                                                                          monkeypatch, own):
    """An archive copied off the service (`Dropbox-old`) is a local folder: `dropbox[ -].*` took it for
    Dropbox's own and told the desk, every command, to move its ledger or set up a server."""
    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    (tmp_path / own).mkdir()
    workbook = tmp_path / own / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09")
    assert code == 0, said
    assert "ledger-in-synced-folder" not in said and "copia fra i PC" not in said, said
    assert network.synced_folder(workbook) is None


def test_a_button_on_a_ledger_in_a_synced_folder_adds_the_warning_to_its_box(tmp_path, monkeypatch):
    from test_excel_desk_buttons import fake, press

    monkeypatch.delenv("TOOLKIT_LEDGER_URL", raising=False)
    folder = tmp_path / "Dropbox (Ditta)"
    folder.mkdir()
    book = fake(folder)
    press(book, "preview_orders")
    (shown,) = press(book, "create_orders")
    assert f"ordini-ricorrenti.xlsm.ledger.sqlite è nella cartella {folder}, che un servizio" in shown[0], shown


def test_a_mac_volume_served_by_a_share_is_told_and_a_usb_disk_is_not(monkeypatch):
    """On macOS there is no /proc: a share mounted at /Volumes/ordini was never told."""
    from pathlib import Path
    from types import SimpleNamespace

    said = ("/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
            "//anna@nas._smb._tcp.local/ordini on /Volumes/ordini (smbfs, nodev, nosuid, mounted by anna)\n"
            "/dev/disk4s1 on /Volumes/CHIAVETTA (msdos, local, nodev, nosuid, noowners)\n")
    monkeypatch.setattr(network.sys, "platform", "darwin")
    monkeypatch.setattr(network.os, "name", "posix")
    monkeypatch.setattr(network.subprocess, "run", lambda *a, **k: SimpleNamespace(stdout=said))
    assert network.network_folder(Path("/Volumes/ordini/2026/a.xlsx.ledger.sqlite")) == "smbfs"
    assert network.network_folder(Path("/Volumes/CHIAVETTA/a.xlsx.ledger.sqlite")) is None
