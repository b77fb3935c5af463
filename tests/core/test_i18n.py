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
