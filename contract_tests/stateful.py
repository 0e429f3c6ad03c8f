"""Stateful testing through the spec's OpenAPI links, with a trace of what was followed.

``traced(schema)`` returns schemathesis's state machine for the schema, subclassed to
record every step: which link led to it and what the server answered. Tests use the
trace to prove the machine really walked the documented sequences, such as
create → registration-status → get → patch → update-status, their sandbox twins, and
transfer-in → transfer-in-status → get when the world has a domain to transfer.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from registrar_mock.extras import requires

with requires("contract", "the contract kit"):
    from schemathesis import Case, CheckFunction, Response
    from schemathesis.generation.stateful.state_machine import (
        APIStateMachine,
        StepInput,
        StepOutput,
    )
    from schemathesis.python import asgi
    from schemathesis.specs.openapi.schemas import OpenApiSchema


@dataclass(frozen=True, slots=True)
class Step:
    operation_id: str
    link: str | None  # the link that led here; None for a first step
    status: int
    case_id: str = ""
    parent_id: str | None = None  # the step whose answer the link read
    # As sent. A link may fill some parameters and leave others as generated.
    path_parameters: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Trace:
    """Every scenario the state machine ran, as its steps in order."""

    scenarios: list[list[Step]] = field(default_factory=list)

    def links_followed(self, *, ok_only: bool = True) -> set[str]:
        return {
            step.link
            for scenario in self.scenarios
            for step in scenario
            if step.link is not None and (200 <= step.status < 300 or not ok_only)
        }

    def walked(self, *operation_ids: str) -> bool:
        """Whether some scenario went through these operations in turn, each reached by a
        link from the one before, each answering 2xx."""
        for scenario in self.scenarios:
            by_id = {step.case_id: step for step in scenario}
            for step in scenario:
                chain = [step]
                while chain[0].parent_id in by_id and chain[0].link is not None:
                    chain.insert(0, by_id[str(chain[0].parent_id)])
                ids = [s.operation_id for s in chain if 200 <= s.status < 300]
                if len(ids) == len(chain) and _contains_run(ids, operation_ids):
                    return True
        return False


def _session(schema: OpenApiSchema) -> asgi.ASGIClient | None:
    """One client for a whole run against an in-process app. Without it schemathesis makes
    a requests session for every call, and each reads the whole process environment for
    proxies: about a tenth of a run went there. The app is never behind a proxy."""
    app = getattr(schema, "app", None)
    if app is None or not callable(app):
        return None
    client = asgi.get_client(app)
    client.trust_env = False
    client.__enter__()  # starts the app's lifespan once, as each call's own client would
    weakref.finalize(client, client.close)
    return client


def _contains_run(ids: list[str], wanted: tuple[str, ...]) -> bool:
    return any(tuple(ids[i : i + len(wanted)]) == wanted for i in range(len(ids)))


def link_name(transition_id: str) -> str:
    """``"GET /a -> [200] GetThing -> GET /a/{id}"`` is the link ``GetThing``."""
    parts = transition_id.split(" -> ")
    return parts[1].split("] ", 1)[-1] if len(parts) == 3 else transition_id


def traced(
    schema: OpenApiSchema,
    account_id: str | None = None,
    exclude: Sequence[CheckFunction] = (),
    reset: Callable[[], object] | None = None,
    path_parameters: Mapping[str, Mapping[str, str]] | None = None,
    body_fields: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[type[APIStateMachine], Trace]:
    """The state machine, tracing each scenario; every request goes to ``account_id`` if given.

    (schemathesis's engine applies the config's fixed ``parameters`` itself; a bare
    state machine does not, so the account is set here.) ``exclude`` leaves checks out,
    to show what the rest catch on their own. ``reset`` is called before each scenario:
    hypothesis replays scenarios while shrinking, and they must meet the same server state.
    ``path_parameters`` and ``body_fields`` fix values per operationId, in the cases that
    didn't come by a link: they aim, say, transfer-in at a domain the world lets move,
    with its auth code, which generated values never are.
    """
    fixed = {key: dict(value) for key, value in (path_parameters or {}).items()}
    fields = {key: dict(value) for key, value in (body_fields or {}).items()}
    trace = Trace()
    base = schema.as_state_machine()
    session = _session(schema)

    class TracedStateMachine(base):  # type: ignore[valid-type,misc]
        generated = True  # whether this step's case was generated, not reached by a link

        def setup(self) -> None:
            super().setup()
            if reset is not None:
                reset()
            trace.scenarios.append([])

        def get_call_kwargs(self, case: Case[Any]) -> dict[str, Any]:
            kwargs: dict[str, Any] = super().get_call_kwargs(case)
            if session is not None:
                kwargs.setdefault("session", session)
            return kwargs

        def before_call(self, case: Case[Any]) -> None:
            super().before_call(case)
            if account_id is not None and "account_id" in case.path_parameters:
                case.path_parameters["account_id"] = account_id
            operation_id = schema.get_operation_id(case.operation)
            if self.generated and operation_id in fixed:
                case.path_parameters.update(fixed[operation_id])
            if self.generated and operation_id in fields and isinstance(case.body, dict):
                # A new dict: the drawn one may be hypothesis's own, kept for replays.
                case.body = {**case.body, **fields[operation_id]}

        def validate_response(
            self,
            response: Response,
            case: Case[Any],
            additional_checks: list[CheckFunction] | None = None,
            **kwargs: Any,
        ) -> None:
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=list(exclude),
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
            )

        def step(self, input: StepInput) -> StepOutput:
            self.generated = input.transition is None or not input.is_applied
            output: StepOutput = super().step(input)
            transition = input.transition
            link = link_name(transition.id) if transition is not None and input.is_applied else None
            operation_id = (
                schema.get_operation_id(input.case.operation) or input.case.operation.label
            )
            parent = transition.parent_id if transition is not None else None
            sent = {k: str(v) for k, v in (input.case.path_parameters or {}).items()}
            trace.scenarios[-1].append(
                Step(operation_id, link, output.response.status_code, input.case.id, parent, sent)
            )
            return output

    return TracedStateMachine, trace
