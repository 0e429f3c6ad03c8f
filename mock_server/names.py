"""Domain-name syntax: normalising user input to the punycode form the API speaks."""

from __future__ import annotations

import re
from functools import lru_cache

import idna

MAX_NAME_LENGTH = 253
# Plain lower-case ASCII labels need none of IDNA's work. Labels with "--" in the third
# and fourth places (punycode and its look-alikes) still go through the full check.
_PLAIN = re.compile(
    r"(?:(?!..--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"  # labels
    r"(?!..--)[a-z][a-z0-9-]{0,61}[a-z0-9]"  # the last label: not all digits
)


# Pure and called on every request with a domain in it; IDNA processing is the slow part.
@lru_cache(maxsize=65536)
def normalize(name: str) -> str | None:
    """Return the lower-case ASCII (punycode) form of ``name``, or None if it is not a name.

    Accepts upper case, one trailing dot and Unicode labels (IDNA 2008 with UTS 46
    mapping). Refuses empty labels, labels over 63 characters, names over 253,
    characters outside letters, digits and hyphen, invalid punycode, and single
    labels (a name needs an extension).
    """
    if not name or len(name) > MAX_NAME_LENGTH + 1:
        return None
    candidate = name[:-1] if name.endswith(".") else name
    if candidate.endswith("."):
        return None  # only one trailing dot (the root) is allowed
    if len(candidate) <= MAX_NAME_LENGTH and _PLAIN.fullmatch(candidate):
        return candidate
    try:
        ascii_name = idna.encode(candidate, uts46=True, std3_rules=True).decode("ascii")
        # Round-trip to reject A-labels that are not valid punycode.
        idna.decode(ascii_name)
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    if len(ascii_name) > MAX_NAME_LENGTH or "." not in ascii_name:
        return None
    if ascii_name.rsplit(".", 1)[1].isdigit():
        return None
    return ascii_name


def keyword(text: str) -> str:
    """Turn a search phrase into one label: ``"Coffee Shop!"`` becomes ``"coffeeshop"``.

    Unicode letters survive as punycode, so ``"café"`` becomes ``"xn--caf-dma"``.
    """
    kept = "".join(ch for ch in text.lower() if ch.isalnum() or ch == "-").strip("-")
    if not kept:
        return ""
    if kept.isascii():
        return kept[:63]
    try:
        label = idna.encode(kept, uts46=True, std3_rules=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return "".join(ch for ch in kept if ch.isascii())[:63]
    return label if len(label) <= 63 else ""
