"""A soak: `registrar-mock serve` under sustained mixed load, watched for growth and 5xx.

Run by `make soak`, never by `make test`: the file name doesn't match
``test_*.py``, so pytest only collects it when named on the command line::

    .venv/bin/python -m pytest tests/soak/soak_registrar.py -q
    REGISTRAR_MOCK_SOAK_SECONDS=900 .venv/bin/python -m pytest tests/soak/soak_registrar.py -q

Sixteen clients register, renew settings, list, check, search and poll across
eight accounts for ``REGISTRAR_MOCK_SOAK_SECONDS`` (default 120), while the
clock jumps forward so registrations expire, are deleted and are registered
again, and the state file takes every change. It checks:

- no answer is a 5xx, and every answer is the v4 envelope (error codes >= 1000);
- after warm-up, the server's resident memory grows by less than a bound, and so
  does its exported state (which saturates: accounts fill up to their limit);
- the journal never holds more than 1,000 entries;
- per account: at most 100 domains; one workflow per domain per kind; no domain
  held by two accounts; a paginated walk lists each registration exactly once;
- the state file (with its WAL) stays small.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.live import free_port

SECONDS = float(os.environ.get("REGISTRAR_MOCK_SOAK_SECONDS", "120"))
CLIENTS = 16
ACCOUNTS = [f"soak{n:028d}" for n in range(8)]
NAMES_PER_ACCOUNT = 160  # more than the limit of 100, so the limit is hit often
WARM_UP = 0.25  # of the run, before the memory baseline is taken
# Growth allowed after warm-up: allocator slack, not a leak of a few KB per request.
RSS_SLACK_BYTES = 16 * 2**20
RSS_SLACK_RATIO = 0.10
STATE_SLACK_RATIO = 1.3
STATE_SLACK_BYTES = 512 * 2**10

SCENARIO = """
name: soak
open_accounts: true
sync_wait: 1m
lifecycle: {renew_before: 1d, expired_for: 1d, redemption_for: 1d, pending_delete_for: 1d}
workflows:
  registration:
    default: [{state: pending, for: 5s}, {state: in_progress, for: 20s}, {state: succeeded}]
    rules:
      - match: "fail-*"
        steps:
          - {state: in_progress, for: 10s}
          - state: failed
            error: {code: registry_rejected, message: Registry rejected the registration request.}
  update:
    default: [{state: in_progress, for: 10s}, {state: succeeded}]
faults:
  - {id: storm, operations: [registrar-domain-discovery-search], every: 13,
     effect: {status: 429, headers: {Retry-After: "1"}}}
"""


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    requests: int = 0

    def record(self, response: httpx.Response) -> None:
        self.requests += 1
        self.statuses[response.status_code] += 1
        what = f"{response.request.method} {response.request.url.path}"
        if response.status_code >= 500:
            self.problems.append(f"{what}: {response.status_code} {response.text[:200]}")
            return
        try:
            body = response.json()
        except ValueError:
            self.problems.append(f"{what}: not JSON: {response.text[:200]}")
            return
        if not isinstance(body, dict) or not {"success", "errors", "messages", "result"} <= set(
            body
        ):
            self.problems.append(f"{what}: not the envelope: {response.text[:200]}")
        elif any(not isinstance(e.get("code"), int) or e["code"] < 1000 for e in body["errors"]):
            self.problems.append(f"{what}: bad error code: {response.text[:200]}")


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def name_for(rng: random.Random, account: str) -> str:
    n = rng.randrange(NAMES_PER_ACCOUNT)
    prefix = "fail-" if n % 17 == 0 else ""
    return f"{prefix}{account[-2:]}-soak-{n}.com"


async def client_loop(client: httpx.AsyncClient, seed: int, deadline: float, tally: Tally) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        account = rng.choice(ACCOUNTS)
        root = f"/client/v4/accounts/{account}/registrar"
        name = name_for(rng, account)
        asynchronous = {"Prefer": "respond-async"} if rng.random() < 0.5 else {}
        roll = rng.random()
        if roll < 0.30:
            response = await client.post(
                f"{root}/registrations",
                json={"domain_name": name, "auto_renew": rng.random() < 0.3},
                headers=asynchronous,
            )
        elif roll < 0.42:
            response = await client.patch(
                f"{root}/registrations/{name}",
                json={"auto_renew": rng.random() < 0.5},
                headers=asynchronous,
            )
        elif roll < 0.55:
            kind = rng.choice(["registration-status", "update-status"])
            response = await client.get(f"{root}/registrations/{name}/{kind}")
        elif roll < 0.65:
            response = await client.get(f"{root}/registrations/{name}")
        elif roll < 0.75:
            params = {
                "per_page": str(rng.randint(1, 50)),
                "sort_by": rng.choice(["name", "registry_created_at", "registry_expires_at"]),
                "direction": rng.choice(["asc", "desc"]),
            }
            response = await client.get(f"{root}/registrations", params=params)
            cursor = response.json().get("result_info", {}).get("cursor", "")
            if cursor:
                tally.record(response)
                response = await client.get(
                    f"{root}/registrations", params={**params, "cursor": cursor}
                )
        elif roll < 0.83:
            names = [name_for(rng, account) for _ in range(rng.randint(1, 20))]
            response = await client.post(f"{root}/domain-check", json={"domains": names})
        elif roll < 0.88:
            response = await client.get(f"{root}/domain-search", params={"q": f"soak {seed}"})
        elif roll < 0.93:
            response = await client.get(f"{root}/domains/{name}")
        elif roll < 0.96:
            response = await client.put(
                f"{root}/domains/{name}", json={"locked": rng.random() < 0.5}
            )
        else:  # bad input, now and then
            response = await client.post(f"{root}/registrations", content=b'{"domain_name": ')
        tally.record(response)


async def time_keeper(client: httpx.AsyncClient, deadline: float, tally: Tally) -> None:
    """Jump the clock now and then: registrations expire, are deleted, and come back."""
    while time.monotonic() < deadline:
        await asyncio.sleep(2)
        response = await client.post("/__mock__/clock/advance", json={"by": "400d"})
        tally.record(response)


@dataclass
class Growth:
    """Samples taken after the warm-up: the server's RSS, and the size of its exported state."""

    rss: list[int] = field(default_factory=list)
    state: list[int] = field(default_factory=list)


async def watch(
    client: httpx.AsyncClient, pid: int, started: float, deadline: float, growth: Growth
) -> None:
    await asyncio.sleep((deadline - started) * WARM_UP)
    tick = 0
    while time.monotonic() < deadline:
        growth.rss.append(rss(pid))
        if tick % 10 == 0:
            growth.state.append(len((await client.get("/__mock__/state")).content))
        tick += 1
        await asyncio.sleep(1)
    growth.rss.append(rss(pid))
    growth.state.append(len((await client.get("/__mock__/state")).content))


async def soak(origin: str, pid: int) -> tuple[Tally, Growth]:
    tally = Tally()
    growth = Growth()
    started = time.monotonic()
    deadline = started + SECONDS
    limits = httpx.Limits(max_connections=CLIENTS + 4)
    headers = {"Authorization": "Bearer soak-token"}
    async with httpx.AsyncClient(
        base_url=origin, timeout=60, limits=limits, headers=headers
    ) as client:
        await asyncio.gather(
            watch(client, pid, started, deadline, growth),
            time_keeper(client, deadline, tally),
            *(client_loop(client, seed, deadline, tally) for seed in range(CLIENTS)),
        )
    return tally, growth


def listed(origin: str, account: str) -> list[str]:
    names: list[str] = []
    params: dict[str, str] = {"per_page": "7", "sort_by": "registry_expires_at"}
    while True:
        page = httpx.get(
            f"{origin}/client/v4/accounts/{account}/registrar/registrations",
            params=params,
            headers={"Authorization": "Bearer soak-token"},
        ).json()
        names += [item["domain_name"] for item in page["result"]]
        if not page["result_info"]["cursor"]:
            return names
        params["cursor"] = page["result_info"]["cursor"]


def test_soak(tmp_path: Path) -> None:
    scenario = tmp_path / "soak.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    state = tmp_path / "soak.sqlite"
    log = tmp_path / "server.log"
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "registrar_mock", "serve", "--port", str(port),
             "--scenario", str(scenario), "--time-scale", "1000", "--state-file", str(state),
             "--log-level", "warning"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{origin}/__mock__/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)

        tally, growth = asyncio.run(soak(origin, server.pid))

        time.sleep(1)  # every workflow (at most 25 virtual seconds) has ended
        journal = httpx.get(f"{origin}/__mock__/journal").json()["result"]
        # Walking the lists brings each account up to date; the export then shows the same.
        walks = {account: listed(origin, account) for account in ACCOUNTS}
        exported: dict[str, Any] = httpx.get(f"{origin}/__mock__/state", timeout=60).json()[
            "result"
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)

    baseline, final = growth.rss[0], growth.rss[-1]
    largest = {
        kind: max(len(account[kind]) for account in exported["registrar"]["accounts"])
        for kind in ("registrations", "registration_workflows", "update_workflows", "charges")
    }
    report = (
        f"{tally.requests} requests in {SECONDS:.0f} s, statuses {dict(tally.statuses)}; "
        f"RSS {baseline / 2**20:.1f} MiB after warm-up, {final / 2**20:.1f} MiB at the end; "
        f"largest per account: {largest}; exported state (bytes) every 10 s: {growth.state}"
    )
    print(report)
    print("RSS (MiB) every 10 s:", [round(s / 2**20, 1) for s in growth.rss[::10]])
    assert tally.problems == [], tally.problems[:20]
    assert tally.requests > 100 * SECONDS / 10, report  # the load really ran
    assert tally.statuses[201] + tally.statuses[202] > 0, report
    assert final <= baseline * (1 + RSS_SLACK_RATIO) + RSS_SLACK_BYTES, report
    # The state saturates (100 domains an account, a workflow per domain and kind, the last
    # 1,000 charges), so over the second half of the run it may move about but not keep
    # growing: history must be bounded too. (Charges fill up over the first half.)
    middle = growth.state[len(growth.state) // 2]
    assert growth.state[-1] <= middle * STATE_SLACK_RATIO + STATE_SLACK_BYTES, report
    assert all(len(a["charges"]) <= 1_000 for a in exported["registrar"]["accounts"]), report
    assert len(journal) == 1_000
    owners: dict[str, str] = {}
    for account in exported["registrar"]["accounts"]:
        held = [r["domain_name"] for r in account["registrations"]]
        assert len(held) <= 100
        for name in held:
            assert owners.setdefault(name, account["id"]) == account["id"], name
        for kind in ("registration_workflows", "update_workflows"):
            names = [w["domain_name"] for w in account[kind]]
            assert len(names) == len(set(names)), (account["id"], kind)
            # Workflows are kept for domains in use (and failed names), not for every request.
            assert len(names) <= NAMES_PER_ACCOUNT, (account["id"], kind)
        if account["id"] in walks:
            assert sorted(walks[account["id"]]) == sorted(held)
    files = [state, state.with_name(state.name + "-wal")]
    size = sum(f.stat().st_size for f in files if f.exists())
    assert size < 64 * 2**20, f"state file and WAL: {size} bytes"
    output = log.read_text(errors="replace")
    assert "Traceback" not in output, output[-5000:]
