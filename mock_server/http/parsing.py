"""Parsing: request bodies and query strings into the model's commands, or precise 400s.

Every check names the field at fault with a JSON pointer, so a client sees
exactly which part of its request was wrong. Nothing here changes state: a bad
request is refused before the registrar sees it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from starlette.requests import ClientDisconnect

from registrar_mock import errors as e
from registrar_mock.model.records import (
    Contact,
    PrivacyMode,
    RegistrationRequest,
    SearchQuery,
    TransferQuery,
    TransferRequest,
)
from registrar_mock.names import MAX_NAME_LENGTH, keyword, normalize

MAX_BODY_BYTES = 1024 * 1024
MAX_PER_PAGE = 50
MAX_CHECK_DOMAINS = 20
MAX_SEARCH_EXTENSIONS = 20
MAX_QUERY_LENGTH = 100
MAX_CURSOR_LENGTH = 256
BLANKS = " \t\r\n\f\v"  # what the spec's pattern for q calls blank

_PHONE = re.compile(r"\+[0-9]{1,3}\.[0-9]{1,14}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_COUNTRY = re.compile(r"[A-Z]{2}")
_INTEGER = re.compile(r"[0-9]{1,4}")
# A UTF-16 surrogate on its own (from a "\ud800" escape): it can't be encoded in any answer.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# The longest input that can be a name: 253 characters and a trailing dot.
MAX_NAME_INPUT = MAX_NAME_LENGTH + 1

CREATE_FIELDS = frozenset(
    {"domain_name", "years", "auto_renew", "privacy_mode", "contacts",
     "acknowledgements", "contact_extensions"}
)  # fmt: skip
TRANSFER_FIELDS = frozenset(
    {"auth_code", "auto_renew", "privacy_mode", "contacts", "contact_extensions"}
)
CONTACT_ROLES = ("registrant", "administrator", "billing", "technical")
MAX_TRANSFER_CHECK = 10
EXTENSION_SORTS = ("name", "created_at", "updated_at")
LEGACY_UPDATE_FIELDS = ("auto_renew", "locked", "privacy")


# --- bodies -------------------------------------------------------------------


def check_content_type(content_type: str | None) -> None:
    if content_type is None:
        return
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime != "application/json" and not mime.endswith("+json"):
        raise e.BAD_CONTENT_TYPE()


async def read_body(chunks: AsyncIterator[bytes]) -> bytes:
    """A request body (``request.stream()``), holding at most ``MAX_BODY_BYTES`` of it.

    A larger body is read to its end but not kept, so the client gets its 413
    instead of a reset connection, and memory stays bounded however much it sends.
    """
    kept: list[bytes] = []
    size = 0
    try:
        async for chunk in chunks:
            size += len(chunk)
            if size <= MAX_BODY_BYTES:
                kept.append(chunk)
    except ClientDisconnect:
        # Nobody will read the answer, but it is logged and journaled as the client's doing.
        raise e.BODY_INCOMPLETE() from None
    if size > MAX_BODY_BYTES:
        raise e.BODY_TOO_LARGE()
    return b"".join(kept)


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise OverflowError(text)
    return number


def parse_json_object(raw: bytes) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise e.BODY_TOO_LARGE()
    if not raw.strip():
        raise e.BODY_NOT_OBJECT()
    try:
        # NaN and Infinity are not JSON; 1e400 is, but no number the API takes.
        value = json.loads(raw, parse_constant=_not_json, parse_float=_finite)
    except OverflowError:
        raise e.BODY_NUMBER_RANGE() from None
    except (ValueError, RecursionError):
        raise e.BODY_NOT_JSON() from None
    if not isinstance(value, dict):
        raise e.BODY_NOT_OBJECT()
    if b"\\u" in raw or not raw.isascii():
        pointer = _lone_surrogate(value)
        if pointer is not None:
            raise e.BODY_LONE_SURROGATE(at=pointer or None)
    return value


def _lone_surrogate(value: Any) -> str | None:
    """The JSON pointer of a string holding a lone surrogate, or None.

    Iterative, as the value may nest as deeply as the parser allowed.
    """
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        at, item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return at
        elif isinstance(item, dict):
            for key, member in item.items():
                if _SURROGATE.search(key):
                    return at  # the key itself can't go into a pointer
                pending.append((f"{at}/{_escape(key)}", member))
        elif isinstance(item, list):
            pending.extend((f"{at}/{index}", member) for index, member in enumerate(item))
    return None


def _reject_unknown(
    body: Mapping[str, Any], allowed: frozenset[str] | Sequence[str], at: str = ""
) -> None:
    for field in body:
        if field not in allowed:
            raise e.UNKNOWN_FIELD(at=f"{at}/{_escape(field)}", field=field)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _string(body: Mapping[str, Any], field: str, at: str) -> str:
    """A required, non-blank string member."""
    value = body.get(field)
    if value is None:
        raise e.REQUIRED(at=f"{at}/{field}", field=field)
    if not isinstance(value, str) or not value.strip():
        raise e.MUST_BE_STRING(at=f"{at}/{field}")
    return value


def _optional_string(body: Mapping[str, Any], field: str, at: str) -> str | None:
    """A string member that may be left out (an explicit null is still refused)."""
    if field not in body:
        return None
    value = body[field]
    if not isinstance(value, str):
        if value is None:
            raise e.REQUIRED(at=f"{at}/{field}", field=field)
        raise e.MUST_BE_STRING(at=f"{at}/{field}")
    return value


def _object(value: Any, pointer: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise e.MUST_BE_OBJECT(at=pointer)
    return value


def domain_name_or_400(value: Any, pointer: str = "/domain_name") -> str:
    # Too long to be a name: refused before normalize(), whose cache would keep it.
    if not isinstance(value, str) or len(value) > MAX_NAME_INPUT:
        raise e.INVALID_DOMAIN(at=pointer)
    name = normalize(value)
    # normalize() strips one trailing dot; "a.com.." would come back as "a.com.".
    if name is None or name.endswith("."):
        raise e.INVALID_DOMAIN(at=pointer)
    return name


def parse_check(body: Mapping[str, Any]) -> list[str]:
    _reject_unknown(body, ("domains",))
    domains = body.get("domains")
    if domains is None:
        raise e.CHECK_EMPTY(at="/domains")
    if not isinstance(domains, list):
        raise e.CHECK_NOT_A_LIST(at="/domains")
    if not domains:
        raise e.CHECK_EMPTY(at="/domains")
    if len(domains) > MAX_CHECK_DOMAINS:
        raise e.CHECK_TOO_MANY(at="/domains")
    for index, item in enumerate(domains):
        if not isinstance(item, str):
            raise e.CHECK_ITEM_TYPE(at=f"/domains/{index}")
    # Malformed names are left out of the answer, as documented. Those too long to be names
    # are dropped before normalize(), so megabyte strings stay out of its cache.
    names = (normalize(item) for item in domains if len(item) <= MAX_NAME_INPUT)
    return [name for name in names if name is not None]


def parse_create(body: Mapping[str, Any]) -> RegistrationRequest:
    _reject_unknown(body, CREATE_FIELDS)
    if "domain_name" not in body or body["domain_name"] is None:
        raise e.REQUIRED(at="/domain_name", field="domain_name")
    name = domain_name_or_400(body["domain_name"])

    years = body.get("years")
    if years is not None and (
        isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= 10
    ):
        raise e.YEARS_TYPE(at="/years")
    if "years" in body and years is None:
        raise e.YEARS_TYPE(at="/years")

    auto_renew = _auto_renew(body)
    privacy = _privacy_mode(body)
    registrant = _registrant(body, ("acknowledgements", "contact_extensions"))
    return RegistrationRequest(
        domain_name=name,
        years=years,
        auto_renew=auto_renew,
        privacy_mode=privacy,
        registrant=registrant,
    )


def parse_transfer_in(domain: str, body: Mapping[str, Any]) -> TransferRequest:
    """A transfer-in body; the domain comes from the path."""
    _reject_unknown(body, TRANSFER_FIELDS)
    auth_code = _optional_string(body, "auth_code", "")
    return TransferRequest(
        domain_name=domain,
        auth_code=auth_code,
        auto_renew=_auto_renew(body),
        privacy_mode=_privacy_mode(body),
        registrant=_registrant(body, ("contact_extensions",)),
    )


def parse_transfer_check(body: Mapping[str, Any]) -> list[TransferQuery]:
    _reject_unknown(body, ("domains",))
    domains = body.get("domains")
    if domains is None:
        raise e.TRANSFER_CHECK_EMPTY(at="/domains")
    if not isinstance(domains, list):
        raise e.CHECK_NOT_A_LIST(at="/domains")
    if not domains:
        raise e.TRANSFER_CHECK_EMPTY(at="/domains")
    if len(domains) > MAX_TRANSFER_CHECK:
        raise e.TRANSFER_CHECK_TOO_MANY(at="/domains")
    queries = []
    for index, item in enumerate(domains):
        at = f"/domains/{index}"
        if not isinstance(item, dict):
            raise e.TRANSFER_CHECK_ITEM(at=at)
        _reject_unknown(item, ("domain_name", "auth_code"), at)
        given = _string(item, "domain_name", at)
        auth_code = _optional_string(item, "auth_code", at)
        # A malformed name is answered, keyed as sent, with domain_unsupported.
        name = normalize(given) if len(given) <= MAX_NAME_INPUT else None
        queries.append(TransferQuery(given, name, auth_code))
    return queries


def _auto_renew(body: Mapping[str, Any]) -> bool:
    auto_renew = body.get("auto_renew", False)
    if not isinstance(auto_renew, bool):
        raise e.MUST_BE_BOOLEAN(at="/auto_renew")
    return auto_renew


def _privacy_mode(body: Mapping[str, Any]) -> PrivacyMode:
    privacy = body.get("privacy_mode", "redaction")
    if privacy is False:
        # Cloudflare's published schema lists `false` where the docs say "off".
        privacy = "off"
    if privacy not in ("redaction", "off"):
        raise e.PRIVACY_MODE(at="/privacy_mode")
    return PrivacyMode(privacy)


def _registrant(body: Mapping[str, Any], objects: Sequence[str]) -> Contact | None:
    """The registrant given in ``contacts``, each role checked; ``objects`` name the
    free-form members that must at least be objects."""
    registrant = None
    for field in objects:
        if field in body:
            _object(body[field], f"/{field}")
    if "contacts" in body:
        contacts = _object(body["contacts"], "/contacts")
        _reject_unknown(contacts, CONTACT_ROLES, "/contacts")
        for role in CONTACT_ROLES:
            if role in contacts:
                contact = parse_contact(contacts[role], f"/contacts/{role}")
                if role == "registrant":
                    registrant = contact
    return registrant


def parse_contact(value: Any, at: str) -> Contact:
    contact = _object(value, at)
    _reject_unknown(contact, ("email", "phone", "postal_info", "fax"), at)
    email = _string(contact, "email", at)
    if not _EMAIL.fullmatch(email):
        raise e.EMAIL(at=f"{at}/email")
    phone = _string(contact, "phone", at)
    if not _PHONE.fullmatch(phone):
        raise e.PHONE(at=f"{at}/phone")
    fax = _optional_string(contact, "fax", at)
    if fax is not None and not _PHONE.fullmatch(fax):
        raise e.PHONE(at=f"{at}/fax")
    if "postal_info" not in contact:
        raise e.REQUIRED(at=f"{at}/postal_info", field="postal_info")
    postal = _object(contact["postal_info"], f"{at}/postal_info")
    _reject_unknown(postal, ("name", "organization", "address"), f"{at}/postal_info")
    name = _string(postal, "name", f"{at}/postal_info")
    organization = _optional_string(postal, "organization", f"{at}/postal_info")
    address_at = f"{at}/postal_info/address"
    if "address" not in postal:
        raise e.REQUIRED(at=address_at, field="address")
    address = _object(postal["address"], address_at)
    fields = ("street", "city", "state", "postal_code", "country_code")
    _reject_unknown(address, fields, address_at)
    street, city, state, postal_code, country = (_string(address, f, address_at) for f in fields)
    if not _COUNTRY.fullmatch(country):
        raise e.COUNTRY_CODE(at=f"{address_at}/country_code")
    return Contact(
        email=email,
        phone=phone,
        name=name,
        street=street,
        city=city,
        state=state,
        postal_code=postal_code,
        country_code=country,
        organization=organization,
        fax=fax,
    )


def parse_patch(body: Mapping[str, Any]) -> bool:
    _reject_unknown(body, ("auto_renew",))
    if "auto_renew" not in body:
        raise e.NO_FIELDS()
    auto_renew = body["auto_renew"]
    if not isinstance(auto_renew, bool):
        raise e.MUST_BE_BOOLEAN_IF_PRESENT(at="/auto_renew")
    return auto_renew


def parse_legacy_update(body: Mapping[str, Any]) -> dict[str, bool]:
    _reject_unknown(body, LEGACY_UPDATE_FIELDS)
    changes: dict[str, bool] = {}
    for field in LEGACY_UPDATE_FIELDS:
        if field in body:
            value = body[field]
            if not isinstance(value, bool):
                raise e.MUST_BE_BOOLEAN_IF_PRESENT(at=f"/{field}")
            changes[field] = value
    return changes


# --- query strings ------------------------------------------------------------


def single(params: Any, name: str) -> str | None:
    """The one value of a query parameter; repeating a single-valued one is an error."""
    values: list[str] = params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise e.REPEATED_PARAMETER(at=f"/{name}", name=name)
    return values[0]


def bounded_int(raw: str | None, default: int, low: int, high: int) -> int | None:
    """``raw`` as an integer within [low, high], the default when absent, or None if invalid."""
    if raw is None:
        return default
    text = raw.strip()
    if not _INTEGER.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_search(params: Any) -> tuple[SearchQuery, list[str] | None, int]:
    query = single(params, "q")
    if not query or not query.strip(BLANKS):
        raise e.SEARCH_Q_MISSING(at="/q")
    if len(query) > MAX_QUERY_LENGTH:
        raise e.SEARCH_Q_TOO_LONG(at="/q")
    extensions: list[str] | None = None
    raw_extensions: list[str] = params.getlist("extensions")
    if raw_extensions:
        # Accept both `extensions=com,net` and `extensions=com&extensions=net`.
        items = [p.strip() for raw in raw_extensions for p in raw.split(",")]
        # The limit counts every item sent, blank ones too, as the spec's maxItems does.
        if len(items) > MAX_SEARCH_EXTENSIONS:
            raise e.SEARCH_TOO_MANY_EXTENSIONS(at="/extensions")
        extensions = [item for item in items if item]
    limit = bounded_int(single(params, "limit"), 20, 1, 50)
    if limit is None:
        raise e.SEARCH_BAD_LIMIT(at="/limit")
    text = query.strip().lower()
    name = normalize(text) if "." in text else None
    return SearchQuery(text, keyword(text), name), extensions, limit


def parse_list(params: Any) -> tuple[str, str, int, str | None]:
    # An empty value is not an omitted one: `direction=` is refused like any other bad value.
    sort_by = single(params, "sort_by")
    if sort_by is None:
        sort_by = "registry_created_at"
    if sort_by not in ("registry_created_at", "registry_expires_at", "name"):
        raise e.BAD_SORT_BY(at="/sort_by")
    return (sort_by, *_page(params))


def parse_extension_list(params: Any) -> tuple[str | None, str, str, int, str | None]:
    """name filter, sort_by, direction, per_page, cursor."""
    name = single(params, "name")
    sort_by = single(params, "sort_by")
    if sort_by is None:
        sort_by = "name"
    if sort_by not in EXTENSION_SORTS:
        raise e.BAD_EXTENSION_SORT(at="/sort_by")
    return (name.strip().lower().removeprefix(".") if name is not None else None, sort_by,
            *_page(params))  # fmt: skip


def _page(params: Any) -> tuple[str, int, str | None]:
    per_page = bounded_int(single(params, "per_page"), 20, 1, MAX_PER_PAGE)
    if per_page is None:
        raise e.BAD_PER_PAGE(at="/per_page")
    direction = single(params, "direction")
    if direction is None:
        direction = "asc"
    if direction not in ("asc", "desc"):
        raise e.BAD_DIRECTION(at="/direction")
    cursor = single(params, "cursor")
    if cursor is not None and len(cursor) > MAX_CURSOR_LENGTH:
        raise e.INVALID_CURSOR(at="/cursor")
    return direction, per_page, cursor
