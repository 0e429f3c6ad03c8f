"""Scenarios: one YAML document describes a whole world. Loading is strict.

``resolve()`` is the one way in: a bundled name, a path, a document, a
``Scenario`` or a ``World``, with options. ``files`` finds and checks files
against the published schema, ``builder`` turns a checked document into a
world, and ``sources`` resolves what callers give.
"""

from registrar_mock.scenarios.builder import Scenario, check_fault, from_document
from registrar_mock.scenarios.files import (
    ScenarioError,
    bundled,
    bundled_dir,
    top_level_keys,
    validate_fault,
)
from registrar_mock.scenarios.sources import (
    ScenarioNotAllowed,
    ScenarioSource,
    find,
    from_text,
    load_file,
    plain,
    redacted,
    resolve,
    with_options,
)

__all__ = [
    "Scenario",
    "ScenarioError",
    "ScenarioNotAllowed",
    "ScenarioSource",
    "bundled",
    "bundled_dir",
    "check_fault",
    "find",
    "from_document",
    "from_text",
    "load_file",
    "plain",
    "redacted",
    "resolve",
    "top_level_keys",
    "validate_fault",
    "with_options",
]
