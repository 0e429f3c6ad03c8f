"""`registrar-mock serve`: reloading the scenario, and the server end to end."""

from __future__ import annotations

import json
import logging
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.control.reload import ScenarioWatcher
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, TOKEN


def test_watcher_reloads_a_changed_file_once_it_holds_still(tmp_path: Path) -> None:
    world = tmp_path / "world.yaml"
    world.write_text("name: first\n")
    app = create_app(world)
    watcher = ScenarioWatcher(world, app.control)
    assert watcher.poll() is None
    with httpx.Client(
        transport=SyncASGITransport(app),
        base_url=f"http://mock/client/v4/accounts/{ACCOUNT}/registrar",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ) as api:
        assert api.post("/registrations", json={"domain_name": "old.com"}).status_code == 201
        world.write_text("name: second\nseed: 4\n")
        assert watcher.poll() is None  # changed: wait one poll for the writer to finish
        reloaded = watcher.poll()
        assert reloaded is not None
        assert reloaded.name == app.control.scenario.name == "second"
        assert api.get("/registrations").json()["result"] == []  # the state starts over
    assert watcher.poll() is None


def test_watcher_keeps_the_world_when_the_file_is_bad(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    world = tmp_path / "world.yaml"
    world.write_text("name: good\n")
    app = create_app(world)
    watcher = ScenarioWatcher(world, app.control)
    world.write_text("name: bad\naccounts:\n  - id: a\n    billing: maybe\n")
    with caplog.at_level(logging.INFO, logger="registrar_mock.reload"):
        assert watcher.poll() is None
        assert watcher.poll() is None
        world.unlink()
        watcher.poll()
        watcher.poll()
    assert app.control.scenario.name == "good"
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2
    assert messages[0] == (
        f"scenario not reloaded, still serving 'good': {world}: accounts[0].billing: must be a "
        "boolean (true or false) (fix the file and save it again)"
    )
    assert "cannot read" in messages[1]


# --- serve, end to end ------------------------------------------------------------


class Running:
    """A `registrar-mock serve --port 0` process: its banner, its stderr, its URLs."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "registrar_mock", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.stderr: list[str] = []
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()
        assert self.process.stdout is not None
        self.banner = ""
        for line in self.process.stdout:  # the banner ends with the curl command to try
            self.banner += line
            if line.strip().startswith("curl"):
                break
        found = re.search(r"Base URL +(http://\S+/client/v4)", self.banner)
        assert found, f"no base URL in {self.banner!r}; stderr: {self.stderr}"
        self.base = found.group(1)
        self.control = self.base.replace("/client/v4", "/__mock__")
        self.wait_for(lambda: self._answers(), "the server to answer")

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr.append(line.rstrip("\n"))

    def _answers(self) -> bool:
        try:
            return httpx.get(f"{self.base}/openapi.json", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 30
        while not condition():
            assert self.process.poll() is None, f"server exited: {self.stderr}"
            assert time.monotonic() < deadline, f"gave up waiting for {what}: {self.stderr}"
            time.sleep(0.05)

    def scenario(self, **headers: str) -> str:
        name: str = httpx.get(f"{self.control}/health", headers=headers).json()["result"][
            "scenario"
        ]
        return name

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@contextmanager
def running(*args: str) -> Iterator[Running]:
    server = Running(*args)
    try:
        yield server
    finally:
        server.stop()


def test_serve_logs_each_request_and_reloads_the_scenario(tmp_path: Path) -> None:
    world = tmp_path / "world.yaml"
    world.write_text("name: first\n")
    with running("--scenario", str(world), "--reload-scenario") as server:
        assert f"Scenario     first ({world}), reloaded when the file changes" in server.banner
        listing = f"{server.base}/accounts/{ACCOUNT}/registrar/registrations"
        assert httpx.get(listing, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        world.write_text("name: second\n")
        server.wait_for(lambda: server.scenario() == "second", "the reload")
        world.write_text("name: third\naccounts: nope\n")
        server.wait_for(
            lambda: any("not reloaded" in line for line in server.stderr), "the refusal"
        )
        assert server.scenario() == "second"
    assert "Traceback" not in "\n".join(server.stderr)
    access = [line for line in server.stderr if "/registrations" in line]
    assert len(access) == 1
    assert re.fullmatch(
        rf"\S+Z INFO method=GET path=/client/v4/accounts/{ACCOUNT}/registrar/registrations "
        rf"account={ACCOUNT} status=200 ms=\d+\.\d",
        access[0],
    )
    [reloaded] = [line for line in server.stderr if "reloaded" in line and "not" not in line]
    assert reloaded.endswith(f"INFO scenario reloaded from {world}: second (state reset)")
    [refused] = [line for line in server.stderr if "not reloaded" in line]
    assert f"WARNING scenario not reloaded, still serving 'second': {world}: accounts:" in refused


def test_serve_with_a_control_token_and_a_state_file(tmp_path: Path) -> None:
    state = tmp_path / "mock.db"
    token = "s3cret-control-token"
    with running("--control-token", token, "--state-file", str(state), "--no-access-log") as server:
        assert token not in server.banner
        assert f"State file   {state}" in server.banner
        assert httpx.get(f"{server.control}/health").status_code == 401
        assert server.scenario(Authorization=f"Bearer {token}") == "default"
    assert state.exists()
    assert not [line for line in server.stderr if " method=" in line]


@pytest.mark.parametrize("scenario", ["default", "two-accounts"])
def test_the_banners_try_it_line_works_pasted_as_printed(scenario: str) -> None:
    """The line is run as a shell would run it: nothing in it is left to define."""
    with running("--scenario", scenario, "--no-access-log") as server:
        line = next(
            text.strip() for text in server.banner.splitlines() if text.strip().startswith("curl")
        )
        words = shlex.split(line)
        assert words[:2] == ["curl", "-s"]
        if shutil.which("curl"):
            done = subprocess.run(words, capture_output=True, text=True, timeout=30, check=True)
            answer = json.loads(done.stdout)
        else:  # the same request, made here
            headers = dict([words[3].split(": ", 1)]) if "-H" in words else {}
            answer = httpx.get(words[-1], headers=headers).json()
    assert answer["success"] is True
