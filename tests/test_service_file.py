"""Which parameters a `pg_service.conf` entry sets, read as libpq reads the file: the toolkit's
own connect timeout and keepalives are left out for exactly those, so the service's values win
and a service setting none still gets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.ledger import service_file
from toolkit.ledger.service_file import service_keys


def built_with(monkeypatch, folder) -> None:
    """libpq built with the system's service file in `folder`, whatever the platform."""
    monkeypatch.setattr(service_file, "SYSCONFDIRS", dict.fromkeys(("linux", "darwin", "win32"), str(folder)))


@pytest.fixture
def services(tmp_path, monkeypatch):
    """Write the desk's own service file (PGSERVICEFILE) with the given text; no system one."""
    for variable in ("PGSERVICE", "PGSYSCONFDIR", "PGSERVICEFILE"):
        monkeypatch.delenv(variable, raising=False)
    built_with(monkeypatch, tmp_path / "no-system")

    def write(text: str):
        path = tmp_path / "pg_service.conf"
        path.write_text(text, encoding="utf-8")
        monkeypatch.setenv("PGSERVICEFILE", str(path))
        return path

    return write


def test_a_comment_after_a_services_bracket_still_names_it_as_libpq_reads_it(services):
    """libpq takes a line opening with `[ordini]` as the service's, whatever follows the bracket
    (IT's `[ordini]  # VPN ufficio`): the line was skipped, its `connect_timeout=60` read as the
    service above's or none, and the toolkit's 15 seconds overrode it."""
    services("[prove]\nhost=db2\n\n[ordini]  # VPN ufficio\nhost=db\nconnect_timeout=60\n")
    assert service_keys({"service": "ordini"}) == {"host", "connect_timeout"}
    assert service_keys({"service": "prove"}) == {"host"}


def test_a_service_written_twice_sets_what_its_first_entry_does_as_libpq_reads_only_that(services):
    """libpq stops at the end of the first entry of the service: a second `[ordini]` further
    down (an old copy left in the file) is never read. Its keys were merged in, so its
    `connect_timeout=60`, which libpq ignores, left the connection with no timeout at all."""
    services("[ordini]\nhost=db\n\n[prove]\nhost=db2\n\n[ordini]\nhost=old\nconnect_timeout=60\n")
    assert service_keys({"service": "ordini"}) == {"host"}


def test_the_system_service_file_is_read_where_libpq_looks_without_pgsysconfdir(tmp_path, monkeypatch):
    """Without PGSYSCONFDIR libpq reads the `pg_service.conf` of the folder it was built with
    (`/etc/postgresql-common` for psycopg's own libpq and Debian's): a service IT keeps there
    was not looked for, and the toolkit's 15 seconds overrode its connect_timeout."""
    for variable in ("PGSERVICE", "PGSYSCONFDIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "none.conf"))
    system = tmp_path / "etc"
    system.mkdir()
    (system / "pg_service.conf").write_text("[ordini]\nhost=db\nconnect_timeout=60\n", encoding="utf-8")
    built_with(monkeypatch, system)
    assert service_keys({"service": "ordini"}) == {"host", "connect_timeout"}
    monkeypatch.setenv("PGSYSCONFDIR", str(tmp_path))
    assert service_keys({"service": "ordini"}) == frozenset(), "PGSYSCONFDIR, when set, is the only one"


def test_the_system_service_file_is_looked_for_where_each_platforms_libpq_looks(tmp_path, monkeypatch):
    """psycopg's own libpq is built with `/etc/postgresql-common` on macOS as on Linux, and on
    Windows with no folder known: the folder was chosen once, at import, by Linux's name alone,
    so Windows looked where no libpq of its looks and the desk's own file there was not
    `%APPDATA%`'s when only the platform said Windows. PGSYSCONFDIR, set, is every platform's."""
    for variable in ("PGSERVICE", "PGSYSCONFDIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    for platform, folder in (("darwin", "/etc/postgresql-common"), ("win32", None), ("linux", "/etc/postgresql-common")):
        monkeypatch.setattr(service_file.sys, "platform", platform)
        monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "own.conf"))
        assert service_file.service_files()[1:] == ([Path(folder) / "pg_service.conf"] if folder else []), platform
        monkeypatch.setenv("PGSYSCONFDIR", str(tmp_path))
        assert service_file.service_files()[1:] == [tmp_path / "pg_service.conf"], platform
        monkeypatch.delenv("PGSYSCONFDIR")
        monkeypatch.delenv("PGSERVICEFILE")
        own = tmp_path / "AppData" / "postgresql" / ".pg_service.conf" if platform == "win32" else \
            Path.home() / ".pg_service.conf"
        assert service_file.service_files()[0] == own, platform


def test_the_users_own_service_file_is_in_the_home_libpq_finds(tmp_path, monkeypatch):
    """libpq (15 on, psycopg's own) finds `~/.pg_service.conf` in HOME unless it is unset or
    empty, then in the password database's folder of the effective user. `Path.home()` took an
    empty HOME for `/`, and without HOME asked the database for the real user, not the one a
    `sudo`-like launch runs as: a service the desk keeps at home was looked for elsewhere."""
    import os
    import pwd

    for variable in ("PGSERVICEFILE", "PGSYSCONFDIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(service_file.sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert service_file.service_files()[0] == tmp_path / ".pg_service.conf"
    other = next(user for user in pwd.getpwall() if user.pw_uid != os.getuid() and user.pw_dir)
    monkeypatch.setattr(service_file.os, "geteuid", lambda: other.pw_uid)
    for home in ("", None):
        if home is None:
            monkeypatch.delenv("HOME")
        else:
            monkeypatch.setenv("HOME", home)
        assert service_file.service_files()[0] == Path(other.pw_dir) / ".pg_service.conf", repr(home)


def test_a_user_the_system_does_not_know_without_home_reads_the_systems_service_file(tmp_path, monkeypatch):
    """HOME unset (or empty) and an effective user with no entry in the password database (a
    container run under a bare uid, a service with a dynamic user): libpq finds no home and
    reads the system's `pg_service.conf` alone. `home()` let the database's KeyError out, a
    traceback opening a ledger whose address names a service, where the server was reachable."""
    import pwd

    for variable in ("PGSERVICEFILE", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(service_file.sys, "platform", "linux")
    (tmp_path / "pg_service.conf").write_text("[ordini]\nhost=db\nconnect_timeout=60\n", encoding="utf-8")
    monkeypatch.setenv("PGSYSCONFDIR", str(tmp_path))

    def unknown(uid):
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", unknown)
    for home in ("", None):
        if home is None:
            monkeypatch.delenv("HOME", raising=False)
        else:
            monkeypatch.setenv("HOME", home)
        assert service_file.service_files() == [tmp_path / "pg_service.conf"], repr(home)
        assert service_keys({"service": "ordini"}) == {"host", "connect_timeout"}, repr(home)


def test_windows_without_appdata_has_the_folder_windows_gives_else_no_own_file(tmp_path, monkeypatch):
    """libpq on Windows asks the system for the roaming folder (SHGetFolderPath), not APPDATA:
    a desk started without the variable (a scheduled task) still reads its own file there.
    Unset or empty with no answer from Windows, the own file was `postgresql\\.pg_service.conf`
    relative to wherever the command ran, a file libpq never reads: now none."""
    import ctypes

    for variable in ("PGSERVICEFILE", "PGSYSCONFDIR", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(service_file.sys, "platform", "win32")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "postgresql").mkdir()
    (tmp_path / "postgresql" / ".pg_service.conf").write_text("[ordini]\nconnect_timeout=60\n", encoding="utf-8")
    monkeypatch.setattr(ctypes, "windll", None, raising=False)
    for appdata in ("", None):
        if appdata is None:
            monkeypatch.delenv("APPDATA", raising=False)
        else:
            monkeypatch.setenv("APPDATA", appdata)
        assert service_file.service_files() == [], repr(appdata)
        assert service_keys({"service": "ordini"}) == frozenset(), repr(appdata)

    roaming = tmp_path / "Roaming"

    class Shell32:
        @staticmethod
        def SHGetFolderPathW(owner, folder, token, flags, found):
            assert folder == 0x1A  # CSIDL_APPDATA
            found.value = str(roaming)
            return 0

    monkeypatch.setattr(ctypes, "windll", type("WinDLL", (), {"shell32": Shell32}), raising=False)
    assert service_file.service_files() == [roaming / "postgresql" / ".pg_service.conf"]


def test_service_variables_set_empty_are_read_as_libpq_reads_them(tmp_path, monkeypatch):
    """PGSERVICEFILE set and empty names no file to libpq (18 refuses the connection, *service
    file "" not found*), not `~/.pg_service.conf`; PGSYSCONFDIR set and empty makes libpq look
    for `/pg_service.conf`, not in the folder it was built with. Both were taken for unset: a
    service's connect_timeout read from a file libpq does not read, the toolkit's left out, and
    the connection waiting with no timeout."""
    for variable in ("PGSERVICEFILE", "PGSYSCONFDIR", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(service_file.sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / ".pg_service.conf").write_text("[ordini]\nconnect_timeout=60\n", encoding="utf-8")
    system = tmp_path / "etc"
    system.mkdir()
    (system / "pg_service.conf").write_text("[ordini]\nhost=db\n", encoding="utf-8")
    built_with(monkeypatch, system)
    assert service_file.service_files() == [tmp_path / ".pg_service.conf", system / "pg_service.conf"]
    monkeypatch.setenv("PGSERVICEFILE", "")
    assert service_file.service_files() == [system / "pg_service.conf"]
    assert service_keys({"service": "ordini"}) == {"host"}
    monkeypatch.setenv("PGSYSCONFDIR", "")
    assert service_file.service_files() == [Path("/pg_service.conf")]


def test_windows_answering_it_knows_no_roaming_folder_reads_no_own_file_whatever_appdata_says(tmp_path, monkeypatch):
    """libpq reads the user's file only in the folder SHGetFolderPath gives, and none when it
    fails: APPDATA is read only where Windows cannot be asked. It was read when Windows answered
    it knows none, a service's connect_timeout taken from a file libpq does not read."""
    import ctypes

    for variable in ("PGSERVICEFILE", "PGSYSCONFDIR", "PGSERVICE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(service_file.sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path))
    (tmp_path / "postgresql").mkdir()
    (tmp_path / "postgresql" / ".pg_service.conf").write_text("[ordini]\nconnect_timeout=60\n", encoding="utf-8")

    class Shell32:
        @staticmethod
        def SHGetFolderPathW(owner, folder, token, flags, found):
            return 0x80070002  # E_FILENOTFOUND: no such folder for this account

    monkeypatch.setattr(ctypes, "windll", type("WinDLL", (), {"shell32": Shell32}), raising=False)
    assert service_file.service_files() == []
    assert service_keys({"service": "ordini"}) == frozenset()
    monkeypatch.setattr(ctypes, "windll", None, raising=False)
    assert service_file.service_files() == [tmp_path / "postgresql" / ".pg_service.conf"]
