"""A small hand-made call: two criteria, three ranked applications, one ineligible."""

import html
import re
from decimal import Decimal

import pytest

from portal.database import utcnow

# Each reviewer's marks per application: (Experience 1–5 weight 1, Motivation 1–5 weight 2).
# In points: 5→100, 4→75, 3→50, 1→0; a total is (experience + 2 × motivation) / 3.
MARKS = {
    "first": {"a": (5, 5), "b": (4, 4)},   # totals 100 and 75: mean 87.5, sd 12.5
    "second": {"a": (1, 3), "b": (5, 5)},  # totals 33.33 and 100: 66.67 apart, disagreement
    "third": {"a": (3, 3)},                # one review of two expected: missing
}
COMMENTS = {"a": "=HYPERLINK(\"http://x\") Сильный кандидат", "b": "Clear project plan"}


@pytest.fixture
def download(client, forms):
    """download(url): an export at its address, as a coordinator gets it: the button (a POST)
    starts its job, which runs inline in the tests, and the job's page links to the file."""

    def fetch(url):
        page = url.rsplit("/exports/", 1)[0] + "/reports"
        started = forms.post(url, page=page)
        assert (started.status_code, started.headers["Location"].split("/")[1]) == (302, "jobs")
        progress = client.get(started.headers["Location"]).get_data(as_text=True)
        link = re.search(r'id="job-result-link" href="([^"]+)"', progress)
        assert link, progress
        return client.get(html.unescape(link.group(1)))
    return fetch


@pytest.fixture
def coordinator(create_user):
    return create_user(roles=("coordinator",), full_name="Carla Coordinator")


@pytest.fixture
def reviewed_call(db, create_call, create_application, create_user, coordinator):
    """The call and its applications by name; reviewers "Anna Reviewer" and "Boris Reviewer"."""
    from portal.applications import services as applications
    from portal.calls.models import Criterion
    from portal.reviews import services as reviews

    call = create_call(reviewers_per_application=2)
    call.criteria.append(Criterion(position=2, name_en="Motivation", name_ru="Мотивация",
                                   weight=Decimal("2"), guidance_en="Why", guidance_ru="Зачем"))
    db.session.commit()
    reviewers = {key: _reviewer(create_user, name) for key, name in
                 (("a", "Anna Reviewer"), ("b", "Boris Reviewer"))}
    apps = {key: create_application(call=call, submit=True) for key in (*MARKS, "ineligible")}
    apps["third"].applicant_name = '=HYPERLINK("http://x")'
    for key, marks in MARKS.items():
        for reviewer_key, (experience, motivation) in marks.items():
            assignment = reviews.assign_reviewer(apps[key], reviewers[reviewer_key],
                                                 actor=coordinator, now=utcnow())
            experience_id, motivation_id = (str(c.id) for c in call.criteria)
            reviews.save_review(assignment, scores={experience_id: experience,
                                                    motivation_id: motivation},
                                comments=COMMENTS[reviewer_key], recommendation="support",
                                confidence=4, expected_version=0, submit=True, now=utcnow())
    applications.screen_out(apps["ineligible"], actor=coordinator, reason="Too junior",
                            now=utcnow())
    db.session.commit()
    return call, apps


def _reviewer(create_user, name):
    from portal.reviews.services import update_reviewer_profile

    user = create_user(roles=("reviewer",), administration="PL", full_name=name)
    update_reviewer_profile(user, reads_en=True, reads_ru=True, expertise="",
                            max_reviews_per_call=20)
    return user
