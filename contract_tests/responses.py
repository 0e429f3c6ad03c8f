"""Hypothesis strategies for the responses the spec allows, built from the spec's own schemas.

``bodies(schema)`` draws JSON values that validate against an OpenAPI 3.0 schema
(the subset this project's spec uses). Optional properties are sometimes left out,
arrays are often empty, and objects sometimes carry properties nobody has heard of
yet, because a client must cope with all three. ``documented_responses(spec)`` lists
every (operation, status) pair the spec documents, with the schema of its body.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from registrar_mock.extras import requires

with requires("contract", "the contract kit"):
    from hypothesis import strategies as st

from registrar_mock.contract_tests.validating import Spec

JSON = Any
EXTRA_KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=3, max_size=12).map(
    lambda key: f"x_{key}"
)
SCALARS = st.none() | st.booleans() | st.integers(-1000, 10**6) | st.text(max_size=12)
# What stands for a wildcard status such as 4XX.
WILDCARD_STATUS = {"4XX": 422, "5XX": 503}


@dataclass(frozen=True, slots=True)
class DocumentedResponse:
    operation_id: str
    status: int
    schema: Mapping[str, Any]
    headers: Mapping[str, Any]

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.status}"


def documented_responses(spec: Spec | None = None) -> Iterator[DocumentedResponse]:
    spec = spec or Spec()
    for operation in spec.operations:
        if operation.template == "/openapi.json":
            continue
        for status, response in operation.definition.get("responses", {}).items():
            resolved = spec.resolve(response)
            content = resolved.get("content", {}).get("application/json")
            if content is None:
                continue
            code = WILDCARD_STATUS.get(status) or int(status)
            yield DocumentedResponse(
                operation.operation_id, code, content["schema"], resolved.get("headers", {})
            )


def bodies(schema: Mapping[str, Any], *, extras: bool = True) -> st.SearchStrategy[JSON]:
    """Values ``schema`` admits; with ``extras``, objects may gain unknown properties."""
    return _build(dict(schema), extras)


def _merge(parts: list[Mapping[str, Any]]) -> dict[str, Any]:
    """``allOf`` as one schema: properties and required lists add up, and later parts
    refine the rest (an envelope and its result; a shared string type and a description)."""
    merged: dict[str, Any] = {}
    for part in parts:
        if "allOf" in part:
            part = {**_merge(part["allOf"]), **{k: v for k, v in part.items() if k != "allOf"}}
        for key, value in part.items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = sorted(set(merged.get("required", [])) | set(value))
            else:
                merged[key] = value
    return merged


def _build(schema: dict[str, Any], extras: bool) -> st.SearchStrategy[JSON]:
    if "allOf" in schema:
        return _build(_merge(schema["allOf"]), extras)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    strategy = _typed(schema, extras)
    if schema.get("nullable"):
        strategy = st.none() | strategy
    return strategy


def _typed(schema: dict[str, Any], extras: bool) -> st.SearchStrategy[JSON]:
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([_build(dict(option), extras) for option in schema[key]])
    kind = schema.get("type")
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31))
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        items = _build(dict(schema.get("items", {})), extras)
        return st.lists(
            items, min_size=schema.get("minItems", 0), max_size=schema.get("maxItems", 4)
        )
    if kind == "object" or "properties" in schema:
        return _object(schema, extras)
    return SCALARS


def _string(schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    if schema.get("format") == "date-time":
        moments = st.datetimes(
            min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
        )
        return moments.map(lambda moment: moment.isoformat().replace("+00:00", "Z"))
    if schema.get("format") == "email":
        return st.emails()
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True).filter(
            lambda text: len(text) <= schema.get("maxLength", 10**6)
        )
    return st.text(
        min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 20), 20)
    )


def _object(schema: Mapping[str, Any], extras: bool) -> st.SearchStrategy[dict[str, JSON]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    fields = {name: _build(dict(sub), extras) for name, sub in properties.items()}
    optional = [name for name in fields if name not in required]
    additional = schema.get("additionalProperties", True)
    open_ended = additional is not False
    # A map such as transfer-check's answers, keyed by name: its members follow a schema.
    members = _build(dict(additional), extras) if isinstance(additional, dict) else SCALARS
    keys = EXTRA_KEYS if not isinstance(additional, dict) else st.text(min_size=1, max_size=12)

    present = st.fixed_dictionaries(
        {name: fields[name] for name in fields if name in required},
        optional={name: fields[name] for name in optional},
    )
    if not (open_ended and (extras or isinstance(additional, dict))):
        return present
    # Unknown keys never take a known property's name, even one left out.
    unknown = st.none() | st.dictionaries(keys.filter(lambda key: key not in fields), members,
                                          max_size=2)  # fmt: skip
    return st.tuples(present, unknown).map(lambda drawn: {**drawn[0], **(drawn[1] or {})})
