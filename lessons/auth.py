"""Staff sign-in: one shared staff password, set by the council, checked in constant time.

`LESSONS_STAFF_PASSWORD` holds either the password or, better, a hash made with
`lessons hash-password` ("pbkdf2_sha256$<iterations>$<salt>$<hex digest>").
Unset, the app runs open (fine on a laptop for the demo; say so on screen).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

ENV = "LESSONS_STAFF_PASSWORD"
ITERATIONS = 200_000


def configured_secret() -> str | None:
    value = os.environ.get(ENV, "")
    return value or None


def hash_password(password: str, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def password_matches(typed: str, secret: str) -> bool:
    """Does the typed password match the configured secret (plain or hashed)?"""
    if secret.startswith("pbkdf2_sha256$"):
        try:
            _, iterations, salt, _digest = secret.split("$", 3)
            candidate = hash_password(typed, salt, int(iterations))
        except ValueError:
            return False
        return hmac.compare_digest(candidate, secret)
    return hmac.compare_digest(typed.encode(), secret.encode())


def sign_in_errors(name: str, typed: str, secret: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Type your name: it is recorded against the changes you make."
    elif len(name) > 100:
        errors["name"] = "Shorten your name to 100 characters or fewer."
    if secret is not None and not password_matches(typed, secret):
        errors["password"] = "That password is not right. Ask your programme lead for it."
    return errors
