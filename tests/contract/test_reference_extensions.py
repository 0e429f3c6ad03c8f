"""Cloudflare's own published spec as the referee of the extension catalogue.

``../shared/reference``, beside the repository, holds the structure of the spec
Cloudflare publishes, prose removed. Its two ``/extensions`` operations are run
against the mock in-process by schemathesis, through every phase and with every
check (schemathesis's and the kit's), configured as the kit's own runs are:
credentials, the account under test, the seed, and the same allowance for cursors
that no schema can list. Nothing may be found.

The document lives outside the repository, so a clone without it skips this module;
``REGISTRAR_MOCK_REFERENCE`` names another copy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, cast

import pytest
import schemathesis
from schemathesis.specs.openapi.schemas import OpenApiSchema

from registrar_mock.contract_tests import conformance

from .support import contract_app

REFERENCE_ENV = "REGISTRAR_MOCK_REFERENCE"
REFERENCE = Path(__file__).resolve().parents[3] / "shared/reference"
DOCUMENT = "cloudflare-registrar-structure.json"
EXTENSION_PATHS = (
    "/accounts/{account_id}/registrar/extensions",
    "/accounts/{account_id}/registrar/extensions/{extension}",
)
OPERATION_IDS = {"registrar-extension-list", "registrar-extension-get"}


def reference_document() -> dict[str, Any]:
    path = Path(os.environ.get(REFERENCE_ENV) or REFERENCE / DOCUMENT)
    if not path.is_file():
        pytest.skip(f"Cloudflare's published spec structure is not at {path} ({REFERENCE_ENV})")
    return cast(dict[str, Any], json.loads(path.read_text(encoding="utf-8")))


def extensions_only(document: dict[str, Any]) -> dict[str, Any]:
    """The document with its two extension paths and nothing else (components stay, for
    the references those paths make)."""
    missing = [path for path in EXTENSION_PATHS if path not in document["paths"]]
    assert not missing, f"the reference has no {missing}"
    return {**document, "paths": {path: document["paths"][path] for path in EXTENSION_PATHS}}


def reference_schema(settings: conformance.Settings | None = None) -> OpenApiSchema:
    raw = extensions_only(reference_document())
    schema = schemathesis.openapi.from_dict(
        raw, config=conformance.config(settings or conformance.Settings())
    )
    # Served in-process: the app answers under the path of the document's server URL
    # (https://api.cloudflare.com/client/v4), which is where the mock's routes are too.
    schema.app = contract_app()
    return schema


def test_the_reference_describes_both_operations() -> None:
    schema = reference_schema()
    found = {schema.get_operation_id(op) for op in conformance.operations(schema)}
    assert found == OPERATION_IDS


def test_schemathesis_finds_nothing_with_the_reference_extensions() -> None:
    schema = reference_schema()
    report = conformance.run(schema)
    assert report.ok, "\n\n".join(map(str, [*report.findings, *report.errors]))
    assert len(report.operations) == len(OPERATION_IDS)
    assert all(result.cases > 0 for result in report.operations.values()), report.table()
