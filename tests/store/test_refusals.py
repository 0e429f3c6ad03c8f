"""State files that can't be used are refused in one line, and left exactly as they were."""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from registrar_mock import create_app
from registrar_mock.store.statefile import APPLICATION_ID, StateFileError, row_digest
from registrar_mock.testing import SyncASGITransport
from tests.helpers import comparable

ACCOUNT = "5f0c7a1e2d3b4c5a6e7f8091a2b3c4d5"


def files_beside(path: Path) -> set[str]:
    return {entry.name for entry in path.parent.iterdir()}


def refused(path: Path) -> str:
    """Open ``path`` as a state file: it must be refused in one line, changing nothing."""
    before = path.read_bytes()
    around = files_beside(path)
    with pytest.raises(StateFileError) as caught:
        create_app(state_file=path)
    message = str(caught.value)
    assert "\n" not in message
    assert path.read_bytes() == before
    assert files_beside(path) == around  # no lock file, no -wal, no -shm
    return message


def test_another_programs_database_is_left_as_it_was(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.db"
    with sqlite3.connect(theirs) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES ('keep me')")
    db.close()
    assert "another program" in refused(theirs)
    with sqlite3.connect(theirs) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL


@pytest.mark.parametrize(
    "content", [b"not a database at all, just some text\n" * 10, b"\x00" * 4096, b"SQLite format"]
)
def test_garbage_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(content)
    assert "not a registrar-mock state file" in refused(path)


def saved_file(tmp_path: Path) -> Path:
    state = tmp_path / "state.sqlite"
    app = create_app("two-accounts", state_file=state)
    api = SyncASGITransport(app)
    import httpx

    with httpx.Client(transport=api, base_url="http://mock") as client:
        headers = {"Authorization": "Bearer acme_demo_token_000000000000000000000000"}
        acme = "/client/v4/accounts/ac3e0000000000000000000000000001/registrar/registrations"
        for name in ("one.com", "two.dev"):
            client.post(acme, json={"domain_name": name}, headers=headers)
        app.control.add_fault({"every": 5, "effect": {"status": 429}})
    app.close()
    return state


def rewrite(state: Path, table: str, key: str, value: str, *, digest: bool = True) -> None:
    column, key_column = ("state", "id") if table == "accounts" else ("value", "key")
    with sqlite3.connect(state) as db:
        checksum = row_digest(key, value) if digest else "0" * 32
        db.execute(
            f"UPDATE {table} SET {column} = ?, digest = ? WHERE {key_column} = ?",
            (value, checksum, key),
        )
    db.close()


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("clock", json.dumps("yesterday"), "the saved clock is not a timestamp"),
        ("clock", json.dumps(12), "the saved clock is not a timestamp"),
        ("faults", json.dumps([{"every": "often"}]), "faults[0]"),
        ("faults", json.dumps({"not": "a list"}), "not a list"),
        ("scenario", json.dumps({"accounts": "nobody"}), "saved scenario"),
        ("scenario", "{not json", "damaged"),
    ],
)
def test_a_damaged_meta_row_is_one_line(tmp_path: Path, key: str, value: str, problem: str) -> None:
    state = saved_file(tmp_path)
    rewrite(state, "meta", key, value)
    assert problem in refused(state)


def test_a_row_that_does_not_match_its_checksum_is_refused(tmp_path: Path) -> None:
    state = saved_file(tmp_path)
    with sqlite3.connect(state) as db:
        (text,) = db.execute("SELECT state FROM accounts LIMIT 1").fetchone()
        changed = text.replace("one.com", "won.com")
        db.execute("UPDATE accounts SET state = ? WHERE state = ?", (changed, text))
    db.close()
    assert "does not match its checksum" in refused(state)


def test_an_account_row_that_breaks_the_rules_is_refused(tmp_path: Path) -> None:
    state = saved_file(tmp_path)
    with sqlite3.connect(state) as db:
        (key, text) = db.execute("SELECT id, state FROM accounts LIMIT 1").fetchone()
    db.close()
    account = json.loads(text)
    account["registration_workflows"] = []  # registrations without their workflows
    rewrite(state, "accounts", key, json.dumps(account))
    assert "has no registration workflow" in refused(state)


def version_one(state: Path, account_text: str, *, version: int = 1) -> Path:
    """A state file as version 1 wrote them: no checksums."""
    with sqlite3.connect(state) as db:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE accounts (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                   "id TEXT NOT NULL UNIQUE, state TEXT NOT NULL)")  # fmt: skip
        db.execute("INSERT INTO meta VALUES ('scenario', ?)", (json.dumps({"name": "default"}),))
        db.execute("INSERT INTO accounts (id, state) VALUES (?, ?)", (ACCOUNT, account_text))
    db.close()
    return state


EMPTY_ACCOUNT = {"id": ACCOUNT, "has_billing": True, "default_contact": None, "registrations": [],
                 "registration_workflows": [], "update_workflows": [], "charges": []}  # fmt: skip


def test_a_damaged_version_one_file_is_refused_and_stays_version_one(tmp_path: Path) -> None:
    state = version_one(tmp_path / "old.sqlite", "{half an account")
    assert "damaged" in refused(state)  # refused() also checks every byte is as it was


def test_a_file_of_ours_with_no_version_is_refused(tmp_path: Path) -> None:
    state = version_one(tmp_path / "odd.sqlite", json.dumps(EMPTY_ACCOUNT), version=0)
    assert "version" in refused(state)


def test_a_row_that_is_not_utf8_is_refused_without_quoting_it(tmp_path: Path) -> None:
    state = saved_file(tmp_path)
    with sqlite3.connect(state) as db:
        db.execute(
            "UPDATE meta SET value = CAST(? AS TEXT) WHERE key = 'clock'",
            (b"\xff\xfe my-secret-value \xc3",),
        )
    db.close()
    message = refused(state)
    assert "damaged" in message
    assert "my-secret-value" not in message


def test_a_file_of_ours_whose_checksums_all_fail_is_left_byte_for_byte(tmp_path: Path) -> None:
    """Our own format, our journal mode: still, nothing opens it for writing until every
    row is checked, so not even SQLite's header is touched."""
    state = saved_file(tmp_path)
    with sqlite3.connect(state) as db:
        db.execute("UPDATE accounts SET digest = ?", ("0" * 32,))
    db.close()
    assert "does not match its checksum" in refused(state)


@pytest.mark.parametrize("where", ["folder", "empty"])
def test_a_state_file_path_that_is_no_file_is_one_line(tmp_path: Path, where: str) -> None:
    path = tmp_path if where == "folder" else Path("")
    with pytest.raises(StateFileError) as caught:
        create_app(state_file=path)
    assert "\n" not in str(caught.value)
    assert "is not a file; give --state-file the path of a file" in str(caught.value)


def test_a_version_one_file_is_migrated(tmp_path: Path) -> None:
    state = version_one(tmp_path / "old.sqlite", json.dumps(EMPTY_ACCOUNT))
    app = create_app(state_file=state)
    assert list(app.registrar.accounts) == [ACCOUNT]
    app.close()
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    db.close()


def test_random_corruption_is_refused_or_harmless(tmp_path: Path) -> None:
    """400 files, each with a few bytes changed at random: each one is refused in one line,
    or (when the change hit unused space) loads exactly what was saved; never a traceback,
    never a silent load of different data."""
    state = saved_file(tmp_path)
    app = create_app(state_file=state)
    expected = comparable(app.control.export_state())
    app.close()
    original = state.read_bytes()
    rng = random.Random(20261201)
    outcomes = {"refused": 0, "same": 0}
    for case in range(400):
        damaged = bytearray(original)
        for _ in range(rng.choice((1, 2, 4, 16))):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        copy = tmp_path / f"case-{case}.sqlite"
        copy.write_bytes(bytes(damaged))
        try:
            loaded = create_app(state_file=copy)
        except StateFileError as refusal:
            assert "\n" not in str(refusal), (case, str(refusal))
            outcomes["refused"] += 1
        else:
            try:
                assert comparable(loaded.control.export_state()) == expected, case
            finally:
                loaded.close()
            outcomes["same"] += 1
        for leftover in tmp_path.glob(f"case-{case}.sqlite*"):
            leftover.unlink()
    assert outcomes["refused"] > 100  # most random damage is noticed, not shrugged off
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_file_with_a_trigger_in_it_is_refused(tmp_path: Path) -> None:
    """A trigger could swallow every write while each one is acknowledged."""
    state = saved_file(tmp_path)
    with sqlite3.connect(state) as db:
        db.execute(
            "CREATE TRIGGER swallow BEFORE INSERT ON accounts BEGIN SELECT RAISE(IGNORE); END"
        )
    db.close()
    assert "registrar-mock never made" in refused(state)


@pytest.mark.parametrize("extra", ["CREATE VIEW v AS SELECT 1", "CREATE INDEX i ON meta(value)"])
def test_a_file_with_objects_of_somebody_elses_is_refused(tmp_path: Path, extra: str) -> None:
    state = saved_file(tmp_path)
    with sqlite3.connect(state) as db:
        db.execute(extra)
    db.close()
    assert "registrar-mock never made" in refused(state)


def leave_a_wal(state: Path, change: str) -> None:
    """Another process writes ``change`` into a WAL beside the file and dies before the
    WAL is checkpointed, so the change lives only in the WAL."""
    script = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA journal_mode=WAL')\n"
        "db.execute('PRAGMA wal_autocheckpoint=0')\n"
        "db.execute(sys.argv[2])\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(state), change], check=True)
    assert Path(f"{state}-wal").exists()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("UPDATE accounts SET state = state || ' '", "does not match its checksum"),
        ("PRAGMA user_version = 3", "written by a newer registrar-mock"),
    ],
)
def test_refusing_a_file_with_a_wal_beside_it_changes_neither(
    tmp_path: Path, change: str, problem: str
) -> None:
    state = saved_file(tmp_path)
    leave_a_wal(state, change)
    wal = Path(f"{state}-wal").read_bytes()
    assert problem in refused(state)  # the file's bytes, and the files beside it, unchanged
    assert Path(f"{state}-wal").read_bytes() == wal


def test_a_journal_left_by_a_crash_is_replayed(tmp_path: Path) -> None:
    """A process killed mid-commit leaves a hot rollback journal: opening the file puts the
    last commit back whole, and the file is used."""
    state = saved_file(tmp_path)
    script = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA journal_mode=DELETE')\n"
        "db.execute('PRAGMA cache_size=1')\n"  # so the change spills to the file at once
        "db.execute('BEGIN IMMEDIATE')\n"
        "db.execute(\"UPDATE accounts SET state = replace(state, 'one.com', 'xxx.com')\")\n"
        "db.execute('DELETE FROM meta')\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(state)], check=True)
    assert Path(f"{state}-journal").exists()
    app = create_app(state_file=state)
    acme = app.registrar.accounts["ac3e0000000000000000000000000001"]
    assert {"one.com", "two.dev"} <= set(acme.registrations)
    assert "xxx.com" not in acme.registrations
    app.close()
    assert not Path(f"{state}-journal").exists()


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
def test_a_state_file_named_like_a_journal_is_refused(tmp_path: Path, suffix: str) -> None:
    """SQLite would take it for another database's journal, and delete it."""
    with pytest.raises(StateFileError, match="must not end in -journal, -wal or -shm"):
        create_app(state_file=tmp_path / f"state.sqlite{suffix}")
    assert list(tmp_path.iterdir()) == []


def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(StateFileError, match="is not a file"):
        create_app(state_file=fifo)
