"""`leakdesk draft FILE --kind notice|social|letter|qa --lang ja|en --format md|html`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli_and_server import leakdesk

ROOT = Path(__file__).resolve().parents[2]
CARD = str(ROOT / "examples" / "answers-card-skimming.json")
ENV = {"LEAKDESK_COMPANY_NAME": "株式会社サンプル", "LEAKDESK_CONTACT": "0120-000-000"}


@pytest.mark.parametrize(
    "kind,lang,expected",
    [
        ("notice", "ja", "お詫びとお知らせ（第1報）"),
        ("social", "ja", "詳細はこちら：【要記入：お知らせ文のURL】"),
        ("letter", "ja", "### 印刷用の書面"),
        ("qa", "ja", "**社外秘**"),
        ("social", "en", "Details: [TO FILL IN: notice URL]"),
        ("letter", "en", "### Printed letter"),
        ("qa", "en", "**INTERNAL"),
    ],
)
def test_draft_prints_each_piece(kind: str, lang: str, expected: str, tmp_path: Path) -> None:
    result = leakdesk("draft", CARD, "--kind", kind, "--lang", lang, env=ENV, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout


def test_draft_html_for_a_cms_with_the_notice_url(tmp_path: Path) -> None:
    result = leakdesk(
        "draft",
        CARD,
        "--kind",
        "social",
        "--format",
        "html",
        "--url",
        "https://example.jp/n/1",
        env=ENV,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<p>【重要】")
    assert "https://example.jp/n/1</p>" in result.stdout
    assert "placeholder_unfilled" not in result.stderr


@pytest.mark.parametrize(
    "args,message",
    [
        (("--kind", "poster"), "--kind must be one of notice, social, letter, qa"),
        (("--format", "pdf"), "--format must be md or html"),
    ],
)
def test_a_bad_option_is_one_clear_line(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    result = leakdesk("draft", CARD, *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
