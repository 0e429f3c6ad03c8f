"""Transfers in: domain-transfer-check, transfer-in and its status."""

from __future__ import annotations

from starlette.responses import Response

from registrar_mock.http import envelope, parsing, rendering
from registrar_mock.http.endpoint import Call, api
from registrar_mock.http.routes.registrations import prefers_async, workflow_response
from registrar_mock.model import WorkflowKind


@api
async def check(call: Call) -> Response:
    queries = parsing.parse_transfer_check(await call.json_object())
    found = call.registrar.transfer_check(call.account, queries)
    return envelope.ok({"domains": {given: rendering.transferability(item)
                                    for given, item in found.items()}})  # fmt: skip


@api
async def transfer_in(call: Call) -> Response:
    domain = call.domain()
    request = parsing.parse_transfer_in(domain, await call.json_object())
    workflow, _ = call.registrar.transfer_in(call.account, request)
    # A transfer waits days for the losing registrar: it is never held open, so the answer
    # is always 202 (with Preference-Applied when respond-async was asked for).
    return workflow_response(call, workflow, None, prefers_async(call))


@api
async def status(call: Call) -> Response:
    workflow = call.registrar.workflow_status(call.account, call.domain(), WorkflowKind.TRANSFER)
    return envelope.ok(rendering.workflow(workflow, call.environment))
