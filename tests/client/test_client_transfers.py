"""Transfers in through the client: checking, starting, waiting (slowly while blocked), and
every way a transfer ends, sync and async, on the mock's virtual clock."""

from __future__ import annotations

import base64
import logging
from decimal import Decimal
from typing import Any

import httpx
import pytest

from registrar_mock.client import (
    TRANSFER_POLL,
    ActionRequiredError,
    ConflictError,
    PollPolicy,
    RegistrationStatus,
    TransferReason,
    ValidationError,
    WorkflowFailedError,
    WorkflowState,
    WorkflowStatus,
    WorkflowTimeoutError,
    encode_auth_code,
)

from .conftest import ACCOUNT, Connect, Harness

DAY = 86400.0
HOUR = 3600.0
CODE = "Kx7-Move-Me-In"  # every foreign domain below has this auth code

# Written here rather than taken from the bundled scenarios, so these tests say all they
# rely on: domains at other registrars, how each registrar answers, and the zones.
SCENARIO: dict[str, Any] = {
    "name": "client-transfers",
    "start": "2026-01-01T00:00:00Z",
    "open_accounts": True,
    "accounts": [
        {
            "id": ACCOUNT,
            "zones": [
                "after-two-days.com",
                "silent.net",
                "asks-first.com",
                "asks-then-waits.net",
                "refuses.com",
                "locked-away.com",
                "pending-zone.com",
                "moving.co.uk",
                {"domain": "signed.com", "dnssec": True},
            ],
        }
    ],
    "registry": {
        "elsewhere": [
            {
                "domain": "after-two-days.com",
                "auth_code": CODE,
                "created_at": "-3y",
                "expires_at": "+200d",
                "losing_registrar": "approves_after",
                "answers_after": "2d",
            },
            {"domain": "silent.net", "auth_code": CODE, "created_at": "-2y",
             "expires_at": "+1y", "losing_registrar": "silent"},
            {"domain": "asks-first.com", "auth_code": CODE, "created_at": "-4y",
             "expires_at": "+300d", "registrant_approval": True, "losing_registrar": "approves"},
            {
                "domain": "asks-then-waits.net",
                "auth_code": CODE,
                "created_at": "-2y",
                "expires_at": "+100d",
                "registrant_approval": True,
                "losing_registrar": "approves_after",
                "answers_after": "1d",
            },
            {"domain": "refuses.com", "auth_code": CODE, "created_at": "-5y",
             "expires_at": "+150d", "losing_registrar": "rejects", "answers_after": "2d"},
            {"domain": "locked-away.com", "auth_code": CODE, "locked": True,
             "created_at": "-2y", "expires_at": "+1y"},
            {"domain": "pending-zone.com", "auth_code": CODE, "created_at": "-2y",
             "expires_at": "+1y"},
            {"domain": "signed.com", "auth_code": CODE, "created_at": "-2y", "expires_at": "+1y"},
            {"domain": "no-zone.com", "auth_code": CODE, "created_at": "-2y",
             "expires_at": "+1y"},
            {"domain": "moving.co.uk", "created_at": "-2y", "expires_at": "+180d",
             "losing_registrar": "approves"},
        ]
    },
}  # fmt: skip
CODE_BYTES = CODE.encode()


def transfers(connect: Connect, **options: Any) -> Harness:
    return connect(SCENARIO, **options)


def blocked_split(h: Harness, seen_at: list[int]) -> tuple[list[float], list[float]]:
    """The pauses before the first blocked status was seen, and from then on."""
    first = seen_at[0]
    return h.sleeps[:first], h.sleeps[first:]


# --- domain-transfer-check ----------------------------------------------------------


def test_transfer_check_is_keyed_by_name_with_pricing_or_reasons(connect: Connect) -> None:
    h = transfers(connect)
    results = h.client.transfer_check(
        [
            ("after-two-days.com", CODE_BYTES),
            ("silent.net", base64.b64encode(CODE_BYTES).decode()),  # text goes as given
            "moving.co.uk",
            ("locked-away.com", CODE_BYTES),
            ("signed.com", CODE_BYTES),
            ("no-zone.com", CODE_BYTES),
            "never-registered.com",
            "unknown.horse",
        ]
    )
    assert list(results) == [
        "after-two-days.com", "silent.net", "moving.co.uk", "locked-away.com",
        "signed.com", "no-zone.com", "never-registered.com", "unknown.horse",
    ]  # fmt: skip
    ready = results["after-two-days.com"]
    assert ready.transferable is True and ready.reasons == ()
    assert ready.name == "after-two-days.com"
    assert ready.pricing is not None
    assert ready.pricing.currency == "USD"
    assert ready.pricing.transfer_cost == Decimal("8.57")
    assert results["silent.net"].transferable is True
    uk = results["moving.co.uk"]
    assert uk.transferable is True
    assert uk.pricing is not None and uk.pricing.transfer_cost == Decimal("0.00")

    def reasons(name: str) -> tuple[TransferReason, ...]:
        result = results[name]
        assert result.transferable is False and result.pricing is None
        return result.reasons

    assert reasons("locked-away.com") == (TransferReason.DOMAIN_LOCKED,)
    assert reasons("signed.com") == (TransferReason.DNSSEC_ENABLED,)
    assert reasons("no-zone.com") == (TransferReason.ZONE_NOT_FOUND,)
    assert reasons("never-registered.com") == (TransferReason.DOMAIN_NOT_EXISTS,)
    assert reasons("unknown.horse") == (TransferReason.EXTENSION_NOT_SUPPORTED,)
    # domain-transfer-check changes nothing: nothing joined the account.
    assert h.registered() == set()


def test_transfer_check_auth_codes_wrong_and_malformed(connect: Connect) -> None:
    h = transfers(connect)
    results = h.client.transfer_check(
        [
            ("after-two-days.com", b"not-the-code"),  # well-formed base64, wrong code
            ("silent.net", "this is not base64!"),  # sent as is: the server refuses its form
        ]
    )
    assert results["after-two-days.com"].reasons == (TransferReason.INVALID_AUTH_CODE,)
    assert results["silent.net"].reasons == (TransferReason.INVALID_AUTH_CODE_FORMAT,)


def test_transfer_check_takes_at_most_ten_domains(connect: Connect) -> None:
    h = transfers(connect)
    assert len(h.client.transfer_check([f"name-{i}.com" for i in range(10)])) == 10
    with pytest.raises(ValidationError, match="maximum of 10"):
        h.client.transfer_check([f"name-{i}.com" for i in range(11)])


def test_auth_codes_bytes_are_encoded_and_text_is_sent_as_given() -> None:
    assert encode_auth_code(b"nixos>>>arch-linux") == "bml4b3M+Pj5hcmNoLWxpbnV4"
    assert encode_auth_code("bml4b3M+Pj5hcmNoLWxpbnV4") == "bml4b3M+Pj5hcmNoLWxpbnV4"


# --- starting a transfer --------------------------------------------------------------


def test_transfer_in_returns_at_once_and_the_domain_is_transfer_pending(connect: Connect) -> None:
    h = transfers(connect)
    started = h.client.transfer_in("after-two-days.com", auth_code=CODE_BYTES, auto_renew=True)
    assert started.state is WorkflowState.PENDING
    assert started.completed is False
    assert started.domain_name == "after-two-days.com"
    assert started.links.self_link == (
        f"/accounts/{ACCOUNT}/registrar/registrations/after-two-days.com/transfer-in-status"
    )
    assert started.links.resource == (
        f"/accounts/{ACCOUNT}/registrar/registrations/after-two-days.com"
    )
    assert h.sleeps == []  # wait defaults to False: a transfer takes days

    pending = h.client.get_registration("after-two-days.com")
    assert pending.status is RegistrationStatus.TRANSFER_PENDING
    assert pending.expires_at is None
    status = h.client.get_transfer_in_status("after-two-days.com")
    assert status.links.self_link == started.links.self_link

    # The domain name is the idempotency key: asking again returns the same workflow.
    again = h.client.transfer_in("after-two-days.com", auth_code=CODE_BYTES)
    assert again.links.self_link == started.links.self_link
    assert again.created_at == started.created_at
    assert h.transport.count("POST", "/after-two-days.com/transfer-in") == 2
    assert h.app.control.charges(ACCOUNT) == []  # charged only on success

    # Nothing about it may change until it has arrived.
    with pytest.raises(ConflictError, match="has not completed yet"):
        h.client.update_registration("after-two-days.com", auto_renew=False)


def test_transfer_in_sends_the_fields_given(connect: Connect) -> None:
    bodies: list[bytes] = []

    def before(request: httpx.Request) -> None:
        if request.method == "POST":
            bodies.append(request.content)

    h = transfers(connect, before=before)
    h.client.transfer_in(
        "moving.co.uk", privacy_mode="off", auto_renew=False, contact_extensions={}
    )
    assert bodies == [b'{"auto_renew":false,"privacy_mode":"off","contact_extensions":{}}']
    h.client.transfer_in("silent.net", auth_code=CODE_BYTES)
    assert bodies[1] == b'{"auth_code":"' + base64.b64encode(CODE_BYTES) + b'"}'


def test_refusals_arrive_as_validation_errors_with_pointers(connect: Connect) -> None:
    h = transfers(connect)
    with pytest.raises(ValidationError) as missing:
        h.client.transfer_in("silent.net")
    assert "auth_code is required to transfer a .net domain" in str(missing.value)
    assert missing.value.pointers == ["/auth_code"]
    with pytest.raises(ValidationError) as malformed:
        h.client.transfer_in("silent.net", auth_code="not base64 at all")
    assert malformed.value.pointers == ["/auth_code"]
    with pytest.raises(ValidationError, match="DNSSEC"):
        h.client.transfer_in("signed.com", auth_code=CODE_BYTES)
    with pytest.raises(ValidationError) as locked:
        h.client.transfer_in("locked-away.com", auth_code=CODE_BYTES)
    assert locked.value.codes == [10000]
    assert h.registered() == set()
    # Each was refused once, never sent again.
    assert h.transport.count("POST", "/silent.net/transfer-in") == 2


def test_a_bad_deadline_or_interval_is_refused_before_anything_is_sent(connect: Connect) -> None:
    h = transfers(connect)
    with pytest.raises(ValueError):
        h.client.transfer_in("silent.net", auth_code=CODE_BYTES, wait=True, timeout=0)
    with pytest.raises(ValueError):
        h.client.transfer_in("silent.net", auth_code=CODE_BYTES, wait=True, blocked_interval=0)
    with pytest.raises(ValueError):
        h.client.transfer_in("", auth_code=CODE_BYTES)
    assert h.transport.seen == []


# --- waiting for a transfer -----------------------------------------------------------


def test_wait_polls_slowly_while_blocked_and_the_transfer_succeeds(
    connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    h = transfers(connect)
    seen: list[WorkflowStatus] = []
    seen_at: list[int] = []

    def on_blocked(status: WorkflowStatus) -> None:
        seen.append(status)
        seen_at.append(len(h.sleeps))

    with caplog.at_level(logging.WARNING, logger="registrar_mock.client"):
        done = h.client.transfer_in(
            "after-two-days.com", auth_code=CODE_BYTES, wait=True, on_blocked=on_blocked
        )
    assert done.state is WorkflowState.SUCCEEDED and done.completed
    assert seen and all(s.state is WorkflowState.BLOCKED for s in seen)
    assert seen[0].context["blocked_by"] == "losing_registrar"
    assert any("blocked" in record.getMessage() for record in caplog.records)
    assert 2 * DAY <= h.elapsed() < 2 * DAY + 2 * HOUR

    # Before the block, the registration back-off; while blocked, 30 minutes growing to
    # an hour (Cloudflare's guidance for transfers), not the registration's 1 to 15.
    before, during = blocked_split(h, seen_at)
    assert before and max(before) <= TRANSFER_POLL.max_interval
    assert min(during) >= TRANSFER_POLL.blocked_interval == 30 * 60
    assert max(during) == TRANSFER_POLL.max_blocked_interval == HOUR
    assert during == sorted(during)
    assert len(h.sleeps) < 80  # two days at up to an hour

    moved = h.client.get_registration("after-two-days.com")
    assert moved.status is RegistrationStatus.ACTIVE
    assert moved.expires_at is not None
    assert moved.expires_at.isoformat().startswith("2027-07-20")  # old expiry + 1 year
    assert done.registration is not None
    assert done.registration.status is RegistrationStatus.ACTIVE
    [charge] = h.app.control.charges(ACCOUNT)
    assert charge.domain_name == "after-two-days.com"
    assert (charge.kind, charge.amount) == ("transfer", Decimal("8.57"))
    assert h.transport.count("POST", "/transfer-in") == 1


def test_the_blocked_interval_is_the_callers(connect: Connect) -> None:
    h = transfers(connect)
    seen_at: list[int] = []
    done = h.client.transfer_in(
        "after-two-days.com",
        auth_code=CODE_BYTES,
        wait=True,
        blocked_interval=4 * HOUR,
        on_blocked=lambda _: seen_at.append(len(h.sleeps)),
    )
    assert done.state is WorkflowState.SUCCEEDED
    _, during = blocked_split(h, seen_at)
    # It starts at the interval given, and an interval above the cap is not cut back.
    assert during[0] == 4 * HOUR
    assert set(during[:-1]) == {4 * HOUR}
    assert len(during) <= 13


def test_transfer_poll_policy_is_the_clients(connect: Connect) -> None:
    h = transfers(connect, transfer_poll=PollPolicy(blocked_interval=600, max_blocked_interval=600))
    seen_at: list[int] = []
    with pytest.raises(WorkflowTimeoutError) as caught:
        # This policy's deadline is its default, 900 s: well before two days.
        h.client.transfer_in(
            "after-two-days.com",
            auth_code=CODE_BYTES,
            wait=True,
            on_blocked=lambda _: seen_at.append(len(h.sleeps)),
        )
    assert caught.value.timeout == 900
    _, during = blocked_split(h, seen_at)
    assert during and set(during[:-1]) <= {600}


def test_a_silent_registrar_is_waited_out_within_the_default_deadline(connect: Connect) -> None:
    h = transfers(connect)
    done = h.client.transfer_in("silent.net", auth_code=CODE_BYTES, wait=True)
    assert done.state is WorkflowState.SUCCEEDED
    # The five-day approval window ran out, which approves; the default deadline is 10 days.
    assert 5 * DAY <= h.elapsed() < 5 * DAY + 2 * HOUR
    assert TRANSFER_POLL.timeout == 10 * DAY


def test_a_blocked_transfer_times_out_at_the_callers_deadline(connect: Connect) -> None:
    h = transfers(connect)
    with pytest.raises(WorkflowTimeoutError) as caught:
        h.client.transfer_in("silent.net", auth_code=CODE_BYTES, wait=True, timeout=DAY)
    assert caught.value.status is not None
    assert caught.value.status.state is WorkflowState.BLOCKED
    assert sum(h.sleeps) == pytest.approx(DAY)
    # It may still finish: the transfer goes on without the client.
    status = h.client.get_transfer_in_status("silent.net")
    assert status.state is WorkflowState.BLOCKED


def test_the_losing_registrar_approving_through_the_control_api(connect: Connect) -> None:
    h = transfers(connect)
    started = h.client.transfer_in("silent.net", auth_code=CODE_BYTES)
    with pytest.raises(WorkflowTimeoutError):
        h.client.wait_for_workflow(started, timeout=HOUR)
    h.app.control.answer_transfer(ACCOUNT, "silent.net", approve=True)
    done = h.client.wait_for_workflow(started, timeout=HOUR)
    assert done.state is WorkflowState.SUCCEEDED
    assert h.elapsed() < 2 * HOUR


def test_a_rejected_transfer_fails_and_is_not_retried(connect: Connect) -> None:
    h = transfers(connect)
    with pytest.raises(WorkflowFailedError) as caught:
        h.client.transfer_in("refuses.com", auth_code=CODE_BYTES, wait=True)
    assert caught.value.code == "transfer_rejected"
    assert caught.value.status is not None and caught.value.status.completed
    assert 2 * DAY <= h.elapsed() < 3 * DAY
    assert h.transport.count("POST", "/transfer-in") == 1
    assert "refuses.com" not in h.registered()
    assert h.app.control.charges(ACCOUNT) == []


def test_rejecting_through_the_control_api(connect: Connect) -> None:
    h = transfers(connect)
    started = h.client.transfer_in("silent.net", auth_code=CODE_BYTES)
    with pytest.raises(WorkflowTimeoutError):
        h.client.wait_for_workflow(started, timeout=HOUR)
    h.app.control.answer_transfer(ACCOUNT, "silent.net", approve=False)
    with pytest.raises(WorkflowFailedError) as caught:
        h.client.wait_for_workflow(started, timeout=HOUR)
    assert caught.value.code == "transfer_rejected"


def test_a_wrong_auth_code_starts_the_transfer_which_then_fails(connect: Connect) -> None:
    h = transfers(connect)
    started = h.client.transfer_in("after-two-days.com", auth_code=b"wrong-code")
    assert started.state is WorkflowState.PENDING
    with pytest.raises(WorkflowFailedError) as caught:
        h.client.wait_for_workflow(started)  # a transfer's status: the transfer policy
    assert caught.value.code == "invalid_auth_code"
    assert h.elapsed() < HOUR
    assert "after-two-days.com" not in h.registered()


def test_action_required_stops_at_once_then_resumes_after_the_registrant_accepts(
    connect: Connect,
) -> None:
    h = transfers(connect)
    with pytest.raises(ActionRequiredError) as caught:
        h.client.transfer_in("asks-first.com", auth_code=CODE_BYTES, wait=True)
    error = caught.value
    assert error.action == "registrant_transfer_approval"
    assert error.confirmation_sent_to is not None
    assert error.confirmation_sent_to.endswith("***@example.com")
    assert error.status is not None and error.status.completed is False
    assert h.elapsed() < HOUR  # it stopped, rather than running the deadline down
    assert h.transport.count("POST", "/transfer-in") == 1

    h.app.control.resolve(ACCOUNT, "asks-first.com", confirm=True, kind="transfer_in")
    status = h.client.get_transfer_in_status("asks-first.com")
    done = h.client.wait_for_workflow(status)
    assert done.state is WorkflowState.SUCCEEDED
    assert h.client.get_registration("asks-first.com").status is RegistrationStatus.ACTIVE


def test_after_the_registrant_accepts_wait_for_workflow_uses_the_transfer_back_off(
    connect: Connect,
) -> None:
    h = transfers(connect)
    with pytest.raises(ActionRequiredError):
        h.client.transfer_in("asks-then-waits.net", auth_code=CODE_BYTES, wait=True)
    h.app.control.resolve(ACCOUNT, "asks-then-waits.net", confirm=True, kind="transfer_in")
    status = h.client.get_transfer_in_status("asks-then-waits.net")
    assert status.state is WorkflowState.BLOCKED
    h.sleeps.clear()
    done = h.client.wait_for_workflow(status)
    assert done.state is WorkflowState.SUCCEEDED
    # Recognised as a transfer by its link: blocked pauses of 30 minutes and more.
    assert h.sleeps[0] == TRANSFER_POLL.blocked_interval
    assert min(h.sleeps[:-1]) >= TRANSFER_POLL.blocked_interval
    # And the caller may still choose.
    assert PollPolicy().blocked_interval < TRANSFER_POLL.blocked_interval


def test_a_declined_approval_fails_the_transfer(connect: Connect) -> None:
    h = transfers(connect)
    with pytest.raises(ActionRequiredError) as caught:
        h.client.transfer_in("asks-first.com", auth_code=CODE_BYTES, wait=True)
    assert caught.value.status is not None
    h.app.control.resolve(ACCOUNT, "asks-first.com", confirm=False, kind="transfer_in")
    # Waiting starts from the status given: a fresh one, now the registrant has answered.
    with pytest.raises(ActionRequiredError):
        h.client.wait_for_workflow(caught.value.status)
    with pytest.raises(WorkflowFailedError) as failed:
        h.client.wait_for_workflow(h.client.get_transfer_in_status("asks-first.com"))
    assert failed.value.code == "transfer_declined"


# --- an unknown outcome is never a second transfer -----------------------------------


def test_a_dropped_transfer_post_is_looked_up_not_sent_again(connect: Connect) -> None:
    dropped = [1]

    def drop_after(request: httpx.Request, response: httpx.Response, body: bytes) -> httpx.Response:
        """The app started the transfer; the connection breaks before the answer arrives."""
        if request.method == "POST" and dropped[0]:
            dropped[0] -= 1
            raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.Response(response.status_code, headers=response.headers, content=body)

    h = transfers(connect, after=drop_after)
    done = h.client.transfer_in("moving.co.uk", wait=True)
    assert done.state is WorkflowState.SUCCEEDED
    assert h.transport.count("POST", "/moving.co.uk/transfer-in") == 1
    assert h.transport.count("GET", "/moving.co.uk/transfer-in-status") >= 1


def test_the_servers_dropped_transfer_post_is_looked_up_too(connect: Connect) -> None:
    h = transfers(connect)
    h.app.control.add_fault(
        {"operations": ["registrar-domain-transfer-in"], "times": 1, "effect": {"drop": "after"}}
    )
    done = h.client.transfer_in("moving.co.uk", wait=True)
    assert done.state is WorkflowState.SUCCEEDED
    assert h.transport.count("POST", "/moving.co.uk/transfer-in") == 1


def test_a_transfer_post_that_never_arrived_is_sent_again(connect: Connect) -> None:
    refused = [1]

    def before(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and refused[0]:
            refused[0] -= 1
            raise httpx.ConnectError("connection refused", request=request)
        return None

    h = transfers(connect, before=before)
    started = h.client.transfer_in("silent.net", auth_code=CODE_BYTES)
    assert started.state is WorkflowState.PENDING
    # POST (refused) -> transfer-in-status (404: nothing there) -> POST again.
    assert h.transport.count("POST", "/silent.net/transfer-in") == 2
    assert h.transport.count("GET", "/silent.net/transfer-in-status") == 1
