"""The bundled transfer scenarios (and current-api): first the worlds they build, checked
against the model's transfer rules in process; then each story walked over HTTP, with
the clock and the control API standing in for the losing registrar and the registrant."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from registrar_mock import MockApp, create_app, scenarios
from registrar_mock import errors as e
from registrar_mock.clock import VirtualClock
from registrar_mock.model import Credential, Registrar, World
from registrar_mock.model import transferring as t
from registrar_mock.model.catalogue import Channel
from registrar_mock.model.records import (
    Account,
    TransferPrice,
    TransferQuery,
    TransferReason,
    TransferRequest,
    WorkflowKind,
    WorkflowState,
)
from registrar_mock.model.timeutil import add_years
from registrar_mock.model.world import APPROVAL_WINDOW, DEFAULT_CONTACT
from tests.helpers import ACCOUNT, TOKEN, only_error, register, registrar_url

R = TransferReason
S = WorkflowState
DAY = 86400.0
Connect = Callable[..., httpx.Client]
ConnectControl = Callable[[MockApp], httpx.Client]
NO_BILLING_ACCOUNT = "b1000000000000000000000000000000"
PREREQ_CODE = "Prereq-Code-7"


def b64(code: str) -> str:
    return base64.b64encode(code.encode()).decode()


# --- the worlds, in process ------------------------------------------------------------


class Model:
    """A bundled scenario's registrar on a virtual clock at the scenario's start."""

    def __init__(self, name: str) -> None:
        self.world: World = scenarios.resolve(name).world
        self.clock = VirtualClock(self.world.start)
        self.registrar = Registrar(self.world, self.clock)

    def account(self, account_id: str = ACCOUNT) -> Account:
        return self.registrar.authorize(Credential(token=TOKEN), account_id)

    def reasons(self, name: str, auth_code: str | None, account_id: str = ACCOUNT) -> list[R]:
        account = self.account(account_id)
        held = self.registrar.holder(account, name)
        return t.reasons(self.world, account, name, auth_code, held, self.clock.now())

    def accept(
        self, name: str, auth_code: str | None, account_id: str = ACCOUNT
    ) -> t.AcceptedTransfer:
        account = self.account(account_id)
        request = TransferRequest(name, auth_code)
        held = self.registrar.holder(account, name)
        return t.accept(
            self.world, self.registrar.profile(account), account, request, held, self.clock.now()
        )

    def states(self, name: str, auth_code: str | None) -> list[tuple[S, float | None]]:
        """The steps a transfer of ``name`` would follow: each state and how long it holds."""
        script = t.script(self.world, self.accept(name, auth_code), name)
        return [(step.state, step.seconds) for step in script.steps]


SUBMITTED = [(S.PENDING, 0.25), (S.IN_PROGRESS, 60.0)]


def test_transfer_succeeds_builds_two_approvals() -> None:
    model = Model("transfer-succeeds")
    account = model.account()
    assert set(account.zones) == {"move-me-in.com", "patient.net"}
    assert all(zone.status.value == "active" and not zone.dnssec for zone in account.zones.values())
    start = model.world.start
    moving = model.world.registry.elsewhere["move-me-in.com"]
    assert (moving.created_at, moving.expires_at) == (
        add_years(start, -3),
        start + timedelta(days=200),
    )
    code = b64("Kx7-Move-Me-In")
    assert model.reasons("move-me-in.com", code) == []
    assert model.states("move-me-in.com", code) == [
        *SUBMITTED,
        (S.BLOCKED, 2 * DAY),
        (S.SUCCEEDED, None),
    ]
    # A registrar that never answers holds the whole window, whose end approves.
    patient = b64("Patient-9Wait")
    assert model.reasons("patient.net", patient) == []
    assert model.states("patient.net", patient) == [
        *SUBMITTED,
        (S.BLOCKED, APPROVAL_WINDOW),
        (S.SUCCEEDED, None),
    ]


def test_transfer_awaits_registrant_builds_emailed_approvals() -> None:
    model = Model("transfer-awaits-registrant")
    code = b64("Ok-By-Email-3")
    assert model.reasons("confirm-me.com", code) == []
    accepted = model.accept("confirm-me.com", code)
    steps = t.script(model.world, accepted, "confirm-me.com").steps
    assert [(step.state, step.seconds) for step in steps] == [
        *SUBMITTED,
        (S.ACTION_REQUIRED, None),
        (S.SUCCEEDED, None),
    ]
    assert steps[2].holds_for_user  # no timer: it waits for the registrant
    assert steps[2].context == {
        "action": "registrant_transfer_approval",
        "confirmation_sent_to": t.mask_email(DEFAULT_CONTACT.email),
    }
    also = b64("Approve-Too-4")
    assert model.reasons("also-asks.net", also) == []
    assert model.states("also-asks.net", also) == [
        *SUBMITTED,
        (S.ACTION_REQUIRED, None),
        (S.BLOCKED, DAY),
        (S.SUCCEEDED, None),
    ]


def test_transfer_rejected_builds_a_rejection() -> None:
    model = Model("transfer-rejected")
    code = b64("No-Way-5Back")
    assert model.reasons("refused.com", code) == []
    script = t.script(model.world, model.accept("refused.com", code), "refused.com")
    assert [(step.state, step.seconds) for step in script.steps] == [
        *SUBMITTED,
        (S.BLOCKED, 2 * DAY),
        (S.FAILED, None),
    ]
    assert script.steps[-1].error_code == "transfer_rejected"
    held_back = b64("Ask-Again-6")
    assert model.reasons("held-back.net", held_back) == []
    assert model.states("held-back.net", held_back)[2] == (S.BLOCKED, APPROVAL_WINDOW)


# Each domain of transfer-prerequisites, and the one reason it fails (with the right code).
PREREQUISITES: dict[str, list[R]] = {
    "ready.com": [],
    "locked.com": [R.DOMAIN_LOCKED],
    "registry-hold.com": [R.REGISTRY_STATUS],
    "dnssec-on.com": [R.DNSSEC_ENABLED],
    "no-zone.com": [R.ZONE_NOT_FOUND],
    "zone-pending.com": [R.ZONE_STATUS_INVALID],
    "zone-partial.com": [R.INVALID_ZONE_PLAN],
    "just-registered.com": [R.DOMAIN_OUTSIDE_TRANSFER_WINDOW],
    "just-moved.com": [R.DOMAIN_OUTSIDE_TRANSFER_WINDOW],
    "max-term.com": [R.DOMAIN_MAX_TERM],
    "wrong-code.com": [],
    "vip-transfer.com": [R.DOMAIN_PREMIUM],
    "on-cloudflare.com": [R.DOMAIN_ON_CLOUDFLARE],
    "not-registered.com": [R.DOMAIN_NOT_EXISTS],
    "dashboard-only.io": [R.EXTENSION_NOT_SUPPORTED_VIA_API],
    "moving.co.uk": [],
}


@pytest.mark.parametrize(("name", "expected"), PREREQUISITES.items(), ids=list(PREREQUISITES))
def test_transfer_prerequisites_fails_one_rule_per_domain(name: str, expected: list[R]) -> None:
    model = Model("transfer-prerequisites")
    code = None if name.endswith(".uk") else b64(PREREQ_CODE)
    assert model.reasons(name, code) == expected


def test_transfer_prerequisites_auth_codes() -> None:
    model = Model("transfer-prerequisites")
    assert model.reasons("wrong-code.com", b64("not-the-code")) == [R.INVALID_AUTH_CODE]
    assert model.reasons("wrong-code.com", "not base64!") == [R.INVALID_AUTH_CODE_FORMAT]
    # A wrong code passes every rule the mock can see: the registry refuses it later.
    assert model.states("wrong-code.com", b64("not-the-code")) == [*SUBMITTED, (S.FAILED, None)]
    with pytest.raises(e.ApiError) as missing:
        model.accept("wrong-code.com", None)
    assert missing.value.items[0].pointer == "/auth_code"
    # The UK family needs no code (and ignores one), and transfers free.
    uk = model.world.catalogue.get("co.uk")
    assert uk is not None and not uk.auth_code and uk.transfer_price == 0
    assert model.reasons("moving.co.uk", None) == model.reasons("moving.co.uk", b64("x")) == []
    assert model.accept("moving.co.uk", None).price.transfer_cost == 0


def test_transfer_prerequisites_billing_only_when_the_transfer_costs() -> None:
    model = Model("transfer-prerequisites")
    assert model.account(NO_BILLING_ACCOUNT).has_billing is False
    assert model.reasons("unpaid.com", b64(PREREQ_CODE), NO_BILLING_ACCOUNT) == []
    with pytest.raises(e.ApiError) as refused:
        model.accept("unpaid.com", b64(PREREQ_CODE), NO_BILLING_ACCOUNT)
    assert refused.value.message == e.NO_BILLING().message
    assert model.accept("free.co.uk", None, NO_BILLING_ACCOUNT).price.transfer_cost == 0


def test_transfer_prerequisites_through_the_registrars_check() -> None:
    """The same answers through ``transferring.check`` as domain-transfer-check calls it."""
    model = Model("transfer-prerequisites")
    account = model.account()
    queries = [
        TransferQuery(name, name, None if name.endswith(".uk") else b64(PREREQ_CODE))
        for name in PREREQUISITES
    ]
    found = model.registrar.transfer_check(account, queries)
    assert {name: list(item.reasons) for name, item in found.items()} == PREREQUISITES
    ready = found["ready.com"]
    com = model.world.catalogue.get("com")
    assert com is not None and ready.transferable
    assert ready.price == TransferPrice("USD", com.transfer_price, com.renewal_cost)
    assert all(item.price is None for item in found.values() if not item.transferable)


def test_a_transfer_runs_its_course_in_the_model() -> None:
    """transfer-succeeds, by the model alone: pending, then on the registrar, then done."""
    model = Model("transfer-succeeds")
    account = model.account()
    code = b64("Kx7-Move-Me-In")
    workflow, new = model.registrar.transfer_in(account, TransferRequest("move-me-in.com", code))
    assert new and workflow.state is S.PENDING
    again, new = model.registrar.transfer_in(account, TransferRequest("move-me-in.com", code))
    assert (again, new) == (workflow, False)  # the domain name is the idempotency key
    model.clock.advance(61)
    status = model.registrar.workflow_status(account, "move-me-in.com", WorkflowKind.TRANSFER)
    assert status.state is S.BLOCKED
    model.clock.advance(2 * DAY)
    status = model.registrar.workflow_status(account, "move-me-in.com", WorkflowKind.TRANSFER)
    assert status.state is S.SUCCEEDED
    before = model.world.registry.elsewhere["move-me-in.com"].expires_at
    assert before is not None
    registration = model.registrar.accounts[ACCOUNT].registrations["move-me-in.com"]
    assert registration.expires_at == add_years(before, 1)
    [charge] = model.registrar.charges(ACCOUNT)
    assert (charge.kind, charge.amount) == ("transfer", Decimal("8.57"))


def test_current_api_has_the_current_sdks_limits() -> None:
    world = scenarios.resolve("current-api").world
    assert world.domain_limit == 500
    assert world.sandbox_extensions == ("com", "net")
    api = {ext.name for ext in world.catalogue if ext.channel is Channel.API}
    dashboard = {ext.name for ext in world.catalogue if ext.channel is Channel.DASHBOARD}
    frozen = {ext.name for ext in world.catalogue if ext.channel is Channel.FROZEN}
    assert dashboard == {"cc", "link"}
    assert frozen == {"py"}
    assert {
        "uk",
        "co.uk",
        "org.uk",
        "me.uk",
        "io",
        "co",
        "ai",
        "us",
        "ca",
        "me",
        "de",
        "eu",
        "fr",
        "com",
        "net",
        "dev",
    } <= api
    ai, cc, uk = world.catalogue.get("ai"), world.catalogue.get("cc"), world.catalogue.get("co.uk")
    assert ai is not None and ai.min_years == 2
    assert cc is not None and cc.transfers is Channel.API  # only registration moved
    assert uk is not None and (uk.auth_code, uk.transfer_price) == (False, Decimal("0.00"))


def test_the_default_stays_seed_faithful() -> None:
    world = scenarios.resolve("default").world
    assert world.domain_limit == 100
    assert world.sandbox_extensions == ("com", "net")
    channels = {ext.name: ext.channel for ext in world.catalogue}
    assert channels["cc"] is channels["link"] is Channel.API
    assert channels["io"] is channels["ai"] is channels["co.uk"] is Channel.DASHBOARD
    assert world.registry.elsewhere == {}


def foreign_dates(scenario: scenarios.Scenario) -> list[datetime | None]:
    return [
        moment
        for foreign in scenario.world.registry.elsewhere.values()
        for moment in (foreign.created_at, foreign.expires_at, foreign.last_transferred_at)
    ]


@pytest.mark.parametrize("name", scenarios.bundled())
def test_domains_elsewhere_move_with_the_start(name: str) -> None:
    """Whether a transfer is in its 60-day window or past the 10-year term depends on
    now: every bundled date of a domain elsewhere counts from the start."""
    first, later = scenarios.resolve(name), scenarios.resolve(name, start="2031-07-15T06:30:00Z")
    shift = later.world.start - first.world.start
    for old, new in zip(foreign_dates(first), foreign_dates(later), strict=True):
        assert (old is None and new is None) or (
            old is not None and new is not None and abs(new - old - shift) <= timedelta(days=1)
        ), name


# --- the stories, over HTTP ------------------------------------------------------------


def status(api: httpx.Client, domain: str) -> dict[str, Any]:
    response = api.get(f"/registrations/{domain}/transfer-in-status")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["result"]
    return found


def state(api: httpx.Client, domain: str) -> str:
    return str(status(api, domain)["state"])


def transfer(
    api: httpx.Client, domain: str, code: str | None = None, **body: Any
) -> httpx.Response:
    if code is not None:
        body["auth_code"] = b64(code)
    return api.post(f"/registrations/{domain}/transfer-in", json=body)


def answer(control: httpx.Client, domain: str, what: str, account: str = ACCOUNT) -> httpx.Response:
    return control.post(f"/accounts/{account}/transfers/{domain}/{what}")


def test_succeeds_after_the_losing_registrar_approves(connect: Connect) -> None:
    app = create_app("transfer-succeeds")
    api = connect(app)
    started = transfer(api, "move-me-in.com", "Kx7-Move-Me-In")
    assert started.status_code == 202
    workflow = started.json()["result"]
    links = f"/accounts/{ACCOUNT}/registrar/registrations/move-me-in.com"
    assert workflow["links"] == {"self": f"{links}/transfer-in-status", "resource": links}
    assert started.headers["Location"] == f"{links}/transfer-in-status"
    assert (workflow["state"], workflow["completed"]) == ("pending", False)
    # While it runs the domain is the account's, pending, with no expiry yet.
    held = api.get("/registrations/move-me-in.com").json()["result"]
    assert (held["status"], held["expires_at"]) == ("transfer_pending", None)
    seen = [state(api, "move-me-in.com")]
    for seconds in (1, 60, DAY, DAY):
        app.control.advance(seconds)
        seen.append(state(api, "move-me-in.com"))
    assert seen == ["pending", "in_progress", "blocked", "blocked", "succeeded"]
    done = status(api, "move-me-in.com")
    assert done["completed"] is True
    registration = api.get("/registrations/move-me-in.com").json()["result"]
    assert registration["status"] == "active"
    # The expiry it had elsewhere (200 days after the start), a year on.
    assert registration["expires_at"] == "2027-07-20T00:00:00Z"
    assert done["context"]["registration"]["expires_at"] == registration["expires_at"]
    [charge] = app.control.charges(ACCOUNT)
    assert (charge.kind, charge.amount, charge.years) == ("transfer", Decimal("8.57"), 1)
    # Asking again returns the same workflow, and starts nothing.
    again = transfer(api, "move-me-in.com", "Kx7-Move-Me-In")
    assert again.status_code == 202
    assert again.json()["result"]["created_at"] == workflow["created_at"]
    assert len(app.control.charges(ACCOUNT)) == 1


def test_blocked_shows_who_it_waits_for(connect: Connect) -> None:
    app = create_app("transfer-succeeds")
    api = connect(app)
    transfer(api, "move-me-in.com", "Kx7-Move-Me-In")
    app.control.advance(61)
    blocked = status(api, "move-me-in.com")
    assert blocked["state"] == "blocked"
    assert blocked["context"]["blocked_by"] == "losing_registrar"
    assert "Example Registrar, Inc." in blocked["context"]["detail"]


def test_a_silent_registrar_approves_when_its_window_ends(connect: Connect) -> None:
    app = create_app("transfer-succeeds")
    api = connect(app)
    assert transfer(api, "patient.net", "Patient-9Wait").status_code == 202
    app.control.advance(60.25)  # pending and in_progress are over: blocked from here
    assert state(api, "patient.net") == "blocked"
    app.control.advance(5 * DAY - 1)
    assert state(api, "patient.net") == "blocked"
    app.control.advance(1)
    assert state(api, "patient.net") == "succeeded"
    assert api.get("/registrations/patient.net").json()["result"]["status"] == "active"


def test_the_control_api_approves_for_the_registrar(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app("transfer-succeeds")
    api, mock = connect(app), connect_control(app)
    transfer(api, "patient.net", "Patient-9Wait")
    early = answer(mock, "patient.net", "approve")
    assert early.status_code == 409  # not blocked yet: nothing waits on the registrar
    app.control.advance(61)
    approved = answer(mock, "patient.net", "approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["result"]["state"] == "succeeded"
    assert state(api, "patient.net") == "succeeded"
    assert [c.kind for c in app.control.charges(ACCOUNT)] == ["transfer"]


def test_the_python_handle_rejects_for_the_registrar(connect: Connect) -> None:
    app = create_app("transfer-succeeds")
    api = connect(app)
    transfer(api, "move-me-in.com", "Kx7-Move-Me-In")
    app.control.advance(61)
    rejected = app.control.answer_transfer(ACCOUNT, "move-me-in.com", approve=False)
    assert (rejected.state, rejected.error) == (S.FAILED, t.REJECTED)
    assert status(api, "move-me-in.com")["error"]["code"] == "transfer_rejected"
    assert api.get("/registrations/move-me-in.com").status_code == 404
    assert app.control.charges(ACCOUNT) == []


def test_awaits_the_registrants_approval_then_succeeds(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app("transfer-awaits-registrant")
    api, mock = connect(app), connect_control(app)
    assert transfer(api, "confirm-me.com", "Ok-By-Email-3").status_code == 202
    app.control.advance(61)
    waiting = status(api, "confirm-me.com")
    assert (waiting["state"], waiting["completed"]) == ("action_required", False)
    assert waiting["context"]["action"] == "registrant_transfer_approval"
    assert waiting["context"]["confirmation_sent_to"] == "r***@example.com"
    app.control.advance(30 * DAY)  # whatever the clock does
    assert state(api, "confirm-me.com") == "action_required"
    # The losing registrar has not been asked yet: there is nothing for it to answer.
    assert answer(mock, "confirm-me.com", "approve").status_code == 409
    accepted = answer(mock, "confirm-me.com", "accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["result"]["state"] == "succeeded"  # its registrar approves at once
    assert api.get("/registrations/confirm-me.com").json()["result"]["status"] == "active"
    assert answer(mock, "confirm-me.com", "accept").status_code == 409  # nothing waits now


def test_the_masked_address_is_the_registrants_given(connect: Connect) -> None:
    app = create_app("transfer-awaits-registrant")
    api = connect(app)
    contact = {
        "email": "grace@example.org",
        "phone": "+1.5555555555",
        "postal_info": {
            "name": "Grace Hopper",
            "address": {
                "street": "1 Navy Way",
                "city": "Arlington",
                "state": "VA",
                "postal_code": "22202",
                "country_code": "US",
            },
        },
    }
    started = transfer(api, "confirm-me.com", "Ok-By-Email-3", contacts={"registrant": contact})
    assert started.status_code == 202, started.text
    app.control.advance(61)
    assert status(api, "confirm-me.com")["context"]["confirmation_sent_to"] == "g***@example.org"


def test_a_declined_approval_fails_the_transfer(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app("transfer-awaits-registrant")
    api, mock = connect(app), connect_control(app)
    transfer(api, "confirm-me.com", "Ok-By-Email-3")
    app.control.advance(61)
    declined = answer(mock, "confirm-me.com", "decline")
    assert declined.status_code == 200, declined.text
    ended = status(api, "confirm-me.com")
    assert (ended["state"], ended["completed"]) == ("failed", True)
    assert ended["error"]["code"] == "transfer_declined"
    assert api.get("/registrations/confirm-me.com").status_code == 404
    assert app.control.charges(ACCOUNT) == []


def test_accepted_then_blocked_on_the_registrar(connect: Connect) -> None:
    app = create_app("transfer-awaits-registrant")
    api = connect(app)
    transfer(api, "also-asks.net", "Approve-Too-4")
    app.control.advance(61)
    assert state(api, "also-asks.net") == "action_required"
    accepted = app.control.resolve(ACCOUNT, "also-asks.net", confirm=True, kind="transfer_in")
    assert accepted.state is S.BLOCKED
    app.control.advance(DAY - 1)
    assert state(api, "also-asks.net") == "blocked"
    app.control.advance(1)
    assert state(api, "also-asks.net") == "succeeded"


def test_rejected_by_the_losing_registrar(connect: Connect) -> None:
    app = create_app("transfer-rejected")
    api = connect(app)
    assert transfer(api, "refused.com", "No-Way-5Back").status_code == 202
    seen = [state(api, "refused.com")]
    for seconds in (1, 60, 2 * DAY - 1, 1):
        app.control.advance(seconds)
        seen.append(state(api, "refused.com"))
    assert seen == ["pending", "in_progress", "blocked", "blocked", "failed"]
    ended = status(api, "refused.com")
    assert ended["completed"] is True
    assert ended["error"] == {"code": t.REJECTED[0], "message": t.REJECTED[1]}
    assert api.get("/registrations/refused.com").status_code == 404
    assert app.control.charges(ACCOUNT) == []


def test_the_control_api_rejects_for_the_registrar(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app("transfer-rejected")
    api, mock = connect(app), connect_control(app)
    transfer(api, "held-back.net", "Ask-Again-6")
    app.control.advance(3 * DAY)  # well into its five-day window
    assert state(api, "held-back.net") == "blocked"
    rejected = answer(mock, "held-back.net", "reject")
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["result"]["error"]["code"] == "transfer_rejected"
    assert state(api, "held-back.net") == "failed"
    assert answer(mock, "held-back.net", "reject").status_code == 409


def test_transfer_check_reports_each_prerequisite(connect: Connect) -> None:
    api = connect(create_app("transfer-prerequisites"))
    names = list(PREREQUISITES)
    found: dict[str, Any] = {}
    for batch in (names[:10], names[10:]):  # at most 10 a request
        body = {
            "domains": [
                {
                    "domain_name": name,
                    **({} if name.endswith(".uk") else {"auth_code": b64(PREREQ_CODE)}),
                }
                for name in batch
            ]
        }
        response = api.post("/domain-transfer-check", json=body)
        assert response.status_code == 200, response.text
        found.update(response.json()["result"]["domains"])
    for name, expected in PREREQUISITES.items():
        item = found[name]
        assert item["transferable"] is (not expected), name
        if expected:
            assert [reason["code"] for reason in item["reasons"]] == expected, name
            assert "pricing" not in item
        else:
            assert "reasons" not in item
            assert set(item["pricing"]) == {"currency", "renewal_cost", "transfer_cost"}
    assert found["moving.co.uk"]["pricing"]["transfer_cost"] in ("0", "0.00")


def test_transfer_check_reports_wrong_and_malformed_codes(connect: Connect) -> None:
    api = connect(create_app("transfer-prerequisites"))
    body = {
        "domains": [
            {"domain_name": "wrong-code.com", "auth_code": b64("guess")},
            {"domain_name": "WRONG-code.com", "auth_code": "not base64!"},
        ]
    }
    found = api.post("/domain-transfer-check", json=body).json()["result"]["domains"]
    assert [r["code"] for r in found["wrong-code.com"]["reasons"]] == ["invalid_auth_code"]
    # Answers are keyed by the name as sent.
    assert [r["code"] for r in found["WRONG-code.com"]["reasons"]] == ["invalid_auth_code_format"]


REFUSALS = [(name, reasons[0]) for name, reasons in PREREQUISITES.items() if reasons]


@pytest.mark.parametrize(("name", "reason"), REFUSALS, ids=[name for name, _ in REFUSALS])
def test_transfer_in_refuses_each_failed_prerequisite(
    connect: Connect, name: str, reason: R
) -> None:
    app = create_app("transfer-prerequisites")
    api = connect(app)
    refused = transfer(api, name, PREREQ_CODE)
    assert refused.status_code == 400, refused.text
    error = only_error(refused)
    expected = t.REFUSALS[reason](domain=name).items[0]
    assert (error["code"], error["message"]) == (expected.code, expected.message)
    assert transfer(api, name, PREREQ_CODE).status_code == 400  # nothing was started
    if reason is not R.DOMAIN_ON_CLOUDFLARE:
        assert api.get(f"/registrations/{name}").status_code == 404


def test_transfer_in_auth_code_rules(connect: Connect) -> None:
    app = create_app("transfer-prerequisites")
    api = connect(app)
    missing = only_error(transfer(api, "wrong-code.com"))
    assert missing["message"] == "auth_code is required to transfer a .com domain"
    assert missing["source"] == {"pointer": "/auth_code"}
    malformed = api.post(
        "/registrations/wrong-code.com/transfer-in", json={"auth_code": "not base64!"}
    )
    assert malformed.status_code == 400
    assert only_error(malformed)["source"] == {"pointer": "/auth_code"}
    # A wrong code that is well formed starts the transfer: the registry refuses it later.
    wrong = transfer(api, "wrong-code.com", "guess")
    assert wrong.status_code == 202
    app.control.advance(61)
    ended = status(api, "wrong-code.com")
    assert (ended["state"], ended["error"]["code"]) == ("failed", "invalid_auth_code")
    assert api.get("/registrations/wrong-code.com").status_code == 404


def test_the_uk_family_transfers_without_a_code_for_free(connect: Connect) -> None:
    app = create_app("transfer-prerequisites")
    api = connect(app)
    assert transfer(api, "moving.co.uk").status_code == 202
    app.control.advance(61 + 5 * DAY)
    assert state(api, "moving.co.uk") == "succeeded"
    assert all(charge.amount == 0 for charge in app.control.charges(ACCOUNT))


def test_billing_is_needed_only_when_the_transfer_costs(connect: Connect) -> None:
    app = create_app("transfer-prerequisites")
    api = connect(app, account=NO_BILLING_ACCOUNT)
    unpaid = transfer(api, "unpaid.com", PREREQ_CODE)
    assert unpaid.status_code == 400
    assert only_error(unpaid)["message"] == e.NO_BILLING().message
    assert transfer(api, "free.co.uk").status_code == 202
    app.control.advance(61 + 5 * DAY)
    assert state(api, "free.co.uk") == "succeeded"


def test_current_api_registers_what_the_current_sdk_documents(connect: Connect) -> None:
    api = connect(create_app("current-api"))
    assert register(api, "now-sold.io").status_code == 201
    assert register(api, "british.co.uk").status_code == 201
    two_years = register(api, "minimum.ai")
    assert two_years.status_code == 201, two_years.text
    registration = api.get("/registrations/minimum.ai").json()["result"]
    created = datetime.fromisoformat(registration["created_at"].replace("Z", "+00:00"))
    assert registration["expires_at"] == add_years(created, 2).isoformat().replace("+00:00", "Z")
    checked = api.post("/domain-check", json={"domains": ["gone.cc", "gone.link"]}).json()
    reasons = [item.get("reason") for item in checked["result"]["domains"]]
    assert reasons == ["extension_not_supported_via_api"] * 2


def test_the_default_still_sells_cc_and_not_io(connect: Connect) -> None:
    api = connect(create_app("default"))
    assert register(api, "still-sold.cc").status_code == 201
    assert register(api, "not-yet.io").status_code == 400


def test_the_sandbox_offers_the_extensions_a_scenario_lists(connect: Connect) -> None:
    def offered(app: MockApp) -> list[str]:
        response = connect(app).get(f"{registrar_url()}-sandbox/extensions")
        assert response.status_code == 200, response.text
        return [item["metadata"]["name"] for item in response.json()["result"]]

    assert offered(create_app("current-api")) == ["com", "net"]
    assert offered(create_app({"sandbox": {"extensions": ["dev", "app"]}})) == ["app", "dev"]


def test_a_transfer_scenario_survives_export_and_import(connect: Connect) -> None:
    """The exported document carries the new keys: the imported world is the same one."""
    app = create_app("transfer-prerequisites")
    assert transfer(connect(app), "ready.com", PREREQ_CODE).status_code == 202
    app.control.advance(61)
    exported = app.control.export_state()
    copy = create_app("default")
    copy.control.import_state(exported)
    api = connect(copy)
    assert state(api, "ready.com") == "blocked"
    copy.control.advance(5 * DAY)
    assert state(api, "ready.com") == "succeeded"
    body = {"domains": [{"domain_name": "locked.com"}, {"domain_name": "no-zone.com"}]}
    found = api.post("/domain-transfer-check", json=body).json()["result"]["domains"]
    assert found["locked.com"]["reasons"] == [{"code": "domain_locked"}]
    assert found["no-zone.com"]["reasons"] == [{"code": "zone_not_found"}]
