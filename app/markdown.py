"""Free text made safe inside the Markdown we write (exports, reports): text, never markup."""

from __future__ import annotations

import json
from typing import Any

# HTML is written as entities (so no autolink `<javascript:…>` either), and the characters that
# open inline Markdown are escaped with a backslash (CommonMark §2.4: any ASCII punctuation may
# be), so a title cannot become a link (`[x](javascript:…)`), a remote image (`![](https://…)`,
# which tells a tracker who opened the file), emphasis or a code span; `|` cannot break a table
# cell, nor a newline its row. Values are always inline, so line-start markup (#, -, >) cannot
# open a block.
_HTML = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_MARKUP = "\\`*_[]!|~"


def md(value: Any) -> str:
    """A value safe inside Markdown text and table cells (no raw HTML, no links, no images)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    for raw, safe in _HTML:
        text = text.replace(raw, safe)
    text = "".join(f"\\{char}" if char in _MARKUP else char for char in text)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
