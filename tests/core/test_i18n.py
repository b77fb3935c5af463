import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse


@pytest.mark.django_db
def test_layout_is_shown_in_welsh_when_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"

    html = client.get(reverse("core:accessibility")).content.decode()

    assert '<html lang="cy"' in html
    assert "Neidio i'r prif gynnwys" in html
    assert "Enghreifftiau" in html
    assert "Datganiad hygyrchedd" in html


@pytest.mark.django_db
def test_layout_is_english_by_default(client):
    html = client.get(reverse("core:accessibility")).content.decode()

    assert '<html lang="en"' in html
    assert "Skip to main content" in html


@pytest.mark.django_db
def test_welsh_home_page_title_is_shown_once(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"

    html = client.get(reverse("core:home")).content.decode()

    title = "Rhannwch yr hyn a newidiwyd gennych dan bwysau, a chadwch yr hyn a weithiodd"
    assert f'<h1 class="govuk-heading-xl">{title}</h1>' in html
    assert html.count("a chadwch yr hyn a weithiodd") == 1


def test_no_welsh_translation_repeats_itself():
    mo = Path(settings.BASE_DIR) / "exchange/locale/cy/LC_MESSAGES/django.mo"
    with mo.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    doubled = [
        msgid
        for msgid, msgstr in catalogue.items()
        if msgid and msgstr and len(msgstr) % 2 == 0 and msgstr == msgstr[: len(msgstr) // 2] * 2
    ]
    assert doubled == []
