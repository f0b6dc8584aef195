"""curl commands as browsers copy them (bash `$'...'` quoting), and a note for each option mbv replay
cannot honour (issue 16). bash itself is the reference for what `$'...'` means."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from mbv_cli.core.errors import InputError
from mbv_cli.core.replay.curl import parse_curl_command

WORDS = [
    r"$'plain'",
    r"$'it\'s'",
    r"$'a\nb\tc\\d'",
    r"$'\x41\x7e\u00e9\U0001F600'",
    r"$'\101\60\7'",
    r"$'quote \" and \? and \e[0m'",
    r"$'{\"q\":\"line\\nnext\"}'",
    r"pre$'mid'post",
    r"$'\cA\cz'",
    r"$'unknown \q escape'",
]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash as the reference")
@pytest.mark.parametrize("word", WORDS)
def test_dollar_single_quotes_mean_what_bash_says(word: str) -> None:
    expected = subprocess.run(["bash", "-c", f"printf %s {word}"], capture_output=True, timeout=10).stdout
    request = parse_curl_command(f"curl https://api.example.com/x --data-raw {word}")
    assert request.body == expected


def test_chrome_copy_as_curl_bash() -> None:
    text = (
        "curl 'https://api.example.com/graphql' \\\n"
        "  -H 'accept: */*' \\\n"
        "  -H 'content-type: application/json' \\\n"
        "  --data-raw $'{\"query\":\"{ me { name } }\",\"note\":\"it\\'s\\\\n\"}'"
    )
    request = parse_curl_command(text)
    assert request.method == "POST"
    assert request.body == b'{"query":"{ me { name } }","note":"it\'s\\n"}'
    assert ("content-type", "application/json") in request.headers


def test_dollar_quote_inside_other_quotes_is_literal() -> None:
    request = parse_curl_command("""curl https://api.example.com/x -H "X-A: $'a'" -H 'X-B: $'""")
    assert ("X-A", "$'a'") in request.headers and ("X-B", "$") in request.headers


def test_an_unterminated_dollar_quote_is_one_located_error() -> None:
    with pytest.raises(InputError) as caught:
        parse_curl_command("curl https://api.example.com/x --data-raw $'open")
    line = caught.value.one_line()
    assert line.startswith("<curl>:1:44: ") and "No closing quotation" in line  # 44: where $' opens


@pytest.mark.parametrize("option", ["--resolve api.example.com:443:127.0.0.1", "--connect-to ::127.0.0.1:8787",
                                    "--cert client.pem", "--key client.key", "--proxy http://proxy:3128",
                                    "--http2", "-x http://proxy:3128", "--cacert ca.pem", "--max-time 5"])
def test_each_option_that_cannot_be_honoured_gets_a_note_naming_it(option: str) -> None:
    request = parse_curl_command(f"curl {option} https://api.example.com/x")
    name = option.split()[0]
    assert [n for n in request.notes if n.startswith(f"curl {name} is ignored")], request.notes


def test_one_note_per_option_even_when_repeated() -> None:
    request = parse_curl_command("curl --resolve a:443:1.2.3.4 --resolve b:443:1.2.3.4 --http2 -s "
                                 "https://api.example.com/x")
    assert len(request.notes) == 2
    assert {n.split()[1] for n in request.notes} == {"--resolve", "--http2"}
