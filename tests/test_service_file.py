"""Which parameters a `pg_service.conf` entry sets, read as libpq reads the file: the toolkit's
own connect timeout and keepalives are left out for exactly those, so the service's values win
and a service setting none still gets them."""

from __future__ import annotations

import pytest

from toolkit.ledger import service_file
from toolkit.ledger.service_file import service_keys


@pytest.fixture
def services(tmp_path, monkeypatch):
    """Write the desk's own service file (PGSERVICEFILE) with the given text; no system one."""
    for variable in ("PGSERVICE", "PGSYSCONFDIR", "PGSERVICEFILE"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(service_file, "SYSCONFDIR", str(tmp_path / "no-system"), raising=False)

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
    monkeypatch.setattr(service_file, "SYSCONFDIR", str(system), raising=False)
    assert service_keys({"service": "ordini"}) == {"host", "connect_timeout"}
    monkeypatch.setenv("PGSYSCONFDIR", str(tmp_path))
    assert service_keys({"service": "ordini"}) == frozenset(), "PGSYSCONFDIR, when set, is the only one"
