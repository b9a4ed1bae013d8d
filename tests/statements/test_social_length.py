"""The social post's length, counted as X counts it (twitter-text config v3)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.statements.notice import read_notice
from app.statements.pack import _words, check_piece
from app.statements.social import MAX_WEIGHT, draft_social, fits, weighted_length

LATIN = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=400)
KANA_KANJI = st.text(
    st.one_of(
        st.characters(min_codepoint=0x3041, max_codepoint=0x3096),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
    ),
    max_size=200,
)
WORDS = _words("ja").SOCIAL


def test_the_documented_weights() -> None:
    assert weighted_length("a" * 280) == 280
    assert weighted_length("あ" * 140) == 280
    assert weighted_length("ＡＢ") == 4  # full-width counts double
    # U+2010–U+201F (quotes, dashes) are light; the ellipsis U+2026 is outside every range
    assert weighted_length("“quote” – dash…") == 16
    assert weighted_length("see https://example.com/a/very/long/path/that/is/long") == 4 + 23
    assert weighted_length("詳細：【要記入：お知らせ文のURL】") == 6 + 23


def test_the_boundary_is_280() -> None:
    assert fits("あ" * 140) and not fits("あ" * 140 + "a")
    assert fits("a" * 256 + " https://x.jp") and not fits("a" * 257 + " https://x.jp")


@given(LATIN, KANA_KANJI)
def test_latin_counts_one_and_japanese_two(latin: str, japanese: str) -> None:
    if "http" in latin:
        return
    assert weighted_length(latin + japanese) == len(latin) + 2 * len(japanese)


@given(st.text(min_size=1, max_size=200).filter(lambda t: t.strip() and "\n" not in t))
def test_a_drafted_post_always_fits_or_is_flagged(title: str) -> None:
    notice = read_notice(
        f"{title}\n\n【お客様へのお願い】\n・当社を装った不審なメールにご注意ください。", "ja"
    )
    post = draft_social(notice, WORDS, "https://example.jp/n")
    found = {f.code for f in check_piece("social", post, notice=post, answers={}, lang="ja")}
    assert fits(post) == ("social_too_long" not in found)
    if weighted_length(f"【重要】{title}\n詳細はこちら：https://example.jp/n") <= MAX_WEIGHT:
        assert fits(post)


def test_the_post_drops_the_least_pressing_line_first() -> None:
    notice = read_notice(
        "漏えいに関するお詫びとお知らせ\n\n"
        "当社は、お客様約2,400名分の個人情報が漏えいしたおそれがあることを確認いたしました。\n\n"
        "【お客様へのお願い】\n・" + "あ" * 60 + "ご確認ください。",
        "ja",
    )
    post = draft_social(notice, WORDS, "https://example.jp/n")
    assert "ご確認ください。" in post  # what to do outranks the apology, the apology the count
    assert "お詫び申し上げます。" in post.splitlines()[2]
    assert "約2,400名" not in post
    assert fits(post)


def test_a_post_about_other_data_keeps_what_it_says_of_personal_data_first() -> None:
    """No count to give, and a line of advice too long for both in Japanese (X counts it
    double): the post keeps the notice's word on personal data, and the notice's link carries
    the advice."""
    personal = "現時点の調査では、対象となる情報に個人情報は含まれておりません。"
    advice = (
        "当社の名を騙る不審な連絡やメールを受けた場合は、記載のリンクを開いたり添付ファイルを"
        "開封したりせずに、当社お問い合わせ窓口までご連絡くださいますようお願いいたします。"
    )
    notice = read_notice(
        "当社サーバーにおける設定不備に関するお知らせ\n\n"
        f"当社は、社内資料の一部が外部から閲覧可能な状態にあったことを確認いたしました。なお、{personal}\n\n"
        f"【お取引先様へのお願い】\n・{advice}",
        "ja",
    )
    post = draft_social(notice, WORDS, "https://example.jp/n")
    assert post.splitlines()[1] == personal
    assert advice not in post and fits(post)
