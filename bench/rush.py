"""Deadline rush: N applicants at once sign in, fill every section, upload their PDFs, submit.

Each simulated applicant is a thread with its own connection and cookies, doing what a browser
does (it fetches every form for its CSRF token and section version, and follows the redirect
after submitting). Threads take applicants from a queue until it is empty. Afterwards the
database is checked: every acknowledged submission is there exactly once, submitted, with a
reference, and with its two documents whose stored files hash to what was uploaded.
"""

import hashlib
import queue
import re
import threading
import time
from pathlib import Path

import sqlalchemy as sa

from bench.common import Browser, Server, csrf, portal_env, rss_kib
from bench.seed import BENCH_PASSWORD, pdf_bytes

SECTION_ANSWERS = {
    "personal": {"full_name": "Rush Applicant", "native_name": "", "date_of_birth": "1984-03-02",
                 "phone": "+994 12 555 00 00"},
    "professional": {"administration_code": "GE", "department": "Risk management",
                     "position": "Senior inspector", "years_in_service": "9",
                     "expertise": "Risk analysis, post-clearance audit"},
    "languages": {"english_level": "C1", "russian_level": "B1", "other_languages": ""},
    "motivation": {"motivation": "I want to learn from the region's experience. " * 20,
                   "project_title": "Shared risk profiles for transit",
                   "project_description": "A project on exchanging risk profiles. " * 40},
    "nomination": {"nominator_name": "Director General", "nominator_title": "Head of service",
                   "nominator_email": "nominations@customs.example"},
}
STEPS = ("page load (GET)", "sign in (POST)", "start (POST)", "save section (POST)",
         "upload PDF (POST)", "submit (POST)")
VERSION_RE = re.compile(r'name="version" type="hidden" value="(\d*)"')


class Failure(Exception):
    pass


def _expect(result, status, what, location_part=""):
    got, location, _ = result
    if got != status or location_part not in location:
        raise Failure(f"{what}: {got} {location}")
    return result


def apply_once(port: int, email: str, call_id: int, timings: dict, lock) -> dict:
    """One applicant's whole journey; returns what was acknowledged (raises Failure)."""
    browser = Browser(port)

    def timed(step, method, *args):
        started = time.perf_counter()
        result = method(*args)
        with lock:
            timings[step].append(time.perf_counter() - started)
        return result

    try:
        _, _, html = _expect(timed("page load (GET)", browser.get, "/login"), 200, "login page")
        _expect(timed("sign in (POST)", browser.post, "/login",
                      {"csrf_token": csrf(html), "email": email, "password": BENCH_PASSWORD}),
                302, "sign in")
        _, _, html = _expect(timed("page load (GET)", browser.get,
                                   f"/applications/new/{call_id}"), 200, "start page")
        _, location, _ = _expect(timed("start (POST)", browser.post, f"/applications/new/{call_id}",
                                       {"csrf_token": csrf(html), "language": "en"}),
                                 302, "start", "/sections/personal")
        application_id = int(re.search(r"/applications/(\d+)/", location).group(1))
        base = f"/applications/{application_id}"
        for key, answers in SECTION_ANSWERS.items():
            _, _, html = _expect(timed("page load (GET)", browser.get, f"{base}/sections/{key}"),
                                 200, f"section {key}")
            version = VERSION_RE.search(html).group(1)
            _expect(timed("save section (POST)", browser.post, f"{base}/sections/{key}",
                          {"csrf_token": csrf(html), "version": version, **answers}),
                    302, f"save {key}")
        _, _, html = _expect(timed("page load (GET)", browser.get, f"{base}/documents"), 200,
                             "documents page")
        uploaded = {}
        for kind in ("cv", "nomination_letter"):
            content = pdf_bytes(f"{kind} of {email}")
            uploaded[kind] = hashlib.sha256(content).hexdigest()
            _expect(timed("upload PDF (POST)", browser.post_file, f"{base}/documents",
                          {"csrf_token": csrf(html), "kind": kind}, "file", f"{kind}.pdf",
                          content), 302, f"upload {kind}")
            _, _, html = _expect(timed("page load (GET)", browser.get, f"{base}/documents"), 200,
                                 "documents page")
        _, _, html = _expect(timed("page load (GET)", browser.get, f"{base}/check"), 200,
                             "check page")
        _expect(timed("submit (POST)", browser.post, f"{base}/submit",
                      {"csrf_token": csrf(html), "declaration": "y"}), 302, "submit", "/submitted")
        _, _, html = _expect(timed("page load (GET)", browser.get, f"{base}/submitted"), 200,
                             "submitted page")
        reference = re.search(r"FEL-\d{4}-\d+", html)
        if reference is None:
            raise Failure("no reference on the submitted page")
        return {"email": email, "application_id": application_id, "reference": reference.group(0),
                "sha256": uploaded}
    finally:
        browser.close()


class RssSampler(threading.Thread):
    """Peak resident memory of each gunicorn worker, sampled every 100 ms."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server, self.peak, self.peak_total = server, {}, 0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            sizes = {pid: rss_kib(pid) for pid in self.server.worker_pids()}
            for pid, size in sizes.items():
                self.peak[pid] = max(self.peak.get(pid, 0), size)
            self.peak_total = max(self.peak_total, sum(sizes.values()))
            self.stopping.wait(0.1)

    def stop(self):
        self.stopping.set()
        self.join()


def run_rush(server: Server, emails: list[str], call_id: int, concurrency: int) -> dict:
    timings = {step: [] for step in STEPS}
    lock = threading.Lock()
    work = queue.Queue()
    for email in emails:
        work.put(email)
    acknowledged, errors = [], []

    def worker():
        while True:
            try:
                email = work.get_nowait()
            except queue.Empty:
                return
            try:
                done = apply_once(server.port, email, call_id, timings, lock)
            except Exception as exc:  # noqa: BLE001 (every failure is counted and reported)
                with lock:
                    errors.append(f"{email}: {exc}")
            else:
                with lock:
                    acknowledged.append(done)

    sampler = RssSampler(server)
    sampler.start()
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    sampler.stop()
    return {"concurrency": concurrency, "applicants": len(emails), "seconds": elapsed,
            "acknowledged": acknowledged, "errors": errors,
            "per_second": len(acknowledged) / elapsed, "timings": timings,
            "requests": sum(len(v) for v in timings.values()),
            "peak_worker_rss_mib": max(sampler.peak.values(), default=0) / 1024,
            "peak_total_rss_mib": sampler.peak_total / 1024}


def verify(app, call_id: int, acknowledged: list[dict]) -> dict:
    """Every acknowledged submission exactly once, submitted, its documents intact."""
    from portal.accounts.models import User
    from portal.applications.models import Application, ApplicationState, Document
    from portal.extensions import db
    from portal.storage import storage

    problems = []
    with app.app_context():
        emails = [a["email"] for a in acknowledged]
        rows = db.session.execute(
            sa.select(User.email, Application).join(Application,
                                                    Application.applicant_id == User.id)
            .where(Application.call_id == call_id, User.email.in_(emails))).all()
        by_email = {}
        for email, application in rows:
            by_email.setdefault(email, []).append(application)
        references = [a.reference for apps in by_email.values() for a in apps]
        if len(references) != len(set(references)):
            problems.append("a reference number is given twice")
        for done in acknowledged:
            found = by_email.get(done["email"], [])
            if len(found) != 1:
                problems.append(f"{done['email']}: {len(found)} applications")
                continue
            application = found[0]
            if application.state != ApplicationState.submitted or \
                    application.reference != done["reference"]:
                problems.append(f"{done['email']}: {application.state} {application.reference}")
            documents = db.session.scalars(sa.select(Document).where(
                Document.application_id == application.id)).all()
            kinds = sorted(d.kind.value for d in documents)
            if kinds != ["cv", "nomination_letter"]:
                problems.append(f"{done['email']}: documents {kinds}")
            for document in documents:
                on_disk = None
                if storage().exists(document.storage_key):
                    with storage().open(document.storage_key) as stored:
                        on_disk = hashlib.sha256(stored.read()).hexdigest()
                if not (document.sha256 == on_disk == done["sha256"].get(document.kind.value)):
                    problems.append(f"{done['email']}: {document.kind.value} checksum differs")
    lost = sum(1 for d in acknowledged if len(by_email.get(d["email"], [])) == 0)
    return {"checked": len(acknowledged), "lost": lost, "problems": problems}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def run(database_url: str, workdir: Path, *, backend: str, concurrencies=(16, 64), rounds=3,
        tag: str = "b", log=print) -> list[dict]:
    """The rush at each concurrency (rounds x N applicants each), against one database."""
    from bench.throughput import bench_app
    from portal.calls.models import Call
    from portal.extensions import db

    app = bench_app(database_url, workdir)
    with app.app_context():
        call_id = db.session.scalar(sa.select(Call.id).where(Call.slug == f"bench-{tag}-open"))
    emails = [f"bench-{tag}-rush{i + 1:05d}@bench.example" for i in range(sum(
        rounds * n for n in concurrencies))]
    results = []
    with Server("wsgi:app", portal_env(database_url, workdir),
                log=workdir / f"rush-{backend}.log") as server:
        offset = 0
        for concurrency in concurrencies:
            batch = emails[offset:offset + rounds * concurrency]
            offset += len(batch)
            log(f"  {backend}: {concurrency} at once, {len(batch)} applicants")
            result = run_rush(server, batch, call_id, concurrency)
            result["verification"] = verify(app, call_id, result["acknowledged"])
            result["backend"] = backend
            results.append(result)
    return results
