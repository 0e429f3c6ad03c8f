"""The route table. Handlers stay thin: parse, call the registrar, render."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from registrar_mock.http.endpoint import OPERATION, PROFILE
from registrar_mock.http.paths import API_ROOT, ENVIRONMENT
from registrar_mock.http.routes import (
    discovery,
    domains,
    extensions,
    meta,
    registrations,
    transfers,
)
from registrar_mock.http.routing import RouteTable
from registrar_mock.model.profiles import PRODUCTION, SANDBOX, Profile

Endpoint = Callable[[Request], Awaitable[Response]]
Operation = tuple[Endpoint, str]  # a handler and its operationId in the spec


@cache
def api_routes() -> tuple[BaseRoute, ...]:
    """Every route under ``/client/v4``: production's, then the Registrar Sandbox's. Built
    once and shared by every app: a route holds no state (handlers find theirs through
    ``request.app``), and compiling 60 of them was most of what a new mock cost."""
    return (
        *environment_routes(PRODUCTION),
        *environment_routes(SANDBOX),
        Route(f"{API_ROOT}/openapi.json", meta.openapi, methods=["GET"]),
    )


@cache
def api_table() -> RouteTable:
    """The same routes, for walking a request's path (see :mod:`registrar_mock.http.routing`)."""
    return RouteTable(api_routes())


def environment_routes(profile: Profile) -> list[BaseRoute]:
    """One environment's routes. The sandbox has the same operations, bar transfers and the
    legacy `/domains`; its operationIds carry ``registrar-sandbox-`` in front."""

    def op(handler: Endpoint, operation: str) -> Operation:
        return handler, operation.replace("registrar-", f"{profile.name}-", 1)

    def route(path: str, **operations: Operation) -> Route:
        return dispatching(path, profile, **operations)

    # Tried in this order, so the endpoints a test polls most come first.
    registrar = [
        route(
            "/registrations/{domain_name}",
            GET=op(registrations.get, "registrar-domain-registration-get"),
            PATCH=op(registrations.update, "registrar-domain-registration-update"),
        ),
        route(
            "/registrations/{domain_name}/registration-status",
            GET=op(registrations.registration_status, "registrar-domain-registration-get-status"),
        ),
        route(
            "/registrations",
            GET=op(registrations.list_all, "registrar-domain-registration-list"),
            POST=op(registrations.create, "registrar-domain-registration-create"),
        ),
        route(
            "/registrations/{domain_name}/update-status",
            GET=op(registrations.update_status, "registrar-domain-registration-get-update-status"),
        ),
        route("/domain-check", POST=op(discovery.check, "registrar-domain-discovery-check")),
        route("/domain-search", GET=op(discovery.search, "registrar-domain-discovery-search")),
        route("/extensions", GET=op(extensions.list_all, "registrar-extension-list")),
        route("/extensions/{extension}", GET=op(extensions.get, "registrar-extension-get")),
    ]
    if profile.transfers:
        registrar += [
            route(
                "/registrations/{domain_name}/transfer-in-status",
                GET=op(transfers.status, "registrar-domain-transfer-in-get-status"),
            ),
            route(
                "/registrations/{domain_name}/transfer-in",
                POST=op(transfers.transfer_in, "registrar-domain-transfer-in"),
            ),
            route(
                "/domain-transfer-check",
                POST=op(transfers.check, "registrar-domain-transfer-check"),
            ),
        ]
    if not profile.sandbox:
        registrar += [
            route(
                "/domains/{domain_name}",
                GET=op(domains.get_domain, "registrar-domains-get-domain"),
                PUT=op(domains.update_domain, "registrar-domains-update-domain"),
            ),
            route("/domains", GET=op(domains.list_domains, "registrar-domains-list-domains")),
        ]
    # Full paths rather than a Mount: one regex match per route tried, and no second router.
    prefix = API_ROOT + ENVIRONMENT.format(environment=profile.name)
    return [
        Route(prefix + r.path, r.endpoint, methods=sorted(r.methods or ()), name=r.name)
        for r in registrar
    ]  # fmt: skip


def dispatching(path: str, profile: Profile, **operations: Operation) -> Route:
    """One route per path, dispatching on method, so a 405 lists every allowed method.

    The operationId goes into the scope, for fault rules and the journal, and so does the
    environment the path is in.
    """

    async def dispatch(request: Request) -> Response:
        handler, operation = operations["GET" if request.method == "HEAD" else request.method]
        request.scope[OPERATION] = operation
        request.scope[PROFILE] = profile
        return await handler(request)

    dispatch.__name__ = "_".join(op for _, op in operations.values())
    return Route(path, dispatch, methods=list(operations))
