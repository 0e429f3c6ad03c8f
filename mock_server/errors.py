"""Every error the mock can answer with, and its Cloudflare code, in one place.

The model raises :class:`ApiError` (or a subclass); ``envelope.py`` turns it into
the v4 error envelope. Keeping the strings here makes them easy to compare with
the real service, and keeps the model free of HTTP: ``status`` is only a hint
the HTTP layer uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ErrorItem:
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


@dataclass
class ApiError(Exception):
    status: int
    items: list[ErrorItem]
    headers: dict[str, str] = field(default_factory=dict)
    messages: list[dict[str, object]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{item.code}: {item.message}" for item in self.items)


def error(status: int, code: int, message: str, pointer: str | None = None) -> ApiError:
    return ApiError(status, [ErrorItem(code, message, pointer)])


# Cloudflare's generic registrar code: most validation and lookup errors use it.
GENERIC = 10000

# --- routing -------------------------------------------------------------------
NO_ROUTE = 7003
MSG_NO_ROUTE = "No route for the URI"
MSG_BAD_ACCOUNT_ID = "Could not route to the account: the account identifier is invalid"

# --- authentication -----------------------------------------------------------
MISSING_AUTH = 9106
MSG_MISSING_AUTH = "Missing X-Auth-Key, X-Auth-Email or Authorization headers"
INVALID_HEADERS = 6003
MSG_INVALID_HEADERS = "Invalid request headers"
BAD_AUTHORIZATION = ErrorItem(6111, "Invalid format for Authorization header")
BAD_AUTH_EMAIL = ErrorItem(6102, "Invalid format for X-Auth-Email header")
BAD_AUTH_KEY = ErrorItem(6103, "Invalid format for X-Auth-Key header")
INVALID_TOKEN = 9109
MSG_INVALID_TOKEN = "Invalid access token"
UNKNOWN_KEY = 9103
MSG_UNKNOWN_KEY = "Unknown X-Auth-Key or X-Auth-Email"
MSG_AUTH_ERROR = "Authentication error"

# --- domain-search ------------------------------------------------------------
SEARCH_Q_MISSING = 1001
MSG_SEARCH_Q_MISSING = "Missing required parameter: q"
SEARCH_Q_TOO_LONG = 1002
MSG_SEARCH_Q_TOO_LONG = "Parameter q exceeds maximum length of 100 characters"
SEARCH_BARE_EXTENSION = 1003
MSG_SEARCH_BARE_EXTENSION = (
    "Searching with only a domain extension is not supported; provide a keyword or domain name"
)
SEARCH_TOO_MANY_EXTENSIONS = 1004
MSG_SEARCH_TOO_MANY_EXTENSIONS = "Parameter extensions accepts at most 20 values"
SEARCH_BAD_LIMIT = 1005
MSG_SEARCH_BAD_LIMIT = "Parameter limit must be an integer between 1 and 50"

# --- domain-check -------------------------------------------------------------
CHECK_EMPTY = 1006
MSG_CHECK_EMPTY = "domains array must contain at least one domain"
CHECK_TOO_MANY = 1007
MSG_CHECK_TOO_MANY = "domains array exceeds maximum of 20 domains"
CHECK_NONE_VALID = 1008
MSG_CHECK_NONE_VALID = "None of the provided domains are valid or have supported extensions"
MSG_CHECK_ITEM_TYPE = "Each domain must be a string"

# --- request bodies -----------------------------------------------------------
MSG_BODY_NOT_JSON = "Request body is not valid JSON"
MSG_BODY_NOT_OBJECT = "Request body must be a JSON object"
MSG_BODY_TOO_LARGE = "Request body exceeds 1 MiB"
MSG_BODY_INCOMPLETE = "Request body incomplete: the client went away while sending it"
MSG_BODY_NUMBER_RANGE = "Request body holds a number out of range"
MSG_BODY_LONE_SURROGATE = "Request body holds a string with a lone UTF-16 surrogate (not Unicode)"
MSG_BAD_CONTENT_TYPE = "Content-Type must be application/json"
MSG_UNKNOWN_FIELD = "Unknown field: {field}"
MSG_MUST_BE_BOOLEAN = "Must be a boolean"
MSG_MUST_BE_BOOLEAN_IF_PRESENT = "Must be a boolean if present"
MSG_MUST_BE_STRING = "Must be a string"
MSG_MUST_BE_OBJECT = "Must be an object"
MSG_REQUIRED = "{field} is required"
MSG_NO_FIELDS = "At least one updatable field is required: auto_renew"

# --- domains and registrations ------------------------------------------------
MSG_INVALID_DOMAIN = "Invalid domain name"
MSG_DOMAIN_NOT_FOUND = "Domain not found"
MSG_NO_WORKFLOW = "No workflow found for {domain}"
MSG_INVALID_CURSOR = "Invalid pagination cursor"
MSG_BAD_PER_PAGE = "per_page must be an integer between 1 and 50"
MSG_BAD_SORT_BY = "sort_by must be one of registry_created_at, registry_expires_at, name"
MSG_BAD_DIRECTION = "direction must be asc or desc"
MSG_NO_BILLING = "A billing profile with a valid default payment method is required"
MSG_LIMIT_REACHED = "Domain limit reached: you cannot register more than {limit} domains."
MSG_EXTENSION_NOT_SUPPORTED = "Registration is not supported for this extension"
MSG_PREMIUM = "Premium domain registration is not supported by this API"
MSG_UNAVAILABLE = "Domain is not available for registration"
MSG_NO_CONTACT = (
    "No registrant contact provided and no default address book entry found for this account."
)
MSG_YEARS_TYPE = "years must be an integer between 1 and 10"
MSG_YEARS_RANGE = "years must be between {low} and {high} for .{extension}"
MSG_PRIVACY_MODE = "privacy_mode must be one of: redaction, off"
MSG_PHONE = "Must be an E.164 phone number such as +1.5555555555"
MSG_EMAIL = "Must be an email address"
MSG_COUNTRY_CODE = "Must be a two-letter ISO 3166-1 country code"
MSG_REGISTRATION_PENDING = "The registration of {domain} has not completed yet"
MSG_UPDATE_IN_PROGRESS = "An update for {domain} is already in progress"

# --- the rest -----------------------------------------------------------------
INTERNAL = 10001
MSG_INTERNAL = "Internal error in the mock server"
