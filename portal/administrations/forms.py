from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Length, Optional

from portal import phrases
from portal.forms import PortalForm


class AdministrationForm(PortalForm):
    name_en = StringField(_l("Name in English (leave empty to use the standard name)"),
                          validators=[Optional(), Length(max=200)])
    name_ru = StringField(_l("Name in Russian (leave empty to use the standard name)"),
                          validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    is_active = BooleanField(_l("Shown in the list of administrations"))
    submit = SubmitField(phrases.SAVE_CHANGES)
