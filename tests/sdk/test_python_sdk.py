"""Every registrar and registrar-sandbox method of the official Python SDK (``cloudflare``
5.9.0), sync and async, against a served mock.

Each test runs twice, once with ``Cloudflare`` and once with ``AsyncCloudflare`` (the
``sdk`` fixture hides the difference: ``sdk(answer)`` awaits what the async client gives
back), and asserts on the typed results, as a user's code would read them. Where a
workflow must move on, the test moves the mock's clock through the control API (days at
a time), and it asserts only on states that the real seconds a test takes cannot change.
The last test checks that every method the SDK exposes under ``registrar`` and
``registrar_sandbox`` is called by a test here.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import cloudflare
import pytest
from cloudflare import AsyncCloudflare, Cloudflare
from cloudflare._resource import AsyncAPIResource, SyncAPIResource
from cloudflare.types import registrar_sandbox as sandbox_types
from cloudflare.types.registrar import (
    Domain,
    ExtensionGetResponse,
    ExtensionListResponse,
    RegistrarCheckResponse,
    RegistrarSearchResponse,
    RegistrarTransferCheckResponse,
    Registration,
    WorkflowStatus,
)
from cloudflare.types.registrar import registrar_transfer_check_response as transfer_check

from .conftest import ACCOUNT, OTHER, TOKEN, Mock

# The auth codes of the bundled transfer scenarios, base64-encoded as the API takes them.
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


def legacy() -> pytest.WarningsRecorder:
    """The warning the SDK gives on every call of the deprecated ``domains`` methods."""
    return pytest.warns(DeprecationWarning, match="deprecated")


async def _settle(answer: Awaitable[Any]) -> Any:
    return await answer


async def _collect(listing: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in listing]


async def _pages(listing: Awaitable[Any]) -> list[Any]:
    first = await listing
    return [page async for page in first.iter_pages()]


class Sdk:
    """One of the two clients, pointed at the mock, and how to read what it answers."""

    def __init__(self, flavour: str, base_url: str) -> None:
        self.flavour = flavour
        self.cf: Cloudflare | AsyncCloudflare
        self._runner: asyncio.Runner | None = None
        if flavour == "sync":
            self.cf = Cloudflare(api_token=TOKEN, base_url=base_url, max_retries=0)
        else:
            self._runner = asyncio.Runner()
            self.cf = AsyncCloudflare(api_token=TOKEN, base_url=base_url, max_retries=0)

    def __call__(self, answer: Any) -> Any:
        """What a call gave back: as it is from the sync client, awaited from the async one."""
        if self._runner is None:
            return answer
        return self._runner.run(_settle(answer))

    def items(self, listing: Any) -> list[Any]:
        """Every item of a list, across its pages (the SDK's auto-pagination)."""
        if self._runner is None:
            return list(listing)
        found: list[Any] = self._runner.run(_collect(listing))
        return found

    def pages(self, listing: Any) -> list[Any]:
        """Every page of a list, in order, as the SDK follows the cursor."""
        if self._runner is None:
            return list(listing.iter_pages())
        found: list[Any] = self._runner.run(_pages(listing))
        return found

    def parse(self, raw: Any) -> Any:
        """The typed result of a ``with_raw_response`` answer."""
        return self(raw.parse())

    def close(self) -> None:
        if isinstance(self.cf, Cloudflare):
            self.cf.close()
        elif self._runner is not None:
            self._runner.run(self.cf.close())
            self._runner.close()


@pytest.fixture(params=["sync", "async"])
def sdk(request: pytest.FixtureRequest, mock: Mock) -> Iterator[Sdk]:
    client = Sdk(request.param, mock.base)
    yield client
    client.close()


def refused(caught: pytest.ExceptionInfo[cloudflare.APIStatusError]) -> dict[str, Any]:
    """The single error of a refusal, checked to be Cloudflare's envelope."""
    body = caught.value.body
    assert isinstance(body, dict) and body["success"] is False, body
    (error,) = body["errors"]
    assert isinstance(error, dict)
    return error


# Discovery


def test_search_and_check(sdk: Sdk) -> None:
    cf = sdk.cf
    found = sdk(
        cf.registrar.search(account_id=ACCOUNT, q="coffee shop", limit=4, extensions=["net"])
    )
    assert isinstance(found, RegistrarSearchResponse)
    assert 0 < len(found.domains) <= 4
    assert all(domain.name.endswith(".net") for domain in found.domains)
    assert all(domain.registrable and domain.tier == "standard" for domain in found.domains)

    checked = sdk(
        cf.registrar.check(account_id=ACCOUNT, domains=["sdk-new-name.com", "example.com"])
    )
    assert isinstance(checked, RegistrarCheckResponse)
    new, taken = checked.domains
    assert (new.name, new.registrable, taken.name, taken.registrable) == (
        "sdk-new-name.com", True, "example.com", False,
    )  # fmt: skip
    assert new.pricing is not None and new.pricing.currency == "USD"
    assert taken.pricing is None and taken.reason == "domain_unavailable"


# Extensions


def test_extensions_list_follows_the_cursor_and_get_reads_one(sdk: Sdk) -> None:
    cf = sdk.cf
    pages = sdk.pages(cf.registrar.extensions.list(account_id=ACCOUNT, per_page=7))
    assert len(pages) > 1
    assert all(page.result_info.per_page == 7 for page in pages)
    assert all(page.result_info.count == len(page.result) <= 7 for page in pages)
    assert [bool(page.result_info.cursor) for page in pages] == [True] * (len(pages) - 1) + [False]

    every = sdk.items(cf.registrar.extensions.list(account_id=ACCOUNT, per_page=7))
    assert all(isinstance(item, ExtensionListResponse) for item in every)
    names = [item.metadata.name for item in every]
    assert names == sorted(names) == [item.metadata.name for page in pages for item in page.result]
    assert {"com", "net", "co.uk"} <= set(names)
    backwards = sdk.items(cf.registrar.extensions.list(account_id=ACCOUNT, direction="desc"))
    assert [item.metadata.name for item in backwards] == names[::-1]

    (only,) = sdk.items(cf.registrar.extensions.list(account_id=ACCOUNT, name="com"))
    assert only.metadata.name == "com"

    com = sdk(cf.registrar.extensions.get("com", account_id=ACCOUNT))
    assert isinstance(com, ExtensionGetResponse)
    assert (com.metadata.name, com.metadata.tld) == ("com", "com")
    assert com.registration_schema["type"] == "object"
    assert "domain_name" in com.registration_schema["required"]
    assert "auth_code" in com.transfer_schema["properties"]
    assert com.model_dump() == only.model_dump()

    co_uk = sdk(cf.registrar.extensions.get("co.uk", account_id=ACCOUNT))
    assert (co_uk.metadata.name, co_uk.metadata.tld) == ("co.uk", "uk")
    assert "auth_code" not in co_uk.transfer_schema["properties"]  # the UK family needs none

    with pytest.raises(cloudflare.NotFoundError) as caught:
        sdk(cf.registrar.extensions.get("horse", account_id=ACCOUNT))
    assert refused(caught) == {"code": 10000, "message": "Extension not found"}


def test_extensions_revalidate_with_their_etag(sdk: Sdk) -> None:
    """The mock answers If-None-Match with 304 and no body; the Python SDK, which treats
    every status outside 2xx as an error, raises that as APIStatusError(304)."""
    cf = sdk.cf
    raw = sdk(cf.registrar.extensions.with_raw_response.get("com", account_id=ACCOUNT))
    etag = raw.headers["ETag"]
    assert etag.startswith('"') and sdk.parse(raw).metadata.name == "com"
    with pytest.raises(cloudflare.APIStatusError) as caught:
        sdk(
            cf.registrar.extensions.get(
                "com", account_id=ACCOUNT, extra_headers={"If-None-Match": etag}
            )
        )
    assert caught.value.status_code == 304
    assert caught.value.response.content == b""

    listed = sdk(cf.registrar.extensions.with_raw_response.list(account_id=ACCOUNT, name="net"))
    assert listed.headers["ETag"] != etag
    with pytest.raises(cloudflare.APIStatusError) as caught:
        sdk(
            cf.registrar.extensions.list(
                account_id=ACCOUNT,
                name="net",
                extra_headers={"If-None-Match": listed.headers["ETag"]},
            )
        )
    assert caught.value.status_code == 304


# Transfers in


def test_transfer_check_answers_a_map_keyed_by_name(sdk: Sdk, mock: Mock) -> None:
    mock.reset("transfer-prerequisites")
    cf = sdk.cf
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
    domains: list[Any] = [
        {"domain_name": name} if code is None else {"domain_name": name, "auth_code": code}
        for name, code in asked.items()
    ]
    checked = sdk(cf.registrar.transfer_check(account_id=ACCOUNT, domains=domains))
    assert isinstance(checked, RegistrarTransferCheckResponse)
    assert list(checked.domains) == list(asked)
    assert all(result.name == name for name, result in checked.domains.items())

    costs: dict[str, Decimal] = {}
    for name in ("ready.com", "moving.co.uk"):
        result = checked.domains[name]
        assert isinstance(result, transfer_check.DomainsTransferableResult)
        assert result.transferable is True and not result.reasons
        assert result.pricing.currency == "USD" and Decimal(result.pricing.renewal_cost) > 0
        costs[name] = Decimal(result.pricing.transfer_cost)
    assert costs["ready.com"] > 0 and costs["moving.co.uk"] == 0  # the UK family moves free

    reasons = {
        name: [reason.code for reason in result.reasons or []]
        for name, result in checked.domains.items()
        if not result.transferable
    }
    assert reasons == {
        "locked.com": ["domain_locked"],
        "dnssec-on.com": ["dnssec_enabled"],
        "no-zone.com": ["zone_not_found"],
        "zone-pending.com": ["zone_status_invalid"],
        "just-registered.com": ["domain_outside_transfer_window"],
        "max-term.com": ["domain_max_term"],
        "wrong-code.com": ["invalid_auth_code"],
        "vip-transfer.com": ["domain_premium"],
    }
    for name in reasons:
        result = checked.domains[name]
        assert isinstance(result, transfer_check.DomainsNonTransferableResult)
        assert result.pricing is None

    more = sdk(
        cf.registrar.transfer_check(
            account_id=ACCOUNT,
            domains=[
                {"domain_name": "ready.com", "auth_code": "not base64!"},
                {"domain_name": "on-cloudflare.com"},
                {"domain_name": "not-registered.com", "auth_code": PREREQ_CODE},
                {"domain_name": "dashboard-only.io", "auth_code": PREREQ_CODE},
                {"domain_name": "registry-hold.com", "auth_code": PREREQ_CODE},
                {"domain_name": "zone-partial.com", "auth_code": PREREQ_CODE},
            ],
        )
    )
    assert {
        name: [r.code for r in result.reasons or []] for name, result in more.domains.items()
    } == {
        "ready.com": ["invalid_auth_code_format"],
        "on-cloudflare.com": ["domain_on_cloudflare"],
        "not-registered.com": ["domain_not_exists"],
        "dashboard-only.io": ["extension_not_supported_via_api"],
        "registry-hold.com": ["registry_status"],
        "zone-partial.com": ["invalid_zone_plan"],
    }

    eleven: list[Any] = [{"domain_name": f"name-{n}.com"} for n in range(11)]
    with pytest.raises(cloudflare.BadRequestError) as caught:
        sdk(cf.registrar.transfer_check(account_id=ACCOUNT, domains=eleven))
    assert refused(caught)["code"] == 10000


def test_a_transfer_in_succeeds_once_the_losing_registrar_approves(
    sdk: Sdk, mock: Mock, tmp_path: Path
) -> None:
    mock.reset("transfer-succeeds")
    cf = sdk.cf
    # The SDK also takes an auth code as a file, which it sends base64-encoded.
    code_file = tmp_path / "auth-code.txt"
    code_file.write_bytes(base64.b64decode(PATIENT_CODE))
    checked = sdk(
        cf.registrar.transfer_check(
            account_id=ACCOUNT,
            domains=[
                {"domain_name": MOVE, "auth_code": MOVE_CODE},
                {"domain_name": PATIENT, "auth_code": code_file},
            ],
        )
    )
    assert all(result.transferable for result in checked.domains.values())
    price = {name: result.pricing.transfer_cost for name, result in checked.domains.items()}

    raw = sdk(
        cf.registrar.transfer_in.with_raw_response.create(
            MOVE, account_id=ACCOUNT, auth_code=MOVE_CODE, auto_renew=True, privacy_mode="off"
        )
    )
    assert raw.status_code == 202
    started = sdk.parse(raw)
    assert isinstance(started, WorkflowStatus)
    assert not started.completed and started.state in ("pending", "in_progress")
    assert (
        started.links.self
        == f"/accounts/{ACCOUNT}/registrar/registrations/{MOVE}/transfer-in-status"
    )
    assert started.links.resource == f"/accounts/{ACCOUNT}/registrar/registrations/{MOVE}"
    assert raw.headers["Location"] == started.links.self
    assert started.context is not None and started.context["domain_name"] == MOVE
    assert started.error is None

    # The domain name is the idempotency key: asking again answers the same workflow.
    again = sdk(
        cf.registrar.transfer_in.create(
            MOVE, account_id=ACCOUNT, auth_code=MOVE_CODE, prefer="respond-async"
        )
    )
    assert (again.created_at, again.links.self) == (started.created_at, started.links.self)

    moving = sdk(cf.registrar.registrations.get(MOVE, account_id=ACCOUNT))
    assert isinstance(moving, Registration)
    assert moving.status == "transfer_pending" and moving.expires_at is None

    mock.advance("61s")
    blocked = sdk(cf.registrar.transfer_in_status.get(MOVE, account_id=ACCOUNT))
    assert isinstance(blocked, WorkflowStatus)
    assert (blocked.state, blocked.completed) == ("blocked", False)
    assert blocked.context is not None and blocked.context["blocked_by"] == "losing_registrar"
    assert mock.charges() == []  # charged only once it succeeds

    # patient.net's registrar never answers: the control API approves for it.
    sdk(cf.registrar.transfer_in.create(PATIENT, account_id=ACCOUNT, auth_code=code_file))
    mock.advance("61s")
    assert sdk(cf.registrar.transfer_in_status.get(PATIENT, account_id=ACCOUNT)).state == "blocked"
    mock.transfer("approve", PATIENT)
    approved = sdk(cf.registrar.transfer_in_status.get(PATIENT, account_id=ACCOUNT))
    assert (approved.state, approved.completed) == ("succeeded", True)

    mock.advance("2d")
    done = sdk(cf.registrar.transfer_in_status.get(MOVE, account_id=ACCOUNT))
    assert (done.state, done.completed, done.error) == ("succeeded", True, None)
    assert done.context is not None and done.context["registration"]["status"] == "active"

    moved = sdk(cf.registrar.registrations.get(MOVE, account_id=ACCOUNT))
    assert moved.status == "active"
    assert moved.expires_at == datetime(2027, 7, 20, tzinfo=UTC)  # a year on from +200d
    assert (moved.auto_renew, moved.privacy_mode) == (True, "off")
    listed = sdk.items(cf.registrar.registrations.list(account_id=ACCOUNT, sort_by="name"))
    assert [registration.domain_name for registration in listed] == [MOVE, PATIENT]
    assert [(c["domain_name"], c["kind"], c["amount"]) for c in mock.charges()] == [
        (PATIENT, "transfer", price[PATIENT]),  # approved first
        (MOVE, "transfer", price[MOVE]),
    ]


def test_a_transfer_in_waits_for_the_registrant(sdk: Sdk, mock: Mock) -> None:
    mock.reset("transfer-awaits-registrant")
    cf = sdk.cf
    sdk(cf.registrar.transfer_in.create(CONFIRM, account_id=ACCOUNT, auth_code=CONFIRM_CODE))
    sdk(cf.registrar.transfer_in.create(ASKS, account_id=ACCOUNT, auth_code=ASKS_CODE))
    mock.advance("61s")
    waiting = sdk(cf.registrar.transfer_in_status.get(CONFIRM, account_id=ACCOUNT))
    assert (waiting.state, waiting.completed) == ("action_required", False)
    assert waiting.context is not None
    assert waiting.context["action"] == "registrant_transfer_approval"
    assert re.fullmatch(r"[a-z]\*\*\*@example\.com", waiting.context["confirmation_sent_to"])

    mock.advance("10d")  # an emailed approval never answers itself
    assert sdk(cf.registrar.transfer_in_status.get(CONFIRM, account_id=ACCOUNT)).state == (
        "action_required"
    )
    mock.transfer("accept", CONFIRM)
    accepted = sdk(cf.registrar.transfer_in_status.get(CONFIRM, account_id=ACCOUNT))
    assert (accepted.state, accepted.completed) == ("succeeded", True)
    assert sdk(cf.registrar.registrations.get(CONFIRM, account_id=ACCOUNT)).status == "active"

    mock.transfer("decline", ASKS)
    declined = sdk(cf.registrar.transfer_in_status.get(ASKS, account_id=ACCOUNT))
    assert (declined.state, declined.completed) == ("failed", True)
    assert declined.error is not None and declined.error.code == "transfer_declined"
    with pytest.raises(cloudflare.NotFoundError):
        sdk(cf.registrar.registrations.get(ASKS, account_id=ACCOUNT))


def test_a_transfer_in_the_losing_registrar_rejects(sdk: Sdk, mock: Mock) -> None:
    mock.reset("transfer-rejected")
    cf = sdk.cf
    sdk(cf.registrar.transfer_in.create(REFUSED, account_id=ACCOUNT, auth_code=REFUSED_CODE))
    sdk(cf.registrar.transfer_in.create(HELD, account_id=ACCOUNT, auth_code=HELD_CODE))
    with pytest.raises(cloudflare.ConflictError) as caught:  # not the account's yet
        sdk(cf.registrar.registrations.edit(REFUSED, account_id=ACCOUNT, auto_renew=True))
    assert refused(caught)["message"] == f"The transfer of {REFUSED} has not completed yet"

    mock.advance("61s")
    assert sdk(cf.registrar.transfer_in_status.get(HELD, account_id=ACCOUNT)).state == "blocked"
    mock.transfer("reject", HELD)
    mock.advance("2d")
    for domain in (REFUSED, HELD):
        failed = sdk(cf.registrar.transfer_in_status.get(domain, account_id=ACCOUNT))
        assert (failed.state, failed.completed) == ("failed", True)
        assert failed.error is not None and failed.error.code == "transfer_rejected"
        with pytest.raises(cloudflare.NotFoundError):
            sdk(cf.registrar.registrations.get(domain, account_id=ACCOUNT))
    assert sdk.items(cf.registrar.registrations.list(account_id=ACCOUNT)) == []
    assert mock.charges() == []


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


def test_a_transfer_in_refuses_what_its_prerequisites_rule_out(sdk: Sdk, mock: Mock) -> None:
    mock.reset("transfer-prerequisites")
    cf = sdk.cf
    for domain, account, code, says, pointer in TRANSFER_REFUSALS:
        given = {} if code is None else {"auth_code": code}
        with pytest.raises(cloudflare.BadRequestError) as caught:
            sdk(cf.registrar.transfer_in.create(domain, account_id=account, **given))
        error = refused(caught)
        assert error["code"] == 10000 and says in error["message"], (domain, error)
        assert error.get("source", {}).get("pointer") == pointer, (domain, error)

    # Free transfers (the UK family) need neither an auth code nor a billing profile.
    free = sdk(cf.registrar.transfer_in.create("free.co.uk", account_id=OTHER))
    assert not free.completed
    # A well-formed but wrong code starts the transfer, which the registry then fails.
    sdk(cf.registrar.transfer_in.create("wrong-code.com", account_id=ACCOUNT, auth_code=WRONG_CODE))
    mock.advance("6d")
    wrong = sdk(cf.registrar.transfer_in_status.get("wrong-code.com", account_id=ACCOUNT))
    assert (wrong.state, wrong.completed) == ("failed", True)
    assert wrong.error is not None and wrong.error.code == "invalid_auth_code"
    moved = sdk(cf.registrar.transfer_in_status.get("free.co.uk", account_id=OTHER))
    assert moved.state == "succeeded"
    assert mock.charges(OTHER) == []  # nothing to charge

    with pytest.raises(cloudflare.NotFoundError) as caught:  # held, but never transferred
        sdk(cf.registrar.transfer_in_status.get("on-cloudflare.com", account_id=ACCOUNT))
    assert refused(caught)["message"] == "No workflow found for on-cloudflare.com"
    with pytest.raises(cloudflare.NotFoundError) as caught:
        sdk(cf.registrar.transfer_in_status.get("nothing-here.com", account_id=ACCOUNT))
    assert refused(caught) == {"code": 10000, "message": "Domain not found"}


# Registrations


def test_registrations_create_poll_read_list_and_edit(sdk: Sdk, mock: Mock) -> None:
    cf = sdk.cf
    now, later = "sdk-registered-now.com", "sdk-registered-later.dev"
    raw = sdk(
        cf.registrar.registrations.with_raw_response.create(
            account_id=ACCOUNT, domain_name=now, years=2, contacts=CONTACTS
        )
    )
    assert raw.status_code == 201  # finished inside the synchronous window
    done = sdk.parse(raw)
    assert isinstance(done, WorkflowStatus)
    assert (done.state, done.completed) == ("succeeded", True)
    assert (
        done.links.self == f"/accounts/{ACCOUNT}/registrar/registrations/{now}/registration-status"
    )
    assert done.context is not None and done.context["registration"]["domain_name"] == now

    started = sdk(
        cf.registrar.registrations.create(
            account_id=ACCOUNT, domain_name=later, prefer="respond-async"
        )
    )
    assert isinstance(started, WorkflowStatus) and not started.completed
    mock.advance("5s")
    status = sdk(cf.registrar.registration_status.get(later, account_id=ACCOUNT))
    assert isinstance(status, WorkflowStatus)
    assert (status.state, status.completed, status.links.self) == (
        "succeeded", True, started.links.self,
    )  # fmt: skip

    registration = sdk(cf.registrar.registrations.get(now, account_id=ACCOUNT))
    assert isinstance(registration, Registration)
    assert (registration.domain_name, registration.status) == (now, "active")
    assert registration.expires_at is not None
    assert registration.expires_at.year == registration.created_at.year + 2

    pages = sdk.pages(
        cf.registrar.registrations.list(account_id=ACCOUNT, per_page=1, sort_by="name")
    )
    assert [[r.domain_name for r in page.result] for page in pages] == [[later], [now]]
    assert pages[-1].result_info.cursor == ""
    assert all(isinstance(r, Registration) for page in pages for r in page.result)

    edited = sdk(cf.registrar.registrations.edit(now, account_id=ACCOUNT, auto_renew=True))
    assert isinstance(edited, WorkflowStatus) and edited.completed
    assert edited.links.self == f"/accounts/{ACCOUNT}/registrar/registrations/{now}/update-status"
    update = sdk(cf.registrar.update_status.get(now, account_id=ACCOUNT))
    assert (update.state, update.context and update.context["fields_updated"]) == (
        "succeeded", ["auto_renew"],
    )  # fmt: skip
    assert sdk(cf.registrar.registrations.get(now, account_id=ACCOUNT)).auto_renew is True

    pending = sdk(
        cf.registrar.registrations.edit(
            later, account_id=ACCOUNT, auto_renew=True, prefer="respond-async"
        )
    )
    assert not pending.completed
    mock.advance("5s")
    assert sdk(cf.registrar.update_status.get(later, account_id=ACCOUNT)).state == "succeeded"


def test_the_deprecated_domains_methods_still_work_and_warn(sdk: Sdk, mock: Mock) -> None:
    mock.reset("transfer-prerequisites")  # the account holds on-cloudflare.com
    cf = sdk.cf
    with legacy():
        listed = sdk.items(cf.registrar.domains.list(account_id=ACCOUNT))
    (domain,) = listed
    assert isinstance(domain, Domain)
    assert (domain.current_registrar, domain.locked, domain.supported_tld) == (
        "Cloudflare",
        True,
        True,
    )
    with legacy():
        fetched = sdk(cf.registrar.domains.get("on-cloudflare.com", account_id=ACCOUNT))
    assert isinstance(fetched, dict) and fetched["id"] == domain.id
    with legacy():
        updated = sdk(
            cf.registrar.domains.update("on-cloudflare.com", account_id=ACCOUNT, locked=False)
        )
    assert isinstance(updated, dict) and updated["locked"] is False
    registration = sdk(cf.registrar.registrations.get("on-cloudflare.com", account_id=ACCOUNT))
    assert registration.locked is False


# The Registrar Sandbox


def test_sandbox_search_check_and_extensions(sdk: Sdk) -> None:
    sandbox = sdk.cf.registrar_sandbox
    found = sdk(sandbox.search(account_id=ACCOUNT, q="coffee shop", limit=10))
    assert isinstance(found, sandbox_types.RegistrarSandboxSearchResponse) and found.domains
    assert {domain.name.rsplit(".", 1)[1] for domain in found.domains} <= {"com", "net"}

    checked = sdk(sandbox.check(account_id=ACCOUNT, domains=["sdk-sandbox.com", "sdk-sandbox.org"]))
    assert isinstance(checked, sandbox_types.RegistrarSandboxCheckResponse)
    com, org = checked.domains
    assert com.registrable and com.pricing is not None
    assert not org.registrable and org.pricing is None and org.reason is not None

    pages = sdk.pages(sandbox.extensions.list(account_id=ACCOUNT, per_page=1))
    assert [[item.metadata.name for item in page.result] for page in pages] == [["com"], ["net"]]
    assert all(
        isinstance(item, sandbox_types.ExtensionListResponse)
        for page in pages
        for item in page.result
    )
    (net,) = sdk.items(sandbox.extensions.list(account_id=ACCOUNT, name="net"))
    got = sdk(sandbox.extensions.get("net", account_id=ACCOUNT))
    assert isinstance(got, sandbox_types.ExtensionGetResponse)
    assert got.model_dump() == net.model_dump()
    assert (got.metadata.name, got.metadata.tld) == ("net", "net")
    assert "contacts" in got.registration_schema["required"]  # no express mode
    with pytest.raises(cloudflare.NotFoundError):  # production has it, the sandbox doesn't
        sdk(sandbox.extensions.get("org", account_id=ACCOUNT))


def test_sandbox_registrations_are_test_records_apart_from_production(sdk: Sdk, mock: Mock) -> None:
    cf = sdk.cf
    sandbox = cf.registrar_sandbox
    first, second = "sdk-sandbox-first.com", "sdk-sandbox-second.net"
    with pytest.raises(cloudflare.BadRequestError) as caught:  # no express mode
        sdk(sandbox.registrations.create(account_id=ACCOUNT, domain_name=first))
    assert refused(caught)["source"] == {"pointer": "/contacts/registrant"}

    raw = sdk(
        sandbox.registrations.with_raw_response.create(
            account_id=ACCOUNT, domain_name=first, contacts=CONTACTS
        )
    )
    assert raw.status_code == 201
    done = sdk.parse(raw)
    assert isinstance(done, sandbox_types.RegistrationCreateResponse)
    assert (done.state, done.completed) == ("succeeded", True)
    assert done.links.self == (
        f"/accounts/{ACCOUNT}/registrar-sandbox/registrations/{first}/registration-status"
    )
    started = sdk(
        sandbox.registrations.create(
            account_id=ACCOUNT, domain_name=second, contacts=CONTACTS, prefer="respond-async"
        )
    )
    assert isinstance(started, sandbox_types.RegistrationCreateResponse) and not started.completed
    mock.advance("5s")
    status = sdk(sandbox.registration_status.get(second, account_id=ACCOUNT))
    assert (
        isinstance(status, sandbox_types.RegistrationStatusGetResponse)
        and status.state == "succeeded"
    )

    got = sdk(sandbox.registrations.get(first, account_id=ACCOUNT))
    assert isinstance(got, sandbox_types.RegistrationGetResponse)
    assert (got.domain_name, got.status) == (first, "active")
    listed = sdk.items(sandbox.registrations.list(account_id=ACCOUNT, per_page=1, sort_by="name"))
    assert all(isinstance(r, sandbox_types.RegistrationListResponse) for r in listed)
    assert [r.domain_name for r in listed] == [first, second]

    edited = sdk(
        sandbox.registrations.edit(
            first, account_id=ACCOUNT, auto_renew=True, prefer="respond-async"
        )
    )
    assert isinstance(edited, sandbox_types.RegistrationEditResponse) and not edited.completed
    assert edited.links.self.endswith(f"/registrar-sandbox/registrations/{first}/update-status")
    mock.advance("5s")
    update = sdk(sandbox.update_status.get(first, account_id=ACCOUNT))
    assert isinstance(update, sandbox_types.UpdateStatusGetResponse) and update.state == "succeeded"
    assert sdk(sandbox.registrations.get(first, account_id=ACCOUNT)).auto_renew is True

    assert mock.charges() == []  # no billing in the sandbox
    # Never on the production paths...
    assert sdk.items(cf.registrar.registrations.list(account_id=ACCOUNT)) == []
    with pytest.raises(cloudflare.NotFoundError):
        sdk(cf.registrar.registrations.get(first, account_id=ACCOUNT))
    with legacy():
        assert sdk.items(cf.registrar.domains.list(account_id=ACCOUNT)) == []
    (production,) = sdk(cf.registrar.check(account_id=ACCOUNT, domains=[first])).domains
    assert production.registrable
    # ...but unique across every account in the sandbox.
    (elsewhere,) = sdk(sandbox.check(account_id=OTHER, domains=[first])).domains
    assert not elsewhere.registrable
    with pytest.raises(cloudflare.BadRequestError):
        sdk(sandbox.registrations.create(account_id=OTHER, domain_name=first, contacts=CONTACTS))
    assert sdk.items(sandbox.registrations.list(account_id=OTHER)) == []
    # And production's registrations stay out of the sandbox.
    sdk(
        cf.registrar.registrations.create(
            account_id=ACCOUNT, domain_name="sdk-production-only.com", prefer="respond-async"
        )
    )
    with pytest.raises(cloudflare.NotFoundError):
        sdk(sandbox.registrations.get("sdk-production-only.com", account_id=ACCOUNT))
    assert [r.domain_name for r in sdk.items(sandbox.registrations.list(account_id=ACCOUNT))] == [
        first, second,
    ]  # fmt: skip


# Completeness


def sdk_methods(resource: SyncAPIResource | AsyncAPIResource, prefix: str) -> set[str]:
    """The dotted names of a resource's public methods, its sub-resources walked too."""
    found: set[str] = set()
    for name in dir(type(resource)):
        if name.startswith("_") or name in ("with_raw_response", "with_streaming_response"):
            continue
        value = getattr(resource, name)
        if isinstance(value, SyncAPIResource | AsyncAPIResource):
            found |= sdk_methods(value, f"{prefix}.{name}")
        elif callable(value):
            found.add(f"{prefix}.{name}")
    return found


CALLED = re.compile(r"\b(?:cf\.)?(registrar(?:_sandbox)?|sandbox)((?:\.\w+)+)\(")


def called_here() -> set[str]:
    """Every SDK method the tests of this module call, as ``registrar.x.y``."""
    source = "\n".join(
        inspect.getsource(test)
        for name, test in vars(sys.modules[__name__]).items()
        if name.startswith("test_") and callable(test)
    )
    found = set()
    for owner, rest in CALLED.findall(source):
        owner = "registrar_sandbox" if owner == "sandbox" else owner
        found.add(owner + rest.replace(".with_raw_response", ""))
    return found


def test_every_registrar_method_of_the_sdk_is_driven_here() -> None:
    sync = Cloudflare(api_token=TOKEN, base_url="http://127.0.0.1:9/client/v4")
    async_ = AsyncCloudflare(api_token=TOKEN, base_url="http://127.0.0.1:9/client/v4")
    exposed = sdk_methods(sync.registrar, "registrar") | sdk_methods(
        sync.registrar_sandbox, "registrar_sandbox"
    )
    assert exposed == sdk_methods(async_.registrar, "registrar") | sdk_methods(
        async_.registrar_sandbox, "registrar_sandbox"
    )
    assert len([m for m in exposed if m.startswith("registrar.")]) == 16
    assert len([m for m in exposed if m.startswith("registrar_sandbox.")]) == 10
    missing = exposed - called_here()
    assert not missing, f"SDK methods no test here calls: {sorted(missing)}"
