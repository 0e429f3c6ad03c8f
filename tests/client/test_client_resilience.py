"""Rate limits, server errors and broken connections: retried when safe, recovered when not."""

from __future__ import annotations

import httpx
import pytest

from registrar_mock.client import (
    RateLimitedError,
    RetryPolicy,
    TransportError,
    ValidationError,
    WorkflowState,
)

from .conftest import Connect
from .support import envelope_error, rate_limited


def is_search(request: httpx.Request) -> bool:
    return request.url.path.endswith("/domain-search")


def test_a_429_storm_is_survived_through_retry_after(connect: Connect) -> None:
    h = connect(before=rate_limited(3, "7", is_search))
    found = h.client.search("storm")
    assert found and found[0].name == "storm.com"
    assert h.transport.count("GET", "/domain-search") == 4
    assert h.sleeps == [7.0, 7.0, 7.0]  # exactly what Retry-After asked


def test_retry_after_as_an_http_date_is_honoured(connect: Connect) -> None:
    h = connect(before=rate_limited(1, "Thu, 01 Jan 1970 00:00:00 GMT", is_search))
    assert h.client.search("past")  # a date in the past means "now"
    assert h.sleeps == []


def test_a_storm_longer_than_the_retry_limit_raises_with_retry_after(connect: Connect) -> None:
    h = connect(before=rate_limited(10, "2", is_search), retry=RetryPolicy(max_retries=2))
    with pytest.raises(RateLimitedError) as caught:
        h.client.search("storm")
    assert caught.value.retry_after == 2.0
    assert caught.value.status_code == 429
    assert caught.value.codes == [971]
    assert h.sleeps == [2.0, 2.0]
    assert h.transport.count("GET", "/domain-search") == 3


def test_a_retry_after_beyond_the_cap_is_not_waited_out(connect: Connect) -> None:
    h = connect(before=rate_limited(1, "3600", is_search), retry=RetryPolicy(max_retry_after=60))
    with pytest.raises(RateLimitedError) as caught:
        h.client.search("patience")
    assert caught.value.retry_after == 3600.0
    assert h.sleeps == []


def test_domain_check_is_retried_although_it_is_a_post(connect: Connect) -> None:
    def is_check(request: httpx.Request) -> bool:
        return request.url.path.endswith("/domain-check")

    h = connect(before=rate_limited(2, "1", is_check))
    [result] = h.client.check(["retry-me.com"])
    assert result.registrable is True
    assert h.sleeps == [1.0, 1.0]


def test_polling_survives_rate_limits(connect: Connect) -> None:
    def is_status(request: httpx.Request) -> bool:
        return request.url.path.endswith("/registration-status")

    h = connect(before=rate_limited(2, "5", is_status))
    started = h.client.create_registration("busy-day.com", prefer_async=True)
    done = h.client.wait_for_workflow(started, timeout=60)
    assert done.state is WorkflowState.SUCCEEDED
    assert h.sleeps.count(5.0) == 2


def test_connection_errors_on_gets_are_retried_with_backoff(connect: Connect) -> None:
    failures = [2]

    def flaky(request: httpx.Request) -> httpx.Response | None:
        if failures[0] > 0:
            failures[0] -= 1
            raise httpx.ConnectError("connection refused", request=request)
        return None

    h = connect(before=flaky)
    assert h.client.list_registrations().items == []
    assert h.sleeps == [0.5, 1.0]


def test_connection_errors_beyond_the_limit_are_transport_errors(connect: Connect) -> None:
    def down(request: httpx.Request) -> httpx.Response | None:
        raise httpx.ReadTimeout("timed out", request=request)

    h = connect(before=down, retry=RetryPolicy(max_retries=1))
    with pytest.raises(TransportError) as caught:
        h.client.get_registration("any.com")
    assert isinstance(caught.value.__cause__, httpx.ReadTimeout)
    assert h.transport.count("GET", "/registrations/any.com") == 2


def drop_after_create(
    request: httpx.Request, response: httpx.Response, body: bytes
) -> httpx.Response:
    """The app processed the POST; the connection breaks before the answer arrives."""
    if request.method == "POST" and request.url.path.endswith("/registrations"):
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
    return httpx.Response(response.status_code, headers=response.headers, content=body)


def test_a_dropped_post_is_recovered_through_registration_status(connect: Connect) -> None:
    h = connect(after=drop_after_create)
    status = h.client.register("dropped.com")
    assert status.state is WorkflowState.SUCCEEDED
    assert h.transport.count("POST", "/registrations") == 1  # never sent twice
    assert h.transport.count("GET", "/dropped.com/registration-status") >= 1
    assert h.registered() == {"dropped.com"}
    assert len(h.account.charges) == 1


def test_a_dropped_async_post_resumes_the_running_workflow(connect: Connect) -> None:
    h = connect(after=drop_after_create)
    status = h.client.create_registration("slow-dropped.com", prefer_async=True)
    assert status.state is WorkflowState.PENDING
    assert status.domain_name == "slow-dropped.com"
    assert h.transport.count("POST", "/registrations") == 1
    assert h.registered() == {"slow-dropped.com"}


def test_a_post_that_never_arrived_is_sent_again_after_a_404(connect: Connect) -> None:
    refusals = [1]

    def unavailable_once(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and refusals[0] > 0:
            refusals[0] -= 1
            return envelope_error(503, 10001, "Service unavailable")
        return None

    h = connect(before=unavailable_once)
    status = h.client.register("second-try.com")
    assert status.state is WorkflowState.SUCCEEDED
    # POST (503) -> registration-status (404, nothing there) -> POST again.
    assert h.transport.count("GET", "/second-try.com/registration-status") == 1
    assert h.transport.count("POST", "/registrations") == 2
    assert h.registered() == {"second-try.com"}
    assert len(h.account.charges) == 1


def test_a_post_is_not_resent_forever(connect: Connect) -> None:
    def always_down(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST":
            raise httpx.ConnectError("connection refused", request=request)
        return None

    h = connect(before=always_down, retry=RetryPolicy(max_retries=2))
    with pytest.raises(TransportError):
        h.client.register("unreachable.com")
    assert h.transport.count("POST", "/registrations") == 3
    assert h.transport.count("GET", "/unreachable.com/registration-status") == 2
    assert h.registered() == set()


def test_a_validation_error_on_post_is_not_retried(connect: Connect) -> None:
    h = connect()
    with pytest.raises(ValidationError, match="Premium"):
        h.client.register("premium.app")
    assert h.transport.count("POST", "/registrations") == 1
    assert h.transport.count("GET", "/registration-status") == 0
