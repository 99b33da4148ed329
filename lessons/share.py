"""How attendees reach the form: the links, the QR code and a printable poster.

Pure: built from a session's plain details (its token, code, title, time and place),
never from store rows.
"""

from __future__ import annotations

import io
import os
import re
import textwrap
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import segno
from PIL import Image, ImageDraw, ImageFont

from lessons.i18n import clock_time, long_date, translator

FEEDBACK_PATH = "feedback"
DEFAULT_PUBLIC_URL = "http://localhost:8501"

# A4 at 150 dots per inch: sharp enough to print, small enough to download on a phone.
A4_PIXELS = (1240, 1754)
POSTER_DPI = 150
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


def public_url(address_in_use: str | None = None) -> str:
    """Where attendees reach the app, without a trailing slash: `LESSONS_PUBLIC_URL`, or
    else the address the member of staff is using (`address_in_use`), or else localhost."""
    return (os.environ.get("LESSONS_PUBLIC_URL") or address_in_use or DEFAULT_PUBLIC_URL).rstrip(
        "/"
    )


def unreachable_from_a_phone(url: str) -> bool:
    """Whether a link on this address can only work on the computer that serves it."""
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1", "0.0.0.0") or host.endswith(".localhost")


@dataclass(frozen=True)
class Poster:
    """What a session's poster says."""

    title: str
    starts_at: datetime
    place: str  # the venue, or "Online"
    feedback_token: str
    short_code: str
    language: str = "en"


def feedback_link(feedback_token: str, base_url: str | None = None) -> str:
    """The unguessable link the QR code carries."""
    base = base_url or public_url()
    return f"{base}/{FEEDBACK_PATH}?{urlencode({'s': feedback_token})}"


def short_link(short_code: str, base_url: str | None = None) -> str:
    """A link short enough to type from a slide: the page and the session code."""
    base = base_url or public_url()
    return f"{base}/{FEEDBACK_PATH}?{urlencode({'c': short_code})}"


def form_page_url(base_url: str | None = None) -> str:
    """The form's page, where a typed code leads to the session."""
    return f"{base_url or public_url()}/{FEEDBACK_PATH}"


def display_url(url: str) -> str:
    """A URL as a person would write it on a poster: without the scheme."""
    return url.split("://", 1)[-1]


def qr_png(url: str, scale: int = 10) -> bytes:
    """The QR code for a link as PNG bytes (error correction M copes with a smudged print)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(url: str, scale: int = 10) -> str:
    """The QR code for a link as SVG markup, to put straight into a page (no request)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgclass="qr-code"
    )
    svg = buffer.getvalue().decode("ascii")
    # A viewBox, so that the page's stylesheet can size it to the screen.
    size = re.search(r'width="(\d+)" height="(\d+)"', svg)
    if size:
        width, height = size.groups()
        svg = svg.replace(size.group(0), f'viewBox="0 0 {width} {height}"', 1)
    return svg


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def _centred(
    draw: ImageDraw.ImageDraw,
    y: int,
    text: str,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    fill: str = "#1b1b1b",
) -> int:
    """Draw one centred line; return the y of the next line (with a gap of half a line)."""
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((A4_PIXELS[0] - (right - left)) / 2, y), text, font=font, fill=fill)
    height = int(bottom - top)
    return y + height + height // 2


def poster_image(session: Poster, base_url: str | None = None) -> Image.Image:
    """A one-page A4 poster, in the session's language: title, date, QR code, the code and
    the short link."""
    t = translator(session.language)
    page = Image.new("RGB", A4_PIXELS, "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, A4_PIXELS[0], 180), fill="#0b5563")
    _centred(draw, 55, t("Tell us how it went"), _font(64, bold=True), fill="white")

    y = 240
    for line in textwrap.wrap(session.title, width=30)[:3]:
        y = _centred(draw, y, line, _font(54, bold=True))
    when = t(
        "{day}, {time}",
        day=long_date(session.starts_at, session.language),
        time=clock_time(session.starts_at, session.language),
    )
    y = _centred(draw, y + 10, when, _font(34))
    if session.place:
        y = _centred(draw, y, session.place[:60], _font(30), fill="#4a4a4a")

    qr_file = Image.open(
        io.BytesIO(qr_png(feedback_link(session.feedback_token, base_url), scale=14))
    )
    qr = qr_file.convert("RGB").resize((760, 760), Image.Resampling.NEAREST)
    qr_top = max(y + 30, 560)
    page.paste(qr, ((A4_PIXELS[0] - 760) // 2, qr_top))

    y = qr_top + 790
    y = _centred(draw, y, t("Scan with your phone camera, or go to"), _font(32))
    y = _centred(draw, y, display_url(form_page_url(base_url)), _font(40, bold=True))
    y = _centred(draw, y + 10, t("and enter the code"), _font(32))
    _centred(draw, y, " ".join(session.short_code), _font(96, bold=True), fill="#0b5563")
    _centred(
        draw,
        A4_PIXELS[1] - 90,
        t("Anonymous unless you choose otherwise. Takes under a minute."),
        _font(26),
        fill="#4a4a4a",
    )
    return page


def poster_pdf(session: Poster, base_url: str | None = None) -> bytes:
    buffer = io.BytesIO()
    poster_image(session, base_url).save(buffer, format="PDF", resolution=POSTER_DPI)
    return buffer.getvalue()


def poster_png(session: Poster, base_url: str | None = None) -> bytes:
    buffer = io.BytesIO()
    poster_image(session, base_url).save(buffer, format="PNG")
    return buffer.getvalue()


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The poster's typeface (DejaVu Sans) at `size`, for other printed pages (the paper
    feedback card)."""
    return _font(size, bold)
