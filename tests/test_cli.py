"""The registrar-mock command line."""

from __future__ import annotations

import io
import logging
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mock_server import create_app, logs
from mock_server.cli import CliError, _app_options, banner, bind, main, mask
from mock_server.reload import ScenarioWatcher
from mock_server.testing import SyncASGITransport

from .live import serve


def test_scenarios_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "list"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert {"default", "near-limit", "flaky", "expiring"} <= set(names)


def test_scenarios_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "show", "near-limit"]) == 0
    assert "count: 99" in capsys.readouterr().out


def test_scenarios_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: good\ndomain_limit: 5\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\naccounts:\n  - id: a\n    billing: maybe\n")
    assert main(["scenarios", "validate", str(good)]) == 0
    assert main(["scenarios", "validate", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: accounts[0].billing:" in err
    assert "Traceback" not in err


def test_unknown_scenario_is_one_line_and_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "show", "atlantis"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("registrar-mock: atlantis")


def test_serve_takes_a_scenario_path(tmp_path: Path) -> None:
    world = tmp_path / "closed.yaml"
    world.write_text(
        "name: closed\nopen_accounts: false\naccounts:\n  - id: only\n    tokens: [t0k]\n"
    )
    with serve("--scenario", str(world)) as base:
        ok = httpx.get(f"{base}/accounts/only/registrar/registrations",
                       headers={"Authorization": "Bearer t0k"})  # fmt: skip
        refused = httpx.get(f"{base}/accounts/only/registrar/registrations",
                            headers={"Authorization": "Bearer other"})  # fmt: skip
        health = httpx.get(base.replace("/client/v4", "/__mock__/health")).json()
    assert ok.status_code == 200
    assert refused.status_code == 403
    assert health["result"]["scenario"] == "closed"


# --- help and errors ----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["scenarios"],
        ["scenarios", "list"],
        ["scenarios", "show"],
        ["scenarios", "validate"],
    ],
)
def test_every_command_has_help_with_examples(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "example" in out
    assert "registrar-mock " in out.split("example", 1)[1]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["serve", "--port", "http"], "argument --port: give a number from 0 to 65535, not 'http'"),
        (
            ["serve", "--port", "70000"],
            "argument --port: give a number from 0 to 65535, not '70000'",
        ),
        (["serve", "--log-level", "loud"], "invalid choice: 'loud'"),
        (["serve", "--time-scale", "0"], "--time-scale must be positive"),
        (["serve", "--scenario", "atlantis"], "atlantis: no such scenario file"),
        (["serve", "--reload-scenario"], "scenarios show default > my-world.yaml"),
        (["serve", "--reload-scenario", "--scenario", "flaky"], "'flaky' is bundled"),
        (["scenarios", "validate"], "the following arguments are required: paths"),
    ],
)
def test_errors_are_one_line_and_not_zero(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("registrar-mock: ")
    assert says in lines[0]
    assert captured.out == ""


def test_a_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(CliError, match=f"port {port} on 127.0.0.1 is already in use"):
            bind("127.0.0.1", port)


def test_flags_the_app_cannot_take_are_refused() -> None:
    def old_create_app(scenario: object = None, *, clock: object = None) -> None: ...

    assert _app_options(old_create_app, state_file=None, control_token=None) == {}
    with pytest.raises(CliError, match="--control-token is not supported by this version"):
        _app_options(old_create_app, state_file=None, control_token="s3cret")


# --- the banner -----------------------------------------------------------------


def test_banner_for_an_open_world() -> None:
    text = banner(create_app(), host="127.0.0.1", port=8787)
    base = "http://127.0.0.1:8787/client/v4"
    assert f"Base URL     {base}" in text
    assert "Scenario     default (default.yaml)" in text
    assert "any account id, with any well-formed token" in text
    assert "Control API  http://127.0.0.1:8787/__mock__" in text
    curl = next(line.strip() for line in text.splitlines() if line.strip().startswith("curl"))
    assert curl == (
        f"curl -s -H 'Authorization: Bearer any-token' {base}/accounts/"
        "023e105f4ecef8ad9ca31a8372d0c353/registrar/registrations"
    )
    assert "WARNING" not in text


def test_banner_never_prints_a_secret_in_full() -> None:
    text = banner(create_app("two-accounts"), host="127.0.0.1", port=8787)
    assert "acme0000000000000000000000000001  token ac…en, key ops@acme.example 0123…1234" in text
    assert "globex00000000000000000000000002  token glo…ken" in text
    for secret in ("acme-token", "globex-token", "0123456789abcdef0123456789abcdef01234"):
        assert secret not in text
    assert 'curl -s -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8787' in text


def test_mask() -> None:
    assert mask("0123456789abcdef0123456789abcdef") == "0123…cdef"
    assert mask("acme-token") == "ac…en"
    assert mask("abc") == "…"


def test_banner_warns_when_the_control_api_is_exposed() -> None:
    exposed = banner(create_app(), host="0.0.0.0", port=80)
    assert "Base URL     http://127.0.0.1:80/client/v4" in exposed
    assert "WARNING      0.0.0.0 is reachable from other machines" in exposed
    assert "set --control-token" in exposed
    guarded = banner(create_app(control_token="s3cret"), host="0.0.0.0", port=80)
    assert "WARNING" not in guarded
    assert "(Authorization: Bearer <your --control-token>)" in guarded
    assert "s3cret" not in guarded


# --- logs -----------------------------------------------------------------------


@pytest.fixture
def restore_loggers() -> Iterator[None]:
    names = ["registrar_mock", "registrar_mock.access", "uvicorn", "uvicorn.access"]
    saved = [
        (logger, logger.handlers[:], logger.level, logger.propagate, logger.disabled)
        for logger in map(logging.getLogger, names)
    ]
    yield
    for logger, handlers, level, propagate, disabled in saved:
        for added in set(logger.handlers) - set(handlers):
            added.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled


def test_access_line() -> None:
    request = {"method": "GET", "path": "/client/v4/accounts/a b/x", "account": None,
               "status": 200, "duration_ms": 1.234}  # fmt: skip
    assert logs.access_line(request) == (
        'method=GET path="/client/v4/accounts/a b/x" account=- status=200 ms=1.2'
    )


@pytest.mark.usefixtures("restore_loggers")
@pytest.mark.parametrize(
    ("level", "access", "logged"),
    [
        ("info", None, True),
        ("debug", None, True),
        ("warning", None, False),
        ("warning", True, True),
        ("info", False, False),
    ],
)
def test_one_structured_line_per_request(level: str, access: bool | None, logged: bool) -> None:
    stream = io.StringIO()
    handler = logs.configure(level, access, stream)
    app = create_app()
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as http:
        http.get("/client/v4/accounts/acme/registrar/registrations",
                 headers={"Authorization": "Bearer t"})  # fmt: skip
        http.get("/__mock__/health")
    handler.flush()
    lines = stream.getvalue().splitlines()
    if not logged:
        assert lines == []
        return
    [line] = lines
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO method=GET "
        r"path=/client/v4/accounts/acme/registrar/registrations account=acme status=200 "
        r"ms=\d+\.\d",
        line,
    ), line


class StuckStream(io.StringIO):
    """stderr as a pipe nobody reads: every write waits until released."""

    def __init__(self) -> None:
        super().__init__()
        self.writing = threading.Event()
        self.released = threading.Event()

    def write(self, text: str) -> int:
        self.writing.set()
        self.released.wait()
        return super().write(text)


def test_an_unread_stderr_never_stalls_the_server() -> None:
    stream = StuckStream()
    handler = logs.BackgroundHandler(stream, capacity=3)
    handler.setFormatter(logs.LineFormatter())
    log = logging.Logger("stuck")  # not registered: nothing global changes
    log.addHandler(handler)
    log.warning("line 0")
    assert stream.writing.wait(10)  # the writer is stuck on line 0
    for n in range(1, 10):
        log.warning("line %d", n)  # returns at once: 1-3 wait in the queue, 4-9 are dropped
    stream.released.set()
    handler.close()
    assert [line.split(" ", 2)[2] for line in stream.getvalue().splitlines()] == [
        "line 0",
        "6 log lines dropped: stderr was not read fast enough",
        "line 1",
        "line 2",
        "line 3",
    ]


# --- reloading the scenario -------------------------------------------------------


def test_watcher_reloads_a_changed_file_once_it_holds_still(tmp_path: Path) -> None:
    world = tmp_path / "world.yaml"
    world.write_text("name: first\n")
    app = create_app(world)
    watcher = ScenarioWatcher(world, app.control)
    assert watcher.poll() is None
    with httpx.Client(
        transport=SyncASGITransport(app),
        base_url="http://mock/client/v4/accounts/acme/registrar",
        headers={"Authorization": "Bearer t"},
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
        f"scenario not reloaded, still serving 'good': {world}: accounts[0].billing: 'maybe' is "
        "not of type 'boolean' (fix the file and save it again)"
    )
    assert "cannot read" in messages[1]


# --- serve, end to end ------------------------------------------------------------


class Running:
    """A `registrar-mock serve --port 0` process: its banner, its stderr, its URLs."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mock_server", "serve", "--port", "0", *args],
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
        listing = f"{server.base}/accounts/acme/registrar/registrations"
        assert httpx.get(listing, headers={"Authorization": "Bearer t"}).status_code == 200
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
        r"\S+Z INFO method=GET path=/client/v4/accounts/acme/registrar/registrations "
        r"account=acme status=200 ms=\d+\.\d",
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
