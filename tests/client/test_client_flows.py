"""The I/O-free flows, driven by hand: what each step asks for, given what came back."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from registrar_mock.client import (
    PollPolicy,
    ResponseFormatError,
    RetryPolicy,
    ServerError,
    WorkflowFailedError,
    WorkflowState,
    WorkflowStatus,
)
from registrar_mock.client._envelope import Envelope, retry_after
from registrar_mock.client._flow import Emit, Send, Sleep
from registrar_mock.client._paging import walk_pages
from registrar_mock.client._polling import wait_for
from registrar_mock.client._retry import send_safely
from registrar_mock.client.models import Page, Registration

URL = "http://api.test/client/v4/accounts/a/registrar/registrations"


def ok(result: Any, **result_info: Any) -> httpx.Response:
    body: dict[str, Any] = {"success": True, "errors": [], "messages": [], "result": result}
    if result_info:
        body["result_info"] = result_info
    return httpx.Response(200, json=body)


def workflow(state: str, completed: bool = False) -> dict[str, Any]:
    return {
        "state": state,
        "completed": completed,
        "links": {"self": "/accounts/a/registrar/registrations/x.com/registration-status"},
        "context": {"domain_name": "x.com"},
    }


def test_send_safely_backs_off_on_503_then_returns_the_envelope() -> None:
    request = httpx.Request("GET", URL)
    flow = send_safely(request, RetryPolicy(backoff=1.0, multiplier=3.0))
    assert next(flow) == Send(request)
    assert flow.send(httpx.Response(503)) == Sleep(1.0)
    assert flow.send(None) == Send(request)
    assert flow.send(httpx.Response(502, headers={"Retry-After": "4"})) == Sleep(4.0)
    assert flow.send(None) == Send(request)
    with pytest.raises(StopIteration) as stop:
        flow.send(ok([]))
    assert stop.value.value.result == []


def test_send_safely_gives_up_with_the_typed_error() -> None:
    request = httpx.Request("GET", URL)
    flow = send_safely(request, RetryPolicy(max_retries=0))
    next(flow)
    with pytest.raises(ServerError):
        flow.send(httpx.Response(500, text="<html>bad gateway</html>"))


def test_polling_backs_off_and_slows_down_while_blocked() -> None:
    now = [0.0]
    blocked: list[WorkflowStatus] = []
    policy = PollPolicy(interval=1, multiplier=2, max_interval=4, blocked_interval=10)
    flow = wait_for(
        WorkflowStatus.from_json(workflow("pending")),
        lambda status: httpx.Request("GET", "http://api.test" + status.links.self_link),
        policy=policy,
        retry=RetryPolicy(),
        timeout=1000,
        monotonic=lambda: now[0],
        on_blocked=blocked.append,
    )
    answers = ["in_progress", "in_progress", "in_progress", "blocked", "blocked", "in_progress"]
    pauses: list[float] = []
    step = next(flow)
    for state in answers:
        assert isinstance(step, Sleep)
        pauses.append(step.seconds)
        now[0] += step.seconds
        assert isinstance(flow.send(None), Send)
        step = flow.send(ok(workflow(state)))
    assert pauses == [1, 2, 4, 4, 10, 20]
    assert len(blocked) == 2
    assert isinstance(step, Sleep) and step.seconds == 4  # back to the ordinary interval
    flow.send(None)
    with pytest.raises(StopIteration) as stop:
        flow.send(ok(workflow("succeeded", completed=True)))
    assert stop.value.value.state is WorkflowState.SUCCEEDED


def test_a_completed_workflow_in_an_unknown_state_is_not_a_success() -> None:
    flow = wait_for(
        WorkflowStatus.from_json(workflow("cancelled", completed=True)),
        lambda status: httpx.Request("GET", URL),
        policy=PollPolicy(),
        retry=RetryPolicy(),
        timeout=10,
        monotonic=lambda: 0.0,
    )
    with pytest.raises(WorkflowFailedError) as caught:
        next(flow)
    assert caught.value.status is not None
    assert caught.value.status.state == "cancelled"


def test_paging_emits_each_page_and_stops_on_an_empty_cursor() -> None:
    def parse(envelope: Envelope) -> Page[Registration]:
        items = [Registration.from_json(item) for item in envelope.result]
        return Page.from_json(items, envelope.result_info)

    def page_request(cursor: str | None) -> httpx.Request:
        return httpx.Request("GET", URL, params={"cursor": cursor} if cursor else None)

    one = {"domain_name": "a.com", "status": "active"}
    flow = walk_pages(page_request, parse, RetryPolicy())
    first = next(flow)
    assert isinstance(first, Send) and "cursor" not in first.request.url.params
    emitted = flow.send(ok([one], count=1, cursor="c1", per_page=1))
    assert isinstance(emitted, Emit) and emitted.items[0].domain_name == "a.com"
    second = flow.send(None)
    assert isinstance(second, Send) and second.request.url.params["cursor"] == "c1"
    flow.send(ok([one], count=1, cursor="c2", per_page=1))
    flow.send(None)
    with pytest.raises(StopIteration):
        flow.send(ok([], count=0, cursor="", per_page=1))


def test_paging_refuses_a_cursor_that_comes_back() -> None:
    def parse(envelope: Envelope) -> Page[Registration]:
        return Page.from_json([], envelope.result_info)

    flow = walk_pages(lambda cursor: httpx.Request("GET", URL), parse, RetryPolicy())
    next(flow)
    assert isinstance(flow.send(ok([], cursor="same")), Send)
    with pytest.raises(ResponseFormatError):
        flow.send(ok([], cursor="same"))


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), ("0.5", 0.5), ("-2", 0.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("soon", None)],
)
def test_retry_after_forms(header: str, seconds: float | None) -> None:
    assert retry_after(httpx.Response(429, headers={"Retry-After": header})) == seconds


def test_a_success_without_an_envelope_is_a_format_error() -> None:
    flow = send_safely(httpx.Request("GET", URL), RetryPolicy())
    next(flow)
    with pytest.raises(ResponseFormatError):
        flow.send(httpx.Response(200, text="not json"))
