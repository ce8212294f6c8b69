"""The compiler's OData literals (constant binds) and the generated runtime's agree on every text."""

from __future__ import annotations

from urllib.parse import quote

from dualwrite_maps._runtime import lookup_binder
from hypothesis import given
from hypothesis import strategies as st

from generator.plan.odata import bind_reference

BIND = lookup_binder("T", "msdyn_paymentterms", "msdyn_name")


# Lone surrogates have no UTF-8 form: the runtime refuses them, and a spec can't hold one.
@given(st.text(alphabet=st.characters(exclude_categories=["Cs"]), min_size=1))
def test_constant_and_run_time_binds_are_the_same_text(value: str) -> None:
    assert BIND(value, "PaymentTerms") == bind_reference("msdyn_paymentterms", "msdyn_name", value)


def test_the_common_plain_key_and_an_encoded_one() -> None:
    assert BIND("Net30", "F") == "/msdyn_paymentterms(msdyn_name='Net30')"
    assert BIND("O'Brien / 2", "F") == "/msdyn_paymentterms(msdyn_name='O''Brien%20%2F%202')"


def test_every_ascii_character_is_encoded_as_urllib_quote_encodes_it() -> None:
    # The runtime encodes ASCII by a table of its own; quote() is the reference.
    for code in range(1, 128):
        text = f"a{chr(code)}b"
        expected = "'" + quote(text.replace("'", "''"), safe="'") + "'"
        assert BIND(text, "F") == f"/msdyn_paymentterms(msdyn_name={expected})", repr(text)
