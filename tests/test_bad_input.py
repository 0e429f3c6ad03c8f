"""Bad input over HTTP, table-driven, against a real uvicorn server.

Every case is sent as raw bytes (path, query, headers and body exactly as
written, with no client-side normalisation) and expects one specific 4xx and
error code in the v4 envelope; the exported state must be the same afterwards.
The server runs on a virtual clock, so an export is exactly repeatable, and the
module fails if the server ever logged a traceback.

At the end, a cheap randomised pass (hypothesis, in-process) throws arbitrary
JSON at every operation that takes a body: never a 5xx.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_server import create_app, envelope
from mock_server.testing import SyncASGITransport

from .live import free_port

ACCOUNT = "acc"
ROOT = f"/client/v4/accounts/{ACCOUNT}/registrar"
MiB = 1024 * 1024
AUTH = {"Authorization": "Bearer bad-input-token"}
JSON = "application/json"

SCENARIO = """
name: bad-input
open_accounts: true
extensions:
  entries:
    - {name: ai, channel: api, registration_cost: "140.00", renewal_cost: "70.00", min_years: 2}
accounts:
  - id: acc
    registrations:
      - {domain: mine.com, created_at: "2025-03-01T00:00:00Z", expires_at: "2027-03-01T00:00:00Z"}
workflows:
  registration: {default: [{state: in_progress, for: 0s}, {state: succeeded}]}
  update: {default: [{state: in_progress, for: 0s}, {state: succeeded}]}
"""

# uvicorn on create_app() with its default virtual clock: exports repeat exactly.
LAUNCHER = """
import sys, uvicorn
from mock_server import MockApp, create_app
uvicorn.run(create_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""

# Messages, spelled out here so that a change in the server's wording is a decision.
NOT_JSON = "Request body is not valid JSON"
NOT_OBJECT = "Request body must be a JSON object"
TOO_LARGE = "Request body exceeds 1 MiB"
NUMBER_RANGE = "Request body holds a number out of range"
SURROGATE = "Request body holds a string with a lone UTF-16 surrogate (not Unicode)"
CONTENT_TYPE = "Content-Type must be application/json"
INVALID_DOMAIN = "Invalid domain name"
NOT_FOUND = "Domain not found"
NO_ROUTE = "No route for the URI"

UNCHECKED = "<unchecked>"


@dataclass(frozen=True)
class Case:
    """One request and the refusal it must get."""

    id: str
    method: str
    target: str  # under ROOT unless it starts with /client or /__mock__
    body: bytes | list[bytes] | None  # a list is sent chunked
    message: str | None  # the exact message; None: not checked
    pointer: str | None = UNCHECKED  # the error's source.pointer; None: it must have none
    status: int = 400
    code: int = 10000
    content_type: str | None = JSON  # sent with a body only
    headers: dict[str, bytes] = field(default_factory=dict)
    chain: tuple[int, ...] = ()
    authorized: bool = True

    @property
    def raw_target(self) -> bytes:
        prefixed = self.target.startswith(("/client", "/__mock__"))
        return (self.target if prefixed else ROOT + self.target).encode("latin-1")


def get(id: str, target: str, message: str | None, pointer: str | None = UNCHECKED,
        **expect: Any) -> Case:  # fmt: skip
    return Case(id, "GET", target, None, message, pointer, **expect)


def fullwidth(text: str) -> str:
    """``"abc"`` in fullwidth forms (U+FF41...), which look like ASCII and are not."""
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def dumps(value: Any) -> bytes:
    """JSON as a client would send it; lone surrogates go out as \\ud800 escapes."""
    return json.dumps(value).encode("ascii")


# --- bodies, for every operation that takes one -----------------------------------------------

# Each operation with a body, and a body it accepts (so only the fault under test is wrong).
BODY_OPERATIONS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("create", "POST", "/registrations", {"domain_name": "fresh-name.com"}),
    ("update", "PATCH", "/registrations/mine.com", {"auto_renew": True}),
    ("legacy-update", "PUT", "/domains/mine.com", {"locked": False}),
    ("check", "POST", "/domain-check", {"domains": ["fresh-name.com"]}),
]

MALFORMED: list[tuple[str, bytes]] = [
    ("unclosed", b"{"),
    ("missing-value", b'{"domain_name": }'),
    ("single-quotes", b"{'domain_name': 'a.com'}"),
    ("trailing-garbage", b'{"domain_name": "a.com"} x'),
    ("trailing-comma", b'{"domain_name": "a.com",}'),
    ("not-utf8", b"\xff\xfe\xfd\xfc\xfb"),
    ("truncated-utf8", b'{"domain_name": "\xc3"}'),
    ("nan", b'{"years": NaN}'),
    ("infinity", b'{"years": Infinity}'),
    ("minus-infinity", b'{"years": -Infinity}'),
    ("integer-of-5000-digits", b'{"years": 1' + b"0" * 5000 + b"}"),
    ("bare-word", b"domain_name=a.com"),
    ("nested-100000-arrays", b"[" * 100_000 + b"]" * 100_000),
    ("nested-100000-objects", b'{"a": ' * 100_000 + b"1" + b"}" * 100_000),
    ("field-nested-50000-deep", b'{"domain_name": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"),
]
NOT_OBJECTS = [b"[]", b'["a.com"]', b"null", b'"a.com"', b"1", b"true"]
EMPTY = [b"", b"   \r\n\t "]
WRONG_CONTENT_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/jsonp",
    "json",
    "",
    "application/js\xf6n",  # Unicode (sent as Latin-1 bytes)
]


def padded(body: dict[str, Any], size: int) -> bytes:
    """A valid JSON object of exactly ``size`` bytes (padded with whitespace)."""
    raw = dumps(body)
    return raw[:-1] + b" " * (size - len(raw)) + raw[-1:]


def body_cases() -> Iterator[Case]:
    for operation in BODY_OPERATIONS:
        yield from body_cases_of(*operation)


def body_cases_of(op: str, method: str, path: str, good: dict[str, Any]) -> Iterator[Case]:
    def case(name: str, body: bytes | list[bytes], message: str | None,
             pointer: str | None = None, **expect: Any) -> Case:  # fmt: skip
        return Case(f"{op}-{name}", method, path, body, message, pointer, **expect)

    for name, raw in MALFORMED:
        yield case(f"malformed-{name}", raw, NOT_JSON)
    yield case("number-out-of-range", b'{"years": 1e400}', NUMBER_RANGE)
    for raw in NOT_OBJECTS:
        yield case(f"not-object-{raw.decode()}", raw, NOT_OBJECT)
    for raw in EMPTY:
        yield case(f"empty-{len(raw)}", raw, NOT_OBJECT)
        yield case(f"empty-{len(raw)}-no-content-type", raw, NOT_OBJECT, content_type=None)
    for ctype in WRONG_CONTENT_TYPES:
        yield case(f"content-type-{ctype!r}", dumps(good), CONTENT_TYPE, status=415,
                   content_type=ctype)  # fmt: skip
    yield case("1MiB-plus-1", padded(good, MiB + 1), TOO_LARGE, status=413)
    yield case("3MiB", padded(good, 3 * MiB), TOO_LARGE, status=413)
    yield case("2MiB-chunked", [b" " * 65536] * 32 + [dumps(good)], TOO_LARGE, status=413)
    yield case("3MiB-text-plain", padded(good, 3 * MiB), TOO_LARGE, status=413,
               content_type="text/plain")  # fmt: skip
    yield case("lone-surrogate-key", dumps({**good, "\ud800": 1}), SURROGATE)
    yield case("unknown-field", dumps({**good, "surprise": 1}), "Unknown field: surprise",
               "/surprise")  # fmt: skip
    yield case("unicode-unknown-field", dumps({**good, "ключ": "значение"}),
               "Unknown field: ключ", "/ключ")  # fmt: skip
    yield case("slash-in-unknown-field", dumps({**good, "a/b~c": 1}),
               "Unknown field: a/b~c", "/a~1b~0c")  # fmt: skip


# --- every field of a create ----------------------------------------------------------------

# A registrant contact that create accepts; the cases below break one part of it at a time.
CONTACT: dict[str, Any] = {
    "email": "ada@example.com",
    "phone": "+1.5555555555",
    "fax": "+1.5555555556",
    "postal_info": {
        "name": "Ada Lovelace",
        "organization": "Analytical Engines",
        "address": {
            "street": "123 Main St",
            "city": "Austin",
            "state": "TX",
            "postal_code": "78701",
            "country_code": "US",
        },
    },
}
ADDRESS = ("postal_info", "address")
CONTACT_LEAVES: list[tuple[str, ...]] = [
    ("email",),
    ("phone",),
    ("fax",),
    ("postal_info", "name"),
    ("postal_info", "organization"),
    *((*ADDRESS, f) for f in ("street", "city", "state", "postal_code", "country_code")),
]
CONTACT_OBJECTS: list[tuple[str, ...]] = [(), ("postal_info",), ADDRESS]
OPTIONAL_LEAVES = {("fax",), ("postal_info", "organization")}
NON_STRINGS: list[Any] = [None, 1, 1.5, True, [], {}, ["x"], {"x": "y"}]
NON_OBJECTS: list[Any] = [None, 1, True, "x", [], ["x"]]
PHONE = "Must be an E.164 phone number such as +1.5555555555"
COUNTRY = "Must be a two-letter ISO 3166-1 country code"


def replaced(document: dict[str, Any], path: tuple[str, ...], value: Any) -> Any:
    """A deep copy of ``document`` with the value at ``path`` replaced (removed, for ...)."""
    if not path:
        return value
    copy: dict[str, Any] = json.loads(json.dumps(document))
    target = copy
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return copy


def create(domain: str = "fresh-name.com", **fields: Any) -> bytes:
    return dumps({"domain_name": domain, **fields})


def with_registrant(path: tuple[str, ...], value: Any) -> bytes:
    return create(contacts={"registrant": replaced(CONTACT, path, value)})


def posted(id: str, body: bytes, message: str | None, pointer: str | None = UNCHECKED,
           **expect: Any) -> Case:  # fmt: skip
    return Case(id, "POST", "/registrations", body, message, pointer, **expect)


def create_field_cases() -> Iterator[Case]:
    """Wrong types and out-of-range values on every field of a create."""
    wrong: dict[str, tuple[list[Any], str]] = {
        "years": (
            [None, "1", "", 1.5, 2.0, True, False, [], {}, [1], 0, 11, -1, 10**20],
            "years must be an integer between 1 and 10",
        ),
        "auto_renew": ([None, "true", "false", 1, 0, "", [], {}, [True]], "Must be a boolean"),
        "privacy_mode": (
            [None, True, 1, "", "on", "REDACTION", "rédaction", fullwidth("redaction"), [], {}],
            "privacy_mode must be one of: redaction, off",
        ),
        "contacts": (NON_OBJECTS, "Must be an object"),
        "acknowledgements": (NON_OBJECTS, "Must be an object"),
        "contact_extensions": (NON_OBJECTS, "Must be an object"),
    }
    for name, (values, message) in wrong.items():
        for value in values:
            label = json.dumps(value, ensure_ascii=False)
            yield posted(f"create-{name}={label}", create(**{name: value}), message, f"/{name}")
    for value in [None, 1, 1.5, True, [], {}, ["a.com"], {"name": "a.com"}]:
        message = "domain_name is required" if value is None else INVALID_DOMAIN
        yield posted(f"create-domain_name={json.dumps(value)}", dumps({"domain_name": value}),
                     message, "/domain_name")  # fmt: skip
    yield posted("create-without-domain_name", dumps({"years": 1}), "domain_name is required",
                 "/domain_name")  # fmt: skip
    yield posted("create-ai-for-1-year", create("fresh.ai", years=1),
                 "years must be between 2 and 10 for .ai", "/years")  # fmt: skip
    yield posted("create-ai-for-11-years", create("fresh.ai", years=11),
                 "years must be an integer between 1 and 10", "/years")  # fmt: skip
    yield posted("create-a-name-the-registry-holds", create("example.com"),
                 "Domain is not available for registration", "/domain_name")  # fmt: skip
    yield posted("create-unknown-contact-role", create(contacts={"owner": CONTACT}),
                 "Unknown field: owner", "/contacts/owner")  # fmt: skip

    for path in CONTACT_LEAVES:
        pointer = "/contacts/registrant/" + "/".join(path)
        label = ".".join(path)
        for value in NON_STRINGS:
            message = f"{path[-1]} is required" if value is None else "Must be a string"
            yield posted(f"create-contact-{label}={json.dumps(value)}",
                         with_registrant(path, value), message, pointer)  # fmt: skip
        # An optional organization may be blank; no other leaf may.
        for value in [] if path == ("postal_info", "organization") else ["", "   "]:
            yield posted(f"create-contact-{label}={value!r}", with_registrant(path, value), None,
                         pointer)  # fmt: skip
        if path not in OPTIONAL_LEAVES:
            yield posted(f"create-contact-without-{label}", with_registrant(path, ...),
                         f"{path[-1]} is required", pointer)  # fmt: skip
    for path in CONTACT_OBJECTS:
        pointer = "/".join(("/contacts/registrant", *path))
        label = ".".join(path) or "registrant"
        if path:
            yield posted(f"create-contact-without-{label}", with_registrant(path, ...),
                         f"{path[-1]} is required", pointer)  # fmt: skip
        for value in NON_OBJECTS:
            yield posted(f"create-contact-object-{label}={json.dumps(value)}",
                         with_registrant(path, value), "Must be an object", pointer)  # fmt: skip
    shaped = [
        (("email",), "not-an-email", "Must be an email address"),
        (("email",), "ü", "Must be an email address"),
        (("phone",), "5555555555", PHONE),
        (("phone",), "+" + fullwidth("1") + ".5555555555", PHONE),
        (("fax",), "+1-555", PHONE),
        ((*ADDRESS, "country_code"), "us", COUNTRY),
        ((*ADDRESS, "country_code"), "USA", COUNTRY),
        ((*ADDRESS, "country_code"), "ÜS", COUNTRY),
    ]
    for path, value, message in shaped:
        yield posted(f"create-contact-{path[-1]}={value!r}", with_registrant(path, value), message,
                     "/contacts/registrant/" + "/".join(path))  # fmt: skip


# --- updates and checks -----------------------------------------------------------------------


def update_cases() -> Iterator[Case]:
    boolean = "Must be a boolean if present"
    values: list[Any] = [None, "true", 1, 0, "", [], {}, [True]]
    for value in values:
        label = json.dumps(value)
        yield Case(f"update-auto_renew={label}", "PATCH", "/registrations/mine.com",
                   dumps({"auto_renew": value}), boolean, "/auto_renew")  # fmt: skip
        for name in ("auto_renew", "locked", "privacy"):
            yield Case(f"legacy-update-{name}={label}", "PUT", "/domains/mine.com",
                       dumps({name: value}), boolean, f"/{name}")  # fmt: skip
    yield Case("update-nothing", "PATCH", "/registrations/mine.com", b"{}",
               "At least one updatable field is required: auto_renew", None)  # fmt: skip
    for name in ("years", "privacy_mode", "locked"):
        body = dumps({"auto_renew": True, name: True})
        yield Case(f"update-{name}", "PATCH", "/registrations/mine.com", body,
                   f"Unknown field: {name}", f"/{name}")  # fmt: skip
    yield Case("update-someone-elses", "PATCH", "/registrations/example.com",
               dumps({"auto_renew": True}), NOT_FOUND, None, status=404)  # fmt: skip
    yield Case("legacy-update-someone-elses", "PUT", "/domains/example.com",
               dumps({"locked": False}), NOT_FOUND, None, status=404)  # fmt: skip


def check_cases() -> Iterator[Case]:
    def check(name: str, domains: Any, message: str, pointer: str, code: int = 10000) -> Case:
        body = dumps({"domains": domains})
        return Case(f"check-{name}", "POST", "/domain-check", body, message, pointer, code=code)

    empty = "domains array must contain at least one domain"
    yield check("null", None, empty, "/domains", 1006)
    yield check("empty", [], empty, "/domains", 1006)
    for value in ["a.com", 1, True, {}, {"0": "a.com"}]:
        yield check(f"domains={json.dumps(value)}", value,
                    "domains must be an array of domain names", "/domains")  # fmt: skip
    for index, item in [(0, 1), (0, None), (1, ["b.com"]), (2, {"name": "c.com"}), (1, True)]:
        domains: list[Any] = ["a.com", "b.com", "c.com"]
        domains[index] = item
        yield check(f"item-{index}={json.dumps(item)}", domains, "Each domain must be a string",
                    f"/domains/{index}")  # fmt: skip
    too_many = "domains array exceeds maximum of 20 domains"
    yield check("21-names", [f"n{i}.com" for i in range(21)], too_many, "/domains", 1007)
    yield check("100000-names", ["a.com"] * 100_000, too_many, "/domains", 1007)
    none = "None of the provided domains are valid or have supported extensions"
    yield check("only-invalid", ["not a name", "..", "com"], none, "/domains", 1008)
    yield check("a-900-KB-name", ["a" * 900_000 + ".com"], none, "/domains", 1008)
    yield check("only-subdomains", ["www.example.com"], none, "/domains", 1008)
    yield check("lone-surrogate", ["a.com", "\udc00.com"], SURROGATE, "/domains/1")


# --- query strings ----------------------------------------------------------------------------


def query_cases() -> Iterator[Case]:
    per_page = "per_page must be an integer between 1 and 50"
    limit = "Parameter limit must be an integer between 1 and 50"
    numbers = ["0", "51", "-1", "1000000", "99999999999999999999", "", "%20", "1.5", "1e1",
               "0x10", "%2B5", "abc", "%EF%BC%95", "%D9%A5", "5%00", "null"]  # fmt: skip
    for raw in numbers:
        yield get(f"list-per_page={raw}", f"/registrations?per_page={raw}", per_page, "/per_page")
        yield get(f"search-limit={raw}", f"/domain-search?q=acme&limit={raw}", limit, "/limit",
                  code=1005)  # fmt: skip
    sort_by = "sort_by must be one of registry_created_at, registry_expires_at, name"
    for raw in ["NAME", "%EF%BD%8E%EF%BD%81%EF%BD%8D%EF%BD%85", "created_at", ""]:
        yield get(f"list-sort_by={raw}", f"/registrations?sort_by={raw}", sort_by, "/sort_by")
    direction = "direction must be asc or desc"
    for raw in ["ASC", "up", "%EF%BD%81%EF%BD%93%EF%BD%83", ""]:
        yield get(f"list-direction={raw}", f"/registrations?direction={raw}", direction,
                  "/direction")  # fmt: skip
    for raw in ["garbage", "%C3%BC", "A" * 257, "Zm9v", "%00", "..%2F..%2F"]:
        yield get(f"list-cursor={raw[:20]}", f"/registrations?cursor={raw}",
                  "Invalid pagination cursor", "/cursor")  # fmt: skip
    for name, values in [("per_page", ("1", "2")), ("per_page", ("5", "5")),
                         ("sort_by", ("name", "name")), ("direction", ("asc", "desc")),
                         ("cursor", ("a", "b"))]:  # fmt: skip
        query = "&".join(f"{name}={v}" for v in values)
        yield get(f"list-twice-{query}", f"/registrations?{query}",
                  f"Parameter {name} must be given at most once", f"/{name}")  # fmt: skip
    for query, name in [("q=a&q=b", "q"), ("q=a&limit=1&limit=2", "limit")]:
        yield get(f"search-twice-{query}", f"/domain-search?{query}",
                  f"Parameter {name} must be given at most once", f"/{name}")  # fmt: skip
    for query in ["", "?q=", "?q=%20%20", "?Q=acme", "?q"]:
        yield get(f"search-q-missing-{query}", f"/domain-search{query}",
                  "Missing required parameter: q", "/q", code=1001)  # fmt: skip
    too_long = "Parameter q exceeds maximum length of 100 characters"
    yield get("search-q-101", "/domain-search?q=" + "a" * 101, too_long, "/q", code=1002)
    yield get("search-q-101-unicode", "/domain-search?q=" + "%C3%BC" * 101, too_long, "/q",
              code=1002)  # fmt: skip
    for q in ["com", ".com", "co.uk", "COM"]:
        yield get(f"search-only-extension-{q}", f"/domain-search?q={q}", None, "/q", code=1003)
    extensions = ",".join(["com", "net", "org"] * 7)
    yield get("search-21-extensions", f"/domain-search?q=a&extensions={extensions}",
              "Parameter extensions accepts at most 20 values", "/extensions",
              code=1004)  # fmt: skip


# --- domain names and paths -------------------------------------------------------------------

# Names that are not domain names, for the body of a create and the path of a GET.
BAD_NAMES = [
    "", " ", "com", "..", ".", "../etc.com", "a..com", ".a.com", "a.com..", "-a.com", "a-.com",
    "ab--c.com", "a_b.com", "a b.com", "a\u0000.com", "a\t.com", "xn--zz.com", "xn--.com",
    "xn--n3h.com", "a" * 64 + ".com", ".".join(["a" * 63] * 3) + "." + "b" * 58 + ".com",
    ".".join(["a" * 63] * 3) + "." + "b" * 59 + ".com.", "1.2.3.4", "☃.com", "exa\u200dmple.com",
    "a.com:443", "user@a.com", "a.com?x", "a.com#x", "*.a.com", "a/b.com", "a%2Fb.com",
    "http://a.com", "a.com/", "a\\b.com", "b" * 60_000 + ".com",
    "a" * 100_000 + ".com",  # too long for a request line (uvicorn's limit): body only
]  # fmt: skip


def domain_name_cases() -> Iterator[Case]:
    for name in BAD_NAMES:
        label = f"{json.dumps(name)[:30]}-{len(name)}"
        yield posted(f"create-name-{label}", create(name), INVALID_DOMAIN, "/domain_name")
        if not name or name.endswith("/") or len(name) > 60_100:
            continue  # another route (see the report on app.py), or a request line too long
        segment = quote(name, safe="")
        if "/" in name:  # %2F decodes to a slash: no route has that many segments
            yield get(f"get-name-{label}", f"/registrations/{segment}", NO_ROUTE, None,
                      status=404, code=7003)  # fmt: skip
            continue
        for suffix in ("", "/registration-status", "/update-status"):
            yield get(f"get-name-{label}{suffix}", f"/registrations/{segment}{suffix}",
                      INVALID_DOMAIN, "/domain_name")  # fmt: skip
        yield get(f"legacy-get-name-{label}", f"/domains/{segment}", INVALID_DOMAIN,
                  "/domain_name")  # fmt: skip
        yield Case(f"update-name-{label}", "PATCH", f"/registrations/{segment}",
                   dumps({"auto_renew": True}), INVALID_DOMAIN, "/domain_name")  # fmt: skip


def path_trick_cases() -> Iterator[Case]:
    """Raw request targets: uvicorn passes them on without resolving dot segments."""
    no_route = [
        ("GET", "/registrations/../registrations", 404),
        ("GET", "/registrations/..%2F..%2Fetc%2Fpasswd", 404),
        ("GET", "/registrations/mine.com%2F..", 404),
        ("GET", "/registrations/..%2Fmine.com/update-status", 404),
        ("PATCH", "/registrations/..%2Fmine.com", 404),
        ("PUT", "/domains/..%2Fregistrations", 404),
        ("GET", "/registrations/mine.com/registration-status/..", 404),
        ("GET", "/./registrations", 404),
        ("GET", "//registrations", 404),
        ("GET", "/client/v4/accounts/acc/registrar/../registrar/registrations", 404),
        ("GET", "/client/v4/accounts/..%2Facc/registrar/registrations", 404),
        ("GET", "/client/v4/accounts/acc%2F..%2Fother/registrar/registrations", 404),
        ("DELETE", "/registrations/mine.com", 405),
        ("POST", "/registrations/mine.com", 405),
        ("PUT", "/registrations/mine.com", 405),
        ("DELETE", "/domains/mine.com", 405),
        ("DELETE", "/registrations", 405),
    ]
    for method, target, status in no_route:
        yield Case(f"path-{method}-{target}", method, target, dumps({"auto_renew": True}),
                   NO_ROUTE, None, status=status, code=7003)  # fmt: skip
    for target in ["/registrations/..", "/registrations/%2E%2E", "/registrations/.%2E",
                   "/registrations/%00", "/registrations/%ED%A0%80.com",
                   "/registrations/%FF.com", "/registrations/%C3%A9%E2%98%83.com",
                   "/domains/..", "/registrations/../update-status"]:  # fmt: skip
        yield get(f"path-GET-{target}", target, INVALID_DOMAIN, "/domain_name")
    bad_account = "Could not route to the account: the account identifier is invalid"
    for account in ["..", "%2E%2E", "a%20b", "%C3%A4cc", "a" * 33, "acc%00", "acc.com"]:
        yield get(f"path-account-{account}",
                  f"/client/v4/accounts/{account}/registrar/registrations", bad_account,
                  "/account_id", status=404, code=7003)  # fmt: skip
    yield get("path-IDN-not-held", "/registrations/m%C3%AFne.com", NOT_FOUND, None, status=404)


# --- Unicode ----------------------------------------------------------------------------------


def unicode_cases() -> Iterator[Case]:
    """A lone surrogate in every string field, and Unicode in the credential headers."""
    fields: list[tuple[str, bytes]] = [
        ("/domain_name", dumps({"domain_name": "\ud83d.com"})),
        ("/privacy_mode", create(privacy_mode="red\udfffaction")),
    ]
    for path in CONTACT_LEAVES:
        fields.append(("/contacts/registrant/" + "/".join(path), with_registrant(path, "x\ud800")))
    for pointer, body in fields:
        yield posted(f"surrogate-in-{pointer}", body, SURROGATE, pointer)
    yield Case("surrogate-in-/auto_renew", "PATCH", "/registrations/mine.com",
               dumps({"auto_renew": "\udc00"}), SURROGATE, "/auto_renew")  # fmt: skip
    yield Case("surrogate-in-/locked", "PUT", "/domains/mine.com", dumps({"locked": "\udc00"}),
               SURROGATE, "/locked")  # fmt: skip
    yield posted("surrogate-raw-bytes", b'{"domain_name": "\xed\xa0\x80.com"}', SURROGATE,
                 "/domain_name")  # fmt: skip
    for name, headers, chain in [
        ("token", {"Authorization": "Bearer t\xf6k\xe9n".encode()}, (6111,)),
        ("latin-1-token", {"Authorization": "Bearer t\xf6ken".encode("latin-1")}, (6111,)),
        ("scheme", {"Authorization": "B\xe9arer token".encode()}, (6111,)),
        ("key", {"X-Auth-Email": b"ops@example.com", "X-Auth-Key": "k\xe9y".encode()}, (6103,)),
        ("email-and-key", {"X-Auth-Email": "op s@\xe9".encode(),
                           "X-Auth-Key": "k\xe9y".encode()}, (6102, 6103)),
    ]:  # fmt: skip
        yield get(f"header-unicode-{name}", "/registrations", "Invalid request headers", None,
                  code=6003, headers=headers, chain=chain, authorized=False)  # fmt: skip


CASES = [
    *body_cases(),
    *create_field_cases(),
    *update_cases(),
    *check_cases(),
    *query_cases(),
    *domain_name_cases(),
    *path_trick_cases(),
    *unicode_cases(),
]


# --- the server -----------------------------------------------------------------------------


class Live:
    """The running server, and one client for it (creating clients is slow: TLS contexts)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.client = httpx.Client(base_url=origin, timeout=60)

    def state(self) -> dict[str, Any]:
        response = self.client.get("/__mock__/state")
        assert response.status_code == 200
        state: dict[str, Any] = response.json()["result"]
        return state

    def send(self, case: Case) -> httpx.Response:
        headers: dict[str, bytes] = dict(AUTH_BYTES) if case.authorized else {}
        headers.update(case.headers)
        if case.body is not None and case.content_type is not None:
            headers["Content-Type"] = case.content_type.encode("latin-1")
        # Its own connection for each case, so one case can't leave another a closed socket.
        headers["Connection"] = b"close"
        body = case.body
        return self.client.request(
            case.method,
            "/",
            content=iter(body) if isinstance(body, list) else body,
            headers={name.encode(): value for name, value in headers.items()},
            extensions={"target": case.raw_target},
        )

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, f"{ROOT}{path}", headers=AUTH, **kwargs)


AUTH_BYTES = {name: value.encode() for name, value in AUTH.items()}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder: Path = tmp_path_factory.mktemp("bad-input")
    scenario = folder / "world.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    log = folder / "server.log"
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(scenario), str(port)],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    origin = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{origin}/__mock__/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        server = Live(origin)
        # The account exists before any case runs, so a refusal can't be what creates it.
        assert server.api("GET", "/registrations").status_code == 200
        yield server
        server.client.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    output = log.read_text(errors="replace")
    assert "Traceback" not in output, output
    assert "Exception in ASGI application" not in output, output


# --- the tests ------------------------------------------------------------------------------


def test_the_table_has_no_duplicate_ids() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) > 400


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_a_specific_4xx_and_changes_nothing(live: Live, case: Case) -> None:
    before = live.state()
    response = live.send(case)
    assert response.status_code == case.status, response.text[:500]
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["success"] is False
    assert body["result"] is None
    [error] = body["errors"]
    assert error["code"] == case.code, error
    if case.message is not None:
        assert error["message"] == case.message
    if case.pointer != UNCHECKED:
        assert error.get("source", {}).get("pointer") == case.pointer, error
    if case.chain:
        assert [item["code"] for item in error["error_chain"]] == list(case.chain)
    assert live.state() == before


def test_a_client_that_goes_away_mid_body_is_a_4xx_not_a_traceback(live: Live) -> None:
    before = live.state()
    seen = max((e["seq"] for e in live.client.get("/__mock__/journal").json()["result"]), default=0)
    host, port = live.origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(
            f"POST {ROOT}/registrations HTTP/1.1\r\nHost: mock\r\nAuthorization: "
            f"{AUTH['Authorization']}\r\nContent-Type: {JSON}\r\nContent-Length: 1000\r\n\r\n"
            '{"domain_name": "half-sent.com", '.encode()
        )
    for _ in range(200):  # the server notices the disconnect on its own time
        journal = live.client.get("/__mock__/journal").json()["result"]
        new = [e for e in journal if e["seq"] > seen]
        if new:
            break
        time.sleep(0.02)
    assert [(e["method"], e["status"]) for e in new] == [("POST", 400)]
    assert live.state() == before
    # (The module's teardown checks that the server logged no traceback.)


def test_an_answer_holding_a_lone_surrogate_is_still_json() -> None:
    """Defence in depth: text that can't be UTF-8 (from a state file, say) is escaped, not a 500."""
    response = envelope.ok({"name": "x\ud800y"})
    assert json.loads(bytes(response.body)) == {
        "success": True,
        "errors": [],
        "messages": [],
        "result": {"name": "x\ud800y"},
    }


# --- what odd but valid input means ---------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("EXAMPLE-Upper.COM", "example-upper.com"),
        ("trailing-dot.com.", "trailing-dot.com"),
        ("Bücher.com", "xn--bcher-kva.com"),
        ("XN--BCHER-KVA.COM", "xn--bcher-kva.com"),
        (fullwidth("FULLWIDTH") + ".com", "fullwidth.com"),
        ("a" * 63 + ".com", "a" * 63 + ".com"),
        ("東京.jp", "xn--1lqs71d.jp"),
    ],
)
def test_odd_but_valid_names_are_normalised(live: Live, given: str, name: str) -> None:
    before = live.state()
    response = live.api("POST", "/domain-check", json={"domains": [given]})
    assert response.status_code == 200, response.text
    assert [d["name"] for d in response.json()["result"]["domains"]] == [name]
    assert live.state() == before


@pytest.mark.parametrize(
    "target",
    [
        "/registrations/MINE.COM",
        "/registrations/mine.com.",
        "/registrations/Mine.Com.",
        "/registrations/%4D%49%4E%45.com",
        "/domains/MINE.COM.",
    ],
)
def test_a_held_name_is_found_however_it_is_written(live: Live, target: str) -> None:
    response = live.send(get("found", target, None))
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert result.get("domain_name", result.get("name")) == "mine.com"


def test_extensions_and_unicode_queries_are_answered(live: Live) -> None:
    # Unsupported extensions are dropped without complaint, and repeating the parameter adds.
    response = live.api("GET", "/domain-search?q=caf%C3%A9&extensions=c%C3%B6m&extensions=net")
    assert response.status_code == 200, response.text
    names = [d["name"] for d in response.json()["result"]["domains"]]
    assert names and all(n.endswith(".net") for n in names)
    assert "xn--caf-dma.net" in names


def test_unicode_in_every_free_text_field_is_kept(live: Live) -> None:
    contact = {
        "email": "zoë@exämple.com",
        "phone": "+41.445556677",
        "postal_info": {
            "name": "Zoë Ångström 山田",
            "organization": "Ünïcode GmbH 🦄",
            "address": {
                "street": "Straße 1",
                "city": "Zürich",
                "state": "ZH",
                "postal_code": "8001",
                "country_code": "CH",
            },
        },
    }
    body = {"domain_name": "Ünïcode-Café.COM.", "contacts": {"registrant": contact}}
    created = live.api("POST", "/registrations", json=body)
    assert created.status_code == 201, created.text
    name = "xn--ncode-caf-j4a1d8i.com"
    assert created.json()["result"]["links"]["resource"].endswith(f"/registrations/{name}")
    legacy = live.api("GET", f"/domains/{quote('ünïcode-café.com')}")
    assert legacy.status_code == 200, legacy.text
    registrant = legacy.json()["result"]["registrant_contact"]
    assert (registrant["first_name"], registrant["last_name"]) == ("Zoë", "Ångström 山田")
    assert registrant["organization"] == "Ünïcode GmbH 🦄"
    assert (registrant["address"], registrant["city"]) == ("Straße 1", "Zürich")
    assert registrant["email"] == "zoë@exämple.com"


# --- a cheap randomised pass ------------------------------------------------------------------

FIELDS = sorted(
    {
        "domain_name",
        "years",
        "auto_renew",
        "privacy_mode",
        "contacts",
        "acknowledgements",
        "contact_extensions",
        "locked",
        "privacy",
        "domains",
        "registrant",
        "email",
        "phone",
        "postal_info",
        "address",
    }
)
# Any text, lone surrogates included (st.text() never makes those).
TEXT = st.lists(st.characters() | st.integers(0xD800, 0xDFFF).map(chr), max_size=30).map("".join)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from(["a.com", "mine.com", "redaction", "off", "+1.5555555555", "US"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | TEXT, inner, max_size=4)
    ),
    max_leaves=12,
)
BODIES = st.dictionaries(st.sampled_from(FIELDS) | TEXT, VALUES, max_size=5)
FUZZED = [(method, path) for _, method, path, _ in BODY_OPERATIONS]


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[httpx.Client]:
    """One in-process mock for all examples: what they do to its state doesn't matter here."""
    document: dict[str, Any] = yaml.safe_load(SCENARIO)
    transport = SyncASGITransport(create_app(document))
    with httpx.Client(transport=transport, base_url=f"http://mock{ROOT}", headers=AUTH) as client:
        yield client


@pytest.mark.parametrize(("method", "path"), FUZZED, ids=[f"{m} {p}" for m, p in FUZZED])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=BODIES)
def test_random_json_bodies_never_get_a_5xx(
    fuzzed: httpx.Client, method: str, path: str, body: dict[str, Any]
) -> None:
    headers = {"Content-Type": JSON, "Prefer": "respond-async"}
    response = fuzzed.request(method, path, content=dumps(body), headers=headers)
    assert response.status_code < 500, response.text
    envelope = response.json()
    assert set(envelope) >= {"success", "errors", "messages", "result"}
    for error in envelope["errors"]:
        assert isinstance(error["code"], int) and error["code"] >= 1000
