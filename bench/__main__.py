"""The whole benchmark suite: `bench/run` (or `python -m bench`), `--quick` for a smoke run.

Seeds a call of 5,000 applications (1,000 with --quick) in a temporary SQLite database, measures
page throughput under gunicorn against the ceiling app, profiles the slowest page, runs the
deadline rush at 16 and 64 applicants on SQLite and on a throw-away PostgreSQL cluster, times the
scale curves at 1,000, 5,000 and 20,000 applications, and writes bench/results/REPORT.md (with
scale-curves.svg and results.json beside it). A full run also updates the README's figures.
"""

import argparse
import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import curves, rush, throughput
from bench.common import RESULTS, ROOT, WORKERS, flask, machine, seed_env
from bench.report import readme_section, report, update_readme


def log(message: str) -> None:
    print(message, flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="1,000 applications, 3 s per page, small rushes and curves")
    parser.add_argument("--skip", action="append", default=[],
                        choices=["throughput", "rush", "postgres", "curves"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    quick = args.quick
    size = 1000 if quick else 5000
    RESULTS.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    results = {"quick": quick, "machine": machine(), "workers": WORKERS,
               "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
    started = time.perf_counter()
    try:
        url = f"sqlite:///{workdir / 'portal.sqlite'}"
        env = seed_env(url, workdir)
        log(f"==> Seeding {size:,} applications (SQLite, {workdir})")
        flask(env, "db", "upgrade")
        seed_started = time.perf_counter()
        results["seed_output"] = flask(env, "bench", "seed", "--applications", str(size)).strip()
        results["seed_s"] = time.perf_counter() - seed_started
        results["applications"] = size
        log(f"  {results['seed_output']}")

        if "throughput" not in args.skip:
            log("==> Page throughput (gunicorn + wrk)")
            results["throughput"] = throughput.run(url, workdir, seconds=3 if quick else 20,
                                                   log=log)
            measured = [p for p in results["throughput"]["pages"] if "rps" in p]
            results["profiles"] = []
            # The slowest page, and the slowest of those with a page of rows (not all of them).
            slowest = min(measured, key=lambda p: p["rps"])
            listing = min((p for p in measured if "ranking" not in p["name"]),
                          key=lambda p: p["rps"])
            for name in dict.fromkeys([slowest["name"], listing["name"]]):
                page = next(p for p in measured if p["name"] == name)
                log(f"==> Profiling {page['name']}")
                requests = (2 if quick else 10) if "ranking" in page["name"] else 50
                path = throughput.profile_page(url, workdir, page, requests=requests,
                                               suffix="-quick" if quick else "")
                results["profiles"].append({"page": page["name"], "file": path.name,
                                            "requests": requests})

        concurrencies, rounds = ((4, 16), 1) if quick else ((16, 64), 3)
        results["rush"] = []
        if "rush" not in args.skip:
            log("==> Deadline rush on SQLite")
            results["rush"] += rush.run(url, workdir, backend="SQLite",
                                        concurrencies=concurrencies, rounds=rounds, log=log)
        if "rush" not in args.skip and "postgres" not in args.skip:
            results["rush"] += _postgres_rush(size, workdir, concurrencies, rounds)

        if "curves" not in args.skip:
            sizes = (200, 1000) if quick else (1000, 5000, 20000)
            log(f"==> Scale curves at {', '.join(f'{s:,}' for s in sizes)} applications")
            results["curves"] = curves.run(sizes, workdir, log=log)
            results["chart"] = "scale-curves-quick.svg" if quick else "scale-curves.svg"
            (RESULTS / results["chart"]).write_text(curves.chart_svg(results["curves"]))
    finally:
        if args.keep:
            log(f"(kept {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    results["minutes"] = (time.perf_counter() - started) / 60
    _write(results, quick)
    return 0


def _postgres_rush(size, workdir, concurrencies, rounds) -> list[dict]:
    from bench import postgres

    log("==> Deadline rush on PostgreSQL (throw-away cluster)")
    if postgres.pg_bin() is None:
        log("  SKIPPED: no PostgreSQL server binaries (initdb, pg_ctl)")
        return []
    pg_dir = workdir / "pg"
    pg_dir.mkdir()
    with postgres.cluster() as url:
        env = seed_env(url, pg_dir)
        flask(env, "db", "upgrade")
        log(f"  {flask(env, 'bench', 'seed', '--applications', str(size)).strip()}")
        return rush.run(url, pg_dir, backend="PostgreSQL", concurrencies=concurrencies,
                        rounds=rounds, log=log)


def _write(results: dict, quick: bool) -> None:
    name = "REPORT-quick.md" if quick else "REPORT.md"
    (RESULTS / name).write_text(report(results))
    (RESULTS / name.replace(".md", ".json").replace("REPORT", "results")).write_text(
        json.dumps(summary(results), indent=1, default=str))
    log(f"==> Wrote bench/results/{name}")
    if not quick:
        update_readme(ROOT / "README.md", readme_section(results))
        log("==> Updated the README's Performance section")


def summary(results: dict) -> dict:
    """The results without the raw timings of every request of the rush (percentiles instead)."""
    from bench.rush import percentile

    rushes = [{**r, "acknowledged": len(r["acknowledged"]),
               "timings": {step: {"requests": len(values), "p50_s": percentile(values, 50),
                                  "p95_s": percentile(values, 95),
                                  "p99_s": percentile(values, 99)}
                           for step, values in r["timings"].items()}}
              for r in results.get("rush", [])]
    return {**results, "rush": rushes}


if __name__ == "__main__":
    raise SystemExit(main())
