"""Malformed URLs and headers are refused with words, not with a ValueError/InvalidURL from inside httpx."""

from __future__ import annotations

import pytest

from mbv_cli.core.cloudflare import credentials_from_env
from mbv_cli.core.errors import UsageError
from mbv_cli.core.httpcheck import header_name_problem, header_value_problem, url_problem

TOKEN = "tok-Abc123_secret-value-0123456789"


@pytest.mark.parametrize("url", ["http://[::1", "http://[::1/y", "http://x:99999/", "http://x:abc/",
                                 "ftp://x/", "http:///path", "http://[::zz]/"])
def test_url_problem_names_malformed_urls(url: str) -> None:
    assert url_problem(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8787/a?b=1", "https://[::1]:443/", "HTTP://EXAMPLE.com",
                                 "https://ex.com/caf\u00e9?q=\u2603"])
def test_url_problem_accepts_sendable_urls(url: str) -> None:
    assert url_problem(url) is None


def test_header_checks() -> None:
    assert header_name_problem("X-Ok") is None
    assert header_name_problem("X A") and header_name_problem("X:A") and header_name_problem("")
    assert header_value_problem("X", "caf\u00e9 \t ok") is None
    assert header_value_problem("X", "caf\u00e9\u2603") == (
        "the value of header X has a character outside Latin-1 (U+2603) at position 5", 4)
    assert header_value_problem("X", "a\r\nInjected: 1")


def _env(**extra: str) -> dict[str, str]:
    return {"CLOUDFLARE_API_TOKEN": TOKEN, "CLOUDFLARE_ACCOUNT_ID": "acc", **extra}


@pytest.mark.parametrize("base", ["http://[::1", "http://127.0.0.1:99999/client/v4", "not a url"])
def test_cloudflare_base_url_is_validated(base: str) -> None:
    with pytest.raises(UsageError) as err:
        credentials_from_env(_env(CLOUDFLARE_API_BASE_URL=base))
    assert "CLOUDFLARE_API_BASE_URL" in err.value.one_line()


@pytest.mark.parametrize("token", ["t\u00f6ken-0123456789", "tok\u2603en", "tok en", "tok\x00en"])
def test_cloudflare_token_must_be_header_safe_and_is_never_shown(token: str) -> None:
    with pytest.raises(UsageError) as err:
        credentials_from_env(_env(CLOUDFLARE_API_TOKEN=token))
    line = err.value.one_line()
    assert "CLOUDFLARE_API_TOKEN" in line and token not in line


def test_cloudflare_valid_env_passes() -> None:
    creds = credentials_from_env(_env(CLOUDFLARE_API_BASE_URL="http://127.0.0.1:8/client/v4/"))
    assert creds.base_url == "http://127.0.0.1:8/client/v4" and TOKEN not in repr(creds)
