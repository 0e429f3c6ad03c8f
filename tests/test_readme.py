"""Every fenced code block in README.md, accounted for: run here as written, run by another
named test, or excused with a reason.

The README is parsed when the tests run, so a block added without coverage fails
``test_every_block_is_accounted_for``. A block is named by the last ``<!-- name -->``
comment since the block before it (usually the line right above it). What is accounted
for is a *unit*: a whole block, except that an ``sh`` block whose name is in none of the
mappings below is split into its commands, each a unit ``"name: command"`` (backslash
continuations joined, the trailing ``# comment`` and repeated spaces dropped).

How each kind of block is run, as a user would:

- python: a script (``python -c``), a pytest test file (written into a project folder of
  its own and run by pytest in a subprocess), or a unittest module (``python -m
  unittest``); fragments run after the block they continue (``FRAGMENTS``) or after the
  user's own code they name (``USER_CODE``);
- sh: run by bash with the project's ``.venv/bin`` first on ``PATH`` (as when the venv is
  active); servers are started, checked at their health endpoint and stopped. Everything
  the README sends to ``http://127.0.0.1:8787`` goes to a server on that very port: see
  ``Port8787``. A busy port fails the test, saying so;
- yaml: loaded as the scenario it is; text: compared with what the product prints.
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import httpx
import jsonschema
import pytest
import yaml

from tests.helpers import ACCOUNT, JSON, ROOT

README = ROOT / "README.md"
VENV_BIN = ROOT / ".venv" / "bin"
HOST, PORT = "127.0.0.1", 8787
ORIGIN = f"http://{HOST}:{PORT}"
TIMEOUT = 120.0  # seconds for any one subprocess; each finishes in a few


# ---------------------------------------------------------------------------------------
# Reading the README


@dataclass(frozen=True)
class Block:
    name: str  # "" when no marker names it
    lang: str  # the info string: python, sh, yaml, text, or ""
    code: str
    line: int  # of the opening fence


@dataclass(frozen=True)
class Command:
    key: str  # as the mappings name it
    text: str  # as written, continuations and comment included


FENCE = re.compile(r"^```(\S*)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
MARKER = re.compile(r"^<!-- ([a-z0-9][a-z0-9-]*) -->[ \t]*$", re.M)


def readme_blocks(text: str | None = None) -> list[Block]:
    text = README.read_text() if text is None else text
    blocks, previous_end = [], 0
    for fence in FENCE.finditer(text):
        markers = MARKER.findall(text, previous_end, fence.start())
        line = text.count("\n", 0, fence.start()) + 1
        blocks.append(Block(markers[-1] if markers else "", fence[1], fence[2], line))
        previous_end = fence.end()
    return blocks


def commands(code: str) -> list[Command]:
    """The commands of an ``sh`` block: as written, and normalised as a key."""
    found = []
    for written in re.split(r"(?<!\\)\n", code):
        key = re.sub(r"(^|\s)#.*$", "", written.replace("\\\n", " ")).strip()
        if key:
            found.append(Command(" ".join(key.split()), written))
    return found


def block(name: str) -> Block:
    matches = [b for b in readme_blocks() if b.name == name]
    assert len(matches) == 1, f"README has {len(matches)} blocks named {name!r}"
    return matches[0]


def units(blocks: list[Block]) -> dict[str, Block]:
    """Every unit the mappings must account for, and the block it is in."""
    found: dict[str, Block] = {}
    named = RUN_HERE.keys() | COVERED_ELSEWHERE.keys() | EXCUSED.keys()
    for each in blocks:
        if each.lang == "sh" and each.name not in named:
            found.update({f"{each.name}: {c.key}": each for c in commands(each.code)})
        else:
            found[each.name] = each
    return found


def command(unit: str) -> str:
    """The command of an ``sh`` unit, as the README writes it."""
    name, _, key = unit.partition(": ")
    written = [c.text for c in commands(block(name).code) if c.key == key]
    assert len(written) == 1, f"README's {name} block has no command {key!r}"
    return written[0]


# ---------------------------------------------------------------------------------------
# What covers each unit

# Run by tests in this module: each unit, and the tests that run it.
RUN_HERE: dict[str, tuple[str, ...]] = {
    "setup-commands: make serve": ("test_make_serve",),
    "quickstart-curl": ("test_quickstart_curl",),  # one script: the three curls in order
    "quickstart-sdk": ("test_quickstart_sdk",),
    "in-process-example": ("test_in_process_example",),
    "pytest-plugin-example": ("test_pytest_plugin_example",),
    "environment-example": ("test_environment_example",),
    "journal-failure-output": ("test_journal_failure_output",),
    "mock-server-example": ("test_mock_server_example",),
    "mock-registrar-example": ("test_mock_registrar_example",),
    "scenario-commands: make serve SCENARIO=slow-registry": ("test_make_serve_a_scenario",),
    "scenario-commands: .venv/bin/registrar-mock serve --scenario ./my-world.yaml "
    "--time-scale 3600": ("test_serve_my_world",),
    "scenario-commands: .venv/bin/registrar-mock scenarios list": ("test_scenarios_list",),
    "scenario-commands: .venv/bin/registrar-mock scenarios validate my-world.yaml": (
        "test_scenarios_validate",
    ),
    "create-app-scenario": ("test_create_app_fragment",),
    "scenario-error-output": ("test_scenario_error_output",),
    "scenario-example": (
        "test_scenario_example_fits_the_schema",
        "test_scenarios_validate",
        "test_serve_my_world",
    ),
    "control-example": ("test_control_example",),
    "client-example": ("test_client_example",),
    "client-transfer-example": ("test_client_transfer_example",),
    "validating-transport-example": ("test_validating_transport_example",),
    "layout": ("test_layout",),
}

# Python fragments that continue an earlier block: run after it, in one script.
FRAGMENTS: dict[str, str] = {
    "create-app-scenario": "in-process-example",  # its create_app import
}

# Files the README's commands name, and the block each is.
FILES: dict[str, str] = {
    "my-world.yaml": "scenario-example",  # "Start the server with one": the complete example
}

# Run by another test, named "path::function" (too slow for this module, or done there).
COVERED_ELSEWHERE: dict[str, str] = {
    # The same test, writing its picture to a temporary file (a browser: make test has one
    # where Chromium is installed, and CI always).
    "development-commands: make screenshot": (
        "tests/inspector/test_browser.py::test_the_readme_screenshot"
    ),
    # The same arguments, against a served mock on a free port (about a minute with five
    # examples per operation on a busy two-core machine: too long to repeat here).
    "contract-against-serve": (
        "tests/contract/test_cli.py::test_the_suite_passes_against_a_served_mock"
    ),
}

# Not run anywhere, and why. Each must still be in the README, and parse (bash -n).
EXCUSED: dict[str, str] = {
    "setup-commands: make test": "runs the whole suite, this module included, for minutes",
    "contract-make: make contract": "the deeper contract pass: many minutes, by design",
    "contract-read-only": "needs a real Cloudflare account, its API token, and the network",
    "install-commands: pip install registrar-mock": (
        "installs a release from PyPI (no network here); tests/packaging/test_install.py "
        "installs the built wheel, with and without extras"
    ),
    "install-commands: pip install 'registrar-mock[sdk]'": "installs from PyPI, as above",
    "install-commands: pip install 'registrar-mock[contract]'": "installs from PyPI, as above",
    "install-commands: pip install 'registrar-mock[fast]'": "installs from PyPI, as above",
    "development-commands: make test": "runs the whole suite, this module included",
    "development-commands: make lint": (
        "checks every file in the tree (others' work in progress included), not the README"
    ),
    "development-commands: make typecheck": "strict mypy on every package: minutes, cold",
    "development-commands: make contract": "the deeper contract pass: many minutes",
    "development-commands: make bench": (
        "about two minutes, and installs wrk from the system packages when it is missing"
    ),
}

# The user's own code a fragment names but no block defines: a client of theirs, and the
# handler its fake transport answers with. PER_PAGE is what that client sends.
USER_CODE: dict[str, str] = {
    "validating-transport-example": """\
import httpx


def my_fake_handler(request: httpx.Request) -> httpx.Response:
    envelope = {"success": True, "errors": [], "messages": [], "result": []}
    page = {"count": 0, "cursor": "", "per_page": PER_PAGE}
    return httpx.Response(200, json={**envelope, "result_info": page})


class MyClient:
    def __init__(self, http_client: httpx.Client) -> None:
        self.http = http_client

    def list_all_domains(self) -> list[object]:
        url = "https://api.cloudflare.com/client/v4/accounts/ACCOUNT/registrar/registrations"
        headers = {"Authorization": "Bearer registrar-mock-demo-token-00000000000000"}
        answer = self.http.get(url, params={"per_page": PER_PAGE}, headers=headers)
        return answer.json()["result"]
""",
}


# ---------------------------------------------------------------------------------------
# The accounts balance


def test_every_block_is_named_once() -> None:
    blocks = readme_blocks()
    unnamed = [f"line {b.line} ({b.lang or 'no language'})" for b in blocks if not b.name]
    assert not unnamed, f"README blocks with no <!-- name --> marker before them: {unnamed}"
    names = [b.name for b in blocks]
    assert len(names) == len(set(names)), f"README block names repeat: {names}"


def test_every_block_is_accounted_for() -> None:
    found = units(readme_blocks())
    mappings: dict[str, set[str]] = {
        "RUN_HERE": set(RUN_HERE),
        "COVERED_ELSEWHERE": set(COVERED_ELSEWHERE),
        "EXCUSED": set(EXCUSED),
    }
    missing = sorted(found.keys() - set().union(*mappings.values()))
    assert not missing, f"README units that nothing runs or excuses: {missing}"
    for name, mapping in mappings.items():
        stale = sorted(mapping - found.keys())
        assert not stale, f"{name} names units the README no longer has: {stale}"
    twice = [u for u in found if sum(u in m for m in mappings.values()) > 1]
    assert not twice, f"units in more than one mapping: {twice}"


def test_a_new_block_or_command_needs_coverage() -> None:
    """What the README would be with one more block, or one more command in a block."""
    text = README.read_text()
    mapped = RUN_HERE.keys() | COVERED_ELSEWHERE.keys() | EXCUSED.keys()
    for more, unit in [
        ("\n```python\nprint(1)\n```\n", ""),
        ("\n<!-- new-example -->\n```python\nprint(1)\n```\n", "new-example"),
    ]:
        assert unit in units(readme_blocks(text + more)).keys() - mapped
    grown = text.replace("make bench  ", "make soak\nmake bench  ", 1)
    assert grown != text
    assert "development-commands: make soak" in units(readme_blocks(grown)).keys() - mapped


def test_the_tests_named_exist() -> None:
    here = globals()
    for unit, tests in RUN_HERE.items():
        for name in tests:
            assert name.startswith("test_") and callable(here.get(name)), (unit, name)
    for unit, target in COVERED_ELSEWHERE.items():
        path, _, function = target.partition("::")
        tree = ast.parse((ROOT / path).read_text())
        defined = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert function.startswith("test_") and function in defined, (unit, target)


def test_fragments_and_files_name_blocks() -> None:
    order = [b.name for b in readme_blocks()]
    for fragment, continued in FRAGMENTS.items():
        assert order.index(continued) < order.index(fragment), (fragment, continued)
        assert block(fragment).lang == block(continued).lang == "python"
    for file, name in FILES.items():
        assert block(name).lang == Path(file).suffix.lstrip(".")
        assert any(
            file in c.key for b in readme_blocks() if b.lang == "sh" for c in commands(b.code)
        )
    for name in USER_CODE:
        assert block(name).lang == "python"


@pytest.mark.parametrize("name", [b.name for b in readme_blocks() if b.lang == "sh"])
def test_every_shell_block_parses(name: str) -> None:
    result = subprocess.run(["bash", "-n"], input=block(name).code, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("unit", sorted(EXCUSED))
def test_each_excused_command_parses(unit: str) -> None:
    name, _, key = unit.partition(": ")
    code = command(unit) if key else block(name).code
    result = subprocess.run(["bash", "-n"], input=code, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------------------
# Running things as a user would


def user_environment() -> dict[str, str]:
    """This environment with the venv active, and none of a developer's Cloudflare or
    registrar-mock settings, nor this pytest run's own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CLOUDFLARE_", "REGISTRAR_MOCK_", "PYTEST_"))
    }
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(ROOT / ".venv")
    return env


def run(
    argv: list[str], cwd: Path = ROOT, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=cwd, env=user_environment(), capture_output=True, text=True, timeout=timeout
    )


def python_script(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-W", "error", "-c", code], cwd)


def shell(text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run(["bash", "-c", text], cwd)


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    """The standard output of a run that exited 0."""
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def commented_prints(code: str) -> list[str]:
    """What a block says its prints show: the comment on each print line, in order."""
    lines = [line for line in code.splitlines() if "print(" in line]
    shown = [re.search(r"\)\s+# (.+)$", line) for line in lines]
    assert all(shown), f"a print with no comment saying what it shows: {lines}"
    return [match[1] for match in shown if match]


def project(directory: Path) -> Path:
    """A user's project folder: the venv (as a link to ours) and the README's files."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".venv").symlink_to(ROOT / ".venv")
    for file, name in FILES.items():
        (directory / file).write_text(block(name).code)
    return directory


# Work that needs nothing but a folder of its own is started all at once when the first
# test needs any of it, on a few threads, while the tests that use port 8787 go on. Under
# xdist the suite is parallel already: each job then runs only when its test asks.
JOBS: dict[str, Callable[[Path], subprocess.CompletedProcess[str]]] = {}


def job(
    name: str,
) -> Callable[
    [Callable[[Path], subprocess.CompletedProcess[str]]],
    Callable[[Path], subprocess.CompletedProcess[str]],
]:
    def register(
        function: Callable[[Path], subprocess.CompletedProcess[str]],
    ) -> Callable[[Path], subprocess.CompletedProcess[str]]:
        JOBS[name] = function
        return function

    return register


class Jobs:
    def __init__(self, root: Path, prefetch: bool) -> None:
        self.root = root
        self.pool = ThreadPoolExecutor(max_workers=3)
        self.futures: dict[str, Future[subprocess.CompletedProcess[str]]] = {}
        if prefetch:
            for name in JOBS:
                self._submit(name)

    def _submit(self, name: str) -> Future[subprocess.CompletedProcess[str]]:
        if name not in self.futures:
            folder = self.root / name
            folder.mkdir()
            self.futures[name] = self.pool.submit(JOBS[name], folder)
        return self.futures[name]

    def result(self, name: str) -> subprocess.CompletedProcess[str]:
        return self._submit(name).result(timeout=TIMEOUT * 2)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Jobs]:
    started = Jobs(tmp_path_factory.mktemp("jobs"), "PYTEST_XDIST_WORKER" not in os.environ)
    yield started
    started.close()


# ---------------------------------------------------------------------------------------
# Port 8787, where the README's examples find the mock


class Port8787:
    """One mock at a time on 127.0.0.1:8787, started the way the README starts it.

    The same command again resets its world instead of restarting it, so each example
    meets a fresh ``make serve``. A lock file keeps the port to one test process at a
    time (xdist workers included), from the first use until the module's end."""

    LOCK = Path(tempfile.gettempdir()) / "registrar-mock-readme-port-8787.lock"

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.lock: TextIO | None = None
        self.process: subprocess.Popen[str] | None = None
        self.running: tuple[str, Path] | None = None
        self.log: Path | None = None
        self.started = 0

    def serve(self, text: str, cwd: Path = ROOT) -> None:
        self._acquire()
        if self.running == (text, cwd) and self.process and self.process.poll() is None:
            post = httpx.post(f"{ORIGIN}/__mock__/reset", json={}, timeout=30)
            assert post.status_code == 200, post.text
            cleared = httpx.delete(f"{ORIGIN}/__mock__/journal", headers=JSON, timeout=30)
            assert cleared.status_code == 200, cleared.text
            return
        self.stop()
        self._check_free()
        self.started += 1
        self.log = self.logs / f"server-{self.started}.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                ["bash", "-c", text], cwd=cwd, env=user_environment(), stdout=out,
                stderr=subprocess.STDOUT, text=True, start_new_session=True,
            )  # fmt: skip
        self.running = (text, cwd)
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"`{text}` exited {self.process.returncode}:\n{self.output()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{ORIGIN}/__mock__/health", timeout=1).status_code == 200:
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"`{text}` did not answer at {ORIGIN} within 60 s:\n{self.output()}")
            time.sleep(0.05)

    def output(self) -> str:
        return self.log.read_text() if self.log else ""

    def stop(self) -> None:
        process, self.process, self.running = self.process, None, None
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)  # bash, make and the server: all ours
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def close(self) -> None:
        self.stop()
        if self.lock is not None:
            fcntl.flock(self.lock, fcntl.LOCK_UN)
            self.lock.close()
            self.lock = None

    def _acquire(self) -> None:
        if self.lock is not None:
            return
        self.lock = self.LOCK.open("a")
        deadline = time.monotonic() + 300
        while True:
            try:
                fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test process has held {self.LOCK} for 300 s")
                time.sleep(0.2)

    @staticmethod
    def _check_free() -> None:
        busy = (
            f"{HOST}:{PORT} is in use, and the README's examples need it: stop what listens there"
        )
        with socket.socket() as probe:
            probe.settimeout(1)
            if probe.connect_ex((HOST, PORT)) == 0:
                pytest.fail(f"{busy} (perhaps a `make serve` of your own)")
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((HOST, PORT))
            except OSError as error:
                pytest.fail(f"{busy} ({error})")


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory, jobs: Jobs) -> Iterator[Port8787]:
    """Port 8787 (asks for ``jobs`` so the independent work starts first, alongside)."""
    served = Port8787(tmp_path_factory.mktemp("port-8787"))
    yield served
    served.close()


@pytest.fixture(scope="module")
def user_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project(tmp_path_factory.mktemp("user-project") / "project")


def control(path: str) -> Any:
    answer = httpx.get(f"{ORIGIN}/__mock__{path}", timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["result"]


# ---------------------------------------------------------------------------------------
# The blocks on port 8787, in the README's order; the server starts with the first


def test_make_serve(port: Port8787) -> None:
    port.serve(command("setup-commands: make serve"))
    assert control("/health")["scenario"] == "default"
    assert f"Base URL     {ORIGIN}/client/v4" in port.output()  # "prints the base URL"


def test_quickstart_curl(port: Port8787, user_project: Path) -> None:
    port.serve(command("setup-commands: make serve"))
    out = succeeded(shell(block("quickstart-curl").code, user_project))
    decoder, answers, at = json.JSONDecoder(), [], 0
    while at < len(out.rstrip()):
        answer, at = decoder.raw_decode(out, at)
        answers.append(answer)
    check, create, listing = answers
    domains = check["result"]["domains"]
    assert [(d["name"], d["registrable"], d.get("reason")) for d in domains] == [
        ("my-new-startup.com", True, None),
        ("example.com", False, "domain_unavailable"),  # taken
        ("coffee.xyz", False, "domain_premium"),
    ]
    assert domains[0]["pricing"]["registration_cost"] == "8.57"
    assert create["result"]["state"] == "succeeded"
    assert [r["domain_name"] for r in listing["result"]] == ["my-new-startup.com"]
    assert [e["status"] for e in control("/journal")] == [200, 201, 200]


def test_quickstart_sdk(port: Port8787, user_project: Path) -> None:
    port.serve(command("setup-commands: make serve"))
    lines = succeeded(python_script(block("quickstart-sdk").code, user_project)).splitlines()
    assert lines[:2] == ["sdk-demo.com True None", "example.com False domain_unavailable"]
    state, expires = lines[2].split()
    assert state == "succeeded"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", expires)
    assert lines[3] == (
        f"pending /accounts/{ACCOUNT}/registrar/registrations/sdk-demo.dev/registration-status"
    )
    listed = dict(line.split() for line in lines[4:])
    assert listed.keys() == {"sdk-demo.com", "sdk-demo.dev"}
    assert listed["sdk-demo.com"] == "active"
    assert listed["sdk-demo.dev"] in {"registration_pending", "active"}


def test_client_example(port: Port8787, user_project: Path) -> None:
    port.serve(command("setup-commands: make serve"))
    lines = succeeded(python_script(block("client-example").code, user_project)).splitlines()
    assert lines[0].startswith("client-demo.com True ")
    assert lines[1].split()[0] == "succeeded"
    assert lines[2:] == ["client-demo.com active"]


def test_client_transfer_example(port: Port8787, user_project: Path) -> None:
    code = block("client-transfer-example").code
    served = re.search(r"# (registrar-mock serve --scenario [\w-]+)$", code, re.M)
    assert served, "the example says which server it needs"
    port.serve(served[1], user_project)
    lines = succeeded(python_script(code, user_project)).splitlines()
    assert lines == [
        "move-me-in.com True 8.57",
        "example.com False domain_locked, zone_not_found",
        "pending transfer_pending",
        "com True True",
        "succeeded ['com', 'net']",
    ]


def test_make_serve_a_scenario(port: Port8787) -> None:
    port.serve(command("scenario-commands: make serve SCENARIO=slow-registry"))
    assert control("/health")["scenario"] == "slow-registry"


def test_serve_my_world(port: Port8787, user_project: Path) -> None:
    unit = "scenario-commands: .venv/bin/registrar-mock serve --scenario ./my-world.yaml"
    port.serve(command(f"{unit} --time-scale 3600"), user_project)
    assert control("/health")["scenario"] == "launch-day"
    assert control("/clock")["time_scale"] == 3600
    port.stop()  # the last on the port: free it for whoever comes next


# ---------------------------------------------------------------------------------------
# Independent blocks


@job("in-process-example")
def _in_process(folder: Path) -> subprocess.CompletedProcess[str]:
    return python_script(block("in-process-example").code, folder)


def test_in_process_example(jobs: Jobs) -> None:
    assert succeeded(jobs.result("in-process-example")) == ""


@job("create-app-scenario")
def _create_app(folder: Path) -> subprocess.CompletedProcess[str]:
    fragment = "create-app-scenario"
    code = f"{block(FRAGMENTS[fragment]).code}\n{block(fragment).code}"
    check = 'assert app.control.scenario.name == "near-limit"\n'  # the fragment's app
    return python_script(code + check, folder)


def test_create_app_fragment(jobs: Jobs) -> None:
    succeeded(jobs.result("create-app-scenario"))


@job("pytest-files")
def _pytest_files(folder: Path) -> subprocess.CompletedProcess[str]:
    """A user's test folder: the README's two whole test files, and the validating
    transport's test after the user's own client, once sending what the spec allows and
    once not (which must fail: the example checks something)."""
    (folder / "test_plugin_example.py").write_text(block("pytest-plugin-example").code)
    (folder / "test_environment_example.py").write_text(block("environment-example").code)
    name = "validating-transport-example"
    user = USER_CODE[name].replace("ACCOUNT", ACCOUNT)
    for file, per_page in [("test_validating.py", "50"), ("test_validating_caught.py", "500")]:
        code = user.replace("PER_PAGE", per_page)
        (folder / file).write_text(f"{code}\n\n{block(name).code}")
    # Hypothesis' and schemathesis' plugins are installed here for other tests: they add
    # seconds to the start and nothing to these files.
    quiet = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:schemathesis"]
    strict = ["--strict-markers", "-W", "error", "--junitxml", "report.xml", "-q"]
    return run([sys.executable, "-m", "pytest", *quiet, *strict], folder)


def pytest_outcomes(jobs: Jobs, file: str) -> dict[str, str]:
    """Each test of ``file`` in the pytest run: passed, or its first problem's message."""
    result = jobs.result("pytest-files")
    report = jobs.root / "pytest-files" / "report.xml"
    assert report.exists(), f"pytest wrote no report:\n{result.stdout}\n{result.stderr}"
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.get("classname") != file.removesuffix(".py"):
            continue
        problems = [child for child in case if child.tag in {"failure", "error", "skipped"}]
        message = f"{problems[0].tag}: {problems[0].get('message')}" if problems else "passed"
        outcomes.setdefault(str(case.get("name")), message)
    assert outcomes, f"pytest ran nothing in {file}:\n{result.stdout}\n{result.stderr}"
    return outcomes


def test_pytest_plugin_example(jobs: Jobs) -> None:
    assert pytest_outcomes(jobs, "test_plugin_example.py") == {
        "test_registration_waits_for_the_registry": "passed"
    }


def test_environment_example(jobs: Jobs) -> None:
    assert pytest_outcomes(jobs, "test_environment_example.py") == {
        "test_the_app_registers": "passed"
    }


def test_validating_transport_example(jobs: Jobs) -> None:
    test = "test_my_client_sends_what_the_contract_allows"
    assert pytest_outcomes(jobs, "test_validating.py") == {test: "passed"}
    caught = pytest_outcomes(jobs, "test_validating_caught.py")[test]
    assert caught.startswith("failure: ") and "500 is greater than the maximum of 50" in caught


# The requests the journal failure shows, sent in-process as "Using it from Python tests"
# does, then the assertion it shows failing, left uncaught for Python to print.
JOURNAL_FAILURE = """\
import httpx
from registrar_mock import create_app
from registrar_mock.testing import SyncASGITransport

app = create_app()
api = httpx.Client(
    transport=SyncASGITransport(app),
    base_url="http://mock/client/v4/accounts/023e105f4ecef8ad9ca31a8372d0c353/registrar",
    headers={"Authorization": "Bearer registrar-mock-demo-token-00000000000000"},
)
api.post("/registrations", json={"domain_name": "a.dev"})
api.get("/registraton")
app.control.journal.assert_called(
    "registrar-domain-registration-create", times=1, body={"domain_name": "b.dev"}
)
"""


@job("journal-failure-output")
def _journal_failure(folder: Path) -> subprocess.CompletedProcess[str]:
    return python_script(JOURNAL_FAILURE, folder)


def test_journal_failure_output(jobs: Jobs) -> None:
    result = jobs.result("journal-failure-output")
    assert result.returncode == 1
    shown = block("journal-failure-output").code.splitlines()
    printed = result.stderr.splitlines()
    assert printed[-len(shown) :] == shown, result.stderr


@job("mock-server-example")
def _mock_server(folder: Path) -> subprocess.CompletedProcess[str]:
    return python_script(block("mock-server-example").code, folder)


def test_mock_server_example(jobs: Jobs) -> None:
    printed = succeeded(jobs.result("mock-server-example")).splitlines()
    assert printed == commented_prints(block("mock-server-example").code)


@job("mock-registrar-example")
def _mock_registrar(folder: Path) -> subprocess.CompletedProcess[str]:
    (folder / "test_near_limit.py").write_text(block("mock-registrar-example").code)
    return run([sys.executable, "-W", "error", "-m", "unittest", "-v", "test_near_limit"], folder)


def test_mock_registrar_example(jobs: Jobs) -> None:
    result = jobs.result("mock-registrar-example")
    succeeded(result)
    assert "test_one_more_fits (test_near_limit.NearTheLimit" in result.stderr
    assert "Ran 1 test" in result.stderr and result.stderr.rstrip().endswith("OK")


@job("control-example")
def _control(folder: Path) -> subprocess.CompletedProcess[str]:
    return python_script(block("control-example").code, folder)


def test_control_example(jobs: Jobs) -> None:
    printed = succeeded(jobs.result("control-example")).splitlines()
    assert printed == commented_prints(block("control-example").code)


@job("scenarios-list")
def _scenarios_list(folder: Path) -> subprocess.CompletedProcess[str]:
    unit = "scenario-commands: .venv/bin/registrar-mock scenarios list"
    return shell(command(unit), project(folder))


def test_scenarios_list(jobs: Jobs) -> None:
    """It lists the bundled ones: exactly those of the README's table."""
    listed = [line.split()[0] for line in succeeded(jobs.result("scenarios-list")).splitlines()]
    table = README.read_text().split("| Bundled | What it sets up |", 1)[1].split("\n\n", 1)[0]
    assert sorted(listed) == sorted(re.findall(r"^\| `([\w-]+)` \|", table, re.M))


@job("scenarios-validate")
def _scenarios_validate(folder: Path) -> subprocess.CompletedProcess[str]:
    unit = "scenario-commands: .venv/bin/registrar-mock scenarios validate my-world.yaml"
    return shell(command(unit), project(folder))


def test_scenarios_validate(jobs: Jobs) -> None:
    name = yaml.safe_load(block("scenario-example").code)["name"]
    assert succeeded(jobs.result("scenarios-validate")) == f"ok: my-world.yaml ({name})\n"


# A my-world.yaml with the one mistake the sample line names, where it names it.
BAD_WORLD = """\
accounts:
  - id: 023e105f4ecef8ad9ca31a8372d0c353
  - id: 9a7806061c88ada191ed06f989cc3dac
    registrations:
      - {domain: one.com}
      - {domain: two.com}
      - {domain: three.com}
      - {domain: four.com, created_at: "2026-03-02T00:00:00Z", expires_at: "2026-03-01T00:00:00Z"}
"""


@job("scenario-error-output")
def _scenario_error(folder: Path) -> subprocess.CompletedProcess[str]:
    (folder / "my-world.yaml").write_text(BAD_WORLD)
    argv = [str(VENV_BIN / "registrar-mock"), "serve", "--scenario", "my-world.yaml"]
    return run([*argv, "--port", "0"], folder, timeout=60)


def test_scenario_error_output(jobs: Jobs) -> None:
    """Refused before the server starts: that one line, and a non-zero exit."""
    result = jobs.result("scenario-error-output")
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr == block("scenario-error-output").code


def test_scenario_example_fits_the_schema() -> None:
    """It is checked against scenarios/scenario.schema.json, as the README says files are."""
    schema = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    validator(schema).validate(yaml.safe_load(block("scenario-example").code))
    assert block("scenario-example").code.startswith("# yaml-language-server: $schema=")


def test_layout() -> None:
    """Each folder and file the tree shows exists where it says, and each namespace it
    names is where pyproject.toml maps it."""
    package_dir = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-dir"
    ]
    parent, shown = ROOT, set()
    for line in block("layout").code.splitlines():
        indent = len(line) - len(line.lstrip())
        path, _, description = line.strip().partition(" ")
        base = ROOT if indent == 0 else parent
        assert (base / path).exists(), f"README's layout shows {path}, which is not there"
        if indent == 0:
            parent = ROOT / path
            namespace = re.match(r"(registrar_mock[\w.]*):", description.strip())
            if namespace:
                assert package_dir[namespace[1]] == path.rstrip("/"), line
                shown.add(namespace[1])
            if path == "tests/":
                for folder in description.strip().split(", "):
                    assert (ROOT / "tests" / folder).is_dir(), folder
    assert shown == set(package_dir), "every mapped namespace is in the layout"
