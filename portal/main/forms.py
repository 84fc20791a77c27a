from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SubmitField

from portal.forms import PortalForm, at_most


class LanguageForm(PortalForm):
    """The switcher: one button per language, each naming its language in itself."""

    lang = HiddenField(validators=[at_most(8)])
    next = HiddenField(validators=[at_most(2000)])  # the path of the page to go back to
    submit = SubmitField(_l("Change language"))
