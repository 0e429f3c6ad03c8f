"""Concurrency invariants against a real uvicorn server, with many requests in flight at once.

`tests/test_concurrency.py` checks the same rules in-process; here the requests
race over real sockets into `registrar-mock serve`, and some of them are held
open while their workflows run, so they overlap on the server as well.

The server runs 1000 times faster than real time: a workflow step of 100
virtual seconds holds its request for 100 ms, and timestamps (milliseconds of
virtual time) are microseconds apart in real time, so they order the writes.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import serve

HELD = "4e1d0000000000000000000000000001"
PATCHER = "9a7c4e00000000000000000000000001"
TIME_SCALE = "1000"
RACE_TOKEN = "race-token-00000000000000000000000000000"

SCENARIO = f"""
name: live-concurrency
open_accounts: true
sync_wait: 1h                    # hold every request until its workflow ends
accounts:
  - id: {HELD}
    generate: {{count: 95, pattern: "held-{{n}}.com", years: 10}}
  - id: {PATCHER}
    registrations:
      - {{domain: fast-patch.com, created_at: "2025-03-01T00:00:00Z",
         expires_at: "2085-03-01T00:00:00Z"}}
      - {{domain: slow-patch.com, created_at: "2025-03-01T00:00:00Z",
         expires_at: "2085-03-01T00:00:00Z"}}
# Instant scripts are written with a 0 s first step: a script that starts in its terminal
# state never finishes (the registration stays pending, uncharged; an update never applies).
workflows:
  registration:
    default: [{{state: in_progress, for: 0s}}, {{state: succeeded}}]
    rules:
      # Held for 100 ms of real time, so concurrent requests meet a pending registration.
      - match: "race-*.com"
        steps: [{{state: in_progress, for: 100s}}, {{state: succeeded}}]
      - match: "rush-*.com"
        steps: [{{state: in_progress, for: 100s}}, {{state: succeeded}}]
  update:
    default: [{{state: in_progress, for: 0s}}, {{state: succeeded}}]
    rules:
      - match: "slow-*.com"
        steps: [{{state: in_progress, for: 20s}}, {{state: succeeded}}]
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server's root URL (the API is under /client/v4, the control API under /__mock__)."""
    folder: Path = tmp_path_factory.mktemp("live-concurrency")
    path = folder / "world.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    # Every change is committed to the state file before its answer leaves, as in real use.
    # Access logs off: live.serve never reads the server's stderr, and a full pipe blocks it.
    options = ("--time-scale", TIME_SCALE, "--state-file", str(folder / "state.sqlite"),
               "--log-level", "warning")  # fmt: skip
    with serve("--scenario", str(path), *options) as base:
        yield base.removesuffix("/client/v4")


@pytest.fixture
def root(server: str) -> Iterator[str]:
    """A fresh world for each test; afterwards, the journal must hold no 5xx."""
    assert httpx.post(f"{server}/__mock__/reset", json={}, timeout=10).status_code == 200
    yield server
    journal = httpx.get(f"{server}/__mock__/journal", timeout=10).json()["result"]
    assert journal, "the journal recorded nothing"
    assert [e for e in journal if e["status"] >= 500] == []


def registrar(root: str, account: str) -> str:
    return f"{root}/client/v4/accounts/{account}/registrar"


def storm(requests: list[tuple[str, str, dict[str, Any]]]) -> list[httpx.Response]:
    """Send every (method, url, json body) at once, each on its own connection."""

    async def main() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
        async with httpx.AsyncClient(
            limits=limits, timeout=60, headers={"Authorization": f"Bearer {RACE_TOKEN}"}
        ) as client:
            return list(
                await asyncio.gather(
                    *(client.request(method, url, json=body) for method, url, body in requests)
                )
            )

    responses = asyncio.run(main())
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    return responses


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def error_of(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert body["success"] is False
    assert body["result"] is None
    [error] = body["errors"]
    assert isinstance(error, dict)
    return error


def charges(root: str, account: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = httpx.get(
        f"{root}/__mock__/accounts/{account}/charges", timeout=10
    ).json()["result"]
    return result


def names_held(root: str, account: str) -> list[str]:
    names: list[str] = []
    cursor = ""
    while True:
        page = httpx.get(
            f"{registrar(root, account)}/registrations",
            params={"per_page": 50, "sort_by": "name", **({"cursor": cursor} if cursor else {})},
            headers={"Authorization": f"Bearer {RACE_TOKEN}"},
            timeout=10,
        ).json()
        names += [item["domain_name"] for item in page["result"]]
        cursor = page["result_info"]["cursor"]
        if not cursor:
            return names


def test_fifty_concurrent_creates_of_one_domain_make_one_registration_and_one_charge(
    root: str,
) -> None:
    account = "501" + "0" * 29
    url = f"{registrar(root, account)}/registrations"
    responses = storm([("POST", url, {"domain_name": "race-one.com"})] * 50)

    done = [r for r in responses if r.status_code == 201]
    assert len(done) >= 1
    for response in responses:
        if response.status_code == 201:
            continue
        # Anything else must be a clear client error in the envelope.
        assert 400 <= response.status_code < 500, response.text
        assert error_of(response)["code"] >= 1000
    workflows = [r.json()["result"] for r in done]
    assert {w["state"] for w in workflows} == {"succeeded"}
    # One workflow, answered to everyone: the same start, end and links.
    assert len({(w["created_at"], w["updated_at"], w["links"]["self"]) for w in workflows}) == 1
    assert names_held(root, account) == ["race-one.com"]
    assert [(c["domain_name"], c["kind"]) for c in charges(root, account)] == [
        ("race-one.com", "registration")
    ]


def test_concurrent_creates_of_one_domain_from_five_accounts_make_one_owner(root: str) -> None:
    accounts = [f"{n:032x}" for n in range(1, 6)]
    requests = [
        ("POST", f"{registrar(root, accounts[i % 5])}/registrations", {"domain_name": "race-x.com"})
        for i in range(50)
    ]
    responses = storm(requests)

    owners = {accounts[i % 5] for i, r in enumerate(responses) if r.status_code == 201}
    assert len(owners) == 1
    [owner] = owners
    for i, response in enumerate(responses):
        if accounts[i % 5] == owner:
            assert response.status_code == 201, response.text
        else:
            assert response.status_code == 400, response.text
            assert error_of(response)["message"] == "Domain is not available for registration"
    for account in accounts:
        held = names_held(root, account)
        paid = [c["domain_name"] for c in charges(root, account)]
        assert (held, paid) == ((["race-x.com"], ["race-x.com"]) if account == owner else ([], []))


def test_two_hundred_concurrent_creates_at_ninety_five_domains_make_exactly_five(
    root: str,
) -> None:
    url = f"{registrar(root, HELD)}/registrations"
    wanted = [f"rush-{n}.com" for n in range(200)]
    responses = storm([("POST", url, {"domain_name": name}) for name in wanted])

    won = [name for name, r in zip(wanted, responses, strict=True) if r.status_code == 201]
    assert len(won) == 5
    for name, response in zip(wanted, responses, strict=True):
        if name in won:
            assert response.json()["result"]["state"] == "succeeded"
            continue
        assert response.status_code == 400, response.text
        assert error_of(response) == {
            "code": 10000,
            "message": "Domain limit reached: you cannot register more than 100 domains.",
            "source": {"pointer": "/domain_name"},
        }
    held = names_held(root, HELD)
    assert len(held) == 100
    assert set(held) == {f"held-{n}.com" for n in range(95)} | set(won)
    assert sorted(c["domain_name"] for c in charges(root, HELD)) == sorted(won)


@pytest.mark.parametrize(
    ("domain", "may_conflict"),
    [
        ("fast-patch.com", False),  # instant updates: they simply serialize
        ("slow-patch.com", True),  # 20 ms updates: a PATCH meeting a running one is a 409
    ],
)
def test_concurrent_patches_end_in_the_last_acknowledged_write(
    root: str, domain: str, may_conflict: bool
) -> None:
    url = f"{registrar(root, PATCHER)}/registrations/{domain}"
    values = random.Random(domain).choices([True, False], k=40)
    acknowledged: list[tuple[datetime, bool]] = []
    for wave in range(3):
        wanted = values if wave % 2 == 0 else [not v for v in values]
        responses = storm([("PATCH", url, {"auto_renew": value}) for value in wanted])
        for value, response in zip(wanted, responses, strict=True):
            if response.status_code == 409 and may_conflict:
                assert error_of(response) == {
                    "code": 10000,
                    "message": f"An update for {domain} is already in progress",
                }
                continue
            assert response.status_code == 200, response.text
            workflow = response.json()["result"]
            assert workflow["state"] == "succeeded"
            assert workflow["context"]["registration"]["auto_renew"] is value
            acknowledged.append((instant(workflow["updated_at"]), value))
    assert acknowledged

    headers = {"Authorization": f"Bearer {RACE_TOKEN}"}
    final = httpx.get(url, headers=headers, timeout=10).json()["result"]
    latest = httpx.get(f"{url}/update-status", headers=headers, timeout=10).json()["result"]
    # The last write the server applied is one it acknowledged, and nothing acknowledged is later.
    last_at = max(at for at, _ in acknowledged)
    assert instant(latest["updated_at"]) == last_at
    assert (last_at, latest["context"]["registration"]["auto_renew"]) in acknowledged
    assert final["auto_renew"] is latest["context"]["registration"]["auto_renew"]
    # Timestamps are distinct at this time scale, so "last" is well defined.
    assert {value for at, value in acknowledged if at == last_at} == {final["auto_renew"]}
