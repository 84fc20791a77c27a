"""Every text field of every form has a size limit that suits it (issue 12, item 11)."""

import importlib
from types import SimpleNamespace

import pytest
from wtforms import StringField

from portal.forms import PortalForm, text_limit

FORM_MODULES = ["portal.accounts.forms", "portal.administrations.forms",
                "portal.applications.forms", "portal.calls.forms", "portal.main.forms",
                "portal.reviews.forms", "portal.selection.forms"]


def _form_classes():
    for module in FORM_MODULES:
        importlib.import_module(module)
    from portal.reviews.forms import review_form_class

    classes, todo = set(), [PortalForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass.__module__.startswith("portal."):  # not a test's own form
                classes.add(subclass)
            todo.append(subclass)
    classes.add(review_form_class(SimpleNamespace(criteria=[])))
    return sorted(classes, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_text_field_of_every_form_declares_a_maximum_size(app):
    unbounded = []
    with app.test_request_context():
        for form_class in _form_classes():
            form = form_class(meta={"csrf": False})
            unbounded += [f"{form_class.__module__}.{form_class.__qualname__}.{name}"
                          for name, field in form._fields.items()
                          if isinstance(field, StringField) and text_limit(field) is None]
    assert unbounded == [], "\n".join(unbounded)


@pytest.mark.parametrize("module,form_name", [("portal.applications.forms", "MotivationForm")])
def test_form_classes_are_found(app, module, form_name):
    assert getattr(importlib.import_module(module), form_name) in _form_classes()


def test_a_text_field_declared_without_a_limit_still_has_one(app):
    from wtforms import TextAreaField

    class Forgetful(PortalForm):
        text = TextAreaField()

    with app.test_request_context(method="POST", data={"text": "x" * 10_001}):
        form = Forgetful(meta={"csrf": False})
        assert (form.validate(), form.text.errors) == (False, ["At most 10000 characters."])
    with app.test_request_context(method="POST", data={"text": "x" * 10_000}):
        assert Forgetful(meta={"csrf": False}).validate() is True
