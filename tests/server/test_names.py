"""Domain-name normalisation: the fast path for plain names agrees with full IDNA processing."""

from __future__ import annotations

import idna
from hypothesis import given
from hypothesis import strategies as st

from registrar_mock.names import _PLAIN, normalize

labels = st.text(alphabet="abcxyz019-", min_size=1, max_size=66)
names = st.lists(labels, min_size=1, max_size=4).map(".".join)


@given(names)
def test_plain_names_take_the_fast_path_only_when_idna_agrees(name: str) -> None:
    if _PLAIN.fullmatch(name):
        # Full IDNA processing must accept it unchanged, as a name with an extension.
        assert idna.encode(name, uts46=True, std3_rules=True).decode() == name
        assert idna.decode(name) == name
        assert not name.rsplit(".", 1)[1].isdigit()


def test_examples() -> None:
    assert normalize("Bücher.COM.") == "xn--bcher-kva.com"
    assert normalize("my-new-startup.com") == "my-new-startup.com"
    assert normalize("ab--cd.com") is None
    assert normalize("xn--zz.com") is None
    assert normalize("a" * 64 + ".com") is None
    assert normalize("localhost") is None


def test_only_one_trailing_dot() -> None:
    assert normalize("a.com.") == "a.com"
    assert normalize("a.com..") is None
