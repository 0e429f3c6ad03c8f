"""A durable state file: the whole mock in SQLite (standard library ``sqlite3``, WAL mode).

Each account is one row of JSON; the scenario, the clock and the fault rules sit
in a small key-value table, and every row carries a checksum of its contents.
After every API request the accounts it changed are rewritten in one
transaction, before the response leaves, so a ``kill -9`` loses no answered
request and leaves nothing half-applied. A write that fails raises
:class:`CommitFailed`; the caller rolls memory back to what the file holds.

Opening is careful: a file is identified by what it holds before SQLite touches
it (its header: an SQLite database carrying our application id and a version
this code reads), so refusing another program's database, a newer file or a
damaged one changes nothing on disk. One process owns a state file at a time: it
holds an advisory lock on the database file itself, so two paths to one file (a
symbolic or a hard link) meet the same lock, and the operating system drops it
when its holder dies, however it dies.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from registrar_mock.model.records import Account
from registrar_mock.store import snapshot

SCHEMA_VERSION = 2
APPLICATION_ID = 0x52474D4B  # "RGMK": marks a SQLite file as ours
SQLITE_MAGIC = b"SQLite format 3\x00"
MAX_PAGES = 4294967294  # SQLite's own ceiling: "no limit"


class StateFileError(Exception):
    """A state file that can't be used; the one-line message says why and what to do."""


class CommitFailed(Exception):
    """A write to the state file that did not happen (disk full, file gone, read-only)."""


@dataclass(frozen=True)
class StoredState:
    scenario: dict[str, Any] | None
    clock: datetime | None
    faults: list[dict[str, Any]]
    accounts: list[Account]


def row_digest(key: str, value: str) -> str:
    """The checksum kept beside each row: any change to a row's bytes is noticed on load."""
    data = f"{key}\0{value}".encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _add_digests(db: sqlite3.Connection) -> None:
    """Version 2: a checksum beside every row."""
    for table, key, value in (("accounts", "id", "state"), ("meta", "key", "value")):
        db.execute(f"ALTER TABLE {table} ADD COLUMN digest TEXT NOT NULL DEFAULT ''")
        rows = db.execute(f"SELECT {key}, {value} FROM {table}").fetchall()
        updates = [(row_digest(name, text), name) for name, text in rows]
        db.executemany(f"UPDATE {table} SET digest = ? WHERE {key} = ?", updates)


# Each step upgrades a file from the version before it; add one per schema change.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _add_digests}


class StateFile:
    def __init__(
        self, path: Path, real: Path, db: sqlite3.Connection, lock: int, identity: tuple[int, int]
    ) -> None:
        self.path = path
        self._real = real
        self._db = db
        self._lock = lock
        self._identity = identity

    @classmethod
    def open(cls, path: str | Path, *, max_bytes: int | None = None) -> StateFile:
        path = Path(path)
        real = Path(os.path.realpath(path))
        lock, new = _acquire(path, real)
        try:
            if not new:
                _check_before_opening(path, real, lock)
            db = _connect(path, real, new)
            info = os.fstat(lock)
            state = cls(path, real, db, lock, (info.st_dev, info.st_ino))
            if max_bytes is not None:
                state.set_size_limit(max_bytes)
        except BaseException:
            os.close(lock)
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
        """What the file holds, or None for a new, empty file; every row is checked."""
        try:
            meta = {key: value for key, value in self._rows("meta", "key", "value")}
            if "scenario" not in meta:
                return None
            accounts = [self._account(state, where) for where, state in self._account_rows()]
            snapshot.check_together(accounts, "account rows")
            scenario = json.loads(meta["scenario"])
            clock = json.loads(meta.get("clock", "null"))
            faults = json.loads(meta.get("faults", "[]"))
        except sqlite3.Error as exc:
            raise self._damaged(f"SQLite: {exc}") from None
        except (ValueError, snapshot.SnapshotError) as exc:
            raise self._damaged(str(exc).splitlines()[0]) from None
        if scenario is not None and not isinstance(scenario, dict):
            raise self._damaged("the saved scenario is not a scenario")
        if not isinstance(faults, list):
            raise self._damaged("the saved fault rules are not a list")
        return StoredState(scenario, self._clock(clock), faults, accounts)

    def reload(self, ids: Iterable[str]) -> dict[str, Account]:
        """The committed versions of these accounts (those the file holds), for a rollback."""
        wanted = set(ids)
        try:
            return {
                account.id: account
                for where, state in self._account_rows()
                if (account := self._account(state, where)).id in wanted
            }
        except (sqlite3.Error, ValueError) as exc:
            raise self._damaged(str(exc).splitlines()[0]) from None

    def reload_meta(self) -> tuple[datetime | None, list[dict[str, Any]]]:
        """The committed clock and fault rules, for a rollback."""
        try:
            meta = dict(self._rows("meta", "key", "value"))
            clock = json.loads(meta.get("clock", "null"))
            faults = json.loads(meta.get("faults", "[]"))
        except (sqlite3.Error, ValueError) as exc:
            raise self._damaged(str(exc).splitlines()[0]) from None
        if not isinstance(faults, list):
            raise self._damaged("the saved fault rules are not a list")
        return self._clock(clock), faults

    def _rows(self, table: str, key: str, value: str) -> list[tuple[str, str]]:
        rows = self._db.execute(f"SELECT {key}, {value}, digest FROM {table}").fetchall()
        for name, text, digest in rows:
            if not isinstance(name, str) or not isinstance(text, str):
                raise ValueError(f"a {table} row holds something other than text")
            if digest != row_digest(name, text):
                raise ValueError(f"a {table} row does not match its checksum")
        return [(name, text) for name, text, _ in rows]

    def _account_rows(self) -> list[tuple[str, str]]:
        rows = self._db.execute("SELECT seq, id, state, digest FROM accounts ORDER BY seq")
        found = []
        for seq, name, text, digest in rows.fetchall():
            if not isinstance(name, str) or not isinstance(text, str):
                raise ValueError("an accounts row holds something other than text")
            if digest != row_digest(name, text):
                raise ValueError(f"accounts row {seq} does not match its checksum")
            found.append((f"accounts row {seq}", text))
        return found

    @staticmethod
    def _account(state: str, where: str) -> Account:
        return snapshot.load_account(json.loads(state), where)

    def _clock(self, saved: Any) -> datetime | None:
        if saved is None:
            return None
        try:
            instant = datetime.fromisoformat(saved) if isinstance(saved, str) else None
        except ValueError:
            instant = None
        if instant is None or instant.tzinfo is None:
            raise self._damaged("the saved clock is not a timestamp")
        return instant

    def _damaged(self, why: str) -> StateFileError:
        return StateFileError(
            f"{self.path} is damaged ({why}); it was left untouched: move it aside or choose "
            "another --state-file"
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
        rows = []
        for account in accounts:
            text = json.dumps(snapshot.dump_account(account))
            rows.append((account.id, text, row_digest(account.id, text)))
        meta: list[tuple[str, str, str]] = []
        for key, value, given in (
            ("scenario", scenario, scenario is not None or replace_all),
            ("clock", clock, clock is not None),
            ("faults", faults, faults is not None),
        ):
            if given:
                text = json.dumps(value)
                meta.append((key, text, row_digest(key, text)))
        if not rows and not meta and not replace_all:
            return
        self._check_identity()
        try:
            with self._db:  # one transaction: all of it or none of it
                if replace_all:
                    self._db.execute("DELETE FROM accounts")
                self._db.executemany(
                    "INSERT INTO accounts (id, state, digest) VALUES (?, ?, ?) ON CONFLICT(id) "
                    "DO UPDATE SET state = excluded.state, digest = excluded.digest",
                    rows,
                )
                self._db.executemany(
                    "INSERT INTO meta (key, value, digest) VALUES (?, ?, ?) ON CONFLICT(key) "
                    "DO UPDATE SET value = excluded.value, digest = excluded.digest",
                    meta,
                )
        except sqlite3.Error as exc:
            raise CommitFailed(f"{self.path} could not be written ({exc})") from None

    def _check_identity(self) -> None:
        """The file we own must still be the one at its path: deleted or replaced, it isn't."""
        try:
            info = os.stat(self._real)
        except OSError:
            raise CommitFailed(f"{self.path} was deleted while the server ran") from None
        if (info.st_dev, info.st_ino) != self._identity:
            raise CommitFailed(f"{self.path} was replaced by another file while the server ran")


def _acquire(path: Path, real: Path) -> tuple[int, bool]:
    """An open, exclusively locked descriptor of the database file; and whether it is new."""
    try:
        fd = os.open(real, os.O_RDONLY | os.O_CLOEXEC)
        new = os.fstat(fd).st_size == 0 and not Path(f"{real}-wal").exists()
    except FileNotFoundError:
        try:
            fd = os.open(real, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StateFileError(f"{path}: cannot create it: {exc.strerror}") from None
        new = True
    except OSError as exc:
        raise StateFileError(f"{path}: cannot open it: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StateFileError(
            f"{path} is in use by another registrar-mock process; stop it or use another "
            "--state-file"
        ) from None
    return fd, new


def _check_before_opening(path: Path, real: Path, fd: int) -> None:
    """Refuse anything that is not our own, readable state file, before SQLite opens it."""
    header = os.pread(fd, 100, 0)
    untouched = "it was left untouched: move it aside or choose another --state-file"
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StateFileError(f"{path} is not a registrar-mock state file (nor SQLite); {untouched}")
    application_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big")
    if application_id != APPLICATION_ID:
        raise StateFileError(
            f"{path} is a SQLite database of another program, not a registrar-mock state file; "
            f"{untouched}"
        )
    if version > SCHEMA_VERSION:
        raise StateFileError(
            f"{path} was written by a newer registrar-mock (state version {version}; this one "
            f"reads up to {SCHEMA_VERSION}); upgrade registrar-mock or use another --state-file"
        )
    try:
        check = sqlite3.connect(f"file:{quote(str(real))}?mode=ro", uri=True)
        try:
            result = check.execute("PRAGMA quick_check").fetchone()
            tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master")}
        finally:
            check.close()
    except (sqlite3.Error, ValueError) as exc:  # ValueError: text that isn't UTF-8
        raise StateFileError(f"{path} is damaged (SQLite: {exc}); {untouched}") from None
    if result is None or result[0] != "ok":
        raise StateFileError(f"{path} is damaged (SQLite's quick_check failed); {untouched}")
    if not {"meta", "accounts"} <= tables:
        raise StateFileError(f"{path} is damaged (its tables are missing); {untouched}")


def _connect(path: Path, real: Path, new: bool) -> sqlite3.Connection:
    try:
        # The default isolation level opens a transaction on the first write, and
        # `with connection:` commits it (or rolls it back) as one unit.
        db = sqlite3.connect(real, check_same_thread=False)
        if new:
            _create(db)  # in rollback-journal mode, so the header is ours on disk at once
        db.execute("PRAGMA journal_mode=WAL")
        # In WAL mode, NORMAL keeps every commit across a process crash (kill -9).
        db.execute("PRAGMA synchronous=NORMAL")
        _migrate(path, db)
    except sqlite3.Error as exc:
        raise StateFileError(f"{path} cannot be used as a state file (SQLite: {exc})") from None
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
