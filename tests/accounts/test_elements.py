"""allauth's element templates (used by its pages we do not override) give GOV.UK markup."""

import pytest
from django import forms
from django.template import Context, Template
from django.template.base import Origin
from django.test import RequestFactory


class CodeForm(forms.Form):
    code = forms.CharField(label="Code", max_length=6)


TEMPLATE = """{% load allauth %}
{% element h1 %}Enter the code{% endelement %}
{% element p %}We sent you a code.{% endelement %}
{% element form form=form method="post" action="/somewhere/" %}
  {% slot body %}{% element fields form=form %}{% endelement %}{% endslot %}
  {% slot actions %}
    {% element button_group %}
      {% element button type="submit" %}Confirm{% endelement %}
      {% element button href="/cancel/" tags="link,cancel" %}Cancel{% endelement %}
      {% element button type="submit" tags="danger" %}Remove{% endelement %}
    {% endelement %}
  {% endslot %}
{% endelement %}
{% element field id="current_email" type="email" value="me@example.net" disabled=True errors=errors %}
  {% slot label %}Current email{% endslot %}
  {% slot help_text %}Still to be confirmed.{% endslot %}
{% endelement %}
{% element details %}{% slot summary %}More{% endslot %}{% slot body %}Text{% endslot %}{% endelement %}
{% element badge tags="success" %}Verified{% endelement %}
{% element alert %}{% slot message %}Note{% endslot %}{% endelement %}
{% element table %}{% element tr %}{% element td %}Cell{% endelement %}{% endelement %}{% endelement %}
"""


def render(form, errors=None):
    request = RequestFactory().get("/")
    template = Template(TEMPLATE, origin=Origin(name="test", template_name="test.html"))
    return template.render(Context({"form": form, "request": request, "errors": errors or []}))


@pytest.mark.django_db
def test_elements_render_govuk_components():
    html = render(CodeForm())

    assert '<h1 class="govuk-heading-l">Enter the code</h1>' in html
    assert '<p class="govuk-body">We sent you a code.</p>' in html
    assert 'action="/somewhere/" novalidate>' in html
    assert 'class="govuk-input"' in html
    assert '<div class="govuk-button-group">' in html
    assert 'class="govuk-button" data-module="govuk-button" type="submit">Confirm' in html
    assert '<a class="govuk-link" href="/cancel/">Cancel</a>' in html
    assert "govuk-button--warning" in html
    assert 'class="govuk-details"' in html
    assert "govuk-tag--green" in html
    assert 'class="govuk-inset-text"' in html
    assert 'class="govuk-table__cell"' in html
    assert 'aria-describedby="current_email-hint"' in html
    assert "govuk-error-summary" not in html


@pytest.mark.django_db
def test_form_errors_are_summarised_above_the_heading_and_shown_by_the_field():
    form = CodeForm(data={"code": "1234567"})
    assert not form.is_valid()

    html = render(form, errors=["Enter a valid email address"])

    assert html.index("govuk-error-summary") < html.index("<h1")
    assert 'href="#id_code"' in html
    assert "govuk-form-group--error" in html
    assert 'value="1234567"' in html
    assert 'id="current_email-error-1"' in html
