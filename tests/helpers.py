"""Small helpers the test modules share: the usual account, and reading error envelopes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

# The repository's root: the README and the bundled scenario files are read from it.
ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
# The control API takes changes only as JSON: its clients send this on every request.
JSON = {"Content-Type": "application/json"}
TOKEN = "registrar-mock-test-token-00000000000000"


def registrar_url(account: str = ACCOUNT) -> str:
    return f"http://mock/client/v4/accounts/{account}/registrar"


def register(api: httpx.Client, domain: str, **body: object) -> httpx.Response:
    return api.post("/registrations", json={"domain_name": domain, **body})


def only_error(response: httpx.Response) -> dict[str, object]:
    """The single error of a failed response, after checking the failure envelope."""
    body = response.json()
    assert body["success"] is False
    assert body["result"] is None
    assert len(body["errors"]) == 1
    item: dict[str, object] = body["errors"][0]
    return item


def comparable(export: dict[str, Any]) -> dict[str, Any]:
    """An export with its credential digests blanked: they are salted afresh by each export,
    and everything else must match exactly."""
    copy: dict[str, Any] = json.loads(json.dumps(export))
    for account in (copy.get("scenario") or {}).get("accounts", []):
        account["tokens"] = ["<digest>" for _ in account.get("tokens", [])]
        for api_key in account.get("api_keys", []):
            api_key["key"] = "<digest>"
    return copy


def token(name: str) -> str:
    """A well-formed API token (40 of [A-Za-z0-9_-]) that reads as ``name``."""
    return f"{name}-".ljust(40, "0")[:40]
