"""--state-file: SQLite state that survives restarts and kill -9, and refuses what it can't use."""

from __future__ import annotations

import base64
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.store import statefile as persistence
from registrar_mock.store.statefile import StateFileError
from tests.helpers import ACCOUNT, TOKEN, comparable
from tests.live import free_port

Connect = Callable[..., httpx.Client]


def test_a_new_app_carries_on_where_the_last_stopped(tmp_path: Path, connect: Connect) -> None:
    state = tmp_path / "state.sqlite"
    first = create_app("action-required", state_file=state)
    api = connect(first)
    api.post(
        "/registrations", json={"domain_name": "waiting.com"}, headers={"Prefer": "respond-async"}
    )
    first.control.advance(10)
    api.get("/registrations/waiting.com/registration-status")
    first.control.add_fault({"id": "later", "nth": 3, "effect": {"status": 500}})
    api.get("/registrations")
    exported = comparable(first.control.export_state())
    first.close()

    second = create_app(state_file=state)  # the scenario comes from the file
    assert second.control.scenario.name == "action-required"
    assert comparable(second.control.export_state()) == exported
    again = connect(second)
    status = again.get("/registrations/waiting.com/registration-status").json()["result"]
    assert status["state"] == "action_required"
    assert again.get("/registrations").status_code == 500  # the fault's count carried over
    second.control.resolve(ACCOUNT, "waiting.com", confirm=True)
    second.control.advance(5)
    second.close()

    third = create_app(state_file=state)
    assert connect(third).get("/registrations/waiting.com").json()["result"]["status"] == "active"
    third.close()


def test_transfers_and_the_sandbox_survive_a_restart(tmp_path: Path, connect: Connect) -> None:
    state = tmp_path / "state.sqlite"
    code = base64.b64encode(b"Prereq-Code-7").decode()
    first = create_app("transfer-prerequisites", state_file=state)
    api = connect(first)
    assert (
        api.post("/registrations/ready.com/transfer-in", json={"auth_code": code}).status_code
        == 202
    )
    sandbox = connect(first)
    sandbox.base_url = str(sandbox.base_url).replace("/registrar", "/registrar-sandbox")
    contact = {"email": "a@example.com", "phone": "+1.5555555555", "postal_info": {
        "name": "A", "address": {"street": "1 Main", "city": "Austin", "state": "TX",
                                 "postal_code": "78701", "country_code": "US"}}}  # fmt: skip
    bought = {"domain_name": "ready.com", "contacts": {"registrant": contact}}
    assert sandbox.post("/registrations", json=bought).status_code == 201
    first.control.advance("2m")
    exported = comparable(first.control.export_state())
    first.close()

    second = create_app(state_file=state)
    assert comparable(second.control.export_state()) == exported
    again = connect(second)
    status = again.get("/registrations/ready.com/transfer-in-status").json()["result"]
    assert status["state"] == "blocked"
    second.control.answer_transfer(ACCOUNT, "ready.com", approve=True)
    second.close()

    third = create_app(state_file=state)
    production = connect(third).get("/registrations/ready.com").json()["result"]
    assert production["status"] == "active"
    assert [c.kind for c in third.control.charges(ACCOUNT)] == ["transfer"]
    test = connect(third)
    test.base_url = str(test.base_url).replace("/registrar", "/registrar-sandbox")
    assert test.get("/registrations/ready.com").json()["result"]["status"] == "active"
    third.close()


def test_a_second_owner_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    with pytest.raises(StateFileError, match="in use by another registrar-mock process"):
        create_app(state_file=state)
    app.close()
    create_app(state_file=state).close()  # free again once released


def test_a_different_scenario_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    create_app("near-limit", state_file=state).close()
    with pytest.raises(StateFileError, match="scenario 'near-limit', not 'flaky'"):
        create_app("flaky", state_file=state)
    create_app("near-limit", state_file=state).close()


def test_garbage_is_refused_and_left_untouched(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    state.write_bytes(b"this is not a database, and it is certainly not ours" * 100)
    before = state.read_bytes()
    with pytest.raises(StateFileError, match=r"not a registrar-mock state file|corrupt"):
        create_app(state_file=state)
    assert state.read_bytes() == before


def test_someone_elses_sqlite_file_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "other.sqlite"
    with sqlite3.connect(state) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    with pytest.raises(StateFileError, match="not a registrar-mock state file"):
        create_app(state_file=state)


def test_a_newer_version_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    create_app(state_file=state).close()
    with sqlite3.connect(state) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(StateFileError, match="newer registrar-mock"):
        create_app(state_file=state)


def test_older_versions_are_migrated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "state.sqlite"
    create_app(state_file=state).close()
    steps: list[int] = []

    current = persistence.SCHEMA_VERSION
    following = current + 1

    def to_next(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE meta ADD COLUMN note TEXT")
        steps.append(following)

    monkeypatch.setattr(persistence, "SCHEMA_VERSION", following)
    monkeypatch.setitem(persistence.MIGRATIONS, following, to_next)
    create_app(state_file=state).close()
    create_app(state_file=state).close()
    assert steps == [following]  # once, then the file is at the new version
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == following


LAUNCHER = """
import sys, uvicorn
from registrar_mock import create_app
from registrar_mock.clock import SystemClock
app = create_app(sys.argv[1], clock=SystemClock(), state_file=sys.argv[2])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="error")
"""


def start(state: Path, scenario: str = "default") -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, scenario, str(state), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/__mock__/health", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("server did not start")


def test_kill_9_loses_no_answered_request(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    process, base = start(state)
    answered: list[str] = []
    stop = threading.Event()

    def load(worker: int) -> None:
        headers = {"Authorization": f"Bearer {TOKEN}", "Prefer": "respond-async"}
        with httpx.Client(base_url=f"{base}/client/v4", headers=headers, timeout=5) as client:
            for n in range(200):
                if stop.is_set():
                    return
                domain = f"w{worker}-n{n}.com"
                try:
                    response = client.post(
                        f"/accounts/{worker:032x}/registrar/registrations",
                        json={"domain_name": domain},
                    )
                except httpx.TransportError:
                    return
                if response.status_code in (201, 202):
                    answered.append(f"{worker:032x}:{domain}")

    workers = [threading.Thread(target=load, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 60
    while len(answered) < 60:
        assert time.monotonic() < deadline, "the server answered too few requests"
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    stop.set()
    for worker in workers:
        worker.join()

    restarted, base = start(state)
    try:
        exported = httpx.get(f"{base}/__mock__/state").json()["result"]
    finally:
        restarted.terminate()
        restarted.wait()
    held = set()
    for account in exported["registrar"]["accounts"]:
        workflows = {w["domain_name"] for w in account["registration_workflows"]}
        for registration in account["registrations"]:
            # Nothing half-applied: every registration has the workflow that made it.
            assert registration["domain_name"] in workflows
            held.add(f"{account['id']}:{registration['domain_name']}")
    assert set(answered) <= held
    assert len(answered) >= 60


def test_credentials_survive_a_restart_without_being_stored(
    tmp_path: Path, connect: Connect
) -> None:
    state = tmp_path / "state.sqlite"
    create_app("two-accounts", state_file=state).close()
    assert b"acme_demo_token_000000000000000000000000" not in state.read_bytes()
    app = create_app("two-accounts", state_file=state)
    acme = "ac3e0000000000000000000000000001"
    good = connect(
        app,
        account=acme,
        headers={"Authorization": "Bearer acme_demo_token_000000000000000000000000"},
    )
    assert good.get("/registrations").status_code == 200
    bad = connect(
        app,
        account=acme,
        headers={"Authorization": "Bearer globex_demo_token_0000000000000000000000"},
    )
    assert bad.get("/registrations").status_code == 403
    exported = app.control.export_state()
    assert "acme_demo_token_000000000000000000000000" not in str(exported)
    fresh = create_app()
    fresh.control.import_state(exported)
    again = connect(
        fresh,
        account=acme,
        headers={"Authorization": "Bearer acme_demo_token_000000000000000000000000"},
    )
    assert again.get("/registrations").status_code == 200
    app.close()
