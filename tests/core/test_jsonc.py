from __future__ import annotations

import pytest

from mbv_cli.core.wrangler import jsonc


def test_comments_and_trailing_commas_are_accepted() -> None:
    text = '{\n  // a comment\n  "a": [1, 2,], /* block */ "b": "//not a comment",\n}'
    assert jsonc.loads(text) == {"a": [1, 2], "b": "//not a comment"}


def test_error_position_points_into_the_original_text() -> None:
    text = '{\n  // comment\n  "a": 1\n  "b": 2\n}'
    with pytest.raises(jsonc.JsoncSyntaxError) as info:
        jsonc.loads(text)
    assert (info.value.line, info.value.column) == (4, 3)


def test_unterminated_block_comment() -> None:
    with pytest.raises(jsonc.JsoncSyntaxError) as info:
        jsonc.loads('{"a": 1 /* never closed')
    assert info.value.line == 1
