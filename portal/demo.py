"""Demo data a newcomer can click through. Known passwords: never for production."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import Role
from portal.accounts.services import Profile, create_user, find_user_by_email
from portal.administrations.services import load_administrations
from portal.applications.demo import answer_demo_questions, seed_demo_applications
from portal.applications.services import start_application
from portal.calls.demo import seed_demo_calls
from portal.calls.models import Call, CallState
from portal.database import utcnow
from portal.endorsements.demo import require_endorsement, seed_demo_endorsements, seed_demo_focal_points
from portal.extensions import db
from portal.messages.demo import seed_demo_messages
from portal.privacy.demo import seed_demo_notice
from portal.questions.demo import seed_demo_questions
from portal.reviews.automatic import assign_call_automatically
from portal.reviews.demo import seed_demo_reviews
from portal.reviews.services import update_reviewer_profile

DEMO_PASSWORD = "demo-password-2027"  # noqa: S105 (demo accounts only)
DUPLICATE_EMAIL = "aigul.osmonova@demo.rocb.example"

DEMO_USERS = [
    # e-mail, name, native name, administration, position, language, time zone, roles
    ("admin@demo.rocb.example", "Nino Beridze", "ნინო ბერიძე", "GE", "Portal administrator", "en",
     "Asia/Tbilisi", (Role.admin,)),
    ("coordinator@demo.rocb.example", "Leyla Mammadova", "Leyla Məmmədova", "AZ",
     "Fellowship programme coordinator", "en", "Asia/Baku", (Role.coordinator,)),
    ("reviewer.en@demo.rocb.example", "Jan Kowalski", None, "PL", "Senior customs expert", "en",
     "Europe/Warsaw", (Role.reviewer,)),
    ("reviewer.ru@demo.rocb.example", "Aigerim Nurlanovna", "Айгерим Нурлановна", "KZ",
     "Head of training department", "ru", "Asia/Almaty", (Role.reviewer,)),
    ("reviewer.lt@demo.rocb.example", "Rasa Kazlauskienė", None, "LT", "Customs audit expert", "en",
     "Europe/Vilnius", (Role.reviewer,)),
    ("applicant.ru@demo.rocb.example", "Ivan Petrov", "Иван Петров", "RU",
     "Chief inspector, customs clearance", "ru", "Europe/Moscow", (Role.applicant,)),
    ("applicant.en@demo.rocb.example", "Elena Popescu", None, "RO", "Customs officer, risk analysis",
     "en", "Europe/Bucharest", (Role.applicant,)),
    ("applicant.uz@demo.rocb.example", "Dilshod Karimov", "Дильшод Каримов", "UZ",
     "Inspector, post-clearance audit", "ru", "Asia/Tashkent", (Role.applicant,)),
    # Focal points (portal/endorsements/demo.py makes them so): Kyrgyzstan's and Kazakhstan's
    # read Russian.
    ("focal.kg@demo.rocb.example", "Bakyt Sydykov", "Бакыт Сыдыков", "KG",
     "Head of the Personnel and Training Department", "ru", "Asia/Bishkek", (Role.nominator,)),
    ("focal.kz@demo.rocb.example", "Saule Akhmetova", "Сауле Ахметова", "KZ",
     "Deputy Head of the Human Resources Department", "ru", "Asia/Almaty", (Role.nominator,)),
    ("focal.ge@demo.rocb.example", "Tamar Lomidze", "თამარ ლომიძე", "GE",
     "Head of the Training Centre", "en", "Asia/Tbilisi", (Role.nominator,)),
    # One officer registered twice: with her old work address (and began an application), then
    # with a new one. The admin merges the first into the second (accounts/merge.py).
    (DUPLICATE_EMAIL, "Aigul Osmonova", "Айгуль Осмонова", "KG", "Inspector", "ru",
     "Asia/Bishkek", (Role.applicant,)),
    ("a.osmonova@demo.rocb.example", "Aigul Osmonova", "Айгуль Осмонова", "KG",
     "Senior inspector, risk management", "ru", "Asia/Bishkek", (Role.applicant,)),
]


# What each demo reviewer reads and knows.
REVIEWER_PROFILES = {
    "reviewer.en@demo.rocb.example": (True, False, "risk management, post-clearance audit"),
    "reviewer.ru@demo.rocb.example": (True, True, "training, customs valuation, transit"),
    "reviewer.lt@demo.rocb.example": (True, True, "audit, risk analysis, e-commerce"),
}


def seed_demo_data() -> list[tuple[str, str]]:
    """Demo accounts, calls and applications, each made only if missing.

    Returns (e-mail, roles) of the accounts. Flushes.
    """
    load_administrations(current_app.config["ADMINISTRATIONS_CSV"])
    listed = []
    for email, name, native, code, position, language, zone, roles in DEMO_USERS:
        if find_user_by_email(email) is None:
            profile = Profile(full_name=name, native_name=native, administration_code=code,
                              position=position, preferred_language=language, time_zone=zone)
            create_user(email=email, password=DEMO_PASSWORD, profile=profile, roles=roles,
                        verified=True)
        listed.append((email, ", ".join(r.value for r in roles)))
    for email, (reads_en, reads_ru, expertise) in REVIEWER_PROFILES.items():
        update_reviewer_profile(find_user_by_email(email), reads_en=reads_en, reads_ru=reads_ru,
                                expertise=expertise, max_reviews_per_call=10)
    _seed_calls_and_applications()
    seed_demo_notice()  # version 1 in force, accepted by every demo account
    return listed


def _seed_calls_and_applications() -> None:
    """An open call with applications in several states, endorsed or not by their
    administrations, and a closed call in review."""
    seed_demo_calls()
    open_call = db.session.scalar(sa.select(Call).where(Call.state == CallState.open)
                                  .order_by(Call.id))
    seed_demo_focal_points()
    if open_call is not None:
        require_endorsement(open_call)
        seed_demo_applications(open_call, DEMO_PASSWORD)
        # The call's own questions, then the demo applicants' answers to them.
        questions = seed_demo_questions(open_call)
        if questions:
            answer_demo_questions(open_call, questions)
        seed_demo_endorsements(open_call, DEMO_PASSWORD)
        _seed_duplicate_draft(open_call)
        seed_demo_messages(open_call)  # the reminder to the drafts' owners
    closed = db.session.scalar(sa.select(Call).where(Call.state == CallState.closed)
                               .order_by(Call.id))
    if closed is not None:
        # Replay the past: the applications came in while the call was open.
        closed.state = CallState.open
        made = seed_demo_applications(closed, DEMO_PASSWORD,
                                      now=closed.opens_at + timedelta(days=10))
        closed.state = CallState.closed
        if made:
            coordinator = find_user_by_email("coordinator@demo.rocb.example")
            assign_call_automatically(closed, actor=coordinator, now=utcnow())
            seed_demo_reviews(closed)


def _seed_duplicate_draft(call: Call) -> None:
    """The draft the first of the two "Aigul Osmonova" began, unless merged away since."""
    older = find_user_by_email(DUPLICATE_EMAIL)
    if older is not None and older.is_active_account and call.is_open_at(utcnow()):
        start_application(call, applicant=older, language="ru", now=utcnow())
