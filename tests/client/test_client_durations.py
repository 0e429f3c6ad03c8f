"""Every duration the client takes, against the table the mock is tested with too.

Timeouts, poll intervals, ``blocked_interval`` and the policies' durations accept
seconds, a timedelta, or a string such as ``"2d"``; anything else is a ``ValueError``
that names the accepted forms (never a TypeError or OverflowError), raised before a
request is sent.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest

from registrar_mock.client import (
    AsyncRegistrarClient,
    PollPolicy,
    RegistrarClient,
    RetryPolicy,
    WorkflowStatus,
    WorkflowTimeoutError,
    _durations,
)
from tests import duration_cases as cases

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
BASE = "http://api.test/client/v4"
STATUS = f"/accounts/{ACCOUNT}/registrar/registrations/x.com/registration-status"
TRANSFER_STATUS = f"/accounts/{ACCOUNT}/registrar/registrations/x.com/transfer-in-status"
POSITIVE_GOOD = [(value, seconds) for value, seconds in cases.GOOD if seconds > 0]
positive_good = pytest.mark.parametrize(
    ("value", "expected"), POSITIVE_GOOD, ids=cases.ids([v for v, _ in POSITIVE_GOOD])
)
REFUSED = [*cases.BAD, *cases.ZERO]
refused_values = pytest.mark.parametrize("value", REFUSED, ids=cases.ids(REFUSED))
# Where None means "the default" (a call's timeout) or "no bound" (the client's).
REFUSED_NOT_NONE = [value for value in REFUSED if value is not None]
refused_but_none = pytest.mark.parametrize(
    "value", REFUSED_NOT_NONE, ids=cases.ids(REFUSED_NOT_NONE)
)


def refused(call: Callable[[], object], what: str) -> str:
    with pytest.raises(ValueError) as raised:
        call()
    message = str(raised.value)
    assert cases.names_the_forms(message), message
    assert message.startswith(f"{what}: "), message
    return message


# --- the parser -----------------------------------------------------------------


@cases.good
def test_the_parser_reads_every_good_duration(value: object, expected: float) -> None:
    assert _durations.seconds(value, "it") == expected
    assert isinstance(_durations.seconds(value, "it"), float)


@cases.bad
def test_the_parser_refuses_every_bad_duration_naming_the_forms(value: object) -> None:
    refused(lambda: _durations.seconds(value, "it"), "it")


@cases.zero
def test_zero_is_refused_where_a_positive_duration_is_needed(value: object) -> None:
    assert _durations.seconds(value, "it") == 0
    message = refused(lambda: _durations.seconds(value, "it", positive=True), "it")
    assert "more than 0" in message


def test_none_is_a_value_only_where_it_means_the_default() -> None:
    assert _durations.optional(None, "timeout") is None
    refused(lambda: _durations.seconds(None, "timeout"), "timeout")


def test_a_huge_value_is_shown_briefly() -> None:
    message = refused(lambda: _durations.seconds(10**5000, "timeout"), "timeout")
    assert len(message) < 300
    assert "more than 40 digits" in message


# --- the policies ---------------------------------------------------------------

POLL_FIELDS = ["interval", "max_interval", "blocked_interval", "max_blocked_interval", "timeout"]
RETRY_FIELDS = ["backoff", "max_backoff", "max_retry_after"]


@pytest.mark.parametrize("name", POLL_FIELDS)
@positive_good
def test_poll_policy_takes_every_positive_duration(
    name: str, value: object, expected: float
) -> None:
    policy = PollPolicy(**{name: value})
    assert getattr(policy, name) == expected
    assert isinstance(getattr(policy, name), float)


@pytest.mark.parametrize("name", POLL_FIELDS)
@refused_values
def test_poll_policy_refuses_bad_and_zero_durations(name: str, value: object) -> None:
    refused(lambda: PollPolicy(**{name: value}), name)


@pytest.mark.parametrize("multiplier", [0.5, -1, math.nan, math.inf, "2", True, None])
def test_poll_policy_refuses_a_bad_multiplier(multiplier: object) -> None:
    with pytest.raises(ValueError, match="multiplier"):
        PollPolicy(multiplier=multiplier)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", RETRY_FIELDS)
@cases.good
def test_retry_policy_takes_every_duration(name: str, value: object, expected: float) -> None:
    policy = RetryPolicy(**{name: value})
    assert getattr(policy, name) == expected


@pytest.mark.parametrize("name", RETRY_FIELDS)
@cases.bad
def test_retry_policy_refuses_bad_durations(name: str, value: object) -> None:
    refused(lambda: RetryPolicy(**{name: value}), name)


@pytest.mark.parametrize("max_retries", [-1, 1.5, "3", True, None])
def test_retry_policy_refuses_a_bad_count(max_retries: object) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        RetryPolicy(max_retries=max_retries)  # type: ignore[arg-type]


def test_a_steep_retry_policy_caps_its_pause_instead_of_overflowing() -> None:
    policy = RetryPolicy(max_retries=5000, backoff=1, multiplier=1e300, max_backoff="1m")
    assert policy.pause(4000) == 60.0


def test_policies_replaced_field_by_field_keep_reading_durations() -> None:
    # with_blocked_interval and dataclasses.replace build a policy from another one.
    policy = dataclasses.replace(PollPolicy(), timeout="2h")
    assert policy.timeout == 7200.0
    assert policy == PollPolicy(timeout=7200)


# --- the clients ----------------------------------------------------------------


def envelope(result: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status, json={"success": True, "errors": [], "messages": [], "result": result}
    )


def workflow(state: str, link: str = STATUS) -> dict[str, Any]:
    return {
        "state": state,
        "completed": False,
        "links": {"self": link},
        "context": {"domain_name": "x.com"},
    }


class Server:
    """A registrar whose workflows never finish, on a clock that moves when slept on."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self.now = 0.0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if request.method == "POST" and path.endswith("/transfer-in"):
            return envelope(workflow("blocked", TRANSFER_STATUS), 202)
        if path.endswith("/transfer-in-status"):
            return envelope(workflow("blocked", TRANSFER_STATUS))
        if request.method == "POST":
            return envelope(workflow("pending"), 202)
        return envelope(workflow("pending"))

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)

    def monotonic(self) -> float:
        return self.now


Call = Callable[[Any], object]
# Back-off that reaches even a hundred-year deadline in a few hundred polls.
FAST = PollPolicy(multiplier=4, max_interval="100d", max_blocked_interval="100d")


def run(mode: str, server: Server, call: Call, **options: Any) -> object:
    """``call(client)`` on a client of ``mode`` talking to ``server``."""
    settings: dict[str, Any] = {
        "api_token": "registrar-mock-client-test-token-0000000",
        "base_url": BASE,
        "monotonic": server.monotonic,
        "poll": FAST,
        "transfer_poll": FAST,
        **options,
    }
    transport = httpx.MockTransport(server.handle)
    if mode == "sync":
        with RegistrarClient(
            ACCOUNT, http_client=httpx.Client(transport=transport), sleep=server.sleep, **settings
        ) as client:
            return call(client)

    async def main() -> object:
        http = httpx.AsyncClient(transport=transport)
        async with AsyncRegistrarClient(
            ACCOUNT, http_client=http, sleep=server.async_sleep, **settings
        ) as client:
            result = call(client)
            return await result if hasattr(result, "__await__") else result

    return anyio.run(main)


PENDING = WorkflowStatus.from_json(workflow("pending"))

# Each API that takes a per-call duration: how to call it with the value.
WAITS: dict[str, Call] = {
    "register timeout": lambda v: lambda c: c.register("x.com", timeout=v),
    "wait_for_workflow timeout": lambda v: lambda c: c.wait_for_workflow(PENDING, timeout=v),
    "transfer_in timeout": lambda v: lambda c: c.transfer_in("x.com", wait=True, timeout=v),
}
BLOCKED_INTERVALS: dict[str, Call] = {
    "transfer_in blocked_interval": lambda v: (
        lambda c: c.transfer_in("x.com", wait=True, timeout="1d", blocked_interval=v)
    ),
    "wait_for_workflow blocked_interval": lambda v: (
        lambda c: c.wait_for_workflow(
            WorkflowStatus.from_json(workflow("blocked", TRANSFER_STATUS)),
            timeout="1d",
            blocked_interval=v,
        )
    ),
}
modes = pytest.mark.parametrize("mode", ["sync", "async"])


@modes
@pytest.mark.parametrize("api", list(WAITS))
@positive_good
def test_a_wait_gives_up_after_the_duration_it_was_given(
    mode: str, api: str, value: object, expected: float
) -> None:
    server = Server()
    with pytest.raises(WorkflowTimeoutError) as raised:
        run(mode, server, WAITS[api](value))
    assert raised.value.timeout == expected
    assert server.now == pytest.approx(expected)


@modes
@pytest.mark.parametrize("api", [*WAITS, *BLOCKED_INTERVALS])
@refused_but_none
def test_a_bad_wait_duration_is_refused_before_anything_is_sent(
    mode: str, api: str, value: object
) -> None:
    server = Server()
    call = {**WAITS, **BLOCKED_INTERVALS}[api](value)
    refused(lambda: run(mode, server, call), api.split()[-1])
    assert server.requests == []


@modes
@pytest.mark.parametrize("api", list(BLOCKED_INTERVALS))
@positive_good
def test_a_blocked_workflow_is_polled_after_the_blocked_interval_given(
    mode: str, api: str, value: object, expected: float
) -> None:
    server = Server()
    with pytest.raises(WorkflowTimeoutError):
        run(mode, server, BLOCKED_INTERVALS[api](value))
    assert server.sleeps[0] == min(expected, 86400.0)


@modes
@positive_good
def test_the_client_timeout_bounds_every_request(mode: str, value: object, expected: float) -> None:
    server = Server()
    run(mode, server, lambda c: c.get_registration_status("x.com"), timeout=value)
    [request] = server.requests
    assert request.extensions["timeout"] == dict.fromkeys(
        ("connect", "read", "write", "pool"), expected
    )


@modes
def test_the_client_timeout_may_be_none_or_an_httpx_timeout(mode: str) -> None:
    server = Server()
    run(mode, server, lambda c: c.get_registration_status("x.com"), timeout=None)
    run(
        mode,
        server,
        lambda c: c.get_registration_status("x.com"),
        timeout=httpx.Timeout(5.0, connect=1.0),
    )
    assert server.requests[0].extensions["timeout"]["read"] is None
    assert server.requests[1].extensions["timeout"] == {
        "connect": 1.0,
        "read": 5.0,
        "write": 5.0,
        "pool": 5.0,
    }


@pytest.mark.parametrize("client", [RegistrarClient, AsyncRegistrarClient])
@refused_but_none
def test_the_client_refuses_a_bad_timeout(client: type[RegistrarClient], value: object) -> None:
    refused(lambda: client(ACCOUNT, api_token="t", timeout=value), "timeout")  # type: ignore[arg-type]
