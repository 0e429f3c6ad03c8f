"""Checking requests (and answers) against the Registrar spec.

:class:`Spec` indexes the spec's operations by method and path; :class:`RequestValidator`
checks one request's path parameters, query string, headers (credentials included)
and JSON body, and optionally that the answer's status is documented and its body
fits that status's schema. The transports in ``transport`` run every request of a
client through it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx

from registrar_mock import spec as project_spec
from registrar_mock.extras import requires

with requires("contract", "the validating transport"):
    from openapi_schema_validator import (
        OAS30ReadValidator,
        OAS30WriteValidator,
        oas30_format_checker,
    )

METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
# What the API's servers put before every path; links and clients may use either host.
API_ROOT = "/client/v4"


class SpecViolation(AssertionError):
    """A request (or response) that the spec does not allow."""


@dataclass(frozen=True, slots=True)
class Violation:
    method: str
    url: str
    where: str  # "path", "query", "header", "body", "response", "operation"
    message: str

    def __str__(self) -> str:
        return f"{self.method} {self.url}: {self.where}: {self.message}"


@dataclass(slots=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    definition: dict[str, Any]
    parameters: list[dict[str, Any]]

    @property
    def operation_id(self) -> str:
        return str(self.definition.get("operationId", f"{self.method} {self.template}"))


class Spec:
    """An OpenAPI 3.0 document, indexed for validating traffic."""

    def __init__(self, document: Mapping[str, Any] | None = None) -> None:
        self.document: Mapping[str, Any] = document or project_spec.load()
        self.operations: list[Operation] = []
        for template, item in self.document.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method not in item:
                    continue
                definition = item[method]
                own = [self.resolve(p) for p in definition.get("parameters", [])]
                names = {(p["name"], p["in"]) for p in own}
                merged = own + [
                    p for p in map(self.resolve, shared) if (p["name"], p["in"]) not in names
                ]
                pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
                self.operations.append(
                    Operation(
                        method.upper(), template, re.compile(f"^{pattern}$"), definition, merged
                    )
                )

    def resolve(self, node: Any) -> Any:
        """``node`` with every ``$ref`` replaced by what it points at (the spec has no cycles)."""
        if isinstance(node, dict):
            if "$ref" in node:
                target: Any = self.document
                for part in node["$ref"].lstrip("#/").split("/"):
                    target = target[part.replace("~1", "/").replace("~0", "~")]
                return self.resolve(target)
            return {key: self.resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.resolve(value) for value in node]
        return node

    def find(self, method: str, path: str) -> tuple[Operation | None, dict[str, str], bool]:
        """The operation for a request, its raw path parameters, and whether the path exists."""
        known_path = False
        for operation in self.operations:
            match = operation.pattern.match(path)
            if match is None:
                continue
            known_path = True
            if operation.method == method.upper():
                return operation, match.groupdict(), True
        return None, {}, known_path

    @cached_property
    def security_schemes(self) -> dict[str, Any]:
        return dict(self.document.get("components", {}).get("securitySchemes", {}))


def _errors(schema: Mapping[str, Any], value: Any, *, reading: bool = False) -> list[str]:
    """What is wrong with ``value``: as a client sends it, or (``reading``) as a server answers."""
    kind = OAS30ReadValidator if reading else OAS30WriteValidator
    validator = kind(schema, format_checker=oas30_format_checker)
    messages = []
    for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path)):
        where = "/" + "/".join(str(p) for p in error.absolute_path)
        messages.append(f"{where}: {error.message}")
    return messages


def _coerce(raw: str, schema: Mapping[str, Any]) -> Any:
    """A query, path or header string as the type its schema declares (left alone if it isn't)."""
    kind = schema.get("type")
    if kind == "integer" and re.fullmatch(r"-?[0-9]+", raw):
        return int(raw)
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


class RequestValidator:
    def __init__(self, spec: Spec | None = None) -> None:
        self.spec = spec or Spec()

    def api_path(self, url: httpx.URL | str) -> str:
        """The path under the API root, as the spec's paths are written."""
        path = urlsplit(str(url)).path
        index = path.find(API_ROOT)
        return path[index + len(API_ROOT) :] if index >= 0 else path

    def check(self, request: httpx.Request) -> list[Violation]:
        method, url = request.method, str(request.url)
        problems: list[tuple[str, str]] = []
        raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        operation, path_params, known = self.spec.find(method, self.api_path(raw_path))
        if operation is None:
            what = "the path takes no such method" if known else "no operation has this path"
            return [Violation(method, url, "operation", what)]
        problems += self._path(operation, path_params)
        problems += self._query(operation, request.url.query.decode("ascii"))
        problems += self._headers(operation, request.headers)
        problems += self._body(operation, request)
        return [Violation(method, url, where, message) for where, message in problems]

    def _path(self, operation: Operation, values: Mapping[str, str]) -> list[tuple[str, str]]:
        problems = []
        for param in operation.parameters:
            if param["in"] != "path":
                continue
            value = unquote(values.get(param["name"], ""))
            schema = param.get("schema", {})
            for error in _errors(schema, _coerce(value, schema)):
                problems.append(("path", f"{param['name']}={value!r}: {error}"))
        return problems

    def _query(self, operation: Operation, query: str) -> list[tuple[str, str]]:
        pairs = parse_qsl(query, keep_blank_values=True)
        given: dict[str, list[str]] = {}
        for name, raw in pairs:
            given.setdefault(name, []).append(raw)
        declared = {p["name"]: p for p in operation.parameters if p["in"] == "query"}
        problems = [("query", f"{name} is not a parameter of this operation") for name in given
                    if name not in declared]  # fmt: skip
        for name, param in declared.items():
            value: Any
            values = given.get(name)
            if values is None:
                if param.get("required"):
                    problems.append(("query", f"{name} is required"))
                continue
            schema = param.get("schema", {})
            if schema.get("type") == "array":
                explode = param.get("explode", param.get("style", "form") == "form")
                if not explode and len(values) > 1:
                    problems.append(
                        ("query", f"{name} is repeated; the spec has form style without "
                                  f"explode, i.e. one comma-separated value")
                    )  # fmt: skip
                items = values if explode else [p for v in values for p in v.split(",") if v]
                value = [_coerce(item, schema.get("items", {})) for item in items]
            elif len(values) > 1:
                problems.append(("query", f"{name} is given {len(values)} times"))
                continue
            else:
                value = _coerce(values[0], schema)
            problems += [
                ("query", f"{name}={value!r}: {error}") for error in _errors(schema, value)
            ]
        return problems

    def _headers(self, operation: Operation, headers: Mapping[str, str]) -> list[tuple[str, str]]:
        problems = []
        for param in operation.parameters:
            if param["in"] != "header":
                continue
            value = headers.get(param["name"])
            if value is None:
                if param.get("required"):
                    problems.append(("header", f"{param['name']} is required"))
                continue
            schema = param.get("schema", {})
            problems += [("header", f"{param['name']}: {e}") for e in _errors(schema, value)]
        security = operation.definition.get("security", self.spec.document.get("security", []))
        if security and not any(self._satisfies(r, headers) for r in security):
            names = [" + ".join(requirement) or "none" for requirement in security]
            problems.append(("header", f"no credentials for any of: {', '.join(names)}"))
        return problems

    def _satisfies(self, requirement: Mapping[str, Any], headers: Mapping[str, str]) -> bool:
        for name in requirement:
            scheme = self.spec.security_schemes.get(name, {})
            if scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
                value = headers.get("authorization", "")
                if not re.fullmatch(r"Bearer [A-Za-z0-9\-._~+/]+=*", value):
                    return False
            elif scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                if not headers.get(scheme["name"], "").strip():
                    return False
            else:
                return False
        return True

    def _body(self, operation: Operation, request: httpx.Request) -> list[tuple[str, str]]:
        content = request.read()
        body_spec = self.spec.resolve(operation.definition.get("requestBody"))
        if body_spec is None:
            return [("body", "this operation takes no body")] if content else []
        if not content:
            return [("body", "a body is required")] if body_spec.get("required") else []
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        schema_for = body_spec.get("content", {})
        if media not in schema_for:
            return [
                ("body", f"Content-Type {media or '(none)'} is not one of {sorted(schema_for)}")
            ]
        try:
            value = json.loads(content)
        except ValueError:
            return [("body", "not valid JSON")]
        schema = schema_for[media].get("schema", {})
        return [("body", error) for error in _errors(schema, value)]

    def check_response(self, request: httpx.Request, response: httpx.Response) -> list[Violation]:
        """Whether the status is documented for the operation and the body fits its schema."""
        raw_path = request.url.raw_path.decode("ascii").split("?", 1)[0]
        operation, _, _ = self.spec.find(request.method, self.api_path(raw_path))
        if operation is None:
            return []
        method, url = request.method, str(request.url)
        responses = operation.definition.get("responses", {})
        status = str(response.status_code)
        documented = (
            responses.get(status) or responses.get(f"{status[0]}XX") or responses.get("default")
        )
        if documented is None:
            return [Violation(method, url, "response", f"status {status} is not documented")]
        content = self.spec.resolve(documented).get("content", {})
        if "application/json" not in content:
            return []
        try:
            body = response.json()
        except ValueError:
            return [Violation(method, url, "response", "the body is not JSON")]
        schema = content["application/json"].get("schema", {})
        errors = _errors(schema, body, reading=True)
        return [Violation(method, url, "response", error) for error in errors]
