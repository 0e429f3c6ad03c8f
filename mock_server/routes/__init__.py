"""The route table. Handlers stay thin: parse, call the registrar, render."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from . import discovery, domains, meta, registrations

Endpoint = Callable[[Request], Awaitable[Response]]

API_ROOT = "/client/v4"
REGISTRAR = "/accounts/{account_id}/registrar"


def api_routes() -> list[BaseRoute]:
    registrar = [
        route("/domain-search", GET=discovery.search),
        route("/domain-check", POST=discovery.check),
        route("/domains", GET=domains.list_domains),
        route("/domains/{domain_name}", GET=domains.get_domain, PUT=domains.update_domain),
        route("/registrations", GET=registrations.list_all, POST=registrations.create),
        route("/registrations/{domain_name}", GET=registrations.get, PATCH=registrations.update),
        route(
            "/registrations/{domain_name}/registration-status",
            GET=registrations.registration_status,
        ),
        route("/registrations/{domain_name}/update-status", GET=registrations.update_status),
    ]
    return [
        Route(f"{API_ROOT}/openapi.json", meta.openapi, methods=["GET"]),
        Mount(f"{API_ROOT}{REGISTRAR}", routes=registrar),
    ]


def route(path: str, **handlers: Endpoint) -> Route:
    """One route per path, dispatching on method, so a 405 lists every allowed method."""

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await handlers[method](request)

    dispatch.__name__ = "_".join(h.__name__ for h in handlers.values())
    return Route(path, dispatch, methods=list(handlers))
