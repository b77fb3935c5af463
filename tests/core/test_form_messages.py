"""Every required field names itself in its error ("Enter a title"), never Django's generic
"This field is required." (GOV.UK error messages)."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms

import exchange
from exchange.events.forms import EventForm, SessionForm
from exchange.insights.forms import QuestionForm, SynthesisCreateForm, SynthesisForm, ThemeForm
from tests.factories import UserFactory

GENERIC = str(forms.Field.default_error_messages["required"])


def project_form_classes():
    for info in pkgutil.walk_packages(exchange.__path__, "exchange."):
        last = info.name.rsplit(".", 1)[-1]
        if "forms" not in last and last != "filters":
            continue
        module = importlib.import_module(info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def fields_of(cls, user):
    """The fields as the form shows them: some forms (allauth's) set messages in __init__."""
    for kwargs in ({}, {"user": user}, {"user": user, "temp_key": "key"}):
        try:
            return cls(**kwargs).fields
        except (TypeError, KeyError, AttributeError, ValueError):
            continue
    return cls.base_fields


@pytest.mark.django_db
def test_no_required_field_in_the_project_uses_the_generic_message():
    user = UserFactory()
    classes = list(project_form_classes())
    assert EventForm in classes
    assert SynthesisForm in classes
    generic = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in fields_of(cls, user).items()
        if field.required and str(field.error_messages.get("required")) == GENERIC
    ]
    assert generic == []


@pytest.mark.django_db
def test_event_and_synthesis_forms_posted_empty_name_each_field():
    actor = UserFactory()
    bound = [
        EventForm(data={}),
        SessionForm(data={}),
        SynthesisCreateForm(data={}, actor=actor),
        SynthesisForm(data={}, actor=actor),
        ThemeForm(data={}),
        QuestionForm(data={}),
    ]
    for form in bound:
        assert not form.is_valid()
        messages = [str(m) for errors in form.errors.values() for m in errors]
        assert messages, type(form).__name__
        assert GENERIC not in messages, (type(form).__name__, form.errors)
    assert EventForm(data={}).errors["title"] == ["Enter a title"]
    assert SessionForm(data={}).errors["starts_at"] == [
        "Enter the date and time the session starts"
    ]
