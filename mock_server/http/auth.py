"""Reading credentials from request headers, with Cloudflare's errors for bad ones.

Cloudflare checks a credential's shape before its validity: an API token is 40
characters of ``[A-Za-z0-9_-]`` and a Global API Key 37 lowercase hex characters,
so a key sent as a bearer token, or a made-up ``asdf``, is a 400 (code 6003,
with the header at fault in ``error_chain``) before any lookup. A scenario with
``lenient_credentials`` accepts any RFC 6750 token and any key of 1 to 128
characters instead. Whether a well-formed credential may act on an account is
the registrar's decision; this module only reads the headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from registrar_mock import errors as e
from registrar_mock.model import Credential

API_TOKEN = re.compile(r"[A-Za-z0-9_\-]{40}")
GLOBAL_API_KEY = re.compile(r"[0-9a-f]{37}")
# What lenient credentials allow: an RFC 6750 b64token, and any plain key.
_ANY_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_ANY_KEY = re.compile(r"[A-Za-z0-9_\-]{1,128}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def credential_from_headers(headers: Mapping[str, str], *, lenient: bool = False) -> Credential:
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        shape = _ANY_TOKEN if lenient else API_TOKEN
        if scheme.lower() != "bearer" or not shape.fullmatch(token):
            raise e.INVALID_HEADERS(chain=(e.BAD_AUTHORIZATION,))
        return Credential(token=token)
    # Looked up only without a token: each lookup scans the request's headers.
    email = headers.get("x-auth-email")
    key = headers.get("x-auth-key")
    if email is None or key is None:
        raise e.MISSING_AUTH()
    chain = []
    if not _EMAIL.fullmatch(email.strip()):
        chain.append(e.BAD_AUTH_EMAIL)
    if not (_ANY_KEY if lenient else GLOBAL_API_KEY).fullmatch(key.strip()):
        chain.append(e.BAD_AUTH_KEY)
    if chain:
        raise e.INVALID_HEADERS(chain=tuple(chain))
    return Credential(email=email.strip(), key=key.strip())
