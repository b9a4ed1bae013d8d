"""The masker against the forms people really write, and the numbers that must stay (table)."""

from __future__ import annotations

import pytest

from app.incidents.masking import MASK, mask

# Secrets are assembled here so this file does not itself look like a leak to a scanner.
A36 = "a1B2c3D4e5" * 3 + "F6g7H8"
# Token and key prefixes are assembled, so that no line of this file reads as a real secret.
SLACK_BOT, SLACK_USER = "xox" + "b-", "xox" + "p-"
PEM = "-----BEGIN {kind} " + "PRIVATE KEY-----"
HEX32 = "0123456789abcdef" * 2
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
JWT = (
    "eyJhbGciOiJIUzI1NiJ9."
    + "eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    + "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)

# (text, the kind that must be found, the secret that must be gone)
MASKED: list[tuple[str, str, str]] = [
    # card numbers, every separator people use
    ("card 4111111111111111", "card_number", "4111111111111111"),
    ("card 4111 1111 1111 1111", "card_number", "1111 1111"),
    ("card 4111-1111-1111-1111", "card_number", "1111-1111"),
    ("カード４１１１－１１１１－１１１１－１１１１です", "card_number", "１１１１－１１１１"),
    ("カード４１１１１１１１１１１１１１１１", "card_number", "１１１１１１１１"),
    ("4111\u30001111\u30001111\u30001111", "card_number", "1111\u30001111"),
    ("4111\u00a01111\u00a01111\u00a01111", "card_number", "1111\u00a01111"),
    ("4111.1111.1111.1111", "card_number", "1111.1111"),
    ("4111・1111・1111・1111", "card_number", "1111・1111"),
    ("4111ー1111ー1111ー1111", "card_number", "1111ー1111"),
    ("4111\u22121111\u22121111\u22121111", "card_number", "1111\u22121111"),
    ("4111 - 1111 - 1111 - 1111", "card_number", "1111 - 1111"),
    ("4111/1111/1111/1111", "card_number", "1111/1111"),
    ("4111\u200b1111\u200b1111\u200b1111", "card_number", "1111\u200b1111"),
    ("番号は4012-8888-8888-1881まで", "card_number", "8888-8888"),
    ("amex 3782 822463 10005", "card_number", "822463"),
    ("JCB 3530 1113 3330 0000", "card_number", "1113 3330"),
    ("diners 3056 9309 0259 04", "card_number", "9309 0259"),
    ("discover 6011111111111117", "card_number", "6011111111111117"),
    ("mastercard 2223003122003222", "card_number", "2223003122003222"),
    ("order 12 4111 1111 1111 1111 shipped", "card_number", "4111 1111"),
    ("SLACK_4111111111111111", "card_number", "4111111111111111"),
    # My Number
    ("my number 1234-5678-9018", "my_number", "5678-9018"),
    ("マイナンバー１２３４　５６７８　９０１８", "my_number", "５６７８　９０１８"),
    ("マイナンバー 1234・5678・9018", "my_number", "5678・9018"),
    ("個人番号123456789018", "my_number", "123456789018"),
    ("my number 1234.5678.9018", "my_number", "5678.9018"),
    # passwords, given in every way
    ("the admin password is hunter2", "password", "hunter2"),
    ("password: hunter2", "password", "hunter2"),
    ("Password=hunter2", "password", "hunter2"),
    ("password hunter2", "password", "hunter2"),
    ("pw: hunter2", "password", "hunter2"),
    ("PW=hunter2", "password", "hunter2"),
    ("pass: hunter2", "password", "hunter2"),
    ("pwd: hunter2", "password", "hunter2"),
    ("passcode is 8841", "password", "8841"),
    ("PIN: 4321", "password", "4321"),
    ("パスワードはabc123です", "password", "abc123"),
    ("パスワード：abc123", "password", "abc123"),
    ("パスワードは「abc123」", "password", "abc123"),
    ("ﾊﾟｽﾜｰﾄﾞ: abc123", "password", "abc123"),
    ("暗証番号は1234", "password", "1234"),
    ("passphrase: correct-horse-battery", "password", "correct-horse-battery"),
    ("postgres://admin:s3cr3tPass@db.internal:5432/app", "password", "s3cr3tPass"),
    ("https://bob:Tr0ub4dor@example.com/", "password", "Tr0ub4dor"),
    # tokens, glued to text or not
    ("SLACK_" + SLACK_BOT + "1234567890-0987654321-" + A36[:24], "token", "xoxb-"),
    ("token=" + SLACK_USER + "1234567890-0987654321-" + A36[:24], "token", "xoxp-"),
    ("xapp-1-A0123456789-1234567890123-" + HEX32, "token", "xapp-"),
    ("https://hooks.slack.com/services/T0000000/B0000000/" + A36[:24], "token", "hooks.slack"),
    ("key AKIAIOSFODNN7EXAMPLE leaked", "token", "AKIAIOSFODNN7EXAMPLE"),
    ("ID=ASIAIOSFODNN7EXAMPL2", "token", "ASIAIOSFODNN7EXAMPL2"),
    ("aws secret " + AWS_SECRET, "token", AWS_SECRET),
    ("aws_secret_access_key = " + AWS_SECRET, "token", AWS_SECRET),
    ("AWS_SECRET_ACCESS_KEY=" + AWS_SECRET, "token", AWS_SECRET),
    ("gh token ghp_" + A36, "token", "ghp_"),
    ("github_pat_11ABCDEFG0" + A36 + A36[:20], "token", "github_pat_"),
    ("glpat-" + A36[:20], "token", "glpat-"),
    ("stripe sk_live_" + A36[:24], "token", "sk_live_"),
    ("rk_test_" + A36[:24], "token", "rk_test_"),
    ("openai sk-proj-" + A36 + A36, "token", "sk-proj-"),
    ("sk-ant-api03-" + A36 + A36, "token", "sk-ant-"),
    ("AIzaSyA1b2c3D4e5F6g7H8i9J0kLmNoPqRsTuVw", "token", "AIzaSy"),
    ("SG." + A36[:22] + "." + A36 + A36[:7], "token", "SG."),
    ("npm_" + A36, "token", "npm_"),
    ("hf_" + A36, "token", "hf_"),
    ("jwt " + JWT, "token", "eyJhbGciOiJIUzI1NiJ9"),
    ("Authorization: Bearer " + A36, "token", A36),
    ("api_key: " + A36[:20], "token", A36[:20]),
    ('"client_secret": "' + A36[:30] + '"', "token", A36[:30]),
    (PEM.format(kind="RSA") + "\nMIIEow\n-----END RSA PRIVATE KEY-----", "token", "MIIEow"),
    (PEM.format(kind="OPENSSH") + "\nb3BlbnNzaC1rZXk", "token", "b3BlbnNzaC1rZXk"),
    ("twilio SK" + HEX32, "token", HEX32),
    ("telegram 123456789:AA" + A36[:33], "token", "AA" + A36[:33]),
]

# Text that must come out exactly as it went in.
KEPT: list[str] = [
    "We will never ask for your password or card number.",
    "パスワードやカード番号をお尋ねすることはありません。",
    "Password reset emails were sent to everyone.",
    "the password was changed yesterday",
    "パスワード 変更済み",
    "order 2026-1128-0042-17",
    "注文番号 ORD-20261128-004217",
    "注文番号 1234-5678-9012-3456",
    "invoice 2026120400017",
    "tel 090-1234-5678",
    "電話 03-1234-5678",
    "phone +81 90-1234-5678",
    "toll-free 0120-123-456",
    "2026-12-04 10:00 JST",
    "2026/12/04",
    "2026.12.04",
    "2026年12月4日",
    "from 2026-11-01 to 2026-11-30",
    "about 12,000 customers, 1,234,567 rows",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "the task-management-and-reporting-system",
    "Basic authentication was disabled",
    "the boarding pass is expired",
    "postal code 100-0001",
    "last four 1111, expiry 12/27",
    "IPv4 192.168.100.200",
    "version 1.2.3.4",
    "the secret is out",
]


@pytest.mark.parametrize(("text", "kind", "secret"), MASKED)
def test_a_known_secret_form_is_masked(text: str, kind: str, secret: str) -> None:
    result = mask(text)
    assert kind in result.kinds, result
    assert secret not in result.text, result.text
    assert MASK in result.text


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_numbers_and_prose_stay(text: str) -> None:
    assert mask(text).text == text


def test_the_table_covers_at_least_sixty_forms() -> None:
    assert len(MASKED) >= 60 and len(KEPT) >= 20


def test_what_surrounds_a_mask_is_kept_as_written() -> None:
    text = "カード４１１１－１１１１－１１１１－１１１１が　漏洩"
    assert mask(text).text == f"カード{MASK}が　漏洩"


def test_a_long_run_of_digit_groups_is_masked_in_linear_time() -> None:
    text = "1 " * 50_000 + "4111 1111 1111 1111"
    assert mask(text).text.endswith(MASK)


def test_a_nul_character_is_dropped_before_anything_is_stored() -> None:
    assert mask("a\x00b card 4111\x001111 1111 1111").text == f"ab card {MASK}"
