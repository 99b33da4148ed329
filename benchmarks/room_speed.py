"""A full room at the end of a session: how light and fast is the attendees' form?

    python benchmarks/room_speed.py [--phones 100] [--streamlit-opens 10]

Against a real server (`python -m lessons.ui_server`) on 127.0.0.1 serving a copy of the
demo programme, with one session on now:

1. the form's weight: bytes over the wire (headers included) and requests, from a fresh
   Chromium with its cache empty, and how many requests went to another host;
2. when it is usable on a slow phone link: Chromium's network emulation (1.6 Mbit/s down
   and up, 150 ms latency), from navigation until the page has loaded (stylesheet and
   script) and the send button is on screen;
3. server CPU per phone, one after another: the server process's user + system time
   (/proc/<pid>/stat) over `--phones` sequential opens and submits (page, stylesheet,
   script, POST, thank you), divided by the phones (printed);
4. a full room: `--phones` HTTP clients at once (asyncio, one connection each), each
   opening the form (with its stylesheet and script), submitting, and reading its thank
   you; seconds until all are thanked, responses lost (not stored), errors, and the
   server's CPU per phone over the run (the JSON's `server_cpu_ms_per_phone`);
5. the same server's CPU per open of a Streamlit page, for `--streamlit-opens` browser
   opens at once: the sign-in page (the attendees' form is no longer a Streamlit page,
   so the page any visitor without an account lands on stands in for it), and the ratio.

Ends with one line of JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lessons import accounts, store  # noqa: E402
from lessons.clock import now_local  # noqa: E402
from lessons.sessions import SessionDraft, create_session  # noqa: E402
from lessons.startup import open_app_database  # noqa: E402

CHROMIUM = os.environ.get("LESSONS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update"]  # fmt: skip
SLOW_LINK = {"latency": 150, "throughput_bits": 1_600_000}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its threads so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


class Server:
    def __init__(self, db_path: Path) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "LESSONS_DB": str(db_path), "LESSONS_PUBLIC_URL": self.url}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lessons.ui_server", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise SystemExit("the server did not start")

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def demo_copy_with_a_session_on_now(folder: Path) -> tuple[Path, store.SessionRow]:
    db_path = folder / "room.duckdb"
    subprocess.run([sys.executable, "-m", "lessons.cli", "demo"], cwd=ROOT, check=True,
                   env={**os.environ, "LESSONS_DB": str(db_path)}, capture_output=True)  # fmt: skip
    database = open_app_database(db_path)
    start = now_local().replace(microsecond=0) - timedelta(minutes=45)
    session_id = create_session(
        database,
        SessionDraft(title="Social media for councillors: the full room", starts_at=start,
                     ends_at=start + timedelta(hours=1), council="Calderbrook Council",
                     venue="Council Chamber", expected_attendees=100),
    )  # fmt: skip
    # A staff account, as a council has: the Streamlit page measured is then the sign-in page
    # itself (without one, a laptop on 127.0.0.1 would show "open mode" instead).
    accounts.add_account(database, "lead@council.example", "Programme Lead", "admin")
    with database.reading() as cur:
        session = store.session_by_id(cur, session_id)
    database.close()
    assert session is not None
    return db_path, session


def weigh_the_form(playwright, url: str) -> dict[str, float]:
    """Bytes over the wire and requests of one open with an empty cache; then the time
    until usable on the slow link."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    requested: dict[str, str] = {}
    received: dict[str, float] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: requested.__setitem__(e["requestId"], e["request"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1000)  # anything fetched late (a favicon) counts too
    host = url.split("/")[2]
    other_hosts = sum(1 for u in requested.values() if u.split("/")[2] != host)
    weight = {"form_bytes": int(sum(received.values())), "form_requests": len(requested),
              "other_host_requests": other_hosts}  # fmt: skip
    context.close()

    timings = []
    for _ in range(3):
        context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        rate = SLOW_LINK["throughput_bits"] / 8
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": SLOW_LINK["latency"],
            "downloadThroughput": rate, "uploadThroughput": rate,
        })  # fmt: skip
        started = time.perf_counter()
        page.goto(url, wait_until="load")
        page.locator("#send").wait_for(state="visible")
        timings.append(time.perf_counter() - started)
        context.close()
    browser.close()
    weight["usable_s_slow_link"] = round(sorted(timings)[1], 2)
    return weight


def static_urls(html: str, base: str) -> list[str]:
    return [base + path.replace("&amp;", "&") for path in
            re.findall(r'(?:href|src)="(/_lessons/static/[^"]+)"', html)]  # fmt: skip


async def one_phone(client: httpx.AsyncClient, base: str, token: str, n: int) -> bool:
    """Open the form (page, stylesheet, script), send it, read the thank you."""
    page = await client.get(f"{base}/feedback?s={token}")
    page.raise_for_status()
    for extra in static_urls(page.text, base):
        (await client.get(extra)).raise_for_status()
    key = re.search(r'name="key" value="([^"]+)"', page.text)
    assert key is not None
    sent = await client.post(
        f"{base}/feedback?s={token}",
        data={
            "key": key.group(1),
            "lang": "en",
            "overall_rating": str(n % 5 + 1),
            "length": "about_right",
            "went_well": f"Phone {n}: the practical examples",
            "to_change": "More time to try it ourselves",
        },  # fmt: skip
    )
    sent.raise_for_status()
    return "Thank you" in sent.text and str(sent.url).startswith(f"{base}/feedback/thanks")


async def full_room(base: str, token: str, phones: int) -> tuple[float, int]:
    """All phones at once, each on a connection of its own (one pool of `phones`
    connections: creating a client per phone would measure the clients, not the server);
    seconds until the last is thanked, and errors."""
    errors = 0
    limits = httpx.Limits(max_connections=phones, max_keepalive_connections=phones)
    async with httpx.AsyncClient(limits=limits, timeout=60, follow_redirects=True) as client:

        async def phone(n: int) -> None:
            nonlocal errors
            try:
                if not await one_phone(client, base, token, n):
                    errors += 1
            except (httpx.HTTPError, AssertionError):
                errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(phone(n) for n in range(phones)))
        return time.perf_counter() - started, errors


async def sequential(base: str, token: str, phones: int) -> int:
    errors = 0
    async with httpx.AsyncClient(timeout=60, follow_redirects=True) as client:
        for n in range(phones):
            try:
                errors += 0 if await one_phone(client, base, token, 1000 + n) else 1
            except (httpx.HTTPError, AssertionError):
                errors += 1
    return errors


def streamlit_opens(playwright, server: Server, opens: int) -> float:
    """Server CPU per open of the sign-in page, `opens` browsers at once, each until the
    page has drawn its heading (and its script run has finished)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    contexts = [browser.new_context(viewport={"width": 375, "height": 812}) for _ in range(opens)]
    pages = [context.new_page() for context in contexts]
    time.sleep(1)
    before = server.cpu()
    for page in pages:
        page.goto(f"{server.url}/sign_in", wait_until="commit")
    for page in pages:
        page.get_by_role("heading", name="Sign in").first.wait_for(timeout=180_000)
        page.get_by_label("Email address").first.wait_for(timeout=180_000)
    time.sleep(1)
    spent = server.cpu() - before
    for context in contexts:
        context.close()
    browser.close()
    return spent / opens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--streamlit-opens", type=int, default=10)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="room-speed-"))
    try:
        db_path, session = demo_copy_with_a_session_on_now(folder)
        server = Server(db_path)
        form_url = f"{server.url}/feedback?s={session.feedback_token}"
        try:
            with sync_playwright() as playwright:
                weight = weigh_the_form(playwright, form_url)
            print(f"form: {weight['form_bytes']:,} bytes over the wire in"
                  f" {weight['form_requests']} requests ({weight['other_host_requests']}"
                  f" to another host); usable after {weight['usable_s_slow_link']} s on"
                  " 1.6 Mbit/s with 150 ms latency (median of 3)")  # fmt: skip

            asyncio.run(sequential(server.url, session.feedback_token, 5))  # warm-up
            time.sleep(1)
            before = server.cpu()
            errors = asyncio.run(sequential(server.url, session.feedback_token, args.phones))
            cpu_per_phone = (server.cpu() - before) / args.phones * 1000
            print(f"server CPU per phone (open + submit, one after another):"
                  f" {cpu_per_phone:.1f} ms over {args.phones} phones,"
                  f" {errors} errors")  # fmt: skip

            counted = count(server.url, session.feedback_token)
            before, client_before = server.cpu(), time.process_time()
            elapsed, room_errors = asyncio.run(
                full_room(server.url, session.feedback_token, args.phones)
            )
            room_cpu = (server.cpu() - before) / args.phones * 1000
            client_cpu = time.process_time() - client_before
            stored = count(server.url, session.feedback_token) - counted
            lost = args.phones - stored
            print(f"{args.phones} phones at once: all thanked in {elapsed:.2f} s,"
                  f" {stored} stored, {lost} lost, {room_errors} errors; server CPU"
                  f" {room_cpu:.1f} ms per phone; the clients' own CPU {client_cpu:.1f} s;"
                  f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip

            with sync_playwright() as playwright:
                streamlit_ms = streamlit_opens(playwright, server, args.streamlit_opens) * 1000
            print(f"Streamlit sign-in page: {streamlit_ms:.0f} ms of server CPU per open"
                  f" ({args.streamlit_opens} browsers at once)")  # fmt: skip
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    result = {
        **weight,
        # Per phone opening and sending, as the room does it (the one-by-one figure is
        # printed above: each answer then has a commit of its own).
        "server_cpu_ms_per_phone": round(room_cpu, 1),
        "phones": args.phones,
        "all_thanked_s": round(elapsed, 2),
        "lost": lost,
        "errors": room_errors,
        "streamlit_cpu_ms_per_open": round(streamlit_ms),
        "ratio": round(streamlit_ms / room_cpu, 1) if room_cpu else None,
    }
    print(json.dumps(result))


def count(base: str, token: str) -> int:
    with urllib.request.urlopen(f"{base}/present/count?s={token}", timeout=10) as reply:
        return int(json.loads(reply.read())["responses"])


if __name__ == "__main__":
    main()
