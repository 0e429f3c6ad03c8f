"""Imports that are checked whole before anything changes, fault rules that can be sent,
control tokens compared as bytes, and what exports and the journal never keep."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.testing import SyncASGITransport
from tests.helpers import JSON, TOKEN, comparable

ACCOUNT = "5f0c7a1e2d3b4c5a6e7f8091a2b3c4d5"
ROUTE = f"/client/v4/accounts/{ACCOUNT}/registrar"


def clients(app: MockApp) -> tuple[httpx.Client, httpx.Client]:
    transport = SyncASGITransport(app)
    headers = {"Authorization": f"Bearer {TOKEN}", "Prefer": "respond-async"}
    api = httpx.Client(transport=transport, base_url="http://mock", headers=headers)
    control = httpx.Client(transport=transport, base_url="http://mock/__mock__", headers=JSON)
    return api, control


@pytest.fixture
def exported() -> tuple[MockApp, httpx.Client, dict[str, Any]]:
    app = create_app("action-required")
    api, control = clients(app)
    api.post(f"{ROUTE}/registrations", json={"domain_name": "confirm-me.com"})
    state = control.get("/state").json()["result"]
    return app, control, state


def account_of(state: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = state["registrar"]["accounts"][0]
    return found


def no_workflow(state: dict[str, Any]) -> None:
    account_of(state)["registration_workflows"] = []


def step_out_of_range(state: dict[str, Any]) -> None:
    account_of(state)["registration_workflows"][0]["step_index"] = 99


def another_account(state: dict[str, Any]) -> None:
    account_of(state)["registrations"][0]["account_id"] = "f" * 32


def held_twice(state: dict[str, Any]) -> None:
    twin = copy.deepcopy(account_of(state))
    twin["id"] = "e" * 32
    for item in (*twin["registrations"], *twin["registration_workflows"]):
        item["account_id"] = twin["id"]
    state["registrar"]["accounts"].append(twin)


def bad_status(state: dict[str, Any]) -> None:
    account_of(state)["registrations"][0]["status"] = "on_fire"


def bad_clock(state: dict[str, Any]) -> None:
    state["clock"] = "noon"


def bad_fault(state: dict[str, Any]) -> None:
    state["faults"] = [{"effect": {"status": 429, "headers": {"X-A": "one\r\nX-B: two"}}}]


def far_clock(state: dict[str, Any]) -> None:
    state["clock"] = "9999-12-31T23:59:59Z"  # past the span the mock can count in


def ancient_clock(state: dict[str, Any]) -> None:
    state["clock"] = "0001-01-01T00:00:00Z"


def scenario_by_name(state: dict[str, Any]) -> None:
    # A name or a path would make an import read a file: an export holds a document.
    state["scenario"] = "two-accounts"


def undeclared_account(state: dict[str, Any]) -> None:
    state["scenario"]["open_accounts"] = False
    state["scenario"]["accounts"] = []


def over_the_limit(state: dict[str, Any]) -> None:
    state["scenario"]["domain_limit"] = 0


def twin_fault_ids(state: dict[str, Any]) -> None:
    rule = {"id": "twin", "every": 2, "effect": {"status": 429}}
    state["faults"] = [rule, dict(rule)]


def terminal_in_the_middle(state: dict[str, Any]) -> None:
    script = account_of(state)["registration_workflows"][0]["script"]
    script.insert(0, dict(script[-1]))


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (no_workflow, "registrations[0]: has no registration workflow"),
        (step_out_of_range, "step_index: is out of range"),
        (another_account, "registrations[0]: names another account"),
        (held_twice, "held by another account too"),
        (bad_status, "status: must be one of"),
        (bad_clock, "clock"),
        (bad_fault, "faults[0]"),
        (terminal_in_the_middle, "script"),
        (far_clock, "clock"),
        (ancient_clock, "clock"),
        (scenario_by_name, "scenario: must be a scenario document or null"),
        (undeclared_account, "an account the closed world doesn't declare"),
        (over_the_limit, "holds more domains than the domain limit"),
        (twin_fault_ids, "faults[1]: id: the same id as a rule before it"),
    ],
)
def test_a_bad_export_is_refused_whole_and_changes_nothing(
    exported: tuple[MockApp, httpx.Client, dict[str, Any]],
    damage: Callable[[dict[str, Any]], None],
    problem: str,
) -> None:
    app, control, state = exported
    before = comparable(control.get("/state").json()["result"])
    bad = copy.deepcopy(state)
    damage(bad)
    answer = control.put("/state", json=bad)
    assert answer.status_code == 400
    assert problem in answer.json()["errors"][0]["message"]
    assert comparable(control.get("/state").json()["result"]) == before
    api, _ = clients(app)
    # The registrar still works on the state it had.
    assert api.get(f"{ROUTE}/registrations/confirm-me.com/registration-status").status_code == 200


def test_a_good_export_round_trips(exported: tuple[MockApp, httpx.Client, dict[str, Any]]) -> None:
    _, _, state = exported
    fresh = create_app()
    _, other = clients(fresh)
    assert other.put("/state", json=state).status_code == 200
    assert comparable(other.get("/state").json()["result"]) == comparable(state)


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        ({"X-Evil": "a\r\nSet-Cookie: x=1"}, "visible latin-1"),
        ({"X-Evil": "line\nbreak"}, "visible latin-1"),
        ({"X-Snow": "\u2603"}, "visible latin-1"),
        ({"Bad Name": "x"}, "RFC 9110 token"),
        ({"X:Colon": "x"}, "RFC 9110 token"),
        ({"Content-Length": "999"}, "the server sets it"),
        ({"transfer-encoding": "chunked"}, "the server sets it"),
        ({"Connection": "close"}, "the server sets it"),
        ({"Content-Type": "text/html"}, "the server sets it"),
        ({"Set-Cookie": "session=stolen"}, "the server sets it"),
        ({"X-Long": "x" * 1025}, "at most 1,024"),
        ({"X-Registrar-Mock-Dropped": "1"}, "the mock's own headers are not for fault rules"),
    ],
)
def test_fault_headers_that_cannot_be_sent_are_refused(
    headers: dict[str, str], problem: str
) -> None:
    app = create_app()
    api, control = clients(app)
    answer = control.post("/faults", json={"effect": {"status": 503, "headers": headers}})
    assert answer.status_code == 400
    assert problem in answer.text
    assert control.get("/faults").json()["result"] == []
    assert api.get(f"{ROUTE}/registrations").status_code == 200


def test_a_sendable_fault_header_reaches_the_client() -> None:
    app = create_app()
    api, control = clients(app)
    rule = {"effect": {"status": 429, "headers": {"Retry-After": "3", "X-Note": "café au lait"}}}
    assert control.post("/faults", json=rule).status_code == 201
    answer = api.get(f"{ROUTE}/registrations")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "3"
    assert answer.headers["X-Note"].encode("latin-1").decode("latin-1") == "café au lait"


@pytest.mark.parametrize("token", ["sécret-ünïcode", "☃-snowman-token"])
def test_a_non_ascii_control_token_is_compared_as_bytes(token: str) -> None:
    app = create_app(control_token=token)
    transport = SyncASGITransport(app)
    with httpx.Client(transport=transport, base_url="http://mock/__mock__") as control:
        right = {"Authorization": b"Bearer " + token.encode()}
        assert control.get("/health", headers=right).status_code == 200
        for wrong in (b"Bearer " + "s\u00e9cret".encode(), b"Bearer \xff\xfe", b"Bearer plain"):
            assert control.get("/health", headers={"Authorization": wrong}).status_code == 401


def test_a_non_ascii_token_sent_to_a_plain_server_is_401_not_500() -> None:
    app = create_app(control_token="plain-ascii-token")
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock/__mock__") as c:
        answer = c.get("/health", headers={"Authorization": "Bearer jüst-wrong".encode()})
    assert answer.status_code == 401


def test_a_control_token_given_with_spaces_around_it_is_the_token_inside() -> None:
    app = create_app(control_token="  spaced-token\n")
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock/__mock__") as c:
        assert c.get("/health", headers={"Authorization": "Bearer spaced-token"}).status_code == 200


@pytest.mark.parametrize("token", ["", "   "])
def test_an_empty_control_token_is_refused(token: str) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        create_app(control_token=token)


def test_the_journal_masks_secret_looking_query_parameters() -> None:
    app = create_app()
    api, control = clients(app)
    api.get(f"{ROUTE}/registrations?per_page=5&api_token=abc123&X-Auth-Key=k&sig=ok&Signature=s")
    (entry,) = control.get("/journal").json()["result"]
    assert entry["query"] == "per_page=5&api_token=***&X-Auth-Key=***&sig=ok&Signature=***"
    assert "abc123" not in str(control.get("/journal").json())


def test_exports_salt_their_credential_digests_afresh() -> None:
    app = create_app("two-accounts")
    first = app.control.export_state()["scenario"]["accounts"][0]["tokens"][0]
    second = app.control.export_state()["scenario"]["accounts"][0]["tokens"][0]
    assert first.startswith("sha256:") and second.startswith("sha256:")
    assert first != second  # the same token, salted differently
    # Nor does a new process (a restart) start the salts over: nobody can work them out.
    other = create_app("two-accounts").control.export_state()["scenario"]["accounts"][0]
    assert other["tokens"][0] not in (first, second)
    assert "acme_demo_token_000000000000000000000000" not in first + second
    # Either export still admits the real token.
    for export in (app.control.export_state(),):
        restored = create_app()
        restored.control.import_state(export)
        api = httpx.Client(transport=SyncASGITransport(restored), base_url="http://mock")
        listed = api.get(
            "/client/v4/accounts/ac3e0000000000000000000000000001/registrar/registrations",
            headers={"Authorization": "Bearer acme_demo_token_000000000000000000000000"},
        )
        assert listed.status_code == 200


def upper_case_name(state: dict[str, Any]) -> None:
    account = account_of(state)
    for item in (*account["registrations"], *account["registration_workflows"]):
        item["domain_name"] = item["domain_name"].upper()


def not_a_name(state: dict[str, Any]) -> None:
    account = account_of(state)
    for item in (*account["registrations"], *account["registration_workflows"]):
        item["domain_name"] = "not a domain!!"


def too_many_charges(state: dict[str, Any]) -> None:
    charge = {"domain_name": "confirm-me.com", "kind": "renewal", "amount": "1.00",
              "currency": "USD", "years": 1, "at": "2026-01-01T00:00:00+00:00"}  # fmt: skip
    account_of(state)["charges"] = [charge] * 1001


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (upper_case_name, "domain_name: is not a domain name as the registrar keeps them"),
        (not_a_name, "domain_name: is not a domain name as the registrar keeps them"),
        (too_many_charges, "charges: holds more than the 1000 charges an account keeps"),
    ],
)
def test_an_export_keeps_to_what_the_registrar_itself_keeps(
    exported: tuple[MockApp, httpx.Client, dict[str, Any]],
    damage: Callable[[dict[str, Any]], None],
    problem: str,
) -> None:
    """Names as the registrar normalises them (else one domain could be held twice, in two
    spellings), and no more charges than an account keeps."""
    _, control, state = exported
    bad = copy.deepcopy(state)
    damage(bad)
    answer = control.put("/state", json=bad)
    assert answer.status_code == 400
    assert problem in answer.json()["errors"][0]["message"]


def test_rules_added_without_an_id_never_take_one_in_use() -> None:
    app = create_app()
    _, control = clients(app)
    assert (
        control.post("/faults", json={"id": "fault-2", "effect": {"status": 429}}).status_code
        == 201
    )
    ids = []
    for _ in range(3):
        added = control.post("/faults", json={"effect": {"status": 503}})
        assert added.status_code == 201, added.text
        ids.append(added.json()["result"]["id"])
    assert "fault-2" not in ids and len(set(ids)) == 3
