"""How long does a password sign-in take? Mostly argon2id, on purpose.

    python benchmarks/sign_in_speed.py [--rounds 15]

Times, each the median of `--rounds` runs on this machine: hashing a password (adding a
person, or a new password), checking one, and a whole `accounts.sign_in_with_password`
(throttling counts read, the hash checked, the attempt logged) on a fresh database, for a
right password, a wrong one, and an email with no account (which does the same work, so
the time of a refusal does not tell whether the address has an account). Ends with one
line of JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lessons import accounts, auth  # noqa: E402
from lessons.startup import open_app_database  # noqa: E402

PASSWORD = "a long passphrase for the benchmark"


def median_ms(action: Callable[[], object], rounds: int) -> float:
    action()  # warm-up
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    hashed = auth.hash_password(PASSWORD)
    figures = {
        "hash_ms": median_ms(lambda: auth.hash_password(PASSWORD), rounds),
        "verify_ms": median_ms(lambda: auth.password_matches(PASSWORD, hashed), rounds),
    }
    with tempfile.TemporaryDirectory() as folder:
        database = open_app_database(Path(folder) / "sign-in.duckdb")
        accounts.add_account(database, "priya@council.example", "Priya", "lead", PASSWORD)
        # A new moment for each attempt, an hour apart: the failures never add up to a wait.
        clock = iter(datetime(2026, 1, 1) + timedelta(hours=n) for n in range(10_000))

        def sign_in(email: str, password: str) -> object:
            return accounts.sign_in_with_password(database, email, password, None, next(clock))

        figures["sign_in_ms"] = median_ms(
            lambda: sign_in("priya@council.example", PASSWORD), rounds
        )
        figures["wrong_password_ms"] = median_ms(
            lambda: sign_in("priya@council.example", "wrong"), rounds
        )
        figures["unknown_email_ms"] = median_ms(
            lambda: sign_in("nobody@council.example", PASSWORD), rounds
        )
        database.close()
    print(
        f"argon2id (argon2-cffi defaults: {auth._HASHER.memory_cost // 1024} MiB, "
        f"{auth._HASHER.time_cost} passes, {auth._HASHER.parallelism} lanes), "
        f"median of {rounds} on this machine:"
    )
    for name, value in figures.items():
        print(f"  {name:<20} {value:7.1f} ms")
    print(json.dumps({k: round(v, 1) for k, v in figures.items()}))


if __name__ == "__main__":
    main()
