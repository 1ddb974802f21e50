"""Many users at once: N browser sessions (Playwright, Debian Chromium) change filters for S seconds.

Each session is its own browser context (its own cookies and Streamlit session, a 1366×768
station-laptop window): it opens the page, logs in through the login form, then loops: pick
another period preset, add a drug (mouse: open the list, click the option), or clear the
filters; wait until the page has answered; look at it for ``--think`` seconds (default 2–5 s,
uniform; ``--think 0.2 0.8`` is a stress pace). Sessions start within one pause of each other.
Response time = from the click that commits the change to the page showing it: the script run
finished and wrote the new filter into the URL (``ui.state.sync_url`` runs last), so it covers
the server's whole rerun (queries, map overlay, charts) plus the round trip. ``--wire`` also
times the run's end message on the websocket. Errors: an action not answered within 30 s, a
Streamlit exception box, an "unexpected error" line, or a lost connection. Goal: 0 errors,
p95 ≤ 2 s. Only loopback traffic. The CPU line splits the changing phase's CPU between the
server and the browsers: on one machine the ten Chromiums compete with the server, which a
deployment (one browser per officer's laptop) does not have; ``--nice 19`` lowers their priority.

    # against a running server (a demo store and a test account):
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8501 --user NAME --password-env BW_LOAD_PASSWORD
    # or let the script build a demo store, an account and start `borderwatch serve` itself:
    .venv/bin/python benchmarks/load.py --start [--sessions 10] [--seconds 60] [--think 2 5]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from _serve import serve  # noqa: E402 -- tests/_serve.py, the one server helper of tests and benchmarks

BW = str(Path(sys.executable).with_name("borderwatch"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PERIODS = {"7d": "Last 7 days", "30d": "Last 30 days", "quarter": "This quarter", "year": "This year",
           "all": "All data"}
DRUGS = {"heroin": "Heroin", "methamphetamine": "Crystal methamphetamine",
         "synthetic_tablets": "Synthetic tablets", "opium": "Opium"}
KINDS = ("period", "drug", "clear")      # what a session does, as reported
TIMEOUT_MS = 30_000
P95_GOAL = 2.0


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)

    def add(self, kind: str, seconds: float) -> None:
        self.times.setdefault(kind, []).append(seconds)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) >= 2 else (values or [0])[0]


# -- one browser session --------------------------------------------------------------------

class Wire:
    """What the server sends on the page's websocket: end-of-run markers and exception elements.

    A Streamlit run ends with a ``script_finished`` ForwardMsg; its arrival is the server's answer,
    before the browser has drawn anything. Frames over 64 KB (component payloads) are not parsed.
    """

    def __init__(self) -> None:
        self.finished: list[float] = []
        self.exceptions = 0

    def attach(self, page) -> None:
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, (bytes, bytearray)) or len(payload) > 65_536:
            return
        try:
            msg = ForwardMsg.FromString(bytes(payload))
        except Exception:  # noqa: BLE001 -- not a ForwardMsg: ignore
            return
        kind = msg.WhichOneof("type")
        if kind == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.finished.append(time.perf_counter())
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                and msg.delta.new_element.WhichOneof("type") == "exception":
            self.exceptions += 1

    async def answer_after(self, t0: float, timeout: float = 10.0) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            later = [t for t in self.finished if t >= t0]
            if later:
                return later[0] - t0
            await asyncio.sleep(0.02)
        return None


def _query(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(url).query).items()}


async def _wait_query(page, check) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not check(_query(page.url)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no answer within {TIMEOUT_MS / 1000:.0f} s")
        await asyncio.sleep(0.02)


async def _page_errors(page) -> str | None:
    if await page.locator('[data-testid="stException"]').count():
        return "exception box on the page"
    alerts = page.locator('[data-testid="stAlertContentError"]')
    for i in range(await alerts.count()):
        text = (await alerts.nth(i).inner_text()).lower()
        if "unexpected" in text or "bất ngờ" in text or "connection" in text:
            return f"error line: {text[:80]}"
    if await page.get_by_text("Connection error", exact=False).count():
        return "connection lost"
    return None


async def _login(page, url: str, user: str, password: str) -> float:
    t0 = time.perf_counter()
    await page.goto(f"{url}/?lang=en", timeout=60_000)
    await page.get_by_label("Account name").fill(user)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Log in").click()
    await page.get_by_role("tab", name="Map").wait_for(timeout=60_000)
    return time.perf_counter() - t0


async def _choose(page, box, label: str, clock: dict) -> None:
    """Pick ``label`` in a select box as a mouse user does: open the list, click the option.

    The clock starts at the click that commits the choice: opening the list is the user's time.
    """
    option = page.get_by_role("option", name=label, exact=True)
    for attempt in range(3):      # a click landing while the box re-renders may not open it: click again
        await box.locator("input").click()
        try:
            await option.wait_for(timeout=TIMEOUT_MS // 3)
            break
        except Exception:  # noqa: BLE001 -- Playwright's TimeoutError
            if attempt == 2:
                raise
            await page.keyboard.press("Escape")
    clock["t0"] = time.perf_counter()
    await option.click()


async def _pick_period(page, rng, clock: dict) -> str:
    current = _query(page.url).get("period")
    code = rng.choice([c for c in PERIODS if c != current])
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(has_text="Period")
    await _choose(page, box, PERIODS[code], clock)
    await _wait_query(page, lambda q: q.get("period") == code)
    return "period"


async def _add_drug(page, rng, clock: dict) -> str:
    chosen = set(filter(None, _query(page.url).get("drugs", "").split(",")))
    code = rng.choice([c for c in DRUGS if c not in chosen])
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Drug")
    await _choose(page, box, DRUGS[code], clock)
    await page.keyboard.press("Escape")
    await _wait_query(page, lambda q: code in q.get("drugs", "").split(","))
    # Leave the field as a person would; a click landing while its menu closes is otherwise swallowed.
    await page.evaluate("document.activeElement && document.activeElement.blur()")
    return "drug"


async def _clear(page, rng, clock: dict) -> str:
    button = page.get_by_role("button", name="Clear filters")
    await button.wait_for(timeout=TIMEOUT_MS)
    clock["t0"] = time.perf_counter()
    await button.click()
    await _wait_query(page, lambda q: "drugs" not in q)
    return "clear"


async def session(k: int, browser, args, stats: Stats, start_at: float, stop_at: float) -> None:
    rng = random.Random(233 + k)
    context = await browser.new_context(viewport={"width": 1366, "height": 768})   # a station laptop
    page = await context.new_page()
    wire = Wire()
    if args.wire:
        wire.attach(page)
    try:
        stats.add("login", await _login(page, args.url, args.user, args.password))
        # everyone logged in; then each starts within one pause of the others (a ramp-up, not one
        # synchronised click by ten people), and pauses between its own changes
        await asyncio.sleep(max(0.0, start_at - time.monotonic()) + rng.uniform(0, args.think[1]))
        while time.monotonic() < stop_at:
            drugs = _query(page.url).get("drugs")
            action = _clear if drugs and (drugs.count(",") >= 1 or rng.random() < 0.3) else \
                rng.choice([_pick_period, _pick_period, _add_drug])
            clock = {"t0": time.perf_counter()}
            try:
                kind = await action(page, rng, clock)
                stats.add(kind, time.perf_counter() - clock["t0"])
                if args.wire:
                    answer = await wire.answer_after(clock["t0"])
                    if answer is None:
                        stats.errors.append(f"session {k}: {kind}: the run did not finish")
                    else:
                        stats.add(f"wire:{kind}", answer)
            except Exception as exc:  # noqa: BLE001 -- every failure is counted and reported
                stats.errors.append(f"session {k}: {action.__name__}: {str(exc).splitlines()[0][:120]}")
                await page.keyboard.press("Escape")
            if wire.exceptions:
                stats.errors.append(f"session {k}: {wire.exceptions} exception element(s) from the server")
                wire.exceptions = 0
            problem = await _page_errors(page)
            if problem:
                stats.errors.append(f"session {k}: {problem}")
            await asyncio.sleep(rng.uniform(*args.think))     # a person reads the page
    except Exception as exc:  # noqa: BLE001 -- a session that cannot log in is counted and reported
        stats.errors.append(f"session {k}: login: {str(exc).splitlines()[0][:120]}")
    finally:
        await context.close()


async def drive(args) -> Stats:
    from playwright.async_api import async_playwright

    stats = Stats()
    if args.nice:
        os.nice(args.nice)      # inherited by the Playwright driver and Chromium, not by the server
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            start_at = time.monotonic() + args.login_grace
            stop_at = start_at + args.seconds
            await asyncio.gather(*(session(k, browser, args, stats, start_at, stop_at) for k in range(args.sessions)),
                                 _cpu_phase(args, stats, start_at, stop_at))
        finally:
            await browser.close()
    return stats


async def _cpu_phase(args, stats: Stats, start_at: float, stop_at: float) -> None:
    """CPU seconds of the server and of the browsers (+ driver) during the filter-changing phase only.

    Read while every browser process is still alive (their time is lost once a context closes).
    """
    async def sample() -> dict[str, float]:
        return {"server": _tree_cpu(args.server_pid) if args.server_pid else float("nan"),
                "browsers": _tree_cpu(os.getpid())}

    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    t0, c0 = time.monotonic(), await sample()
    await asyncio.sleep(max(0.0, stop_at - time.monotonic()))
    c1 = await sample()
    stats.cpu = {k: c1[k] - c0[k] for k in c0} | {"wall": time.monotonic() - t0, "load": os.getloadavg()[0]}


# -- where the CPU went -------------------------------------------------------------------------

def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and all its descendants (Linux /proc)."""
    parent, cpu = {}, {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / tick
    keep, todo = set(), [root]
    while todo:
        pid = todo.pop()
        keep.add(pid)
        todo.extend(c for c, p in parent.items() if p == pid and c not in keep)
    return sum(cpu.get(pid, 0.0) for pid in keep)


# -- a server of our own ----------------------------------------------------------------------

def start_server(stack: contextlib.ExitStack, port: int, folder: Path) -> tuple[str, int, str, str]:
    """A demo store, an analyst account and ``borderwatch serve`` on it (stopped when ``stack`` closes).

    Returns (url, server pid, user, password).
    """
    db = folder / "load.duckdb"
    user, password = "loadtest", "load-test-password-233"
    env = {**os.environ, "BORDERWATCH_LANG": "en"}
    subprocess.run([BW, "demo", "--db", str(db), "--incidents", "20000"], check=True, env=env,   # the load size
                   stderr=subprocess.DEVNULL)
    subprocess.run([BW, "users", "add", user, "--role", "analyst", "--password-stdin", "--db", str(db)],
                   input=password + "\n", text=True, check=True, env=env, stderr=subprocess.DEVNULL)
    subprocess.run([BW, "users", "ensure-admin", "--db", str(db)], check=True, env=env,
                   stderr=subprocess.DEVNULL)      # its generated password is not needed here
    try:
        srv = stack.enter_context(serve(db, port=port, env={"BORDERWATCH_LANG": "en"}, log=folder / "serve.log",
                                        timeout=60, stop_timeout=30))
    except RuntimeError as exc:
        raise SystemExit(f"server did not start: {exc}") from exc
    return srv.url, srv.proc.pid, user, password


def _line(name: str, v: list[float]) -> str:
    return (f"  {name:13s} n={len(v):4d}  median {statistics.median(v):5.2f} s  p95 {p95(v):5.2f} s  "
            f"max {max(v):5.2f} s")


def report(stats: Stats, args) -> int:
    print(f"\nload: {args.sessions} sessions, {args.seconds:.0f} s of filter changes against {args.url}, "
          f"{args.think[0]:g}–{args.think[1]:g} s between a session's changes")
    logins = stats.times.get("login", [])
    if logins:
        print(f"  logins: {len(logins)}  median {statistics.median(logins):.2f} s  max {max(logins):.2f} s")
    print("  response (the click that commits the change → the page shows the new filter):")
    answers = []
    for kind in KINDS:
        v = stats.times.get(kind, [])
        answers += v
        if v:
            print(_line(kind, v))
    ok = bool(answers)
    if answers:
        worst = p95(answers)
        print(_line("ALL", answers) + f"   goal p95 ≤ {P95_GOAL:.0f} s: {'met' if worst <= P95_GOAL else 'MISSED'}")
        ok = worst <= P95_GOAL
    wire = [x for k, v in stats.times.items() if k.startswith("wire:") for x in v]
    if wire:
        print("  server answer only (the click → the run's script_finished message on the websocket):")
        print(_line("ALL", wire))
    n = sum(len(stats.times.get(k, [])) for k in KINDS)
    if stats.cpu and n:
        c = stats.cpu
        print(f"  CPU during the {c['wall']:.0f} s of changes on {os.cpu_count()} cores "
              f"(load average {c['load']:.1f}): "
              f"server {c['server']:.0f} s ({1000 * c['server'] / n:.0f} ms per change), browsers + driver "
              f"{c['browsers']:.0f} s ({1000 * c['browsers'] / n:.0f} ms per change), {n / c['wall']:.1f} changes/s")
    print(f"  errors: {len(stats.errors)}")
    for e in stats.errors[:20]:
        print(f"    - {e}")
    return 0 if ok and not stats.errors else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a running server, e.g. http://127.0.0.1:8501 (loopback only)")
    ap.add_argument("--user", help="account to log in with")
    ap.add_argument("--password-env", default="BW_LOAD_PASSWORD", help="environment variable holding its password")
    ap.add_argument("--start", action="store_true", help="build a demo store and start `borderwatch serve` here")
    ap.add_argument("--port", type=int, default=8599)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--login-grace", type=float, default=45, help="seconds allowed for all sessions to log in")
    ap.add_argument("--think", type=float, nargs=2, default=(2.0, 5.0), metavar=("MIN", "MAX"),
                    help="seconds a session looks at the page after an answer before its next change (uniform; "
                         "default 2 5; 0.2 0.8 is a stress pace)")
    ap.add_argument("--nice", type=int, default=0,
                    help="run the browsers at this lower CPU priority (stands in for client machines of their own)")
    ap.add_argument("--server-pid", type=int, help="with --url: the server's process id, to report its CPU")
    ap.add_argument("--wire", action="store_true",
                    help="also time the server's answer on the websocket (parses frames: costs client CPU)")
    args = ap.parse_args(argv)
    stack = contextlib.ExitStack()
    server_pid = None
    if args.start:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bw-load-"))
        args.url, server_pid, args.user, args.password = start_server(stack, args.port, Path(tmp))
    else:
        if not (args.url and args.user):
            ap.error("give --url and --user (password in $BW_LOAD_PASSWORD), or --start")
        args.password = os.environ.get(args.password_env, "")
    host = urlparse(args.url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        ap.error("load tests run against loopback only")
    args.server_pid = server_pid or args.server_pid
    with stack:                                     # stops our server, then removes its folder
        stats = asyncio.run(drive(args))
    return report(stats, args)


if __name__ == "__main__":
    sys.exit(main())
