"""Page throughput: the portal under gunicorn against the ceiling app, driven by wrk.

wrk (Debian's package; `bench/run` installs it) runs in its own process on loopback for a fixed
time per page with a session cookie taken from a real sign-in through the login form. Queries per
request are counted in-process, through the test client, with a SQLAlchemy event.
"""

import re
import subprocess
from pathlib import Path

import sqlalchemy as sa

from bench.common import RESULTS, WORKERS, Browser, Server, portal_env
from bench.seed import BENCH_PASSWORD

WRK_CONNECTIONS = 8


def bench_app(database_url: str, workdir: Path):
    """The portal in-process, on the benchmark's database (production-like settings)."""
    from config import DevelopmentConfig
    from portal import create_app

    return create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=database_url,
                      STORAGE_PATH=str(workdir / "storage"), MAIL_FILE_DIR=str(workdir / "mail"),
                      LOGIN_RATE_LIMIT="1000000 per minute", OUTBOX_SEND_IN_BACKGROUND=False)


def page_plan(app, tag: str = "b") -> list[dict]:
    """The pages to measure: name, path, and the e-mail of the user to sign in as (or None)."""
    from portal.accounts.models import User
    from portal.applications.models import Application
    from portal.calls.models import Call
    from portal.extensions import db
    from portal.reviews.models import Assignment

    with app.app_context():
        closed = db.session.scalar(sa.select(Call).where(Call.slug == f"bench-{tag}-closed"))
        opened = db.session.scalar(sa.select(Call).where(Call.slug == f"bench-{tag}-open"))
        applicant = db.session.scalar(
            sa.select(User.email).join(Application, Application.applicant_id == User.id)
            .where(Application.call_id == opened.id).order_by(User.id).limit(1))
        reviewer = db.session.scalar(
            sa.select(User.email).join(Assignment, Assignment.reviewer_id == User.id)
            .group_by(User.id, User.email).order_by(sa.func.count().desc(), User.id).limit(1))
        coordinator = f"bench-{tag}-coordinator00001@bench.example"
        plan = [
            {"name": "public call page", "path": f"/calls/{opened.slug}", "user": None},
            {"name": "applicant's dashboard", "path": "/applications/", "user": applicant},
            {"name": "reviewer's dashboard", "path": "/reviews/", "user": reviewer},
            {"name": "coordinator's application list (50 of N)",
             "path": f"/manage/calls/{closed.id}/applications", "user": coordinator},
        ]
        if "selection.ranking" in app.view_functions:
            plan.append({"name": "ranking table", "path": f"/manage/calls/{closed.id}/ranking",
                         "user": coordinator})
        else:
            # TODO(ranking): measured as soon as selection.ranking is registered.
            plan.append({"name": "ranking table", "path": None, "user": coordinator,
                         "missing": "GET /manage/calls/<id>/ranking (selection.ranking) is not "
                                    "registered in the app yet"})
    return plan


def count_queries(app, path: str, email: str | None) -> int:
    """Queries of one request (the second, warm one) through the test client."""
    from portal.extensions import db

    client = app.test_client()
    if email:
        with app.app_context():
            html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        response = client.post("/login", data={"csrf_token": token, "email": email,
                                               "password": BENCH_PASSWORD})
        assert response.status_code == 302, response.status_code
    client.get(path)
    count = [0]

    def counter(*_args, **_kw):
        count[0] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    assert response.status_code == 200, (path, response.status_code)
    return count[0]


def wrk(url: str, seconds: int, cookie: str | None) -> dict:
    command = ["wrk", "-t1", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "60s",
               "-H", "Accept-Language: en"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                              r"timeout (\d+)", out)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
            "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "errors": (int(non_ok.group(1)) if non_ok else 0)
            + (sum(int(g) for g in socket_errors.groups()) if socket_errors else 0)}


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _session_cookie(port: int, email: str) -> str:
    browser = Browser(port)
    browser.login(email, BENCH_PASSWORD)
    browser.close()
    return "; ".join(f"{k}={v}" for k, v in browser.cookies.items())


def run(database_url: str, workdir: Path, *, seconds: int, tag: str = "b", log=print) -> dict:
    app = bench_app(database_url, workdir)
    plan = page_plan(app, tag)
    for page in plan:
        if page["path"]:
            try:
                page["queries"] = count_queries(app, page["path"], page["user"])
            except AssertionError as exc:  # a page broken right now is reported, not fatal
                page["missing"] = f"the page failed: {exc}"
                page["path"] = None
    env = portal_env(database_url, workdir)
    ceiling_env = {**env, "DATABASE_URL": database_url}
    ceilings = []
    with Server("bench.ceiling_app:app", ceiling_env, log=workdir / "ceiling.log") as server:
        log(f"  ceiling app, {seconds} s")
        ceilings.append(wrk(server.url("/rows"), seconds, None))
    with Server("wsgi:app", env, log=workdir / "portal.log") as server:
        for page in plan:
            if not page["path"]:
                log(f"  {page['name']}: skipped ({page['missing']})")
                continue
            cookie = _session_cookie(server.port, page["user"]) if page["user"] else None
            probe = Browser(server.port)
            if cookie:
                probe.cookies = dict(c.split("=", 1) for c in cookie.split("; "))
            status, _, _ = probe.get(page["path"])
            probe.close()
            if status != 200:
                page["missing"] = f"{page['path']} answered {status} under gunicorn"
                log(f"  {page['name']}: skipped ({page['missing']})")
                continue
            log(f"  {page['name']}, {seconds} s")
            page.update(wrk(server.url(page["path"]), seconds, cookie))
    with Server("bench.ceiling_app:app", ceiling_env, log=workdir / "ceiling.log") as server:
        log(f"  ceiling app again, {seconds} s")
        ceilings.append(wrk(server.url("/rows"), seconds, None))
    ceiling = {key: sum(c[key] for c in ceilings) / len(ceilings)
               for key in ("rps", "p50_ms", "p99_ms")}
    ceiling.update(errors=sum(c["errors"] for c in ceilings), queries=1,
                   name="ceiling: bare Flask + SQLAlchemy, 50 rows", runs=ceilings)
    for page in plan:
        if "rps" in page:
            page["ratio"] = page["rps"] / ceiling["rps"]
    return {"ceiling": ceiling, "pages": plan, "workers": WORKERS,
            "connections": WRK_CONNECTIONS, "seconds": seconds}


def profile_page(database_url: str, workdir: Path, page: dict, *, requests: int = 200,
                 suffix: str = "") -> Path:
    """pyinstrument profile of `requests` requests of a page through the test client."""
    from pyinstrument import Profiler

    app = bench_app(database_url, workdir)
    client = app.test_client()
    if page["user"]:
        html = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        client.post("/login", data={"csrf_token": token, "email": page["user"],
                                    "password": BENCH_PASSWORD})
    client.get(page["path"])
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(page["path"])
    profiler.stop()
    slug = re.sub(r"[^a-z]+", "-", page["name"].lower()).strip("-") + suffix
    path = RESULTS / f"profile-{slug}.txt"
    path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    (RESULTS / f"profile-{slug}.html").write_text(profiler.output_html())
    return path
