"""PDF of an incident's PPC report draft and after-action report, for people who must attach a
file (fpdf2, with a Japanese font the system provides: fonts-ipaexfont on Debian)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF, FontFace
from markdown_it import MarkdownIt

from app.drills.report import after_action_report
from app.incidents.service import IncidentService
from app.ops import exports

# Debian's fonts-ipaexfont (what .ci/run installs), then older IPA and the alternatives link.
FONTS = (
    Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"),
    Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-gothic.ttf"),
)
FAMILY = "leakdesk-ja"
# Raw HTML in the Markdown (an incident's title, a note) stays text, as on the pages.
MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")


class NoFont(RuntimeError):
    def __init__(self) -> None:
        super().__init__(
            "no Japanese font for the PDF: install Debian's fonts-ipaexfont "
            "(apt-get install fonts-ipaexfont), then try again"
        )


def find_font(candidates: Sequence[Path] = FONTS) -> Path:
    for path in candidates:
        if path.is_file():
            return path
    raise NoFont


def markdown_pdf(documents: Sequence[str], *, title: str, font: Path | None = None) -> bytes:
    """One PDF of the Markdown documents (A4, each from a new page), in a font that has every
    Japanese character: a PDF reader needs nothing installed to show it (the font is embedded,
    subset to the characters used)."""
    font = font or find_font()
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("leakdesk")
    for style in ("", "B", "I", "BI"):  # one face: bold and italic headings use it too
        pdf.add_font(FAMILY, style=style, fname=str(font))
    pdf.set_font(FAMILY, size=10.5)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    code = FontFace(family=FAMILY, size_pt=9.5, color=(87, 96, 106))
    ink = (31, 35, 40)
    headings = {
        tag: FontFace(family=FAMILY, emphasis="BOLD", size_pt=size, color=ink)
        for tag, size in (("h1", 17), ("h2", 13), ("h3", 11.5))
    }
    for document in documents:
        pdf.add_page()
        pdf.write_html(
            MARKDOWN.render(document),
            font_family=FAMILY,
            tag_styles={"code": code, "pre": code, **headings},
            table_line_separators=True,
            warn_on_tags_not_matching=False,
        )
    return bytes(pdf.output())


async def incident_pdf(
    service: IncidentService, incident_id: int, *, tz: str, now: datetime
) -> bytes:
    """The PPC report draft, then the after-action report, of one incident (its language)."""
    bundle = await exports.load_bundle(service, incident_id)
    lang = bundle.incident.language if bundle.incident.language in ("ja", "en") else "ja"
    ppc = "".join(exports.render_text(bundle, "ppc", tz, now))
    report = await after_action_report(service, incident_id, lang=lang, tz=tz)
    # Parsing and subsetting the font takes CPU seconds: off the event loop, so a PDF download
    # never holds up a Slack acknowledgement.
    return await asyncio.to_thread(markdown_pdf, [ppc, report], title=bundle.incident.key)
