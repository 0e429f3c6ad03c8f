"""Never an acknowledged write lost: failed commits, a full disk, deleted files, restarts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.testing import SyncASGITransport
from tests.helpers import JSON, ROOT
from tests.live import free_port

ACCOUNT = "5f0c7a1e2d3b4c5a6e7f8091a2b3c4d5"
ROUTE = f"/client/v4/accounts/{ACCOUNT}/registrar"
AUTH = {
    "Authorization": "Bearer durable-token-00000000000000000000000000",
    "Prefer": "respond-async",
}


def client(app: MockApp) -> httpx.Client:
    return httpx.Client(transport=SyncASGITransport(app), base_url="http://mock", headers=AUTH)


def held(app: MockApp) -> set[str]:
    account = app.registrar.accounts.get(ACCOUNT)
    return set() if account is None else set(account.registrations)


def test_a_full_disk_refuses_the_change_undoes_it_and_saves_the_retry(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    api = client(app)
    assert api.post(f"{ROUTE}/registrations", json={"domain_name": "first.com"}).status_code == 202
    store = app.control.store
    assert store is not None
    store.set_size_limit(state.stat().st_size)  # not one page more: the disk is full
    refused = []
    for n in range(200):
        answer = api.post(f"{ROUTE}/registrations", json={"domain_name": f"full-{n}.com"})
        if answer.status_code == 503:
            refused.append(f"full-{n}.com")
            assert "was not saved, and was undone" in answer.json()["errors"][0]["message"]
            assert answer.headers["Retry-After"] == "5"
            break
        assert answer.status_code == 202
    assert refused, "the file never filled up"
    # Memory agrees with the file: the refused registration is nowhere.
    assert refused[0] not in held(app)
    assert api.get(f"{ROUTE}/registrations/{refused[0]}").status_code == 404
    store.set_size_limit(None)  # space returns
    retried = api.post(f"{ROUTE}/registrations", json={"domain_name": refused[0]})
    assert retried.status_code == 202
    kept = held(app)
    app.close()
    reopened = create_app(state_file=state)
    assert held(reopened) == kept and refused[0] in kept
    reopened.close()


@contextmanager
def served(state: Path, *options: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    command = [sys.executable, "-m", "registrar_mock", "serve", "--port", str(port),
               "--no-access-log", "--state-file", str(state), *options]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/__mock__/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"no server: {process.stderr.read()!r}") from None
                time.sleep(0.05)
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stderr is not None:
            process.stderr.close()


def test_kill_9_after_a_full_disk_keeps_exactly_what_was_acknowledged(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    acknowledged, refused = set(), set()
    with served(state, "--state-file-limit", "48k") as (process, base):
        with httpx.Client(base_url=f"{base}{ROUTE}", headers=AUTH, timeout=10) as api:
            for n in range(400):
                name = f"filling-{n}.com"
                status = api.post("/registrations", json={"domain_name": name}).status_code
                if status in (201, 202):
                    acknowledged.add(name)
                else:
                    assert status == 503
                    refused.add(name)
                if len(refused) >= 3:
                    break
        assert acknowledged and len(refused) == 3
        os.kill(process.pid, signal.SIGKILL)
    with served(state) as (_, base):
        names = set()
        cursor = ""
        while True:
            page = httpx.get(
                f"{base}{ROUTE}/registrations", params={"per_page": 50, "cursor": cursor},
                headers=AUTH,
            ).json()  # fmt: skip
            names |= {item["domain_name"] for item in page["result"]}
            cursor = page["result_info"]["cursor"]
            if not cursor:
                break
    assert names == acknowledged  # nothing acknowledged lost, nothing refused applied


def test_a_deleted_state_file_is_noticed_at_the_next_write(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    api = client(app)
    assert api.post(f"{ROUTE}/registrations", json={"domain_name": "kept.com"}).status_code == 202
    state.unlink()
    lost = api.post(f"{ROUTE}/registrations", json={"domain_name": "lost.com"})
    assert lost.status_code == 503
    assert "deleted while the server ran" in lost.text
    assert "lost.com" not in held(app)
    again = api.post(f"{ROUTE}/registrations", json={"domain_name": "later.com"})
    assert again.status_code == 503
    assert "accepts no more changes" in again.text
    control = httpx.Client(transport=SyncASGITransport(app), base_url="http://m", headers=JSON)
    assert control.post("/__mock__/clock/advance", json={"by": "1d"}).status_code == 503
    app.close()


def test_a_replaced_state_file_is_noticed_at_the_next_write(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    api = client(app)
    other = tmp_path / "other.sqlite"
    other.write_bytes(state.read_bytes())
    other.replace(state)
    answer = api.post(f"{ROUTE}/registrations", json={"domain_name": "x.com"})
    assert answer.status_code == 503
    assert "replaced by another file" in answer.text
    app.close()


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_one_owner_however_the_file_is_named(tmp_path: Path, link: str) -> None:
    state = tmp_path / "state.sqlite"
    first = create_app(state_file=state)
    other = tmp_path / f"via-{link}.sqlite"
    if link == "symlink":
        other.symlink_to(state)
    else:
        os.link(state, other)
    from registrar_mock.store import StateFileError

    with pytest.raises(StateFileError, match="in use by another registrar-mock process"):
        create_app(state_file=other)
    first.close()
    create_app(state_file=other).close()  # once the owner is gone, the other name works


def test_open_world_reads_store_nothing(tmp_path: Path) -> None:
    """20,000 reads of accounts nobody wrote to: memory and the state file stay flat."""
    import asyncio
    import random

    from registrar_mock.testing import ASGITransport

    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    size = state.stat().st_size
    rng = random.Random(7)

    async def read_all() -> list[int]:
        async with httpx.AsyncClient(
            transport=ASGITransport(app), base_url="http://mock", headers=AUTH
        ) as api:
            statuses = []
            for n in range(20_000):
                account = f"{rng.getrandbits(128):032x}"
                path = ("registrations", "registrations/some.com", "domain-search?q=x")[n % 3]
                answer = await api.get(f"/client/v4/accounts/{account}/registrar/{path}")
                statuses.append(answer.status_code)
            return statuses

    statuses = asyncio.run(read_all())
    assert set(statuses) <= {200, 404}
    assert app.registrar.accounts == {}
    assert state.stat().st_size == size
    # A write is what keeps an account.
    client(app).post(f"{ROUTE}/registrations", json={"domain_name": "one.com"})
    assert list(app.registrar.accounts) == [ACCOUNT]
    app.close()


def read_clock(base: str) -> datetime:
    now: str = httpx.get(f"{base}/__mock__/clock").json()["result"]["now"]
    return datetime.fromisoformat(now.replace("Z", "+00:00"))


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_the_clock_never_goes_back_across_a_restart(tmp_path: Path, stop: int) -> None:
    state = tmp_path / "state.sqlite"
    with served(state, "--time-scale", "600") as (process, base):
        httpx.post(f"{base}/__mock__/clock/advance", json={"by": "3d"})
        time.sleep(1.5)  # the running clock: saved as it goes
        seen = read_clock(base)
        process.send_signal(stop)
        process.wait(timeout=20)
    with served(state, "--time-scale", "600") as (_, base):
        again = read_clock(base)
    assert again >= seen, (seen, again)


def test_a_copy_taken_while_serving_holds_everything_acknowledged(tmp_path: Path) -> None:
    """Every commit lands in the one file (no write-ahead log beside it to forget)."""
    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    api = client(app)
    for name in ("one.com", "two.com", "three.com"):
        assert api.post(f"{ROUTE}/registrations", json={"domain_name": name}).status_code == 202
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.sqlite"]
    copy = tmp_path / "copy" / "state.sqlite"
    copy.parent.mkdir()
    copy.write_bytes(state.read_bytes())
    copied = create_app(state_file=copy)
    assert held(copied) == {"one.com", "two.com", "three.com"}
    copied.close()
    app.close()


def test_a_file_written_by_another_program_is_noticed_at_the_next_write(tmp_path: Path) -> None:
    import sqlite3

    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    api = client(app)
    assert api.post(f"{ROUTE}/registrations", json={"domain_name": "a.com"}).status_code == 202
    with sqlite3.connect(state) as other:  # another program, through the same file
        other.execute("UPDATE meta SET value = value || ' ' WHERE key = 'clock'")
    other.close()
    refused = api.post(f"{ROUTE}/registrations", json={"domain_name": "b.com"})
    assert refused.status_code == 503
    assert "changed by another program" in refused.text
    assert "b.com" not in held(app)
    app.close()


def failing_store(app: MockApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """The state file refuses every write from now on, as a full disk does."""
    from registrar_mock.store import CommitFailed

    store = app.control.store
    assert store is not None

    def refuse(**_: object) -> None:
        raise CommitFailed(f"{store.path} could not be written (database or disk is full)")

    monkeypatch.setattr(store, "save", refuse)


def test_refused_control_changes_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app(state_file=tmp_path / "state.sqlite", time_scale=1.0)
    api = client(app)
    assert api.post(f"{ROUTE}/registrations", json={"domain_name": "kept.com"}).status_code == 202
    control = httpx.Client(transport=SyncASGITransport(app), base_url="http://m", headers=JSON)
    before = app.control.now()
    journal = len(app.control.journal.entries())
    failing_store(app, monkeypatch)
    for request in (
        control.post("/__mock__/clock/advance", json={"by": "30d"}),
        control.put("/__mock__/clock", json={"now": "2030-01-01T00:00:00Z"}),
        control.post("/__mock__/reset", json={"scenario": "near-limit"}),
        control.post("/__mock__/faults", json={"every": 2, "effect": {"status": 429}}),
    ):
        assert request.status_code == 503, request.text
    assert (app.control.now() - before).total_seconds() < 60  # not moved by 30 days
    assert app.control.scenario.name == "default"
    assert app.control.faults.rules == []
    assert len(app.control.journal.entries()) >= journal  # a refused reset emptied nothing
    assert held(app) == {"kept.com"}
    app.close()


def test_once_the_file_is_unusable_changes_are_refused_before_they_apply(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    api = client(app)
    control = httpx.Client(transport=SyncASGITransport(app), base_url="http://m", headers=JSON)
    state.unlink()
    assert api.post(f"{ROUTE}/registrations", json={"domain_name": "x.com"}).status_code == 503
    before = app.control.now()
    for request in (
        control.post("/__mock__/faults", json={"every": 2, "effect": {"status": 429}}),
        control.post("/__mock__/clock/advance", json={"by": "1d"}),
        control.post("/__mock__/reset", json={"scenario": "near-limit"}),
    ):
        assert request.status_code == 503
        assert "accepts no more changes" in request.text
    assert app.control.faults.rules == [] and app.control.now() == before
    assert app.control.scenario.name == "default"
    # Reads still answer, from memory.
    assert api.get(f"{ROUTE}/registrations").status_code == 200
    app.close()


def test_the_clock_never_goes_back_across_quick_successive_kills(tmp_path: Path) -> None:
    """Killed again before the first checkpoint of a restart: still never behind."""
    state = tmp_path / "state.sqlite"
    with served(state, "--time-scale", "3600") as (process, base):
        time.sleep(1.2)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
    with served(state, "--time-scale", "3600") as (process, base):
        time.sleep(0.3)
        seen = read_clock(base)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
    with served(state, "--time-scale", "3600") as (_, base):
        again = read_clock(base)
    assert again >= seen, (seen, again)


def test_an_import_sets_a_running_clock_too(tmp_path: Path) -> None:
    app = create_app(time_scale=1.0)
    export = app.control.export_state()
    later = app.control.now() + timedelta(days=10)
    export["clock"] = later.isoformat()
    app.control.import_state(export)
    assert abs((app.control.now() - later).total_seconds()) < 60


def flip_a_byte_of_a_row(state: Path, text: bytes) -> None:
    """Change the file in place, past SQLite: the change counter stays as it was."""
    data = bytearray(state.read_bytes())
    at = data.index(text)
    data[at] ^= 0x01
    with state.open("r+b") as raw:
        raw.seek(at)
        raw.write(bytes([data[at]]))


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_file_changed_byte_by_byte_is_noticed_at_the_next_write(
    tmp_path: Path, damage: str
) -> None:
    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)
    api = client(app)
    assert api.post(f"{ROUTE}/registrations", json={"domain_name": "kept.com"}).status_code == 202
    if damage == "flip":
        flip_a_byte_of_a_row(state, b"kept.com")
    else:
        os.truncate(state, 4096)
    refused = api.post(f"{ROUTE}/registrations", json={"domain_name": "after.com"})
    assert refused.status_code == 503
    assert "changed by another program" in refused.text
    assert "after.com" not in held(app)
    # Nothing more is taken: acknowledging it would only lose it.
    again = api.post(f"{ROUTE}/registrations", json={"domain_name": "later.com"})
    assert again.status_code == 503 and "no more changes" in again.text
    app.close()


def test_time_near_the_end_of_the_span_is_kept_and_read_back(tmp_path: Path) -> None:
    """The clock stops at the end of the span the mock works in; what it keeps past that
    (an expiry years later, the lease of a running clock) still reads back."""
    from registrar_mock.clock import LATEST, MAX_TIME_SCALE

    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state)  # a virtual clock: the registration completes at once
    app.control.set_time("8999-06-01T00:00:00Z")
    api = client(app)
    api.headers.pop("Prefer")
    done = api.post(f"{ROUTE}/registrations", json={"domain_name": "late.com", "years": 10})
    assert done.status_code == 201, done.text
    assert done.json()["result"]["context"]["registration"]["expires_at"].startswith("9009-")
    app.close()
    running = create_app(state_file=state, time_scale=MAX_TIME_SCALE)
    running.control.set_time("8999-12-31T23:59:59Z")
    time.sleep(0.05)  # five million virtual seconds: past the end, were it not for it
    assert running.control.now() == LATEST
    running.control.durability.checkpoint()  # a lease years past the end
    running.close()
    again = create_app(state_file=state, time_scale=1.0)
    assert again.control.now() == LATEST
    assert "late.com" in held(again)
    again.close()


@pytest.mark.parametrize("scale", [0, -1, 2e11])
def test_a_time_scale_out_of_range_is_refused(scale: float) -> None:
    with pytest.raises(ValueError, match="time_scale must be positive, and at most 1e"):
        create_app(time_scale=scale)


SLOW = {
    "name": "slow",
    "workflows": {
        "registration": {"default": [{"state": "in_progress", "for": "5s"}, {"state": "succeeded"}]}
    },
}


def fails_after(app: MockApp, monkeypatch: pytest.MonkeyPatch, good: int) -> list[int]:
    """The state file takes ``good`` more writes, then refuses every one (a disk filling
    up); returns the count of writes tried, which a test may reset to let them through."""
    from registrar_mock.store import CommitFailed

    store = app.control.store
    assert store is not None
    real = store.save
    tried = [0]

    def save(**changes: object) -> None:
        tried[0] += 1
        if tried[0] > good:
            raise CommitFailed(f"{store.path} could not be written (database or disk is full)")
        real(**changes)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "save", save)
    return tried


def test_a_held_request_whose_own_change_was_saved_is_not_answered_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registration is committed before the request waits for it; the disk fills while
    it waits. What is left to save is only what time did: the answer stands, and nothing
    acknowledged is lost or charged twice."""
    state = tmp_path / "state.sqlite"
    app = create_app(SLOW, state_file=state)
    api = client(app)
    api.headers.pop("Prefer")
    fails_after(app, monkeypatch, good=1)
    done = api.post(f"{ROUTE}/registrations", json={"domain_name": "held.com"})
    assert done.status_code == 201, done.text
    # Reads still answer while the file is full.
    assert api.get(f"{ROUTE}/registrations/held.com").status_code == 200
    monkeypatch.undo()
    assert api.get(f"{ROUTE}/registrations/held.com").json()["result"]["status"] == "active"
    app.close()
    again = create_app(SLOW, state_file=state)
    assert again.registrar.accounts[ACCOUNT].registrations["held.com"].status.value == "active"
    assert len(again.control.charges(ACCOUNT)) == 1
    again.close()


def test_a_held_request_is_answered_even_if_the_clock_is_stuck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the clock can't be saved it stops at its last lease; a request held for its
    workflow is answered as it stands (202) soon after its wait, never left hanging."""
    app = create_app(SLOW, state_file=tmp_path / "state.sqlite", time_scale=10.0)
    api = client(app)
    api.headers.pop("Prefer")
    clock = app.control.clock
    fails_after(app, monkeypatch, good=1)  # the create's own commit, then nothing
    # The lease runs out now, and no save extends it.
    monkeypatch.setattr(app.control.durability, "_saved", lambda mark: None)
    clock.limit = clock.now()  # type: ignore[attr-defined]
    started = time.monotonic()
    answer = api.post(f"{ROUTE}/registrations", json={"domain_name": "stuck.com"})
    assert answer.status_code == 202 and answer.json()["result"]["state"] == "in_progress"
    assert time.monotonic() - started < 10
    app.close()


def test_a_clock_that_cannot_be_saved_says_so_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(state_file=tmp_path / "state.sqlite", time_scale=10.0)
    tried = fails_after(app, monkeypatch, good=0)
    for _ in range(5):
        time.sleep(0.01)
        app.control.durability.checkpoint()
    assert tried[0] == 5
    stuck = [r for r in caplog.records if "the clock could not be saved" in r.getMessage()]
    assert len(stuck) == 1
    monkeypatch.undo()
    app.control.durability.checkpoint()
    assert any("the clock is saved again" in r.getMessage() for r in caplog.records)
    app.close()


def test_once_the_file_is_unusable_the_clock_runs_free(tmp_path: Path) -> None:
    """Nothing a restart could read is left to protect, so the lease no longer holds it."""
    state = tmp_path / "state.sqlite"
    app = create_app(state_file=state, time_scale=1000.0)
    state.unlink()
    assert (
        client(app).post(f"{ROUTE}/registrations", json={"domain_name": "x.com"}).status_code == 503
    )
    before = app.control.now()
    time.sleep(3.0)  # past the last lease (two seconds ahead, at any scale)
    assert (app.control.now() - before).total_seconds() > 2000
    app.close()
