"""Scale curves: the coordinator's list, the ranking and automatic assignment at 1k, 5k, 20k.

Each size gets a database of its own, seeded by `flask bench seed`; the timings are taken
in-process (the test client for pages), so they are the server's time without the network.
Automatic assignment is timed on the seeded call after its assignments and reviews are taken
away (rolled back afterwards): the real `assign_call_automatically`, loading included; then as
the job the page starts, through a real worker, from start to done with its commit (bench/jobs.py).
"""

import re
import statistics
import time
from pathlib import Path

import sqlalchemy as sa

from bench.common import flask, seed_env
from bench.seed import BENCH_PASSWORD


def _login(client, email):
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": email,
                                           "password": BENCH_PASSWORD})
    assert response.status_code == 302


def _median_ms(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(size: int, workdir: Path, *, reviewers: int = 150, log=print) -> dict:
    from bench.throughput import bench_app
    from portal.accounts.models import User
    from portal.applications.models import Application
    from portal.calls.models import Call
    from portal.database import utcnow
    from portal.extensions import db
    from portal.reviews.automatic import assign_call_automatically
    from portal.reviews.models import Assignment, Review
    from portal.selection.queries import _compute as compute_ranking
    from portal.selection.queries import call_ranking, ranked_scores

    folder = workdir / f"curve-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'portal.sqlite'}"
    env = seed_env(url, folder)
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    flask(env, "bench", "seed", "--applications", str(size), "--reviewers", str(reviewers),
          "--rush-users", "0")
    row = {"applications": size, "seed_s": time.perf_counter() - started}
    log(f"  {size:,} applications seeded in {row['seed_s']:.1f} s")

    app = bench_app(url, folder)
    coordinator = "bench-b-coordinator00001@bench.example"
    client = app.test_client()
    _login(client, coordinator)
    with app.app_context():
        call_id = db.session.scalar(sa.select(Call.id).where(Call.slug == "bench-b-closed"))
    list_path = f"/manage/calls/{call_id}/applications"
    client.get(list_path)
    assert client.get(list_path).status_code == 200
    row["list_ms"] = _median_ms(lambda: client.get(list_path), 9)
    row["list_last_page_ms"] = _median_ms(
        lambda: client.get(f"{list_path}?page={size // 50}"), 5)
    repeat = 3 if size <= 5000 else 1
    with app.app_context():
        call = db.session.get(Call, call_id)
        # What a change of a ranking's inputs costs a worker: the scores computed from the
        # database; then the ranking with every application and review, as the exports load it.
        row["compute_ms"] = _median_ms(lambda: compute_ranking(call), repeat)
        ranked_scores(call)  # kept from here on, so the next figure is the loading alone
        row["ranking_ms"] = _median_ms(lambda: (call_ranking(call), db.session.expire_all()),
                                       repeat)
    if "selection.ranking" in app.view_functions:
        ranking_path = f"/manage/calls/{call_id}/ranking"
        status = client.get(ranking_path).status_code  # also fills the ranking's cache, if any
        if status == 200:
            row["ranking_page_ms"] = _median_ms(lambda: client.get(ranking_path), repeat)
        else:
            row["ranking_page_error"] = status
    log(f"  {size:,}: list {row['list_ms']:.0f} ms, ranking computed {row['compute_ms']:.0f} ms, "
        f"with reviews {row['ranking_ms']:.0f} ms")
    with app.app_context():
        call = db.session.get(Call, call_id)
        actor = db.session.scalar(sa.select(User).where(User.email == coordinator))
        of_call = sa.select(Application.id).where(Application.call_id == call_id)
        db.session.execute(sa.delete(Review).where(Review.assignment_id.in_(
            sa.select(Assignment.id).where(Assignment.application_id.in_(of_call))))
            .execution_options(synchronize_session=False))
        db.session.execute(sa.delete(Assignment).where(Assignment.application_id.in_(of_call))
                           .execution_options(synchronize_session=False))
        db.session.flush()
        started = time.perf_counter()
        result = assign_call_automatically(call, actor=actor, now=utcnow())
        db.session.flush()
        row["assignment_s"] = time.perf_counter() - started
        row["assigned"] = len(result.pairs)
        db.session.rollback()
    log(f"  {size:,}: automatic assignment {row['assignment_s']:.1f} s")
    # The same as a job through a real worker, committed (bench/jobs.py).
    from bench.jobs import time_assignment_job

    row.update(time_assignment_job(url, folder, log=log))
    return row


def run(sizes, workdir: Path, *, log=print) -> list[dict]:
    return [measure(size, workdir, log=log) for size in sizes]


def chart_svg(rows: list[dict]) -> str:
    """Small panels (list, ranking, ranking page, assignment) against applications."""
    panels = [("Coordinator's list, ms", [r["list_ms"] for r in rows]),
              ("Ranking computed (cold), s", [r.get("compute_ms", r["ranking_ms"]) / 1000 for r in rows]),
              ("Ranking page (warm), s", [r.get("ranking_page_ms", 0) / 1000 for r in rows]),
              ("Automatic assignment, s", [r["assignment_s"] for r in rows])]
    xs = [r["applications"] for r in rows]
    width, height, pad = 260, 200, 40
    total = len(panels) * width
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="{height + 30}" '
             f'font-family="sans-serif" font-size="11">',
             f'<rect width="{total}" height="{height + 30}" fill="white"/>']
    for index, (title, ys) in enumerate(panels):
        left = index * width + pad
        plot_w, plot_h = width - pad - 15, height - 2 * pad + 10
        top = pad
        ymax = max(ys) * 1.15 or 1
        xmax = max(xs)

        def point(x, y, left=left, top=top, plot_w=plot_w, plot_h=plot_h, ymax=ymax, xmax=xmax):
            return left + plot_w * x / xmax, top + plot_h - plot_h * y / ymax

        parts.append(f'<text x="{left}" y="20" font-weight="bold">{title}</text>')
        parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" '
                     f'y2="{top + plot_h}" stroke="black"/>')
        parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" '
                     f'stroke="black"/>')
        for tick in (0, ymax / 2, ymax):
            _, y = point(0, tick)
            parts.append(f'<text x="{left - 4}" y="{y + 4}" text-anchor="end">{tick:.3g}</text>')
        # The straight line through the first point and the origin: linear growth.
        x0, y0 = xs[0], ys[0]
        lx, ly = point(min(xmax, xmax * ymax / (y0 * xmax / x0)) if y0 else xmax,
                       min(ymax, y0 * xmax / x0))
        ox, oy = point(0, 0)
        parts.append(f'<line x1="{ox}" y1="{oy}" x2="{lx}" y2="{ly}" stroke="#bbb" '
                     f'stroke-dasharray="4 3"/>')
        coords = [point(x, y) for x, y in zip(xs, ys, strict=True)]
        parts.append('<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
        for (x, y), value, n in zip(coords, ys, xs, strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#1f5fa8"/>')
            parts.append(f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle">'
                         f'{value:.3g}</text>')
            parts.append(f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle">'
                         f'{n // 1000}k</text>')
    parts.append(f'<text x="10" y="{height + 22}" fill="#666">applications in the call '
                 f'(dashed: linear growth from the first point)</text></svg>')
    return "\n".join(parts)
