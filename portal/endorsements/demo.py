"""Demo endorsement: the open demo call needs endorsement (a quota of two per administration),
three administrations have a focal point (Kyrgyzstan's and Kazakhstan's read Russian), and the
candidates are in every state: endorsed and ranked, declined with a reason, still awaiting, and
from administrations with no focal point. Made through the services, only once."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import Role
from portal.accounts.services import Profile, create_user, find_user_by_email
from portal.administrations.models import Administration
from portal.administrations.services import add_focal_point, administrations_focal_point_of
from portal.applications import services as applications
from portal.applications.demo import demo_answers, fill_demo_application
from portal.applications.models import Application, ApplicationState
from portal.database import utcnow
from portal.endorsements import queries, services
from portal.extensions import db

# e-mail, administration, title held there (the accounts are in portal.demo.DEMO_USERS)
FOCAL_POINTS = [
    ("focal.kg@demo.rocb.example", "KG", "Head of the Personnel and Training Department"),
    ("focal.kz@demo.rocb.example", "KZ", "Deputy Head of the Human Resources Department"),
    ("focal.ge@demo.rocb.example", "GE", "Head of the Training Centre"),
]

# More candidates of Kyrgyzstan, so that its focal point has used the quota and declined one:
# e-mail, name, native name, language, years in service
KYRGYZ_CANDIDATES = [
    ("applicant9@demo.rocb.example", "Gulnara Asanova", "Гульнара Асанова", "ru", 10),
    ("applicant10@demo.rocb.example", "Erlan Mamatov", "Эрлан Маматов", "ru", 6),
]

# What each focal point decides, in this order: (applicant's e-mail, statement or None to
# decline, reason). The first endorsed of an administration comes first in its priority.
DECISIONS = [
    ("applicant9@demo.rocb.example", "Ведущий специалист по управлению рисками; "
     "администрация поддерживает её проект.", ""),
    ("applicant5@demo.rocb.example", "Опытный инспектор, рекомендован руководством таможни.", ""),
    ("applicant10@demo.rocb.example", None,
     "Кандидат не прошёл внутренний отбор администрации в этом году."),
    ("applicant1@demo.rocb.example", "A strong candidate whose project the administration "
     "will support.", ""),
]


def require_endorsement(call) -> None:
    """The call needs endorsement: by two weeks after its deadline, two candidates per
    administration at most, a declined applicant reads the reason. Only while nobody has
    applied yet (so that every application is asked). Flushes."""
    if call.endorsement_required or db.session.scalar(
            sa.select(sa.func.count(Application.id)).where(Application.call_id == call.id)):
        return
    call.endorsement_required = True
    call.endorsement_deadline = call.closes_at + timedelta(days=14)
    call.endorsement_quota = 2
    call.endorsement_reason_shown = True
    db.session.flush()


def seed_demo_focal_points() -> None:
    """The demo focal points' accounts become focal points of their administrations. Flushes."""
    coordinator = find_user_by_email("coordinator@demo.rocb.example")
    for email, code, title in FOCAL_POINTS:
        user = find_user_by_email(email)
        if user is None or code in administrations_focal_point_of(user):
            continue
        add_focal_point(db.session.get(Administration, code), full_name=user.full_name,
                        title=title, email=email, language=user.preferred_language,
                        actor=coordinator, now=utcnow())


def seed_demo_endorsements(call, password: str) -> None:
    """Kyrgyzstan's further candidates apply, and the focal points decide (see DECISIONS),
    unless done already. Flushes."""
    if not call.endorsement_required or find_user_by_email(KYRGYZ_CANDIDATES[0][0]) is not None:
        return
    now = utcnow()
    for email, name, native, language, years in KYRGYZ_CANDIDATES:
        applicant = create_user(
            email=email, password=password, roles=(Role.applicant,), verified=True,
            profile=Profile(full_name=name, native_name=native, administration_code="KG",
                            position="Inspector", preferred_language=language,
                            time_zone=current_app.config["OFFICE_TIMEZONE"]))
        application = applications.start_application(call, applicant=applicant,
                                                     language=language, now=now)
        fill_demo_application(application, demo_answers(name, native, "KG", years, language), applicant, now=now)
        applications.submit_application(application, actor=applicant, now=now)
    for email, statement, reason in DECISIONS:
        _decide(call, email, statement, reason, now)


def _decide(call, email: str, statement: str | None, reason: str, now) -> None:
    application = db.session.scalar(
        sa.select(Application).where(Application.call_id == call.id,
                                     Application.applicant_id == find_user_by_email(email).id,
                                     Application.state == ApplicationState.submitted))
    endorsement = application and queries.endorsement_of(application.id)
    focal_points = endorsement and queries.focal_points_of(endorsement.administration_code)
    if not focal_points:
        return
    actor = focal_points[0]
    if statement is None:
        services.decline(endorsement, actor=actor, reason=reason,
                         expected_version=endorsement.version, now=now)
    else:
        services.endorse(endorsement, actor=actor, statement=statement,
                         expected_version=endorsement.version, now=now)
