"""Reading credentials from request headers, with Cloudflare's errors for bad ones.

Whether a credential may act on an account is the registrar's decision; this
module only decides whether the headers are present and well formed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from registrar_mock import errors as e
from registrar_mock.model import Credential

# RFC 6750 b64token: what may follow "Bearer ".
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_KEY = re.compile(r"[A-Za-z0-9_\-]{1,128}")


def credential_from_headers(headers: Mapping[str, str]) -> Credential:
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not _TOKEN.fullmatch(token):
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
    if not _KEY.fullmatch(key.strip()):
        chain.append(e.BAD_AUTH_KEY)
    if chain:
        raise e.INVALID_HEADERS(chain=tuple(chain))
    return Credential(email=email.strip(), key=key.strip())
