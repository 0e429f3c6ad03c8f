"""The project's OpenAPI documents, loaded once and shared by the server and the contract kit.

``openapi.yaml`` describes the Registrar API as the mock serves it (at
``/client/v4/openapi.json``); ``control-openapi.yaml`` describes the control API
under ``/__mock__``. This package imports nothing else of the project, so both the
server and the contract kit can stand on it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import yaml


def _read(name: str) -> dict[str, Any]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    document: dict[str, Any] = yaml.safe_load(text)
    return document


@cache
def load() -> dict[str, Any]:
    """The Registrar API's spec."""
    return _read("openapi.yaml")


@cache
def load_control() -> dict[str, Any]:
    """The control API's own spec: kept apart so it never appears under /client/v4."""
    return _read("control-openapi.yaml")


@cache
def registrar_operations() -> frozenset[str]:
    """The operationIds of the Registrar API, production and sandbox (what fault rules
    and the journal name)."""
    return frozenset(
        operation["operationId"]
        for path, item in load()["paths"].items()
        if "/registrar/" in path or "/registrar-sandbox/" in path
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    )


@cache
def as_json() -> bytes:
    return json.dumps(load(), separators=(",", ":")).encode()


@cache
def control_as_json() -> bytes:
    return json.dumps(load_control(), separators=(",", ":")).encode()
