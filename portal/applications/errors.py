"""What can go wrong with an application, and whether it can still be changed.

The services of the package raise these; every page shows `message` (localized). Whether a
draft can still change (`is_editable`) is asked by every applicant page and every change.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l

from portal.applications.models import Application, ApplicationState
from portal.calls.deadlines import accepts_from


class ApplicationError(Exception):
    """A rule was broken; `message` (lazy, localized) tells the applicant which."""

    def __init__(self, message, problems=()):
        super().__init__(str(message))
        self.message = message
        self.problems = list(problems)


class DeadlinePassed(ApplicationError):
    """The call closed (or is not open): each kind of change says what it leaves behind."""

    def __init__(self, message=None):
        super().__init__(message or _l(
            "The call closed before this could be saved. Nothing was changed: your text is "
            "shown below so that you can keep a copy."))


UPLOAD_TOO_LATE = _l("The call closed before the file could be uploaded. Nothing was changed.")


REMOVAL_TOO_LATE = _l("The call has closed: the file was not removed. Nothing was changed.")


SUBMISSION_TOO_LATE = _l("The deadline for applications has passed: this application was not "
                         "submitted and can no longer be submitted.")


class NotEditable(ApplicationError):
    def __init__(self):
        super().__init__(_l("This application has been submitted and can no longer be changed."))


class StaleSection(ApplicationError):
    def __init__(self):
        super().__init__(_l(
            "This section was changed in another window or tab after you opened it, so your "
            "changes were not saved. Your text is shown below, next to the saved version: "
            "combine them and save again."))


class IncompleteApplication(ApplicationError):
    def __init__(self, problems):
        super().__init__(_l("The application cannot be submitted yet."), problems)


class IneligibleApplication(ApplicationError):
    """An answer breaks one of the call's eligibility rules; `problems` say which and why."""

    def __init__(self, problems):
        super().__init__(_l("The application cannot be submitted: your answers do not meet "
                            "this call's eligibility rules."), problems)


class DocumentRefused(ApplicationError):
    pass


class UnknownSection(ApplicationError):
    def __init__(self):
        super().__init__(_l("This call's form has no such section."))


def is_editable(application: Application, now: datetime) -> bool:
    """Whether the applicant can still change and submit it: a draft, while its call is open.

    Every page of the applicant's asks this before offering a form (and every change checks
    it again), so that a draft whose call has closed offers nothing that cannot succeed. The
    deadline is the applicant's own: an extension a coordinator gave them, else the call's.
    """
    return application.state == ApplicationState.draft and accepts_from(
        application.call, application.applicant_id, now)


def missed_deadline(application: Application, now: datetime) -> bool:
    """A draft that was not submitted before its (applicant's) deadline: it can only be read now."""
    return application.state == ApplicationState.draft and not accepts_from(
        application.call, application.applicant_id, now)


def check_editable(application: Application, now: datetime, too_late=None) -> None:
    if application.state != ApplicationState.draft:
        raise NotEditable()
    if not is_editable(application, now):
        raise DeadlinePassed(too_late)
