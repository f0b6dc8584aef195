"""Tolerant input, strict parsing, and a property test: random input gives only documented outcomes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mbv_cli.core.jwt.decode import DecodeResult, decode_token
from mbv_cli.core.jwt.times import parse_duration, relative_phrase, span
from mbv_cli.core.jwt.token import MalformedTokenError, clean_token, parse_token
from tests.core.jwt import vectors as v

GOOD = v.A1_TOKEN


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        (f"Bearer {GOOD}", "a leading 'Bearer'"),
        (f"Authorization: Bearer {GOOD}", "a leading 'Authorization: Bearer'"),
        (f'"{GOOD}"', 'surrounding " quotes'),
        (f"'Bearer {GOOD}'\n", "surrounding ' quotes"),
        (f"  {GOOD}\n", "surrounding whitespace"),
        (GOOD[:40] + "\n" + GOOD[40:], "1 whitespace character inside the token (line breaks?)"),
    ],
)
def test_tolerant_input(raw: str, note: str) -> None:
    clean = clean_token(raw)
    assert clean.text == GOOD
    assert note in clean.stripped
    assert parse_token(raw).claims["iss"] == "joe"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("abc.def", "3 dot-separated segments, this input has 2"),
        ("a.b.c.d", "this input has 4"),
        ("a.b.c.d.e", "JWE"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.sig!", "outside base64url"),
        ("eyJhbGciOiJIUzI1NiJ9=.e30.c2ln", "padding"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.A", "impossible base64url length"),
        ("bm90IGpzb24.e30.c2ln", "header is not JSON"),
        ("WzFd.e30.c2ln", "header is JSON but not an object (it is list)"),
        ("e30.e30.c2ln", "no \"alg\""),
        ("eyJhbGciOiJIUzI1NiJ9.bm9wZQ.c2ln", "payload (claims set) is not JSON"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjFlNDAwfQ.c2ln", "cannot represent"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOk5hTn0.c2ln", "cannot represent"),
        ("", "empty"),
        ("Bearer ", "empty"),
    ],
)
def test_malformed(raw: str, fragment: str) -> None:
    with pytest.raises(MalformedTokenError) as err:
        parse_token(raw)
    line = err.value.one_line()
    assert fragment in line
    assert "\n" not in line


def test_one_megabyte_token_is_refused_without_echo() -> None:
    big = "eyJhbGciOiJIUzI1NiJ9." + "A" * (1024 * 1024) + ".c2ln"
    with pytest.raises(MalformedTokenError) as err:
        parse_token(big)
    assert "more than the" in err.value.message
    assert "AAAA" not in err.value.one_line()


def test_binary_garbage_is_refused() -> None:
    with pytest.raises(MalformedTokenError) as err:
        parse_token(bytes(range(256)) * 4)
    assert "not ASCII" in err.value.message


def test_error_never_contains_the_token() -> None:
    secretish = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ2ZXJ5LXByaXZhdGUtdXNlciJ9.c2lnbmF0dXJl.extra"
    with pytest.raises(MalformedTokenError) as err:
        parse_token(secretish)
    assert "eyJzdWIiOiJ2ZXJ5" not in err.value.one_line()


@settings(max_examples=400, deadline=None)
@given(st.one_of(
    st.text(),
    st.binary().map(lambda b: b.decode("latin-1")),
    st.lists(st.text(alphabet="ABCDEFabcdef0123456789-_=+/ .\n\"'", max_size=40), min_size=1, max_size=6)
      .map(".".join),
    st.builds(lambda a, b, c: f"{a}.{b}.{c}", st.sampled_from(["eyJhbGciOiJIUzI1NiJ9", "e30", "eyJhbGciOjF9"]),
              st.sampled_from(["e30", "eyJleHAiOiJ4In0", "eyJleHAiOjFlMzAwfQ", "eyJleHAiOi0xZTMwMH0", "bnVsbA"]),
              st.text(alphabet="ABCabc-_", max_size=20)),
))
def test_random_input_gives_only_documented_outcomes(raw: str) -> None:
    try:
        result = decode_token(raw, now=1_700_000_000)
    except MalformedTokenError as exc:
        line = exc.one_line()
        assert line and "\n" not in line
        return
    assert isinstance(result, DecodeResult)
    doc = result.to_dict()
    assert doc["signature_verified"] is False
    assert isinstance(doc["header"], dict) and isinstance(doc["claims"], dict)
    assert isinstance(doc["header"].get("alg"), str)


def test_relative_phrases() -> None:
    now = 1_700_000_000
    assert relative_phrase("exp", now - (3 * 3600 + 12 * 60), now) == "expired 3h 12m ago"
    assert relative_phrase("exp", now + 14 * 60, now) == "valid for 14m more"
    assert relative_phrase("nbf", now + 90, now) == "not valid for another 1m 30s"
    assert relative_phrase("iat", now - 2 * 86400 - 3600, now) == "issued 2d 1h ago"
    assert span(45) == "45s" and span(3600) == "1h" and span(400 * 86400) == "1y 35d"


def test_durations() -> None:
    from mbv_cli.core.errors import UsageError

    assert parse_duration("15m", "--ttl") == 900
    assert parse_duration("1h30m", "--ttl") == 5400
    assert parse_duration("90", "--ttl") == 90
    assert parse_duration("2d", "--ttl") == 172800
    for bad in ("", "m", "1.5h", "-5", "5 minutes"):
        with pytest.raises(UsageError):
            parse_duration(bad, "--ttl")


def test_huge_integer_time_is_not_a_date() -> None:
    from mbv_cli.core.jwt.token import b64url_encode

    token = "eyJhbGciOiJIUzI1NiJ9." + b64url_encode(b'{"exp": 1' + b"0" * 400 + b"}") + ".c2ln"
    result = decode_token(token, now=0)
    assert result.to_dict()["times"] == {"exp": None} and not result.expired
    assert result.warnings


def test_decode_times_and_flags() -> None:
    result = decode_token(v.A1_TOKEN, now=v.EXP + 3600)
    assert result.expired and not result.not_yet_valid
    assert result.to_dict()["times"] == {"exp": "2011-03-22T18:43:00Z"}
    assert result.times[0].phrase == "expired 1h ago"
    assert result.signature_length == 32


def test_one_trailing_line_break_is_not_worth_a_note() -> None:
    assert clean_token(GOOD + "\n").stripped == ()
    assert clean_token(GOOD + "\r\n").stripped == ()
    assert clean_token(GOOD + "\n\n").stripped == ("surrounding whitespace",)
