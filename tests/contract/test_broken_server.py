"""Servers broken on purpose: each break must be caught, which proves the checks can fail."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.types import Scope

from registrar_mock.contract_tests import conformance

from .support import TOKEN, Broken, contract_app

LIST = "registrar-domain-registration-list"
LEGACY_LIST = "registrar-domains-list-domains"
CREATE = "registrar-domain-registration-create"
PATCH = "registrar-domain-registration-update"
STATUS = "registrar-domain-registration-get-status"
CHECK = "registrar-domain-discovery-check"
SEARCH = "registrar-domain-discovery-search"
GET = "registrar-domain-registration-get"
EXTENSIONS = "registrar-extension-list"
EXTENSION = "registrar-extension-get"
TRANSFER_CHECK = "registrar-domain-transfer-check"
TRANSFER_IN = "registrar-domain-transfer-in"
SANDBOX_CREATE = "registrar-sandbox-domain-registration-create"
SANDBOX_EXTENSIONS = "registrar-sandbox-extension-list"


def _path(scope: Scope) -> str:
    return str(scope["path"])


def drop_result_info(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    body.pop("result_info", None)
    return status, body


def completed_while_blocked(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    result = body.get("result")
    if isinstance(result, dict) and "state" in result:
        result.update(state="blocked", completed=True)
    return status, body


def success_on_errors(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if status >= 400:
        body["success"] = True
    return status, body


def small_error_codes(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    for item in body.get("errors", []):
        item["code"] = 42
    return status, body


def result_on_failure(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if status >= 400:
        body["result"] = {"domains": []}
    return status, body


def pricing_when_not_registrable(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    result = body.get("result")
    for item in result.get("domains", []) if isinstance(result, dict) else []:
        if not item["registrable"]:
            item["pricing"] = {"currency": "USD", "registration_cost": "1", "renewal_cost": "1"}
    return status, body


def repeat_first_item(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    result = body.get("result")
    if isinstance(result, list) and result:
        result.append(result[0])
        if isinstance(body.get("result_info"), dict):
            body["result_info"]["count"] = len(result)
    return status, body


def wrong_self_link(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    result = body.get("result")
    if isinstance(result, dict) and isinstance(result.get("links"), dict):
        result["links"]["self"] = result["links"]["self"].replace("/registration-status", "")
    return status, body


def ignore_cursor(scope: Scope) -> Scope:
    query = b"&".join(
        part for part in scope["query_string"].split(b"&") if not part.startswith(b"cursor=")
    )
    return {**scope, "query_string": query}


def let_anyone_in(scope: Scope) -> Scope:
    headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"authorization"]
    headers.append((b"authorization", f"Bearer {TOKEN}".encode()))
    return {**scope, "headers": headers}


def without_header(name: bytes) -> Any:
    def rewrite(scope: Scope) -> Scope:
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != name]
        return {**scope, "headers": headers}

    return rewrite


def pricing_when_not_transferable(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    result = body.get("result")
    for item in (result.get("domains") or {}).values() if isinstance(result, dict) else []:
        if not item["transferable"]:
            item["pricing"] = {"currency": "USD", "renewal_cost": "1", "transfer_cost": "1"}
    return status, body


def forgets_a_domain(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    result = body.get("result")
    domains = result.get("domains") if isinstance(result, dict) else None
    if isinstance(domains, dict) and domains:
        domains.pop(next(iter(domains)))
    return status, body


def production_links_in_the_sandbox(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    result = body.get("result")
    if isinstance(result, dict) and isinstance(result.get("links"), dict):
        links = result["links"]
        links["self"] = links["self"].replace("/registrar-sandbox/", "/registrar/")
    return status, body


def transfer_points_at_registration(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    result = body.get("result")
    if isinstance(result, dict) and isinstance(result.get("links"), dict):
        links = result["links"]
        links["self"] = links["self"].replace("/transfer-in-status", "/registration-status")
    return status, body


def status_forgets(scope: Scope, status: int, body: Any) -> tuple[int, Any]:
    if _path(scope).endswith("/registration-status") and status == 200:
        return 404, {
            "success": False,
            "errors": [{"code": 10000, "message": "Domain not found"}],
            "messages": [],
            "result": None,
        }
    return status, body


CASES = [
    pytest.param(drop_result_info, None, [LIST], "cloudflare_envelope", id="drops-result-info"),
    pytest.param(
        completed_while_blocked, None, [STATUS, CREATE], "workflow_completed_matches_state",
        id="completed-while-blocked",
    ),
    pytest.param(success_on_errors, None, [GET], "cloudflare_envelope", id="success-on-errors"),
    pytest.param(small_error_codes, None, [GET], "cloudflare_error_codes", id="error-code-42"),
    pytest.param(result_on_failure, None, [GET], "cloudflare_envelope", id="result-on-failure"),
    pytest.param(
        pricing_when_not_registrable, None, [CHECK], "pricing_exactly_when_registrable",
        id="pricing-when-not-registrable",
    ),
    pytest.param(repeat_first_item, None, [LEGACY_LIST], "list_pages_never_repeat", id="repeats"),
    pytest.param(None, ignore_cursor, [LIST], "list_pages_never_repeat", id="cursor-ignored"),
    pytest.param(None, let_anyone_in, [SEARCH], "credentials_required", id="no-auth-needed"),
    pytest.param(wrong_self_link, None, [CREATE], "workflow_links_resolve", id="wrong-links-self"),
    pytest.param(status_forgets, None, [CREATE], "workflow_links_resolve", id="status-404"),
    pytest.param(
        None, without_header(b"if-none-match"), [EXTENSIONS, EXTENSION, SANDBOX_EXTENSIONS],
        "etag_revalidates", id="if-none-match-ignored",
    ),
    pytest.param(
        pricing_when_not_transferable, None, [TRANSFER_CHECK],
        "transfer_check_answers_each_domain", id="pricing-when-not-transferable",
    ),
    pytest.param(
        forgets_a_domain, None, [TRANSFER_CHECK], "transfer_check_answers_each_domain",
        id="transfer-check-forgets-a-domain",
    ),
    pytest.param(
        None, without_header(b"prefer"), [CREATE, SANDBOX_CREATE, TRANSFER_IN],
        "prefer_async_honoured", id="prefer-ignored",
    ),
    pytest.param(
        production_links_in_the_sandbox, None, [SANDBOX_CREATE], "workflow_links_resolve",
        id="sandbox-links-to-production",
    ),
    pytest.param(
        transfer_points_at_registration, None, [TRANSFER_IN], "workflow_links_resolve",
        id="transfer-links-to-registration-status",
    ),
]  # fmt: skip


# Unbroken, the same wrapper passes every phase: test_conformance's whole run goes through it.
@pytest.mark.parametrize(("mutate", "rewrite", "operations", "check"), CASES)
def test_a_broken_server_is_caught(
    mutate: Any, rewrite: Any, operations: list[str], check: str
) -> None:
    app = Broken(contract_app(), mutate=mutate, rewrite=rewrite)
    settings = conformance.Settings(max_examples=5, stateful=False)
    schema = conformance.only(conformance.in_process(app, settings), operations)
    report = conformance.run(schema)
    assert not report.ok
    assert check in report.checks_failed(), report.checks_failed()
    assert set(report.operations) == {op.label for op in conformance.operations(schema)}
