"""Automatic assignment as a job (kind "assignment"): a call of 20,000 applications takes about
half a minute, longer than a request may, so a worker does it while the coordinator watches its
progress (portal/jobs).

The handler flushes and never commits: the core commits the assignments, their audit events and
the job's end in one transaction, so a worker killed mid-job leaves nothing and the next run
starts afresh (existing assignments are kept by the assignment itself, so it never doubles).
"""

from types import SimpleNamespace

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal.accounts.models import User
from portal.calls.models import Call
from portal.database import utcnow
from portal.extensions import db
from portal.jobs.registry import job_kind

KIND = "assignment"


def result_of(result) -> dict:
    """What the job keeps of the solver's result (JSON): the counts and the shortfalls."""
    return {"assigned": len(result.pairs),
            "missing": sum(s.missing_reviews for s in result.shortfalls),
            "shortfalls": [{"language": s.language, "cause": str(s.cause),
                            "applications": s.applications, "missing_reviews": s.missing_reviews}
                           for s in result.shortfalls]}


def result_messages(result: dict) -> list[str]:
    """The job's result in the coordinator's words: how many were assigned, then what could not
    be and why (the texts the page flashed when the assignment ran inside the request)."""
    from portal.reviews.automatic import describe_shortfalls

    messages = [ngettext("%(num)d assignment made.", "%(num)d assignments made.",
                         result.get("assigned", 0))]
    shortfalls = [SimpleNamespace(**s) for s in result.get("shortfalls", [])]
    return messages + describe_shortfalls(shortfalls)


def _result_text(job) -> str:
    # Whole sentences, each translated with its own numbers, one after the other.
    return " ".join(result_messages(job.result or {}))


def _result_url(job) -> str | None:
    if job.call_id is None:
        return None
    return url_for("reviews.manage_assignments", call_id=job.call_id)


@job_kind(KIND, title=_l("Automatic assignment of reviewers"),
          steps={"reading": _l("Reading the applications and the reviewers"),
                 "solving": _l("Choosing the reviewers"),
                 "saving": _l("Saving the assignments")},
          retry=True, result_url=_result_url, result_text=_result_text)
def run_assignment(job, progress) -> dict:
    """Assign the job's call automatically, as its starter (the audit events name them)."""
    from portal.reviews.automatic import assign_call_automatically

    call = db.session.get(Call, job.call_id)
    actor = db.session.get(User, job.started_by_id) if job.started_by_id else None
    result = assign_call_automatically(call, actor=actor, now=utcnow(), progress=progress)
    return result_of(result)
