"""The benchmark seeder (bench/seed.py, `flask bench seed`) on a small call."""

import hashlib

import sqlalchemy as sa

from bench.seed import seed_scale
from portal.accounts.models import User
from portal.applications.models import Application, ApplicationState, Document
from portal.extensions import db
from portal.reviews.models import Assignment, Review, ReviewerProfile
from portal.selection.models import Decision, Outcome
from portal.storage import storage


def test_seed_scale_fills_a_closed_call_with_reviews_and_decisions(app, administrations):
    seeded = seed_scale(applications=60, reviewers=12, seed=3, rush_users=4, drafts=5, places=4,
                        waitlist=6)

    applications = db.session.scalars(sa.select(Application).where(
        Application.call_id == seeded.closed_call_id)).all()
    assert len(applications) == 60
    assert {a.language for a in applications} == {"en", "ru"}
    assert len({a.administration_code for a in applications}) > 10
    assert all(len(a.sections) == 5 and all(s.complete for s in a.sections) for a in applications)
    documents = db.session.scalars(sa.select(Document)).all()
    assert len(documents) == 120
    for document in documents[:10]:
        with storage().open(document.storage_key) as stored:
            content = stored.read()
        assert content.startswith(b"%PDF-1.4")
        assert hashlib.sha256(content).hexdigest() == document.sha256
    pool = [a for a in applications if a.state != ApplicationState.withdrawn]
    reviews = db.session.execute(
        sa.select(Assignment, Review, User).join(Review).join(User, Assignment.reviewer_id == User.id)
    ).all()
    assert len(reviews) == 3 * len(pool)
    by_id = {a.id: a for a in applications}
    for assignment, review, reviewer in reviews:
        application = by_id[assignment.application_id]
        assert reviewer.administration_code != application.administration_code
        profile = db.session.get(ReviewerProfile, reviewer.id)
        assert application.language in profile.languages
        assert review.submitted_at is not None
    outcomes = [d.outcome for d in db.session.scalars(sa.select(Decision))]
    assert outcomes.count(Outcome.accepted) == 4
    assert outcomes.count(Outcome.waitlisted) == 6
    screened = sum(a.state == ApplicationState.screened_out for a in applications)
    assert outcomes.count(Outcome.not_selected) == len(pool) - screened - 10
    drafts = db.session.scalars(sa.select(Application).where(
        Application.call_id == seeded.open_call_id)).all()
    assert [a.state for a in drafts] == [ApplicationState.draft] * 5
    assert len(seeded.rush_emails) == 4


def test_seed_scale_is_the_same_for_the_same_seed(app, administrations):
    first = seed_scale(applications=20, reviewers=6, seed=7, tag="x", rush_users=0, drafts=0)
    second = seed_scale(applications=20, reviewers=6, seed=7, tag="y", rush_users=0, drafts=0)

    def shape(call_id):
        return db.session.execute(
            sa.select(Application.applicant_name, Application.language,
                      Application.administration_code, Application.state)
            .where(Application.call_id == call_id).order_by(Application.id)).all()

    assert shape(first.closed_call_id) == shape(second.closed_call_id)


def test_seed_call_to_assign_leaves_every_application_without_a_reviewer(app, administrations):
    from bench.seed import seed_call_to_assign
    from portal.accounts.models import Role, UserRole
    from portal.calls.models import Call

    seeded = seed_call_to_assign(applications=40, reviewers=6, seed=2, tag="t")

    call = db.session.get(Call, seeded.call_id)
    applications = db.session.scalars(sa.select(Application).where(
        Application.call_id == call.id)).all()
    assert (len(applications), call.reviewers_per_application) == (40, 3)
    assert {a.state for a in applications} == {ApplicationState.submitted}
    assert [len(a.sections) for a in applications] == [1] * 40
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
    profiles = db.session.scalars(sa.select(ReviewerProfile)).all()
    assert [p.max_reviews_per_call for p in profiles] == [29] * 6  # 1.4 x 3 x 40 / 6, and one
    coordinator = db.session.get(User, seeded.coordinator_id)
    assert (coordinator.email, db.session.scalar(sa.select(UserRole.role).where(
        UserRole.user_id == coordinator.id))) == (seeded.coordinator_email, Role.coordinator)
