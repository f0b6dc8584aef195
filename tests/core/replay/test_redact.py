from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from mbv_cli.core.jwt.keys import secret_key
from mbv_cli.core.jwt.mint import mint_token
from mbv_cli.core.replay.redact import MASK, Redactor, is_sensitive_header

JWT = mint_token(secret_key("K", b"k" * 32), sub="someone", now=1_700_000_000).token


def test_sensitive_header_names() -> None:
    for name in ("Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "X-Api-Key", "X-Auth-Email",
                 "CF-Access-Token", "X-Session-Id", "X-Client-Secret"):
        assert is_sensitive_header(name), name
    for name in ("Content-Type", "Accept", "User-Agent", "Keep-Alive", "X-Request-Id"):
        assert not is_sensitive_header(name), name


def test_header_values_keep_scheme_and_jwt_payload() -> None:
    r = Redactor()
    assert r.header("Authorization", "Bearer opaque-token-1") == f"Bearer {MASK}"
    head_payload = JWT.rsplit(".", 1)[0]
    assert r.header("Authorization", f"Bearer {JWT}") == f"Bearer {head_payload}.{MASK}"
    assert r.header("Cookie", "a=1; session=xyz") == f"a={MASK}; session={MASK}"
    assert r.header("Set-Cookie", "sid=abc; Path=/; HttpOnly") == f"sid={MASK}; Path=/; HttpOnly"
    assert r.header("X-Note", f"see {JWT}") == f"see {head_payload}.{MASK}"
    assert Redactor(enabled=False).header("Authorization", "Bearer t") == "Bearer t"


def test_url_query_and_userinfo() -> None:
    r = Redactor()
    shown = r.url(f"https://user:pa55word@h/p?token=abc123&x=1&jwt={JWT}")
    assert "pa55word" not in shown and "abc123" not in shown and JWT not in shown
    assert "x=1" in shown and JWT.rsplit(".", 1)[0] in shown


def test_learned_literals_are_scrubbed_everywhere() -> None:
    r = Redactor()
    r.learn_headers([("X-Api-Key", "key-material-42"), ("Cookie", "sid=cookie-value-9")])
    r.learn_url("http://h/?access_token=query-secret-7")
    r.learn_body(b'{"password": "p4ssw0rd!", "nested": {"client_secret": "cs-1234567"}}', "application/json")
    text = "echo key-material-42 cookie-value-9 query-secret-7 p4ssw0rd! cs-1234567 plain"
    assert r.text(text) == f"echo {MASK} {MASK} {MASK} {MASK} {MASK} plain"
    assert r.raw(text.encode()) == r.text(text).encode()


def test_redact_field_paths_with_wildcards() -> None:
    r = Redactor(fields=["user.ssn", "items.*.card"])
    body = {"user": {"ssn": "123-45", "name": "A"}, "items": [{"card": "4111", "qty": 1}], "token": "t-1"}
    masked = r.json_value(body)
    assert masked == {"user": {"ssn": MASK, "name": "A"}, "items": [{"card": MASK, "qty": 1}], "token": MASK}
    shown = r.body(json.dumps(body).encode(), "application/json")
    assert b"123-45" not in shown and b"4111" not in shown


@settings(max_examples=80, deadline=None)
@given(value=st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~+/="),
                     min_size=6, max_size=40),
       name=st.sampled_from(["Authorization", "Cookie", "X-Auth-Token", "X-Secret", "Api-Key", "Session"]))
def test_a_sensitive_header_value_never_survives(value: str, name: str) -> None:
    r = Redactor()
    header = f"c={value}" if name == "Cookie" else value
    r.learn_headers([(name, header)])
    secret = value
    out = r.header(name, header) + " " + r.text(f"body says {header}") + " " + r.url(f"http://h/?q={header}")
    assert secret not in out.replace(MASK, "\0")


def test_form_bodies() -> None:
    r = Redactor(fields=["card"])
    body = b"user=ann&password=pa%24%24word-1&card=4111111111111111&next=%2Fhome"
    r.learn_body(body, "application/x-www-form-urlencoded")
    shown = r.body(body, "application/x-www-form-urlencoded; charset=utf-8")
    assert shown == f"user=ann&password={MASK}&card={MASK}&next=%2Fhome".encode()
    assert r.text("echo pa$$word-1 4111111111111111") == f"echo {MASK} {MASK}"
