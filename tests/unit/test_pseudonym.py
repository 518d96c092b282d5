"""The fast person keyer gives exactly the HMAC-SHA256 person key of the spec."""

import hashlib
import hmac

import pytest

from integration_pipeline.pseudonym import KEY_HEX_CHARS, keyer, person_key

PNRS = ["0101901234", "3112999999", "0000000000", "1503681237"]


@pytest.mark.parametrize("key", [b"k", b"test-pseudonym-key-not-secret", b"x" * 64, b"y" * 65,
                                 bytes(range(256))])
def test_keyer_equals_hmac_sha256(key):
    one = keyer(key)
    for pnr in PNRS:
        expected = hmac.new(key, pnr.encode(), hashlib.sha256).hexdigest()[:KEY_HEX_CHARS]
        assert one(pnr) == person_key(key, pnr) == expected


def test_keys_differ_by_key_and_number():
    a, b = keyer(b"key-a"), keyer(b"key-b")
    assert a(PNRS[0]) != b(PNRS[0])
    assert a(PNRS[0]) != a(PNRS[1])
    assert len(a(PNRS[0])) == KEY_HEX_CHARS
