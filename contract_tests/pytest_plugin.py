"""The kit as a pytest plugin: check that your own client's traffic conforms to the spec.

Registered under the ``pytest11`` entry point ``registrar_mock_contract``. In a test::

    def test_my_client(validating_transport):
        transport = validating_transport(httpx.HTTPTransport())   # or a mock transport
        my_client = MyClient(http_client=httpx.Client(transport=transport))
        my_client.list_domains()
        validating_transport.assert_conforms()

Every request through a wrapped transport is checked against the Registrar spec
(path, query, headers, body). Violations are recorded, and a test that leaves any
behind fails at teardown, so a forgotten ``assert_conforms()`` still catches them.
Pass ``strict=True`` to raise at the offending request instead, ``responses=True``
to check the answers too.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .validating import (
    AsyncValidatingTransport,
    Spec,
    SpecViolation,
    ValidatingTransport,
    Violation,
)


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


@pytest.fixture(scope="session")
def registrar_spec() -> Spec:
    """The spec traffic is validated against; override this fixture to use another document."""
    return Spec()


@pytest.fixture
def validating_transport(registrar_spec: Spec) -> Iterator[TransportFactory]:
    factory = TransportFactory(registrar_spec)
    yield factory
    factory.assert_conforms()
