"""Demo data a newcomer can click through. Known passwords: never for production."""

from flask import current_app

from portal.accounts.models import Role
from portal.accounts.services import Profile, create_user, find_user_by_email
from portal.administrations.services import load_administrations

DEMO_PASSWORD = "demo-password-2027"  # noqa: S105 (demo accounts only)

DEMO_USERS = [
    # e-mail, name, native name, administration, position, language, time zone, roles
    ("admin@demo.rocb.test", "Nino Beridze", "ნინო ბერიძე", "GE", "Portal administrator", "en",
     "Asia/Tbilisi", (Role.admin,)),
    ("coordinator@demo.rocb.test", "Leyla Mammadova", "Leyla Məmmədova", "AZ",
     "Fellowship programme coordinator", "en", "Asia/Baku", (Role.coordinator,)),
    ("reviewer.en@demo.rocb.test", "Jan Kowalski", None, "PL", "Senior customs expert", "en",
     "Europe/Warsaw", (Role.reviewer,)),
    ("reviewer.ru@demo.rocb.test", "Aigerim Nurlanovna", "Айгерим Нурлановна", "KZ",
     "Head of training department", "ru", "Asia/Almaty", (Role.reviewer,)),
    ("applicant.ru@demo.rocb.test", "Ivan Petrov", "Иван Петров", "RU",
     "Chief inspector, customs clearance", "ru", "Europe/Moscow", (Role.applicant,)),
    ("applicant.en@demo.rocb.test", "Elena Popescu", None, "RO", "Customs officer, risk analysis",
     "en", "Europe/Bucharest", (Role.applicant,)),
    ("applicant.uz@demo.rocb.test", "Dilshod Karimov", "Дильшод Каримов", "UZ",
     "Inspector, post-clearance audit", "ru", "Asia/Tashkent", (Role.applicant,)),
]


def seed_demo_data() -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet. Returns (e-mail, roles) of all of them."""
    load_administrations(current_app.config["ADMINISTRATIONS_CSV"])
    listed = []
    for email, name, native, code, position, language, zone, roles in DEMO_USERS:
        if find_user_by_email(email) is None:
            profile = Profile(full_name=name, native_name=native, administration_code=code,
                              position=position, preferred_language=language, time_zone=zone)
            create_user(email=email, password=DEMO_PASSWORD, profile=profile, roles=roles,
                        verified=True)
        listed.append((email, ", ".join(r.value for r in roles)))
    return listed
