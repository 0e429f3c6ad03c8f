"""The bad-input table, part two: query strings, domain names, path tricks and Unicode."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import quote, unquote

from .bad_input_cases import (
    ACCOUNT,
    CONTACT_LEAVES,
    INVALID_DOMAIN,
    NO_ROUTE,
    NOT_FOUND,
    SURROGATE,
    Case,
    body_cases,
    check_cases,
    create,
    create_field_cases,
    dumps,
    get,
    posted,
    update_cases,
    with_registrant,
)

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
                      status=400, code=7000)  # fmt: skip
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
        ("GET", "/registrations/../registrations"),
        ("GET", "/registrations/..%2F..%2Fetc%2Fpasswd"),
        ("GET", "/registrations/mine.com%2F.."),
        ("GET", "/registrations/..%2Fmine.com/update-status"),
        ("PATCH", "/registrations/..%2Fmine.com"),
        ("PUT", "/domains/..%2Fregistrations"),
        ("GET", "/registrations/mine.com/registration-status/.."),
        ("GET", "/./registrations"),
        ("GET", "//registrations"),
        ("GET", f"/client/v4/accounts/{ACCOUNT}/registrar/../registrar/registrations"),
        ("GET", f"/client/v4/accounts/..%2F{ACCOUNT}/registrar/registrations"),
        ("GET", f"/client/v4/accounts/{ACCOUNT}%2F..%2Fother/registrar/registrations"),
    ]
    for method, target in no_route:
        yield Case(f"path-{method}-{target}", method, target, dumps({"auto_renew": True}),
                   NO_ROUTE, None, status=400, code=7000)  # fmt: skip
    # A known path asked with a method it doesn't take: 405, with the same code.
    for method, target in [("DELETE", "/registrations/mine.com"),
                           ("POST", "/registrations/mine.com"),
                           ("PUT", "/registrations/mine.com"), ("DELETE", "/domains/mine.com"),
                           ("DELETE", "/registrations")]:  # fmt: skip
        yield Case(f"path-{method}-{target}", method, target, dumps({"auto_renew": True}),
                   NO_ROUTE, None, status=405, code=7000)  # fmt: skip
    for target in ["/registrations/..", "/registrations/%2E%2E", "/registrations/.%2E",
                   "/registrations/%00", "/registrations/%ED%A0%80.com",
                   "/registrations/%FF.com", "/registrations/%C3%A9%E2%98%83.com",
                   "/domains/..", "/registrations/../update-status"]:  # fmt: skip
        yield get(f"path-GET-{target}", target, INVALID_DOMAIN, "/domain_name")
    # Anything but 32 lowercase hex characters: 7003 naming the path, then 7000.
    wrong = [ACCOUNT.upper(), ACCOUNT[:-1], ACCOUNT + "0", "zone" + ACCOUNT[4:]]
    for account in ["..", "%2E%2E", "a%20b", "%C3%A4cc", "a" * 33, "acc%00", "acc.com", "acme",
                    *wrong]:  # fmt: skip
        path = f"/accounts/{unquote(account)}/registrar/registrations"
        message = f"Could not route to {path}, perhaps your object identifier is invalid?"
        yield get(f"path-account-{account}", f"/client/v4{path.replace(unquote(account), account)}",
                  message, None, status=400, code=7003, also=(7000,))  # fmt: skip
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
