"""The bad-input table, part one: bodies, every field of a create, updates and checks.

Each :class:`Case` is one request written as raw bytes and the one 4xx (status, code,
message and pointer) it must get; ``test_bad_input`` sends them to a real server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ACCOUNT = "ac0ac0ac0ac0ac0ac0ac0ac0ac0ac0ac"
ROOT = f"/client/v4/accounts/{ACCOUNT}/registrar"
MiB = 1024 * 1024
AUTH = {"Authorization": "Bearer bad-input-token-000000000000000000000000"}
JSON = "application/json"

SCENARIO = """
name: bad-input
open_accounts: true
extensions:
  entries:
    - {name: ai, channel: api, registration_cost: "140.00", renewal_cost: "70.00", min_years: 2}
accounts:
  - id: ac0ac0ac0ac0ac0ac0ac0ac0ac0ac0ac
    registrations:
      - {domain: mine.com, created_at: "2025-03-01T00:00:00Z", expires_at: "2027-03-01T00:00:00Z"}
workflows:
  registration: {default: [{state: in_progress, for: 0s}, {state: succeeded}]}
  update: {default: [{state: in_progress, for: 0s}, {state: succeeded}]}
"""

# uvicorn on create_app() with its default virtual clock: exports repeat exactly.
LAUNCHER = """
import sys, uvicorn
from registrar_mock import MockApp, create_app
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
NO_ROUTE = "No route for that URI"

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
    also: tuple[int, ...] = ()  # the codes of the errors after the first, in order

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
    # The legacy endpoint refuses a domain the account doesn't hold as Cloudflare's does.
    yield Case("legacy-update-someone-elses", "PUT", "/domains/example.com",
               dumps({"locked": False}), "Domain doesn't belong to the user", None,
               status=403)  # fmt: skip


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
