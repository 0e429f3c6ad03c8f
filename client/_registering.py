"""Starting a registration or a transfer in without ever starting it twice.

A registration POST and a transfer-in POST are billable, so neither is blindly
repeated. When its outcome is unknown (the connection dropped, the request
timed out, or the server answered 429 or 5xx) the flow asks the workflow's
status (registration-status or transfer-in-status) for the domain, which is the
idempotency key. If a workflow exists, that is the answer; only a 404 (no
workflow, nothing started) allows sending the POST again.
"""

from __future__ import annotations

import logging

import httpx

from registrar_mock.client import errors as e
from registrar_mock.client._envelope import error_for, read, retry_after
from registrar_mock.client._flow import Flow, send, sleep
from registrar_mock.client._retry import TRANSIENT, RetryPolicy, send_safely, transport_error
from registrar_mock.client.models import WorkflowStatus

logger = logging.getLogger("registrar_mock.client")


def create_registration(
    post: httpx.Request, status_request: httpx.Request, retry: RetryPolicy
) -> Flow[WorkflowStatus]:
    return (yield from start_workflow(post, status_request, retry, "registering"))


def start_workflow(
    post: httpx.Request, status_request: httpx.Request, retry: RetryPolicy, what: str
) -> Flow[WorkflowStatus]:
    """POST ``post`` once; if its outcome is unknown, ask ``status_request`` before resending."""
    resends = 0
    while True:
        problem: e.RegistrarError
        try:
            response = yield from send(post)
        except TRANSIENT as exc:
            problem = transport_error(post, exc)
            problem.__cause__ = exc
            pause = retry.pause(resends)
        except httpx.TransportError as exc:
            raise transport_error(post, exc) from exc
        else:
            if not retry.retries_status(response.status_code):
                return WorkflowStatus.from_json(read(response).result)
            problem = error_for(response)
            pause = retry.pause(resends, retry_after(response))
        if resends >= retry.max_retries or pause is None:
            raise problem
        logger.warning(
            "%s: the outcome of %s %s is unknown (%s); asking %s",
            what, post.method, post.url, problem, status_request.url.path.rsplit("/", 1)[-1],
        )  # fmt: skip
        yield from sleep(pause)
        try:
            envelope = yield from send_safely(status_request, retry)
        except e.NotFoundError:
            resends += 1
            logger.info("%s: no workflow exists yet, so sending the request again", what)
            continue
        logger.info("%s: resuming the workflow the server already has", what)
        return WorkflowStatus.from_json(envelope.result)
