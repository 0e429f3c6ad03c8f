"""``registrar-mock contract``: against a real ``registrar-mock serve`` on a free port."""

from __future__ import annotations

import argparse
import contextlib
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.contract_tests import cli, conformance
from tests.helpers import TOKEN


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


def _run(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")
    cli.add_parser(subparsers)
    out = StringIO()
    code = cli.run(parser.parse_args(["contract", *argv]), out=out)
    return code, out.getvalue()


def test_the_suite_passes_against_a_served_mock(served: str, tmp_path: Path) -> None:
    junit = tmp_path / "contract.xml"
    code, output = _run("--base-url", served, "--max-examples", "10", "--junit-xml", str(junit))
    assert code == 0, output
    assert "phase fuzzing" in output  # progress
    assert "POST /accounts/{account_id}/registrar/registrations" in output  # the table
    assert "passed" in output.splitlines()[-1]
    suite = ET.parse(junit).getroot()
    every = {op.label for op in conformance.operations(conformance.in_process(create_app()))}
    assert suite.get("failures") == "0" and int(suite.get("tests", "0")) == len(every)


READ_ONLY = "4ead0" + "0" * 27


def test_read_only_sends_nothing_that_changes_state(served: str) -> None:
    code, output = _run(
        "--base-url", served, "--read-only", "--max-examples", "5",
        "--email", "me@example.com", "--key", "abc123" + "0" * 31, "--account-id", READ_ONLY,
    )  # fmt: skip
    assert code == 0, output
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


def test_a_failure_exits_non_zero(served: str) -> None:
    """Against a server that answers with another API's spec, the run fails."""
    code, output = _run("--base-url", served + "/nowhere")
    assert code == 2
    assert output == ""


def test_bad_arguments() -> None:
    code, _ = _run("--base-url", "http://127.0.0.1:9", "--email", "a@b.c")
    assert code == 2
