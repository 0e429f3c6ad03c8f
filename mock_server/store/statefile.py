"""A durable state file: the whole mock in SQLite (standard library ``sqlite3``, WAL mode).

Each account is one row of JSON; the scenario, the clock and the fault rules
sit in a small key-value table. After every API request the accounts it
changed are rewritten in one transaction, before the response leaves, so a
``kill -9`` loses no answered request and leaves nothing half-applied. One
process owns a state file at a time: a second one is refused (an advisory
lock that the operating system drops when its holder dies, however it dies).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from registrar_mock.model.records import Account
from registrar_mock.store import snapshot

SCHEMA_VERSION = 1
APPLICATION_ID = 0x52474D4B  # "RGMK": marks a SQLite file as ours

# Each step upgrades a file from the version before it; add one per schema change.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}


class StateFileError(Exception):
    """A state file that can't be used; the message says why and what to do."""


@dataclass(frozen=True)
class StoredState:
    scenario: dict[str, Any] | None
    clock: str | None
    faults: list[dict[str, Any]]
    accounts: list[Account]


class StateFile:
    def __init__(self, path: Path, connection: sqlite3.Connection, lock: IO[bytes]) -> None:
        self.path = path
        self._db = connection
        self._lock = lock

    @classmethod
    def open(cls, path: str | Path) -> StateFile:
        path = Path(path)
        lock = _acquire(path)
        try:
            connection = _connect(path)
            _check_and_migrate(path, connection)
        except BaseException:
            lock.close()
            raise
        return cls(path, connection, lock)

    def close(self) -> None:
        self._db.close()
        self._lock.close()

    # --- reading ------------------------------------------------------------

    def load(self) -> StoredState | None:
        """What the file holds, or None for a new, empty file."""
        meta = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
        if "scenario" not in meta:
            return None
        try:
            accounts = [
                snapshot.load_account(json.loads(row[0]))
                for row in self._db.execute("SELECT state FROM accounts ORDER BY seq")
            ]
            return StoredState(
                scenario=json.loads(meta["scenario"]),
                clock=json.loads(meta.get("clock", "null")),
                faults=json.loads(meta.get("faults", "[]")),
                accounts=accounts,
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise StateFileError(f"{self.path}: the state in it is damaged ({exc!r})") from None

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
        """Write what changed, all in one transaction."""
        rows = [(account.id, json.dumps(snapshot.dump_account(account))) for account in accounts]
        meta: list[tuple[str, str]] = []
        if scenario is not None or replace_all:
            meta.append(("scenario", json.dumps(scenario)))
        if clock is not None:
            meta.append(("clock", json.dumps(clock)))
        if faults is not None:
            meta.append(("faults", json.dumps(faults)))
        if not rows and not meta and not replace_all:
            return
        with self._db:  # one transaction: all of it or none of it
            if replace_all:
                self._db.execute("DELETE FROM accounts")
            self._db.executemany(
                "INSERT INTO accounts (id, state) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET state = excluded.state",
                rows,
            )
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                meta,
            )


def _acquire(path: Path) -> IO[bytes]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        lock = open(lock_path, "ab")  # noqa: SIM115 - held for the life of the process
    except OSError as exc:
        raise StateFileError(f"{path}: cannot create its lock file: {exc.strerror}") from None
    try:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.close()
        raise StateFileError(
            f"{path} is in use by another registrar-mock process; stop it or use another "
            "--state-file"
        ) from None
    lock.truncate(0)
    lock.write(str(os.getpid()).encode())
    lock.flush()
    return lock


def _connect(path: Path) -> sqlite3.Connection:
    try:
        # The default isolation level opens a transaction on the first write, and
        # `with connection:` commits it (or rolls it back) as one unit.
        connection = sqlite3.connect(path, check_same_thread=False)
        connection.execute("PRAGMA journal_mode=WAL")
        # In WAL mode, NORMAL keeps every commit across a process crash (kill -9).
        connection.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as exc:
        raise StateFileError(
            f"{path} is not a registrar-mock state file (SQLite says: {exc}); "
            "move it aside or choose another --state-file"
        ) from None
    return connection


def _check_and_migrate(path: Path, db: sqlite3.Connection) -> None:
    try:
        result = db.execute("PRAGMA quick_check").fetchone()
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise StateFileError(
            f"{path} is corrupt or not a registrar-mock state file ({exc}); it was left "
            "untouched: move it aside or choose another --state-file"
        ) from None
    if result[0] != "ok":
        raise StateFileError(f"{path} is corrupt ({result[0]}); it was left untouched")
    if not tables and application_id == 0:
        _create(db)
        return
    if application_id != APPLICATION_ID:
        raise StateFileError(
            f"{path} is a SQLite database but not a registrar-mock state file; it was left "
            "untouched"
        )
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
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute(
            "CREATE TABLE accounts (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            "id TEXT NOT NULL UNIQUE, state TEXT NOT NULL)"
        )
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
