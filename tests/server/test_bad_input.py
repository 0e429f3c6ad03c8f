"""Bad input over HTTP, table-driven, against a real uvicorn server.

Every case is sent as raw bytes (path, query, headers and body exactly as
written, with no client-side normalisation) and expects one specific 4xx and
error code in the v4 envelope; the exported state must be the same afterwards.
The server runs on a virtual clock, so an export is exactly repeatable, and the
module fails if the server ever logged a traceback.

At the end, a cheap randomised pass (hypothesis, in-process) throws arbitrary
JSON at every operation that takes a body: never a 5xx.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrar_mock import create_app
from registrar_mock.http import envelope
from registrar_mock.testing import SyncASGITransport
from tests.live import free_port

from .bad_input_cases import (
    AUTH,
    BODY_OPERATIONS,
    JSON,
    LAUNCHER,
    ROOT,
    SCENARIO,
    UNCHECKED,
    Case,
    dumps,
    fullwidth,
    get,
)
from .bad_input_paths import CASES

# --- the server -----------------------------------------------------------------------------


class Live:
    """The running server, and one client for it (creating clients is slow: TLS contexts)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.client = httpx.Client(base_url=origin, timeout=60)

    def state(self) -> dict[str, Any]:
        response = self.client.get("/__mock__/state")
        assert response.status_code == 200
        state: dict[str, Any] = response.json()["result"]
        return state

    def send(self, case: Case) -> httpx.Response:
        headers: dict[str, bytes] = dict(AUTH_BYTES) if case.authorized else {}
        headers.update(case.headers)
        if case.body is not None and case.content_type is not None:
            headers["Content-Type"] = case.content_type.encode("latin-1")
        # Its own connection for each case, so one case can't leave another a closed socket.
        headers["Connection"] = b"close"
        body = case.body
        return self.client.request(
            case.method,
            "/",
            content=iter(body) if isinstance(body, list) else body,
            headers={name.encode(): value for name, value in headers.items()},
            extensions={"target": case.raw_target},
        )

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, f"{ROOT}{path}", headers=AUTH, **kwargs)


AUTH_BYTES = {name: value.encode() for name, value in AUTH.items()}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder: Path = tmp_path_factory.mktemp("bad-input")
    scenario = folder / "world.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    log = folder / "server.log"
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(scenario), str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{origin}/__mock__/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        server = Live(origin)
        # The account exists before any case runs, so a refusal can't be what creates it.
        assert server.api("GET", "/registrations").status_code == 200
        yield server
        server.client.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    output = log.read_text(errors="replace")
    assert "Traceback" not in output, output
    assert "Exception in ASGI application" not in output, output


# --- the tests ------------------------------------------------------------------------------


def test_the_table_has_no_duplicate_ids() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) > 400


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_a_specific_4xx_and_changes_nothing(live: Live, case: Case) -> None:
    before = live.state()
    response = live.send(case)
    assert response.status_code == case.status, response.text[:500]
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["success"] is False
    assert body["result"] is None
    error, *rest = body["errors"]
    assert [item["code"] for item in rest] == list(case.also), body["errors"]
    assert error["code"] == case.code, error
    if case.message is not None:
        assert error["message"] == case.message
    if case.pointer != UNCHECKED:
        assert error.get("source", {}).get("pointer") == case.pointer, error
    if case.chain:
        assert [item["code"] for item in error["error_chain"]] == list(case.chain)
    assert live.state() == before


def test_a_client_that_goes_away_mid_body_is_a_4xx_not_a_traceback(live: Live) -> None:
    before = live.state()
    seen = max((e["seq"] for e in live.client.get("/__mock__/journal").json()["result"]), default=0)
    host, port = live.origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            f"POST {ROOT}/registrations HTTP/1.1\r\nHost: mock\r\nAuthorization: "
            f"{AUTH['Authorization']}\r\nContent-Type: {JSON}\r\nContent-Length: 1000\r\n\r\n"
            '{"domain_name": "half-sent.com", '.encode()
        )
    for _ in range(200):  # the server notices the disconnect on its own time
        journal = live.client.get("/__mock__/journal").json()["result"]
        new = [e for e in journal if e["seq"] > seen]
        if new:
            break
        time.sleep(0.02)
    assert [(e["method"], e["status"]) for e in new] == [("POST", 400)]
    assert live.state() == before
    # (The module's teardown checks that the server logged no traceback.)


def test_an_answer_holding_a_lone_surrogate_is_still_json() -> None:
    """Defence in depth: text that can't be UTF-8 (from a state file, say) is escaped, not a 500."""
    response = envelope.ok({"name": "x\ud800y"})
    assert json.loads(bytes(response.body)) == {
        "success": True,
        "errors": [],
        "messages": [],
        "result": {"name": "x\ud800y"},
    }


# --- what odd but valid input means ---------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("EXAMPLE-Upper.COM", "example-upper.com"),
        ("trailing-dot.com.", "trailing-dot.com"),
        ("Bücher.com", "xn--bcher-kva.com"),
        ("XN--BCHER-KVA.COM", "xn--bcher-kva.com"),
        (fullwidth("FULLWIDTH") + ".com", "fullwidth.com"),
        ("a" * 63 + ".com", "a" * 63 + ".com"),
        ("東京.jp", "xn--1lqs71d.jp"),
    ],
)
def test_odd_but_valid_names_are_normalised(live: Live, given: str, name: str) -> None:
    before = live.state()
    response = live.api("POST", "/domain-check", json={"domains": [given]})
    assert response.status_code == 200, response.text
    assert [d["name"] for d in response.json()["result"]["domains"]] == [name]
    assert live.state() == before


@pytest.mark.parametrize(
    "target",
    [
        "/registrations/MINE.COM",
        "/registrations/mine.com.",
        "/registrations/Mine.Com.",
        "/registrations/%4D%49%4E%45.com",
        "/domains/MINE.COM.",
    ],
)
def test_a_held_name_is_found_however_it_is_written(live: Live, target: str) -> None:
    response = live.send(get("found", target, None))
    assert response.status_code == 200, response.text
    plain = live.send(get("plain", f"/{target.split('/')[1]}/mine.com", None))
    assert response.json()["result"] == plain.json()["result"]


def test_extensions_and_unicode_queries_are_answered(live: Live) -> None:
    # Unsupported extensions are dropped without complaint, and repeating the parameter adds.
    response = live.api("GET", "/domain-search?q=caf%C3%A9&extensions=c%C3%B6m&extensions=net")
    assert response.status_code == 200, response.text
    names = [d["name"] for d in response.json()["result"]["domains"]]
    assert names and all(n.endswith(".net") for n in names)
    assert "xn--caf-dma.net" in names


def test_unicode_in_every_free_text_field_is_kept(live: Live) -> None:
    contact = {
        "email": "zoë@exämple.com",
        "phone": "+41.445556677",
        "postal_info": {
            "name": "Zoë Ångström 山田",
            "organization": "Ünïcode GmbH 🦄",
            "address": {
                "street": "Straße 1",
                "city": "Zürich",
                "state": "ZH",
                "postal_code": "8001",
                "country_code": "CH",
            },
        },
    }
    body = {"domain_name": "Ünïcode-Café.COM.", "contacts": {"registrant": contact}}
    created = live.api("POST", "/registrations", json=body)
    assert created.status_code == 201, created.text
    name = "xn--ncode-caf-j4a1d8i.com"
    assert created.json()["result"]["links"]["resource"].endswith(f"/registrations/{name}")
    legacy = live.api("GET", f"/domains/{quote('ünïcode-café.com')}")
    assert legacy.status_code == 200, legacy.text
    registrant = legacy.json()["result"]["registrant_contact"]
    assert (registrant["first_name"], registrant["last_name"]) == ("Zoë", "Ångström 山田")
    assert registrant["organization"] == "Ünïcode GmbH 🦄"
    assert (registrant["address"], registrant["city"]) == ("Straße 1", "Zürich")
    assert registrant["email"] == "zoë@exämple.com"


# --- a cheap randomised pass ------------------------------------------------------------------

FIELDS = sorted(
    {
        "domain_name",
        "years",
        "auto_renew",
        "privacy_mode",
        "contacts",
        "acknowledgements",
        "contact_extensions",
        "locked",
        "privacy",
        "domains",
        "registrant",
        "email",
        "phone",
        "postal_info",
        "address",
    }
)
# Any text, lone surrogates included (st.text() never makes those).
TEXT = st.lists(st.characters() | st.integers(0xD800, 0xDFFF).map(chr), max_size=30).map("".join)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from(["a.com", "mine.com", "redaction", "off", "+1.5555555555", "US"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)
BODIES = st.dictionaries(st.sampled_from(FIELDS) | TEXT, VALUES, max_size=5)
FUZZED = [(method, path) for _, method, path, _ in BODY_OPERATIONS]


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[httpx.Client]:
    """One in-process mock for all examples: what they do to its state doesn't matter here."""
    document: dict[str, Any] = yaml.safe_load(SCENARIO)
    transport = SyncASGITransport(create_app(document))
    with httpx.Client(transport=transport, base_url=f"http://mock{ROOT}", headers=AUTH) as client:
        yield client


@pytest.mark.parametrize(("method", "path"), FUZZED, ids=[f"{m} {p}" for m, p in FUZZED])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES)
def test_random_json_bodies_never_get_a_5xx(
    fuzzed: httpx.Client, method: str, path: str, body: dict[str, Any]
) -> None:
    headers = {"Content-Type": JSON, "Prefer": "respond-async"}
    response = fuzzed.request(method, path, content=dumps(body), headers=headers)
    assert response.status_code < 500, response.text
    envelope = response.json()
    assert set(envelope) >= {"success", "errors", "messages", "result"}
    for error in envelope["errors"]:
        assert isinstance(error["code"], int) and error["code"] >= 1000
