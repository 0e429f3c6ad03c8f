"""The logic both clients share: configuration, request building, and one flow per operation.

Nothing here performs I/O. Each public operation is a flow (see ``_flow``);
``RegistrarClient`` and ``AsyncRegistrarClient`` only drive them.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast
from urllib.parse import quote

import httpx

from registrar_mock.client import _durations
from registrar_mock.client._durations import Duration
from registrar_mock.client._envelope import Envelope
from registrar_mock.client._flow import Flow, Stream
from registrar_mock.client._paging import fetch_page, walk_pages
from registrar_mock.client._polling import (
    TRANSFER_POLL,
    OnBlocked,
    PollPolicy,
    check_timeout,
    is_transfer,
    wait_for,
    with_blocked_interval,
)
from registrar_mock.client._registering import create_registration, start_workflow
from registrar_mock.client._retry import RetryPolicy, send_safely
from registrar_mock.client.errors import ResponseFormatError, SandboxUnsupportedError
from registrar_mock.client.legacy import LegacyDomain
from registrar_mock.client.models import (
    Contact,
    Direction,
    DomainAvailability,
    Extension,
    ExtensionSortBy,
    Page,
    PrivacyMode,
    Registration,
    SortBy,
    TransferCheckResult,
    WorkflowStatus,
    availability_list,
    transfer_check_results,
)

DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4"
DEFAULT_TIMEOUT = 60.0  # seconds; a create may be held open while the registration runs
USER_AGENT = "registrar-mock-client/0.1"

PRODUCTION_SEGMENT = "registrar"
SANDBOX_SEGMENT = "registrar-sandbox"

Registrant = Contact | Mapping[str, Any]
# An auth (EPP) code: text is sent as is and must already be base64 (RFC 4648 section 4),
# as the API wants it; bytes are the code itself, which the client base64-encodes.
AuthCode = str | bytes
# One domain of a transfer check: a name, or a name and its auth code.
TransferQuery = str | tuple[str, AuthCode | None]


class BaseClient:
    def __init__(
        self,
        account_id: str,
        *,
        api_token: str | None = None,
        api_email: str | None = None,
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: Duration | httpx.Timeout | None = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        poll: PollPolicy | None = None,
        transfer_poll: PollPolicy | None = None,
        sandbox: bool = False,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not account_id:
            raise ValueError("account_id is required")
        self.account_id = account_id
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.poll = poll or PollPolicy()
        self.transfer_poll = transfer_poll or TRANSFER_POLL
        self.sandbox = sandbox
        self.monotonic = monotonic
        self._timeout = http_timeout(timeout)
        self._headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        self._headers.update(auth_headers(api_token, api_email, api_key))
        self._auth = "api_token" if api_token is not None else "api_key"

    def __repr__(self) -> str:
        """Which account, where, and in which environment; never a credential, only its kind."""
        return (
            f"<{type(self).__name__} account_id={self.account_id!r} base_url={self.base_url!r} "
            f"sandbox={self.sandbox} auth={self._auth}>"
        )

    # --- requests -------------------------------------------------------------

    def url_for(self, path: str) -> str:
        """An absolute URL for a path relative to the API root (as ``links`` give them)."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _link(self, link: str) -> str:
        """A link from the server, refused if it would take the credentials to another host."""
        if link.startswith(("http://", "https://")) and not link.startswith(f"{self.base_url}/"):
            raise ResponseFormatError(f"refusing to follow a link off the API: {link}")
        return link

    @property
    def environment(self) -> str:
        """The path segment of the client's environment: ``registrar`` or ``registrar-sandbox``."""
        return SANDBOX_SEGMENT if self.sandbox else PRODUCTION_SEGMENT

    def _registrar_path(self, *parts: str) -> str:
        quoted = "".join(f"/{quote(part, safe='')}" for part in parts)
        return f"/accounts/{quote(self.account_id, safe='')}/{self.environment}{quoted}"

    def _production_only(self, operation: str) -> None:
        if self.sandbox:
            raise SandboxUnsupportedError(operation)

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Request:
        return httpx.Request(
            method,
            self.url_for(path),
            params=tuple(params or ()),
            json=json,
            headers={**self._headers, **(headers or {})},
            extensions={"timeout": self._timeout.as_dict()},
        )

    def _get(self, *parts: str, params: list[tuple[str, str]] | None = None) -> httpx.Request:
        return self.build_request("GET", self._registrar_path(*parts), params=params)

    # --- discovery ------------------------------------------------------------

    def _search_flow(
        self, query: str, extensions: Iterable[str] | None, limit: int | None
    ) -> Flow[list[DomainAvailability]]:
        params = [("q", query)]
        if extensions:
            # The spec's form style with explode: false: one comma-separated value.
            params.append(("extensions", ",".join(ext.lstrip(".") for ext in extensions)))
        if limit is not None:
            params.append(("limit", str(limit)))
        envelope = yield from send_safely(self._get("domain-search", params=params), self.retry)
        return availability_list(envelope.result)

    def _check_flow(self, domains: str | Iterable[str]) -> Flow[list[DomainAvailability]]:
        # domain-check is a POST only to carry a list; it changes nothing, so it is retried.
        body = {"domains": [domains] if isinstance(domains, str) else list(domains)}
        request = self.build_request("POST", self._registrar_path("domain-check"), json=body)
        envelope = yield from send_safely(request, self.retry)
        return availability_list(envelope.result)

    # --- legacy domains -------------------------------------------------------

    def _list_domains_flow(self) -> Flow[list[LegacyDomain]]:
        self._production_only("legacy /domains")
        envelope = yield from send_safely(self._get("domains"), self.retry)
        return [LegacyDomain.from_json(item) for item in _list(envelope.result)]

    def _get_domain_flow(self, name: str) -> Flow[LegacyDomain]:
        self._production_only("legacy /domains")
        envelope = yield from send_safely(self._get("domains", name), self.retry)
        return LegacyDomain.from_json(envelope.result)

    def _update_domain_flow(
        self, name: str, auto_renew: bool | None, locked: bool | None, privacy: bool | None
    ) -> Flow[LegacyDomain]:
        self._production_only("legacy /domains")
        body = _present(auto_renew=auto_renew, locked=locked, privacy=privacy)
        request = self.build_request("PUT", self._registrar_path("domains", name), json=body)
        envelope = yield from send_safely(request, _NO_RETRY)
        return LegacyDomain.from_json(envelope.result)

    # --- registrations --------------------------------------------------------

    def _create_registration_flow(
        self,
        domain_name: str,
        *,
        years: int | None,
        auto_renew: bool | None,
        privacy_mode: PrivacyMode | str | None,
        registrant: Registrant | None,
        prefer_async: bool,
    ) -> Flow[WorkflowStatus]:
        body: dict[str, Any] = {"domain_name": domain_name}
        body.update(_present(years=years, auto_renew=auto_renew))
        if privacy_mode is not None:
            body["privacy_mode"] = str(privacy_mode)
        if registrant is not None:
            body["contacts"] = _contacts(registrant)
        headers = {"Prefer": "respond-async"} if prefer_async else None
        post = self.build_request(
            "POST", self._registrar_path("registrations"), json=body, headers=headers
        )
        status_request = self._get("registrations", domain_name, "registration-status")
        return (yield from create_registration(post, status_request, self.retry))

    def _registrations_request(
        self,
        per_page: int | None,
        sort_by: SortBy | str | None,
        direction: Direction | str | None,
        cursor: str | None,
    ) -> httpx.Request:
        params: list[tuple[str, str]] = []
        if per_page is not None:
            params.append(("per_page", str(per_page)))
        if sort_by is not None:
            params.append(("sort_by", str(sort_by)))
        if direction is not None:
            params.append(("direction", str(direction)))
        if cursor:
            params.append(("cursor", cursor))
        return self._get("registrations", params=params)

    def _list_registrations_flow(
        self,
        per_page: int | None,
        sort_by: SortBy | str | None,
        direction: Direction | str | None,
        cursor: str | None,
    ) -> Flow[Page[Registration]]:
        request = self._registrations_request(per_page, sort_by, direction, cursor)
        return (yield from fetch_page(request, _registration_page, self.retry))

    def _iter_registrations_flow(
        self,
        per_page: int | None,
        sort_by: SortBy | str | None,
        direction: Direction | str | None,
    ) -> Stream[Registration]:
        def page_request(cursor: str | None) -> httpx.Request:
            return self._registrations_request(per_page, sort_by, direction, cursor)

        return walk_pages(page_request, _registration_page, self.retry)

    def _get_registration_flow(self, domain_name: str) -> Flow[Registration]:
        envelope = yield from send_safely(self._get("registrations", domain_name), self.retry)
        return Registration.from_json(envelope.result)

    def _update_registration_flow(
        self, domain_name: str, auto_renew: bool, prefer_async: bool
    ) -> Flow[WorkflowStatus]:
        headers = {"Prefer": "respond-async"} if prefer_async else None
        request = self.build_request(
            "PATCH",
            self._registrar_path("registrations", domain_name),
            json={"auto_renew": auto_renew},
            headers=headers,
        )
        envelope = yield from send_safely(request, _NO_RETRY)
        return WorkflowStatus.from_json(envelope.result)

    def _status_flow(self, domain_name: str, which: str) -> Flow[WorkflowStatus]:
        request = self._get("registrations", domain_name, which)
        envelope = yield from send_safely(request, self.retry)
        return WorkflowStatus.from_json(envelope.result)

    # --- extensions -----------------------------------------------------------

    def _extensions_request(
        self,
        name: str | None,
        per_page: int | None,
        sort_by: ExtensionSortBy | str | None,
        direction: Direction | str | None,
        cursor: str | None,
        etag: str | None = None,
    ) -> httpx.Request:
        params: list[tuple[str, str]] = []
        if name is not None:
            params.append(("name", name.lstrip(".")))
        if per_page is not None:
            params.append(("per_page", str(per_page)))
        if sort_by is not None:
            params.append(("sort_by", str(sort_by)))
        if direction is not None:
            params.append(("direction", str(direction)))
        if cursor:
            params.append(("cursor", cursor))
        return self.build_request(
            "GET", self._registrar_path("extensions"), params=params, headers=_if_none_match(etag)
        )

    def _list_extensions_flow(
        self,
        name: str | None,
        per_page: int | None,
        sort_by: ExtensionSortBy | str | None,
        direction: Direction | str | None,
        cursor: str | None,
        cached: Page[Extension] | None,
    ) -> Flow[Page[Extension]]:
        etag = cached.etag if cached is not None else None
        request = self._extensions_request(name, per_page, sort_by, direction, cursor, etag)
        envelope = yield from send_safely(request, self.retry, conditional=etag is not None)
        if envelope.not_modified and cached is not None:
            return cached
        return _extension_page(envelope)

    def _iter_extensions_flow(
        self,
        name: str | None,
        per_page: int | None,
        sort_by: ExtensionSortBy | str | None,
        direction: Direction | str | None,
    ) -> Stream[Extension]:
        def page_request(cursor: str | None) -> httpx.Request:
            return self._extensions_request(name, per_page, sort_by, direction, cursor)

        return walk_pages(page_request, _extension_page, self.retry)

    def _get_extension_flow(self, extension: str, cached: Extension | None) -> Flow[Extension]:
        name = extension.lstrip(".")
        if not name:
            raise ValueError("an extension name is required")
        etag = cached.etag if cached is not None else None
        request = self.build_request(
            "GET", self._registrar_path("extensions", name), headers=_if_none_match(etag)
        )
        envelope = yield from send_safely(request, self.retry, conditional=etag is not None)
        if envelope.not_modified and cached is not None:
            return cached
        return Extension.from_json(envelope.result, etag=envelope.etag)

    # --- transfers in ---------------------------------------------------------

    def _transfer_check_flow(
        self, domains: TransferQuery | Iterable[TransferQuery]
    ) -> Flow[dict[str, TransferCheckResult]]:
        self._production_only("domain-transfer-check")
        items: list[dict[str, str]] = []
        for query in transfer_queries(domains):
            name, code = (query, None) if isinstance(query, str) else query
            item = {"domain_name": name}
            if code is not None:
                item["auth_code"] = encode_auth_code(code)
            items.append(item)
        # Like domain-check, a POST only to carry a list: it changes nothing, so it is retried.
        request = self.build_request(
            "POST", self._registrar_path("domain-transfer-check"), json={"domains": items}
        )
        envelope = yield from send_safely(request, self.retry)
        return transfer_check_results(envelope.result)

    def _start_transfer_flow(
        self,
        domain_name: str,
        *,
        auth_code: AuthCode | None,
        auto_renew: bool | None,
        privacy_mode: PrivacyMode | str | None,
        registrant: Registrant | None,
        contact_extensions: Mapping[str, Any] | None,
    ) -> Flow[WorkflowStatus]:
        # Always answered 202 at once (a transfer takes days), so there is no Prefer to send.
        self._production_only("transfer-in")
        if not domain_name:
            raise ValueError("a domain name is required")
        body: dict[str, Any] = _present(auto_renew=auto_renew)
        if auth_code is not None:
            body["auth_code"] = encode_auth_code(auth_code)
        if privacy_mode is not None:
            body["privacy_mode"] = str(privacy_mode)
        if registrant is not None:
            body["contacts"] = _contacts(registrant)
        if contact_extensions is not None:
            body["contact_extensions"] = dict(contact_extensions)
        post = self.build_request(
            "POST", self._registrar_path("registrations", domain_name, "transfer-in"), json=body
        )
        status_request = self._get("registrations", domain_name, "transfer-in-status")
        return (yield from start_workflow(post, status_request, self.retry, "transferring in"))

    def _transfer_status_flow(self, domain_name: str) -> Flow[WorkflowStatus]:
        self._production_only("transfer-in-status")
        return (yield from self._status_flow(domain_name, "transfer-in-status"))

    def _transfer_in_flow(
        self,
        domain_name: str,
        *,
        auth_code: AuthCode | None,
        auto_renew: bool | None,
        privacy_mode: PrivacyMode | str | None,
        registrant: Registrant | None,
        contact_extensions: Mapping[str, Any] | None,
        wait: bool,
        timeout: Duration | None,
        on_blocked: OnBlocked | None,
        blocked_interval: Duration | None,
    ) -> Flow[WorkflowStatus]:
        if timeout is not None:
            timeout = check_timeout(timeout)  # refuse a bad deadline before anything is started
        policy = with_blocked_interval(self.transfer_poll, blocked_interval)  # checks it too
        status = yield from self._start_transfer_flow(
            domain_name,
            auth_code=auth_code,
            auto_renew=auto_renew,
            privacy_mode=privacy_mode,
            registrant=registrant,
            contact_extensions=contact_extensions,
        )
        if not wait:
            return status
        return (yield from self._wait_flow(status, timeout, on_blocked, policy))

    # --- waiting --------------------------------------------------------------

    def _policy_for(self, status: WorkflowStatus, blocked_interval: Duration | None) -> PollPolicy:
        """The transfer policy for a transfer in's status, the registration one for the rest."""
        policy = self.transfer_poll if is_transfer(status) else self.poll
        return with_blocked_interval(policy, blocked_interval)

    def _wait_flow(
        self,
        status: WorkflowStatus,
        timeout: Duration | None,
        on_blocked: OnBlocked | None,
        policy: PollPolicy | None = None,
    ) -> Flow[WorkflowStatus]:
        policy = policy or self._policy_for(status, None)
        return (
            yield from wait_for(
                status,
                lambda current: self.build_request("GET", self._link(current.links.self_link)),
                policy=policy,
                retry=self.retry,
                timeout=policy.timeout if timeout is None else timeout,
                monotonic=self.monotonic,
                on_blocked=on_blocked,
            )
        )

    def _register_flow(
        self,
        domain_name: str,
        *,
        years: int | None,
        auto_renew: bool | None,
        privacy_mode: PrivacyMode | str | None,
        registrant: Registrant | None,
        wait: bool,
        timeout: Duration | None,
        on_blocked: OnBlocked | None,
    ) -> Flow[WorkflowStatus]:
        if timeout is not None:
            timeout = check_timeout(timeout)  # refuse a bad deadline before anything is bought
        status = yield from self._create_registration_flow(
            domain_name,
            years=years,
            auto_renew=auto_renew,
            privacy_mode=privacy_mode,
            registrant=registrant,
            prefer_async=False,
        )
        if not wait:
            return status
        return (yield from self._wait_flow(status, timeout, on_blocked))


# Requests that change state are sent once; their errors go straight to the caller.
_NO_RETRY = RetryPolicy(max_retries=0)


def http_timeout(timeout: Duration | httpx.Timeout | None) -> httpx.Timeout:
    """The client's HTTP timeout: a duration (more than 0), an ``httpx.Timeout``, or None
    for none at all."""
    if isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(_durations.optional(timeout, "timeout", positive=True))


def auth_headers(
    api_token: str | None, api_email: str | None, api_key: str | None
) -> dict[str, str]:
    if api_token is not None:
        if api_email is not None or api_key is not None:
            raise ValueError("give either api_token or api_email and api_key, not both")
        return {"Authorization": f"Bearer {api_token}"}
    if api_email is None or api_key is None:
        raise ValueError("give api_token, or both api_email and api_key")
    return {"X-Auth-Email": api_email, "X-Auth-Key": api_key}


def transfer_queries(domains: TransferQuery | Iterable[TransferQuery]) -> list[TransferQuery]:
    """The domains of a transfer check: one name, one ``(name, auth_code)`` pair, or many.

    A tuple of a name and something that can be an auth code (bytes, None, or text with
    no dot, as base64 has none) is one pair; a tuple of names is many names.
    """
    if isinstance(domains, str):
        return [domains]
    if isinstance(domains, tuple) and len(domains) == 2 and isinstance(domains[0], str):
        code = domains[1]
        if code is None or isinstance(code, bytes) or (isinstance(code, str) and "." not in code):
            return [(domains[0], code)]
    # Not one pair: a tuple here holds names (("a.com", "b.com")), like any other iterable.
    return list(cast(Iterable[TransferQuery], domains))


def encode_auth_code(code: AuthCode) -> str:
    """The auth code as the API takes it: bytes are base64-encoded, text is sent as given."""
    if isinstance(code, bytes):
        return base64.b64encode(code).decode("ascii")
    return code


def _contacts(registrant: Registrant) -> dict[str, Any]:
    contact = registrant.to_json() if isinstance(registrant, Contact) else registrant
    return {"registrant": dict(contact)}


def _if_none_match(etag: str | None) -> dict[str, str] | None:
    return None if etag is None else {"If-None-Match": etag}


def _present(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _list(result: object) -> list[Any]:
    if not isinstance(result, list):
        raise ResponseFormatError("result: expected an array")
    return result


def _registration_page(envelope: Envelope) -> Page[Registration]:
    items = [Registration.from_json(item) for item in _list(envelope.result)]
    return Page.from_json(items, envelope.result_info)


def _extension_page(envelope: Envelope) -> Page[Extension]:
    items = [Extension.from_json(item) for item in _list(envelope.result)]
    return Page.from_json(items, envelope.result_info, envelope.etag)
