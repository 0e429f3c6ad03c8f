"""Registrations: create, list, get, update, and the two workflow-status endpoints."""

from __future__ import annotations

from starlette.responses import Response

from registrar_mock.http import envelope, parsing, rendering
from registrar_mock.http.endpoint import Call, api
from registrar_mock.model import Account, WorkflowKind
from registrar_mock.model.workflows import Workflow


def prefers_async(call: Call) -> bool:
    prefer = call.request.headers.get("prefer", "")
    # RFC 7240: preferences are comma-separated, each may carry ";parameters".
    return any(
        part.split(";", 1)[0].strip().lower() == "respond-async" for part in prefer.split(",")
    )


async def _hold(call: Call, account: Account, workflow: Workflow) -> Workflow:
    """Keep the request open while the work finishes, if it will within the sync window;
    the workflow as it then is.

    The mock knows each workflow's future, so when it cannot finish inside the
    window the answer is a 202 straight away instead of after a pointless wait.
    """
    done_at = workflow.completion_time()
    if done_at is None or workflow.completed:
        return workflow
    window = call.registrar.world.sync_wait_seconds
    if (done_at - call.clock.now()).total_seconds() > window:
        return workflow
    await call.wait_until(done_at)
    return call.registrar.refresh(account, workflow)


def workflow_response(
    call: Call, workflow: Workflow, done_status: int | None, honoured: bool
) -> Response:
    """The answer to a request that started a workflow: ``done_status`` when it finished
    while the request waited, else (or when there is none) 202 with the status resource in
    ``Location``."""
    body = rendering.workflow(workflow, call.environment)
    if workflow.completed and not honoured and done_status is not None:
        return envelope.ok(body, status=done_status)
    headers = {"Location": body["links"]["self"]}
    if honoured:
        headers["Preference-Applied"] = "respond-async"
    return envelope.ok(body, status=202, headers=headers)


@api
async def create(call: Call) -> Response:
    request = parsing.parse_create(await call.json_object())
    workflow, _ = call.registrar.create_registration(call.account, request)
    asynchronous = prefers_async(call)
    if not asynchronous:
        workflow = await _hold(call, call.account, workflow)
    return workflow_response(call, workflow, 201, asynchronous)


@api
async def list_all(call: Call) -> Response:
    sort_by, direction, per_page, cursor = parsing.parse_list(call.request.query_params)
    page = call.registrar.list_registrations(call.account, sort_by, direction, per_page, cursor)
    info = {"count": len(page.items), "cursor": page.cursor, "per_page": page.per_page}
    return envelope.ok([rendering.registration(r) for r in page.items], result_info=info)


@api
async def get(call: Call) -> Response:
    registration = call.registrar.get_registration(call.account, call.domain())
    return envelope.ok(rendering.registration(registration))


@api
async def update(call: Call) -> Response:
    domain = call.domain()
    auto_renew = parsing.parse_patch(await call.json_object())
    workflow = call.registrar.update_registration(call.account, domain, auto_renew)
    asynchronous = prefers_async(call)
    if not asynchronous:
        workflow = await _hold(call, call.account, workflow)
    return workflow_response(call, workflow, 200, asynchronous)


@api
async def registration_status(call: Call) -> Response:
    workflow = call.registrar.workflow_status(
        call.account, call.domain(), WorkflowKind.REGISTRATION
    )
    return envelope.ok(rendering.workflow(workflow, call.environment))


@api
async def update_status(call: Call) -> Response:
    workflow = call.registrar.workflow_status(call.account, call.domain(), WorkflowKind.UPDATE)
    return envelope.ok(rendering.workflow(workflow, call.environment))
