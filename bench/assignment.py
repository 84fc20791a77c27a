"""Benchmark of the reviewer-assignment solver on generated calls.

    python -m bench.assignment                      # the default sizes, Markdown table on stdout
    python bench/assignment.py 1000:75 5000:250     # applications:reviewers pairs
    python -m bench.assignment --write              # also writes bench/results/assignment.md

`run(sizes)` returns one dict per size, for a later suite; `generate_call` is also used by
tests/reviews/test_assignment.py for its call of 2,000 applications.
"""

import argparse
import os
import platform
import random
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal.reviews.assignment import (  # noqa: E402
    AssignmentApplication,
    AssignmentReviewer,
        check_assignment,
    load_spread,
    solve,
)

DEFAULT_SIZES = ((1_000, 75), (5_000, 250), (20_000, 600))
RESULTS = Path(__file__).resolve().parent / "results" / "assignment.md"

# The 52 member administrations of the region, ISO 3166 alpha-2; those where Russian is common.
ADMINISTRATIONS = (
    "AD AL AM AT AZ BA BE BG BY CH CY CZ DE DK EE ES FI FR GB GE GR HR HU IE IL IS IT KG KZ LT LU LV "
    "MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM TJ TM TR UA UZ").split()
RUSSIAN_SPEAKING = frozenset("AM AZ BY GE KG KZ MD RU TJ TM UA UZ".split())
KEYWORDS = ("risk", "valuation", "origin", "tariff classification", "ipr", "e-commerce", "aeo",
            "post-clearance audit", "integrity", "transit", "border management", "excise",
            "data analytics", "trade facilitation", "enforcement", "drugs", "cites", "revenue",
            "legal", "training", "leadership", "it systems", "laboratory", "cash control")
REVIEWERS_PER_APPLICATION = 3
RUSSIAN_SHARE = 0.4


def generate_call(n_applications: int, n_reviewers: int, *, seed: int = 2026):
    """A realistic call: (applications, reviewers, conflicts), the same for the same arguments.

    Applicants come from 52 administrations with a Zipf-like skew; applications from
    Russian-speaking administrations are mostly in Russian (about 40% overall). Reviewers come from
    the same administrations (one in ten from none), read en, ru or both, already hold a few of the
    call's reviews (5% of applications have one reviewer already) and have room for about 1.4 times
    the average load. About one application in 200 has a declared conflict.
    """
    rng = random.Random(seed)
    order = rng.sample(ADMINISTRATIONS, len(ADMINISTRATIONS))
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(order))]
    reviewers = [_reviewer(rng, i + 1, order, weights) for i in range(n_reviewers)]
    russian = _russian_odds(order, weights)
    applications = [_application(rng, i + 1, order, weights, russian, reviewers)
                    for i in range(n_applications)]
    load = {r.id: 0 for r in reviewers}
    for application in applications:
        for reviewer_id in application.existing_reviewers:
            load[reviewer_id] += 1
    room = 1.4 * REVIEWERS_PER_APPLICATION * n_applications / max(n_reviewers, 1)
    reviewers = [AssignmentReviewer(r.id, r.administration, r.languages,
                                    capacity=round(room * rng.uniform(0.9, 1.3)),
                                    current_load=load[r.id], expertise=r.expertise)
                 for r in reviewers]
    conflicts = {(rng.randint(1, n_applications), rng.randint(1, n_reviewers))
                 for _ in range(n_applications // 200)} if n_reviewers else set()
    return applications, reviewers, conflicts


def _reviewer(rng, reviewer_id, order, weights) -> AssignmentReviewer:
    administration = rng.choices(order, weights)[0] if rng.random() > 0.1 else None
    if administration in RUSSIAN_SPEAKING:
        languages = rng.choice((("ru",), ("en", "ru"), ("en", "ru")))
    else:
        languages = rng.choices((("en",), ("en", "ru"), ("ru",)), (60, 32, 8))[0]
    return AssignmentReviewer(reviewer_id, administration, frozenset(languages), capacity=0,
                              expertise=frozenset(rng.sample(KEYWORDS, rng.randint(1, 4))))


def _russian_odds(order, weights) -> dict[bool, float]:
    """Chance of a Russian application by whether the administration is Russian-speaking: 40% overall."""
    share = sum(w for code, w in zip(order, weights, strict=True) if code in RUSSIAN_SPEAKING) / sum(weights)
    return {True: 0.85, False: max(0.0, (RUSSIAN_SHARE - 0.85 * share) / (1 - share))}


def _application(rng, application_id, order, weights, russian, reviewers) -> AssignmentApplication:
    own = rng.choices(order, weights)[0]
    administrations = {own, rng.choices(order, weights)[0]} if rng.random() < 0.1 else {own}
    language = "ru" if rng.random() < russian[own in RUSSIAN_SPEAKING] else "en"
    existing = set()
    if rng.random() < 0.05:
        readers = [r.id for r in reviewers
                   if language in r.languages and r.administration not in administrations]
        existing = {rng.choice(readers)} if readers else set()
    return AssignmentApplication(
        application_id, language, frozenset(administrations),
        needed=REVIEWERS_PER_APPLICATION - len(existing), existing_reviewers=frozenset(existing),
        expertise=frozenset(rng.sample(KEYWORDS, rng.randint(0, 3))))


def run(sizes=DEFAULT_SIZES, *, seed: int = 2026) -> list[dict]:
    """Time the solver on a generated call of each (applications, reviewers) size.

    `seconds` is wall-clock time, `cpu_seconds` this process's CPU time (steadier on a busy machine);
    `spread` is busiest minus idlest eligible reviewer; `violations` come from `check_assignment`.
    """
    rows = []
    for n_applications, n_reviewers in sizes:
        applications, reviewers, conflicts = generate_call(n_applications, n_reviewers, seed=seed)
        started, cpu_started = time.perf_counter(), time.process_time()
        result = solve(applications, reviewers, conflicts)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        rows.append({
            "applications": n_applications, "reviewers": n_reviewers,
            "russian": sum(a.language == "ru" for a in applications),
            "seconds": seconds, "cpu_seconds": cpu_seconds, "arcs": result.arcs,
            "needed": sum(a.needed for a in applications), "assigned": len(result.pairs),
            "spread": load_spread(applications, reviewers, conflicts, result),
            "violations": len(check_assignment(applications, reviewers, conflicts, result)),
        })
    return rows


def markdown(rows: list[dict]) -> str:
    columns = ("applications", "reviewers", "russian", "seconds", "cpu_seconds", "arcs", "needed", "assigned",
               "spread", "violations")
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cell(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else f"{value:,}"


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    model = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                 platform.machine())
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _size(text: str) -> tuple[int, int]:
    applications, _, reviewers = text.partition(":")
    return int(applications), int(reviewers or max(1, int(applications) * 3 // 40))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=_size, help="applications[:reviewers]")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS}")
    args = parser.parse_args(argv)
    table = markdown(run(args.sizes or DEFAULT_SIZES, seed=args.seed))
    print(f"Machine: {machine()}\n\n{table}", end="")
    if args.write:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(f"# Reviewer assignment\n\nMachine: {machine()}\n\n{table}", encoding="utf-8")


if __name__ == "__main__":
    main()
