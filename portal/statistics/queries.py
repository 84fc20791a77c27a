"""The figures of a call's statistics page, gathered in a fixed number of queries.

Counts are grouped in the database; scores come from the ranking and progress from the
reviews' own query, both of which load a call in a constant number of queries.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from portal.administrations.models import Administration
from portal.applications.models import Application, ApplicationSection, ApplicationState
from portal.extensions import db
from portal.questions.models import Question, QuestionKind, questions_of
from portal.reviews.queries import reviewer_progress
from portal.selection.models import Decision, Offer, OfferState, Outcome
from portal.selection.queries import ranked_scores


@dataclass(frozen=True)
class AdministrationCount:
    code: str | None
    name: str
    submitted: int
    drafts: int


@dataclass(frozen=True)
class ReviewerProgress:
    name: str
    assigned: int
    submitted: int


@dataclass(frozen=True)
class QuestionCounts:
    """How the submitted applications answered one choice or yes/no question: a count per
    choice key ("yes"/"no" for yes/no), in the question's order, and how many did not answer."""

    question: Question
    counts: dict[str, int]
    unanswered: int


@dataclass
class CallStatistics:
    by_administration: list[AdministrationCount]
    by_language: dict[str, int]  # submitted applications per language: en, ru
    drafts: int
    raw_means: list[float]  # one per application with at least one review that counts
    normalized: list[float]
    reviewers: list[ReviewerProgress]
    outcomes: dict[Outcome, int]
    offers: dict[OfferState, int] | None  # None before publication
    questions: list[QuestionCounts]  # one per choice and yes/no question of the call

    @property
    def submitted(self) -> int:
        return sum(self.by_language.values())

    @property
    def reviews_assigned(self) -> int:
        return sum(r.assigned for r in self.reviewers)

    @property
    def reviews_submitted(self) -> int:
        return sum(r.submitted for r in self.reviewers)

    @property
    def reviews_percent(self) -> int | None:
        if not self.reviews_assigned:
            return None
        return round(100 * self.reviews_submitted / self.reviews_assigned)


def application_counts(call_id: int) -> list[tuple[str | None, str, bool, int]]:
    """(administration code, language, is draft, count) for a call's applications."""
    is_draft = Application.state == ApplicationState.draft
    return [tuple(row) for row in db.session.execute(
        sa.select(Application.administration_code, Application.language, is_draft,
                  sa.func.count(Application.id))
        .where(Application.call_id == call_id)
        .group_by(Application.administration_code, Application.language, is_draft))]


def per_administration(counts, locale) -> list[AdministrationCount]:
    """Submitted and draft counts per administration, most submitted first, then by name."""
    totals: dict[str | None, list[int]] = {}
    for code, _language, draft, count in counts:
        totals.setdefault(code, [0, 0])[1 if draft else 0] += count
    known = {a.code: a for a in db.session.scalars(
        sa.select(Administration).where(Administration.code.in_([c for c in totals if c])))}
    rows = [AdministrationCount(code, known[code].name(locale) if code in known else (code or ""),
                                submitted, drafts)
            for code, (submitted, drafts) in totals.items()]
    return sorted(rows, key=lambda r: (-r.submitted, -r.drafts, r.name))


def grouped_counts(model, column, call_id: int, states) -> dict:
    """{state: count} for every state, zero where there are none."""
    found = dict(db.session.execute(
        sa.select(column, sa.func.count(model.id)).where(model.call_id == call_id)
        .group_by(column)).all())
    return {state: found.get(state, 0) for state in states}


def call_statistics(call, locale) -> CallStatistics:
    counts = application_counts(call.id)
    by_language = {"en": 0, "ru": 0}
    for _code, language, draft, count in counts:
        if not draft:
            by_language[language] = by_language.get(language, 0) + count
    ranking = ranked_scores(call)
    per_reviewer = reviewer_progress(call.id)
    published = call.published_at is not None
    return CallStatistics(
        by_administration=per_administration(counts, locale),
        by_language=by_language,
        drafts=sum(count for *_rest, draft, count in counts if draft),
        raw_means=[float(r.score.raw_mean) for r in ranking if r.score.raw_mean is not None],
        normalized=[r.score.normalized for r in ranking if r.score.normalized is not None],
        reviewers=[ReviewerProgress(user.full_name, assigned, submitted)
                   for user, assigned, submitted in per_reviewer],
        outcomes=grouped_counts(Decision, Decision.outcome, call.id, Outcome),
        offers=grouped_counts(Offer, Offer.state, call.id, OfferState) if published else None,
        questions=question_counts(call.id, sum(by_language.values())),
    )


COUNTED_KINDS = (QuestionKind.single_choice, QuestionKind.multiple_choice, QuestionKind.yes_no)


def question_counts(call_id: int, submitted: int) -> list[QuestionCounts]:
    """The answers of the `submitted` (not draft) applications to each choice and yes/no
    question, counted from one read of the sections that hold them: two queries whatever the
    number of questions (the JSON is counted here, alike on SQLite and PostgreSQL)."""
    questions = [q for q in questions_of(call_id) if q.kind in COUNTED_KINDS]
    if not questions:
        return []
    sections = db.session.execute(
        sa.select(ApplicationSection.key, ApplicationSection.answers)
        .join(Application, Application.id == ApplicationSection.application_id)
        .where(Application.call_id == call_id, Application.state != ApplicationState.draft,
               ApplicationSection.key.in_(sorted({q.section_key for q in questions})))).all()
    return [_counted(q, [(answers or {}).get(q.answer_key) for key, answers in sections
                         if key == q.section_key], submitted) for q in questions]


def _counted(question: Question, answers: list, submitted: int) -> QuestionCounts:
    if question.kind == QuestionKind.yes_no:
        keys = ["yes", "no"]
        chosen = [[{True: "yes", False: "no"}[a]] if isinstance(a, bool) else [] for a in answers]
    else:
        keys = [choice["key"] for choice in question.choices or []]
        chosen = [a if isinstance(a, list) else [a] if isinstance(a, str) else [] for a in answers]
    counts = dict.fromkeys(keys, 0)
    answered = 0
    for keys_chosen in chosen:
        known = set(keys_chosen) & counts.keys()
        answered += bool(known)
        for key in known:
            counts[key] += 1
    return QuestionCounts(question, counts, submitted - answered)
