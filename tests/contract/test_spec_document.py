"""The spec document itself: every example fits its schema, every link leads to an
operation, and each environment has the operations the official SDKs call."""

from __future__ import annotations

from typing import Any

import pytest

from registrar_mock import spec
from registrar_mock.contract_tests.validating import Spec, _errors

SPEC = Spec()
IN_BOTH = {
    "domain-discovery-search",
    "domain-discovery-check",
    "domain-registration-create",
    "domain-registration-list",
    "domain-registration-get",
    "domain-registration-update",
    "domain-registration-get-status",
    "domain-registration-get-update-status",
    "extension-list",
    "extension-get",
}
PRODUCTION_ONLY = {
    "domains-list-domains",
    "domains-get-domain",
    "domains-update-domain",
    "domain-transfer-check",
    "domain-transfer-in",
    "domain-transfer-in-get-status",
}


def examples() -> list[Any]:
    found = []
    for operation in SPEC.operations:
        body = SPEC.resolve(operation.definition.get("requestBody")) or {}
        places = [("request", body, False)] + [
            (status, SPEC.resolve(response), True)
            for status, response in operation.definition.get("responses", {}).items()
        ]
        for where, part, reading in places:
            for media in part.get("content", {}).values():
                for name, example in (media.get("examples") or {}).items():
                    label = f"{operation.operation_id}-{where}-{name}"
                    found.append(pytest.param(media["schema"], example["value"], reading, id=label))
    return found


@pytest.mark.parametrize(("schema", "value", "reading"), examples())
def test_every_example_fits_its_schema(schema: Any, value: Any, reading: bool) -> None:
    assert _errors(schema, value, reading=reading) == []


def test_every_link_names_an_operation() -> None:
    operation_ids = {operation.operation_id for operation in SPEC.operations}
    links = spec.load()["components"]["links"]
    assert {name: link["operationId"] for name, link in links.items()
            if link["operationId"] not in operation_ids} == {}  # fmt: skip


def test_both_environments_have_the_sdks_operations() -> None:
    expected = {f"registrar-{name}" for name in IN_BOTH | PRODUCTION_ONLY}
    expected |= {f"registrar-sandbox-{name}" for name in IN_BOTH}
    assert spec.registrar_operations() == expected


def test_sandbox_operations_live_under_the_sandbox_path() -> None:
    for operation in SPEC.operations:
        sandbox = operation.operation_id.startswith("registrar-sandbox-")
        assert sandbox == operation.template.startswith("/accounts/{account_id}/registrar-sandbox/")
