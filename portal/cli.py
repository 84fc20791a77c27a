"""Operator commands: `flask users|administrations|demo|outbox|translate|calls ...`."""

import os
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")
administrations_cli = AppGroup("administrations", help="Manage member administrations.")
demo_cli = AppGroup("demo", help="Demo data for trying the portal out.")
outbox_cli = AppGroup("outbox", help="Send queued e-mails.")
translate_cli = AppGroup("translate", help="Translation catalog workflow.")
calls_cli = AppGroup("calls", help="Calls for applications.")
bench_cli = AppGroup("bench", help="Benchmark data (bench/; never in production).")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name in Latin letters.")
@click.option("--password", envvar="PORTAL_NEW_USER_PASSWORD",
              help="Or set PORTAL_NEW_USER_PASSWORD, to keep it out of the shell history.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--roles", default="applicant", show_default=True,
              help="Comma-separated: applicant, reviewer, coordinator, admin.")
@click.option("--administration", "administration_code", default=None,
              help="ISO code of the member administration, e.g. AZ.")
@click.option("--position", default="")
@click.option("--language", default="en", type=click.Choice(["en", "ru"]))
@click.option("--time-zone", default="Asia/Baku")
def create_user_command(email, full_name, password, password_stdin, roles, administration_code,
                        position, language, time_zone):
    """Create a user with roles, without any prompt (for scripts). The address counts as verified."""
    from portal.accounts.models import Role
    from portal.accounts.passwords import MIN_PASSWORD_LENGTH
    from portal.accounts.services import Profile, create_user
    from portal.i18n import is_valid_timezone

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"a password of at least {MIN_PASSWORD_LENGTH} characters is needed")
    try:
        role_set = {Role(r.strip()) for r in roles.split(",") if r.strip()}
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if not is_valid_timezone(time_zone):
        raise click.UsageError(f"unknown time zone {time_zone!r}")
    profile = Profile(full_name=full_name, native_name=None,
                      administration_code=administration_code.upper() if administration_code else None,
                      position=position, preferred_language=language, time_zone=time_zone)
    try:
        user = create_user(email=email, password=password, profile=profile, roles=role_set,
                           verified=True)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    from portal.audit.services import record_event

    record_event("account.created_by_command", obj=user, roles=sorted(role_set))
    db.session.commit()
    click.echo(f"created user {user.id} <{user.email}> with roles {', '.join(sorted(role_set))}")


@administrations_cli.command("load")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), default=None)
def load_administrations_command(path):
    """Add the member administrations from the reference file and update their names from it
    (keeps the names an admin corrected)."""
    from portal.administrations.services import load_administrations

    added, renamed, present = load_administrations(path or current_app.config["ADMINISTRATIONS_CSV"])
    db.session.commit()
    click.echo(f"administrations: {added} added, {present} already present, "
               f"{renamed} renamed from the reference file")


@demo_cli.command("seed")
def seed_demo_command():
    """Demo users of every role with known passwords (never run this in production)."""
    from portal.demo import DEMO_PASSWORD, seed_demo_data

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("demo data is not for production")
    created = seed_demo_data()
    db.session.commit()
    for email, roles in created:
        click.echo(f"  {email:<36} {roles}")
    click.echo(f"demo password for every account above: {DEMO_PASSWORD}")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds.")
@click.option("--interval", default=30, show_default=True)
def send_outbox_command(loop, interval):
    """Send queued e-mails that are due (retries failed sends with back-off)."""
    from portal.notifications.services import send_due_messages

    while True:
        sent, failed = send_due_messages()
        # Failed messages are tried again later, until MAIL_MAX_ATTEMPTS.
        click.echo(f"outbox: {sent} sent, {failed} failed")
        if not loop:
            break
        time.sleep(interval)


@outbox_cli.command("requeue-failed")
def requeue_failed_command():
    """Give messages that ran out of attempts another round."""
    from portal.notifications.services import requeue_failed

    count = requeue_failed()
    db.session.commit()
    click.echo(f"outbox: {count} message(s) queued again")


@calls_cli.command("close-due")
def close_due_calls_command():
    """Close every open call whose deadline has passed (run it every few minutes, e.g. from cron).

    Applications stop at the deadline in any case: the server checks it on every submission.
    """
    from portal.calls.services import close_due_calls
    from portal.database import utcnow

    count = close_due_calls(utcnow())
    db.session.commit()
    click.echo(f"calls: {count} closed")


@bench_cli.command("seed")
@click.option("--applications", default=5000, show_default=True)
@click.option("--reviewers", default=150, show_default=True)
@click.option("--seed", "seed_value", default=1, show_default=True)
@click.option("--tag", default="b", show_default=True, help="Names the calls and e-mail addresses.")
@click.option("--rush-users", default=300, show_default=True,
              help="Applicants without an application, for the deadline rush.")
def bench_seed_command(applications, reviewers, seed_value, tag, rush_users):
    """Fill the database with a closed call of N applications, reviews and decisions."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("benchmark data is not for production")
    if str(ROOT) not in sys.path:  # bench/ lives beside portal/, not inside it
        sys.path.insert(0, str(ROOT))
    from bench.seed import BENCH_PASSWORD, seed_scale

    started = time.perf_counter()
    seeded = seed_scale(applications=applications, reviewers=reviewers, seed=seed_value, tag=tag,
                        rush_users=rush_users)
    counts = ", ".join(f"{value} {name}" for name, value in seeded.counts.items())
    click.echo(f"seeded in {time.perf_counter() - started:.1f} s: {counts}")
    click.echo(f"closed call {seeded.closed_call_id}, open call {seeded.open_call_id}; "
               f"coordinator {seeded.coordinator_email}; password {BENCH_PASSWORD}")


ROOT = Path(__file__).resolve().parent.parent
POT_FILE = ROOT / "translations" / "messages.pot"


def _pybabel(*args: str) -> None:
    """Run a pybabel subcommand; its chatter is shown only when it fails."""
    command = [sys.executable, "-m", "babel.messages.frontend", "--quiet", *args]
    result = subprocess.run(command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            capture_output=True, text=True)
    if result.returncode:
        click.echo(result.stdout + result.stderr, err=True)
        raise click.ClickException(f"pybabel {args[0]} failed")


def _extract() -> None:
    # Babel skips folders starting with "_" by default; templates/_macros must be read.
    _pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_ngettext:1,2",
             "-k", "lazy_pgettext:1c,2",
             "-c", "i18n:", "--no-location", "--ignore-dirs", ".* __pycache__",
             "--sort-by-file", "--omit-header", "-o", str(POT_FILE), "portal")


@translate_cli.command("update")
def translate_update():
    """Extract strings from the code and merge them into every catalog."""
    _extract()
    _pybabel("update", "-i", str(POT_FILE), "-d", "translations", "--no-fuzzy-matching",
             "--ignore-obsolete")
    POT_FILE.unlink()


@translate_cli.command("compile")
def translate_compile():
    """Compile every catalog to .mo files (the set-up commands do this)."""
    _pybabel("compile", "-d", "translations", "--statistics")


@translate_cli.command("check")
def translate_check():
    """Fail if the code has strings the catalog lacks, or any entry is empty or fuzzy."""
    from portal.translations_check import catalog_problems

    _extract()
    try:
        problems = catalog_problems(ROOT / "translations", POT_FILE)
    finally:
        POT_FILE.unlink()
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} translation problem(s)")
    click.echo("translations: complete")


def init_app(app: Flask) -> None:
    for group in (users_cli, administrations_cli, demo_cli, outbox_cli, translate_cli, calls_cli,
                  bench_cli):
        app.cli.add_command(group)
