"""Requests no web page may make: the mock runs on developers' laptops and in CI.

Two defences, checked before any route runs:

* **DNS rebinding.** While the server listens only on loopback, every request
  must name it by a loopback name (``localhost``, ``127.0.0.1``, ``[::1]``, ...),
  the address it is bound to, or a name given with ``--allow-host``. A page whose
  host name an attacker points at 127.0.0.1 sends its own name, and is refused.
* **Cross-site requests to the control API.** A request under ``/__mock__`` from
  a browser must come from the mock's own origin (``Origin`` and
  ``Sec-Fetch-Site``), and one that changes state must say ``Content-Type:
  application/json``, which no plain HTML form can send without the browser
  asking first.

Requests from programs (curl, SDKs, the fixtures) send neither ``Origin`` nor
``Sec-Fetch-Site`` and pass, as do pages the mock serves itself.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from registrar_mock import errors as e

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
Headers = Iterable[tuple[bytes, bytes]]


def is_loopback(host: str) -> bool:
    """Whether a host name or address can only mean this machine."""
    name = host.strip("[]").rstrip(".").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host part of a Host header: ``[::1]:8787`` is ``::1``, ``a.b:80`` is ``a.b``."""
    text = header.strip()
    if text.startswith("["):
        return text[1 : text.find("]")].lower() if "]" in text else text.lower()
    return text.rsplit(":", 1)[0].rstrip(".").lower() if text.count(":") == 1 else text.lower()


class HostCheck:
    """The host names a loopback-bound server answers to."""

    def __init__(self, bound: str, extra: Iterable[str] = ()) -> None:
        self.names = frozenset({host_name(bound), *(host_name(name) for name in extra)})

    def allows(self, header: str | None) -> bool:
        if header is None:
            return True  # HTTP/1.0 and raw sockets: no page can omit it
        name = host_name(header)
        return name in self.names or is_loopback(name)


def check(
    method: str, headers: Headers, *, control: bool, hosts: HostCheck | None
) -> e.ApiError | None:
    """The refusal for a request, or None if it may go on."""
    host = origin = fetch_site = content_type = None
    for raw_name, raw_value in headers:
        name = raw_name.lower()
        if name == b"host":
            host = raw_value.decode("latin-1")
        elif not control:
            continue
        elif name == b"origin":
            origin = raw_value.decode("latin-1")
        elif name == b"sec-fetch-site":
            fetch_site = raw_value.decode("latin-1").strip().lower()
        elif name == b"content-type":
            content_type = raw_value.decode("latin-1")
    if hosts is not None and not hosts.allows(host):
        return e.HOST_REFUSED(host=host_name(host or "")[:100])
    if not control:
        return None
    if fetch_site not in (None, "same-origin", "none"):
        return e.CROSS_SITE_REFUSED()
    if origin is not None and origin.strip().lower() != f"http://{(host or '').lower()}":
        return e.CROSS_SITE_REFUSED()
    if method not in SAFE_METHODS:
        mime = (content_type or "").split(";", 1)[0].strip().lower()
        if mime != "application/json":
            return e.CONTROL_NEEDS_JSON()
    return None
