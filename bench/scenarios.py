"""The worlds the bench runs against, as scenario documents (the same YAML `serve` reads)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TOKEN = "registrar-mock-bench-token-0000000000000"  # 40 of [A-Za-z0-9_-], as an API token is
# The account every read benchmark uses: it holds LIST_SIZE registrations.
LIST_ACCOUNT = "b0000000000000000000000000000001"
LIST_SIZE = 100
DOMAIN_PATTERN = "bench-{n}.com"
GET_DOMAIN = "bench-42.com"
CHECK_DOMAINS = ["my-new-startup.com", "example.com", "coffee.xyz"]
# A registration that is done the moment it is created: a sync POST is never held.
INSTANT = [{"state": "succeeded"}]
HEADER = "# yaml-language-server: $schema=../scenarios/scenario.schema.json\n"


def registrar_path(account: str = LIST_ACCOUNT) -> str:
    return f"/client/v4/accounts/{account}/registrar"


def http_scenario() -> dict[str, Any]:
    """The world under wrk: one account with 100 domains, open accounts, instant registrations.

    POST /registrations without `Prefer: respond-async` is held until its workflow
    finishes, in real time under `serve`; the instant script makes every POST a
    `201 succeeded` with no wait, so the benchmark measures the server, not a sleep.
    """
    return {
        "name": "bench-http",
        "description": "registrar-mock bench: one account with 100 domains; instant registrations.",
        "seed": 7,
        "start": "2026-01-01T00:00:00Z",
        "open_accounts": True,
        "accounts": [
            {"id": LIST_ACCOUNT, "generate": {"count": LIST_SIZE, "pattern": DOMAIN_PATTERN}}
        ],
        "workflows": {"registration": {"default": INSTANT}},
    }


def workflow_scenario() -> dict[str, Any]:
    """The in-process world: the default one-second workflow, and no sync hold.

    With `sync_wait: 0` every create answers 202 at once, so a complete workflow is
    create, then polls of registration-status while the virtual clock moves.
    """
    return {
        "name": "bench-workflows",
        "description": "registrar-mock bench: default one-second workflows, never held.",
        "seed": 7,
        "start": "2026-01-01T00:00:00Z",
        "open_accounts": True,
        "sync_wait": 0,
    }


def scale_account(index: int) -> str:
    return f"5ca1e{index:027x}"


def scale_domain(index: int, n: int) -> str:
    return f"s{index}-{n}.com"


def scale_scenario(accounts: int, per_account: int) -> dict[str, Any]:
    """`accounts` accounts of `per_account` active registrations each (limit raised to fit)."""
    return {
        "name": f"bench-scale-{accounts}x{per_account}",
        "description": "registrar-mock bench: many accounts, many registrations.",
        "seed": 7,
        "start": "2026-01-01T00:00:00Z",
        "open_accounts": True,
        "domain_limit": max(100, per_account + 100),
        "accounts": [
            {
                "id": scale_account(i),
                "generate": {"count": per_account, "pattern": f"s{i}-{{n}}.com"},
            }
            for i in range(accounts)
        ],
    }


def write(document: dict[str, Any], directory: Path) -> Path:
    """Write a scenario file `registrar-mock serve --scenario PATH` can load."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{document['name']}.yaml"
    path.write_text(HEADER + yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path
