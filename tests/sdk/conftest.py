"""A served mock for the modules that drive the official SDKs: one process (per test
worker) that they share, its state reset (to a bundled scenario) through the control API
before each test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.live import Running, running

# The account the bundled transfer scenarios give their zones to, and a second account
# (transfer-prerequisites gives it no billing profile).
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
OTHER = "b1000000000000000000000000000000"
TOKEN = "registrar-mock-sdk-test-token-0000000000"
JSON = {"Content-Type": "application/json"}


@dataclass
class Mock:
    """A `registrar-mock serve` process, and its control API as Python."""

    served: Running
    control: httpx.Client

    @property
    def base(self) -> str:
        """The base URL an SDK is given: http://127.0.0.1:PORT/client/v4."""
        return self.served.base

    @property
    def control_url(self) -> str:
        return f"{self.served.origin}/__mock__"

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST to the control API; its ``result``."""
        answer = self.control.post(path, json={} if body is None else body)
        assert answer.status_code == 200, answer.text
        return answer.json()["result"]

    def reset(self, scenario: str = "default") -> None:
        """Everything back to a bundled scenario, its clock at the scenario's start."""
        assert self.post("/reset", {"scenario": scenario})["scenario"] == scenario

    def advance(self, by: str) -> None:
        """Move the mock's clock on (a duration such as "61s" or "2d")."""
        self.post("/clock/advance", {"by": by})

    def transfer(self, answer: str, domain: str, account: str = ACCOUNT) -> dict[str, Any]:
        """Answer a transfer in: approve or reject (the losing registrar), accept or decline
        (the registrant); the workflow it leaves."""
        workflow: dict[str, Any] = self.post(f"/accounts/{account}/transfers/{domain}/{answer}")
        return workflow

    def charges(self, account: str = ACCOUNT) -> list[dict[str, Any]]:
        answer = self.control.get(f"/accounts/{account}/charges")
        assert answer.status_code == 200, answer.text
        found: list[dict[str, Any]] = answer.json()["result"]
        return found


@pytest.fixture(scope="session")
def served_mock() -> Iterator[Mock]:
    with (
        running() as served,
        httpx.Client(base_url=f"{served.origin}/__mock__", headers=JSON, timeout=30) as control,
    ):
        yield Mock(served, control)


@pytest.fixture
def mock(served_mock: Mock) -> Mock:
    """The module's served mock, reset to the default scenario."""
    served_mock.reset()
    return served_mock
