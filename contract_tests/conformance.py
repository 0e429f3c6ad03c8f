"""Server conformance: the project's spec, schemathesis, our checks, and a runner.

``in_process(app)`` loads the spec the app serves at ``/client/v4/openapi.json``;
``against(base_url)`` loads the spec bundled with the package (``registrar_mock.spec``),
or another file or URL, and aims it at ``base_url``, so the server need not serve a
spec at all (Cloudflare's API serves none there). Both give a schemathesis schema
configured the same way: credentials, the account under test, every default check plus
ours (``checks.py``), positive and negative data, and a fixed seed. ``run(schema)``
drives schemathesis's engine through all its phases (examples, coverage, fuzzing,
stateful links) and folds what happened into a :class:`Report` per operation. The
pytest tests and the ``registrar-mock contract`` command both go through here.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from registrar_mock import spec as project_spec
from registrar_mock.extras import requires

with requires("contract", "the contract kit"):
    import schemathesis
    from schemathesis.core.result import Ok
    from schemathesis.engine import Status, events, from_schema
    from schemathesis.specs.openapi.schemas import OpenApiSchema

from registrar_mock.contract_tests import checks

SPEC_PATH = "/client/v4/openapi.json"
from registrar_mock.contract_tests.defaults import (  # noqa: E402 - re-exported for the kit's users
    CI_MAX_EXAMPLES,
    DEEP_ENV,
    DEEP_MAX_EXAMPLES,
    DEFAULT_ACCOUNT,
    DEFAULT_SEED,
    DEFAULT_TOKEN,
)

# What `--read-only` keeps: requests that change nothing. domain-check and
# domain-transfer-check are POSTs only to carry their lists of names. Sandbox writes are
# left out too: its purchases persist, and take the name from every other sandbox user.
_READ_IN_BOTH = (
    "domain-discovery-search",
    "domain-discovery-check",
    "domain-registration-list",
    "domain-registration-get",
    "domain-registration-get-status",
    "domain-registration-get-update-status",
    "extension-list",
    "extension-get",
)
READ_ONLY_OPERATIONS = frozenset(
    {
        *(f"registrar-{name}" for name in _READ_IN_BOTH),
        *(f"registrar-sandbox-{name}" for name in _READ_IN_BOTH),
        "registrar-domains-list-domains",
        "registrar-domains-get-domain",
        "registrar-domain-transfer-check",
        "registrar-domain-transfer-in-get-status",
    }
)

# Schema-valid requests the API may still refuse with HTTP 400, because the rule is about
# the world, not the request's shape. For these operations `positive_data_acceptance`
# also accepts 400; every other operation must accept any schema-valid request.
BUSINESS_RULE_REJECTIONS: dict[str, str] = {
    # A cursor is opaque: only values the server issued are valid, and no schema can
    # list them, so a generated one gets "Invalid pagination cursor" (as on Cloudflare).
    "registrar-domain-registration-list": "cursor not issued by the server",
    # Whether a name can be registered (taken, premium, unsupported extension, the
    # 100-domain limit) depends on the registry and the account, not on the body.
    "registrar-domain-registration-create": "domain not registrable",
    # A well-formed list can hold no checkable name at all (e.g. only subdomains);
    # the docs answer that with 400 code 1008.
    "registrar-domain-discovery-check": "no checkable name in the list",
    # Whether q is only an extension ("com", ".app"), which the docs refuse with 1003,
    # depends on the catalogue, which no pattern in the spec can list.
    "registrar-domain-discovery-search": "q is a bare extension",
    # Whether a domain can move here (registered elsewhere, unlocked, out of its transfer
    # window, a zone in the account, ...) depends on the world; the default has no
    # domain a transfer could take, so nearly every well-formed request is refused.
    "registrar-domain-transfer-in": "domain not transferable",
    # Cursors are opaque here too.
    "registrar-extension-list": "cursor not issued by the server",
    # The sandbox's operations, for the same reasons; a name another sandbox user bought
    # is taken for everyone.
    "registrar-sandbox-domain-registration-list": "cursor not issued by the server",
    "registrar-sandbox-domain-registration-create": "domain not registrable",
    "registrar-sandbox-domain-discovery-check": "no checkable name in the list",
    "registrar-sandbox-domain-discovery-search": "q is a bare extension",
    "registrar-sandbox-extension-list": "cursor not issued by the server",
}


@dataclass(frozen=True, slots=True)
class Credentials:
    """An API token, or the legacy email and Global API key pair."""

    token: str | None = None
    email: str | None = None
    key: str | None = None

    def __post_init__(self) -> None:
        if (self.token is None) == (self.email is None or self.key is None):
            raise ValueError("give a token, or an email and a key")

    def config(self) -> dict[str, Any]:
        if self.token is not None:
            return {"api_token": {"bearer": self.token}}
        return {"api_email": {"api_key": self.email or ""}, "api_key": {"api_key": self.key or ""}}

    def headers(self) -> dict[str, str]:
        if self.token is not None:
            return {"Authorization": f"Bearer {self.token}"}
        return {"X-Auth-Email": self.email or "", "X-Auth-Key": self.key or ""}


@dataclass(frozen=True, slots=True)
class Settings:
    credentials: Credentials = field(default_factory=lambda: Credentials(token=DEFAULT_TOKEN))
    account_id: str = DEFAULT_ACCOUNT
    max_examples: int | None = None  # None: CI_MAX_EXAMPLES, or DEEP_MAX_EXAMPLES when deep
    read_only: bool = False
    seed: int = DEFAULT_SEED
    stateful: bool = True
    mode: str = "all"  # "positive", "negative" or "all" (schemathesis's generation modes)
    # Fixed parameters per operationId, e.g. {"registrar-domain-transfer-in":
    # {"domain_name": "example.com"}}: to aim an operation at a name the world can use.
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def examples(self) -> int:
        if self.max_examples is not None:
            return self.max_examples
        return DEEP_MAX_EXAMPLES if deep() else CI_MAX_EXAMPLES


def deep() -> bool:
    """Whether this is the deeper pass of `make contract`."""
    return os.environ.get(DEEP_ENV, "") not in ("", "0")


def config(settings: Settings) -> schemathesis.Config:
    checks_config: dict[str, Any] = {
        # Replaced by `checks.credentials_required`: Cloudflare refuses missing
        # credentials with HTTP 400 code 9106, where `ignored_auth` insists on 401/403.
        "ignored_auth": {"enabled": False},
    }
    operations: list[dict[str, Any]] = [
        {
            "include-operation-id": operation_id,
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]
                }
            },
        }
        for operation_id in BUSINESS_RULE_REJECTIONS
    ]
    operations += [
        {"include-operation-id": operation_id, "parameters": dict(fixed)}
        for operation_id, fixed in settings.parameters.items()
    ]
    phases: dict[str, Any] = {"stateful": {"enabled": settings.stateful}}
    if settings.read_only:
        # The coverage phase also tries methods the spec doesn't list; off a read-only run.
        phases["coverage"] = {"unexpected-methods": []}
    return schemathesis.Config.from_dict(
        {
            "seed": settings.seed,
            "generation": {
                "max-examples": settings.examples,
                "mode": settings.mode,
                "deterministic": True,
            },
            "checks": checks_config,
            "phases": phases,
            "operations": operations,
            "parameters": {"account_id": settings.account_id},
            "auth": {"openapi": settings.credentials.config()},
        }
    )


def in_process(app: Any, settings: Settings | None = None) -> OpenApiSchema:
    """The schema of an ASGI app (the mock, or a wrapper round it), tested without a socket."""
    settings = settings or Settings()
    schema = schemathesis.openapi.from_asgi(SPEC_PATH, app, config=config(settings))
    return _select(schema, settings)


def against(
    base_url: str, settings: Settings | None = None, *, spec: str | Path | None = None
) -> OpenApiSchema:
    """The schema for a running server at ``base_url`` (ending in ``/client/v4``).

    ``spec`` is the document to test against: ``None`` for the one bundled with the
    package, else a file's path or an ``http(s)://`` URL. Nothing is fetched from the
    server itself; every request goes to ``base_url``, whatever the spec's ``servers``.
    """
    settings = settings or Settings()
    base = base_url.rstrip("/")
    schema = load_spec(spec, config(settings))
    schema.config.update(base_url=base)
    return _select(schema, settings)


def load_spec(spec: str | Path | None, configured: schemathesis.Config) -> OpenApiSchema:
    """The bundled spec (``None``), a file, or a URL, as a schemathesis schema."""
    if spec is None:
        # A copy: the loaded document is shared with the validating transport.
        return schemathesis.openapi.from_dict(copy.deepcopy(project_spec.load()), config=configured)
    if isinstance(spec, str) and spec.startswith(("http://", "https://")):
        return schemathesis.openapi.from_url(spec, config=configured)
    path = Path(spec)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    return schemathesis.openapi.from_path(path, config=configured)


def describe_spec(spec: str | Path | None) -> str:
    """Where ``load_spec`` takes the spec from, for a person."""
    if spec is None:
        info = project_spec.load().get("info", {})
        return f"the bundled spec (registrar_mock/spec/openapi.yaml, version {info.get('version')})"
    return str(spec)


def _select(schema: OpenApiSchema, settings: Settings) -> OpenApiSchema:
    # The spec document is not part of the Registrar API; the test above it covers it.
    schema = cast(OpenApiSchema, schema.exclude(operation_id="openapi-document"))
    if settings.read_only:
        schema = only(schema, READ_ONLY_OPERATIONS)
    return schema


def only(schema: OpenApiSchema, operation_ids: Iterable[str]) -> OpenApiSchema:
    """The schema narrowed to these operations.

    Written as an exclude on purpose: the per-operation `[[operations]]` config adds an
    include filter that admits every operation, and schemathesis ORs include filters,
    so `schema.include(...)` would narrow nothing.
    """
    wanted = frozenset(operation_ids)

    def elsewhere(ctx: Any) -> bool:
        return ctx.operation.schema.get_operation_id(ctx.operation) not in wanted

    return cast(OpenApiSchema, schema.exclude(elsewhere))


# --- running ----------------------------------------------------------------------


@dataclass(slots=True)
class Finding:
    operation: str
    check: str
    title: str
    message: str
    reproduce: str = ""

    def __str__(self) -> str:
        text = f"[{self.check}] {self.operation}: {self.title}\n{self.message}"
        return f"{text}\n  {self.reproduce}" if self.reproduce else text


@dataclass(slots=True)
class OperationResult:
    label: str
    cases: int = 0
    failures: int = 0
    errors: int = 0

    @property
    def status(self) -> str:
        if self.errors:
            return "ERROR"
        if self.failures:
            return "FAILED"
        return "passed" if self.cases else "not run"


@dataclass(slots=True)
class Report:
    operations: dict[str, OperationResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (
            not self.findings
            and not self.errors
            and any(op.cases for op in self.operations.values())
        )

    def operation(self, label: str) -> OperationResult:
        return self.operations.setdefault(label, OperationResult(label))

    def checks_failed(self) -> set[str]:
        return {finding.check for finding in self.findings}

    def table(self) -> str:
        rows = [("operation", "cases", "failures", "result")]
        rows += [
            (op.label, str(op.cases), str(op.failures + op.errors), op.status)
            for op in sorted(self.operations.values(), key=lambda op: op.label)
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))
        return "\n".join(lines)


Progress = Callable[[str], None]


def run(schema: OpenApiSchema, progress: Progress | None = None) -> Report:
    """Run every phase against the schema's server; report per operation."""
    report = Report()
    for label in _labels(schema):
        report.operation(label)
    seen: set[tuple[str, str, str]] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.PhaseStarted) and progress is not None:
            progress(f"phase {event.phase.name.value} ...")
        elif isinstance(event, events.ScenarioFinished):
            _record_scenario(report, event, seen, progress)
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.format()}")
            if event.label in report.operations:
                report.operation(event.label).errors += 1
        elif isinstance(event, events.FatalError):
            report.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            report.seconds = event.running_time
            for failure in event.failures:
                report.findings.append(
                    Finding("(run)", "after_run", failure.title, failure.message)
                )
    return report


def operations(schema: OpenApiSchema) -> Iterable[schemathesis.APIOperation[Any, Any, Any, Any]]:
    """The operations a run of ``schema`` tests, after its include and exclude filters."""
    for result in schema.get_all_operations():
        if isinstance(result, Ok) and schema.filter_set.applies_to(result.ok()):
            yield result.ok()


def _labels(schema: OpenApiSchema) -> Iterable[str]:
    return [operation.label for operation in operations(schema)]


def _record_scenario(
    report: Report,
    event: events.ScenarioFinished,
    seen: set[tuple[str, str, str]],
    progress: Progress | None,
) -> None:
    recorder = event.recorder
    for case_node in recorder.cases.values():
        label = case_node.value.operation.label
        if label in report.operations:  # checks' own probes may reach other operations
            report.operations[label].cases += 1
    for nodes in recorder.checks.values():
        for node in nodes:
            if node.status is not Status.FAILURE or node.failure_info is None:
                continue
            failure = node.failure_info.failure
            operation = failure.operation or recorder.label
            key = (operation, node.name, failure.title)
            if key in seen:
                continue
            seen.add(key)
            report.operation(operation).failures += 1
            finding = Finding(
                operation, node.name, failure.title, failure.message, node.failure_info.code_sample
            )
            report.findings.append(finding)
            if progress is not None:
                progress(f"FAILED {finding.operation} [{finding.check}] {finding.title}")
    if progress is not None and event.label and event.status is not Status.SKIP:
        progress(f"  {event.phase.value:<10} {event.label}: {event.status.value}")


def custom_checks() -> tuple[schemathesis.CheckFunction, ...]:
    """Our checks, for ``case.call_and_validate(additional_checks=...)`` if not registered."""
    return checks.CUSTOM_CHECKS
