"""Cloudflare-specific checks, registered with schemathesis next to its built-in ones.

Each check is a plain function ``(ctx, response, case)`` that raises a typed
:class:`ContractViolation` (a schemathesis ``Failure``), so reports name the rule that
broke. The body rules live in small ``*_problems`` functions that take decoded JSON and
return what is wrong; the checks only adapt them to schemathesis. Other parts of the
kit (the generated-response tests, the CLI) reuse those functions directly.

Some checks send extra requests ("probes"), like schemathesis's own ``ignored_auth``:
``credentials_required`` (replacing ``ignored_auth``; see ``AUTH_PROBES``),
``list_pages_never_repeat`` (which follows the cursor one page on),
``workflow_links_resolve`` (which reads the status a workflow points at) and
``etag_revalidates`` (which asks again with ``If-None-Match``). Probes are
read-only or repeat the request itself with credentials removed, so they change
nothing on the server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeAlias

from registrar_mock.contract_tests.rules import (
    BODILESS_STATUSES,
    availability_problems,
    envelope_problems,
    error_code_problems,
    etag_problems,
    item_key,
    not_modified_problems,
    page_problems,
    transferability_problems,
    workflow_problems,
)
from registrar_mock.extras import requires

with requires("contract", "the contract kit"):
    import schemathesis
    from requests.structures import CaseInsensitiveDict
    from schemathesis.core.failures import Failure, Severity
    from schemathesis.core.result import Ok

AnyCase: TypeAlias = "schemathesis.Case[Any]"
# The one document that is not an API answer and so not in the envelope.
SPEC_PATH = "/openapi.json"

# Missing credentials: Cloudflare answers HTTP 400 with code 9106, never 401, and a
# malformed Authorization header HTTP 400 with code 6003 (6111 in its error_chain).
# Schemathesis's `ignored_auth` only accepts 401 or 403, so it is switched off in
# `conformance.py` and this table takes its place: each probe names the headers sent
# instead of the real credentials and the (status, code) answers that count as refusal.
MISSING_CREDENTIALS = 9106
INVALID_HEADERS = 6003
AUTH_HEADERS = ("authorization", "x-auth-email", "x-auth-key")
AUTH_PROBES: tuple[tuple[str, dict[str, str], frozenset[tuple[int, int | None]]], ...] = (
    (
        "no credentials",
        {},
        frozenset({(400, MISSING_CREDENTIALS), (401, None), (403, None)}),
    ),
    (
        "a malformed Authorization header",
        {"Authorization": "Bearer not a token"},
        frozenset({(400, INVALID_HEADERS), (401, None), (403, None)}),
    ),
)


class ContractViolation(Failure):
    """A response that breaks one of the Registrar API's documented rules."""

    code: ClassVar[str] = "ST901"
    kind_title: ClassVar[str] = "Cloudflare contract violated"

    def __init__(self, *, operation: str, rule: str, message: str) -> None:
        super().__init__(
            operation=operation, title=f"{self.kind_title}: {rule}", message=message,
            severity=Severity.HIGH,
        )  # fmt: skip
        self.rule = rule

    @property
    def _unique_key(self) -> str:
        return self.rule


def _fail(case: AnyCase, rule: str, problems: list[str]) -> None:
    if problems:
        raise ContractViolation(
            operation=case.operation.label, rule=rule, message="\n".join(problems)
        )


def _body(response: schemathesis.Response) -> Any:
    """The response's JSON, parsed once for all the checks (schemathesis keeps it); the
    checks only read it."""
    try:
        return response.json()
    except (ValueError, LookupError):  # not JSON, or not in the charset it names
        return None


def _is_api_call(case: AnyCase) -> bool:
    return bool(case.operation.path != SPEC_PATH)


def _result(response: schemathesis.Response) -> Any:
    body = _body(response)
    return body.get("result") if isinstance(body, dict) else None


# --- the registered checks --------------------------------------------------------


@schemathesis.check
def cloudflare_envelope(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """Every answer is the v4 envelope; `success` matches the status; null `result` on failure.

    A 304 is the exception: HTTP sends it without a body (``etag_revalidates`` checks it).
    """
    if _is_api_call(case) and response.status_code not in BODILESS_STATUSES:
        _fail(case, "v4 envelope", envelope_problems(_body(response), response.status_code))
    return None


@schemathesis.check
def cloudflare_error_codes(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """Error and message codes are integers of at least 1000."""
    if _is_api_call(case):
        _fail(case, "error codes", error_code_problems(_body(response)))
    return None


@schemathesis.check
def workflow_completed_matches_state(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """A workflow status is `completed` exactly in `succeeded` and `failed`."""
    if _is_api_call(case):
        _fail(case, "completed agrees with state", workflow_problems(_result(response)))
    return None


@schemathesis.check
def pricing_exactly_when_registrable(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """Search and check results carry `pricing` exactly when `registrable` is true."""
    if _is_api_call(case):
        _fail(case, "pricing exactly when registrable", availability_problems(_result(response)))
    return None


@schemathesis.check
def transfer_check_answers_each_domain(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """A transfer check answers every domain sent, keyed as sent; `pricing` exactly when
    `transferable`, and at least one reason when not."""
    if not _is_api_call(case) or not case.operation.path.endswith("/domain-transfer-check"):
        return None
    if not 200 <= response.status_code < 300:
        return None
    body: dict[str, Any] = case.body if isinstance(case.body, dict) else {}
    items: Any = body.get("domains")
    sent = [str(item["domain_name"]) for item in (items if isinstance(items, list) else ())
            if isinstance(item, dict) and isinstance(item.get("domain_name"), str)]  # fmt: skip
    problems = transferability_problems(_result(response), sent)
    _fail(case, "transfer check answers each domain", problems)
    return None


@schemathesis.check
def etag_revalidates(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """Where the spec promises an ETag, the answer has one, and asking again with it in
    `If-None-Match` gets `304 Not Modified`: no body, the same ETag."""
    if not _is_api_call(case) or case.method.upper() != "GET":
        return None
    status = response.status_code
    if status == 304 or (200 <= status < 300 and _documents_header(case, status, "etag")):
        etag = _header(response, "etag")
        problems = etag_problems(etag) + not_modified_problems(status, response.content, etag)
        if not problems and status != 304 and etag is not None:
            kept = {k: v for k, v in case.headers.items() if k.lower() != "if-none-match"}
            probe = case.derive(
                headers=CaseInsensitiveDict({**kept, "If-None-Match": etag}), keep_auth=True
            )
            answer = _send(ctx, case, probe)
            again = _header(answer, "etag")
            if answer.status_code != 304:
                problems.append(f"If-None-Match: {etag} answered HTTP {answer.status_code}")
            else:
                problems += not_modified_problems(304, answer.content, again)
                if again is not None and again != etag:
                    problems.append(f"the 304 has ETag {again!r}, not {etag!r}")
        _fail(case, "ETag revalidates", problems)
    return None


@schemathesis.check
def prefer_async_honoured(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """`Prefer: respond-async` on an operation that starts a workflow gets `202` and
    `Preference-Applied: respond-async` (RFC 7240), never a held request's 200/201."""
    if not _is_api_call(case) or not 200 <= response.status_code < 300:
        return None
    if not _documents_header(case, 202, "preference-applied"):
        return None
    if "respond-async" not in _preferences(case.headers or {}):
        return None
    problems = []
    if response.status_code != 202:
        problems.append(f"Prefer: respond-async answered HTTP {response.status_code}")
    applied = _header(response, "preference-applied")
    if applied is None or "respond-async" not in _preference_tokens(applied):
        problems.append(f"Preference-Applied is {applied!r}, not respond-async")
    _fail(case, "Prefer: respond-async is honoured", problems)
    return None


def _preferences(headers: Mapping[str, Any]) -> set[str]:
    values = [str(v) for k, v in headers.items() if k.lower() == "prefer"]
    return {token for value in values for token in _preference_tokens(value)}


def _preference_tokens(value: str) -> set[str]:
    """The preference names in a Prefer (or Preference-Applied) value, RFC 7240 section 2:
    comma-separated, each perhaps with ``=value`` and ``;parameters``."""
    return {
        part.split(";", 1)[0].split("=", 1)[0].strip().lower()
        for part in value.split(",")
        if part.strip()
    }


def _header(response: schemathesis.Response, name: str) -> str | None:
    for key, value in response.headers.items():
        if key.lower() == name:
            first = value[0] if isinstance(value, list) and value else value
            return str(first) if first is not None else None
    return None


def _documents_header(case: AnyCase, status: int, name: str) -> bool:
    """Whether the spec declares header ``name`` on this operation's ``status`` answer."""
    document = case.operation.schema.raw_schema
    responses = case.operation.definition.raw.get("responses", {})
    declared = _deref(document, responses.get(str(status), {})).get("headers", {})
    return any(key.lower() == name for key in declared)


@schemathesis.check
def list_pages_never_repeat(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """No item appears twice on a page, nor on this page and the one its cursor leads to."""
    body = _body(response)
    if not _is_api_call(case) or not isinstance(body, dict):
        return None
    problems = page_problems(body)
    info = body.get("result_info")
    cursor = info.get("cursor") if isinstance(info, dict) else None
    if not problems and case.method.upper() == "GET" and isinstance(cursor, str) and cursor:
        probe = case.derive(query={**case.query, "cursor": cursor}, keep_auth=True)
        following = _body(_send(ctx, case, probe))
        if isinstance(following, dict) and isinstance(following.get("result"), list):
            here = {item_key(item) for item in body["result"]} - {None}
            keys = [key for key in map(item_key, following["result"]) if key is not None]
            again = sorted(key for key in keys if key in here)
            problems += [f"{key} is on this page and on the next" for key in again]
            problems += [f"next page: {problem}" for problem in page_problems(following)]
        else:
            problems.append(f"the cursor {cursor!r} does not lead to a page")
    _fail(case, "list pages never repeat an item", problems)
    return None


@schemathesis.check
def credentials_required(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """A request that succeeded is refused, Cloudflare's way, without valid credentials."""
    if not _is_api_call(case) or not 200 <= response.status_code < 300:
        return None
    enforced = ctx.auth_enforced_operations
    if enforced is not None and case.operation.label in enforced:
        return None
    problems = []
    for what, headers, refusals in AUTH_PROBES:
        kept = {k: v for k, v in case.headers.items() if k.lower() not in AUTH_HEADERS}
        probe = case.derive(headers=CaseInsensitiveDict({**kept, **headers}))
        answer = _send(ctx, case, probe)
        codes = {item.get("code") for item in _errors(_body(answer))}
        if not any(answer.status_code == s and (c is None or c in codes) for s, c in refusals):
            expected = ", ".join(f"{s}" + (f" with code {c}" if c else "") for s, c in refusals)
            got = f"HTTP {answer.status_code} {sorted(map(str, codes))}"
            problems.append(f"with {what}: {got}; expected {expected}")
    _fail(case, "credentials are required", problems)
    if enforced is not None:
        enforced.add(case.operation.label)
    return None


# Which status resource a workflow answer must point at, by the operation that answered
# (its path after /accounts/{account_id}/<environment>), in production and the sandbox.
ENVIRONMENTS = ("registrar", "registrar-sandbox")
STATUS_KIND = {
    ("POST", "/registrations"): "registration-status",
    ("PATCH", "/registrations/{domain_name}"): "update-status",
    ("GET", "/registrations/{domain_name}/registration-status"): "registration-status",
    ("GET", "/registrations/{domain_name}/update-status"): "update-status",
    ("POST", "/registrations/{domain_name}/transfer-in"): "transfer-in-status",
    ("GET", "/registrations/{domain_name}/transfer-in-status"): "transfer-in-status",
}


def status_kind(method: str, path: str) -> tuple[str, str] | None:
    """(environment, status resource) for an operation that answers with a workflow."""
    prefix, _, rest = path.partition("/accounts/{account_id}/")
    environment, _, tail = rest.partition("/")
    if prefix or environment not in ENVIRONMENTS:
        return None
    kind = STATUS_KIND.get((method.upper(), f"/{tail}"))
    return (environment, kind) if kind is not None else None


@schemathesis.check
def workflow_links_resolve(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """`links.self` names this workflow's status resource, `Location` repeats it, and it answers."""
    found = status_kind(case.method, case.operation.path)
    result = _result(response)
    if found is None or not 200 <= response.status_code < 300 or not isinstance(result, dict):
        return None
    environment, kind = found
    links: dict[str, Any] = result["links"] if isinstance(result.get("links"), dict) else {}
    context: dict[str, Any] = result["context"] if isinstance(result.get("context"), dict) else {}
    domain = context.get("domain_name")
    self_link = links.get("self")
    account = case.path_parameters.get("account_id")
    expected = f"/accounts/{account}/{environment}/registrations/{domain}/{kind}"
    problems = []
    if self_link != expected:
        problems.append(f"links.self is {self_link!r}, expected {expected!r}")
    resource = links.get("resource")
    if resource is not None and resource != expected.rsplit("/", 1)[0]:
        problems.append(f"links.resource is {resource!r}, expected {expected.rsplit('/', 1)[0]!r}")
    raw_location: Any = response.headers.get("location") or response.headers.get("Location")
    location = raw_location[0] if isinstance(raw_location, list) and raw_location else raw_location
    if response.status_code == 202 and location != self_link:
        problems.append(f"Location is {location!r} but links.self is {self_link!r}")
    if not problems and case.method.upper() != "GET":
        operation = case.operation.schema.find_operation_by_label(
            f"GET /accounts/{{account_id}}/{environment}/registrations/{{domain_name}}/{kind}"
        )
        if operation is not None:
            auth = {k: v for k, v in case.headers.items() if k.lower() in AUTH_HEADERS}
            probe = operation.Case(
                path_parameters={"account_id": account, "domain_name": domain}, headers=auth
            )
            answer = _send(ctx, case, probe)
            followed = _result(answer)
            if answer.status_code != 200 or not isinstance(followed, dict):
                problems.append(f"GET links.self answered HTTP {answer.status_code}")
            elif (followed.get("context") or {}).get("domain_name") != domain:
                problems.append("GET links.self answered for another domain")
    _fail(case, "workflow links resolve", problems)
    return None


@schemathesis.check
def linked_resources_exist(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: AnyCase
) -> bool | None:
    """A GET reached through a link from a success finds the domain (or the extension)
    that success named.

    Reaching `/registrations/{domain_name}` (or a status of it) from an answer that
    named the domain, and finding nothing, means the link is broken: the answer
    pointed at a resource that isn't there. The same goes for an extension reached from
    a page of the catalogue. A failed workflow is the exception: its registration is
    gone by design.
    """
    if case.method.upper() != "GET" or not _names_missing_domain(response):
        return None
    parameters = case.path_parameters or {}
    key = "domain_name" if "domain_name" in parameters else "extension"
    domain = parameters.get(key)
    parent = ctx.internals.find_parent(case_id=case.id)
    if parent is None or not isinstance(domain, str):
        return None
    if _linked_value(ctx, case, key) != domain:
        return None  # the link left this parameter as generated: it named nothing
    parent_response = ctx.internals.find_response(case_id=parent.id)
    if parent_response is None or not 200 <= parent_response.status_code < 300:
        return None
    parent_result = _result(parent_response)
    if isinstance(parent_result, dict) and parent_result.get("state") == "failed":
        return None
    if not _came_by_declared_link(ctx, case) or not _links_to(
        parent, parent_response.status_code, case
    ):
        return None
    if domain not in parent_response.content.decode("utf-8", "replace"):
        return None
    _fail(
        case,
        "links lead somewhere",
        [
            f"{parent.operation.label} answered {parent_response.status_code} naming {domain}, "
            f"but {case.operation.label} answers {response.status_code} for it"
        ],
    )
    return None


def _came_by_declared_link(ctx: schemathesis.CheckContext, case: AnyCase) -> bool:
    """Whether the case followed a link the spec declares (not one schemathesis inferred),
    and took its values from the answer (a link whose expression found nothing, such as
    the first item of an empty page, leaves the generated values in place)."""
    recorder = ctx.internals.recorder
    node = recorder.cases.get(case.id) if recorder is not None else None
    transition = getattr(node, "transition", None)
    applied = bool(getattr(node, "is_transition_applied", False))
    return transition is not None and not transition.is_inferred and applied


def _linked_value(ctx: schemathesis.CheckContext, case: AnyCase, name: str) -> Any:
    """The value the followed link took from its answer for path parameter ``name``, or
    None. A link may fill some parameters (the account, from the request) and leave
    others as generated, which schemathesis does on purpose to widen its coverage."""
    recorder = ctx.internals.recorder
    node = recorder.cases.get(case.id) if recorder is not None else None
    transition = getattr(node, "transition", None)
    if transition is None:
        return None
    extracted = (transition.parameters or {}).get("path_parameters", {}).get(name)
    value = getattr(extracted, "value", None)
    return value.ok() if isinstance(value, Ok) else None


def _links_to(parent: AnyCase, status: int, case: AnyCase) -> bool:
    """Whether the spec declares a link from the parent's answer to the case's operation."""
    document = parent.operation.schema.raw_schema
    responses = parent.operation.definition.raw.get("responses", {})
    links = _deref(document, _deref(document, responses.get(str(status), {})).get("links", {}))
    target = case.operation.schema.get_operation_id(case.operation)
    return any(_deref(document, link).get("operationId") == target for link in links.values())


def _deref(document: Mapping[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node if isinstance(node, dict) else {}


def _names_missing_domain(response: schemathesis.Response) -> bool:
    """A 404, or a 400 blaming the domain name: the server could not find or read it."""
    if response.status_code == 404:
        return True
    pointers = {(item.get("source") or {}).get("pointer") for item in _errors(_body(response))}
    return response.status_code == 400 and "/domain_name" in pointers


def _errors(body: Any) -> list[dict[str, Any]]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return [item for item in errors or () if isinstance(item, dict)]


def _send(ctx: schemathesis.CheckContext, case: AnyCase, probe: AnyCase) -> schemathesis.Response:
    """Send a probe the way the run sends its cases (in-process app or a base URL)."""
    kwargs = dict(ctx.internals.transport_kwargs or {})
    if case.operation.app is not None:
        kwargs.setdefault("app", case.operation.app)
    ctx.internals.record_case(parent_id=case.id, case=probe)
    answer: schemathesis.Response = case.operation.schema.transport.send(probe, **kwargs)
    ctx.internals.record_response(case_id=probe.id, response=answer)
    return answer


CUSTOM_CHECKS = (
    cloudflare_envelope,
    cloudflare_error_codes,
    workflow_completed_matches_state,
    pricing_exactly_when_registrable,
    transfer_check_answers_each_domain,
    list_pages_never_repeat,
    etag_revalidates,
    prefer_async_honoured,
    workflow_links_resolve,
    linked_resources_exist,
    credentials_required,
)
