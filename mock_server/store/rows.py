"""Reading a state file's rows, checked: every row against its checksum, every value
against what the registrar relies on. Refusals are one line and never quote a row.

The layout, version 2: ``meta(key, value, digest)`` holds the scenario, the clock
and the fault rules as JSON; ``accounts(seq, id, state, digest)`` one account each.
Version 1 had no ``digest`` column.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from registrar_mock.model.records import Account
from registrar_mock.store import snapshot

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


class StateFileError(Exception):
    """A state file that can't be used; the one-line message says why and what to do."""


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


def plain(text: str) -> str:
    """A message with anything quoted taken out: SQLite and parsers quote what they read."""
    return " ".join(_QUOTED.sub("", text).split())[:160]


def damaged(path: Path, why: str) -> StateFileError:
    return StateFileError(
        f"{path} is damaged ({plain(why)}); it was left untouched: move it aside or choose "
        "another --state-file"
    )


def meta_rows(db: sqlite3.Connection, version: int) -> dict[str, str]:
    if version < 2:
        return {key: value for key, value in db.execute("SELECT key, value FROM meta")}
    found = {}
    for key, value, digest in db.execute("SELECT key, value, digest FROM meta"):
        _check_row("meta", key, value, digest)
        found[key] = value
    return found


def account_rows(db: sqlite3.Connection, version: int) -> list[tuple[str, str]]:
    """(where, JSON) for every account row, in the order they were written."""
    if version < 2:
        rows = db.execute("SELECT seq, id, state, '' FROM accounts ORDER BY seq").fetchall()
    else:
        rows = db.execute("SELECT seq, id, state, digest FROM accounts ORDER BY seq").fetchall()
    found = []
    for seq, key, value, digest in rows:
        _check_row(f"accounts row {seq}", key, value, digest if version >= 2 else None)
        found.append((f"accounts row {seq}", value))
    return found


def _check_row(where: str, key: Any, value: Any, digest: Any) -> None:
    if not isinstance(key, str) or not isinstance(value, str):
        raise ValueError(f"{where} holds something other than text")
    if digest is not None and digest != row_digest(key, value):
        raise ValueError(f"{where} does not match its checksum")


def account(value: str, where: str) -> Account:
    return snapshot.load_account(json.loads(value), where)


def accounts_of(db: sqlite3.Connection, version: int, ids: Iterable[str] | None) -> list[Account]:
    wanted = None if ids is None else set(ids)
    found = [account(value, where) for where, value in account_rows(db, version)]
    return [item for item in found if wanted is None or item.key in wanted]


def clock_of(meta: dict[str, str]) -> datetime | None:
    saved = json.loads(meta.get("clock", "null"))
    if saved is None:
        return None
    try:
        instant = datetime.fromisoformat(saved) if isinstance(saved, str) else None
        if instant is not None and instant.tzinfo is not None:
            return snapshot.within_range(instant.astimezone(UTC))
    except (ValueError, OverflowError, snapshot.SnapshotError):
        pass
    raise ValueError("the saved clock is not a timestamp")


def faults_of(meta: dict[str, str]) -> list[dict[str, Any]]:
    faults = json.loads(meta.get("faults", "[]"))
    if not isinstance(faults, list):
        raise ValueError("the saved fault rules are not a list")
    return faults


# Everything a state file's schema holds: its two tables, the sequence AUTOINCREMENT keeps,
# and the indexes of their keys. Anything else (a trigger that swallows writes, a view, an
# index of somebody else's) is not ours, so the file is refused.
SCHEMA = frozenset(
    {("table", "meta"), ("table", "accounts"), ("table", "sqlite_sequence"),
     ("index", "sqlite_autoindex_meta_1"), ("index", "sqlite_autoindex_accounts_1")}
)  # fmt: skip


def _check_schema(db: sqlite3.Connection) -> None:
    found = {(kind, name) for kind, name in db.execute("SELECT type, name FROM sqlite_master")}
    if not {("table", "meta"), ("table", "accounts")} <= found:
        raise ValueError("its tables are missing")
    if found - SCHEMA:
        raise ValueError("it holds tables, indexes, views or triggers registrar-mock never made")


def read(path: Path, db: sqlite3.Connection, version: int) -> StoredState | None:
    """Everything the file holds, checked; None for a file with nothing saved yet."""
    try:
        result = db.execute("PRAGMA quick_check").fetchone()
        if result is None or result[0] != "ok":
            raise ValueError("SQLite's quick_check failed")
        _check_schema(db)
        meta = meta_rows(db, version)
        if "scenario" not in meta:
            return None
        accounts = accounts_of(db, version, None)
        snapshot.check_together(accounts, "account rows")
        scenario = json.loads(meta["scenario"])
        if scenario is not None and not isinstance(scenario, dict):
            raise ValueError("the saved scenario is not a scenario")
        return StoredState(scenario, clock_of(meta), faults_of(meta), accounts)
    except sqlite3.Error as exc:
        raise damaged(path, f"SQLite: {exc}") from None
    except (ValueError, snapshot.SnapshotError) as exc:  # UnicodeDecodeError is a ValueError
        raise damaged(path, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
