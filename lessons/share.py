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
FOLLOWUP_PATH = "followup"
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
class FollowupOnPaper:
    """A follow-up as print carries it: the session it follows, its link, code and when it
    opens (on the next session's poster, and on slips handed out)."""

    title: str
    starts_at: datetime
    link: str
    code: str
    opens_at: datetime
    language: str = "en"


@dataclass(frozen=True)
class Poster:
    """What a session's poster says; with `last_time`, the follow-up to the session before
    it in the programme ("before we start: how did last time go?")."""

    title: str
    starts_at: datetime
    place: str  # the venue, or "Online"
    feedback_token: str
    short_code: str
    language: str = "en"
    last_time: FollowupOnPaper | None = None


def feedback_link(feedback_token: str, base_url: str | None = None) -> str:
    """The unguessable link the QR code carries."""
    base = base_url or public_url()
    return f"{base}/{FEEDBACK_PATH}?{urlencode({'s': feedback_token})}"


def short_link(short_code: str, base_url: str | None = None) -> str:
    """A link short enough to type from a slide: the page and the session code."""
    base = base_url or public_url()
    return f"{base}/{FEEDBACK_PATH}?{urlencode({'c': short_code})}"


def followup_link(token: str, base_url: str | None = None) -> str:
    """The follow-up's unguessable link, which its QR code carries."""
    base = base_url or public_url()
    return f"{base}/{FOLLOWUP_PATH}?{urlencode({'s': token})}"


def followup_page_url(base_url: str | None = None) -> str:
    """The follow-up's page, where its typed code leads to it."""
    return f"{base_url or public_url()}/{FOLLOWUP_PATH}"


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

    # With last time's follow-up at the foot, today's QR code makes room for it.
    size = 760 if session.last_time is None else 520
    qr = _qr_image(feedback_link(session.feedback_token, base_url), size)
    qr_top = max(y + 30, 560 if session.last_time is None else 470)
    page.paste(qr, ((A4_PIXELS[0] - size) // 2, qr_top))

    y = qr_top + size + 30
    y = _centred(draw, y, t("Scan with your phone camera, or go to"), _font(32))
    y = _centred(draw, y, display_url(form_page_url(base_url)), _font(40, bold=True))
    y = _centred(draw, y + 10, t("and enter the code"), _font(32))
    _centred(draw, y, " ".join(session.short_code), _font(96, bold=True), fill="#0b5563")
    if session.last_time is not None:
        _last_time_band(page, draw, session.last_time, base_url, top=A4_PIXELS[1] - 420)
    _centred(
        draw,
        A4_PIXELS[1] - 90,
        t("Anonymous unless you choose otherwise. Takes under a minute."),
        _font(26),
        fill="#4a4a4a",
    )
    return page


def _qr_image(url: str, size: int) -> Image.Image:
    qr_file = Image.open(io.BytesIO(qr_png(url, scale=14)))
    return qr_file.convert("RGB").resize((size, size), Image.Resampling.NEAREST)


def _last_time_band(
    page: Image.Image,
    draw: ImageDraw.ImageDraw,
    followup: FollowupOnPaper,
    base_url: str | None,
    top: int,
) -> None:
    """The foot of a poster: the follow-up to the previous session, its QR code on the left
    and its words beside it."""
    t = translator(followup.language)
    draw.rectangle((0, top, A4_PIXELS[0], top + 320), fill="#e8f1f2")
    page.paste(_qr_image(followup.link, 260), (60, top + 30))
    x, y = 360, top + 35
    lines = [
        (t("Before we start: how did last time go?"), _font(38, bold=True)),
        (textwrap.shorten(followup.title, width=44, placeholder="…"), _font(28)),
        (
            t("Scan, or go to {address}", address=display_url(followup_page_url(base_url))),
            _font(28),
        ),
        (t("and enter the code {code}", code=" ".join(followup.code)), _font(34, bold=True)),
    ]
    for text, face in lines:
        draw.text((x, y), text, font=face, fill="#1b1b1b")
        left, top_, right, bottom = draw.textbbox((0, 0), text, font=face)
        y += int(bottom - top_) + 22


SLIPS_PER_PAGE = 8  # two columns of four: cut along the lines


def followup_slips_image(followup: FollowupOnPaper, base_url: str | None = None) -> Image.Image:
    """An A4 page of slips to hand out (or leave on tables): each with the follow-up's QR
    code, address, code and when it opens."""
    t = translator(followup.language)
    page = Image.new("RGB", A4_PIXELS, "white")
    draw = ImageDraw.Draw(page)
    width, height = A4_PIXELS[0] // 2, A4_PIXELS[1] // 4
    qr = _qr_image(followup.link, 250)
    opens = t("Opens {day}", day=long_date(followup.opens_at, followup.language))
    for number in range(SLIPS_PER_PAGE):
        left, top = (number % 2) * width, (number // 2) * height
        draw.rectangle((left, top, left + width - 1, top + height - 1), outline="#9a9a9a")
        page.paste(qr, (left + 25, top + 90))
        draw.text(
            (left + 25, top + 25), t("How is it going?"), font=_font(34, bold=True), fill="#0b5563"
        )
        x, y = left + 295, top + 90
        title = textwrap.wrap(followup.title, width=24)
        lines = [
            *(title[:1] + [textwrap.shorten(" ".join(title[1:]), 24, placeholder="…")])[:2],
            *textwrap.wrap(opens, width=24),
            *textwrap.wrap(display_url(followup_page_url(base_url)), width=24),
        ]
        for line in [line for line in lines if line]:
            draw.text((x, y), line, font=_font(20), fill="#1b1b1b")
            y += 30
        code = t("Code: {code}", code=followup.code)
        draw.text((x, y + 6), code, font=_font(24, bold=True), fill="#0b5563")
        draw.text(
            (left + 25, top + height - 50),
            t("Two minutes, anonymous: what you did after the session."),
            font=_font(19),
            fill="#4a4a4a",
        )
    return page


def followup_slips_pdf(followup: FollowupOnPaper, base_url: str | None = None) -> bytes:
    buffer = io.BytesIO()
    followup_slips_image(followup, base_url).save(buffer, format="PDF", resolution=POSTER_DPI)
    return buffer.getvalue()


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
