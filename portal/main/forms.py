from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SubmitField

from portal.forms import PortalForm


class LanguageForm(PortalForm):
    """The switcher: one button per language, each naming its language in itself."""

    lang = HiddenField()
    next = HiddenField()
    submit = SubmitField(_l("Change language"))
