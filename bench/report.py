"""bench/results/REPORT.md and the README's Performance section, from a run's results."""

import re

from bench.rush import STEPS, percentile

README_START = "<!-- bench:start (written by bench/run; edit bench/report.py instead) -->"
README_END = "<!-- bench:end -->"


def _n(value, digits=0) -> str:
    return f"{value:,.{digits}f}"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def throughput_table(data: dict) -> list[str]:
    ceiling = data["ceiling"]
    lines = ["| page | requests/s | p50 ms | p99 ms | queries | errors | ratio to ceiling | "
             "goal ≥ 0.5 |", "|---|---:|---:|---:|---:|---:|---:|---|",
             f"| {ceiling['name']} | {_n(ceiling['rps'], 1)} | {_n(ceiling['p50_ms'], 1)} | "
             f"{_n(ceiling['p99_ms'], 1)} | 1 | {ceiling['errors']} | 1.00 | |"]
    for page in data["pages"]:
        if "rps" not in page:
            lines.append(f"| {page['name']} | — | — | — | — | — | — | not measured (TODO): {page['missing']} |")
            continue
        lines.append(f"| {page['name']} (`{page['path']}`) | {_n(page['rps'], 1)} | "
                     f"{_n(page['p50_ms'], 1)} | {_n(page['p99_ms'], 1)} | {page['queries']} | "
                     f"{page['errors']} | {page['ratio']:.2f} | {_met(page['ratio'] >= 0.5)} |")
    return lines


def rush_summary(result: dict) -> dict:
    worst_p99 = max((percentile(v, 99) for v in result["timings"].values() if v), default=0)
    verification = result["verification"]
    return {"worst_p99": worst_p99,
            "ok": (result["per_second"] >= 10 and worst_p99 < 1 and not result["errors"]
                   and verification["lost"] == 0 and not verification["problems"])}


def rush_tables(results: list[dict]) -> list[str]:
    lines = ["| database | at once | applicants | applications/s | errors | acknowledged | "
             "lost | other problems | worst p99 s | peak RSS of a worker MiB | peak RSS all "
             "workers MiB | goal |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        summary, v = rush_summary(r), r["verification"]
        lines.append(f"| {r['backend']} | {r['concurrency']} | {r['applicants']} | "
                     f"{r['per_second']:.2f} | {len(r['errors'])} | {len(r['acknowledged'])} | "
                     f"{v['lost']} | {len(v['problems'])} | {summary['worst_p99']:.2f} | "
                     f"{r['peak_worker_rss_mib']:.0f} | {r['peak_total_rss_mib']:.0f} | "
                     f"{_met(summary['ok'])} |")
    lines += ["", "Latency per step, seconds (p95 / p99):", "",
              "| database | at once | " + " | ".join(STEPS) + " |",
              "|---|---:|" + "---:|" * len(STEPS)]
    for r in results:
        cells = [f"{percentile(r['timings'][s], 95):.2f} / {percentile(r['timings'][s], 99):.2f}"
                 for s in STEPS]
        lines.append(f"| {r['backend']} | {r['concurrency']} | " + " | ".join(cells) + " |")
    errors = [e for r in results for e in r["errors"][:5]]
    problems = [p for r in results for p in r["verification"]["problems"][:5]]
    if errors or problems:
        lines += ["", "First errors and problems:", ""]
        lines += [f"- {text}" for text in errors + problems]
    return lines


def curves_table(rows: list[dict]) -> list[str]:
    lines = ["| applications | seed s | list page 1 ms | list last page ms | ranking computed ms | "
             "ranking with reviews ms | ranking page ms (warm) | automatic assignment s | assigned | "
             "assignment job s (start → done) | of which in the worker s |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        page = (_n(r["ranking_page_ms"]) if "ranking_page_ms" in r else
                f"error {r['ranking_page_error']}" if "ranking_page_error" in r else "—")
        job = (f"{r['job_s']:.1f} | {r['job_run_s']:.1f}" if "job_s" in r else "— | —")
        lines.append(f"| {_n(r['applications'])} | {r['seed_s']:.1f} | {r['list_ms']:.0f} | "
                     f"{r['list_last_page_ms']:.0f} | {_n(r['compute_ms']) if 'compute_ms' in r else '—'} | "
                     f"{_n(r['ranking_ms'])} | {page} | "
                     f"{r['assignment_s']:.1f} | {_n(r['assigned'])} | {job} |")
    return lines


def report(results: dict) -> str:
    lines = [f"# Benchmark report{' (quick run)' if results['quick'] else ''}", "",
             f"Taken {results['started']} on {results['machine']}. gunicorn with "
             f"{results['workers']} sync workers (2 x cores + 1), PORTAL_ENV=production. "
             f"Seeded {results['applications']:,} applications in {results['seed_s']:.1f} s "
             f"(`flask bench seed`). The whole run took {results['minutes']:.1f} minutes.", "",
             "Which goals are met, by how much the others are missed, and what limits them: "
             "[bench/README.md, What limits the figures](../README.md#what-limits-the-figures).",
             ""]
    if "throughput" in results:
        data = results["throughput"]
        lines += ["## Page throughput", "",
                  f"wrk, 1 thread, {data['connections']} connections, {data['seconds']} s per "
                  "page, on loopback; the ceiling (bench/ceiling_app.py) is the mean of a run "
                  "before and a run after the portal's pages. Queries are those of one warm "
                  "request, counted with a SQLAlchemy event.", ""]
        lines += throughput_table(data)
        for profile in results.get("profiles", []):
            lines += ["", f"Profile of {profile['page']}, {profile['requests']} requests: "
                      f"[{profile['file']}]({profile['file']}) (pyinstrument, in-process "
                      "through the test client; an .html beside it)."]
        lines.append("")
    if results.get("rush"):
        lines += ["## Deadline rush", "",
                  "Each simulated applicant signs in, starts an application, fetches and saves "
                  "the five sections, uploads a CV and a nomination letter (PDF), checks and "
                  "submits, and follows the redirect: 22 requests. Threads take applicants from "
                  "a queue until it is empty. Then the database is checked: each acknowledged "
                  "submission exactly once, submitted, with its reference and both documents "
                  "whose stored files hash (SHA-256) to what was uploaded. Goal: ≥ 10 "
                  "applications/s, p99 < 1 s per request, zero errors, zero lost.", ""]
        lines += rush_tables(results["rush"])
        lines.append("")
    if results.get("curves"):
        lines += ["## Scale curves", "",
                  "In-process timings (test client for pages; medians), one SQLite database per "
                  "size, 150 reviewers. *Ranking computed*: the scores computed from the "
                  "database, what each change of a ranking's inputs costs a worker "
                  "(`selection.queries._compute`); *with reviews*: the ranking with every "
                  "application and review as the exports load it (`call_ranking`, scores "
                  "already kept); *ranking page*: a warm request. Automatic assignment is the "
                  "real `assign_call_automatically` on the call after its assignments are "
                  "removed (rolled back after), inside one process as the request did it; the "
                  "*assignment job* is the same work as the page now starts it (issue 16): "
                  "`start_job` and its commit, a real `flask jobs worker` taking it from the "
                  "queue, reading, choosing, saving and committing every assignment and audit "
                  "event, timed until its row says done (bench/jobs.py); *in the worker* is its "
                  "row's started → finished.", ""]
        lines += curves_table(results["curves"])
        lines += ["", f"![scale curves]({results.get('chart', 'scale-curves.svg')})", ""]
    return "\n".join(lines) + "\n"


def readme_section(results: dict) -> str:
    lines = [README_START, "",
             f"Latest full run of `bench/run`, {results['started']}, on {results['machine']} "
             "(the full report, with latencies, the profile and the scale chart: "
             "[bench/results/REPORT.md](bench/results/REPORT.md)).", ""]
    if "throughput" in results:
        ceiling = results["throughput"]["ceiling"]
        lines.append(f"Pages under gunicorn ({results['workers']} workers) with "
                     f"{results['applications']:,} applications; the ceiling (bare Flask + "
                     f"SQLAlchemy, 50 rows) served {ceiling['rps']:.0f} requests/s:")
        lines += ["", "| page | requests/s | p99 ms | queries | ratio to ceiling |",
                  "|---|---:|---:|---:|---:|"]
        for page in results["throughput"]["pages"]:
            if "rps" in page:
                lines.append(f"| {page['name']} | {page['rps']:.1f} | {page['p99_ms']:.0f} | "
                             f"{page['queries']} | {page['ratio']:.2f} |")
        lines.append("")
    if results.get("rush"):
        lines += ["Deadline rush:", "", "| database | at once | applications/s | worst p99 s | "
                  "errors | lost | peak worker RSS MiB |", "|---|---:|---:|---:|---:|---:|---:|"]
        for r in results["rush"]:
            lines.append(f"| {r['backend']} | {r['concurrency']} | {r['per_second']:.2f} | "
                         f"{rush_summary(r)['worst_p99']:.2f} | {len(r['errors'])} | "
                         f"{r['verification']['lost']} | {r['peak_worker_rss_mib']:.0f} |")
        lines.append("")
    if results.get("curves"):
        lines += ["Scale (in-process):", ""] + curves_table(results["curves"]) + [""]
    lines.append(README_END)
    return "\n".join(lines)


def update_readme(path, section: str) -> None:
    text = path.read_text()
    if README_START in text:
        text = re.sub(re.escape(README_START) + r".*?" + re.escape(README_END),
                      lambda _m: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n## Performance\n\n" + section + "\n"
    path.write_text(text)
