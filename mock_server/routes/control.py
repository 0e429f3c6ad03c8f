"""The control API under `/__mock__`: thin HTTP over :class:`mock_server.control.Control`."""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .. import envelope, spec, views
from .. import errors as e
from ..clock import isoformat
from ..control import Control
from ..domain.snapshot import SnapshotError
from ..payloads import check_content_type, parse_json_object, read_body
from ..scenarios import ScenarioError, parse_duration

if TYPE_CHECKING:
    from ..app import MockApp

Handler = Callable[[Request, Control], Awaitable[Any]]


def _control(handler: Handler, status: int = 200) -> Callable[[Request], Awaitable[Response]]:
    """Run a control operation and answer in the v4 envelope; bad input is a 400."""

    async def endpoint(request: Request) -> Response:
        app: MockApp = request.app
        _check_token(request, app.control)
        try:
            result = await handler(request, app.control)
        except (ScenarioError, SnapshotError, ValueError, TypeError, OverflowError) as exc:
            raise e.error(400, e.GENERIC, str(exc)) from None
        except LookupError as exc:
            raise e.error(404, e.GENERIC, exc.args[0] if exc.args else "Not found") from None
        return envelope.ok(result, status=status)

    endpoint.__name__ = handler.__name__
    return endpoint


def _check_token(request: Request, control: Control) -> None:
    expected = control.control_token
    if expected is None:
        return
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip(), expected):
        raise e.ApiError(
            401,
            [e.ErrorItem(e.GENERIC, "The control API needs Authorization: Bearer <control token>")],
            headers={"WWW-Authenticate": 'Bearer realm="registrar-mock control"'},
        )


async def _body(request: Request, *, optional: bool = False) -> dict[str, Any]:
    raw = await read_body(request.stream())
    if optional and not raw.strip():
        return {}
    check_content_type(request.headers.get("content-type"))
    return parse_json_object(raw)


async def health(request: Request, control: Control) -> dict[str, Any]:
    return {"status": "ok", "scenario": control.scenario.name, "now": isoformat(control.now())}


async def reset(request: Request, control: Control) -> dict[str, Any]:
    body = await _body(request, optional=True)
    unknown = set(body) - {"scenario", "document"}
    if unknown:
        raise ValueError(f"unknown field: {sorted(unknown)[0]}")
    if "document" in body:
        if not isinstance(body["document"], dict):
            raise ValueError("document must be a scenario object")
        scenario = control.reset(body["document"])
    elif "scenario" in body:
        if not isinstance(body["scenario"], str):
            raise ValueError("scenario must be a bundled name or a path")
        scenario = control.reset(body["scenario"])
    else:
        scenario = control.reset()
    return {"scenario": scenario.name, "now": isoformat(control.now())}


async def get_clock(request: Request, control: Control) -> dict[str, Any]:
    return control.clock_json()


async def advance_clock(request: Request, control: Control) -> dict[str, Any]:
    body = await _body(request)
    by = body.get("seconds", body.get("by"))
    if isinstance(by, bool) or not isinstance(by, int | float | str):
        raise ValueError('give "seconds" (a number) or "by" (a duration such as "2d")')
    if isinstance(by, str):
        try:
            by = parse_duration(by)
        except AssertionError:
            raise ValueError(f"not a duration: {by!r}") from None
    control.advance(float(by))
    return control.clock_json()


async def set_clock(request: Request, control: Control) -> dict[str, Any]:
    body = await _body(request)
    now = body.get("now")
    if not isinstance(now, str):
        raise ValueError('give "now" as an RFC 3339 timestamp')
    control.set_time(datetime.fromisoformat(now.replace("Z", "+00:00")))
    return control.clock_json()


async def resolve(request: Request, control: Control) -> dict[str, Any]:
    body = await _body(request, optional=True)
    action = body.get("action", "confirm")
    kind = body.get("kind", "registration")
    if action not in ("confirm", "reject") or kind not in ("registration", "update"):
        raise ValueError('action is "confirm" or "reject"; kind is "registration" or "update"')
    workflow = control.resolve(
        request.path_params["account_id"],
        request.path_params["domain_name"],
        confirm=action == "confirm",
        kind=kind,
    )
    return views.workflow(workflow)


async def charges(request: Request, control: Control) -> list[dict[str, Any]]:
    return [
        {
            "domain_name": charge.domain_name,
            "kind": charge.kind,
            "amount": format(charge.amount, "f"),
            "currency": charge.currency,
            "years": charge.years,
            "at": isoformat(charge.at),
        }
        for charge in control.charges(request.path_params["account_id"])
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
        raise LookupError(f"no fault {rule_id}")
    return {"id": rule_id}


async def journal(request: Request, control: Control) -> list[dict[str, Any]]:
    query = request.query_params
    status = query.get("status")
    if status is not None and not status.isdigit():
        raise ValueError("status must be an integer")
    entries = control.journal.entries(
        method=query.get("method"),
        path=query.get("path"),
        account=query.get("account"),
        operation=query.get("operation"),
        status=int(status) if status is not None else None,
    )
    return [entry.to_json() for entry in entries]


async def clear_journal(request: Request, control: Control) -> list[Any]:
    control.journal.clear()
    return []


async def export_state(request: Request, control: Control) -> dict[str, Any]:
    return control.export_state()


async def import_state(request: Request, control: Control) -> dict[str, Any]:
    control.import_state(await _body(request))
    return {"scenario": control.scenario.name, "now": isoformat(control.now())}


async def control_spec(request: Request) -> Response:
    _check_token(request, request.app.control)
    return Response(json.dumps(spec.load_control()), media_type="application/json")


TABLE: list[tuple[str, str, Handler, int]] = [
    ("/health", "GET", health, 200),
    ("/reset", "POST", reset, 200),
    ("/clock", "GET", get_clock, 200),
    ("/clock", "PUT", set_clock, 200),
    ("/clock/advance", "POST", advance_clock, 200),
    ("/accounts/{account_id}/registrations/{domain_name}/resolve", "POST", resolve, 200),
    ("/accounts/{account_id}/charges", "GET", charges, 200),
    ("/faults", "GET", list_faults, 200),
    ("/faults", "POST", add_fault, 201),
    ("/faults", "DELETE", clear_faults, 200),
    ("/faults/{fault_id}", "DELETE", remove_fault, 200),
    ("/journal", "GET", journal, 200),
    ("/journal", "DELETE", clear_journal, 200),
    ("/state", "GET", export_state, 200),
    ("/state", "PUT", import_state, 200),
]


def routes() -> list[BaseRoute]:
    by_path: dict[str, dict[str, Callable[[Request], Awaitable[Response]]]] = {}
    for path, method, handler, status in TABLE:
        by_path.setdefault(path, {})[method] = _control(handler, status)
    built: list[BaseRoute] = [Route("/openapi.json", control_spec, methods=["GET"])]
    for path, methods in by_path.items():

        async def dispatch(request: Request, methods: Any = methods) -> Response:
            method = "GET" if request.method == "HEAD" else request.method
            response: Response = await methods[method](request)
            return response

        built.append(Route(path, dispatch, methods=list(methods)))
    return built
