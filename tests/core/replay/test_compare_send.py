from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

import pytest

from mbv_cli.core.errors import UsageError
from mbv_cli.core.jwt.keys import secret_key
from mbv_cli.core.jwt.mint import mint_token
from mbv_cli.core.replay.compare import compare_exchanges
from mbv_cli.core.replay.model import Exchange, ReceivedResponse, ReplayRequest, SentRequest
from mbv_cli.core.replay.prepare import Credentials, Rewrite, prepare, resolve_bearer, rewrite_url
from mbv_cli.core.replay.redact import Redactor
from mbv_cli.core.replay.repeat import RepeatSummary
from mbv_cli.core.replay.send import _wait, origin, parse_retry_after


def _exchange(status: int, body: bytes, ctype: str = "application/json") -> Exchange:
    return Exchange(request=SentRequest("GET", "http://a/", [], None),
                    response=ReceivedResponse(status, "OK", "HTTP/1.1", [("Content-Type", ctype)], body))


def test_json_compare_ignores_order_and_chosen_fields() -> None:
    a = _exchange(200, b'{"id": 1, "at": "t1", "items": [{"n": 1}, {"n": 2}]}')
    b = _exchange(200, b'{"items": [{"n": 1}, {"n": 3}, {"n": 4}], "id": 1, "at": "t2"}')
    diffs = compare_exchanges(a, b, headers=["content-type"], ignore=["at"]).differences
    assert [(d.where, d.target, d.compare) for d in diffs] == [
        ("body.items.1.n", 2, 3), ("body.items.2", "(absent)", {"n": 4})]
    assert compare_exchanges(a, b, headers=[], ignore=["at", "items.*.n", "items.2"]).same


def test_compare_status_headers_and_text() -> None:
    a = _exchange(200, b"hello", "text/plain")
    b = _exchange(404, b"hello!", "text/html")
    wheres = [d.where for d in compare_exchanges(a, b, headers=["Content-Type"], ignore=[]).differences]
    assert wheres == ["status", "header content-type", "body"]


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    when = datetime(2030, 1, 1, 0, 0, 10, tzinfo=timezone.utc)
    assert parse_retry_after(format_datetime(when, usegmt=True), now=when.timestamp() - 4) == pytest.approx(4.0)
    assert parse_retry_after("soon") is None
    assert _wait(1, None, rand=lambda: 1.0) == (1.0, "backoff, full jitter up to 1 s")
    assert [_wait(n, None, rand=lambda: 1.0)[0] for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert _wait(3, None, rand=lambda: 0.25)[0] == 1.0
    assert _wait(3, "2") == (2.0, "Retry-After: 2")
    assert _wait(1, "100000")[0] == 120.0


def test_origin_includes_default_ports() -> None:
    assert origin("http://a/x") == origin("http://A:80/y")
    assert origin("https://a/") != origin("http://a/")
    assert origin("http://a:8787/") != origin("http://a/")


def test_rewrite_keeps_path_and_query() -> None:
    assert rewrite_url("https://prod.example/api/x?a=1&b=2#frag", "http://127.0.0.1:8787") == \
        "http://127.0.0.1:8787/api/x?a=1&b=2"
    assert rewrite_url("https://prod.example/api", "http://h/prefix/") == "http://h/prefix/api"


def test_prepare_headers_and_bearer() -> None:
    request = ReplayRequest("GET", "https://p/x", [("Authorization", "Bearer old"), ("X-A", "1"), ("X-B", "2")])
    out = prepare(request, Rewrite(add_headers=[("x-a", "9")], drop_headers=["X-B"], bearer="new"))
    assert out.headers == [("x-a", "9"), ("Authorization", "Bearer new")]


def test_credentials_from_env_only() -> None:
    redactor = Redactor()
    token = resolve_bearer(Credentials(mint_jwt=True, secret_env="S", sub="me"), redactor, {"S": "s" * 32})
    assert token is not None and token.count(".") == 2
    assert "s" * 32 not in redactor.text("x" + "s" * 32)
    with pytest.raises(UsageError):
        resolve_bearer(Credentials(mint_jwt=True), Redactor(), {})
    with pytest.raises(UsageError):
        resolve_bearer(Credentials(bearer_env="NOPE"), Redactor(), {})
    with pytest.raises(UsageError):
        resolve_bearer(Credentials(bearer_env="A", mint_jwt=True, secret_env="S"), Redactor(), {"A": "x", "S": "y"})


def test_mint_matches_pyjwt() -> None:
    import jwt

    token = mint_token(secret_key("S", b"secret-secret-secret-secret-1234"), sub="s", now=1_800_000_000,
                       ttl=60, claims={"role": "admin"}).token
    claims = jwt.decode(token, b"secret-secret-secret-secret-1234", algorithms=["HS256"],
                        options={"verify_exp": False, "verify_iat": False})
    assert claims == {"iat": 1_800_000_000, "exp": 1_800_000_060, "sub": "s", "role": "admin"}


def test_percentiles_nearest_rank() -> None:
    summary = RepeatSummary(source="s", url="u", count=100, concurrency=1, latencies_ms=[float(i) for i in range(100, 0, -1)])
    assert summary.latency() == {"min": 1.0, "p50": 50.0, "p90": 90.0, "p99": 99.0, "max": 100.0}


def test_backoff_is_fully_jittered() -> None:
    waits = [_wait(3, None)[0] for _ in range(300)]
    assert all(0.0 <= w <= 4.0 for w in waits)
    assert min(waits) < 1.0 and max(waits) > 3.0  # spread over the whole range, not bunched at 4 s
    assert len(set(waits)) > 100
