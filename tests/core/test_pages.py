import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse

from exchange.core.views import FAVICON


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("core:accessibility", "Accessibility statement for Exchange for Change"),
        ("core:privacy", "Privacy notice"),
        ("core:comments_policy", "Comments policy"),
    ],
)
def test_static_pages_render_in_the_layout(client, name, heading):
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert 'class="govuk-skip-link"' in html
    assert "govuk-phase-banner" in html
    assert "Exchange for Change" in html


@pytest.mark.django_db
def test_unknown_page_uses_the_not_found_template(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_health_check(client):
    assert client.get(reverse("core:health")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_favicon_ico_redirects_to_a_static_file_that_exists(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response.url == static(FAVICON)
    assert finders.find(FAVICON) is not None
