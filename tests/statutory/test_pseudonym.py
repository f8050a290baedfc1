"""Pseudonymous keys: stable for the same child, distinct for different ones, keyed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from plantracker.statutory.pseudonym import Pseudonymiser, fingerprint

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
la_codes = st.from_regex(r"[0-9]{3}", fullmatch=True)
local_ids = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF), min_size=1, max_size=20
)


@given(la=la_codes, child=local_ids)
def test_the_same_child_always_gets_the_same_key(la: str, child: str) -> None:
    first = Pseudonymiser(KEY)(la, child)
    assert first == Pseudonymiser(KEY)(la, child) == Pseudonymiser(KEY)(la, child)
    assert -(2**63) <= first < 2**63  # fits DuckDB's BIGINT


@given(st.sets(st.tuples(la_codes, local_ids), min_size=2, max_size=200))
def test_different_children_get_different_keys(children: set[tuple[str, str]]) -> None:
    pseudonymise = Pseudonymiser(KEY)
    assert len({pseudonymise(la, child) for la, child in children}) == len(children)


@given(la=la_codes, child=local_ids)
def test_the_key_matters(la: str, child: str) -> None:
    assert Pseudonymiser(KEY)(la, child) != Pseudonymiser(OTHER_KEY)(la, child)


@given(child=local_ids)
def test_the_same_local_id_in_two_authorities_is_two_children(child: str) -> None:
    pseudonymise = Pseudonymiser(KEY)
    assert pseudonymise("201", child) != pseudonymise("202", child)


def test_the_fingerprint_does_not_reveal_the_key() -> None:
    assert fingerprint(KEY) != fingerprint(OTHER_KEY)
    assert KEY.hex()[:16] not in fingerprint(KEY)
