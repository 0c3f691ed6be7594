"""Which parameters a `pg_service.conf` entry sets, read as libpq reads the file: the toolkit's
own connect timeout and keepalives are left out for exactly those, so the service's values win
and a service setting none still gets them."""

from __future__ import annotations

import pytest

from toolkit.ledger import service_file
from toolkit.ledger.service_file import service_keys


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
