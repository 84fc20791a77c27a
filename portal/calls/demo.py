"""Demo calls: one open, one draft, one closed. Made through the services, by slug, only once."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.calls import services
from portal.calls.models import Call
from portal.calls.moments import local_to_utc
from portal.database import utcnow
from portal.extensions import db

ZONE = "Asia/Baku"

SUMMARY_EN = (
    "Six months at the ROCB Europe regional office in Baku for customs officers of the WCO "
    "Europe region: work on regional capacity building and carry out a project of your own.")
SUMMARY_RU = (
    "Шестимесячная стажировка в региональном бюро ROCB Europe в Баку для сотрудников "
    "таможенных служб Европейского региона ВТамО: работа над региональными программами "
    "наращивания потенциала и собственный проект.")

DESCRIPTION_EN = """\
The ROCB Europe Fellowship Programme brings customs officers of the member administrations of \
the WCO Europe region to the Regional Office for Capacity Building in **Baku, Azerbaijan**, for \
six months.

## What fellows do
- work alongside the office's staff on the regional capacity-building programme: planning, \
delivering and evaluating workshops and technical assistance;
- carry out their own **fellowship project** on a subject that matters to their administration \
and to the region;
- take part in WCO and ROCB Europe events and meet experts of the WCO Secretariat and of other \
administrations.

## What the programme offers
- a return economy-class flight to Baku and a monthly allowance for accommodation and living \
costs;
- a workplace at the regional office and a mentor among its staff;
- a ROCB Europe certificate on completion.

Fellows remain employees of their administration, which continues to pay their salary.

## Timetable
The fellowship starts in September {year} and lasts six months. The results are published about \
two months after the deadline for applications.
"""

DESCRIPTION_RU = """\
Программа стажировок ROCB Europe даёт сотрудникам таможенных служб администраций — членов ВТамО \
Европейского региона возможность провести шесть месяцев в Региональном бюро по наращиванию \
потенциала Европейского региона ВТамО (ROCB Europe) в **Баку (Азербайджан)**.

## Чем занимаются стажёры
- работают вместе с сотрудниками бюро над региональной программой наращивания потенциала: \
планируют, проводят и оценивают семинары и мероприятия технической помощи;
- выполняют собственный **проект стажировки** по теме, важной для своей администрации и для \
региона;
- участвуют в мероприятиях ВТамО и ROCB Europe, знакомятся с экспертами Секретариата ВТамО и \
других администраций.

## Что предлагает программа
- перелёт в Баку и обратно экономическим классом и ежемесячное пособие на проживание;
- рабочее место в бюро и наставника из числа его сотрудников;
- сертификат ROCB Europe об окончании стажировки.

Стажёры остаются сотрудниками своей администрации, которая сохраняет за ними заработную плату.

## Сроки
Стажировка начинается в сентябре {year} г. и длится шесть месяцев. Результаты конкурса \
публикуются примерно через два месяца после окончания срока подачи заявок.
"""

ELIGIBILITY_EN = """\
You can apply if you:

- are a **customs officer** of a member administration of the WCO Europe region, with **at least \
three years of service** in customs;
- are **nominated by your administration**: a nomination letter signed by the nominating official \
is part of the application;
- speak and write **English or Russian at level B2 or above** (CEFR);
- can spend six months in Baku from September {year} and will return to your administration \
afterwards.

Officers who have already completed a ROCB Europe fellowship cannot apply again.
"""

ELIGIBILITY_RU = """\
Подать заявку могут кандидаты, которые:

- являются **сотрудниками таможенной службы** администрации — члена ВТамО Европейского региона и \
имеют **не менее трёх лет стажа** в таможенных органах;
- **выдвинуты своей администрацией**: письмо о выдвижении, подписанное должностным лицом, \
выдвинувшим кандидата, входит в заявку;
- владеют **английским или русским языком на уровне не ниже B2** (CEFR) устно и письменно;
- могут провести шесть месяцев в Баку начиная с сентября {year} г. и затем вернутся в свою \
администрацию.

Сотрудники, уже прошедшие стажировку ROCB Europe, повторно подать заявку не могут.
"""

CRITERIA = [
    {"name_en": "Professional experience", "name_ru": "Профессиональный опыт",
     "guidance_en": "Years and breadth of customs service, responsibilities held, and how they "
                    "prepare the candidate for the office's work. 1: just meets the three-year "
                    "minimum; 5: broad, senior experience directly relevant to the fellowship.",
     "guidance_ru": "Стаж и разнообразие работы в таможенных органах, выполняемые обязанности и "
                    "то, насколько они готовят кандидата к работе бюро. 1: стаж едва достигает "
                    "трёх лет; 5: широкий опыт на ответственных должностях, прямо связанный со "
                    "стажировкой.",
     "weight": Decimal("1"), "scale_min": 1, "scale_max": 5},
    {"name_en": "Motivation", "name_ru": "Мотивация",
     "guidance_en": "Does the motivation statement show clear aims, and how the candidate will use "
                    "the fellowship back in their administration? 1: general wishes only; "
                    "5: specific aims, a realistic plan, support of the administration.",
     "guidance_ru": "Показывает ли мотивационное письмо ясные цели и то, как кандидат применит "
                    "опыт стажировки в своей администрации? 1: только общие пожелания; 5: "
                    "конкретные цели, реалистичный план, поддержка администрации.",
     "weight": Decimal("1"), "scale_min": 1, "scale_max": 5},
    {"name_en": "Relevance of the proposed project", "name_ru": "Актуальность предлагаемого проекта",
     "guidance_en": "How much the proposed fellowship project matters to the candidate's "
                    "administration and to the region, and whether it can be done in six months. "
                    "1: vague or unrelated to customs priorities; 5: a clear, feasible project on "
                    "a regional priority.",
     "guidance_ru": "Насколько предлагаемый проект стажировки важен для администрации кандидата и "
                    "для региона и выполним ли он за шесть месяцев. 1: проект расплывчат или не "
                    "связан с приоритетами таможенной службы; 5: ясный, выполнимый проект по "
                    "региональному приоритету.",
     "weight": Decimal("1.5"), "scale_min": 1, "scale_max": 5},
    {"name_en": "Language skills", "name_ru": "Владение языками",
     "guidance_en": "English or Russian at B2 is the minimum. 1: B2 in one language; 5: C1 or "
                    "above in one language and a good working level in the other.",
     "guidance_ru": "Минимум — английский или русский язык на уровне B2. 1: B2 в одном языке; 5: "
                    "C1 и выше в одном языке и хороший рабочий уровень во втором.",
     "weight": Decimal("0.5"), "scale_min": 1, "scale_max": 5},
]


def _texts(year: int) -> dict:
    return {
        "title_en": f"ROCB Europe Fellowship Programme {year}",
        "title_ru": f"Программа стажировок ROCB Europe {year}",
        "summary_en": SUMMARY_EN, "summary_ru": SUMMARY_RU,
        "description_en": DESCRIPTION_EN.format(year=year),
        "description_ru": DESCRIPTION_RU.format(year=year),
        "eligibility_en": ELIGIBILITY_EN.format(year=year),
        "eligibility_ru": ELIGIBILITY_RU.format(year=year),
    }


def _at_six_pm_baku(moment: datetime) -> datetime:
    """18:00 office time on the day (in Baku) of the given moment, in UTC."""
    day = moment.astimezone(ZoneInfo(ZONE)).date()
    return local_to_utc(datetime.combine(day, time(18, 0)), ZONE)


def _settings(year: int) -> dict:
    """As the eligibility texts say: three years of service at least, no second fellowship."""
    return {"time_zone": ZONE, "places": 4, "reviewers_per_application": 3,
            "blind_review": True, "cap_per_administration": 1, "programme_year": year,
            "min_years_in_service": 3, "former_fellows_excluded": True}


def _make(slug: str, data: dict, criteria: list[dict]) -> Call | None:
    """The call with that slug, made now unless it exists (then None: it is left as it is)."""
    if db.session.scalar(sa.select(Call.id).where(Call.slug == slug)):
        return None
    call = services.create_call(actor=None, data=data)
    call.slug = slug
    for criterion in criteria:
        services.add_criterion(call, actor=None, data=criterion)
    return call


def seed_demo_calls(now: datetime | None = None) -> list[tuple[str, str]]:
    """Create the demo calls that do not exist yet. Returns (slug, state) of all three. Flushes."""
    now = now or utcnow()
    open_slug = "rocb-europe-fellowship-programme-2027"
    opens = now - timedelta(days=7)
    closes = _at_six_pm_baku(now + timedelta(days=60))
    call = _make(open_slug, {**_texts(2027), **_settings(2027), "opens_at": opens,
                             "closes_at": closes, "review_deadline": closes + timedelta(days=30)},
                 CRITERIA)
    if call is not None:
        services.open_call(call, actor=None, now=now)

    draft_slug = "rocb-europe-fellowship-programme-2028"
    _make(draft_slug, {
        "title_en": "ROCB Europe Fellowship Programme 2028", "title_ru": "",
        "summary_en": SUMMARY_EN, "summary_ru": "",
        "description_en": DESCRIPTION_EN.format(year=2028), "description_ru": "",
        "eligibility_en": "", "eligibility_ru": "", **_settings(2028),
    }, CRITERIA[:2])

    closed_slug = "rocb-europe-fellowship-programme-2026"
    opened = now - timedelta(days=300)
    closed = _at_six_pm_baku(now - timedelta(days=240))
    call = _make(closed_slug, {**_texts(2026), **_settings(2026), "opens_at": opened,
                               # Reviews still open, so that the demo reviewers can score.
                               "closes_at": closed, "review_deadline": now + timedelta(days=30)},
                 CRITERIA)
    if call is not None:
        services.open_call(call, actor=None, now=opened)
        services.close_call(call, actor=None, now=closed)

    db.session.flush()
    states = dict(db.session.execute(sa.select(Call.slug, Call.state).where(
        Call.slug.in_([open_slug, draft_slug, closed_slug]))).all())
    return [(slug, str(states[slug])) for slug in (open_slug, draft_slug, closed_slug)]
