"""``registrar-mock contract``: against a real ``registrar-mock serve`` on a free port.

The runs are kept small (a few examples per operation); the deep passes are elsewhere.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import re
import shlex
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from registrar_mock import create_app
from registrar_mock import spec as project_spec
from registrar_mock.contract_tests import cli, conformance, defaults
from tests.helpers import ACCOUNT as README_ACCOUNT
from tests.helpers import JSON, ROOT, TOKEN


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    """A `registrar-mock serve` subprocess; its clock runs 1000x so holds take milliseconds."""
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "registrar_mock",
            "serve",
            "--port",
            str(port),
            "--time-scale",
            "1000",
            "--no-access-log",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/client/v4"
    try:
        for _ in range(200):  # bounded: at most ~20 s for the server to come up
            try:
                httpx.get(f"{base}/openapi.json", timeout=1).raise_for_status()
                break
            except httpx.HTTPError as exc:
                if process.poll() is not None:
                    detail = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(detail) from exc
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")
    cli.add_parser(subparsers)
    return parser.parse_args(["contract", *argv])


def _run(*argv: str) -> tuple[int, str]:
    out = StringIO()
    code = cli.run(_parse(*argv), out=out)
    return code, out.getvalue()


def _account_of(output: str) -> str:
    """The account a run printed it used."""
    match = re.search(r"^Account: (\S+) \(", output, re.M)
    assert match, output
    return match.group(1)


def _state(base: str) -> dict[str, Any]:
    """The served mock's whole state, from its control API."""
    root = base.removesuffix("/client/v4")
    response = httpx.get(f"{root}/__mock__/state", timeout=30)
    response.raise_for_status()
    state: dict[str, Any] = response.json()["result"]
    return state


def _registrations(state: dict[str, Any], account: str) -> list[str]:
    """The domains registered under ``account``, production and sandbox."""
    return [
        registration["domain_name"]
        for item in state["registrar"]["accounts"]
        if item["id"] == account
        for registration in item.get("registrations", [])
    ]


HEX32 = re.compile(r"[0-9a-f]{32}")


def test_the_suite_passes_against_a_served_mock(served: str, tmp_path: Path) -> None:
    """The default run: the bundled spec, and a fresh random account that the open world
    accepts; what it registered is there, and nothing is in the README's account."""
    junit = tmp_path / "contract.xml"
    code, output = _run("--base-url", served, "--max-examples", "5", "--junit-xml", str(junit))
    assert code == 0, output
    assert "phase fuzzing" in output  # progress
    assert "POST /accounts/{account_id}/registrar/registrations" in output  # the table
    assert "passed" in output.splitlines()[-1]
    suite = ET.parse(junit).getroot()
    every = {op.label for op in conformance.operations(conformance.in_process(create_app()))}
    assert suite.get("failures") == "0" and int(suite.get("tests", "0")) == len(every)

    account = _account_of(output)
    assert HEX32.fullmatch(account) and account != README_ACCOUNT
    assert "Spec: the bundled spec" in output
    assert f"Account: {account} (fresh and random for this run" in output
    assert f"Account {account} authenticates: GET /accounts/{account}/registrar/" in output
    assert f"What this run created is in account {account}." in output
    state = _state(served)
    assert _registrations(state, account), "the run registered nothing in its account"
    assert README_ACCOUNT not in {item["id"] for item in state["registrar"]["accounts"]}


def _spec_of(operation_ids: set[str]) -> dict[str, Any]:
    """The bundled spec with only these operations' paths (and every component)."""
    document = copy.deepcopy(project_spec.load())
    document["paths"] = {
        path: item
        for path, item in document["paths"].items()
        if any(
            isinstance(operation, dict) and operation.get("operationId") in operation_ids
            for operation in item.values()
        )
    }
    return document


def test_spec_from_a_file_and_a_fresh_account_each_run(served: str, tmp_path: Path) -> None:
    """``--spec`` is what the run tests; nothing asks the server for a spec; each default
    run has its own random account."""
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(_spec_of({"registrar-domain-discovery-check"})))
    root = served.removesuffix("/client/v4")
    httpx.delete(f"{root}/__mock__/journal", headers=JSON, timeout=30).raise_for_status()

    runs = [_run("--base-url", served, "--spec", str(path), "--max-examples", "2") for _ in "ab"]
    for code, output in runs:
        assert code == 0, output
        assert f"Spec: {path}" in output
        assert "POST /accounts/{account_id}/registrar/domain-check" in output
        after = output.split(" answered 200\n", 1)[1]  # progress and the table
        assert "/registrations" not in after  # only what the file has
        assert "1 operations, 0 failures" in output.splitlines()[-1]
    first, second = (_account_of(output) for _, output in runs)
    assert HEX32.fullmatch(first) and HEX32.fullmatch(second)
    assert first != second and README_ACCOUNT not in (first, second)

    journal = httpx.get(f"{root}/__mock__/journal", timeout=30).json()["result"]
    assert 0 < len(journal) < 1000  # all kept, so the first requests are still there
    assert not [entry for entry in journal if "openapi" in entry["path"]]
    # schemathesis's own probes (odd paths, no account) aside, each run kept to its account.
    accounts = {entry["account"] for entry in journal if entry["account"] is not None}
    assert accounts == {first, second}


def test_the_default_spec_is_the_bundled_one_and_needs_no_server() -> None:
    schema = conformance.against("http://127.0.0.1:9/client/v4")  # nothing listens there
    every = {op.label for op in conformance.operations(conformance.in_process(create_app()))}
    assert {op.label for op in conformance.operations(schema)} == every


def test_which_account_a_run_uses() -> None:
    fresh = {cli.settings_from(_parse("--base-url", "u")).account_id for _ in range(2)}
    assert len(fresh) == 2 and all(HEX32.fullmatch(account) for account in fresh)
    assert defaults.DEFAULT_ACCOUNT not in fresh
    read_only = cli.settings_from(_parse("--base-url", "u", "--read-only"))
    assert read_only.account_id == defaults.DEFAULT_ACCOUNT
    named = cli.settings_from(_parse("--base-url", "u", "--account-id", "acme"))
    assert named.account_id == "acme"


READ_ONLY = "4ead0" + "0" * 27


def test_read_only_sends_nothing_that_changes_state(served: str) -> None:
    code, output = _run(
        "--base-url", served, "--read-only", "--max-examples", "5",
        "--email", "me@example.com", "--key", "abc123" + "0" * 31, "--account-id", READ_ONLY,
    )  # fmt: skip
    assert code == 0, output
    assert f"Account: {READ_ONLY} (from --account-id)" in output
    assert "What this run created" not in output
    assert "POST /accounts/{account_id}/registrar/registrations " not in output
    assert "POST /accounts/{account_id}/registrar-sandbox/registrations " not in output
    assert "/transfer-in " not in output
    assert "PATCH /" not in output and "PUT /" not in output
    assert (
        "GET /accounts/{account_id}/registrar/registrations/{domain_name}/update-status" in output
    )
    listing = httpx.get(
        f"{served}/accounts/{READ_ONLY}/registrar/registrations",
        headers={"Authorization": f"Bearer {TOKEN}"},
    ).json()
    assert listing["result"] == []


def test_a_refused_account_stops_the_run(served: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Credentials the server refuses for the account: one line on stderr, before any test."""
    code, output = _run("--base-url", served, "--token", "not-a-token")
    assert code == 2 and output == ""
    problem = capsys.readouterr().err
    assert problem.startswith("registrar-mock contract: the server refused account ")
    assert "--account-id" in problem and problem.count("\n") == 1


def test_a_failure_exits_non_zero(served: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Where no Registrar API answers, the run stops before it starts."""
    code, output = _run("--base-url", served + "/nowhere")
    assert code == 2
    assert output == ""
    assert "no Registrar API at " in capsys.readouterr().err


def test_a_spec_that_cannot_be_loaded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.yaml"
    code, output = _run("--base-url", "http://127.0.0.1:9/client/v4", "--spec", str(missing))
    assert code == 2 and output == ""
    assert f"cannot load {missing}" in capsys.readouterr().err


def test_the_readme_documents_every_option() -> None:
    """The README's contract-testing section names each option, and its commands parse."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Contract testing", 1)[1].split("\n## ", 1)[0]
    parser = argparse.ArgumentParser()
    cli.configure(parser)
    options = {
        option
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    assert options <= set(re.findall(r"--[a-z][a-z-]*", section))
    commands = re.findall(r"```sh\n(registrar-mock contract .*?)```", section, re.S)
    assert len(commands) == 2
    for command in commands:
        args = parser.parse_args(shlex.split(command.replace("\\\n", " "))[2:])
        assert args.base_url.endswith("/client/v4")


def test_bad_arguments() -> None:
    code, _ = _run("--base-url", "http://127.0.0.1:9", "--email", "a@b.c")
    assert code == 2
