"""The reference client parses every response the spec allows into a typed result or error.

For each operation and each documented status, hypothesis draws bodies from the
spec's own schemas (``contract_tests.responses``): with and without
``result_info``, with empty lists, with optional fields missing and with unknown
extra fields. The client must turn each into its typed result (2xx) or the typed
error for the status (4xx), and never crash or misreport a valid answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registrar_mock.client import (
    APIError,
    AuthenticationError,
    ConflictError,
    DomainAvailability,
    Extension,
    LegacyDomain,
    NotFoundError,
    Page,
    RegistrarClient,
    Registration,
    RetryPolicy,
    TransferCheckResult,
    ValidationError,
    WorkflowStatus,
)
from registrar_mock.contract_tests import conformance, responses
from registrar_mock.contract_tests.validating import RequestValidator

from .support import ACCOUNT, BASE_URL, TOKEN

Call = Callable[[RegistrarClient], Any]
CALLS: dict[str, tuple[Call, Callable[[Any], bool]]] = {
    "registrar-domain-discovery-search": (
        lambda c: c.search("acme"),
        lambda r: all(isinstance(i, DomainAvailability) for i in r),
    ),
    "registrar-domain-discovery-check": (
        lambda c: c.check(["acme.com"]),
        lambda r: all(isinstance(i, DomainAvailability) for i in r),
    ),
    "registrar-domains-list-domains": (
        lambda c: c.list_domains(),
        lambda r: all(isinstance(i, LegacyDomain) for i in r),
    ),
    "registrar-domains-get-domain": (
        lambda c: c.get_domain("acme.com"),
        LegacyDomain.__instancecheck__,
    ),
    "registrar-domains-update-domain": (
        lambda c: c.update_domain("acme.com", locked=True),
        LegacyDomain.__instancecheck__,
    ),
    "registrar-domain-registration-create": (
        lambda c: c.create_registration("acme.com"),
        WorkflowStatus.__instancecheck__,
    ),
    "registrar-domain-registration-list": (
        lambda c: c.list_registrations(),
        lambda r: isinstance(r, Page) and all(isinstance(i, Registration) for i in r.items),
    ),
    "registrar-domain-registration-get": (
        lambda c: c.get_registration("acme.com"),
        Registration.__instancecheck__,
    ),
    "registrar-domain-registration-update": (
        lambda c: c.update_registration("acme.com", auto_renew=True),
        WorkflowStatus.__instancecheck__,
    ),
    "registrar-domain-registration-get-status": (
        lambda c: c.get_registration_status("acme.com"),
        WorkflowStatus.__instancecheck__,
    ),
    "registrar-domain-registration-get-update-status": (
        lambda c: c.get_update_status("acme.com"),
        WorkflowStatus.__instancecheck__,
    ),
    "registrar-extension-list": (
        lambda c: c.list_extensions(),
        lambda r: isinstance(r, Page) and all(isinstance(i, Extension) for i in r.items),
    ),
    "registrar-extension-get": (lambda c: c.get_extension("com"), Extension.__instancecheck__),
    "registrar-domain-transfer-check": (
        lambda c: c.transfer_check(["acme.com", ("acme.net", b"epp-code")]),
        lambda r: all(isinstance(k, str) and isinstance(v, TransferCheckResult)
                      for k, v in r.items()),
    ),
    "registrar-domain-transfer-in": (
        lambda c: c.transfer_in("acme.com", auth_code=b"epp-code"),
        WorkflowStatus.__instancecheck__,
    ),
    "registrar-domain-transfer-in-get-status": (
        lambda c: c.get_transfer_in_status("acme.com"),
        WorkflowStatus.__instancecheck__,
    ),
}  # fmt: skip
# The sandbox's operations are the production ones, called on a sandbox client.
SANDBOX = "registrar-sandbox-"
CALLS.update(
    {
        f"{SANDBOX}{operation_id.removeprefix('registrar-')}": CALLS[operation_id]
        for operation_id in (
            "registrar-domain-discovery-search",
            "registrar-domain-discovery-check",
            "registrar-domain-registration-create",
            "registrar-domain-registration-list",
            "registrar-domain-registration-get",
            "registrar-domain-registration-update",
            "registrar-domain-registration-get-status",
            "registrar-domain-registration-get-update-status",
            "registrar-extension-list",
            "registrar-extension-get",
        )
    }
)
# A 400 about credentials is an AuthenticationError (Cloudflare's 9106, 6003, ...).
ERRORS: dict[int, tuple[type[APIError], ...]] = {
    400: (ValidationError, AuthenticationError),
    403: (AuthenticationError,),
    404: (NotFoundError,),
    409: (ConflictError,),
    413: (ValidationError,),
    415: (ValidationError,),
    422: (ValidationError,),
}
DOCUMENTED = list(responses.documented_responses())
# One strategy per documented response, built once: hypothesis reuses what it learnt of it.
BODIES = {documented.id: responses.bodies(documented.schema) for documented in DOCUMENTED}
VALIDATOR = RequestValidator()


def _fits(documented: responses.DocumentedResponse, body: Any) -> list[str]:
    operation = next(
        op for op in VALIDATOR.spec.operations if op.operation_id == documented.operation_id
    )
    request = httpx.Request(operation.method, f"{BASE_URL}{operation.template}")
    response = httpx.Response(documented.status, json=body)
    return [str(v) for v in VALIDATOR.check_response(request, response)]


EXAMPLES = 200 if conformance.deep() else 20


def test_every_operation_is_exercised() -> None:
    assert {documented.operation_id for documented in DOCUMENTED} == set(CALLS)


def _client(
    status: int, body: Any, headers: dict[str, str], *, sandbox: bool = False
) -> RegistrarClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    http = httpx.Client(transport=httpx.MockTransport(answer))
    return RegistrarClient(
        ACCOUNT, api_token=TOKEN, base_url=BASE_URL, http_client=http,
        retry=RetryPolicy(max_retries=0), sandbox=sandbox,
    )  # fmt: skip


@pytest.mark.parametrize("documented", DOCUMENTED, ids=lambda d: d.id)
@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])  # fmt: skip
@given(data=st.data())
def test_the_client_reads_every_documented_response(
    documented: responses.DocumentedResponse, data: st.DataObject
) -> None:
    body = data.draw(BODIES[documented.id], label="body")
    assert _fits(documented, body) == []  # the generator is held to the spec too
    headers = {
        "Location": "/accounts/x/registrar/registrations/acme.com/registration-status",
        "ETag": '"0123456789abcdef"',
    }
    call, is_typed = CALLS[documented.operation_id]
    sandbox = documented.operation_id.startswith(SANDBOX)
    with _client(documented.status, body, headers, sandbox=sandbox) as client:
        if documented.status < 300:
            assert is_typed(call(client)), json.dumps(body)[:500]
        else:
            with pytest.raises(ERRORS[documented.status]) as caught:
                call(client)
            assert caught.value.status_code == documented.status


MAP = {
    "type": "object",
    "required": ["count"],
    "properties": {"count": {"type": "integer"}, "note": {"type": "string"}},
    "additionalProperties": {"type": "boolean"},
}


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(
    record=responses.bodies({**MAP, "additionalProperties": True}),
    answers=responses.bodies(MAP),
)
def test_generated_objects_vary_as_a_client_must_expect(
    record: dict[str, Any], answers: dict[str, Any]
) -> None:
    """Required properties always there; unknown ones never take a known name, and follow
    the schema of a map's members."""
    assert isinstance(record["count"], int)
    assert all(key in MAP["properties"] or key.startswith("x_") for key in record)
    assert isinstance(answers["count"], int) and isinstance(answers.get("note", ""), str)
    assert all(
        isinstance(value, bool) for key, value in answers.items() if key not in MAP["properties"]
    )


def test_generated_objects_leave_out_optional_properties_and_add_unknown_ones() -> None:
    seen: list[dict[str, Any]] = []

    @settings(max_examples=100, derandomize=True, database=None, deadline=None)
    @given(responses.bodies({**MAP, "additionalProperties": True}))
    def draw(record: dict[str, Any]) -> None:
        seen.append(record)

    draw()
    assert any("note" in record for record in seen)
    assert any("note" not in record for record in seen)
    assert any(key.startswith("x_") for record in seen for key in record)
