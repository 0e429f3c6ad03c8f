"""The error catalogue: every refusal the mock can answer with, defined once.

Each entry is a :class:`Problem`: an HTTP status, a Cloudflare error code and a
message template. Code raises one by calling it, ``raise DOMAIN_NOT_FOUND()`` or
``raise YEARS_RANGE(at="/years", low=1, high=10, extension="com")``, and gets a
typed exception; the HTTP layer turns any :class:`ApiError` into the v4 error
envelope in one place. Keeping every string here makes them easy to compare with
the real service, and keeps the model free of HTTP: the model names problems,
it never builds responses.

The exception classes also derive from the matching built-in, so Python callers
of the control plane can catch ``ValueError`` or ``LookupError`` as usual::

    ApiError
     ├── InvalidRequest (ValueError)   400, 413, 415, 431
     ├── Unauthorised (PermissionError) 401, 403
     ├── NotFound (LookupError)        404
     ├── Conflict                      409
     └── Unavailable                   5xx

This module imports only the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ErrorItem:
    """One entry of an envelope's ``errors`` list."""

    code: int
    message: str
    pointer: str | None = None
    chain: tuple[ErrorItem, ...] = ()

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.pointer is not None:
            body["source"] = {"pointer": self.pointer}
        if self.chain:
            body["error_chain"] = [item.to_json() for item in self.chain]
        return body


class ApiError(Exception):
    """A refusal: its status, its error items, and any headers and messages to send."""

    def __init__(
        self,
        status: int,
        items: list[ErrorItem],
        headers: dict[str, str] | None = None,
        messages: list[dict[str, object]] | None = None,
    ) -> None:
        super().__init__("; ".join(f"{item.code}: {item.message}" for item in items))
        self.status = status
        self.items = items
        self.headers: dict[str, str] = dict(headers or {})
        self.messages: list[dict[str, object]] = list(messages or [])

    @property
    def code(self) -> int:
        return self.items[0].code

    @property
    def message(self) -> str:
        return self.items[0].message


class InvalidRequest(ApiError, ValueError):
    pass


class Unauthorised(ApiError, PermissionError):
    pass


class NotFound(ApiError, LookupError):
    pass


class Conflict(ApiError):
    pass


class Unavailable(ApiError):
    pass


def _kind(status: int) -> type[ApiError]:
    if status in (401, 403):
        return Unauthorised
    if status == 404:
        return NotFound
    if status == 409:
        return Conflict
    if status >= 500:
        return Unavailable
    return InvalidRequest


@dataclass(frozen=True, slots=True)
class Problem:
    """One kind of refusal. Call it to get the exception to raise."""

    status: int
    code: int
    template: str
    headers: tuple[tuple[str, str], ...] = field(default=())

    def item(self, *, at: str | None = None, **fields: Any) -> ErrorItem:
        return ErrorItem(self.code, self.template.format(**fields) if fields else self.template, at)

    def __call__(
        self, *, at: str | None = None, chain: tuple[ErrorItem, ...] = (), **fields: Any
    ) -> ApiError:
        item = self.item(at=at, **fields)
        if chain:
            item = ErrorItem(item.code, item.message, item.pointer, chain)
        return _kind(self.status)(self.status, [item], dict(self.headers))


def problem(status: int, code: int, template: str, **headers: str) -> Problem:
    return Problem(status, code, template, tuple(headers.items()))


# Cloudflare's generic code: most of the Registrar's validation and lookup errors use it.
GENERIC = 10000

# --- routing (Cloudflare's edge answers these before any product sees the request) ---------
NO_ROUTE = problem(400, 7000, "No route for that URI")
# A known path asked with a method it doesn't take: HTTP says 405 (with Allow).
METHOD_NOT_ALLOWED = problem(405, 7000, "No route for that URI")
# An identifier in the path that can't be one: answered with NO_ROUTE after it.
BAD_IDENTIFIER = problem(
    400, 7003, "Could not route to {path}, perhaps your object identifier is invalid?"
)


def bad_identifier(path: str) -> ApiError:
    """Cloudflare's answer to a malformed identifier: 7003 naming the path, then 7000."""
    error = BAD_IDENTIFIER(path=path)
    error.items.append(NO_ROUTE.item())
    return error


# --- authentication ---------------------------------------------------------------
MISSING_AUTH = problem(400, 9106, "Missing X-Auth-Key, X-Auth-Email or Authorization headers")
INVALID_HEADERS = problem(400, 6003, "Invalid request headers")
# The error_chain entries of INVALID_HEADERS: which header was malformed.
BAD_AUTHORIZATION = ErrorItem(6111, "Invalid format for Authorization header")
BAD_AUTH_EMAIL = ErrorItem(6102, "Invalid format for X-Auth-Email header")
BAD_AUTH_KEY = ErrorItem(6103, "Invalid format for X-Auth-Key header")
INVALID_TOKEN = problem(403, 9109, "Invalid access token")
UNKNOWN_KEY = problem(403, 9103, "Unknown X-Auth-Key or X-Auth-Email")
NOT_ALLOWED = problem(403, GENERIC, "Authentication error")
NOT_THE_USERS_DOMAIN = problem(403, GENERIC, "Domain doesn't belong to the user")

# --- domain-search -----------------------------------------------------------------
SEARCH_Q_MISSING = problem(400, 1001, "Missing required parameter: q")
SEARCH_Q_TOO_LONG = problem(400, 1002, "Parameter q exceeds maximum length of 100 characters")
SEARCH_BARE_EXTENSION = problem(
    400,
    1003,
    "Searching with only a domain extension is not supported; provide a keyword or domain name",
)
SEARCH_TOO_MANY_EXTENSIONS = problem(400, 1004, "Parameter extensions accepts at most 20 values")
SEARCH_BAD_LIMIT = problem(400, 1005, "Parameter limit must be an integer between 1 and 50")
REPEATED_PARAMETER = problem(400, GENERIC, "Parameter {name} must be given at most once")

# --- domain-check ------------------------------------------------------------------
CHECK_EMPTY = problem(400, 1006, "domains array must contain at least one domain")
CHECK_TOO_MANY = problem(400, 1007, "domains array exceeds maximum of 20 domains")
CHECK_NONE_VALID = problem(
    400, 1008, "None of the provided domains are valid or have supported extensions"
)
CHECK_NOT_A_LIST = problem(400, GENERIC, "domains must be an array of domain names")
CHECK_ITEM_TYPE = problem(400, GENERIC, "Each domain must be a string")

# --- request bodies ----------------------------------------------------------------
BODY_NOT_JSON = problem(400, GENERIC, "Request body is not valid JSON")
BODY_NOT_OBJECT = problem(400, GENERIC, "Request body must be a JSON object")
BODY_TOO_LARGE = problem(413, GENERIC, "Request body exceeds 1 MiB")
BODY_INCOMPLETE = problem(
    400, GENERIC, "Request body incomplete: the client went away while sending it"
)
BODY_NUMBER_RANGE = problem(400, GENERIC, "Request body holds a number out of range")
BODY_LONE_SURROGATE = problem(
    400, GENERIC, "Request body holds a string with a lone UTF-16 surrogate (not Unicode)"
)
BAD_CONTENT_TYPE = problem(415, GENERIC, "Content-Type must be application/json")
UNKNOWN_FIELD = problem(400, GENERIC, "Unknown field: {field}")
MUST_BE_BOOLEAN = problem(400, GENERIC, "Must be a boolean")
MUST_BE_BOOLEAN_IF_PRESENT = problem(400, GENERIC, "Must be a boolean if present")
MUST_BE_STRING = problem(400, GENERIC, "Must be a string")
MUST_BE_OBJECT = problem(400, GENERIC, "Must be an object")
REQUIRED = problem(400, GENERIC, "{field} is required")
NO_FIELDS = problem(400, GENERIC, "At least one updatable field is required: auto_renew")
PHONE = problem(400, GENERIC, "Must be an E.164 phone number such as +1.5555555555")
EMAIL = problem(400, GENERIC, "Must be an email address")
COUNTRY_CODE = problem(400, GENERIC, "Must be a two-letter ISO 3166-1 country code")

# --- registrations -----------------------------------------------------------------
INVALID_DOMAIN = problem(400, GENERIC, "Invalid domain name")
DOMAIN_NOT_FOUND = problem(404, GENERIC, "Domain not found")
NO_WORKFLOW = problem(404, GENERIC, "No workflow found for {domain}")
INVALID_CURSOR = problem(400, GENERIC, "Invalid pagination cursor")
BAD_PER_PAGE = problem(400, GENERIC, "per_page must be an integer between 1 and 50")
BAD_SORT_BY = problem(
    400, GENERIC, "sort_by must be one of registry_created_at, registry_expires_at, name"
)
BAD_DIRECTION = problem(400, GENERIC, "direction must be asc or desc")
NO_BILLING = problem(
    400, GENERIC, "A billing profile with a valid default payment method is required"
)
LIMIT_REACHED = problem(
    400, GENERIC, "Domain limit reached: you cannot register more than {limit} domains."
)
EXTENSION_NOT_SUPPORTED = problem(400, GENERIC, "Registration is not supported for this extension")
PREMIUM = problem(400, GENERIC, "Premium domain registration is not supported by this API")
UNAVAILABLE = problem(400, GENERIC, "Domain is not available for registration")
NO_CONTACT = problem(
    400,
    GENERIC,
    "No registrant contact provided and no default address book entry found for this account.",
)
NO_EXPRESS_MODE = problem(
    400,
    GENERIC,
    "The Registrar Sandbox has no express mode: give the registrant in contacts.registrant",
)
YEARS_TYPE = problem(400, GENERIC, "years must be an integer between 1 and 10")
YEARS_RANGE = problem(400, GENERIC, "years must be between {low} and {high} for .{extension}")
PRIVACY_MODE = problem(400, GENERIC, "privacy_mode must be one of: redaction, off")
REGISTRATION_PENDING = problem(409, GENERIC, "The registration of {domain} has not completed yet")
UPDATE_IN_PROGRESS = problem(409, GENERIC, "An update for {domain} is already in progress")

# --- extensions ---------------------------------------------------------------------
EXTENSION_NOT_FOUND = problem(404, GENERIC, "Extension not found")
BAD_EXTENSION_SORT = problem(400, GENERIC, "sort_by must be one of name, created_at, updated_at")

# --- transfers in --------------------------------------------------------------------
TRANSFER_CHECK_EMPTY = problem(400, GENERIC, "domains array must contain at least one domain")
TRANSFER_CHECK_TOO_MANY = problem(400, GENERIC, "domains array exceeds maximum of 10 domains")
TRANSFER_CHECK_ITEM = problem(
    400, GENERIC, "Each entry must be an object with domain_name and, optionally, auth_code"
)
TRANSFER_EXTENSION_NOT_SUPPORTED = problem(
    400, GENERIC, "Transfers are not supported for this extension"
)
TRANSFER_EXTENSION_DASHBOARD_ONLY = problem(
    400, GENERIC, "Transfers of this extension are not supported through the API; use the dashboard"
)
TRANSFER_EXTENSION_FROZEN = problem(
    400, GENERIC, "The registry for this extension is not accepting transfers"
)
TRANSFER_PREMIUM = problem(400, GENERIC, "Premium domain transfers are not supported by this API")
TRANSFER_ON_CLOUDFLARE = problem(400, GENERIC, "{domain} is already registered with Cloudflare")
TRANSFER_NOT_REGISTERED = problem(
    400, GENERIC, "{domain} is not registered, so there is nothing to transfer; register it instead"
)
TRANSFER_LOCKED = problem(
    400, GENERIC, "{domain} is locked at its current registrar: unlock it there, then try again"
)
TRANSFER_REGISTRY_STATUS = problem(
    400, GENERIC, "A status at the registry prevents transferring {domain}"
)
TRANSFER_WINDOW = problem(
    400,
    GENERIC,
    "{domain} cannot be transferred within 60 days of its registration or its last transfer",
)
TRANSFER_MAX_TERM = problem(
    400,
    GENERIC,
    "Transferring {domain} would take its expiry past the registry's maximum of 10 years",
)
AUTH_CODE_REQUIRED = problem(
    400, GENERIC, "auth_code is required to transfer a .{extension} domain"
)
AUTH_CODE_FORMAT = problem(400, GENERIC, "auth_code must be base64-encoded (RFC 4648 section 4)")
ZONE_NOT_FOUND = problem(
    400, GENERIC, "No zone for {domain} in this account: add the domain to Cloudflare first"
)
ZONE_STATUS_INVALID = problem(
    400, GENERIC, "The zone for {domain} must be active before the domain can be transferred"
)
ZONE_PLAN_INVALID = problem(
    400, GENERIC, "The zone for {domain} must use a full setup (Cloudflare's nameservers)"
)
DNSSEC_ENABLED = problem(
    400, GENERIC, "Disable DNSSEC on the zone for {domain} before transferring it"
)
TRANSFER_IN_PROGRESS = problem(409, GENERIC, "The transfer of {domain} has not completed yet")
NO_TRANSFER_PENDING = problem(
    409, GENERIC, "No transfer of {domain} is waiting for the losing registrar"
)

# --- the control plane (/__mock__) ----------------------------------------------------
CONTROL_NO_ROUTE = problem(
    404, GENERIC, "No such control endpoint; they are listed at GET /__mock__/openapi.json"
)
CONTROL_METHOD = problem(405, GENERIC, "This control endpoint does not take that method")
CONTROL_TOKEN_REQUIRED = problem(
    401,
    GENERIC,
    "The control API needs Authorization: Bearer <control token>",
    **{"WWW-Authenticate": 'Bearer realm="registrar-mock control"'},
)
CONTROL_INVALID = problem(400, GENERIC, "{detail}")
CONTROL_NEEDS_JSON = problem(
    415, GENERIC, "The control API takes changes only with Content-Type: application/json"
)
CROSS_SITE_REFUSED = problem(
    403,
    GENERIC,
    "The control API refuses requests from other web sites: only the mock's own pages, and "
    "programs, may drive it",
)
HOST_REFUSED = problem(
    403,
    GENERIC,
    "Host {host!r} is not a name of this server: listening on loopback, it answers only to "
    "loopback names and those given with --allow-host",
)
SCENARIO_INVALID = problem(400, GENERIC, "{detail}")
SCENARIO_NOT_ALLOWED = problem(403, GENERIC, "{detail}")
STATE_INVALID = problem(400, GENERIC, "{detail}")
FAULT_INVALID = problem(400, GENERIC, "{detail}")
BAD_DURATION = problem(
    400,
    GENERIC,
    '{value} is not a duration: give seconds (90 or 1.5), a string such as "90", "500ms", "30s", '
    '"5m", "2h" or "3d", or a timedelta; from 0 to 100 years',
)
BAD_TIMESTAMP = problem(
    400, GENERIC, "{value} is not an RFC 3339 timestamp with a timezone, from 1970 to 9000"
)
CLOCK_BACKWARDS = problem(400, GENERIC, "the clock only moves forward")
CLOCK_LIMIT = problem(400, GENERIC, "the clock stops at {limit}")
CLOCK_FIXED = problem(409, GENERIC, "this clock cannot be moved")
NO_SUCH_ACCOUNT = problem(404, GENERIC, "no account {account!r}")
NO_SUCH_FAULT = problem(404, GENERIC, "no fault {fault}")
TOO_MANY_PAGES = problem(
    503,
    GENERIC,
    "Too many inspector pages are open (at most {limit}); close one and reload",
    **{"Retry-After": "5"},
)
NO_SUCH_ENTRY = problem(
    404, GENERIC, "no journal entry {seq}: it never was, or it has been dropped"
)
NO_ACTION_REQUIRED = problem(409, GENERIC, "No action is required for {domain}")

# --- the server's own limits ----------------------------------------------------------
HEADERS_TOO_LARGE = problem(431, GENERIC, "The request's headers exceed {limit} KiB")
# What the HTTP parser refuses (a malformed request line, header or Content-Length).
MALFORMED_REQUEST = problem(400, GENERIC, "Invalid HTTP request received")
TOO_MANY_CONNECTIONS = problem(
    503,
    10503,
    "Too many open connections (at most {limit}); try again shortly",
    **{"Retry-After": "1"},
)

# --- the state file -------------------------------------------------------------------
STATE_NOT_SAVED = problem(
    503,
    10503,
    "The change was not saved, and was undone: {reason}. Try again once the state file can "
    "be written.",
    **{"Retry-After": "5"},
)
STATE_FILE_UNUSABLE = problem(
    503,
    10503,
    "The state file can no longer be written ({reason}); this server accepts no more "
    "changes until it is restarted.",
)

# --- the rest ----------------------------------------------------------------------
INTERNAL = problem(500, 10001, "Internal error in the mock server")
