"""The route table. Handlers stay thin: parse, call the registrar, render."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from registrar_mock.http.endpoint import OPERATION
from registrar_mock.http.paths import API_ROOT, REGISTRAR
from registrar_mock.http.routes import discovery, domains, meta, registrations

Endpoint = Callable[[Request], Awaitable[Response]]
Operation = tuple[Endpoint, str]  # a handler and its operationId in the spec


def api_routes() -> list[BaseRoute]:
    """Every route under ``/client/v4``."""
    # Tried in this order, so the endpoints a test polls most come first.
    registrar = [
        route(
            "/registrations/{domain_name}",
            GET=(registrations.get, "registrar-domain-registration-get"),
            PATCH=(registrations.update, "registrar-domain-registration-update"),
        ),
        route(
            "/registrations/{domain_name}/registration-status",
            GET=(registrations.registration_status, "registrar-domain-registration-get-status"),
        ),
        route(
            "/registrations",
            GET=(registrations.list_all, "registrar-domain-registration-list"),
            POST=(registrations.create, "registrar-domain-registration-create"),
        ),
        route(
            "/registrations/{domain_name}/update-status",
            GET=(registrations.update_status, "registrar-domain-registration-get-update-status"),
        ),
        route("/domain-check", POST=(discovery.check, "registrar-domain-discovery-check")),
        route("/domain-search", GET=(discovery.search, "registrar-domain-discovery-search")),
        route(
            "/domains/{domain_name}",
            GET=(domains.get_domain, "registrar-domains-get-domain"),
            PUT=(domains.update_domain, "registrar-domains-update-domain"),
        ),
        route("/domains", GET=(domains.list_domains, "registrar-domains-list-domains")),
    ]
    # Full paths rather than a Mount: one regex match per route tried, and no second router.
    prefix = f"{API_ROOT}{REGISTRAR}"
    flat: list[BaseRoute] = [
        Route(prefix + r.path, r.endpoint, methods=sorted(r.methods or ()), name=r.name)
        for r in registrar
    ]
    return [*flat, Route(f"{API_ROOT}/openapi.json", meta.openapi, methods=["GET"])]


def route(path: str, **operations: Operation) -> Route:
    """One route per path, dispatching on method, so a 405 lists every allowed method.

    The operationId goes into the scope, for fault rules and the journal.
    """

    async def dispatch(request: Request) -> Response:
        handler, operation = operations["GET" if request.method == "HEAD" else request.method]
        request.scope[OPERATION] = operation
        return await handler(request)

    dispatch.__name__ = "_".join(op for _, op in operations.values())
    return Route(path, dispatch, methods=list(operations))
