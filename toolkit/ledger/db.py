"""Opening the ledger, upgrading its schema, and one-writer-at-a-time transactions.

Every action that writes takes the ledger's write lock first: `BEGIN IMMEDIATE` on SQLite, a
transaction-scoped advisory lock on PostgreSQL. Two people pressing "create orders" at once
then run one after the other, and the second sees what the first created; numbers are drawn
inside the same transaction, so a failed action leaves no gap. The unique constraints of the
schema stay as the last line of defence. A writer that finds the lock taken waits for it,
saying who holds it, and gives up after a while (`toolkit.ledger.lock`).

Reading takes no lock: a list or a preview runs while a colleague's month-end is writing. And
reading never creates: a SQLite ledger that does not exist yet reads as an empty one (unless
another workbook's lies beside it: then reading is refused as writing is), and the
file appears with the first write, whole: its schema is made in a temporary file beside it,
which takes the ledger's name only once complete and only if no file has it by then (a
colleague's, made at the same moment, is used instead). So a ledger file with no schema in it
is never one the toolkit made, but one emptied by a sync tool, a failed copy or a disk: it is
refused, since starting it afresh would issue again invoice and DDT numbers already sent.
"""

from __future__ import annotations

import getpass
import importlib.util
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache, partial
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Dialect,
    Engine,
    Select,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    inspect,
    literal_column,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool
from sqlalchemy.schema import CreateTable
from sqlalchemy.types import TypeEngine

from toolkit.basics import failures, runtime
from toolkit.basics.files import placed_new_file
from toolkit.basics.problems import Problem, UnusableInput, define
from toolkit.core.invoicing import splits_payment
from toolkit.ledger import (
    copy_in,
    counters_behind,
    credited_twice,
    known_words,
    lock,
    move_values,
    reserved,
    schema,
    server_version,
    shipped_by_day,
    uninvoiced,
    unshipped,
)
from toolkit.ledger.address import (
    as_url,
    connecting_user,
    query_password_hidden,
    reserved_in_credentials,
    shown_url,
    sqlite_url,
    through_socket,
    typed_scheme,
)
from toolkit.ledger.batches import in_batches
from toolkit.ledger.lock import Holder, Patience
from toolkit.ledger.service_file import service_keys
from toolkit.ledger.types import Scaled, ScaledBinds
from toolkit.model.cells import bad_port
from toolkit.model.parties import Parties

LEDGER_NEWER = define(
    "ledger-newer-than-toolkit", "error",
    it="Il registro {url} è alla versione {found}, più recente di questo toolkit ({supported}): un toolkit più "
       "nuovo, di un collega o di un altro PC, l'ha già aggiornato. Non ho scritto nulla. Installa su questo PC la "
       "stessa versione del toolkit che usano gli altri, poi ripeti.",
    en="The ledger {url} is at version {found}, newer than this toolkit ({supported}): a newer toolkit, a "
       "colleague's or another PC's, upgraded it already. Nothing was written. Install on this PC the toolkit "
       "version the others use, then try again.")
LEDGER_UNREACHABLE = define(
    "ledger-unreachable", "error",
    it="Non riesco ad aprire il registro {url}: {reason}. Controlla l'indirizzo (--ledger, TOOLKIT_LEDGER_URL o "
       "Registro in Impostazioni).",
    en="Cannot open the ledger {url}: {reason}. Check the address (--ledger, TOOLKIT_LEDGER_URL or Registro on "
       "Impostazioni).")
LEDGER_FOLDER_MISSING = define(
    "ledger-folder-missing", "error",
    it="Il registro {path} è in una cartella che non c'è, {folder}: un disco o una cartella di rete non collegati, "
       "o il percorso scritto male. Non ho scritto nulla. Collega il disco (o la cartella condivisa) e ripeti, "
       "oppure correggi il percorso in --ledger (o TOOLKIT_LEDGER_URL).",
    en="The ledger {path} is in a folder that is not there, {folder}: a drive or a network folder not connected, "
       "or the path mistyped. Nothing was written. Connect the drive (or the shared folder) and try again, or "
       "correct the path in --ledger (or TOOLKIT_LEDGER_URL).")
LEDGER_CREATED = define(
    "ledger-created", "warning",
    title=("Creato un nuovo registro", "New ledger created"),
    it="Creato un nuovo registro {path}, vuoto: numera ordini, DDT e fatture da capo. Se ne aspettavi uno esistente, "
       "controlla il percorso indicato in --ledger (o TOOLKIT_LEDGER_URL).",
    en="Created a new ledger {path}, empty: it numbers orders, DDTs and invoices from the start. If you expected an "
       "existing one, check the path given in --ledger (or TOOLKIT_LEDGER_URL).")
LEDGER_NOT_A_LEDGER = define(
    "ledger-not-a-ledger", "error",
    it="Il file {path} non è un registro del toolkit utilizzabile ({reason}): non ho scritto nulla. Ripristinalo "
       "da una copia di sicurezza, o indica il registro giusto con --ledger (o TOOLKIT_LEDGER_URL).",
    en="The file {path} is not a usable toolkit ledger ({reason}): nothing was written. Restore it from a "
       "backup, or point --ledger (or TOOLKIT_LEDGER_URL) at the right ledger.")
LEDGER_TEXT_NOT_UTF8 = define(
    "ledger-text-not-utf8", "error",
    it="Nel registro {path} la tabella {table}, alla riga {row}, ha nella colonna {column} il testo {value}, "
       "scritto in un'altra codifica (come Latin-1) da un altro programma: il toolkit legge solo testi in UTF-8. "
       "Non ho scritto nulla. Fai correggere quel valore nel file a chi cura il toolkit (riscritto in UTF-8), "
       "poi ripeti il comando.",
    en="In the ledger {path} the table {table}, at the row {row}, holds in the column {column} the text {value}, "
       "written in another encoding (such as Latin-1) by another program: the toolkit reads UTF-8 texts only. "
       "Nothing was written. Have whoever looks after the toolkit correct that value in the file (written "
       "again in UTF-8), then run the command again.")
LEDGER_VALUE_UNREADABLE = define(
    "ledger-value-unreadable", "error",
    it="Nel registro {path} la tabella {table}, alla riga {row}, ha nella colonna {column} il valore {value}, che "
       "il toolkit non sa leggere: vuole {wanted_it} (l'ha scritto così una modifica a mano o un altro programma). "
       "Non ho scritto nulla. Ripristina il registro da una copia di sicurezza, o fai correggere quel valore nel "
       "registro a chi cura il toolkit, poi ripeti il comando.",
    en="In the ledger {path} the table {table}, at the row {row}, holds in the column {column} the value {value}, "
       "which the toolkit cannot read: it wants {wanted_en} (a hand edit or another program wrote it so). Nothing "
       "was written. Restore the ledger from a backup, or have whoever looks after the toolkit correct that value "
       "in the ledger, then run the command again.")
LEDGER_ROW_ORPHANED = define(
    "ledger-row-orphaned", "error",
    it="Nel registro {path} la tabella {table}, alla riga {row}, rimanda a una riga della tabella {parent} che non "
       "c'è più (cancellata a mano o da un altro programma). Non ho scritto nulla. Ripristina il registro da una "
       "copia di sicurezza, poi ripeti il comando.",
    en="In the ledger {path} the table {table}, at the row {row}, refers to a row of the table {parent} that is no "
       "longer there (deleted by hand or by another program). Nothing was written. Restore the ledger from a "
       "backup, then run the command again.")
LEDGER_NEEDS_PASSWORD = define(
    "ledger-needs-password", "error",
    it="Il server del registro {url} chiede una password che non ha ricevuto o che non è giusta ({reason}). La "
       "password non si scrive nella cartella di lavoro: mettila nel file pgpass di PostgreSQL (~/.pgpass, su "
       "Windows %APPDATA%\\postgresql\\pgpass.conf: server:porta:database:utente:password) o nella variabile "
       "PGPASSWORD, poi riprova.",
    en="The ledger's server {url} asks for a password it did not get or that is wrong ({reason}). The password is "
       "not written in the workbook: put it in PostgreSQL's password file (~/.pgpass, on Windows "
       "%APPDATA%\\postgresql\\pgpass.conf: server:port:database:user:password) or in the PGPASSWORD variable, "
       "then try again.")
PASSWORD_REFUSED = ("no password supplied", "password authentication failed")
"""What libpq says when the server wanted a password: none came (no pgpass, no PGPASSWORD), or a wrong one."""
LEDGER_SERVER_SILENT = define(
    "ledger-server-silent", "error",
    it="Il server del registro {url} non risponde ({reason}): è spento o si sta riavviando, la rete non lo "
       "raggiunge da questo PC, o l'indirizzo o la porta sono sbagliati. Non ho scritto nulla. Riprova fra poco; "
       "se continua, chiedi a chi cura il server se è acceso e raggiungibile, e controlla l'indirizzo (--ledger, "
       "TOOLKIT_LEDGER_URL o Registro in Impostazioni).",
    en="The ledger's server {url} does not answer ({reason}): it is off or restarting, the network does not reach "
       "it from this PC, or the address or the port is wrong. Nothing was written. Try again in a while; if it "
       "goes on, ask whoever looks after the server whether it is on and reachable, and check the address "
       "(--ledger, TOOLKIT_LEDGER_URL or Registro on Impostazioni).")
_SILENT = ("Connection refused", "timeout expired", "No route to host", "Network is unreachable",
           "Connection timed out")
"""What libpq says of a server that took no connection, or none in time."""
LEDGER_SERVER_GONE = define(
    "ledger-server-gone", "error",
    it="Il server del registro {url} ha chiuso il collegamento mentre si apriva ({reason}): si è fermato, è caduto "
       "o si sta riavviando. Non ho scritto nulla. Riprova fra qualche minuto, quando il server è di nuovo su; se "
       "continua, chiedi a chi cura il server di guardarne il log, e controlla che la porta dell'indirizzo (--ledger, "
       "TOOLKIT_LEDGER_URL o Registro in Impostazioni) sia quella di PostgreSQL.",
    en="The ledger's server {url} closed the connection while it was opening ({reason}): it stopped, crashed or is "
       "restarting. Nothing was written. Try again in a few minutes, once the server is up again; if it goes on, "
       "ask whoever looks after the server to read its log, and check that the address's port (--ledger, "
       "TOOLKIT_LEDGER_URL or Registro on Impostazioni) is PostgreSQL's.")
_GONE = ("server closed the connection unexpectedly", "terminating connection due to",
         "the database system is shutting down", "the database system is starting up",
         "the database system is in recovery mode", "the database system is not yet accepting connections",
         "the database system is not accepting connections", "could not receive data from server",
         "Connection reset by peer", "SSL SYSCALL error: EOF detected")
"""What libpq says of a server that took the connection and went away before it was open: killed
or crashed (its process gone), shut down or starting (PostgreSQL's admin_shutdown and
cannot_connect_now, which libpq gives without their SQLSTATE while connecting)."""
LEDGER_PASSWORD_WRONG = define(
    "ledger-password-wrong", "error",
    it="Il server del registro {url} non accetta la password scritta nell'indirizzo per l'utente {user} ({reason}). "
       "Non ho scritto nulla. Correggi la password nell'indirizzo dato con --ledger (o --to di ledger move) o con "
       "la variabile TOOLKIT_LEDGER_URL, poi riprova.",
    en="The ledger's server {url} does not accept the password written in the address for the user {user} "
       "({reason}). Nothing was written. Correct the password in the address given with --ledger (or ledger "
       "move's --to) or in the TOOLKIT_LEDGER_URL variable, then try again.")
LEDGER_LOGIN_NOT_THE_USER = define(
    "ledger-login-not-the-user", "error",
    it="Il server del registro {url} è quello di questo computer, e accetta l'utente {user} solo da chi è entrato "
       "nel PC con quel nome, mentre tu sei entrato come {login} ({reason}): per un collegamento senza server "
       "nell'indirizzo PostgreSQL confronta i due nomi (autenticazione «peer» o «ident») e non chiede la password. "
       "Non ho scritto nulla. Scrivi il server nell'indirizzo (localhost, o 127.0.0.1, sul PC del server: "
       "postgresql://{user}@localhost/…), così chiede la password, da pgpass o PGPASSWORD; oppure indica l'utente "
       "{login}, se ne hai uno sul server, o entra nel PC come {user}.",
    en="The ledger's server {url} is this computer's own, and it accepts the user {user} only from someone logged "
       "on to the PC under that name, while you are logged on as {login} ({reason}): for a connection with no "
       "server in the address PostgreSQL compares the two names (“peer” or “ident” authentication) and asks no "
       "password. Nothing was written. Write the server in the address (localhost, or 127.0.0.1, on the server's "
       "PC: postgresql://{user}@localhost/…), so it asks the password, from pgpass or PGPASSWORD; or give the user "
       "{login}, if you have one on the server, or log on to the PC as {user}.")
LOGIN_REFUSED = ("Peer authentication failed", "Ident authentication failed")
"""What PostgreSQL says when it matched the OS login against the user asked for, and they differ."""
LEDGER_DATABASE_MISSING = define(
    "ledger-database-missing", "error",
    it="Sul server del registro {url} non c'è il database {database}: non ho scritto nulla. Controlla il nome del "
       "database nell'indirizzo (--ledger o --to, TOOLKIT_LEDGER_URL o Registro in Impostazioni); per iniziare un "
       "registro del team nuovo, fai creare il database vuoto a chi cura il server (createdb {database}, o CREATE "
       "DATABASE {database}), poi ripeti: le tabelle le crea il toolkit.",
    en="The ledger's server {url} has no database {database}: nothing was written. Check the database's name in "
       "the address (--ledger or --to, TOOLKIT_LEDGER_URL or Registro on Impostazioni); to start a new team "
       "ledger, have whoever looks after the server create the database, empty (createdb {database}, or CREATE "
       "DATABASE {database}), then try again: the toolkit makes its tables.")
_NO_DATABASE = re.compile(r'database "(.+)" does not exist')
"""What PostgreSQL says, connecting, to an address naming a database it does not have."""
LEDGER_HELD_ELSEWHERE = define(
    "ledger-held-elsewhere", "error",
    it="Il registro {path} è bloccato da un altro programma (un visualizzatore di database, un backup, una "
       "sincronizzazione?): non ho scritto nulla. Chiudi quel programma e riprova.",
    en="The ledger {path} is locked by another program (a database viewer, a backup, a sync tool?): nothing "
       "was written. Close that program and try again.")
LEDGER_OF_ANOTHER_PROGRAM = define(
    "ledger-of-another-program", "error",
    it="Il file {path} è il database di un altro programma, non un registro del toolkit: non ho scritto nulla. "
       "Indica il registro giusto con --ledger (o TOOLKIT_LEDGER_URL), o ripristinalo da una copia di sicurezza.",
    en="The file {path} is another program's database, not a toolkit ledger: nothing was written. Point "
       "--ledger (or TOOLKIT_LEDGER_URL) at the right ledger, or restore it from a backup.")
LEDGER_EMPTY = define(
    "ledger-empty", "error",
    it="Il registro {path} è vuoto: la numerazione di fatture e DDT non può ripartire da 1 senza rischiare "
       "numeri già emessi, quindi non ho scritto nulla. Ripristina il registro da una copia di sicurezza o, se "
       "è davvero un registro nuovo che non ha mai emesso documenti, cancella il file vuoto.",
    en="The ledger {path} is empty: the numbering of invoices and DDTs cannot safely restart from 1, as it "
       "could issue numbers already used, so nothing was written. Restore the ledger from a backup or, if "
       "this really is a new desk that never issued a document, delete the empty file.")
LEDGER_BESIDE_ANOTHER = define(
    "ledger-beside-another", "error",
    it="La cartella {workbook} non ha ancora un registro, ma accanto c'è quello di un'altra cartella: {found}. "
       "Un registro nuovo farebbe ripartire da 1 la numerazione di ordini, DDT e fatture, ripetendo numeri già "
       "emessi, quindi non ho scritto nulla. Se la cartella è stata salvata con un altro nome o formato, usa il "
       "registro esistente con --ledger \"{first}\" o rimetti alla cartella il nome di prima. Per iniziare "
       "davvero un registro nuovo, indicalo: --ledger \"{new}\".",
    en="The workbook {workbook} has no ledger yet, but another workbook's ledger is beside it: {found}. A new "
       "ledger would restart the numbering of orders, DDTs and invoices from 1, issuing numbers already used, so "
       "nothing was written. If the workbook was saved under another name or format, use the existing ledger "
       "with --ledger \"{first}\" or give the workbook its old name back. To start a new ledger on purpose, "
       "name it: --ledger \"{new}\".")
LEDGER_BESIDE_ANOTHER_BUTTON = define(
    "ledger-beside-another-button", "error",
    it="Questa cartella di lavoro ({workbook}) non ha ancora un registro, ma accanto a lei c'è quello di "
       "un'altra: {found}. Un registro nuovo farebbe ripartire da 1 la numerazione di ordini, DDT e fatture, "
       "ripetendo numeri già emessi, quindi non ho fatto nulla. Se hai usato «Salva con nome» o l'hai "
       "rinominata, salvala di nuovo con il nome di prima ({names}) e lavora su quella. Per iniziare davvero "
       "un registro nuovo, spostala in una cartella del disco tutta sua.",
    en="This workbook ({workbook}) has no ledger yet, but another workbook's ledger is in the same folder: "
       "{found}. A new ledger would restart the numbering of orders, DDTs and invoices from 1, issuing numbers "
       "already used, so nothing was done. If you used “Save as” or renamed the workbook, save it again "
       "under its old name ({names}) and work on that one. To start a new ledger on purpose, move this "
       "workbook into a folder of its own.")
LEDGER_SUFFIX = ".ledger.sqlite"
"""What a default ledger's name adds to its workbook's."""
MOVED_SUFFIX = ".ledger-moved.sqlite"
"""What a default ledger is renamed to once `toolkit ledger move` has moved it to a team's server."""
LEDGER_MOVED = define(
    "ledger-moved", "error",
    it="Il registro {ledger} è stato spostato nel registro del team (PostgreSQL) con toolkit ledger move: il "
       "file ora è {moved}, conservato per ristampare. Non ho scritto nulla. Scrivi l'indirizzo del registro del "
       "team, senza password, in Impostazioni › Registro (vale per ogni PC e per i pulsanti), oppure indicalo con "
       "--ledger postgresql://… o con la variabile TOOLKIT_LEDGER_URL.",
    en="The ledger {ledger} was moved into the team's ledger (PostgreSQL) by toolkit ledger move: the file is now "
       "{moved}, kept to reprint. Nothing was written. Write the team ledger's address, without a password, in "
       "Impostazioni › Ledger (it holds for every PC and for the buttons), or name it with --ledger "
       "postgresql://… or the TOOLKIT_LEDGER_URL variable.")
LEDGER_MOVED_BESIDE = define(
    "ledger-moved-beside", "error",
    it="La cartella {workbook} non ha ancora un registro, ma accanto c'è {moved}, il registro di un'altra cartella "
       "spostato nel registro del team (PostgreSQL) con toolkit ledger move. Se è una copia della cartella del team, "
       "un registro nuovo farebbe ripartire da 1 ordini, DDT e fatture già numerati là: non ho scritto nulla. Scrivi "
       "l'indirizzo del registro del team, senza password, in Impostazioni › Registro (vale per ogni PC e per i "
       "pulsanti), oppure indicalo con --ledger postgresql://… o con la variabile TOOLKIT_LEDGER_URL. Se invece è "
       "davvero un'altra ditta, con una numerazione sua, inizia il suo registro indicandolo: --ledger \"{new}\" "
       "(o metti la cartella di lavoro in una cartella sua).",
    en="The workbook {workbook} has no ledger yet, but beside it is {moved}, another workbook's ledger moved into "
       "the team's ledger (PostgreSQL) by toolkit ledger move. If it is a copy of the team's workbook, a new ledger "
       "would number from 1 orders, DDTs and invoices numbered there already: nothing was written. Write the team "
       "ledger's address, without a password, in Impostazioni › Ledger (it holds for every PC and for the buttons), "
       "or name it with --ledger postgresql://… or the TOOLKIT_LEDGER_URL variable. If it really is another "
       "company, with numbers of its own, start its ledger by naming it: --ledger \"{new}\" (or put the workbook "
       "in a folder of its own).")
DAMAGED_SQLITE = ("file is not a database", "database disk image is malformed")
"""What SQLite says of a file that is not a database, or a truncated or damaged one."""
LEDGER_UNSUPPORTED = define(
    "ledger-unsupported", "error",
    it="Il registro {url} non è utilizzabile: il toolkit tiene il registro in un file SQLite (sqlite:///percorso) "
       "o in PostgreSQL (postgresql://utente:password@server/database). Correggi --ledger o TOOLKIT_LEDGER_URL.",
    en="The ledger {url} cannot be used: the toolkit keeps its ledger in a SQLite file (sqlite:///path) or in "
       "PostgreSQL (postgresql://user:password@server/database). Fix --ledger or TOOLKIT_LEDGER_URL.")
LEDGER_BAD_PORT = define(
    "ledger-bad-port", "error",
    it="La porta «{port}» del registro {url} non è un numero di porta: scrivi dopo i «:» la porta del server "
       "PostgreSQL (di solito 5432, che si può anche omettere: postgresql://server-db/ordini). Correggi --ledger o "
       "TOOLKIT_LEDGER_URL.",
    en="The port “{port}” of the ledger {url} is not a port number: write after the “:” the PostgreSQL server's "
       "port (usually 5432, which may be left out: postgresql://server-db/ordini). Fix --ledger or "
       "TOOLKIT_LEDGER_URL.")
LEDGER_ADDRESS_RESERVED_CHARACTER = define(
    "ledger-address-reserved-character", "error",
    it="L'indirizzo del registro {url} ha nella password (o nel nome utente) un carattere che in un indirizzo "
       "vuol dire altro (@ / ? # :), e sarebbe letto come parte del server, della porta o del database: non l'ho "
       "usato e non ho scritto nulla. Scrivi quei caratteri codificati, @ come %40, / come %2F, ? come %3F, # come "
       "%23, : come %3A e % come %25 (la password p@ss diventa p%40ss), oppure togli la password dall'indirizzo e "
       "mettila nel file pgpass di PostgreSQL o nella variabile PGPASSWORD. Correggi --ledger (o --to di ledger "
       "move) o TOOLKIT_LEDGER_URL.",
    en="The ledger's address {url} holds in its password (or user name) a character that means something else in "
       "an address (@ / ? # :), and would be read as part of the server, the port or the database: it was not "
       "used and nothing was written. Write those characters encoded, @ as %40, / as %2F, ? as %3F, # as %23, : "
       "as %3A and % as %25 (the password p@ss becomes p%40ss), or take the password out of the address and put "
       "it in PostgreSQL's password file or in the PGPASSWORD variable. Fix --ledger (or ledger move's --to) or "
       "TOOLKIT_LEDGER_URL.")


LEDGER_NO_DRIVER = define(
    "ledger-no-driver", "error",
    it="Per il registro {url} serve il driver PostgreSQL, non installato: pip install "
       "\"recurring-orders-toolkit[postgres]\" (o pip install \"psycopg[binary]\") nello stesso ambiente.",
    en="The ledger {url} needs the PostgreSQL driver, which is not installed: pip install "
       "\"recurring-orders-toolkit[postgres]\" (or pip install \"psycopg[binary]\") in the same environment.")

T = TypeVar("T")

SQLITE_BUSY_MS = 60_000
"""How long a SQLite statement waits for a lock it needs inside a transaction (a reader while a
writer commits, a writer for readers to finish): not the wait for the write lock itself."""

SQLITE_TEMP_STORE = "MEMORY"
"""Where a SQLite connection keeps its temporary files: the statement journal of each multi-row
insert inside a write transaction (the pages it changes, kept to undo it alone), which SQLite's
default writes to a file once past 64 KiB, and the sorts past its page cache. Month end at L
stores 313,691 invoice lines in 4,400 statements of 71 rows: 425,000 writes to that file, one
system call each, out of 577,000 in the run."""


@dataclass(frozen=True)
class Ledger:
    engine: Engine
    patience: Patience = field(default=Patience(), compare=False)
    action: str = field(default="toolkit", compare=False)
    """What this process is doing, shown to a colleague who waits for the lock."""

    @property
    def url(self) -> str:
        """The address as messages show it: its password hidden (`?password=` too), its scheme as typed."""
        return query_password_hidden(self.as_typed(self.engine.url))

    def as_typed(self, url: URL, hide_password: bool = True) -> str:
        """`url` (the engine's, or one made from it) with the scheme the desk typed, where the
        engine's names the driver the toolkit chose: a message showed *postgresql+psycopg://…*
        to a desk that had typed *postgresql://…*, and a command to copy gave it back so."""
        text = url.render_as_string(hide_password=hide_password)
        if self.typed_scheme and url.drivername == "postgresql+psycopg":
            return f"{self.typed_scheme}{text[len(url.drivername):]}"
        return text

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def file(self) -> Path | None:
        """The SQLite file, or None (PostgreSQL, or SQLite in memory)."""
        database = self.engine.url.database if self.is_sqlite else None
        return Path(database) if database and database != ":memory:" else None

    beside: Path | None = field(default=None, compare=False)
    """The workbook a default ledger is named after: before the first write creates the file, and
    whenever a read finds none, its folder is looked at for another workbook's ledger
    (`_refuse_beside_another`). None when the
    ledger was named (`--ledger`), which is how a desk starts a new one on purpose."""
    by_button: bool = field(default=False, compare=False)
    """Whose words a refusal takes: an Excel button's user has no `--ledger` to type."""
    numbers_before: tuple[tuple[str, int, int], ...] = field(default=(), compare=False)
    """(series, year, last number) the desk issued before the toolkit (*Impostazioni › Numeri prima
    del toolkit*): each write makes it the series' counter while the ledger has none for that
    series and year, so its first document goes on after it (`_carry_on`)."""
    typed_scheme: str | None = field(default=None, compare=False)
    """The scheme of the address as given (`postgresql`, `postgres`), which `url` shows."""
    upgraded_from: int | None = field(default=None, compare=False)
    """The schema version this process found and upgraded when it opened the ledger (`_upgrade`),
    None when it found the ledger at this toolkit's version: the ledger records no upgrade of
    its own (an event would make a team's empty ledger look in use to `ledger move`), so a
    command that reports on the ledger as it was (`ledger check`) is told here."""

    @property
    def exists(self) -> bool:
        """Whether there is a ledger to read: a SQLite file is made by the first write."""
        return self.file is None or self.file.exists()


def default_url(workbook: Path) -> str:
    """`<workbook>.ledger.sqlite` beside the master workbook."""
    return sqlite_url(default_file(workbook))


def default_file(workbook: Path) -> Path:
    path = Path(workbook).resolve()
    return path.with_name(path.name + LEDGER_SUFFIX)


def moved_file(ledger_file: Path) -> Path:
    """What `toolkit ledger move` renames a SQLite ledger to: a default one no longer a
    `*.ledger.sqlite`, so no workbook takes it for its own, and still a `.sqlite` file
    `--ledger` opens to reprint (`a.sqlite` becomes `a-moved.sqlite`)."""
    if ledger_file.name.endswith(LEDGER_SUFFIX):
        return ledger_file.with_name(ledger_file.name[: -len(LEDGER_SUFFIX)] + MOVED_SUFFIX)
    return ledger_file.with_name(f"{ledger_file.stem}-moved{ledger_file.suffix}")


def rename_probe(ledger_file: Path) -> Path:
    """Where `toolkit ledger move` renames a SQLite ledger for a moment, and back, to learn
    before copying anything that it can rename it once moved: a name that says neither a
    ledger nor a moved one (`moved_file`), so a kill between leaves no folder that looks moved
    while the team ledger is still empty, and the next command gives the file its name back
    (`rename_probe_undone`)."""
    return ledger_file.with_name(f"{ledger_file.name}.rename-check")


LEDGER_PROBE_BESIDE = define(
    "ledger-rename-check-beside", "error",
    it="Accanto al registro {ledger} c'è {probe}, un registro lasciato da uno spostamento nel registro del team "
       "interrotto mentre controllava di poterlo rinominare: uno dei due può essere lo storico della ditta e "
       "l'altro un registro nato dopo, che ripartirebbe da 1. Non ho scritto nulla e non sostituisco nessuno dei "
       "due. Tieni con il nome {name} quello che ha i documenti emessi e sposta l'altro fuori dalla cartella "
       "{folder}, poi ripeti.",
    en="Beside the ledger {ledger} is {probe}, a ledger left by a move into the team's ledger interrupted while it "
       "checked that it could rename it: one of the two may be the company's history and the other a ledger begun "
       "since, numbering from 1. Nothing was written and neither is replaced. Keep under the name {name} the one "
       "that holds the documents issued, move the other out of the folder {folder}, then run it again.")
LEDGER_PROBE_STUCK = define(
    "ledger-rename-check-stuck", "error",
    it="Il registro {ledger} è rimasto con il nome {probe}, lasciato da uno spostamento nel registro del team "
       "interrotto, e non posso ridargli il suo nome ({reason}). Non ho scritto nulla. Rendi scrivibile la "
       "cartella {folder}, oppure rinomina tu {probe} in {name}, poi ripeti.",
    en="The ledger {ledger} was left under the name {probe} by an interrupted move into the team's ledger, and its "
       "name cannot be given back ({reason}). Nothing was written. Make the folder {folder} writable, or rename "
       "{probe} to {name} yourself, then run it again.")


def rename_probe_undone(ledger_file: Path) -> None:
    """A ledger file left at its `rename_probe` (its move killed while checking it could be
    renamed, before anything was copied) given its name back; nothing when the file has it and
    no probe is beside it. A probe beside a file of the ledger's name is refused, neither
    replaced (a rename over the file, or a move's next check over the probe, lost one of
    them: either may hold the history), as is a probe the folder will not let be renamed."""
    probe = rename_probe(ledger_file)
    if not probe.is_file():
        return
    named = {"ledger": ledger_file, "probe": probe, "name": ledger_file.name, "folder": ledger_file.parent}
    if ledger_file.exists():
        raise UnusableInput(LEDGER_PROBE_BESIDE(None, **named))
    try:
        probe.rename(ledger_file)
    except FileNotFoundError:  # the move's own check gave it back meanwhile
        pass
    except OSError as exc:
        raise UnusableInput(LEDGER_PROBE_STUCK(None, **named, reason=exc.strerror or str(exc))) from None


def open_ledger(url: str | None = None, workbook: Path | None = None, *, patience: Patience = Patience(),
                action: str = "toolkit", by_button: bool = False,
                numbers_before: tuple[tuple[str, int, int], ...] = ()) -> Ledger:
    """The ledger at `url`, default beside `workbook`, upgraded if it is older than this toolkit.

    Nothing is created here: a SQLite ledger that does not exist yet is made by the first write."""
    beside = None
    if url is None:
        if workbook is None:
            raise ValueError("a ledger URL or a workbook is needed")
        url, beside = default_url(workbook), Path(workbook).resolve()
    ledger = Ledger(_engine(as_url(url), Holder(user(), action)), patience, action, beside, by_button, numbers_before,
                    typed_scheme(url))
    if ledger.file is not None and not ledger.file.parent.is_dir():
        raise UnusableInput(LEDGER_FOLDER_MISSING(None, path=ledger.file, folder=ledger.file.parent))
    if ledger.file is not None:
        rename_probe_undone(ledger.file)
    try:
        if ledger.exists and (found := _upgrade(ledger)) is not None:
            ledger = replace(ledger, upgraded_from=found)
    except OperationalError as exc:
        if ledger.is_sqlite and "locked" in first_reason(exc):
            raise UnusableInput(LEDGER_HELD_ELSEWHERE(None, path=ledger.file or ledger.url)) from None
        raise UnusableInput(not_opened(ledger, exc)) from None
    except ProgrammingError as exc:
        if not ledger.is_sqlite and not_connected(exc):
            raise UnusableInput(not_opened(ledger, exc)) from None
        raise
    return ledger


def not_opened(ledger: Ledger, exc: DBAPIError) -> Problem:
    """Why the ledger at `ledger` could not be opened, naming what to fix: a password the
    address carries that is wrong is to correct there, where one it lacks goes in pgpass; a
    server matching the PC's login against the user (peer, ident) wants the server in the
    address or the same name; a database the server has not is a name to check or a database
    to create."""
    reason = first_reason(exc)
    if not ledger.is_sqlite and any(said in reason for said in PASSWORD_REFUSED):
        address = ledger.engine.url
        if address.password or address.query.get("password"):
            return LEDGER_PASSWORD_WRONG(None, url=ledger.url, user=connecting_user(address), reason=reason)
        return LEDGER_NEEDS_PASSWORD(None, url=ledger.url, reason=reason)
    if not ledger.is_sqlite and any(said in reason for said in LOGIN_REFUSED) and through_socket(ledger.engine.url):
        return LEDGER_LOGIN_NOT_THE_USER(None, url=ledger.url, user=connecting_user(ledger.engine.url),
                                         login=user(), reason=login_refusal(reason))
    if not ledger.is_sqlite and (missing := _NO_DATABASE.search(reason)) is not None:
        return LEDGER_DATABASE_MISSING(None, url=ledger.url, database=missing[1])
    if not ledger.is_sqlite and any(said in reason for said in _GONE):
        return LEDGER_SERVER_GONE(None, url=ledger.url, reason=reason)
    if not ledger.is_sqlite and any(said in reason for said in _SILENT):
        return LEDGER_SERVER_SILENT(None, url=ledger.url, reason=reason)
    return LEDGER_UNREACHABLE(None, url=ledger.url, reason=reason)


def login_refusal(reason: str) -> str:
    """What the server said of the login it refused, without where libpq reached it: the path of
    this PC's socket (`connection to server on socket "/var/run/postgresql/.s.PGSQL.5432"
    failed: FATAL: …`), which says nothing to a desk, as the message says *this computer*.

    >>> login_refusal('connection failed: connection to server on socket "/tmp/.s.PGSQL.5432" failed: '
    ...               'FATAL:  Peer authentication failed for user "anna"')
    'Peer authentication failed for user "anna"'
    """
    at = min((reason.find(said) for said in LOGIN_REFUSED if said in reason), default=0)
    return reason[at:]


def not_connected(exc: ProgrammingError) -> bool:
    """Whether the driver refused the address itself before reaching a server: a parameter
    libpq does not know (`?sslmod=require`) or a value it cannot read (`?connect_timeout=abc`),
    which carry no SQLSTATE, where a statement the server refused carries one. Refused while
    connecting (`_connecting`): a driver's refusal of a statement (a migration's bind gone
    wrong) or of a commit carries no SQLSTATE either, nor a statement at commit, and is a bug
    to report, not an address to check."""
    return getattr(exc.orig, "sqlstate", None) is None and getattr(exc, _CONNECTING, False)


_CONNECTING = "toolkit_connecting"
"""The attribute `_connecting` sets on an error the driver raised while connecting."""


def _connecting(context: ExceptionContext) -> None:
    """Mark an error raised while a connection was being opened, when no connection is there
    yet: what the address is to blame for, where the same error at a statement or a commit,
    on a connection, is the toolkit's. A server gone or not answering (`_GONE`, `_SILENT`) is
    a disconnect too, which the psycopg dialect does not count on connecting: once the ledger
    is open, a command whose next connection meets it has lost the server
    (`toolkit.basics.failures.ledger_connection_lost`), where it ended as an internal error;
    on opening, `not_opened` tells it as before."""
    if context.connection is None and context.sqlalchemy_exception is not None:
        setattr(context.sqlalchemy_exception, _CONNECTING, True)
        reason = str(context.original_exception)
        if any(said in reason for said in (*_GONE, *_SILENT)):
            context.is_disconnect = True


def first_reason(exc: DBAPIError) -> str:
    """The driver's first line of a database error, its statement left out: what a refusal
    shows of why a server could not be reached or a row was refused."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]


@contextmanager
def _damage_told(ledger: Ledger) -> Iterator[None]:
    """A SQLite file that is not a database, or is truncated or damaged, is the user's file to
    restore, not a bug: it is named, with the way out, wherever SQLite first notices; so is a
    value edited by hand that a read cannot take (`_unreadable`), in any ledger, and a row left
    by a document deleted by hand (`_orphaned`). Damage found once a read failed is the cause
    only when it can be (`Damage.explains`): a bug that fails on a ledger damaged elsewhere was
    told as the damage, the bug hidden, and restoring the ledger would not have mended it. Such
    a bug stays the internal error it is, the damage told beside it (`failures.note_damage`)."""
    try:
        yield
    except DatabaseError as exc:
        reason = str(exc.orig).strip()
        if ledger.is_sqlite and (reason in DAMAGED_SQLITE or _table_gone(ledger, reason)):
            raise UnusableInput(LEDGER_NOT_A_LEDGER(None, path=ledger.file or ledger.url, reason=reason)) from None
        if ledger.is_sqlite and (undecoded := _not_utf8(ledger, reason)) is not None:
            raise UnusableInput(undecoded) from None
        raise
    except (ArithmeticError, LookupError, TypeError, ValueError) as exc:
        found = [d for d in (_orphaned(ledger), _unreadable(ledger) if _met_reading(exc) else None) if d is not None]
        if (cause := next((d for d in found if d.explains(exc)), None)) is not None:
            raise UnusableInput(cause.problem) from None
        if found:
            failures.note_damage(exc, found[0].problem)
        raise


@dataclass(frozen=True)
class Damage:
    """Damage of a ledger edited by hand, found once a read or a write failed, and whether it
    can be what failed: the failure met the damaged value or the row deleted."""

    problem: Problem
    explains: Callable[[BaseException], bool]


def _orphaned(ledger: Ledger) -> Damage | None:
    """The first row of a SQLite file whose document was deleted by hand (SQLite holds a file's
    foreign keys only while the toolkit writes it), however far from the ledger the work that
    met it failed: an order's lines without their order fail where holds are named, looking up
    the order deleted (`KeyError: 5`) or with its fields None (a None formatted as a number, the
    order's id at hand: `_held`)."""
    if not ledger.is_sqlite:
        return None
    with ledger.engine.connect() as conn:
        orphan = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
        if orphan is None:
            return None
        table = schema.metadata.tables[orphan[0]]
        column = next((row[3] for row in conn.exec_driver_sql(f'PRAGMA foreign_key_list("{table.name}")')
                       if row[0] == orphan[3]), None)
        missing = None if column is None else conn.execute(
            select(table.c[column]).where(literal_column("rowid") == orphan[1])).scalar()
    key = "id" if "id" in table.c else "rowid"
    return Damage(LEDGER_ROW_ORPHANED(None, path=ledger.file or ledger.url, table=orphan[0],
                                      row=f"{key} {orphan[1]}", parent=orphan[2]),
                  lambda exc: (isinstance(exc, LookupError) and missing is not None and missing in exc.args)
                  or (isinstance(exc, TypeError) and column is not None and _held(exc, column, missing))
                  or (isinstance(exc, IntegrityError) and _inserted_into(exc) == table.name))


def _held(exc: BaseException, name: str, value: Any) -> bool:
    """Whether a frame `exc` was raised through held `value` under `name`, as a row's column is
    named: an order's id, `order_id`, where a None of the order deleted failed (a hold of it
    named), not a bug's None met anywhere in a ledger that also lost an order."""
    tb = exc.__traceback__
    while tb is not None and value is not None:
        if type(held := tb.tb_frame.f_locals.get(name)) is type(value) and held == value:
            return True
        tb = tb.tb_next
    return False


def _table_gone(ledger: Ledger, reason: str) -> bool:
    """Whether SQLite's `no such table: printings` is a table of the toolkit's missing from the file
    (dropped by hand, or a copy made with part of the tables), not a statement gone wrong."""
    named = re.fullmatch(r"no such table: (\w+)", reason)
    if named is None or named[1] not in schema.metadata.tables:
        return False
    with ledger.engine.connect() as conn:
        return not inspect(conn).has_table(named[1])


READING = ("sqlalchemy", "enum.py", str(Path("toolkit", "ledger")))
"""Where an error turning a stored value into Python's is raised: SQLAlchemy's processors, an
enum's lookup, the ledger's own reading (the scaled amounts, a status's word)."""


def _met_reading(exc: BaseException) -> bool:
    """Whether `exc` was raised reading a stored value, not by the work done with the values."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and any(part in tb.tb_frame.f_code.co_filename for part in READING)


def damage_found(ledger: Ledger) -> list[Problem]:
    """What `_damage_told` names when a read fails on it, looked for in a ledger no read has
    failed on (`toolkit ledger check`): the first row left without its document, and the first
    value its column cannot hold, each table's values first sifted by the database
    (`move_values.suspects`), as a whole ledger is too large to turn row by row."""
    return [found.problem for found in (_orphaned(ledger), _unreadable(ledger, sifted=True)) if found is not None]


def _unreadable(ledger: Ledger, *, sifted: bool = False) -> Damage | None:
    """The first value of the ledger its column cannot hold (a word the column does not take, or,
    in a SQLite file, a number, a date or a flag of the wrong kind: a server refuses those when
    they are written), named at its table, row and column; None if there is none (the error was
    not the ledger's). It explains a failure that names it (`KeyError: 'boh'`), or, a number or
    a date, one that reading it again fails with alike (`_read_again`). `sifted`: only the tables
    with a row `move_values.suspects` are read."""
    with ledger.engine.connect() as conn:
        if (unknown := known_words.first_unknown(conn)) is not None:
            column, value, key, words = unknown
            return Damage(LEDGER_VALUE_UNREADABLE(
                None, path=ledger.file or ledger.url, table=column.table.name,
                row=key, column=column.name, value=repr(value),
                wanted_it="una di queste parole: " + ", ".join(words),
                wanted_en="one of these words: " + ", ".join(words)),
                lambda exc: value in exc.args or repr(value) in str(exc))
        for table in schema.metadata.sorted_tables if ledger.is_sqlite else ():
            if sifted and conn.execute(select(1).select_from(table).where(move_values.suspects(table)).limit(1)
                                       ).first() is None:
                continue
            found = move_values.first_refused(conn, table)
            if found is not None:
                refused, row = found
                return Damage(LEDGER_VALUE_UNREADABLE(None, path=ledger.file or ledger.url, table=table.name,
                                                      row=_row_key(table, row), column=refused.column.name,
                                                      value=refused.shown_value(), wanted_it=refused.wanted.it,
                                                      wanted_en=refused.wanted.en),
                              partial(_read_again, ledger, refused.column, row))
    return None


def _read_again(ledger: Ledger, column: Column[Any], row: Sequence[Any], exc: BaseException) -> bool:
    """Whether reading `column` of `row` again, as the toolkit reads it, fails as `exc` did: its
    value, refused by its column's type, is then the one the failure met."""
    table = column.table
    at = {c.name: n for n, c in enumerate(table.columns)}
    try:
        with ledger.engine.connect() as conn:
            conn.execute(select(column).where(*(c == row[at[c.name]] for c in table.primary_key.columns))).all()
    except Exception as again:  # any failure, compared with the one met
        return type(again) is type(exc) and again.args == exc.args
    return False


def _row_key(table: Table, row: Sequence[Any]) -> str:
    """A row of `table` named by its primary key, as a message shows it: *id 7*, *series FT, year 2026*."""
    return ", ".join(f"{c.name} {row[list(table.columns).index(c)]}" for c in table.primary_key.columns)


def _not_utf8(ledger: Ledger, reason: str) -> Problem | None:
    """A text another program wrote in another encoding (Latin-1's `è` as the byte E8), which
    Python's sqlite3 refuses naming the column only (`Could not decode to UTF-8 column 'x'`):
    its table and row, found by reading again the tables that have the column."""
    named = re.match(r"Could not decode to UTF-8 column '([^']+)'", reason)
    if named is None:
        return None
    for table in schema.metadata.sorted_tables:
        if named[1] not in table.columns:
            continue
        with ledger.engine.connect() as conn:
            try:
                refused, row = move_values.not_utf8(conn, table)
            except LookupError:
                continue
        return LEDGER_TEXT_NOT_UTF8(None, path=ledger.file or ledger.url, table=table.name,
                                    row=_row_key(table, row), column=refused.column.name, value=refused.shown_value())
    return None


SERVER_PATIENCE = {"connect_timeout": 15, "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10,
                   "keepalives_count": 3}
"""How long a desk waits for a PostgreSQL server that does not answer: libpq waits forever for one
that took the connection and says nothing (hung, or behind a VPN half-open) and about two minutes
for a PC switched off, and the operating system notices a network gone mid-command only after two
hours; 15 seconds to connect, and a connection silent for about a minute is given up, told as a
connection lost. A value the address gives (`?connect_timeout=60`) wins, and so does one the
service it names sets (`?service=ordini`, its `pg_service.conf` entry), and libpq's own variable
for it, which a parameter given here would override."""
_PATIENCE_VARIABLES = {"connect_timeout": "PGCONNECT_TIMEOUT"}
"""The environment variable by which libpq takes a SERVER_PATIENCE value for every connection of a PC."""


def _engine(url: str, holder: Holder) -> Engine:
    if url.lower().startswith("postgres") and (shown := reserved_in_credentials(url)) is not None:
        raise UnusableInput(LEDGER_ADDRESS_RESERVED_CHARACTER(None, url=shown))
    if url.lower().startswith("postgres") and (port := bad_port(url)) is not None:
        raise UnusableInput(LEDGER_BAD_PORT(None, url=shown_url(url), port=port))
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is no number, postgresql://db:abc/ordini
        raise UnusableInput(LEDGER_UNSUPPORTED(None, url=shown_url(url))) from None
    parsed = parsed.set(drivername=parsed.drivername.lower())  # POSTGRESQL://, as a scheme's case means nothing
    if parsed.drivername == "postgres":
        # the short scheme many hosts and tools give (libpq takes it too); SQLAlchemy knows only postgresql
        parsed = parsed.set(drivername="postgresql")
    shown = query_password_hidden(parsed.render_as_string(hide_password=True))
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("psycopg2", "psycopg"):
        parsed = parsed.set(drivername="postgresql+psycopg")
        if importlib.util.find_spec("psycopg") is None:
            raise UnusableInput(LEDGER_NO_DRIVER(None, url=shown))
        try:
            chosen = {*parsed.query, *service_keys(parsed.query)}
            given = {key: value for key, value in SERVER_PATIENCE.items() if key not in chosen
                     and not os.environ.get(_PATIENCE_VARIABLES.get(key, ""))}
            engine = create_engine(parsed, pool_pre_ping=True,
                                   connect_args={"application_name": holder.tag(), **given})
            event.listen(engine, "handle_error", _connecting)
            return engine
        except ArgumentError:  # ?port=abc
            raise UnusableInput(LEDGER_UNSUPPORTED(None, url=shown)) from None
    if parsed.drivername != "sqlite":
        raise UnusableInput(LEDGER_UNSUPPORTED(None, url=shown))
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_MS / 1000})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute(f"PRAGMA temp_store={SQLITE_TEMP_STORE}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("writing") else "BEGIN")

    return engine


@contextmanager
def writing(ledger: Ledger) -> Iterator[Connection]:
    """A write transaction holding the ledger's write lock; committed on success, else rolled back.

    The first write to a SQLite ledger creates it (`_create_file`). Its version is checked again
    inside the locked transaction, since a colleague's newer toolkit may have upgraded it since
    it was opened (a PostgreSQL ledger is made and upgraded when it is opened)."""
    with _locked(ledger) as conn:
        if ledger.is_sqlite:
            _create_or_upgrade(ledger, conn)
        _carry_on(conn, ledger.numbers_before)
        yield conn
    runtime.committed()


BEGUN_ELSEWHERE = "numbered-before"
"""The event of a series and year started at the last number a desk issued before the toolkit
(`_carry_on`; its number the series, its detail `year last`): a team's ledger keeps it for every
desk, whose own *Numeri prima del toolkit* name only its series (`toolkit ledger check`)."""


def _carry_on(conn: Connection, numbers_before: Sequence[tuple[str, int, int]]) -> None:
    """Start each series and year the desk numbered before the toolkit at its last number, while
    the ledger has drawn none there: a desk that switches in September must not issue its
    invoice 1 of the year a second time (SDI and the law want one number per invoice). Once
    the series has a counter the toolkit's own numbers go on from it, whatever the setting says."""
    c = schema.counters.c
    for series, year, last in numbers_before:
        if conn.execute(select(c.last).where(c.series == series, c.year == year)).first() is None:
            conn.execute(insert(schema.counters).values(series=series, year=year, last=last))
            log_event(conn, BEGUN_ELSEWHERE, "counter", None, series, f"{year} {last}")


class _Probed(Exception):
    """`check_writable`'s write, rolled back."""


def check_writable(ledger: Ledger) -> None:
    """Raise what a write would raise on a ledger that cannot be written (a read-only file, a
    folder that cannot take its journal, a read-only server), writing nothing: a verb that
    writes its file before it records something (`toolkit print` marks the documents printed)
    asks first, so a refusal leaves no file behind."""
    if not ledger.exists:
        return
    try:
        with writing(ledger) as conn:
            conn.execute(schema.printings.delete().where(schema.printings.c.document == "probe"))
            conn.execute(schema.printings.insert().values(document="probe", document_id=0, printed_at=now(),
                                                          printed_by=user()))
            raise _Probed
    except _Probed:
        pass


@contextmanager
def reading(ledger: Ledger) -> Iterator[Connection]:
    """A read transaction: no lock, one consistent view; an empty ledger if none exists yet.

    Not when another workbook's ledger lies beside a default one that does not exist: a copy
    saved under another name would show no orders, DDTs or invoices, and the desk would take
    its documents for lost (`_refuse_beside_another`, as a write is refused)."""
    if ledger.exists:
        with _damage_told(ledger), ledger.engine.connect() as conn:
            if not ledger.is_sqlite or version(conn) is not None:
                yield conn
                return
    elif ledger.file is not None:
        _refuse_beside_another(ledger, ledger.file)
    with _empty().connect() as conn:
        yield conn


@contextmanager
def _locked(ledger: Ledger) -> Iterator[Connection]:
    """The write transaction, under the ledger's lock; a number drawn twice, as a counter set back
    by hand makes it, is refused naming the counter (`counters_behind`), and a row clashing with
    the rows a document deleted by hand left (`_orphaned`) naming them, the transaction undone.
    Each only where the clash is in its table (`_inserted_into`): a bug's clash elsewhere stays
    the internal error it is, a row left behind noted beside it (`failures.note_damage`)."""
    try:
        with _damage_told(ledger), _locked_unchecked(ledger) as conn:
            yield conn
    except IntegrityError as exc:
        into = [t for t in counters_behind.NUMBERED if t.name == _inserted_into(exc)]
        with ledger.engine.connect() as conn:
            cause = counters_behind.counters_behind(conn, into) if into else []
            behind = cause or counters_behind.counters_behind(conn)
        if cause:
            raise UnusableInput(counters_behind.told(cause[0], ledger.file or ledger.url)) from None
        orphan = _orphaned(ledger)  # a new order took the id of one deleted, its lines left
        if orphan is not None and orphan.explains(exc):
            raise UnusableInput(orphan.problem) from None
        if noted := [counters_behind.told(b, ledger.file or ledger.url) for b in behind[:1]] + (
                [orphan.problem] if orphan is not None else []):
            failures.note_damage(exc, noted[0])
        raise


def _inserted_into(exc: IntegrityError) -> str | None:
    """The table whose insert (or COPY, `copy_in`) a constraint refused: a counter set back or a
    row left behind is the cause only of a clash in its own table, not of any write's."""
    inserted = re.match(r'\s*(?:INSERT\s+INTO|COPY)\s+"?(\w+)', exc.statement or "", re.IGNORECASE)
    return inserted[1] if inserted else None


@contextmanager
def _locked_unchecked(ledger: Ledger) -> Iterator[Connection]:
    waiting = lock.Waiting(ledger.patience)
    if ledger.is_sqlite:
        if ledger.file is not None and not ledger.file.exists():
            _refuse_beside_another(ledger, ledger.file)
            if _create_file(ledger.file):
                _tell_created(ledger, ledger.file)
        with _sqlite_locked(ledger, waiting) as conn:
            yield conn
        return
    try:
        with ledger.engine.begin() as conn, copy_in.statistics_kept(conn):
            while not lock.try_advisory(conn):
                waiting.taken(lambda: lock.advisory_holder(conn))
            while not lock.try_tables(conn, LEDGER_TABLES):
                waiting.taken(lambda: lock.table_holder(conn, LEDGER_TABLES))
            lock.bound_lock_waits(conn, ledger.patience.wait)
            yield conn
    except OperationalError as exc:
        if not lock.lock_refused(exc):
            raise
        with ledger.engine.connect() as conn:
            holder = lock.table_holder(conn, LEDGER_TABLES, rows=True)
        raise UnusableInput(lock.LEDGER_BUSY(None, holder=holder, wait=ledger.patience.wait)) from None


LEDGER_TABLES = tuple(table.name for table in schema.metadata.sorted_tables)
"""The tables a writer on PostgreSQL locks for writing before it starts (`lock.try_tables`)."""


@contextmanager
def _sqlite_locked(ledger: Ledger, waiting: lock.Waiting) -> Iterator[Connection]:
    """`BEGIN IMMEDIATE`, tried with a short busy timeout so that the wait can be told and bounded.

    A ledger `toolkit ledger move` renamed while this one waited (`moved_file`, done under the
    lock) is refused once the lock is had: the write would go into the file kept to reprint, and
    never reach the team's ledger."""
    while True:
        conn = ledger.engine.connect().execution_options(writing=True)
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute(f"PRAGMA busy_timeout={max(1, int(min(waiting.remaining(), 1.0) * 1000))}")
        try:
            transaction = conn.begin()
        except OperationalError as exc:
            raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            conn.close()
            if "locked" not in str(exc.orig):
                raise
            waiting.taken(lambda: lock.read_holder(ledger.file) if ledger.file else lock.UNKNOWN)
            continue
        raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        break
    if ledger.file is not None and not ledger.file.exists() and moved_file(ledger.file).is_file():
        transaction.rollback()
        conn.close()
        raise UnusableInput(LEDGER_MOVED(None, ledger=ledger.file, moved=moved_file(ledger.file)))
    if ledger.file:
        lock.write_holder(ledger.file, Holder(user(), ledger.action, datetime.now()))
    try:
        with transaction:
            yield conn
    finally:
        if ledger.file:
            lock.clear_holder(ledger.file)
        conn.close()


def documents_in_file(file: Path) -> int:
    """How many orders, DDTs and invoices a SQLite ledger file holds, read without writing (no
    upgrade, no lock file): 0 for a file that is missing or no ledger."""
    if not file.is_file():
        return 0
    try:
        with closing(sqlite3.connect(f"{file.as_uri()}?mode=ro", uri=True)) as conn:
            return sum(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                       for table in ("orders", "deliveries", "invoices"))
    except sqlite3.Error:
        return 0


def others_beside(workbook: Path, own: Path) -> list[Path]:
    """The other workbooks' default ledgers in `workbook`'s folder."""
    return sorted(p for p in workbook.parent.glob(f"*{LEDGER_SUFFIX}") if p.name != own.name and p.is_file())


def _refuse_beside_another(ledger: Ledger, file: Path) -> None:
    """A workbook saved under another name or format (*Salva con nome* .ods, a renamed copy)
    has no ledger of its own yet, while the one it has used so far lies beside it: creating a
    new one would issue again order, DDT and invoice numbers already sent, and reading it as
    empty would show the desk's documents as gone. So a default ledger is never created, nor
    read as empty, beside another, nor beside one `toolkit ledger move` renamed (a copy of the
    workbook saved under another name would number from 1 what the team ledger numbers);
    naming it (`--ledger`) creates it on purpose, the way out `LEDGER_MOVED_BESIDE` names for
    another company's workbook in that folder (at a button: a folder of its own)."""
    if (moved := moved_file(file)).is_file():
        raise UnusableInput(LEDGER_MOVED(None, ledger=file, moved=moved))
    if ledger.beside is None:
        return
    if moved_beside := sorted(ledger.beside.parent.glob(f"*{MOVED_SUFFIX}")):
        raise UnusableInput(LEDGER_MOVED_BESIDE(None, workbook=ledger.beside.name, moved=moved_beside[0], new=file))
    found = others_beside(ledger.beside, file)
    if not found:
        return
    names = ", ".join(p.name[: -len(LEDGER_SUFFIX)] for p in found)
    if ledger.by_button:
        raise UnusableInput(LEDGER_BESIDE_ANOTHER_BUTTON(None, workbook=ledger.beside.name,
                                                         found=", ".join(p.name for p in found), names=names))
    raise UnusableInput(LEDGER_BESIDE_ANOTHER(None, workbook=ledger.beside.name, found=", ".join(str(p) for p in found),
                                              first=str(found[0]), new=str(file)))


def _tell_created(ledger: Ledger, file: Path) -> None:
    """Say that a named SQLite ledger (`--ledger`, TOOLKIT_LEDGER_URL) was just created: a
    path typed with one letter wrong in an existing folder would otherwise start a second,
    empty ledger numbering from 1 without a word. A default ledger, named after its workbook,
    is created by the workbook's first run and is no typing slip: it is not told."""
    if ledger.beside is None and ledger.patience.notify is not None:
        ledger.patience.notify(LEDGER_CREATED(None, path=file))


def _create_file(file: Path) -> bool:
    """A new SQLite ledger at `file`, whole or not at all: SQLite makes a file as soon as it
    connects and writes the schema later, so a failure, a crash or a colleague's first write
    in between would leave at the ledger's name a file with nothing in it, which is refused
    (`LEDGER_EMPTY`). The schema is made in a file beside it that takes the name only once
    complete, and never over a file a colleague put there meanwhile (then theirs is used, and
    this returns False: the colleague created it, and says so).
    Its journal is kept in memory: a creation that fails leaves no journal file to sweep."""
    return placed_new_file(file, _with_schema)


def _with_schema(made: Path) -> None:
    engine = _engine(sqlite_url(made), Holder(user(), "toolkit"))
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA journal_mode=MEMORY")
            with conn.begin():
                _create(conn)
    finally:
        engine.dispose()


@lru_cache(maxsize=1)
def _empty() -> Engine:
    """An empty ledger in memory, what a SQLite ledger not created yet reads as."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    schema.metadata.create_all(engine)
    return engine


MIGRATIONS: dict[int, Callable[[Connection], None]] = {}


def _add_columns(conn: Connection, table: str, columns: Mapping[str, str]) -> None:
    """Add to `table` those of `columns` (name → SQL type) it lacks: like every migration step,
    skipped when already done, so a migration interrupted half-way can run again."""
    present = {c["name"] for c in inspect(conn).get_columns(table)}
    for column, kind in columns.items():
        if column not in present:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))
"""version → the step that upgrades a ledger from version-1 to version."""


def _index_invoiced_at_order(conn: Connection) -> None:
    schema.invoiced_at_order_index.create(conn, checkfirst=True)
    conn.execute(text("DROP INDEX IF EXISTS ix_invoice_lines_order_line_id"))


MIGRATIONS[2] = _index_invoiced_at_order


def _add_einvoice_files(conn: Connection) -> None:
    schema.einvoice_files.create(conn, checkfirst=True)


MIGRATIONS[3] = _add_einvoice_files


def _add_printings(conn: Connection) -> None:
    schema.printings.create(conn, checkfirst=True)


MIGRATIONS[4] = _add_printings


def _add_references_and_stamp_lines(conn: Connection) -> None:
    """Orders keep the customer's reference and their own payment method, DDTs an accounting
    date, and an invoice line may come from no order (the stamp duty charged to the customer).

    Each step is skipped when already done, as in the steps before. SQLite cannot drop a NOT
    NULL: its invoice lines move to a table made anew, with the same rows and indexes (no other
    table refers to them)."""
    _add_columns(conn, "orders", {"customer_reference": "VARCHAR(60)", "payment_method": "VARCHAR(30)"})
    _add_columns(conn, "deliveries", {"accounting_date": "DATE"})
    found = inspect(conn)
    if next(c for c in found.get_columns("invoice_lines") if c["name"] == "order_line_id")["nullable"]:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(text("ALTER TABLE invoice_lines ALTER COLUMN order_line_id DROP NOT NULL"))
        return
    _invoice_lines_anew(conn, "invoice_lines_v4")


def _invoice_lines_anew(conn: Connection, old: str) -> None:
    """SQLite's invoice lines moved, rows and ids as they are, to a table made anew as the schema
    declares it now (the old table renamed `old` and dropped once copied): how a constraint inside
    the `CREATE TABLE` changes. No table refers to them by a foreign key. Its indexes are made
    once the rows are in, but schema 48's (`schema.credited_once_index`), which its own migration
    makes after telling apart the lines it would take for a second credit, or naming them: made
    here, on the `part` 0 of every line of before, it refused the two sides of a return credited at
    the order across a letter's ceiling with a database error."""
    found = inspect(conn)
    for index in found.get_indexes("invoice_lines"):
        conn.execute(text(f'DROP INDEX "{index["name"]}"'))
    kept = {c["name"] for c in found.get_columns("invoice_lines")}
    conn.execute(text(f"ALTER TABLE invoice_lines RENAME TO {old}"))
    conn.execute(CreateTable(schema.invoice_lines))
    columns = ", ".join(c.name for c in schema.invoice_lines.columns if c.name in kept)
    conn.execute(text(f"INSERT INTO invoice_lines ({columns}) SELECT {columns} FROM {old}"))
    conn.execute(text(f"DROP TABLE {old}"))
    for declared in schema.invoice_lines.indexes - {schema.credited_once_index}:
        declared.create(conn)


MIGRATIONS[5] = _add_references_and_stamp_lines


def _add_requests(conn: Connection) -> None:
    """Customers' requests and complaints, with the history of what was done."""
    schema.customer_requests.create(conn, checkfirst=True)
    schema.request_history.create(conn, checkfirst=True)


MIGRATIONS[6] = _add_requests


def _add_confirmations(conn: Connection) -> None:
    """An order may cite the quotation or proposal it confirms, once (a unique index; NULLs,
    the orders made from templates, never collide)."""
    _add_columns(conn, "orders", {"confirms": "INTEGER"})
    schema.confirms_index.create(conn, checkfirst=True)


MIGRATIONS[7] = _add_confirmations


def _confirmations_out_of_template(conn: Connection) -> None:
    """A confirmed order is no longer keyed by its quotation's number in `template`: that
    column is a template's code, NULL for an order made from a quotation or proposal, which
    `confirms` cites already.

    SQLite cannot drop a NOT NULL with ALTER TABLE, and rebuilding `orders` would cascade to its
    lines (foreign keys are on and cannot be turned off inside the transaction): the column's
    declaration is edited in the schema table instead, as SQLite documents for removing a NOT
    NULL (https://sqlite.org/lang_altertable.html#otheralter), which leaves the rows as they are."""
    found = next(c for c in inspect(conn).get_columns("orders") if c["name"] == "template")
    if not found["nullable"]:
        if conn.dialect.name != "sqlite":
            conn.execute(text("ALTER TABLE orders ALTER COLUMN template DROP NOT NULL"))
        else:
            _sqlite_drop_not_null(conn, "orders", "template")
    conn.execute(text("UPDATE orders SET template = NULL WHERE confirms IS NOT NULL"))


def _sqlite_drop_not_null(conn: Connection, table: str, column: str) -> None:
    sql = _sqlite_table_sql(conn, table)
    pattern = re.compile(rf"(\b{column}\s+[A-Z]+(?:\(\d+\))?)\s+NOT NULL", re.IGNORECASE)
    edited, count = pattern.subn(r"\1", sql, count=1)
    if count != 1:
        raise RuntimeError(f"{table}.{column}: declaration not found")
    _sqlite_rewrite(conn, table, edited)


def _sqlite_table_sql(conn: Connection, table: str) -> str:
    sql: str = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                            {"t": table}).scalar_one()
    return sql


def _sqlite_rewrite(conn: Connection, table: str, edited: str) -> None:
    """Give `table` the declaration `edited`, which must store its rows as before (a constraint
    taken away), in the schema table, as SQLite documents for such changes
    (https://sqlite.org/lang_altertable.html#otheralter): the rows stay as they are."""
    schema_version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        conn.execute(text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' AND name = :t"),
                     {"sql": edited, "t": table})
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(schema_version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")


MIGRATIONS[8] = _confirmations_out_of_template


def _add_price_rules(conn: Connection) -> None:
    """An order line records the price rule that set its price (Regole prezzo); lines stored
    before rules existed were priced by their list or their own price, so they stay NULL."""
    _add_columns(conn, "order_lines", {"price_rule": "VARCHAR(60)"})


MIGRATIONS[9] = _add_price_rules


def _add_volume_settlements(conn: Connection) -> None:
    """Credit notes cite the invoices they reduce, and volume discounts are settled once per
    customer and period."""
    schema.invoice_citations.create(conn, checkfirst=True)
    schema.volume_settlements.create(conn, checkfirst=True)


MIGRATIONS[10] = _add_volume_settlements


def _add_form_origins(conn: Connection) -> None:
    """Orders say where they came from (`origin`), and an imported order form its digest, once."""
    _add_columns(conn, "orders", {"origin": "TEXT", "form_digest": "VARCHAR(64)"})
    schema.form_digest_index.create(conn, checkfirst=True)


MIGRATIONS[11] = _add_form_origins


def _forms_out_of_template(conn: Connection) -> None:
    """An order imported from a form is no longer keyed by a `form-<digest>` in `template`: that
    column is a template's code, NULL for an order no template made; `form_digest` (unique since
    version 11) keys an imported order already, as `confirms` keys a confirmed one (version 8)."""
    conn.execute(text("UPDATE orders SET template = NULL WHERE form_digest IS NOT NULL"))


MIGRATIONS[12] = _forms_out_of_template


def _add_shipped_per_line(conn: Connection) -> None:
    """Order lines keep what their DDT lines shipped (`order_lines.shipped`), summed once here
    from the DDT lines the ledger holds; the lines never shipped keep the column's 0 as they are
    (rewriting every row of a large ledger would only grow it)."""
    _add_columns(conn, "order_lines", {"shipped": "BIGINT NOT NULL DEFAULT 0"})
    conn.execute(text("UPDATE order_lines SET shipped = (SELECT SUM(delivery_lines.quantity) FROM delivery_lines "
                      "WHERE delivery_lines.order_line_id = order_lines.id) "
                      "WHERE id IN (SELECT order_line_id FROM delivery_lines)"))


MIGRATIONS[13] = _add_shipped_per_line


def _drop_order_id_index(conn: Connection) -> None:
    """The index on `order_lines.order_id` repeats the first column of the unique key
    `(order_id, line_no)`, which answers the same lookups: dropped, storing a day's lines writes
    one index fewer."""
    conn.execute(text("DROP INDEX IF EXISTS ix_order_lines_order_id"))


MIGRATIONS[14] = _drop_order_id_index


def _add_shipped_by_day(conn: Connection) -> None:
    """What shipped of each item on each DDT date is kept (`shipped_by_day`), summed once here
    from the DDT lines the ledger holds (`shipped_by_day.recount`)."""
    schema.shipped_by_day.create(conn, checkfirst=True)
    shipped_by_day.recount(conn)


MIGRATIONS[15] = _add_shipped_by_day


def _customer_date_index(conn: Connection) -> None:
    """The index of the orders' customer becomes one of customer, date and status
    (`schema.customer_index`): it answers the same lookups by customer, and a customer's latest
    order from the index alone."""
    conn.execute(text("DROP INDEX IF EXISTS ix_orders_customer"))
    schema.customer_index.create(conn, checkfirst=True)


MIGRATIONS[16] = _customer_date_index


def _add_holds(conn: Connection) -> None:
    """Orders held whole are kept on hold between shipping days (`schema.holds`); a ledger
    upgraded has none kept yet, so its next day plans every order, as before."""
    schema.holds.create(conn, checkfirst=True)
    schema.hold_marks.create(conn, checkfirst=True)


MIGRATIONS[17] = _add_holds


def _add_unshipped(conn: Connection) -> None:
    """Orders keep the value they still have to ship (`toolkit.ledger.unshipped`), set here
    from their lines; an order with nothing left keeps the columns' 0."""
    _add_columns(conn, "orders", dict.fromkeys(("unshipped_euros", "unshipped_micros"), "BIGINT NOT NULL DEFAULT 0"))
    unshipped.recount(conn)


MIGRATIONS[18] = _add_unshipped


def _add_reserved(conn: Connection) -> None:
    """Orders keep what they reserve of each item (`toolkit.ledger.reserved`), summed here from
    their lines."""
    schema.reserved.create(conn, checkfirst=True)
    reserved.recount(conn)


MIGRATIONS[19] = _add_reserved


def _place_reserved(conn: Connection) -> None:
    """The kept reservations carry each order's place in the queue (`schema.reserved`): the
    table is made again in its new shape and summed again from the lines. A ledger that came
    through migration 19 just now has it in that shape already."""
    if "place_year" in {c["name"] for c in inspect(conn).get_columns("reserved")}:
        return
    conn.execute(text("DROP INDEX IF EXISTS ix_reserved_order"))
    conn.execute(text("DROP TABLE reserved"))
    schema.reserved.create(conn)
    reserved.recount(conn)


MIGRATIONS[20] = _place_reserved


def _uncite_lines(conn: Connection) -> None:
    """A line that cites another document's line keeps its id without a foreign key
    (`schema.CITED_LINES`; why in `toolkit.ledger.schema`). PostgreSQL drops the constraints by
    the names it gave them; SQLite's are clauses of the tables' declarations, taken out of them
    (`_sqlite_rewrite`). A ledger without them is left as it is."""
    for column, cited in schema.CITED_LINES:
        table = column.table.name
        for key in inspect(conn).get_foreign_keys(table):
            if key["constrained_columns"] != [column.name] or key["referred_table"] != cited.name:
                continue
            if conn.dialect.name != "sqlite":
                conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{key["name"]}"'))
                continue
            clause = re.compile(rf',\s*FOREIGN KEY\s*\(\s*"?{column.name}"?\s*\)\s*REFERENCES\s*"?{cited.name}"?'
                                rf'\s*\(\s*"?id"?\s*\)', re.IGNORECASE)
            edited, count = clause.subn("", _sqlite_table_sql(conn, table), count=1)
            if count != 1:
                raise RuntimeError(f"{table}.{column.name}: foreign key not found")
            _sqlite_rewrite(conn, table, edited)


MIGRATIONS[21] = _uncite_lines


def _judge_by_customer_and_item(conn: Connection) -> None:
    """The holds' marks keep the customers' terms and the stock sheet they were judged by
    (`schema.hold_customers`, `schema.hold_stock`): the marks are made again empty, so the next
    `ship --all` plans every order, as after any change of the master data, and keeps them
    from then on."""
    schema.hold_marks.drop(conn, checkfirst=True)
    schema.hold_marks.create(conn)
    schema.hold_customers.create(conn, checkfirst=True)
    schema.hold_stock.create(conn, checkfirst=True)


MIGRATIONS[22] = _judge_by_customer_and_item


def _holds_by_customer_and_item(conn: Connection) -> None:
    """The holds keep their order's customer and date, and their items one per row
    (`schema.holds`, `schema.hold_items`): the holds are made again empty, with the marks, so
    the next `ship --all` plans every order, as on a ledger's first day, and keeps them from
    then on."""
    schema.hold_items.drop(conn, checkfirst=True)
    schema.holds.drop(conn, checkfirst=True)
    schema.holds.create(conn)
    schema.hold_items.create(conn)
    schema.hold_marks.drop(conn, checkfirst=True)
    schema.hold_marks.create(conn)


MIGRATIONS[23] = _holds_by_customer_and_item


def _add_zipped_in(conn: Connection) -> None:
    """An invoice's e-invoice file keeps the first zip for SDI that held it
    (`einvoice_files.zipped_in`). Zips made before stay unknown: their names' digest does not
    say which files they held."""
    _add_columns(conn, "einvoice_files", {"zipped_in": "INTEGER"})


MIGRATIONS[24] = _add_zipped_in


def _add_payment_reversals(conn: Connection) -> None:
    """A payment may reverse another (`payments.reverses`), once (a unique index)."""
    _add_columns(conn, "payments", {"reverses": "INTEGER"})
    schema.reverses_index.create(conn, checkfirst=True)


MIGRATIONS[25] = _add_payment_reversals


def _keep_issued_parties(conn: Connection) -> None:
    """Invoices and DDTs cite the parties they printed (`schema.issued_parties`). Those stored
    before have none to cite (NULL): they are printed with the master data of the day, as they
    always were."""
    schema.issued_parties.create(conn, checkfirst=True)
    for table in ("invoices", "deliveries"):
        _add_columns(conn, table, {"parties_id": "INTEGER"})


MIGRATIONS[26] = _keep_issued_parties


def _add_uninvoiced(conn: Connection) -> None:
    """DDTs keep the value of their lines not yet on a final invoice (`toolkit.ledger.uninvoiced`),
    set here from their lines, with the index the credit figures read them by; and the orders'
    value still to ship is summed again without the lines invoiced at the order, which the open
    invoices count already."""
    _add_columns(conn, "deliveries", dict.fromkeys(("uninvoiced_euros", "uninvoiced_micros"), "BIGINT NOT NULL DEFAULT 0"))
    uninvoiced.recount(conn)
    schema.uninvoiced_index.create(conn, checkfirst=True)
    unshipped.recount(conn)


MIGRATIONS[27] = _add_uninvoiced


def _add_credited_lines(conn: Connection) -> None:
    """A credit note's line may cite the invoice line it takes back (`invoice_lines.
    credits_line_id`, with its index) and a credit note say why it was issued
    (`invoices.reason`): `toolkit invoice credit`. Lines and notes stored before cite nothing."""
    _add_columns(conn, "invoice_lines", {"credits_line_id": "INTEGER"})
    _add_columns(conn, "invoices", {"reason": "TEXT"})
    schema.credits_line_index.create(conn, checkfirst=True)


MIGRATIONS[28] = _add_credited_lines


def _add_returned_lines(conn: Connection) -> None:
    """A return's credit note records what it takes back of each invoice line that sold the
    returned goods (`schema.returned_lines`). Returns credited before record none: what they
    took back was never known line by line, and the invoices they cited stay creditable."""
    schema.returned_lines.create(conn, checkfirst=True)


MIGRATIONS[29] = _add_returned_lines


def _add_documents_held(conn: Connection) -> None:
    """An order made before its day may keep its documents issued at once for that day
    (`orders.documents_held`, with its index). Orders stored before issued theirs when made."""
    _add_columns(conn, "orders", {"documents_held": "VARCHAR(20)"})
    schema.documents_held_index.create(conn, checkfirst=True)


MIGRATIONS[30] = _add_documents_held


def _add_uncredited_returns(conn: Connection) -> None:
    """The desk may close a return with no credit note (`schema.uncredited_returns`). Returns
    stored before have none: their DDTs wait as they did."""
    schema.uncredited_returns.create(conn, checkfirst=True)


MIGRATIONS[31] = _add_uncredited_returns


def _add_credit_vat(conn: Connection) -> None:
    """A partial credit note keeps its VAT per rate where it is a cent from taxable × rate
    (`schema.credit_vat`). Notes stored before keep only their total: their rates share it as
    `toolkit.core.vat.as_stored` splits it."""
    schema.credit_vat.create(conn, checkfirst=True)


MIGRATIONS[32] = _add_credit_vat


def _add_split_payment(conn: Connection) -> None:
    """Invoices and credit notes say whether they bore split payment (`invoices.split_payment`),
    set here from the buyer each printed, as `toolkit.core.invoicing.splits_payment` reads it;
    those stored before schema 26 printed none and never did."""
    _add_columns(conn, "invoices", {"split_payment": "BOOLEAN NOT NULL DEFAULT FALSE"})
    i, p = schema.invoices.c, schema.issued_parties.c
    cited = select(i.parties_id).where(i.parties_id.is_not(None)).distinct().scalar_subquery()
    split = [kept for kept, stored in conn.execute(select(p.id, p.parties).where(p.id.in_(cited)))
             if splits_payment(Parties.from_text(stored))]
    for chunk in in_batches(split):
        conn.execute(update(schema.invoices).where(i.parties_id.in_(chunk)).values(split_payment=True))


MIGRATIONS[33] = _add_split_payment


def _keep_order_parties(conn: Connection) -> None:
    """Orders cite the parties they printed (`orders.parties_id`), as DDTs and invoices do since
    schema 26. Those stored before have none (NULL): they print with the master data of the day,
    as they always did."""
    _add_columns(conn, "orders", {"parties_id": "INTEGER"})


MIGRATIONS[34] = _keep_order_parties


def _add_voided_deliveries(conn: Connection) -> None:
    """A DDT may be voided (`schema.voided_deliveries`, its lines kept in `schema.voided_lines`).
    DDTs stored before were never voided."""
    schema.voided_deliveries.create(conn, checkfirst=True)
    schema.voided_lines.create(conn, checkfirst=True)


MIGRATIONS[35] = _add_voided_deliveries


def _keep_voided_rates(conn: Connection) -> None:
    """A voided DDT's lines keep the rate, nature and net price they carried (`schema.voided_lines`),
    read here from their order lines, which no shipping has rated again since: a line a voided DDT
    carried was never rated again before schema 36."""
    _add_columns(conn, "voided_lines", {"vat_rate": "BIGINT", "vat_nature": "VARCHAR(10)", "unit_price": "BIGINT"})
    v, ol = schema.voided_lines.c, schema.order_lines.c
    conn.execute(update(schema.voided_lines).where(v.vat_rate.is_(None)).values(
        vat_rate=select(ol.vat_rate).where(ol.id == v.order_line_id).scalar_subquery(),
        vat_nature=select(ol.vat_nature).where(ol.id == v.order_line_id).scalar_subquery(),
        unit_price=select(ol.unit_price).where(ol.id == v.order_line_id).scalar_subquery()))


MIGRATIONS[36] = _keep_voided_rates


def _drop_reserved_order_index(conn: Connection) -> None:
    """The kept reservations lose their index by order (`toolkit.ledger.reserved._delete_keyed`):
    an order's rows are deleted by their full key, found from its lines, and a day's reserved
    rows are written into one index fewer."""
    conn.execute(text("DROP INDEX IF EXISTS ix_reserved_order"))


MIGRATIONS[37] = _drop_reserved_order_index


def _keep_first_printing(conn: Connection) -> None:
    """Each printing keeps when its document was first printed (`schema.printings`): the last
    printing known is the best a ledger before it knows of the first."""
    _add_columns(conn, "printings", {"first_printed_at": "TIMESTAMP"})
    p = schema.printings.c
    conn.execute(update(schema.printings).where(p.first_printed_at.is_(None)).values(first_printed_at=p.printed_at))


MIGRATIONS[38] = _keep_first_printing


def _mark_stored_late(conn: Connection) -> None:
    """The DDTs stored on a later day than their date marked (`deliveries.stored_late`) and
    indexed by when they were stored (`schema.stored_late_index`): the stock's read walked every
    DDT dated before the count to find those stored after it. Each DDT's two times are read here,
    once, as the mark needs Rome's day of a time kept in UTC."""
    _add_columns(conn, "deliveries", {"stored_late": "INTEGER NOT NULL DEFAULT 0"})
    d = schema.deliveries.c
    late = [delivery_id for delivery_id, day, stored in conn.execute(select(d.id, d.delivery_date, d.created_at))
            if shipped_by_day.stored_late(day, stored)]
    for block in range(0, len(late), 900):
        conn.execute(update(schema.deliveries).where(d.id.in_(late[block:block + 900])).values(stored_late=1))
    schema.stored_late_index.create(conn, checkfirst=True)


MIGRATIONS[39] = _mark_stored_late


def _keep_discount_statements(conn: Connection) -> None:
    """Each volume discount's statement kept with its settlement (`volume_settlements.statement`),
    so it prints again as issued; settlements stored before keep none (NULL)."""
    _add_columns(conn, "volume_settlements", {"statement": "TEXT"})


MIGRATIONS[40] = _keep_discount_statements


def _keep_what_holds_lack(conn: Connection) -> None:
    """Each item a hold is short of keeps how much the order lacks of it (`hold_items.lacks`).
    The holds kept before have none (NULL) and wake on any of their items freed, as before."""
    _add_columns(conn, "hold_items", {"lacks": "BIGINT"})


MIGRATIONS[41] = _keep_what_holds_lack


def _invoice_lines_in_parts(conn: Connection) -> None:
    """A DDT line crossing a letter of intent's ceiling is invoiced as two lines, its part within
    and the rest with VAT (`invoice_lines.part`), so the unique key is (`delivery_line_id`,
    `part`) where it was `delivery_line_id` alone. PostgreSQL drops the one constraint and adds
    the column and index. SQLite kept the old key inside its `CREATE TABLE`, which no ALTER
    removes nor a schema edit safely takes away: its invoice lines move to a table made anew
    with the same rows, ids and indexes (`_invoice_lines_anew`), as migration 5's did. Skipped
    when done, so an interrupted migration runs again."""
    found = inspect(conn)
    has_part = any(c["name"] == "part" for c in found.get_columns("invoice_lines"))
    alone = [u for u in found.get_unique_constraints("invoice_lines") if u["column_names"] == ["delivery_line_id"]]
    if conn.dialect.name != "sqlite":
        for constraint in alone:
            conn.execute(text(f'ALTER TABLE invoice_lines DROP CONSTRAINT "{constraint["name"]}"'))
        _add_columns(conn, "invoice_lines", {"part": "INTEGER NOT NULL DEFAULT 0"})
        schema.invoiced_once_index.create(conn, checkfirst=True)
        return
    if has_part and not alone:
        schema.invoiced_once_index.create(conn, checkfirst=True)
        return
    _invoice_lines_anew(conn, "invoice_lines_v41")


MIGRATIONS[42] = _invoice_lines_in_parts


def _add_commission_settlements(conn: Connection) -> None:
    """Agents' commissions settled for a period, each with its statement as printed."""
    schema.commission_settlements.create(conn, checkfirst=True)


MIGRATIONS[43] = _add_commission_settlements


def _index_counts_seen(conn: Connection) -> None:
    """The stock counts a ship run met are found by their day (`schema.counts_seen_index`), not
    by reading the event log whole."""
    schema.counts_seen_index.create(conn, checkfirst=True)


MIGRATIONS[44] = _index_counts_seen


def _add_shipped_with(conn: Connection) -> None:
    """The DDT each line billed at the order left with, when the order issued both at once
    (`invoice_lines.shipped_with`): empty on the invoices issued before, which cited none."""
    _add_columns(conn, "invoice_lines", {"shipped_with": "INTEGER"})


MIGRATIONS[45] = _add_shipped_with


def _keep_languages(conn: Connection) -> None:
    """Each order, DDT and invoice keeps the language it was issued in (`lang`), which its
    reprints speak: empty on the documents issued before, reprinted in the run's language."""
    for table in ("orders", "deliveries", "invoices"):
        _add_columns(conn, table, {"lang": "VARCHAR(2)"})


MIGRATIONS[46] = _keep_languages


def _keep_files_written(conn: Connection) -> None:
    """Each invoice's e-invoice file keeps when it was first written (`einvoice_files.written_at`),
    not only its drawn name: an export the checks refused drew it too. The files named before
    are taken as written when their name was drawn, as nearly all were."""
    _add_columns(conn, "einvoice_files", {"written_at": "TIMESTAMP"})
    f = schema.einvoice_files.c
    conn.execute(update(schema.einvoice_files).where(f.invoice_id.is_not(None), f.written_at.is_(None))
                 .values(written_at=f.created_at))


MIGRATIONS[47] = _keep_files_written


def _guard_credits_and_index_cuts(conn: Connection) -> None:
    """A return's order line is credited at the order once (`schema.credited_once_index`): the two
    sides of a letter of intent's ceiling stored before as part 0 both are told apart first, and a
    ledger holding a second credit already is refused naming it, nothing written
    (`credited_twice`). The cuts the event log holds get their index (`schema.cuts_index`)."""
    credited_twice.part_beyond_the_ceiling(conn)
    if found := credited_twice.credited_twice(conn):
        url = conn.engine.url
        where = url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)
        raise UnusableInput(credited_twice.told(found, str(where)))
    schema.credited_once_index.create(conn, checkfirst=True)
    schema.cuts_index.create(conn, checkfirst=True)


MIGRATIONS[48] = _guard_credits_and_index_cuts


def version(conn: Connection) -> int | None:
    """The ledger's schema version, None when it has no schema yet (nor its version row: SQLite
    can show a table of a creation rolled back a moment ago, before its hot journal is undone)."""
    if not inspect(conn).has_table("schema_version"):
        return None
    return conn.execute(select(schema.schema_version.c.version)).scalar_one_or_none()


def _upgrade(ledger: Ledger) -> int | None:
    """Check the version without a lock (a PostgreSQL server's first: `server_version`); take
    the write lock only when there is work to do. The version upgraded from, as found under the
    lock (a colleague's toolkit may have upgraded it meanwhile), or None: nothing to upgrade, or
    a new PostgreSQL ledger made."""
    with reading(ledger) as conn:
        if not ledger.is_sqlite:
            server_version.refuse_older(conn, ledger.url)
        found = version(conn)
    if found is not None and found > schema.SCHEMA_VERSION:
        raise UnusableInput(LEDGER_NEWER(None, url=ledger.url, found=found, supported=schema.SCHEMA_VERSION))
    if found == schema.SCHEMA_VERSION:
        return None
    with _locked(ledger) as conn:
        found = version(conn)
        _create_or_upgrade(ledger, conn)
    return found if found is not None and found < schema.SCHEMA_VERSION else None


def _create_or_upgrade(ledger: Ledger, conn: Connection) -> int:
    """Bring the ledger's schema to this toolkit's version, under the write lock. A SQLite file
    gets its schema before it has the ledger's name (`_create_file`), never here: one found
    without any is empty, refused rather than started afresh."""
    found = version(conn)
    if found is None and inspect(conn).get_table_names():
        raise UnusableInput(LEDGER_OF_ANOTHER_PROGRAM(None, path=conn.engine.url.database))
    if found is None and ledger.file is not None:
        raise UnusableInput(LEDGER_EMPTY(None, path=ledger.file))
    if found is None:
        return _create(conn)
    if found > schema.SCHEMA_VERSION:
        raise UnusableInput(LEDGER_NEWER(None, url=ledger.url, found=found, supported=schema.SCHEMA_VERSION))
    if not ledger.is_sqlite:
        lock.unbound_lock_waits(conn)
    for step in range(found + 1, schema.SCHEMA_VERSION + 1):
        MIGRATIONS[step](conn)
        conn.execute(update(schema.schema_version).values(version=step))
    return schema.SCHEMA_VERSION


def _create(conn: Connection) -> int:
    """The schema of a new ledger, at the latest version."""
    schema.metadata.create_all(conn)
    conn.execute(insert(schema.schema_version).values(version=schema.SCHEMA_VERSION))
    return schema.SCHEMA_VERSION


def migrate(ledger: Ledger) -> int:
    """Create or upgrade the ledger's schema now, under the write lock."""
    with _locked(ledger) as conn:
        return _create_or_upgrade(ledger, conn)


@lru_cache(maxsize=1)
def user() -> str:
    """The OS login that signs the event log (asked once per process: it is asked per event)."""
    try:
        return getpass.getuser()
    except Exception:  # no login name in some service accounts and containers
        return os.environ.get("USERNAME") or os.environ.get("USER") or "unknown"


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _next_numbers(conn: Connection, series: str, year: int, count: int) -> range:
    """The next `count` (at least one) progressive numbers of a series in a year, drawn at once:
    a batch of documents costs two statements, not two per document."""
    c = schema.counters.c
    last = conn.execute(select(c.last).where(c.series == series, c.year == year)).scalar_one_or_none()
    if last is None:
        conn.execute(insert(schema.counters).values(series=series, year=year, last=count))
        return range(1, count + 1)
    conn.execute(update(schema.counters).where(c.series == series, c.year == year).values(last=last + count))
    return range(last + 1, last + count + 1)


def draw_numbers(conn: Connection, keys: Sequence[tuple[str, int]]) -> list[int]:
    """The next progressive number for each document, given its (series, year), in the order of
    `keys`, inside the caller's transaction (a failed action leaves no gap)."""
    positions: dict[tuple[str, int], list[int]] = defaultdict(list)
    for position, key in enumerate(keys):
        positions[key].append(position)
    numbers = [0] * len(keys)
    for (series, year), taken in positions.items():
        for position, number in zip(taken, _next_numbers(conn, series, year, len(taken))):
            numbers[position] = number
    return numbers


def insert_rows(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows, all with the same keys, in one executemany at the driver level
    (`insert_columns`). Rows carry every column they need: column defaults are not applied."""
    if rows:
        insert_columns(conn, table, {k: [r[k] for r in rows] for k in rows[0]})


def insert_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[Any]]) -> None:
    """Insert many rows given column by column (equal lengths), in one executemany at the
    driver level: a day's tens of thousands of order lines need no dictionary each.

    SQLAlchemy builds and converts each row's parameters on its own, which took longer than the
    database's own work for a day's thousands of order lines; here each column's conversion is
    looked up once and the driver gets the rows as they are. Column defaults are not applied.
    On PostgreSQL the rows go in by COPY (`copy_in.copy_rows`).
    """
    if not columns or not len(next(iter(columns.values()))):
        return
    dialect = conn.dialect
    converted: dict[str, Sequence[Any]] = {}
    for k, values in columns.items():
        column_type = table.c[k].type
        process = column_type.dialect_impl(dialect).bind_processor(dialect)
        if process is None:
            converted[k] = values
        elif isinstance(column_type, Scaled):
            converted[k] = list(map(ScaledBinds(process).__getitem__, values))
        else:
            converted[k] = _bound(process, values)
    if copy_in.is_postgresql(conn):
        copy_in.copy_rows(conn, table, list(converted), zip(*converted.values()))
        return
    _insert_flat(conn, table, list(converted), _interleaved(list(converted.values())))


SQLITE_PARAMETERS = 999
"""The parameters one SQLite statement takes on every build (`SQLITE_MAX_VARIABLE_NUMBER`
before SQLite 3.32; later builds, and Python's on Windows, take more)."""

BLOCKS_PER_CALL = 64
"""The blocks of rows one executemany of `insert_in_blocks` is handed (about 64,000
parameters): a month end's 313,000 invoice lines at L are taken that many blocks at a time as
they are made, where the rows, one flat list of their 4.4 million values and the blocks' tuples
copied from it were all held at once before the first statement (125 MiB of the run's peak)."""


def insert_in_blocks(conn: Connection, table: Table, keys: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert `rows` (each value as the driver takes it, in the order of `keys`) on SQLite as
    statements of many rows each (`INSERT … VALUES (…), (…), …`, up to `SQLITE_PARAMETERS`
    parameters), every full block by executemany and the rest in one statement.

    An executemany of one row a statement has SQLite reset the statement and bind and step it
    once per row: at L a date's 52,910 order lines took 0.156 s of CPU that way and 0.112 s in
    blocks of 83 rows (fastest of 7, the same rows on the same ledger, each rolled back); the
    rows go in in the same order, so they take the same ids. `rows` may be made as they go
    (an iterator): they are taken `BLOCKS_PER_CALL` blocks at a time, never held whole."""
    per = max(1, SQLITE_PARAMETERS // len(keys))
    given = iter(rows)
    while stretch := list(chain.from_iterable(islice(given, per * BLOCKS_PER_CALL))):
        _insert_flat(conn, table, keys, stretch)


def _interleaved(columns: Sequence[Sequence[Any]]) -> list[Any]:
    """Columns of equal length as one list of their values row after row, each column put in
    place by one slice assignment, without a tuple per row: the parameters of a date's 52,910
    order lines at L take 0.012 s of CPU, against 0.040 s zipped into rows and chained again
    for each block.

    >>> _interleaved([[1, 2], ["a", "b"]])
    [1, 'a', 2, 'b']
    """
    width = len(columns)
    flat: list[Any] = [None] * (width * len(columns[0]))
    for at, column in enumerate(columns):
        flat[at::width] = column
    return flat


def _insert_flat(conn: Connection, table: Table, keys: Sequence[str], flat: list[Any]) -> None:
    """`insert_in_blocks` of rows given as one list of their values, row after row: each block's
    parameters one slice of it, sliced `BLOCKS_PER_CALL` blocks at a time."""
    quoted = conn.dialect.identifier_preparer
    head = f"INSERT INTO {quoted.format_table(table)} ({', '.join(quoted.format_column(table.c[k]) for k in keys)}) VALUES "
    one = f"({', '.join('?' * len(keys))})"
    per = max(1, SQLITE_PARAMETERS // len(keys))
    count = len(flat) // len(keys)
    size, whole = per * len(keys), (count - count % per) * len(keys)
    if whole:
        blocks, stride = head + ", ".join([one] * per), size * BLOCKS_PER_CALL
        for start in range(0, whole, stride):
            conn.exec_driver_sql(blocks, [tuple(flat[i:i + size]) for i in range(start, min(whole, start + stride), size)])
    if whole < len(flat):
        conn.exec_driver_sql(head + ", ".join([one] * (count % per)), tuple(flat[whole:]))


def add_by_id(conn: Connection, column: Column[Any], increments: Mapping[int, int]) -> None:
    """Add to `column` (a `Scaled` column, as the integer it stores) of each row, by id, its
    integer in `increments`: one UPDATE compiled once and executed for every row at the driver
    level. A day at L grows tens of thousands of order lines' kept shipped figures: with
    SQLAlchemy building and converting each row's parameters that took 0.84 s of CPU over five
    days at L (`ship_days`), this way 0.47 s. On PostgreSQL, one UPDATE over arrays
    (`copy_in.add_by_id`)."""
    if not increments:
        return
    if copy_in.is_postgresql(conn):
        copy_in.add_by_id(conn, column, increments)
        return
    table = column.table
    more, row = bindparam("more", type_=BigInteger), bindparam("row", type_=BigInteger)
    compiled = (update(table).where(table.c.id == row)
                .values({column.name: type_coerce(column, BigInteger) + more}).compile(dialect=conn.dialect))
    _execute_many(conn, compiled, {"more": list(map(int, increments.values())), "row": list(map(int, increments))})


def _execute_many(conn: Connection, compiled: Any, columns: Mapping[str, Sequence[Any]]) -> None:
    """Run `compiled` once per row of `columns` (its parameters' values, already as the driver
    takes them, by parameter name) in one executemany at the driver level, in the order or
    by the names the dialect compiled the statement with."""
    arranged = _as_the_driver_takes(compiled.positiontup if compiled.positional else None, columns)
    if isinstance(arranged, Mapping):
        params: list[tuple[Any, ...]] | list[dict[str, Any]] = [
            dict(zip(arranged, values)) for values in zip(*arranged.values())]
    else:
        params = list(zip(*arranged))
    conn.exec_driver_sql(str(compiled), params)


def _as_the_driver_takes(positions: Sequence[str] | None, by_name: Mapping[str, T]) -> list[T] | Mapping[str, T]:
    """A statement's parameters (their values, or columns of values), given by name, as the
    driver takes them: in the order the dialect compiled them (`positions`) when its paramstyle
    is positional (SQLite's `?`), else by name (psycopg's `%(name)s`)."""
    return by_name if positions is None else [by_name[k] for k in positions]


def driver_rows(conn: Connection, statement: Select[Any], params: Mapping[str, Any] | None = None
                ) -> Iterator[tuple[Any, ...]]:
    """The rows of `statement` as plain tuples, each value as `conn.execute(statement)` gives it,
    read from the driver's cursor: the statement is compiled once per dialect and kept, and
    only the columns whose type converts what the driver returns (dates on SQLite, `Scaled`
    decimals, booleans) go through their type's result processor, a column at a time.

    SQLAlchemy makes a `Row` of each row and looks at each value on its way out, and expands
    an `IN` list again at every call (here once per length of the lists, `_Prepared._expand`).
    The reads of shipping's reservations on the day after April at L (567,000 rows of plain
    integers and strings, `ledger.orders._held_rows` and the holders' ranks, then read apart)
    took 2.71 s of CPU that way and 2.38 s here, its open lines (`ledger.shipments.open_lines`)
    0.78 and 0.57 s (fresh processes of `ship_backlog`, alternated, medians of 3). Reads of a
    few thousand rows, whose time is the database's, gain nothing measurable and stay with
    SQLAlchemy. The statement is
    executed now, inside the connection's transaction (begun if it was not); the rows are
    fetched as they are iterated, in batches.

    `statement` is kept as the key of its compiled form: build it once (a module-level
    constant or a cached builder) and give what changes from call to call as `params`, by
    the names of its `bindparam`s (`expanding=True` ones take a list: an `IN`).
    """
    prepared = _prepared(statement, conn.dialect)
    sql, parameters = prepared.bound(params or {})
    if not conn.in_transaction():
        conn.begin()
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        cursor.execute(sql, parameters)
    except conn.dialect.loaded_dbapi.Error as exc:
        cursor.close()
        raise DBAPIError.instance(sql, parameters, exc, conn.dialect.loaded_dbapi.Error) from exc
    except BaseException:
        cursor.close()
        raise
    return _fetched(cursor, prepared.processors(tuple(column[1] for column in cursor.description)))


DRIVER_BATCH = 10_000
"""Rows fetched from the driver's cursor at a time by `driver_rows`."""


def _fetched(cursor: Any, processors: Sequence[tuple[int, Callable[[Any], Any]]]) -> Iterator[tuple[Any, ...]]:
    """The cursor's rows, converted, one batch after another: chained rather than yielded one
    by one by a generator, which handing on the 567,000 rows of `ledger.orders._held_rows`
    (April's final ledger at L, the collector paused) took 1.31 s of CPU against 1.20 s
    chained (medians of 4, alternated)."""
    return chain.from_iterable(_batches(cursor, processors))


def _batches(cursor: Any, processors: Sequence[tuple[int, Callable[[Any], Any]]]) -> Iterator[Iterable[tuple[Any, ...]]]:
    """The cursor's rows a batch at a time, each column with a processor converted; the cursor
    is closed when they are all read (or the reader is dropped)."""
    try:
        while batch := cursor.fetchmany(DRIVER_BATCH):
            if not processors:
                yield batch
                continue
            columns: list[Iterable[Any]] = list(zip(*batch))
            for position, process in processors:
                columns[position] = map(process, columns[position])
            yield zip(*columns)
    finally:
        cursor.close()


@dataclass(frozen=True)
class _Expanded:
    """A prepared statement's SQL for given lengths of its `IN` lists, and where each of the
    driver's parameters comes from."""

    sql: str
    sources: tuple[tuple[str, int | None], ...]
    """Per driver parameter: the name of a parameter given to `driver_rows` (and the index in
    its list, for an `IN` list's element), or of a value the statement carries (`fixed`)."""
    names: tuple[str, ...] | None
    """The driver's parameter names (psycopg's `%(name)s`); None when positional (SQLite's `?`)."""
    processors: tuple[Callable[[Any], Any] | None, ...]
    fixed: Mapping[str, Any]
    """The values the statement carries itself (its literals), by parameter name."""


@dataclass(frozen=True)
class _Prepared:
    """A statement compiled for one dialect, with what turns parameters into the driver's and
    the driver's values into what SQLAlchemy would give."""

    compiled: Any
    dialect: Dialect
    types: tuple[TypeEngine[Any], ...]
    binds: Mapping[str, Callable[[Any], Any]]
    expanding: tuple[str, ...]
    _expanded: dict[tuple[tuple[str, int], ...], _Expanded] = field(default_factory=dict)
    _processors: dict[tuple[Any, ...], list[tuple[int, Callable[[Any], Any]]]] = field(default_factory=dict)

    def bound(self, params: Mapping[str, Any]) -> tuple[str, Any]:
        """The SQL (its `IN` lists expanded) and the parameters, converted, as the driver takes them."""
        lengths = tuple((name, len(params[name])) for name in self.expanding if name in params)
        expanded = self._expanded.get(lengths) or self._expand(params, lengths)
        given = {**expanded.fixed, **params}
        values = [given[name] if index is None else given[name][index] for name, index in expanded.sources]
        values = [v if process is None else process(v) for v, process in zip(values, expanded.processors)]
        return expanded.sql, values if expanded.names is None else dict(zip(expanded.names, values))

    def _expand(self, params: Mapping[str, Any], lengths: tuple[tuple[str, int], ...]) -> _Expanded:
        """The SQL and the parameters' sources for these lengths of the `IN` lists, as SQLAlchemy
        expands them, kept: a list of 900 order ids is expanded once, not for each batch
        (`ledger.shipments.open_lines` asks in 900s for tens of thousands of orders at L)."""
        state = self.compiled.construct_expanded_state(params, escape_names=False)
        element = {expanded: (name, index) for name, names in state.parameter_expansion.items()
                   for index, expanded in enumerate(names)}
        processors = {**self.binds, **state.processors}
        arranged = _as_the_driver_takes(state.positiontup if self.compiled.positional else None,
                                        {key: key for key in state.parameters})
        keys = list(arranged)
        sources = [given if (given := element.get(key, (key, None)))[0] in params else (key, None) for key in keys]
        expanded = _Expanded(
            state.statement, tuple(sources), tuple(keys) if isinstance(arranged, Mapping) else None,
            tuple(processors.get(key) for key in keys),
            {key: state.parameters[key] for key, (name, _) in zip(keys, sources) if name not in params})
        self._expanded[lengths] = expanded
        return expanded

    def processors(self, driver_types: tuple[Any, ...]) -> list[tuple[int, Callable[[Any], Any]]]:
        """(position, result processor) of the columns that have one, for the driver's column
        types (psycopg's type codes; SQLite gives none)."""
        if (known := self._processors.get(driver_types)) is not None:
            return known
        if len(driver_types) != len(self.types):
            raise ValueError(f"the driver returned {len(driver_types)} columns, the statement selects {len(self.types)}")
        found: list[tuple[int, Callable[[Any], Any]]] = [
            (position, process) for position, (kind, coltype) in enumerate(zip(self.types, driver_types))
            if (process := kind.dialect_impl(self.dialect).result_processor(self.dialect, coltype)) is not None]
        self._processors[driver_types] = found
        return found


@lru_cache(maxsize=256)
def _prepared(statement: Select[Any], dialect: Dialect) -> _Prepared:
    """`statement` compiled for `dialect`, kept: see `driver_rows`."""
    compiled = statement.compile(dialect=dialect)
    if compiled.escaped_bind_names:
        raise ValueError(f"driver_rows: bound parameter names that need escaping: {sorted(compiled.escaped_bind_names)}")
    if compiled.literal_execute_params:
        raise ValueError("driver_rows: literal_execute parameters are not supported")
    binds = {name: process for name, bind in compiled.binds.items()
             if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None}
    expanding = tuple(sorted(name for name, bind in compiled.binds.items() if bind.expanding))
    return _Prepared(compiled, dialect, tuple(column.type for column in statement.selected_columns), binds, expanding)


def _bound(process: Callable[[Any], Any], values: Sequence[Any]) -> list[Any]:
    """`process` of each value (None stays None), worked out again only when the value is not
    the very object the row before had: a batch's rows share one timestamp and a few dates, and
    the same object always gives the same result."""
    out: list[Any] = []
    last: Any = None
    done: Any = None
    for v in values:
        if v is not last:
            last, done = v, None if v is None else process(v)
        out.append(done)
    return out


def insert_numbered(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert numbered documents (rows with series, year and number) and return their ids in
    the rows' order: the number identifies a document, so one query per series and year reads
    the ids back, where RETURNING cost a statement's worth of work per row."""
    insert_rows(conn, table, rows)
    return _numbered_ids(conn, table, [(r["series"], r["year"], r["number"]) for r in rows])


def insert_numbered_columns(conn: Connection, table: Table, columns: Mapping[str, Sequence[Any]]) -> list[int]:
    """`insert_numbered` of documents given column by column (`insert_columns`), series, year
    and number among them: a day's thousands of orders need no dictionary each."""
    insert_columns(conn, table, columns)
    return _numbered_ids(conn, table, list(zip(columns["series"], columns["year"], columns["number"])))


def _numbered_ids(conn: Connection, table: Table, keys: Sequence[tuple[str, int, int]]) -> list[int]:
    """The ids of the documents just stored with these (series, year, number), in their order."""
    wanted: dict[tuple[str, int], list[int]] = defaultdict(list)
    for series, year, number in keys:
        wanted[series, year].append(number)
    c = table.c
    ids: dict[tuple[str, int, int], int] = {}
    for (series, year), numbers in wanted.items():
        found = conn.execute(select(c.id, c.number).where(c.series == series, c.year == year,
                                                          c.number.between(min(numbers), max(numbers))))
        ids.update(((series, year, number), id_) for id_, number in found)
    return [ids[key] for key in keys]


def log_event(conn: Connection, action: str, document: str, document_id: int | None = None,
              number: str | None = None, detail: str | None = None) -> None:
    """The event log: who (OS user), when (UTC), what, on which document."""
    log_events(conn, [event_row(action, document, document_id, number, detail)])


def event_row(action: str, document: str, document_id: int | None = None, number: str | None = None,
              detail: str | None = None) -> dict[str, object]:
    return dict(at=now(), by=user(), action=action, document=document, document_id=document_id,
                number=number, detail=detail)


def log_events(conn: Connection, events: Sequence[Mapping[str, Any]]) -> None:
    insert_rows(conn, schema.events, events)


def log_batch(conn: Connection, action: str, documents: Sequence[str], document_ids: Sequence[int],
              numbers: Sequence[str], details: Sequence[str]) -> None:
    """One action on a batch of documents stored in one transaction (a day's orders, a run's
    invoices), in the event log, signed and timed once for the batch: its events go to the
    database as columns (`insert_columns`), and the one timestamp is converted for the driver
    once, not once per event as `event_row` made it."""
    count = len(document_ids)
    insert_columns(conn, schema.events, dict(
        at=[now()] * count, by=[user()] * count, action=[action] * count, document=documents,
        document_id=document_ids, number=numbers, detail=details))


def document_number(series: str, year: int, number: int) -> str:
    """How a number is shown and printed.

    >>> document_number("OC", 2026, 7)
    'OC-2026-00007'
    """
    return f"{series}-{year}-{number:05d}"


def series_in(conn: Connection, table: Table) -> list[str]:
    """The series `table`'s documents are numbered in, a few at most, each found by one step
    of the number's unique index (a loose index scan), not by reading every document."""
    column = table.c.series
    found: list[str] = []
    while (after := conn.execute(select(func.min(column)).where(column > found[-1]) if found
                                 else select(func.min(column))).scalar()) is not None:
        found.append(after)
    return found


def bare_number(typed: str) -> int | None:
    """A number typed alone, `47`, without series or year; None for anything else.

    >>> bare_number(" 47 "), bare_number("47/2026"), bare_number("1234567890")
    (47, None, None)
    """
    text = typed.strip()
    return int(text) if text.isdigit() and len(text) <= 9 else None


def years_numbered(conn: Connection, table: Table) -> list[tuple[str, int]]:
    """The (series, year) pairs `table`'s documents are numbered in, the latest year first, as
    the counters keep them: where a number typed alone, `47`, may be. In January it names this
    year's document 47 and last year's, so the caller shows both rather than saying there is
    no 47 (a number the ledger has in one year only is that document)."""
    series = series_in(conn, table)
    c = schema.counters.c
    rows = conn.execute(select(c.series, c.year).where(c.series.in_(series), c.year > 0)).all()
    return sorted(((r.series, r.year) for r in rows), key=lambda k: (-k[1], series.index(k[0])))


def series_typed(conn: Connection, table: Table, typed: str | None) -> list[str]:
    """The series of `table` a typed number may be in: its own in any case (`oc` is OC), or
    every one the ledger numbers these documents in when it has none (`7/2026`)."""
    return [s for s in series_in(conn, table) if typed is None or s.upper() == typed]
