"""Every registrar and registrar-sandbox method of the official Node SDK (``cloudflare``
7.3.0, pinned in ``tests/sdk/node``), against a served mock.

Each test is one Node program, run by the driver (``tests/sdk/node/call.cjs``, one Node
process for the module): a list of SDK calls, with the control API's clock and transfer
answers in between, whose answers the test then reads as a user's code would. Without
Node.js (or the pinned SDK) the tests skip and say why, except where
``REGISTRAR_MOCK_REQUIRE_NODE=1`` (CI), where that fails them. The last test checks that
every method the driver finds on ``client.registrar`` and ``client.registrarSandbox`` is
called by a test here.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tests.sdk import node

from .conftest import ACCOUNT, OTHER, TOKEN, Mock

MOVE, MOVE_CODE = "move-me-in.com", "S3g3LU1vdmUtTWUtSW4="  # transfer-succeeds
PATIENT, PATIENT_CODE = "patient.net", "UGF0aWVudC05V2FpdA=="
CONFIRM, CONFIRM_CODE = "confirm-me.com", "T2stQnktRW1haWwtMw=="  # transfer-awaits-registrant
ASKS, ASKS_CODE = "also-asks.net", "QXBwcm92ZS1Ub28tNA=="
REFUSED, REFUSED_CODE = "refused.com", "Tm8tV2F5LTVCYWNr"  # transfer-rejected
HELD, HELD_CODE = "held-back.net", "QXNrLUFnYWluLTY="
PREREQ_CODE = "UHJlcmVxLUNvZGUtNw=="  # every domain of transfer-prerequisites
WRONG_CODE = "V3JvbmctQ29kZQ=="  # base64 of "Wrong-Code": well-formed, but not theirs

CONTACTS: dict[str, Any] = {
    "registrant": {
        "email": "ada@example.com",
        "phone": "+1.5555555555",
        "postal_info": {
            "name": "Ada Lovelace",
            "address": {
                "street": "1 Analytical Way",
                "city": "Austin",
                "state": "TX",
                "postal_code": "78701",
                "country_code": "US",
            },
        },
    }
}
ON = {"account_id": ACCOUNT}


@pytest.fixture(scope="module")
def session() -> Iterator[node.Session]:
    node.require()
    with node.Session() as running:
        yield running


@dataclass
class Program:
    """Runs a program of calls with a Node client pointed at the mock."""

    session: node.Session
    client: dict[str, Any]

    def __call__(self, *calls: dict[str, Any]) -> list[Any]:
        """An answer per call: {"ok": True, "result": ...} or {"ok": False, "error": ...}."""
        return self.session.call(self.client, *calls)

    def steps(self, steps: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """Run the steps in order; each answer under its step's name."""
        return dict(zip(steps, self(*steps.values()), strict=True))


@pytest.fixture
def run(session: node.Session, mock: Mock) -> Program:
    """Programs for the Node SDK, against the mock (which is reset)."""
    return Program(session, {"apiToken": TOKEN, "baseURL": mock.base, "maxRetries": 0})


def sdk(method: str, *args: Any, **options: Any) -> dict[str, Any]:
    """One SDK call of a program: ``method`` ("registrar.x.y") with ``args``; ``options``
    are the driver's (iterate, pages, response)."""
    return {"method": method, "args": list(args), **options}


def control(mock: Mock, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """A step of a program that calls the control API (a POST with a JSON body, or a GET)."""
    url = f"{mock.control_url}{path}"
    if body is None:
        return {"fetch": {"url": url, "method": "GET"}}
    return {"fetch": {"url": url, "method": "POST", "body": body}}


def advance(mock: Mock, by: str) -> dict[str, Any]:
    return control(mock, "/clock/advance", {"by": by})


def answer_transfer(mock: Mock, answer: str, domain: str) -> dict[str, Any]:
    return control(mock, f"/accounts/{ACCOUNT}/transfers/{domain}/{answer}", {})


def charges(mock: Mock, account: str = ACCOUNT) -> dict[str, Any]:
    return control(mock, f"/accounts/{account}/charges")


def ok(answer: dict[str, Any]) -> Any:
    """What a call of the program gave back; the test fails on an error."""
    assert answer["ok"], answer
    return answer["result"]


def controlled(answer: dict[str, Any]) -> Any:
    """The ``result`` of a control API step."""
    fetched = ok(answer)
    assert fetched["status"] == 200, fetched
    return fetched["body"]["result"]


# The SDK's error class for each status the tests meet.
ERRORS = {400: "BadRequestError", 404: "NotFoundError", 409: "ConflictError"}


def refused(answer: dict[str, Any], status: int) -> dict[str, Any]:
    """The single Cloudflare error of a call the SDK raised as an APIError."""
    assert not answer["ok"], answer
    error = answer["error"]
    assert (error["class"], error["status"]) == (ERRORS[status], status), error
    (item,) = error["errors"]
    assert isinstance(item, dict)
    return item


# Discovery


def test_search_and_check(run: Program) -> None:
    found, checked = run(
        sdk("registrar.search", {**ON, "q": "coffee shop", "limit": 4, "extensions": ["net"]}),
        sdk("registrar.check", {**ON, "domains": ["sdk-new-name.com", "example.com"]}),
    )
    domains = ok(found)["domains"]
    assert 0 < len(domains) <= 4
    assert all(d["name"].endswith(".net") and d["registrable"] for d in domains)
    new, taken = ok(checked)["domains"]
    assert (new["name"], new["registrable"], new["pricing"]["currency"]) == (
        "sdk-new-name.com", True, "USD",
    )  # fmt: skip
    assert (taken["registrable"], taken["reason"], "pricing" in taken) == (
        False, "domain_unavailable", False,
    )  # fmt: skip


# Extensions


def test_extensions_list_follows_the_cursor_and_get_reads_one(run: Program) -> None:
    answers = run(
        sdk("registrar.extensions.list", {**ON, "per_page": 7}, pages=True),
        sdk("registrar.extensions.list", {**ON, "per_page": 7}, iterate=True),
        sdk("registrar.extensions.list", {**ON, "direction": "desc"}, iterate=True),
        sdk("registrar.extensions.list", {**ON, "name": "com"}, iterate=True),
        sdk("registrar.extensions.get", "com", ON),
        sdk("registrar.extensions.get", "co.uk", ON),
        sdk("registrar.extensions.get", "horse", ON),
    )
    pages, every, backwards, only, com, co_uk, horse = answers
    pages = ok(pages)
    assert len(pages) > 1
    assert all(page["result_info"]["per_page"] == 7 for page in pages)
    assert all(page["result_info"]["count"] == len(page["result"]) <= 7 for page in pages)
    cursors = [page["result_info"]["cursor"] for page in pages]
    assert all(cursors[:-1]) and cursors[-1] == ""
    names = [item["metadata"]["name"] for item in ok(every)]
    assert names == sorted(names) == [i["metadata"]["name"] for p in pages for i in p["result"]]
    assert {"com", "net", "co.uk"} <= set(names)
    assert [item["metadata"]["name"] for item in ok(backwards)] == names[::-1]
    assert ok(only) == [ok(com)]

    com = ok(com)
    assert com["metadata"] == {"name": "com", "tld": "com"}
    assert "domain_name" in com["registration_schema"]["required"]
    assert "auth_code" in com["transfer_schema"]["properties"]
    co_uk = ok(co_uk)
    assert co_uk["metadata"] == {"name": "co.uk", "tld": "uk"}
    assert "auth_code" not in co_uk["transfer_schema"]["properties"]  # the UK family needs none
    assert refused(horse, 404) == {"code": 10000, "message": "Extension not found"}


def test_extensions_revalidate_with_their_etag(run: Program) -> None:
    """The mock answers If-None-Match with 304 and no body; the Node SDK, which treats
    every status outside 2xx as an error, raises that as APIError(304)."""
    got, listed = run(
        sdk("registrar.extensions.get", "com", ON, response=True),
        sdk("registrar.extensions.list", {**ON, "name": "net"}, response=True),
    )
    got, listed = ok(got), ok(listed)
    assert got["status"] == 200 and got["data"]["metadata"]["name"] == "com"
    assert [item["metadata"]["name"] for item in listed["data"]["result"]] == ["net"]
    etag, list_etag = got["headers"]["etag"], listed["headers"]["etag"]
    assert etag.startswith('"') and list_etag != etag

    same, same_list, changed = run(
        sdk("registrar.extensions.get", "com", ON, {"headers": {"If-None-Match": etag}}),
        sdk(
            "registrar.extensions.list",
            {**ON, "name": "net"},
            {"headers": {"If-None-Match": list_etag}},
        ),
        sdk("registrar.extensions.get", "net", ON, {"headers": {"If-None-Match": etag}}),
    )
    for answer in (same, same_list):
        assert not answer["ok"]
        assert (answer["error"]["class"], answer["error"]["status"]) == ("APIError", 304)
    assert ok(changed)["metadata"]["name"] == "net"  # another resource's ETag: no match


# Transfers in


def test_transfer_check_answers_a_map_keyed_by_name(run: Program, mock: Mock) -> None:
    mock.reset("transfer-prerequisites")
    asked = {
        "ready.com": PREREQ_CODE,
        "locked.com": PREREQ_CODE,
        "dnssec-on.com": PREREQ_CODE,
        "no-zone.com": PREREQ_CODE,
        "zone-pending.com": PREREQ_CODE,
        "just-registered.com": PREREQ_CODE,
        "max-term.com": PREREQ_CODE,
        "wrong-code.com": WRONG_CODE,
        "vip-transfer.com": PREREQ_CODE,
        "moving.co.uk": None,  # the UK family needs no auth code
    }
    domains = [
        {"domain_name": name} if code is None else {"domain_name": name, "auth_code": code}
        for name, code in asked.items()
    ]
    checked, more, eleven = run(
        sdk("registrar.transferCheck", {**ON, "domains": domains}),
        sdk(
            "registrar.transferCheck",
            {
                **ON,
                "domains": [
                    {"domain_name": "ready.com", "auth_code": "not base64!"},
                    {"domain_name": "on-cloudflare.com"},
                    {"domain_name": "not-registered.com", "auth_code": PREREQ_CODE},
                    {"domain_name": "dashboard-only.io", "auth_code": PREREQ_CODE},
                    {"domain_name": "registry-hold.com", "auth_code": PREREQ_CODE},
                    {"domain_name": "zone-partial.com", "auth_code": PREREQ_CODE},
                ],
            },
        ),
        sdk(
            "registrar.transferCheck",
            {**ON, "domains": [{"domain_name": f"name-{n}.com"} for n in range(11)]},
        ),
    )
    results = ok(checked)["domains"]
    assert list(results) == list(asked)
    assert all(result["name"] == name for name, result in results.items())
    for name in ("ready.com", "moving.co.uk"):
        assert results[name]["transferable"] is True and not results[name].get("reasons")
        assert set(results[name]["pricing"]) == {"currency", "renewal_cost", "transfer_cost"}
    assert Decimal(results["ready.com"]["pricing"]["transfer_cost"]) > 0
    assert Decimal(results["moving.co.uk"]["pricing"]["transfer_cost"]) == 0

    def reasons(found: dict[str, Any]) -> dict[str, list[str]]:
        return {
            name: [reason["code"] for reason in result["reasons"]]
            for name, result in found.items()
            if result["transferable"] is False and "pricing" not in result
        }

    assert reasons(results) == {
        "locked.com": ["domain_locked"],
        "dnssec-on.com": ["dnssec_enabled"],
        "no-zone.com": ["zone_not_found"],
        "zone-pending.com": ["zone_status_invalid"],
        "just-registered.com": ["domain_outside_transfer_window"],
        "max-term.com": ["domain_max_term"],
        "wrong-code.com": ["invalid_auth_code"],
        "vip-transfer.com": ["domain_premium"],
    }
    assert reasons(ok(more)["domains"]) == {
        "ready.com": ["invalid_auth_code_format"],
        "on-cloudflare.com": ["domain_on_cloudflare"],
        "not-registered.com": ["domain_not_exists"],
        "dashboard-only.io": ["extension_not_supported_via_api"],
        "registry-hold.com": ["registry_status"],
        "zone-partial.com": ["invalid_zone_plan"],
    }
    assert refused(eleven, 400)["code"] == 10000


def test_a_transfer_in_succeeds_once_the_losing_registrar_approves(
    run: Program, mock: Mock
) -> None:
    mock.reset("transfer-succeeds")
    start = {**ON, "auth_code": MOVE_CODE}
    both = [
        {"domain_name": MOVE, "auth_code": MOVE_CODE},
        {"domain_name": PATIENT, "auth_code": PATIENT_CODE},
    ]
    got = run.steps(
        {
            "checked": sdk("registrar.transferCheck", {**ON, "domains": both}),
            "started": sdk(
                "registrar.transferIn.create",
                MOVE,
                {**start, "auto_renew": True, "privacy_mode": "off"},
                response=True,
            ),
            "again": sdk("registrar.transferIn.create", MOVE, {**start, "Prefer": "respond-async"}),
            "moving": sdk("registrar.registrations.get", MOVE, ON),
            "a minute on": advance(mock, "61s"),
            "blocked": sdk("registrar.transferInStatus.get", MOVE, ON),
            "charged early": charges(mock),
            # patient.net's registrar never answers: the control API approves for it.
            "patient": sdk(
                "registrar.transferIn.create", PATIENT, {**ON, "auth_code": PATIENT_CODE}
            ),
            "another minute on": advance(mock, "61s"),
            "patient blocked": sdk("registrar.transferInStatus.get", PATIENT, ON),
            "approve": answer_transfer(mock, "approve", PATIENT),
            "approved": sdk("registrar.transferInStatus.get", PATIENT, ON),
            "two days on": advance(mock, "2d"),
            "done": sdk("registrar.transferInStatus.get", MOVE, ON),
            "moved": sdk("registrar.registrations.get", MOVE, ON),
            "listed": sdk("registrar.registrations.list", {**ON, "sort_by": "name"}, iterate=True),
            "charged": charges(mock),
        }
    )
    price = {
        name: found["pricing"]["transfer_cost"]
        for name, found in ok(got["checked"])["domains"].items()
    }

    raw = ok(got["started"])
    started = raw["data"]
    assert raw["status"] == 202
    assert not started["completed"] and started["state"] in ("pending", "in_progress")
    assert started["links"] == {
        "self": f"/accounts/{ACCOUNT}/registrar/registrations/{MOVE}/transfer-in-status",
        "resource": f"/accounts/{ACCOUNT}/registrar/registrations/{MOVE}",
    }
    assert raw["headers"]["location"] == started["links"]["self"]
    assert started["context"]["domain_name"] == MOVE
    assert started.get("error") is None
    # The domain name is the idempotency key: asking again answers the same workflow.
    assert ok(got["again"])["created_at"] == started["created_at"]
    moving = ok(got["moving"])
    assert (moving["status"], moving["expires_at"]) == ("transfer_pending", None)

    blocked = ok(got["blocked"])
    assert (blocked["state"], blocked["completed"]) == ("blocked", False)
    assert blocked["context"]["blocked_by"] == "losing_registrar"
    assert controlled(got["charged early"]) == []  # charged only once it succeeds
    assert ok(got["patient blocked"])["state"] == "blocked"
    approved = ok(got["approved"])
    assert (approved["state"], approved["completed"]) == ("succeeded", True)

    done = ok(got["done"])
    assert (done["state"], done["completed"], done.get("error")) == ("succeeded", True, None)
    moved = ok(got["moved"])
    assert moved["status"] == "active"
    assert moved["expires_at"] == "2027-07-20T00:00:00Z"  # a year on from +200d
    assert (moved["auto_renew"], moved["privacy_mode"]) == (True, "off")
    assert [r["domain_name"] for r in ok(got["listed"])] == [MOVE, PATIENT]
    assert [(c["domain_name"], c["kind"], c["amount"]) for c in controlled(got["charged"])] == [
        (PATIENT, "transfer", price[PATIENT]),  # approved first
        (MOVE, "transfer", price[MOVE]),
    ]


def test_a_transfer_in_waits_for_the_registrant(run: Program, mock: Mock) -> None:
    mock.reset("transfer-awaits-registrant")
    got = run.steps(
        {
            "confirm": sdk(
                "registrar.transferIn.create", CONFIRM, {**ON, "auth_code": CONFIRM_CODE}
            ),
            "asks": sdk("registrar.transferIn.create", ASKS, {**ON, "auth_code": ASKS_CODE}),
            "a minute on": advance(mock, "61s"),
            "waiting": sdk("registrar.transferInStatus.get", CONFIRM, ON),
            "ten days on": advance(mock, "10d"),
            "still": sdk("registrar.transferInStatus.get", CONFIRM, ON),
            "accept": answer_transfer(mock, "accept", CONFIRM),
            "accepted": sdk("registrar.transferInStatus.get", CONFIRM, ON),
            "confirmed": sdk("registrar.registrations.get", CONFIRM, ON),
            "decline": answer_transfer(mock, "decline", ASKS),
            "declined": sdk("registrar.transferInStatus.get", ASKS, ON),
            "gone": sdk("registrar.registrations.get", ASKS, ON),
        }
    )
    waiting = ok(got["waiting"])
    assert (waiting["state"], waiting["completed"]) == ("action_required", False)
    assert waiting["context"]["action"] == "registrant_transfer_approval"
    assert re.fullmatch(r"[a-z]\*\*\*@example\.com", waiting["context"]["confirmation_sent_to"])
    assert (
        ok(got["still"])["state"] == "action_required"
    )  # an emailed approval never answers itself
    accepted = ok(got["accepted"])
    assert (accepted["state"], accepted["completed"]) == ("succeeded", True)
    assert ok(got["confirmed"])["status"] == "active"
    declined = ok(got["declined"])
    assert (declined["state"], declined["completed"]) == ("failed", True)
    assert declined["error"]["code"] == "transfer_declined"
    assert refused(got["gone"], 404)["code"] == 10000


def test_a_transfer_in_the_losing_registrar_rejects(run: Program, mock: Mock) -> None:
    mock.reset("transfer-rejected")
    got = run.steps(
        {
            "refused": sdk(
                "registrar.transferIn.create", REFUSED, {**ON, "auth_code": REFUSED_CODE}
            ),
            "held": sdk("registrar.transferIn.create", HELD, {**ON, "auth_code": HELD_CODE}),
            "editing": sdk("registrar.registrations.edit", REFUSED, {**ON, "auto_renew": True}),
            "a minute on": advance(mock, "61s"),
            "held blocked": sdk("registrar.transferInStatus.get", HELD, ON),
            "reject": answer_transfer(mock, "reject", HELD),
            "two days on": advance(mock, "2d"),
            "refused status": sdk("registrar.transferInStatus.get", REFUSED, ON),
            "held status": sdk("registrar.transferInStatus.get", HELD, ON),
            "refused registration": sdk("registrar.registrations.get", REFUSED, ON),
            "held registration": sdk("registrar.registrations.get", HELD, ON),
            "listed": sdk("registrar.registrations.list", ON, iterate=True),
            "charged": charges(mock),
        }
    )
    # Not the account's until the transfer completes.
    assert refused(got["editing"], 409)["message"] == (
        f"The transfer of {REFUSED} has not completed yet"
    )
    assert ok(got["held blocked"])["state"] == "blocked"
    for domain in ("refused", "held"):
        failed = ok(got[f"{domain} status"])
        assert (failed["state"], failed["completed"]) == ("failed", True)
        assert failed["error"]["code"] == "transfer_rejected"
        assert refused(got[f"{domain} registration"], 404)["message"] == "Domain not found"
    assert ok(got["listed"]) == []
    assert controlled(got["charged"]) == []


TRANSFER_REFUSALS = [
    # (domain, account, auth code, what the error says, its pointer)
    ("locked.com", ACCOUNT, PREREQ_CODE, "is locked at its current registrar", None),
    ("ready.com", ACCOUNT, None, "auth_code is required to transfer a .com domain", "/auth_code"),
    ("ready.com", ACCOUNT, "not base64!", "base64", "/auth_code"),
    ("vip-transfer.com", ACCOUNT, PREREQ_CODE, "Premium", None),
    ("no-zone.com", ACCOUNT, PREREQ_CODE, "No zone for no-zone.com", None),
    ("dnssec-on.com", ACCOUNT, PREREQ_CODE, "DNSSEC", None),
    ("on-cloudflare.com", ACCOUNT, PREREQ_CODE, "already registered with Cloudflare", None),
    ("dashboard-only.io", ACCOUNT, PREREQ_CODE, "use the dashboard", None),
    ("unpaid.com", OTHER, PREREQ_CODE, "billing profile", None),
]


def test_a_transfer_in_refuses_what_its_prerequisites_rule_out(run: Program, mock: Mock) -> None:
    mock.reset("transfer-prerequisites")
    refusals = [
        sdk(
            "registrar.transferIn.create",
            domain,
            {"account_id": account, **({} if code is None else {"auth_code": code})},
        )
        for domain, account, code, _, _ in TRANSFER_REFUSALS
    ]
    answers = run(
        *refusals,
        sdk("registrar.transferIn.create", "free.co.uk", {"account_id": OTHER}),
        sdk("registrar.transferIn.create", "wrong-code.com", {**ON, "auth_code": WRONG_CODE}),
        advance(mock, "6d"),
        sdk("registrar.transferInStatus.get", "wrong-code.com", ON),
        sdk("registrar.transferInStatus.get", "free.co.uk", {"account_id": OTHER}),
        charges(mock, OTHER),
        sdk("registrar.transferInStatus.get", "on-cloudflare.com", ON),
        sdk("registrar.transferInStatus.get", "nothing-here.com", ON),
    )
    for (domain, _, _, says, pointer), answer in zip(TRANSFER_REFUSALS, answers, strict=False):
        error = refused(answer, 400)
        assert error["code"] == 10000 and says in error["message"], (domain, error)
        assert error.get("source", {}).get("pointer") == pointer, (domain, error)
    free, _, _, wrong, moved, charged, never, nothing = answers[len(TRANSFER_REFUSALS) :]
    # Free transfers (the UK family) need neither an auth code nor a billing profile.
    assert ok(free)["completed"] is False
    # A well-formed but wrong code starts the transfer, which the registry then fails.
    wrong = ok(wrong)
    assert (wrong["state"], wrong["completed"]) == ("failed", True)
    assert wrong["error"]["code"] == "invalid_auth_code"
    assert ok(moved)["state"] == "succeeded"
    assert controlled(charged) == []  # nothing to charge
    assert refused(never, 404)["message"] == "No workflow found for on-cloudflare.com"
    assert refused(nothing, 404) == {"code": 10000, "message": "Domain not found"}


# Registrations


def test_registrations_create_poll_read_list_and_edit(run: Program, mock: Mock) -> None:
    now, later = "sdk-registered-now.com", "sdk-registered-later.dev"
    got = run.steps(
        {
            "created": sdk(
                "registrar.registrations.create",
                {**ON, "domain_name": now, "years": 2, "contacts": CONTACTS},
                response=True,
            ),
            "started": sdk(
                "registrar.registrations.create",
                {**ON, "domain_name": later, "Prefer": "respond-async"},
                response=True,
            ),
            "seconds on": advance(mock, "5s"),
            "status": sdk("registrar.registrationStatus.get", later, ON),
            "registration": sdk("registrar.registrations.get", now, ON),
            "pages": sdk(
                "registrar.registrations.list",
                {**ON, "per_page": 1, "sort_by": "name"},
                pages=True,
            ),
            "edited": sdk("registrar.registrations.edit", now, {**ON, "auto_renew": True}),
            "update": sdk("registrar.updateStatus.get", now, ON),
            "renewed": sdk("registrar.registrations.get", now, ON),
            "pending": sdk(
                "registrar.registrations.edit",
                later,
                {**ON, "auto_renew": True, "Prefer": "respond-async"},
                response=True,
            ),
            "more seconds on": advance(mock, "5s"),
            "updated": sdk("registrar.updateStatus.get", later, ON),
        }
    )
    created = ok(got["created"])
    assert created["status"] == 201  # finished inside the synchronous window
    done = created["data"]
    assert (done["state"], done["completed"]) == ("succeeded", True)
    assert done["links"]["self"] == (
        f"/accounts/{ACCOUNT}/registrar/registrations/{now}/registration-status"
    )
    assert done["context"]["registration"]["domain_name"] == now
    started = ok(got["started"])
    assert started["status"] == 202 and started["headers"]["preference-applied"] == "respond-async"
    assert started["data"]["completed"] is False
    status = ok(got["status"])
    assert (status["state"], status["completed"]) == ("succeeded", True)
    assert status["links"]["self"] == started["data"]["links"]["self"]

    registration = ok(got["registration"])
    assert (registration["domain_name"], registration["status"]) == (now, "active")
    assert int(registration["expires_at"][:4]) == int(registration["created_at"][:4]) + 2
    pages = ok(got["pages"])
    assert [[r["domain_name"] for r in page["result"]] for page in pages] == [[later], [now]]
    assert pages[-1]["result_info"]["cursor"] == ""

    edited = ok(got["edited"])
    assert edited["completed"] is True
    assert edited["links"]["self"] == (
        f"/accounts/{ACCOUNT}/registrar/registrations/{now}/update-status"
    )
    update = ok(got["update"])
    assert (update["state"], update["context"]["fields_updated"]) == ("succeeded", ["auto_renew"])
    assert ok(got["renewed"])["auto_renew"] is True
    pending = ok(got["pending"])
    assert pending["status"] == 202 and pending["data"]["completed"] is False
    assert ok(got["updated"])["state"] == "succeeded"


def test_the_deprecated_domains_methods_still_work(run: Program, mock: Mock) -> None:
    mock.reset("transfer-prerequisites")  # the account holds on-cloudflare.com
    listed, fetched, updated, registration = run(
        sdk("registrar.domains.list", ON, iterate=True),
        sdk("registrar.domains.get", "on-cloudflare.com", ON),
        sdk("registrar.domains.update", "on-cloudflare.com", {**ON, "locked": False}),
        sdk("registrar.registrations.get", "on-cloudflare.com", ON),
    )
    (domain,) = ok(listed)
    assert (domain["current_registrar"], domain["locked"], domain["supported_tld"]) == (
        "Cloudflare", True, True,
    )  # fmt: skip
    assert ok(fetched)["id"] == domain["id"]
    assert ok(updated)["locked"] is False
    assert ok(registration)["locked"] is False


# The Registrar Sandbox


def test_sandbox_search_check_and_extensions(run: Program) -> None:
    found, checked, pages, net, got, org = run(
        sdk("registrarSandbox.search", {**ON, "q": "coffee shop", "limit": 10}),
        sdk("registrarSandbox.check", {**ON, "domains": ["sdk-sandbox.com", "sdk-sandbox.org"]}),
        sdk("registrarSandbox.extensions.list", {**ON, "per_page": 1}, pages=True),
        sdk("registrarSandbox.extensions.list", {**ON, "name": "net"}, iterate=True),
        sdk("registrarSandbox.extensions.get", "net", ON),
        sdk("registrarSandbox.extensions.get", "org", ON),
    )
    domains = ok(found)["domains"]
    assert domains and {d["name"].rsplit(".", 1)[1] for d in domains} <= {"com", "net"}
    com, other = ok(checked)["domains"]
    assert com["registrable"] and "pricing" in com
    assert not other["registrable"] and "pricing" not in other and other["reason"]
    assert [[item["metadata"]["name"] for item in page["result"]] for page in ok(pages)] == [
        ["com"], ["net"],
    ]  # fmt: skip
    got = ok(got)
    assert ok(net) == [got]
    assert got["metadata"] == {"name": "net", "tld": "net"}
    assert "contacts" in got["registration_schema"]["required"]  # no express mode
    assert refused(org, 404)["code"] == 10000  # production has it, the sandbox doesn't


def test_sandbox_registrations_are_test_records_apart_from_production(
    run: Program, mock: Mock
) -> None:
    first, second = "sdk-sandbox-first.com", "sdk-sandbox-second.net"
    production = "sdk-production-only.com"
    other = {"account_id": OTHER}
    got = run.steps(
        {
            "express": sdk("registrarSandbox.registrations.create", {**ON, "domain_name": first}),
            "created": sdk(
                "registrarSandbox.registrations.create",
                {**ON, "domain_name": first, "contacts": CONTACTS},
                response=True,
            ),
            "started": sdk(
                "registrarSandbox.registrations.create",
                {**ON, "domain_name": second, "contacts": CONTACTS, "Prefer": "respond-async"},
            ),
            "seconds on": advance(mock, "5s"),
            "status": sdk("registrarSandbox.registrationStatus.get", second, ON),
            "registration": sdk("registrarSandbox.registrations.get", first, ON),
            "listed": sdk(
                "registrarSandbox.registrations.list",
                {**ON, "per_page": 1, "sort_by": "name"},
                iterate=True,
            ),
            "edited": sdk(
                "registrarSandbox.registrations.edit",
                first,
                {**ON, "auto_renew": True, "Prefer": "respond-async"},
            ),
            "more seconds on": advance(mock, "5s"),
            "update": sdk("registrarSandbox.updateStatus.get", first, ON),
            "renewed": sdk("registrarSandbox.registrations.get", first, ON),
            "charged": charges(mock),
            # Never on the production paths...
            "production list": sdk("registrar.registrations.list", ON, iterate=True),
            "production get": sdk("registrar.registrations.get", first, ON),
            "legacy list": sdk("registrar.domains.list", ON, iterate=True),
            "production check": sdk("registrar.check", {**ON, "domains": [first]}),
            # ...but unique across every account in the sandbox.
            "elsewhere check": sdk("registrarSandbox.check", {**other, "domains": [first]}),
            "elsewhere create": sdk(
                "registrarSandbox.registrations.create",
                {**other, "domain_name": first, "contacts": CONTACTS},
            ),
            "elsewhere list": sdk("registrarSandbox.registrations.list", other, iterate=True),
            # And production's registrations stay out of the sandbox.
            "in production": sdk(
                "registrar.registrations.create",
                {**ON, "domain_name": production, "Prefer": "respond-async"},
            ),
            "not in the sandbox": sdk("registrarSandbox.registrations.get", production, ON),
            "sandbox list": sdk("registrarSandbox.registrations.list", ON, iterate=True),
        }
    )
    assert refused(got["express"], 400)["source"] == {"pointer": "/contacts/registrant"}
    created = ok(got["created"])
    assert created["status"] == 201
    assert (created["data"]["state"], created["data"]["completed"]) == ("succeeded", True)
    assert created["data"]["links"]["self"] == (
        f"/accounts/{ACCOUNT}/registrar-sandbox/registrations/{first}/registration-status"
    )
    assert ok(got["started"])["completed"] is False
    assert ok(got["status"])["state"] == "succeeded"
    registration = ok(got["registration"])
    assert (registration["domain_name"], registration["status"]) == (first, "active")
    assert [r["domain_name"] for r in ok(got["listed"])] == [first, second]
    edited = ok(got["edited"])
    assert edited["completed"] is False
    assert edited["links"]["self"].endswith(
        f"/registrar-sandbox/registrations/{first}/update-status"
    )
    assert ok(got["update"])["state"] == "succeeded"
    assert ok(got["renewed"])["auto_renew"] is True
    assert controlled(got["charged"]) == []  # no billing in the sandbox

    assert ok(got["production list"]) == []
    assert refused(got["production get"], 404)["message"] == "Domain not found"
    assert ok(got["legacy list"]) == []
    assert ok(got["production check"])["domains"][0]["registrable"] is True

    assert ok(got["elsewhere check"])["domains"][0]["registrable"] is False
    assert refused(got["elsewhere create"], 400)["code"] == 10000
    assert ok(got["elsewhere list"]) == []

    assert ok(got["in production"])["completed"] is False
    assert refused(got["not in the sandbox"], 404)["code"] == 10000
    assert [r["domain_name"] for r in ok(got["sandbox list"])] == [first, second]


# Completeness

CALLED = re.compile(r"\bsdk\(\s*\"((?:registrar|registrarSandbox)\.[\w.]+)\"")


def called_here() -> set[str]:
    """Every SDK method the tests of this module call, as ``registrar.x.y``."""
    source = "\n".join(
        inspect.getsource(test)
        for name, test in vars(sys.modules[__name__]).items()
        if name.startswith("test_") and callable(test)
    )
    return set(CALLED.findall(source))


def test_every_registrar_method_of_the_sdk_is_driven_here(run: Program) -> None:
    production, sandbox = run({"methods": "registrar"}, {"methods": "registrarSandbox"})
    exposed = set(ok(production)) | set(ok(sandbox))
    assert len(ok(production)) == 16 and len(ok(sandbox)) == 10
    missing = exposed - called_here()
    assert not missing, f"SDK methods no test here calls: {sorted(missing)}"
    assert called_here() <= exposed
