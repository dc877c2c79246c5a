"""Applicants' phone numbers (`gongkai.foi.phones`); the form's use of them is tested with the
public form."""

from __future__ import annotations

from gongkai.foi.phones import normalise_phone, phone_key


def test_phone_key_ignores_formatting():
    assert phone_key("138 0013 8000") == phone_key("+8613800138000") == "13800138000"
    assert phone_key("0756-1234567") == phone_key("(0756) 1234567") == "07561234567"
    assert phone_key("nonsense") == ""
    assert phone_key("分机 801") == "801"  # staff-entered shapes still compare by their digits


def test_phone_key_of_a_canonical_number_is_its_digits():
    assert phone_key(normalise_phone("0756-1234567转801")) == "07561234567801"
