"""Shared fixtures: a small demo store built once per session, fresh in-memory stores, Debian Chromium;
a throw-away PostgreSQL + PostGIS cluster (``tests/_pg.py``) for server mode, and ``store_mode``-
parametrised fixtures (``any_empty``, ``any_demo``) that run a test against both kinds of store."""
from __future__ import annotations

import datetime as dt
import gc
import itertools
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from data.demo import build_demo
from data.store import connect

DEMO_END = dt.date(2026, 11, 28)
ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
# Property tests check results, not speed (speed lives in benchmarks/): no per-example deadline and no
# "too slow" health check, which fail a correct test when two workers and a browser share two cores.
settings.register_profile("borderwatch", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("borderwatch")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the PostgreSQL cluster is ``slow`` (left out of ``make test-fast``). Modules with
    browser or slow tests run first, a browser module and a slow one taking turns (each module keeps its
    order): with two workers (``--dist loadfile --no-loadscope-reorder``) the long modules are shared out at
    the start, and a browser's waits overlap with other work, instead of one running alone at the end."""
    for item in items:
        if "pg_cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)

    def module(item: pytest.Item) -> str:
        return item.nodeid.split("::")[0]

    browser = list(dict.fromkeys(module(i) for i in items if i.get_closest_marker("browser")))
    slow = list(dict.fromkeys(module(i) for i in items if i.get_closest_marker("slow") and module(i) not in browser))
    first = [m for pair in itertools.zip_longest(browser, slow) for m in pair if m]
    rank = {m: i for i, m in enumerate(first)}
    items.sort(key=lambda item: rank.get(module(item), len(rank)))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything alive after collection (the imported libraries, the collected tests) out of the
    garbage collector's reach: it lives until the end anyway, and a full collection would otherwise walk
    those millions of objects again and again (measured: 31 s of the two workers' CPU in the collector,
    14 s with this)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium; a test that needs it is skipped with a reason when it is missing."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def chromium_session(chromium):
    """One Chromium for the whole session (Playwright's sync API allows one running instance per thread;
    launching it once instead of once per module saves a start-up per browser module)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def browser(chromium_session):
    """The session's Chromium; the contexts and pages a test opens are closed after it, so no cookies,
    storage or open pages pass from one test to the next."""
    before = set(chromium_session.contexts)
    yield chromium_session
    for ctx in chromium_session.contexts:
        if ctx not in before:
            ctx.close()


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """A demo store (3,000 incidents, fixed seed and end date) built once; copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path, incidents=3000, seed=233, end=DEMO_END)
    return path


@pytest.fixture(scope="session")
def demo_today_template(tmp_path_factory) -> Path:
    """A demo store (3,000 incidents, seed 233) whose last month is the current one, built once for the
    dashboard and browser tests ("7 days" and "this year" hold data); copy it before writing."""
    path = tmp_path_factory.mktemp("demo-today") / "today.duckdb"
    build_demo(path, incidents=3000, seed=233, end=dt.date.today())
    return path


@pytest.fixture()
def demo_db(demo_db_template, tmp_path) -> Path:
    """A private, writable copy of the demo store."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture(scope="session")
def demo_ro_con(demo_db_template, tmp_path_factory):
    """One read-only connection to a private copy of the demo store, shared by the tests that only read it
    (read-only makes sure of it), instead of a copy and a read-write open per test; a test that changes the
    store uses ``demo_db`` / ``demo_con``."""
    path = tmp_path_factory.mktemp("demo-ro") / "demo.duckdb"
    shutil.copy(demo_db_template, path)
    con = connect(path, read_only=True)
    yield con
    con.close()


@pytest.fixture()
def demo_con(demo_db):
    con = connect(demo_db)
    yield con
    con.close()


@pytest.fixture()
def empty_con():
    con = connect(":memory:")
    yield con
    con.close()


# -- server mode (PostgreSQL + PostGIS) -------------------------------------------------------

@pytest.fixture(scope="session")
def pg_cluster():
    """One throw-away cluster per session (as the postgres OS user, a free port, fsync off); skipped
    with the reason when PostgreSQL 15 / PostGIS are not installed (``make test`` installs them)."""
    from tests._pg import Cluster, missing_reason

    reason = missing_reason()
    if reason:
        pytest.skip(reason)
    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture()
def pg_url(pg_cluster) -> str:
    """A fresh, empty database with PostGIS (no schema yet): its ``postgresql://`` URL."""
    return pg_cluster.new_database()


@pytest.fixture(scope="session")
def pg_demo_template(pg_cluster, demo_db_template) -> str:
    """The session's demo store moved into a template database once (``borderwatch migrate``'s code)."""
    from data.migrate import migrate
    from tests._pg import TEMPLATE

    name = "demo_template"
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    migrate(demo_db_template, pg_cluster.url(name))
    return name


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.slow)])
def store_mode(request) -> str:
    """The kind of store a test runs against; the PostgreSQL run needs the session's cluster (``slow``)."""
    return request.param


@pytest.fixture()
def any_empty(store_mode, request, tmp_path):
    """An empty store location, a file or a PostgreSQL URL (one run per mode)."""
    if store_mode == "duckdb":
        return tmp_path / "s.duckdb"
    return request.getfixturevalue("pg_url")


@pytest.fixture()
def any_demo(store_mode, request, demo_db):
    """The demo store (3,000 incidents), as a file or in PostgreSQL (one run per mode)."""
    if store_mode == "duckdb":
        return demo_db
    cluster = request.getfixturevalue("pg_cluster")
    template = request.getfixturevalue("pg_demo_template")
    name = f"demo_{__import__('uuid').uuid4().hex[:12]}"
    cluster.psql(f"CREATE DATABASE {name} TEMPLATE {template}")
    return cluster.url(name)


@pytest.fixture()
def any_demo_con(any_demo):
    con = connect(any_demo)
    yield con
    con.close()
