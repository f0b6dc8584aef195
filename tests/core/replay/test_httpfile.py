from __future__ import annotations

from pathlib import Path

import pytest

from mbv_cli.core.errors import InputError
from mbv_cli.core.replay.httpfile import parse_http_file, parse_http_text


def test_requests_split_on_separators_with_names_and_comments() -> None:
    text = (
        "# a leading comment\n"
        "@host = https://api.example.com\n"
        "@path = /v1/{{kind}}\n"
        "@kind = users\n"
        "\n"
        "### list users\n"
        "GET {{host}}{{path}}\n"
        "// a comment between headers\n"
        "Accept: application/json\n"
        "\n"
        "###\n"
        "// @name make\n"
        "POST {{host}}/v1/users HTTP/1.1\n"
        "Content-Type: application/json\n"
        "\n"
        "{\"a\": \"{{kind}}\"}\n"
        "\n"
        "\n"
        "### bare url\n"
        "https://api.example.com/health\n"
    )
    first, second, third = parse_http_text(text, file="f.http", environ={})
    assert (first.method, first.url, first.name) == ("GET", "https://api.example.com/v1/users", "list users")
    assert first.headers == [("Accept", "application/json")]
    assert first.body is None
    assert (second.method, second.name, second.body) == ("POST", "make", b'{"a": "users"}')
    assert second.source == "f.http:13"
    assert (third.method, third.url) == ("GET", "https://api.example.com/health")


def test_process_env_and_overrides() -> None:
    text = "@base = http://a\nGET {{base}}/x\nX-Key: {{$processEnv MY_KEY}}\nX-Env: {{$env.OTHER}}\n"
    (request,) = parse_http_text(text, environ={"MY_KEY": "k1", "OTHER": "o1"}, overrides={"base": "http://b"})
    assert request.url == "http://b/x"
    assert request.headers == [("X-Key", "k1"), ("X-Env", "o1")]


def test_missing_env_var_points_at_the_reference() -> None:
    with pytest.raises(InputError) as info:
        parse_http_text("GET http://a/\nAuthorization: Bearer {{$processEnv NOPE_TOKEN}}\n", file="t.http", environ={})
    assert info.value.one_line().startswith("t.http:2:23: environment variable NOPE_TOKEN is not set")


def test_variable_lines_inside_a_body_stay_body() -> None:
    (request,) = parse_http_text("POST http://a/\n\n@not = a variable\n", environ={})
    assert request.body == b"@not = a variable"


def test_self_reference_is_an_error() -> None:
    with pytest.raises(InputError, match="refers to itself"):
        parse_http_text("@a = {{a}}\nGET http://x/{{a}}\n", environ={})


def test_body_file_include_and_response_handler_ignored(tmp_path: Path) -> None:
    (tmp_path / "data.json").write_bytes(b'{"from": "file"}')
    path = tmp_path / "r.http"
    path.write_text("POST http://a/\nContent-Type: application/json\n\n< ./data.json\n\n"
                    "### next\nPOST http://a/2\n\nbody\n> {% client.test('x', () => {}) %}\n", encoding="utf-8")
    first, second = parse_http_file(path, environ={})
    assert first.body == b'{"from": "file"}'
    assert second.body == b"body"


def test_no_request_is_an_error() -> None:
    with pytest.raises(InputError, match="no request found"):
        parse_http_text("# only comments\n@a = 1\n", environ={})


def test_relative_url_is_an_error_with_column() -> None:
    with pytest.raises(InputError) as info:
        parse_http_text("GET /just/a/path\n", file="x.http", environ={})
    assert info.value.one_line().startswith("x.http:1:5:")
