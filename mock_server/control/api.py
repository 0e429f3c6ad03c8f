"""The control API under `/__mock__`: thin HTTP over :class:`~.plane.Control`.

Handlers parse, call the control plane and answer in the v4 envelope. Every
refusal is a typed error from the catalogue, raised here or by the control
plane; nothing is turned into a 400 by catching a built-in exception.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping
from functools import cache
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from registrar_mock import durations, spec
from registrar_mock import errors as e
from registrar_mock.clock import isoformat
from registrar_mock.control.plane import Control
from registrar_mock.http import envelope, rendering
from registrar_mock.http.parsing import check_content_type, parse_json_object, read_body
from registrar_mock.model.profiles import PRODUCTION, SANDBOX
from registrar_mock.model.workflows import Workflow

Handler = Callable[[Request, Control], Awaitable[Any]]
MAX_UPLOAD_NAME = 200  # characters of an uploaded scenario's file name, which errors show
ENVIRONMENTS = {"production": PRODUCTION, "sandbox": SANDBOX}
TRANSFERS = "/accounts/{account_id}/transfers/{domain_name}"
TRANSFER_ANSWERS: dict[str, Callable[[Control, str, str], Workflow]] = {
    "approve": Control.approve_transfer,
    "reject": Control.reject_transfer,
    "accept": Control.accept_transfer,
    "decline": Control.decline_transfer,
}


class Host(Protocol):
    """What the control API needs of the app that serves it."""

    control: Control


def endpoint(handler: Handler, status: int = 200) -> Callable[[Request], Awaitable[Response]]:
    """Run a control operation and answer in the v4 envelope."""

    async def endpoint(request: Request) -> Response:
        host: Host = request.app
        check_token(request, host.control)
        host.control.admit(request.method)
        result = await handler(request, host.control)
        return envelope.ok(result, status=status)

    endpoint.__name__ = handler.__name__
    return endpoint


def check_token(request: Request, control: Control) -> None:
    expected = control.control_token_bytes
    if expected is None:
        return
    # Compared as bytes, in constant time: headers arrive as latin-1 text, so encoding
    # back gives exactly the bytes sent, whatever they are.
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    sent = given.strip().encode("latin-1")
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent, expected):
        raise e.CONTROL_TOKEN_REQUIRED()


async def _body(request: Request, *, optional: bool = False) -> dict[str, Any]:
    raw = await read_body(request.stream())
    if optional and not raw.strip():
        return {}
    check_content_type(request.headers.get("content-type"))
    return parse_json_object(raw)


def _only(body: Mapping[str, Any], *allowed: str) -> None:
    for field in body:
        if field not in allowed:
            raise e.UNKNOWN_FIELD(at=f"/{field}", field=field)


def _invalid(detail: str, at: str | None = None) -> e.ApiError:
    return e.CONTROL_INVALID(at=at, detail=detail)


async def health(request: Request, control: Control) -> dict[str, Any]:
    return {"status": "ok", "scenario": control.scenario.name, "now": isoformat(control.now())}


async def reset(request: Request, control: Control) -> dict[str, Any]:
    body = await _body(request, optional=True)
    _only(body, "scenario", "document", "text", "name")
    given = [field for field in ("scenario", "document", "text") if field in body]
    if len(given) > 1:
        raise _invalid('give one of "scenario", "document" and "text"', f"/{given[1]}")
    if "name" in body and "text" not in body:
        raise _invalid('"name" names an uploaded "text"', "/name")
    if "document" in body:
        if not isinstance(body["document"], dict):
            raise _invalid("document must be a scenario object", "/document")
        scenario = control.reset(body["document"])
    elif "scenario" in body:
        if not isinstance(body["scenario"], str):
            raise _invalid("scenario must be a bundled name or a path", "/scenario")
        scenario = control.reset_to_named(body["scenario"])
    elif "text" in body:
        text, name = body["text"], body.get("name", "uploaded scenario")
        if not isinstance(text, str):
            raise _invalid("text must be a scenario file's YAML, as a string", "/text")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_UPLOAD_NAME:
            raise _invalid(
                f"name must be a file name of 1 to {MAX_UPLOAD_NAME} characters", "/name"
            )
        scenario = control.reset_to_text(text, name)
    else:
        scenario = control.reset()
    return {"scenario": scenario.name, "now": isoformat(control.now())}


async def get_clock(request: Request, control: Control) -> dict[str, Any]:
    return control.clock_json()


async def advance_clock(request: Request, control: Control) -> dict[str, Any]:
    body = await _body(request)
    _only(body, "seconds", "by")
    if "seconds" not in body and "by" not in body:
        raise _invalid(f'give "seconds" (a number) or "by" (a duration: {durations.TEXT_FORMS})')
    field = "seconds" if "seconds" in body else "by"
    by = body[field]
    forms = durations.TEXT_FORMS  # JSON has no timedelta
    if field == "seconds" and (isinstance(by, bool) or not isinstance(by, int | float)):
        raise _invalid(f'seconds must be a number; or give "by", a duration: {forms}', "/seconds")
    if field == "by" and (isinstance(by, bool) or not isinstance(by, int | float | str)):
        raise _invalid(f"by must be a duration: {forms}", "/by")  # null, true, a list
    control.advance(by)
    return control.clock_json()


async def set_clock(request: Request, control: Control) -> dict[str, Any]:
    body = await _body(request)
    _only(body, "now")
    now = body.get("now")
    if not isinstance(now, str):
        raise _invalid('give "now" as an RFC 3339 timestamp', "/now")
    control.set_time(now)
    return control.clock_json()


async def resolve(request: Request, control: Control) -> dict[str, Any]:
    body = await _body(request, optional=True)
    _only(body, "action", "kind", "environment")
    action = body.get("action", "confirm")
    kind = body.get("kind", "registration")
    environment = body.get("environment", "production")
    if action not in ("confirm", "reject"):
        raise _invalid('action is "confirm" or "reject"', "/action")
    if kind not in ("registration", "update", "transfer_in"):
        raise _invalid('kind is "registration", "update" or "transfer_in"', "/kind")
    if environment not in ENVIRONMENTS:
        raise _invalid('environment is "production" or "sandbox"', "/environment")
    profile = ENVIRONMENTS[environment]
    workflow = control.resolve(
        request.path_params["account_id"],
        request.path_params["domain_name"],
        confirm=action == "confirm",
        kind=kind,
        sandbox=profile.sandbox,
    )
    return rendering.workflow(workflow, profile.name)


def _transfer(answer: str) -> Handler:
    """The four answers a transfer in can wait for: the losing registrar's (approve,
    reject) while it is ``blocked``, and the registrant's (accept, decline) while it is
    ``action_required``."""

    async def handler(request: Request, control: Control) -> dict[str, Any]:
        _only(await _body(request, optional=True))
        act = TRANSFER_ANSWERS[answer]
        workflow = act(
            control, request.path_params["account_id"], request.path_params["domain_name"]
        )
        return rendering.workflow(workflow)

    handler.__name__ = f"{answer}_transfer"
    return handler


async def charges(request: Request, control: Control) -> list[dict[str, Any]]:
    return [
        rendering.charge(charge) for charge in control.charges(request.path_params["account_id"])
    ]


async def list_faults(request: Request, control: Control) -> list[dict[str, Any]]:
    return [rule.to_json() for rule in control.faults.rules]


async def add_fault(request: Request, control: Control) -> dict[str, Any]:
    return control.add_fault(await _body(request)).to_json()


async def clear_faults(request: Request, control: Control) -> list[Any]:
    control.clear_faults()
    return []


async def remove_fault(request: Request, control: Control) -> dict[str, Any]:
    rule_id = request.path_params["fault_id"]
    if not control.remove_fault(rule_id):
        raise e.NO_SUCH_FAULT(fault=rule_id)
    return {"id": rule_id}


async def journal(request: Request, control: Control) -> list[dict[str, Any]]:
    query = request.query_params
    status = query.get("status")
    if status is not None and not (status.isascii() and status.isdigit() and len(status) <= 3):
        raise _invalid("status must be an HTTP status code", "/status")
    entries = control.journal.entries(
        method=query.get("method"),
        path=query.get("path"),
        account=query.get("account"),
        operation=query.get("operation"),
        status=int(status) if status is not None else None,
        domain=query.get("domain"),
    )
    return [entry.to_json() for entry in entries]


async def journal_entry(request: Request, control: Control) -> dict[str, Any]:
    given = request.path_params["seq"]
    found = None
    if given.isascii() and given.isdigit() and len(given) <= 18:
        found = control.journal.get(int(given))
    if found is None:
        raise e.NO_SUCH_ENTRY(seq=given[:20])
    return found.to_json()


async def clear_journal(request: Request, control: Control) -> list[Any]:
    control.journal.clear()
    return []


async def export_state(request: Request, control: Control) -> dict[str, Any]:
    return control.export_state()


async def import_state(request: Request, control: Control) -> dict[str, Any]:
    control.import_state(await _body(request))
    return {"scenario": control.scenario.name, "now": isoformat(control.now())}


async def control_spec(request: Request) -> Response:
    check_token(request, request.app.control)
    return Response(spec.control_as_json(), media_type="application/json")


TABLE: list[tuple[str, str, Handler, int]] = [
    ("/health", "GET", health, 200),
    ("/reset", "POST", reset, 200),
    ("/clock", "GET", get_clock, 200),
    ("/clock", "PUT", set_clock, 200),
    ("/clock/advance", "POST", advance_clock, 200),
    ("/accounts/{account_id}/registrations/{domain_name}/resolve", "POST", resolve, 200),
    *(
        (
            f"/accounts/{{account_id}}/transfers/{{domain_name}}/{answer}",
            "POST",
            _transfer(answer),
            200,
        )
        for answer in TRANSFER_ANSWERS
    ),
    ("/accounts/{account_id}/charges", "GET", charges, 200),
    ("/faults", "GET", list_faults, 200),
    ("/faults", "POST", add_fault, 201),
    ("/faults", "DELETE", clear_faults, 200),
    ("/faults/{fault_id}", "DELETE", remove_fault, 200),
    ("/journal", "GET", journal, 200),
    ("/journal", "DELETE", clear_journal, 200),
    ("/journal/{seq}", "GET", journal_entry, 200),
    ("/state", "GET", export_state, 200),
    ("/state", "PUT", import_state, 200),
]


@cache
def routes() -> tuple[BaseRoute, ...]:
    by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
    for path, method, handler, status in TABLE:
        by_path.setdefault(path, {})[method] = endpoint(handler, status)
    built: list[BaseRoute] = [Route("/openapi.json", control_spec, methods=["GET"])]
    for path, methods in by_path.items():

        async def dispatch(request: Request, methods: Any = methods) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            response: Response = await methods[method](request)
            return response

        built.append(Route(path, dispatch, methods=list(methods)))
    return tuple(built)  # shared by every app, as the API's are
