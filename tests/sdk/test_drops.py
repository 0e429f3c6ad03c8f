"""Dropped connections, as both official SDKs meet them against ``registrar-mock serve``.

A ``drop`` fault closes the socket with nothing sent: to a client that is a connection
error, which both SDKs retry on an idempotent request (after a backoff), and raise as
their own connection error once the retries run out. The journal records each attempt
as dropped, with no status.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import cloudflare
import httpx
import pytest

from tests.live import Running, running
from tests.sdk import node

ACCOUNT = "6d0e5c1f3a2b4c8d9e0f1a2b3c4d5e6f"
TOKEN = "drop_test_token_000000000000000000000000"
LIST = "registrar-domain-registration-list"
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def server() -> Iterator[Running]:
    with running() as served:
        yield served


@pytest.fixture
def control(server: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{server.origin}/__mock__", headers=JSON, timeout=10) as client:
        assert client.post("/reset", json={}).status_code == 200
        yield client


def drop_lists(control: httpx.Client, *, times: int, when: str = "before") -> None:
    rule = {"operations": [LIST], "times": times, "effect": {"drop": when}}
    assert control.post("/faults", json=rule).status_code == 201


def attempts(control: httpx.Client) -> list[Any]:
    """(status, dropped) of every request the server saw, oldest first."""
    entries = control.get("/journal").json()["result"]
    return [(entry["status"], entry["dropped"]) for entry in entries]


def python_sdk(server: Running, retries: int) -> cloudflare.Cloudflare:
    return cloudflare.Cloudflare(api_token=TOKEN, base_url=server.base, max_retries=retries)


def node_client(server: Running, retries: int) -> dict[str, Any]:
    return {"apiToken": TOKEN, "baseURL": server.base, "maxRetries": retries}


LIST_CALL = {"method": "registrar.registrations.list", "args": [{"account_id": ACCOUNT}]}


@pytest.mark.parametrize("when", ["before", "after"])
def test_the_python_sdk_retries_a_drop_and_then_succeeds(
    server: Running, control: httpx.Client, when: str
) -> None:
    drop_lists(control, times=1, when=when)
    with python_sdk(server, retries=2) as cf:
        page = cf.registrar.registrations.list(account_id=ACCOUNT)
    assert page.result == []
    assert attempts(control) == [(None, True), (200, False)]


def test_the_python_sdk_raises_its_connection_error_once_retries_run_out(
    server: Running, control: httpx.Client
) -> None:
    drop_lists(control, times=10)
    with python_sdk(server, retries=2) as cf, pytest.raises(cloudflare.APIConnectionError):
        cf.registrar.registrations.list(account_id=ACCOUNT)
    assert attempts(control) == [(None, True)] * 3  # the first try and two retries


@pytest.mark.parametrize("when", ["before", "after"])
def test_the_node_sdk_retries_a_drop_and_then_succeeds(
    server: Running, control: httpx.Client, when: str
) -> None:
    node.require()
    drop_lists(control, times=1, when=when)
    (answer,) = node.call(node_client(server, retries=2), LIST_CALL)
    assert answer["ok"], answer
    assert attempts(control) == [(None, True), (200, False)]


def test_the_node_sdk_raises_its_connection_error_once_retries_run_out(
    server: Running, control: httpx.Client
) -> None:
    node.require()
    drop_lists(control, times=10)
    (answer,) = node.call(node_client(server, retries=2), LIST_CALL)
    assert not answer["ok"]
    assert answer["error"]["class"] == "APIConnectionError", answer
    assert attempts(control) == [(None, True)] * 3
