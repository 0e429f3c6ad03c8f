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
from typing import TYPE_CHECKING

import pytest

# The validators load only when a test asks for a fixture: installing registrar-mock
# without the contract extra must leave an unrelated test run untouched.
if TYPE_CHECKING:
    from registrar_mock.contract_tests.transport import TransportFactory
    from registrar_mock.contract_tests.validating import Spec


@pytest.fixture(scope="session")
def registrar_spec() -> Spec:
    """The spec traffic is validated against; override this fixture to use another document."""
    from registrar_mock.contract_tests.validating import Spec

    return Spec()


@pytest.fixture
def validating_transport(registrar_spec: Spec) -> Iterator[TransportFactory]:
    from registrar_mock.contract_tests.transport import TransportFactory

    factory = TransportFactory(registrar_spec)
    yield factory
    factory.assert_conforms()
