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


def test_a_conditional_get_takes_a_304_as_an_answer_after_retrying_a_503() -> None:
    request = httpx.Request("GET", URL, headers={"If-None-Match": '"v1"'})
    flow = send_safely(request, RetryPolicy(backoff=1.0), conditional=True)
    assert next(flow) == Send(request)
    assert flow.send(httpx.Response(503)) == Sleep(1.0)
    assert flow.send(None) == Send(request)
    with pytest.raises(StopIteration) as stop:
        flow.send(httpx.Response(304, headers={"ETag": '"v1"'}))
    envelope: Envelope = stop.value.value
    assert envelope.not_modified and envelope.result is None and envelope.etag == '"v1"'


def test_the_etag_of_a_full_answer_is_kept() -> None:
    flow = send_safely(httpx.Request("GET", URL), RetryPolicy())
    next(flow)
    response = ok({"metadata": {"name": "com", "tld": "com"}, "registration_schema": {}})
    response.headers["ETag"] = '"abc"'
    with pytest.raises(StopIteration) as stop:
        flow.send(response)
    assert stop.value.value.etag == '"abc"'
    assert not stop.value.value.not_modified


def transfer_workflow(state: str, **context: Any) -> dict[str, Any]:
    return {
        "state": state,
        "completed": state in ("succeeded", "failed"),
        "links": {"self": "/accounts/a/registrar/registrations/x.com/transfer-in-status"},
        "context": {"domain_name": "x.com", **context},
    }


def test_a_transfer_is_recognised_by_its_status_link() -> None:
    from registrar_mock.client._polling import TRANSFER_POLL, is_transfer, with_blocked_interval

    assert is_transfer(WorkflowStatus.from_json(transfer_workflow("blocked")))
    assert not is_transfer(WorkflowStatus.from_json(workflow("blocked")))
    slower = with_blocked_interval(TRANSFER_POLL, 7200)
    assert (slower.blocked_interval, slower.max_blocked_interval) == (7200, 7200)
    faster = with_blocked_interval(TRANSFER_POLL, 60)
    assert (faster.blocked_interval, faster.max_blocked_interval) == (60, 3600)
    assert with_blocked_interval(TRANSFER_POLL, None) is TRANSFER_POLL
    with pytest.raises(ValueError):
        with_blocked_interval(TRANSFER_POLL, -1)


def test_transfer_check_results_keep_the_key_when_no_name_is_sent() -> None:
    from registrar_mock.client.models import TransferReason, transfer_check_results

    results = transfer_check_results(
        {
            "domains": {
                "A.com": {"transferable": False, "reasons": [{"code": "domain_locked"},
                                                             {"code": "brand_new_reason"}]},
                "b.com": {
                    "name": "b.com",
                    "transferable": True,
                    "pricing": {"currency": "USD", "transfer_cost": "9.00",
                                "renewal_cost": "10.00"},
                    "promo": True,
                },
            }
        }
    )  # fmt: skip
    assert results["A.com"].name == "A.com"
    assert results["A.com"].reasons[0] is TransferReason.DOMAIN_LOCKED
    assert results["A.com"].reasons[1] == "brand_new_reason"  # kept, not refused
    assert results["b.com"].extra == {"promo": True}
    with pytest.raises(ResponseFormatError):
        transfer_check_results({"domains": {"c.com": {"reasons": []}}})  # no transferable
