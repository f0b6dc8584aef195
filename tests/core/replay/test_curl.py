from __future__ import annotations

import base64
import shlex
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mbv_cli.core.errors import InputError
from mbv_cli.core.replay.curl import parse_curl_command


def test_devtools_copy_as_curl() -> None:
    command = ("curl 'https://api.example.com/v1/x?a=1' \\\n"
               "  -H 'accept: application/json' \\\n"
               "  -H 'authorization: Bearer abc.def.ghi' \\\n"
               "  --data-raw '{\"q\":\"@not-a-file\"}' \\\n"
               "  --compressed")
    request = parse_curl_command(command)
    assert request.method == "POST"
    assert request.url == "https://api.example.com/v1/x?a=1"
    assert request.body == b'{"q":"@not-a-file"}'
    assert ("authorization", "Bearer abc.def.ghi") in request.headers
    assert ("Content-Type", "application/x-www-form-urlencoded") in request.headers
    assert ("Accept-Encoding", "gzip, deflate") in request.headers


def test_bundled_and_attached_short_options() -> None:
    request = parse_curl_command("curl -sSLXDELETE -H'X-A: 1' http://h/x -kI")
    assert request.method == "DELETE"
    assert request.headers == [("X-A", "1")]
    assert any("--follow" in note for note in request.notes)
    assert any("--insecure" in note for note in request.notes)


def test_data_variants(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_bytes(b"a\r\nb\n")
    request = parse_curl_command("curl http://h/ -d @f.txt --data-binary @f.txt --data-urlencode 'q=a b&c'",
                                 base_dir=tmp_path)
    assert request.body == b"ab&a\r\nb\n&q=a%20b%26c"


def test_user_head_cookie_and_header_removal() -> None:
    request = parse_curl_command("curl -u bob http://h/ -I -b 'a=1' -b 'b=2' -H 'Accept:' -H 'X-Empty;'")
    assert request.method == "HEAD"
    assert ("Authorization", "Basic " + base64.b64encode(b"bob:").decode()) in request.headers
    assert ("Cookie", "a=1; b=2") in request.headers
    assert ("X-Empty", "") in request.headers


def test_url_without_scheme_and_long_options_with_equals() -> None:
    request = parse_curl_command("curl --request=PATCH --url=h.example/p --header='X-B: 2'")
    assert (request.method, request.url) == ("PATCH", "http://h.example/p")
    assert request.headers == [("X-B", "2")]


@pytest.mark.parametrize(("command", "message", "where"), [
    ("wget http://h/", "must start with `curl`", "c:1:1"),
    ("curl -F a=@x http://h/", "multipart", "c:1:6"),
    ("curl http://h/ -b cookies.txt", "cookie file", "c:1:16"),
    ("curl http://h/ http://other/", "second URL", "c:1:16"),
    ("curl -X", "needs a value", "c:1:6"),
    ("curl -H 'nocolon' http://h/", "no colon", "c:1:6"),
    ("curl -X POST", "no URL", "c:1:"),
])
def test_errors_name_the_place(command: str, message: str, where: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        parse_curl_command(command, file="c")
    assert info.value.one_line().startswith(where)


_safe_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_characters="\x7f"),
                     min_size=1, max_size=30)

# header values HTTP/1.1 can carry (Latin-1); a character beyond is refused, see test_non_latin1_header_refused
_header_text = st.text(st.characters(min_codepoint=32, max_codepoint=0xFF, blacklist_characters="\x7f"),
                       min_size=1, max_size=30)


@example(value="\x85", body="a")  # found by hypothesis: NEL is whitespace to Python, not to curl
@example(value="\xa0x\xa0", body="a")
@settings(max_examples=60, deadline=None)
@given(value=_header_text.filter(lambda v: v.strip(" 	")), body=_safe_text)  # `-H 'X-V: '` removes X-V
def test_shell_quoting_round_trips(value: str, body: str) -> None:
    command = f"curl http://h/ -H {shlex.quote('X-V: ' + value)} --data-raw {shlex.quote(body)}"
    request = parse_curl_command(command)
    assert request.headers[0] == ("X-V", value.strip(" \t"))
    assert request.body == body.encode("utf-8")


def test_non_latin1_header_refused_with_its_column() -> None:
    with pytest.raises(InputError) as info:
        parse_curl_command("curl http://h/ \\\n  -H 'X-V: \u0100'", file="c")
    assert info.value.one_line().startswith("c:2:3: the value of header X-V has a character outside Latin-1")
