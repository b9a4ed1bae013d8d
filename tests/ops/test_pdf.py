"""`leakdesk export ID --format pdf` and the ops page's PDF link: the PPC report draft and the
after-action report, in Japanese, checked by turning the pages into images (poppler-utils)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from PIL import Image

from app.ops.pdf import FONTS, NoFont, find_font
from app.runtime import Runtime, build_runtime
from tests.conftest import make_settings
from tests.ops.conftest import seed_incident, sign_in
from tests.test_cli_and_server import leakdesk

HAS_FONT = any(path.is_file() for path in FONTS)
needs_font = pytest.mark.skipif(not HAS_FONT, reason="apt-get install fonts-ipaexfont")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="apt-get install poppler-utils"
)


def pdf_pages(pdf: Path, tmp_path: Path) -> list[Image.Image]:
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(tmp_path / "page")], check=True)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page-*.png"))]


def ink(page: Image.Image) -> float:
    """The share of dark pixels: text on the page, not a blank or a row of missing glyphs."""
    histogram = page.histogram()  # greyscale: 256 counts
    return sum(histogram[:128]) / sum(histogram)


@needs_font
@needs_poppler
def test_export_pdf_renders_japanese_on_real_pages(database_url: str, tmp_path: Path) -> None:
    async def seed() -> str:
        runtime = build_runtime(make_settings(database_url, language="ja"))
        try:
            incident = await seed_incident(runtime, title="顧客リストの誤送信")
            await runtime.service.record_answer(incident.id, "affected_count", 1800, "U1")
            return incident.key
        finally:
            await runtime.close()

    key = asyncio.run(seed())
    pdf = tmp_path / f"{key}.pdf"
    with pdf.open("wb") as out:
        done = subprocess.run(
            [*leakdesk_command(), "export", key, "--format", "pdf"],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env_for(database_url),
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "個人情報保護委員会" in text and "顧客リストの誤送信" in text  # PPC report draft
    assert f"事後レビュー: {key}" in text  # the after-action report, in the incident's language
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "IPAex" in fonts or "IPA" in fonts  # embedded: readers need nothing installed
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) >= 2  # the PPC report, then the after-action report from a new page
    assert 0.01 < ink(pages[0]) < 0.5, ink(pages[0])  # a page of text
    assert all(ink(page) > 0.0005 for page in pages)  # and no blank page


def leakdesk_command() -> list[str]:
    return [sys.executable, "-m", "app.cli"]


def env_for(database_url: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LEAKDESK_", "SLACK_"))}
    return {**clean, "DATABASE_URL": database_url}


def test_export_pdf_to_a_terminal_or_an_unknown_format_is_one_line(tmp_path: Path) -> None:
    result = leakdesk("export", "1", "--format", "docx", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "pdf" in result.stderr


def test_without_a_font_the_reason_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(NoFont, match="apt-get install fonts-ipaexfont"):
        find_font([tmp_path / "missing.ttf"])


@needs_font
async def test_the_ops_page_links_the_pdf_and_serves_it(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    incident = await seed_incident(runtime)
    await sign_in(client)
    page = (await client.get(f"/incidents/{incident.id}?lang=en")).text
    link = f"/incidents/{incident.key}/report?format=pdf"
    assert f'href="{link}"' in page and "PDF" in page
    response = await client.get(link)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert f'filename="{incident.key}.pdf"' in response.headers["content-disposition"]
