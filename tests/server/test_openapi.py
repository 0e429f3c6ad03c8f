"""The one spec: valid, served, and in step with the routes the server has."""

from __future__ import annotations

import httpx
from openapi_spec_validator import validate

from registrar_mock import MockApp, spec
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, TOKEN


def test_spec_is_valid_openapi() -> None:
    validate(spec.load())  # raises on any violation


def test_spec_is_served_without_auth(app: MockApp) -> None:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as client:
        response = client.get("/client/v4/openapi.json")
    assert response.status_code == 200
    assert response.json() == spec.load()


METHODS = {"get", "put", "post", "patch", "delete"}


def test_every_spec_operation_is_routed(app: MockApp) -> None:
    """Each documented path and method reaches a handler (no 7003 from the router)."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock/client/v4") as client:
        for path, item in spec.load()["paths"].items():
            for method in set(item) & METHODS:
                url = path.replace("{account_id}", ACCOUNT).replace("{domain_name}", "x.com")
                response = client.request(method.upper(), url, headers=auth)
                codes = [error["code"] for error in response.json().get("errors", [])]
                assert 7003 not in codes, f"{method.upper()} {path} is not routed"


def test_legacy_operations_are_marked_deprecated() -> None:
    paths = spec.load()["paths"]
    legacy = [
        operation
        for path, item in paths.items()
        if "/registrar/domains" in path
        for method, operation in item.items()
        if method in METHODS
    ]
    assert len(legacy) == 3
    assert all(operation.get("deprecated") is True for operation in legacy)
