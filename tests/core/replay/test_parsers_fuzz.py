"""Whatever a user feeds the parsers, they return requests or raise a located MbvError, never crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mbv_cli.core.errors import MbvError
from mbv_cli.core.replay.curl import parse_curl_command
from mbv_cli.core.replay.har import parse_har_text
from mbv_cli.core.replay.httpfile import parse_http_text
from mbv_cli.core.replay.tail import parse_tail_text

_pieces = st.sampled_from([
    "GET ", "POST ", "http://h/", "https://x.example/a?b=1", "{{", "}}", "{{v}}", "@v = 1\n", "###", "\n",
    "# @name n\n", "X-A: 1\n", ": \n", "< ./nope\n", "{{$processEnv HOME}}", "{{$guid}}", "?q=1\n", "&r=2\n",
    "curl ", "-X ", "-H ", "'", '"', "\\\n", "-d ", "@", "--json ", "-u ", "-b ", "a=b", "-G ", "--data-urlencode ",
    "-sSL ", "-F ", "--url ", "{", "}", "[", "]", '"log"', ":", ",", '"entries"', '"request"', '"event"',
    '"url"', '"method"', '"headers"', '"outcome"', "null", "1", " ",
])
_text = st.lists(_pieces, max_size=30).map("".join) | st.text(max_size=200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_text)
def test_parsers_never_crash(text: str) -> None:
    for parse in (lambda t: parse_http_text(t, environ={"HOME": "/h"}), parse_curl_command,
                  parse_har_text, parse_tail_text):
        try:
            parse(text)
        except MbvError as exc:
            assert exc.one_line()
