"""A validating httpx transport: every request a client sends is checked against the spec.

``ValidatingTransport(inner)`` (and ``AsyncValidatingTransport``) wraps another
transport. Before passing a request on, it checks it with
:class:`~registrar_mock.contract_tests.validating.RequestValidator`; with
``responses=True`` it checks the answer too. Problems are kept in ``violations``;
with ``strict=True`` the first one is raised as :class:`SpecViolation` instead, so
the client under test fails at the request that broke the contract.
:class:`TransportFactory` is what the ``validating_transport`` fixture hands out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import httpx

from registrar_mock.contract_tests.validating import (
    RequestValidator,
    Spec,
    SpecViolation,
    Violation,
)


@dataclass
class _Recorder:
    validator: RequestValidator
    strict: bool
    responses: bool
    violations: list[Violation] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def before(self, request: httpx.Request) -> None:
        self.requests.append(request)
        self._add(self.validator.check(request))

    def after(self, request: httpx.Request, response: httpx.Response) -> None:
        if self.responses:
            self._add(self.validator.check_response(request, response))

    def _add(self, found: Iterable[Violation]) -> None:
        found = list(found)
        self.violations += found
        if found and self.strict:
            raise SpecViolation("\n".join(map(str, found)))

    def operations_seen(self) -> set[str]:
        seen = set()
        for request in self.requests:
            path = self.validator.api_path(request.url.raw_path.decode("ascii").split("?", 1)[0])
            operation, _, _ = self.validator.spec.find(request.method, path)
            if operation is not None:
                seen.add(operation.operation_id)
        return seen


class ValidatingTransport(httpx.BaseTransport, _Recorder):
    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        spec: Spec | None = None,
        strict: bool = False,
        responses: bool = False,
    ) -> None:
        _Recorder.__init__(self, RequestValidator(spec), strict, responses)
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.before(request)
        response = self.inner.handle_request(request)
        if self.responses:
            response.read()
            self.after(request, response)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncValidatingTransport(httpx.AsyncBaseTransport, _Recorder):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        spec: Spec | None = None,
        strict: bool = False,
        responses: bool = False,
    ) -> None:
        _Recorder.__init__(self, RequestValidator(spec), strict, responses)
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.before(request)
        response = await self.inner.handle_async_request(request)
        if self.responses:
            await response.aread()
            self.after(request, response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class TransportFactory:
    """Wraps transports for one test and collects what they saw."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.transports: list[ValidatingTransport | AsyncValidatingTransport] = []

    def __call__(
        self, inner: httpx.BaseTransport, *, strict: bool = False, responses: bool = False
    ) -> ValidatingTransport:
        transport = ValidatingTransport(inner, spec=self.spec, strict=strict, responses=responses)
        self.transports.append(transport)
        return transport

    def wrap_async(
        self, inner: httpx.AsyncBaseTransport, *, strict: bool = False, responses: bool = False
    ) -> AsyncValidatingTransport:
        transport = AsyncValidatingTransport(
            inner, spec=self.spec, strict=strict, responses=responses
        )
        self.transports.append(transport)
        return transport

    @property
    def violations(self) -> list[Violation]:
        return [v for transport in self.transports for v in transport.violations]

    @property
    def requests(self) -> list[httpx.Request]:
        return [r for transport in self.transports for r in transport.requests]

    def operations_seen(self) -> set[str]:
        return {op for transport in self.transports for op in transport.operations_seen()}

    def assert_conforms(self) -> None:
        violations = self.violations
        if violations:
            raise SpecViolation("\n".join(map(str, violations)))

    def forget(self) -> None:
        """Drop recorded violations (after a test has asserted that they were expected)."""
        for transport in self.transports:
            transport.violations.clear()
