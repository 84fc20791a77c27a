"""A call at scale for the benchmarks: `flask bench seed --applications 5000 --reviewers 150`.

Fills the database (inside the app context it is given) with:

- a *closed* call in review ("bench-<tag>-closed") with N submitted applications from all 52
  member administrations (Zipf-like skew), in English and Russian, every section complete, two
  real small PDF documents each stored through `portal.storage` (so the SHA-256 in the row is the
  file's), three submitted reviews each by reviewers never of the applicant's administration and
  reading the application's language, and a Decision for each application of the pool: `places`
  accepted, a waiting list, the rest not selected; a few withdrawn and screened-out ones;
- 150 reviewers (with profiles), one coordinator;
- an *open* call ("bench-<tag>-open") in which some of the applicants have a draft (for the
  applicant's dashboard), and `rush_users` applicants with no application yet, for the
  deadline-rush benchmark.

Everything goes in with bulk inserts (`db.session.execute(insert(Model), rows)`), so 5,000
applications take seconds. The data is the same for the same seed, but for the storage keys of
the documents, which `portal.storage` draws at random.
"""

import io
import random
import zlib
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import Role, User, UserRole
from portal.accounts.passwords import hash_password
from portal.administrations.services import load_administrations
from portal.applications.models import (
    Application,
    ApplicationSection,
    ApplicationState,
    Document,
    DocumentKind,
    ReferenceCounter,
)
from portal.calls.demo import CRITERIA, _texts
from portal.calls.models import Call, CallState, Criterion
from portal.database import utcnow
from portal.extensions import db
from portal.reviews.models import Assignment, AssignmentState, Recommendation, Review, ReviewerProfile
from portal.selection.models import Decision, Outcome
from portal.storage import storage

BENCH_PASSWORD = "bench-password-2027"  # noqa: S105 (benchmark accounts only)
RUSSIAN_SPEAKING = frozenset("AM AZ BY GE KG KZ MD RU TJ TM UA UZ".split())
FIRST = ("Ivan Elena Giorgi Ayse Nurlan Marija Aibek Olena Arman Rustam Jan Aigerim Rasa Dilshod "
         "Nino Leyla Anna Petr Tamar Mehmet Sofia Lukas Eva Andrei Maria Timur Zara Oleg").split()
LAST = ("Petrov Popescu Kapanadze Demir Abenov Jovanovic Toktogulov Shevchenko Grigoryan Nazarov "
        "Kowalski Nurlanova Kazlauskiene Karimov Beridze Mammadova Novak Horvat Muller Ivanova "
        "Rossi Berg Larsen Costa Sokolov Aliyev Tanaka Dubois").split()
CHUNK = 2000


@dataclass
class Seeded:
    closed_call_id: int
    open_call_id: int
    coordinator_email: str
    applicant_emails: list[str] = field(default_factory=list)  # with a draft in the open call
    reviewer_emails: list[str] = field(default_factory=list)
    rush_emails: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def pdf_bytes(title: str) -> bytes:
    """A small, valid one-page PDF whose content (and so checksum) differs with the title."""
    text = title.encode("latin-1", "replace").replace(b"(", b"").replace(b")", b"")
    stream = b"BT /F1 12 Tf 72 770 Td (" + text + b") Tj ET"
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _insert(model, rows, *, returning=None):
    """Bulk insert in chunks; with `returning`, the new ids in the order of the rows."""
    ids = []
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        if returning is None:
            db.session.execute(sa.insert(model), part)
        else:
            ids.extend(db.session.scalars(
                sa.insert(model).returning(returning, sort_by_parameter_order=True), part))
    return ids


def _users(rng, prefix, count, *, roles, password_hash, now, codes, weights, language=None):
    rows = []
    for i in range(count):
        code = rng.choices(codes, weights)[0]
        lang = language or ("ru" if code in RUSSIAN_SPEAKING and rng.random() < 0.8 else "en")
        rows.append({"email": f"{prefix}{i + 1:05d}@bench.example", "password_hash": password_hash,
                     "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "native_name": None,
                     "administration_code": code, "position": "Inspector",
                     "preferred_language": lang, "time_zone": "Asia/Baku",
                     "email_verified_at": now, "is_active_account": True,
                     "created_at": now})
    ids = _insert(User, rows, returning=User.id)
    _insert(UserRole, [{"user_id": uid, "role": role, "granted_at": now}
                       for uid in ids for role in roles])
    return ids, rows


def _call(slug, state, *, opens, closes, places, now):
    call = Call(slug=slug, state=state, opens_at=opens, closes_at=closes,
                review_deadline=closes + timedelta(days=30), time_zone="Asia/Baku",
                places=places, reviewers_per_application=3, blind_review=True,
                programme_year=closes.year, **_texts(closes.year))
    call.criteria = [Criterion(position=i + 1, **c) for i, c in enumerate(CRITERIA)]
    db.session.add(call)
    db.session.flush()
    return call


def _answers(rng, name, code, language, years):
    ru = language == "ru"
    return {
        "personal": {"full_name": name, "native_name": "", "phone": "+994 12 000 00 00",
                     "date_of_birth": f"19{rng.randint(65, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"},
        "professional": {"administration_code": code, "years_in_service": years,
                         "department": "Управление рисками" if ru else "Risk management",
                         "position": "Главный инспектор" if ru else "Senior inspector",
                         "expertise": "Анализ рисков, аудит" if ru else "Risk analysis, audit"},
        "languages": {"english_level": rng.choice(("B2", "C1", "C2")),
                      "russian_level": "native" if ru else rng.choice(("A1", "A2", "B1")),
                      "other_languages": ""},
        "motivation": {"motivation": ("Я хочу изучить опыт региона. " if ru else
                                      "I want to learn from the region. ") * rng.randint(5, 40),
                       "project_title": "Общие профили рисков" if ru else "Shared risk profiles",
                       "project_description": ("Проект по обмену профилями рисков. " if ru else
                                               "A project on sharing risk profiles. ") * 30},
        "nomination": {"nominator_name": "Director General", "nominator_title": "Head of service",
                       "nominator_email": "nominations@customs.example"},
    }


def _store_pdf(store, title, max_size):
    return store.save(io.BytesIO(pdf_bytes(title)), max_size=max_size)


def _administrations_and_password(rng: random.Random):
    """Load the member administrations; the bench password's hash, the administrations in a
    seeded order, and Zipf-like weights for drawing applicants from them."""
    load_administrations(current_app.config["ADMINISTRATIONS_CSV"])
    db.session.flush()
    from portal.administrations.models import Administration

    codes = sorted(db.session.scalars(sa.select(Administration.code)))
    order = rng.sample(codes, len(codes))
    weights = [1 / (rank + 1) ** 0.9 for rank in range(len(order))]
    return hash_password(BENCH_PASSWORD), order, weights


def seed_scale(*, applications: int = 5000, reviewers: int = 150, seed: int = 1, tag: str = "b",
               rush_users: int = 300, drafts: int = 200, places: int = 20,
               waitlist: int = 30) -> Seeded:
    """Fill the database; commits in the end. See the module's docstring."""
    rng = random.Random(seed)
    now = utcnow()
    password_hash, order, weights = _administrations_and_password(rng)

    closes = now - timedelta(days=40)
    closed = _call(f"bench-{tag}-closed", CallState.in_review, opens=closes - timedelta(days=60),
                   closes=closes, places=places, now=now)
    open_call = _call(f"bench-{tag}-open", CallState.open, opens=now - timedelta(days=7),
                      closes=now + timedelta(days=30), places=places, now=now)
    criteria = [c.id for c in closed.criteria]

    coordinator_ids, coordinator_rows = _users(
        rng, f"bench-{tag}-coordinator", 1, roles=(Role.coordinator,),
        password_hash=password_hash, now=now, codes=["AZ"], weights=[1])
    reviewer_ids, reviewer_rows = _users(
        rng, f"bench-{tag}-reviewer", reviewers, roles=(Role.reviewer,),
        password_hash=password_hash, now=now, codes=order, weights=weights)
    profiles = []
    for uid, row in zip(reviewer_ids, reviewer_rows, strict=True):
        ru_admin = row["administration_code"] in RUSSIAN_SPEAKING
        reads = rng.choice(((False, True), (True, True), (True, True))) if ru_admin else \
            rng.choice(((True, False), (True, False), (True, True)))
        profiles.append({"user_id": uid, "reads_en": reads[0], "reads_ru": reads[1],
                         "expertise": "risk, audit, valuation", "max_reviews_per_call": 1000,
                         "invited_at": now})
    _insert(ReviewerProfile, profiles)
    applicant_ids, applicant_rows = _users(
        rng, f"bench-{tag}-applicant", applications, roles=(Role.applicant,),
        password_hash=password_hash, now=now, codes=order, weights=weights)
    rush_ids, rush_rows = _users(  # a generator of their own: the call is the same without them
        random.Random(f"{seed}-rush"), f"bench-{tag}-rush", rush_users, roles=(Role.applicant,),
        password_hash=password_hash, now=now, codes=order, weights=weights)

    # The closed call's applications.
    year = closes.year
    first_number = _reserve_references(year, applications)
    app_rows = []
    for i, (uid, user) in enumerate(zip(applicant_ids, applicant_rows, strict=True)):
        submitted = closes - timedelta(minutes=rng.randint(1, 60 * 24 * 50))
        roll = rng.random()
        state = (ApplicationState.withdrawn if roll < 0.03 else
                 ApplicationState.screened_out if roll < 0.05 else ApplicationState.under_review)
        app_rows.append({
            "call_id": closed.id, "applicant_id": uid, "state": state,
            "language": user["preferred_language"], "reference": f"FEL-{year}-{first_number + i:04d}",
            "applicant_name": user["full_name"], "administration_code": user["administration_code"],
            "created_at": submitted - timedelta(days=3), "updated_at": submitted,
            "submitted_at": submitted,
            "withdrawn_at": submitted + timedelta(days=1) if state == ApplicationState.withdrawn else None,
            "screening_reason": "Less than three years of service."
            if state == ApplicationState.screened_out else "",
            "screened_at": closes + timedelta(days=2) if state == ApplicationState.screened_out else None,
            "screened_by_id": coordinator_ids[0] if state == ApplicationState.screened_out else None,
        })
    app_ids = _insert(Application, app_rows, returning=Application.id)
    _sections(rng, app_ids, app_rows, complete=True, now=closes)
    _documents(app_ids, app_rows, now=closes)
    totals = _reviews(rng, app_ids, app_rows, reviewer_ids, reviewer_rows, profiles, criteria,
                      coordinator_ids[0], now=closes + timedelta(days=10))
    _decisions(closed.id, totals, places, waitlist, coordinator_ids[0], now)

    # Drafts in the open call, for the applicants' dashboards.
    draft_rows = [{"call_id": open_call.id, "applicant_id": applicant_ids[i],
                   "state": ApplicationState.draft, "language": applicant_rows[i]["preferred_language"],
                   "reference": None, "applicant_name": applicant_rows[i]["full_name"],
                   "administration_code": applicant_rows[i]["administration_code"],
                   "created_at": now, "updated_at": now}
                  for i in range(min(drafts, applications))]
    draft_ids = _insert(Application, draft_rows, returning=Application.id)
    _sections(rng, draft_ids, draft_rows, complete=False, now=now)
    db.session.commit()
    return Seeded(
        closed_call_id=closed.id, open_call_id=open_call.id,
        coordinator_email=coordinator_rows[0]["email"],
        applicant_emails=[r["email"] for r in applicant_rows[:len(draft_rows)]],
        reviewer_emails=[r["email"] for r in reviewer_rows],
        rush_emails=[r["email"] for r in rush_rows],
        counts={"applications": len(app_ids), "drafts": len(draft_ids), "reviewers": reviewers,
                "documents": 2 * len(app_ids), "reviews": sum(len(t) for t in totals.values()),
                "rush_users": rush_users})


def _reserve_references(year: int, count: int) -> int:
    """The first of `count` reference numbers of the year, taken from the counter."""
    counter = db.session.get(ReferenceCounter, year)
    if counter is None:
        counter = ReferenceCounter(year=year, last_number=0)
        db.session.add(counter)
    first = counter.last_number + 1
    counter.last_number += count
    db.session.flush()
    return first


def _sections(rng, app_ids, app_rows, *, complete, now):
    rows = []
    for aid, row in zip(app_ids, app_rows, strict=True):
        answers = _answers(rng, row["applicant_name"], row["administration_code"],
                           row["language"], rng.randint(3, 30))
        keys = list(answers) if complete else ["personal", "professional", "languages"][
            :rng.randint(1, 3)]
        rows.extend({"application_id": aid, "key": key, "answers": answers[key], "version": 1,
                     "complete": True, "updated_at": now} for key in keys)
    _insert(ApplicationSection, rows)


def _documents(app_ids, app_rows, *, now):
    store, max_size = storage(), current_app.config["MAX_DOCUMENT_SIZE"]
    rows = []
    for aid, row in zip(app_ids, app_rows, strict=True):
        for kind in (DocumentKind.cv, DocumentKind.nomination_letter):
            stored = _store_pdf(store, f"{kind.value} of {row['applicant_name']} {row['reference']}",
                                max_size)
            rows.append({"application_id": aid, "kind": kind, "original_name": f"{kind.value}.pdf",
                         "content_type": "application/pdf", "size": stored.size,
                         "sha256": stored.sha256, "storage_key": stored.key, "uploaded_at": now})
    _insert(Document, rows)


def _reviews(rng, app_ids, app_rows, reviewer_ids, reviewer_rows, profiles, criteria,
             coordinator_id, *, now):
    """Three reviewers for each application of the pool, balanced; returns {app id: [totals]}."""
    reads = {p["user_id"]: {"en": p["reads_en"], "ru": p["reads_ru"]} for p in profiles}
    code_of = {uid: r["administration_code"] for uid, r in zip(reviewer_ids, reviewer_rows,
                                                               strict=True)}
    load = dict.fromkeys(reviewer_ids, 0)
    assignments, pairs = [], []
    for aid, row in zip(app_ids, app_rows, strict=True):
        if row["state"] == ApplicationState.withdrawn:
            continue
        eligible = [uid for uid in reviewer_ids if reads[uid][row["language"]]
                    and code_of[uid] != row["administration_code"]]
        chosen = sorted(eligible, key=lambda uid: (load[uid], rng.random()))[:3]
        for uid in chosen:
            load[uid] += 1
            pairs.append((aid, uid))
            assignments.append({"application_id": aid, "reviewer_id": uid,
                                "state": AssignmentState.active, "automatic": True,
                                "reasons": [{"code": "language", "value": row["language"]}],
                                "assigned_at": now - timedelta(days=5),
                                "assigned_by_id": coordinator_id, "conflict_reason": ""})
    assignment_ids = _insert(Assignment, assignments, returning=Assignment.id)
    weight = {cid: float(c["weight"]) for cid, c in zip(criteria, CRITERIA, strict=True)}
    reviews, totals = [], {}
    for assignment_id, (aid, _uid) in zip(assignment_ids, pairs, strict=True):
        quality = (zlib.crc32(str(aid).encode()) % 100) / 100
        scores = {str(cid): max(1, min(5, round(1 + 4 * quality + rng.gauss(0, 0.7))))
                  for cid in criteria}
        totals.setdefault(aid, []).append(sum(weight[int(k)] * v for k, v in scores.items()))
        reviews.append({"assignment_id": assignment_id, "scores": scores,
                        "comments": "Solid experience; the project is feasible.",
                        "recommendation": rng.choice(list(Recommendation)),
                        "confidence": rng.randint(1, 5), "submitted_at": now, "updated_at": now,
                        "version": 1})
    _insert(Review, reviews)
    return totals


def _decisions(call_id, totals, places, waitlist, coordinator_id, now):
    screened = set(db.session.scalars(sa.select(Application.id).where(
        Application.call_id == call_id, Application.state == ApplicationState.screened_out)))
    ranked = sorted((aid for aid in totals if aid not in screened),
                    key=lambda aid: (-sum(totals[aid]) / len(totals[aid]), aid))
    rows = []
    for position, aid in enumerate(ranked):
        outcome = (Outcome.accepted if position < places else
                   Outcome.waitlisted if position < places + waitlist else Outcome.not_selected)
        rows.append({"application_id": aid, "call_id": call_id, "outcome": outcome,
                     "waitlist_position": position - places + 1
                     if outcome == Outcome.waitlisted else None,
                     "note": "", "decided_by_id": coordinator_id, "decided_at": now, "version": 1})
    _insert(Decision, rows)



@dataclass
class ToAssign:
    call_id: int
    coordinator_id: int
    coordinator_email: str
    applications: int
    reviewers: int


def seed_call_to_assign(*, applications: int, reviewers: int, seed: int = 1, tag: str = "a",
                        reviewers_per_application: int = 3) -> ToAssign:
    """A call in review whose `applications` submitted applications have no reviewer yet, and
    `reviewers` reviewers with room for about 1.4 times the average load: what the automatic
    assignment (the job of kind "assignment") works on, for its timings in bench/ and its tests.
    No documents, reviews or drafts (seed_scale has them); bulk inserts, so 5,000 applications
    take a few seconds. Commits."""
    rng = random.Random(seed)
    now = utcnow()
    password_hash, order, weights = _administrations_and_password(rng)
    closes = now - timedelta(days=3)
    call = _call(f"bench-{tag}-assign", CallState.in_review, opens=closes - timedelta(days=60),
                 closes=closes, places=20, now=now)
    call.reviewers_per_application = reviewers_per_application
    coordinator_ids, coordinator_rows = _users(
        rng, f"bench-{tag}-coordinator", 1, roles=(Role.coordinator,),
        password_hash=password_hash, now=now, codes=["AZ"], weights=[1])
    reviewer_ids, reviewer_rows = _users(
        rng, f"bench-{tag}-reviewer", reviewers, roles=(Role.reviewer,),
        password_hash=password_hash, now=now, codes=order, weights=weights)
    room = round(1.4 * reviewers_per_application * applications / max(reviewers, 1)) + 1
    profiles = []
    for uid, row in zip(reviewer_ids, reviewer_rows, strict=True):
        ru_admin = row["administration_code"] in RUSSIAN_SPEAKING
        reads = rng.choice(((False, True), (True, True), (True, True))) if ru_admin else \
            rng.choice(((True, False), (True, False), (True, True)))
        profiles.append({"user_id": uid, "reads_en": reads[0], "reads_ru": reads[1],
                         "expertise": "risk, audit, valuation", "max_reviews_per_call": room,
                         "invited_at": now})
    _insert(ReviewerProfile, profiles)
    applicant_ids, applicant_rows = _users(
        rng, f"bench-{tag}-applicant", applications, roles=(Role.applicant,),
        password_hash=password_hash, now=now, codes=order, weights=weights)
    first_number = _reserve_references(closes.year, applications)
    app_rows = []
    for i, (uid, user) in enumerate(zip(applicant_ids, applicant_rows, strict=True)):
        submitted = closes - timedelta(minutes=rng.randint(1, 60 * 24 * 50))
        app_rows.append({
            "call_id": call.id, "applicant_id": uid, "state": ApplicationState.submitted,
            "language": user["preferred_language"],
            "reference": f"FEL-{closes.year}-{first_number + i:04d}",
            "applicant_name": user["full_name"], "administration_code": user["administration_code"],
            "created_at": submitted - timedelta(days=3), "updated_at": submitted,
            "submitted_at": submitted})
    app_ids = _insert(Application, app_rows, returning=Application.id)
    _insert(ApplicationSection, [
        {"application_id": aid, "key": "professional", "version": 1, "complete": True,
         "updated_at": closes,
         "answers": {"administration_code": row["administration_code"], "years_in_service": 10,
                     "expertise": rng.choice(("Risk analysis, audit", "Valuation", "Transit, AEO"))}}
        for aid, row in zip(app_ids, app_rows, strict=True)])
    db.session.commit()
    return ToAssign(call_id=call.id, coordinator_id=coordinator_ids[0],
                    coordinator_email=coordinator_rows[0]["email"], applications=applications,
                    reviewers=reviewers)
