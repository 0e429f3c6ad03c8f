"""The project's one OpenAPI document, loaded once and shared by server, client and tests."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load() -> dict[str, Any]:
    text = resources.files("mock_server").joinpath("openapi.yaml").read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document


@cache
def load_control() -> dict[str, Any]:
    """The control API's own spec: kept apart so it never appears under /client/v4."""
    text = (
        resources.files("mock_server").joinpath("control-openapi.yaml").read_text(encoding="utf-8")
    )
    document: dict[str, Any] = yaml.safe_load(text)
    return document


@cache
def registrar_operations() -> frozenset[str]:
    """The operationIds of the Registrar API (what fault rules and the journal name)."""
    return frozenset(
        operation["operationId"]
        for path, item in load()["paths"].items()
        if "/registrar/" in path
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    )


@cache
def as_json() -> bytes:
    return json.dumps(load(), separators=(",", ":")).encode()
