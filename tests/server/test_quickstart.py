"""The README's quick start, run as written against a real `registrar-mock serve`."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import ROOT
from tests.live import serve

README = ROOT / "README.md"


def block_after(marker: str) -> str:
    match = re.search(rf"<!-- {marker} -->\n```\w*\n(.*?)```", README.read_text(), re.S)
    assert match, f"README has no block marked {marker}"
    return match.group(1)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve() as url:
        yield url


def test_readme_opens_with_the_two_setup_commands() -> None:
    first_block = re.search(r"```\w*\n(.*?)```", README.read_text(), re.S)
    assert first_block
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make serve", "make test"]


def curl_to_request(command: str) -> tuple[str, str, dict[str, str], str | None]:
    """Read the handful of curl options the README uses; anything else fails the test."""
    words = shlex.split(command)
    assert words[0] == "curl"
    url, headers, data, method = "", {}, None, None
    rest = iter(words[1:])
    for word in rest:
        if word == "-s":
            continue
        if word == "-H":
            name, _, value = next(rest).partition(":")
            headers[name.strip()] = value.strip()
        elif word == "-d":
            data = next(rest)
        elif word == "-X":
            method = next(rest)
        elif word.startswith("http"):
            url = word
        else:
            raise AssertionError(f"unexpected curl option {word!r}")
    return method or ("POST" if data is not None else "GET"), url, headers, data


def test_curl_examples(base_url: str) -> None:
    commands = block_after("quickstart-curl").replace("\\\n", " ").strip().splitlines()
    assert len(commands) == 3
    answers = []
    for command in commands:
        method, url, headers, data = curl_to_request(command)
        url = url.replace("http://127.0.0.1:8787/client/v4", base_url)
        response = httpx.request(method, url, headers=headers, content=data)
        answers.append(response)
    check, create, listing = answers
    assert check.status_code == 200
    assert [
        (d["name"], d["registrable"], d.get("reason")) for d in check.json()["result"]["domains"]
    ] == [
        ("my-new-startup.com", True, None),
        ("example.com", False, "domain_unavailable"),
        ("coffee.xyz", False, "domain_premium"),
    ]
    assert check.json()["result"]["domains"][0]["pricing"]["registration_cost"] == "8.57"
    assert create.status_code == 201
    assert create.json()["result"]["state"] == "succeeded"
    assert [r["domain_name"] for r in listing.json()["result"]] == ["my-new-startup.com"]


def test_sdk_example(base_url: str) -> None:
    code = block_after("quickstart-sdk").replace("http://127.0.0.1:8787/client/v4", base_url)
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "sdk-demo.com True None"
    assert lines[1] == "example.com False domain_unavailable"
    state, expires = lines[2].split()
    assert state == "succeeded"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", expires)
    assert lines[3].split()[0] == "pending"
    assert lines[3].split()[1].endswith("/registrations/sdk-demo.dev/registration-status")
    listed = dict(line.split() for line in lines[4:])
    assert listed["sdk-demo.com"] == "active"
    assert listed["sdk-demo.dev"] in {"registration_pending", "active"}


def test_serve_answers_in_the_envelope(base_url: str) -> None:
    response = httpx.get(f"{base_url}/nowhere")
    assert response.status_code == 400
    assert json.loads(response.text)["errors"][0]["code"] == 7000


def test_client_example(base_url: str) -> None:
    code = block_after("client-example").replace("http://127.0.0.1:8787/client/v4", base_url)
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("client-demo.com True ")
    assert lines[1].startswith("WorkflowState.SUCCEEDED ") or lines[1].startswith("succeeded ")
    assert any(line.startswith("client-demo.com ") for line in lines[2:])
