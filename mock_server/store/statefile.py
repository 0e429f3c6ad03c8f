"""A durable state file: the whole mock in SQLite (standard library ``sqlite3``).

Each account is one row of JSON; the scenario, the clock and the fault rules sit
in a small key-value table, and every row carries a checksum of its contents
(``rows``). After every API request the accounts it changed are rewritten in one
transaction, before the response leaves, so a ``kill -9`` loses no answered
request and leaves nothing half-applied. The rollback journal is used rather than
WAL: every commit lands in the one file, so a copy of it, or damage to it, is
all there is to see. A write that fails raises :class:`CommitFailed`; the caller
rolls memory back to what was last committed, which this object keeps a copy of
(so a rollback never depends on reading back a file that just failed).

Opening is careful: a file is identified by its header before SQLite opens it,
and read and checked whole before anything is written to it, so refusing
another program's database, a newer file or a damaged one changes nothing on
disk. One process owns a state file at a time: it holds an advisory lock on the
database file itself, so two paths to one file (a symbolic or a hard link) meet
the same lock, and the operating system drops it when its holder dies. Each
commit first checks the file is still the one it opened and that nobody else
wrote to it since (SQLite's own change counter, in the header).
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from registrar_mock.model.records import Account
from registrar_mock.store import rows, snapshot
from registrar_mock.store.rows import StateFileError, StoredState, row_digest

SCHEMA_VERSION = 2
APPLICATION_ID = 0x52474D4B  # "RGMK": marks a SQLite file as ours
SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_PAGES = 4294967294  # SQLite's own ceiling: "no limit"
CHANGE_COUNTER = slice(24, 28)  # in the header: bumped by every write transaction
UNTOUCHED = "it was left untouched: move it aside or choose another --state-file"

__all__ = ["CommitFailed", "StateFile", "StateFileError", "StoredState", "row_digest"]


class CommitFailed(Exception):
    """A write to the state file that did not happen (disk full, file gone, read-only)."""


def _add_digests(db: sqlite3.Connection) -> None:
    """Version 2: a checksum beside every row."""
    for table, key, value in (("accounts", "id", "state"), ("meta", "key", "value")):
        db.execute(f"ALTER TABLE {table} ADD COLUMN digest TEXT NOT NULL DEFAULT ''")
        found = db.execute(f"SELECT {key}, {value} FROM {table}").fetchall()
        updates = [(row_digest(name, text), name) for name, text in found]
        db.executemany(f"UPDATE {table} SET digest = ? WHERE {key} = ?", updates)


# Each step upgrades a file from the version before it; add one per schema change.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _add_digests}


class StateFile:
    def __init__(
        self, path: Path, real: Path, db: sqlite3.Connection, lock: int, stored: StoredState | None
    ) -> None:
        self.path = path
        self._real = real
        self._db = db
        self._lock = lock
        self._stored = stored
        self._identity = self._observe()
        # What the last commit left in the file, row by row, as the JSON written.
        self._meta: dict[str, str] = rows.meta_rows(db, SCHEMA_VERSION) if stored else {}
        self._accounts: dict[str, str] = {}
        for item in stored.accounts if stored else ():
            self._accounts[item.key] = json.dumps(snapshot.dump_account(item))

    @classmethod
    def open(cls, path: str | Path, *, max_bytes: int | None = None) -> StateFile:
        path = Path(path)
        real = Path(os.path.realpath(path))
        lock, new = _acquire(path, real)
        try:
            stored = None
            if new:
                db = _connect(path, real, new=True)
            else:
                version = _check_header(path, lock)
                if _sidecars(real):
                    # A journal beside it: opening it would replay the journal into it, so
                    # a copy is recovered, and checked, first.
                    _check_recovered_copy(path, real)
                else:  # read and check it all before writing anything
                    stored = rows.read(path, _read_only(path, real), version)
                db = _connect(path, real, new=False)
                if stored is None or version < SCHEMA_VERSION:
                    _migrate(path, db)
                    stored = rows.read(path, db, SCHEMA_VERSION)
            state = cls(path, real, db, lock, stored)
            if max_bytes is not None:
                state.set_size_limit(max_bytes)
        except BaseException:
            os.close(lock)
            if new:
                Path(real).unlink(missing_ok=True)  # ours, half made: nothing to keep
            raise
        return state

    def close(self) -> None:
        self._db.close()
        os.close(self._lock)

    def set_size_limit(self, max_bytes: int | None) -> None:
        """Let the file grow to about ``max_bytes`` (None: no limit); past it, writes fail."""
        if max_bytes is None:
            pages = MAX_PAGES
        else:
            page_size = self._db.execute("PRAGMA page_size").fetchone()[0]
            pages = max(1, math.ceil(max_bytes / page_size))
        self._db.execute(f"PRAGMA max_page_count = {int(pages)}")

    # --- reading ------------------------------------------------------------

    def load(self) -> StoredState | None:
        """What the file held when it was opened (checked whole), or None for a new one."""
        return self._stored

    def committed(self, ids: Iterable[str]) -> dict[str, Account]:
        """The committed versions of these accounts (those saved), for a rollback."""
        return {
            key: rows.account(self._accounts[key], f"account {key}")
            for key in ids
            if key in self._accounts
        }

    def committed_state(self) -> StoredState | None:
        """Everything committed, for a rollback of a whole change; None before the first."""
        if "scenario" not in self._meta:
            return None
        accounts = [rows.account(text, f"account {key}") for key, text in self._accounts.items()]
        return StoredState(
            json.loads(self._meta["scenario"]),
            rows.clock_of(self._meta),
            rows.faults_of(self._meta),
            accounts,
        )

    # --- writing ------------------------------------------------------------

    def save(
        self,
        *,
        accounts: Iterable[Account] = (),
        clock: str | None = None,
        faults: list[dict[str, Any]] | None = None,
        scenario: dict[str, Any] | None = None,
        replace_all: bool = False,
    ) -> None:
        """Write what changed, all in one transaction; raises CommitFailed if it can't."""
        account_rows = []
        for item in accounts:
            text = json.dumps(snapshot.dump_account(item))
            account_rows.append((item.key, text, row_digest(item.key, text)))
        meta: list[tuple[str, str, str]] = []
        for key, value, given in (
            ("scenario", scenario, scenario is not None or replace_all),
            ("clock", clock, clock is not None),
            ("faults", faults, faults is not None),
        ):
            if given:
                text = json.dumps(value)
                meta.append((key, text, row_digest(key, text)))
        if not account_rows and not meta and not replace_all:
            return
        self._check_identity()
        try:
            with self._db:  # one transaction: all of it or none of it
                if replace_all:
                    self._db.execute("DELETE FROM accounts")
                self._db.executemany(
                    "INSERT INTO accounts (id, state, digest) VALUES (?, ?, ?) ON CONFLICT(id) "
                    "DO UPDATE SET state = excluded.state, digest = excluded.digest",
                    account_rows,
                )
                self._db.executemany(
                    "INSERT INTO meta (key, value, digest) VALUES (?, ?, ?) ON CONFLICT(key) "
                    "DO UPDATE SET value = excluded.value, digest = excluded.digest",
                    meta,
                )
        except sqlite3.Error as exc:
            reason = rows.plain(str(exc))
            raise CommitFailed(f"{self.path} could not be written ({reason})") from None
        self._identity = self._observe()
        if replace_all:
            self._accounts.clear()
        self._accounts.update((key, text) for key, text, _ in account_rows)
        self._meta.update((key, text) for key, text, _ in meta)

    def _observe(self) -> tuple[int, int, int, int, bytes]:
        """What identifies the file as this process last left it: device and inode, and
        its size, modification time and SQLite change counter after the last commit."""
        info = os.fstat(self._lock)
        counter = os.pread(self._lock, CHANGE_COUNTER.stop, 0)[CHANGE_COUNTER]
        return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, counter)

    def _check_identity(self) -> None:
        """The file must still be the one opened, written by nobody else since: through
        SQLite (the change counter), or byte by byte (its size or modification time)."""
        try:
            info = os.stat(self._real)
        except OSError:
            raise CommitFailed(f"{self.path} was deleted while the server ran") from None
        if (info.st_dev, info.st_ino) != self._identity[:2]:
            raise CommitFailed(f"{self.path} was replaced by another file while the server ran")
        if self._observe() != self._identity:
            raise CommitFailed(f"{self.path} was changed by another program while the server ran")


SIDECARS = ("-journal", "-wal", "-shm")


def _sidecars(real: Path) -> list[Path]:
    """SQLite's journal files beside the database that a crash may have left."""
    return [found for end in SIDECARS[:2] if (found := Path(f"{real}{end}")).exists()]


def _check_recovered_copy(path: Path, real: Path) -> None:
    """Recover a copy of the file with its journal, and check the copy, so that refusing
    the file leaves it and its journal as they were."""
    with tempfile.TemporaryDirectory(prefix="registrar-mock-") as folder:
        copy = Path(folder) / "state.sqlite"
        shutil.copyfile(real, copy)
        for sidecar in _sidecars(real):
            shutil.copyfile(sidecar, f"{copy}{sidecar.name.removeprefix(real.name)}")
        try:
            db = sqlite3.connect(copy)
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                application = db.execute("PRAGMA application_id").fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise rows.damaged(path, f"SQLite: {exc}") from None
        if application != APPLICATION_ID:
            raise StateFileError(f"{path} is not a registrar-mock state file; {UNTOUCHED}")
        _check_version(path, version)
        rows.read(path, _read_only(path, copy), version)


def _acquire(path: Path, real: Path) -> tuple[int, bool]:
    """An open, exclusively locked descriptor of the database file; and whether it is new."""
    if real.name.endswith(SIDECARS) or path.name.endswith(SIDECARS):
        # SQLite keeps its journal beside a database under such a name, and would delete it.
        raise StateFileError(
            f"{path}: a state file's name must not end in -journal, -wal or -shm, which SQLite "
            "uses for the files it keeps beside a database"
        )
    try:
        # Non-blocking, so a FIFO (or a device) is refused rather than waited on.
        fd = os.open(real, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        try:
            fd = os.open(real, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StateFileError(f"{path}: cannot create it: {exc.strerror}") from None
        created = True
    except OSError as exc:
        raise StateFileError(f"{path}: cannot open it: {exc.strerror}") from None
    else:
        created = False
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise StateFileError(f"{path} is not a file; give --state-file the path of a file")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StateFileError(
            f"{path} is in use by another registrar-mock process; stop it or use another "
            "--state-file"
        ) from None
    empty = info.st_size == 0 and not any(
        Path(f"{real}{end}").exists() for end in ("-wal", "-journal")
    )
    return fd, created or empty


def _check_header(path: Path, fd: int) -> int:
    """The file's state version, if its header says it is ours; refused otherwise."""
    header = os.pread(fd, 100, 0)
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StateFileError(f"{path} is not a registrar-mock state file (nor SQLite); {UNTOUCHED}")
    if int.from_bytes(header[68:72], "big") != APPLICATION_ID:
        raise StateFileError(
            f"{path} is a SQLite database of another program, not a registrar-mock state file; "
            f"{UNTOUCHED}"
        )
    version = int.from_bytes(header[60:64], "big")
    _check_version(path, version)
    return version


def _check_version(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StateFileError(
            f"{path} was written by a newer registrar-mock (state version {version}; this one "
            f"reads up to {SCHEMA_VERSION}); upgrade registrar-mock or use another --state-file"
        )
    if version < 1:
        raise StateFileError(f"{path} is damaged (it names no state version); {UNTOUCHED}")


def _read_only(path: Path, real: Path) -> sqlite3.Connection:
    """A connection that can't write, nor make any file beside the database."""
    try:
        return sqlite3.connect(f"file:{quote(str(real))}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise rows.damaged(path, f"SQLite: {exc}") from None


def _connect(path: Path, real: Path, *, new: bool) -> sqlite3.Connection:
    try:
        # The default isolation level opens a transaction on the first write, and
        # `with connection:` commits it (or rolls it back) as one unit.
        db = sqlite3.connect(real, check_same_thread=False)
        db.execute("PRAGMA journal_mode=DELETE")
        # Every commit is written through before it returns: a kill -9 loses none.
        db.execute("PRAGMA synchronous=NORMAL")
        if new:
            _create(db)
    except sqlite3.Error as exc:
        raise StateFileError(
            f"{path} cannot be used as a state file (SQLite: {rows.plain(str(exc))})"
        ) from None
    return db


def _migrate(path: Path, db: sqlite3.Connection) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StateFileError(
            f"{path} was written by a newer registrar-mock (state version {version}; this one "
            f"reads up to {SCHEMA_VERSION}); upgrade registrar-mock or use another --state-file"
        )
    while version < SCHEMA_VERSION:
        migrate = MIGRATIONS.get(version + 1)
        if migrate is None:
            raise StateFileError(f"{path}: no migration from state version {version}")
        with db:
            migrate(db)
            db.execute(f"PRAGMA user_version = {version + 1}")
        version += 1


def _create(db: sqlite3.Connection) -> None:
    with db:
        db.execute(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL, digest TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE accounts (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            "id TEXT NOT NULL UNIQUE, state TEXT NOT NULL, digest TEXT NOT NULL)"
        )
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
