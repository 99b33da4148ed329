"""One-time, short-lived download links for files that carry personal data (a subject
access export, an export with contact details).

Streamlit's own download button serves its file at a /media/ address that anyone holding
it can fetch, with no session, for as long as the page lives. Instead a page offers the
file here, bound to the signed-in browser session: `lessons.web_downloads` hands it out at
/download/<token> only to a request carrying that session's cookie, once, within 90
seconds; signing out ends the session, and with it every link it was given.

Pure: the offers live in this process's memory (a restart forgets them), no database.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

LIFETIME_SECONDS = 90.0
# Where lessons.web_downloads serves an offer: DOWNLOAD_PREFIX + token, under the base path.
DOWNLOAD_PREFIX = "/download/"


@dataclass(frozen=True)
class Offer:
    data: bytes
    filename: str
    mime: str
    browser_session: int
    expires: float


class Downloads:
    """The offers of one process; `clock` is monotonic seconds (a test may move it)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._offers: dict[str, Offer] = {}
        self._lock = threading.Lock()

    def offer(
        self,
        data: bytes,
        filename: str,
        mime: str,
        browser_session: int,
        lifetime: float = LIFETIME_SECONDS,
    ) -> str:
        """A new token for this file, valid once for `lifetime` seconds, for the browser
        session `browser_session` only."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._forget_expired()
            self._offers[token] = Offer(
                data, filename, mime, browser_session, self._clock() + lifetime
            )
        return token

    def take(self, token: str, browser_session: int | None) -> Offer | None:
        """The file, once, if the token is live and the request's browser session is the
        one it was offered to; None otherwise (and the token stays for its owner)."""
        with self._lock:
            self._forget_expired()
            offer = self._offers.get(token)
            if offer is None or browser_session != offer.browser_session:
                return None
            del self._offers[token]
            return offer

    def _forget_expired(self) -> None:
        now = self._clock()
        for token in [t for t, o in self._offers.items() if o.expires <= now]:
            del self._offers[token]


# This process's offers: the pages add to them, the route takes from them.
OFFERS = Downloads()
