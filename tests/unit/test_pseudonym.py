"""The fast person keyer gives exactly the HMAC-SHA256 person key of the spec; the key index
looks numbers up as the load does."""

import hashlib
import hmac

import numpy as np
import pytest

from integration_pipeline.pseudonym import KEY_HEX_CHARS, KeyIndex, keyer, person_key, pnr_numbers

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


def test_pnr_numbers_of_texts():
    numbers, digits = pnr_numbers(["0101901234", "010190123", " 0101901234", "01019O1234",
                                   None, "٠١٠١٩٠١٢٣٤", "9999999999"])
    assert digits.tolist() == [True, False, False, False, False, False, True]
    assert numbers.tolist() == [101901234, -1, -1, -1, -1, -1, 9999999999]


def index(odd: str | None = None) -> KeyIndex:
    """Two persons: 0101901234 (current) with its old number 3112999999, and 1503681237; with
    `odd`, an odd old text of the second person."""
    one = keyer(b"k")
    numbers = [101901234, 3112999999, 1503681237] + ([-1] if odd else [])
    keys = [one("0101901234"), one("0101901234"), one("1503681237")] + ([one("1503681237")]
                                                                          if odd else [])
    persons = [7, 7, 9] + ([9] if odd else [])
    texts = ["0101901234", "3112999999", "1503681237"] + ([odd] if odd else [])
    return KeyIndex(np.array(numbers), np.array(keys, dtype=object), one,
                    persons=np.array(persons), texts=np.array(texts, dtype=object))


def test_key_index_lookup_gives_the_current_numbers_key_and_person():
    one = keyer(b"k")
    keys, persons = index().lookup(np.array([3112999999, 101901234, 1503681237, 0]))
    assert keys.tolist() == [one("0101901234"), one("0101901234"), one("1503681237"),
                             one("0000000000")]     # an unknown number: its own key
    assert persons.tolist() == [7, 7, 9, -1]


def test_key_index_by_text_includes_odd_known_texts():
    one = keyer(b"k")
    ix = index(odd="15036812")
    pnrs = ["3112999999", "15036812", "0000000000", "0101", None]
    assert ix.of(pnrs).tolist() == [one("0101901234"), one("1503681237"), one("0000000000"),
                                    one("0101"), None]
    assert ix.kept(pnrs).tolist() == [True, True, False, False, False]


def test_key_index_without_persons_numbers_each_entry():
    ix = KeyIndex(np.array([5, 6]), np.array(["a", "b"], dtype=object), keyer(b"k"))
    assert ix.lookup(np.array([6, 5, 7]))[1].tolist() == [1, 0, -1]


def test_an_empty_key_index_knows_no_number():
    one = keyer(b"k")
    ix = KeyIndex(np.zeros(0, np.int64), np.zeros(0, dtype=object), one)
    keys, persons = ix.lookup(np.array([101901234]))
    assert keys.tolist() == [one("0101901234")] and persons.tolist() == [-1]
    assert ix.kept(["0101901234"]).tolist() == [False]
