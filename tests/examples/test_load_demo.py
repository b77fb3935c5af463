import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from exchange.accounts.models import User
from exchange.core.models import AuditEntry
from exchange.core.permissions import Perm, Role
from exchange.examples.demo_data import (
    AUTHORS,
    CAMPAIGNS,
    COVID,
    DEMO_PASSWORD,
    EXAMPLES,
    ROLE_USERS,
    WINTER,
)
from exchange.examples.models import (
    Campaign,
    Example,
    ExampleStatus,
    Permanence,
    Sector,
    Tag,
)
from exchange.examples.search import uses_postgres_search

pytestmark = pytest.mark.django_db

HTML = re.compile(r"<\s*[a-zA-Z/!]|&[a-zA-Z]+;|&#\d+;|\*\*|\]\(")
TEXT_FIELDS = (
    "title",
    "summary",
    "what_changed",
    "enablers",
    "evidence",
    "organisation",
    "risks_of_reverting",
)


def _snapshot() -> dict[str, object]:
    return {
        "users": sorted(User.objects.values_list("email", "display_name", "organisation")),
        "emails": EmailAddress.objects.count(),
        "memberships": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "campaigns": sorted(Campaign.objects.values_list("slug", "opens_at", "closes_at")),
        "examples": sorted(
            Example.objects.values_list("pk", "title", "status", "is_featured", "published_at")
        ),
        "tags": Tag.objects.count(),
        "example_tags": Example.tags.through.objects.count(),
        "audit": AuditEntry.objects.filter(action="demo.load").count(),
    }


@pytest.fixture
def demo(capsys):
    call_command("load_demo")
    return capsys.readouterr().out


def test_running_twice_changes_nothing(demo, capsys, django_assert_max_num_queries):
    before = _snapshot()
    with django_assert_max_num_queries(40):
        call_command("load_demo")
    assert _snapshot() == before
    assert "already loaded" in capsys.readouterr().out
    assert "Demo data loaded" in demo


def test_one_audit_entry_per_load_that_added_something(demo):
    entry = AuditEntry.objects.get(action="demo.load")
    assert len(entry.data["examples"]) == len(EXAMPLES)
    assert set(entry.data["users"]) == {p.email for p in (*ROLE_USERS, *AUTHORS)}


@pytest.mark.parametrize("person", [*ROLE_USERS, *AUTHORS], ids=lambda p: p.email)
def test_every_demo_user_can_sign_in_with_a_verified_address(demo, person):
    user = User.objects.get(email=person.email)
    assert user.check_password(DEMO_PASSWORD)
    assert user.is_active
    assert user.display_name == person.display_name
    assert EmailAddress.objects.filter(user=user, email=person.email, verified=True).exists()


def test_moderator_signs_in_through_the_login_form(demo, client):
    response = client.post(
        reverse("account_login"),
        {"login": "moderator@example.org", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(
        User.objects.get(email="moderator@example.org").pk
    )


def test_roles(demo):
    def user(email: str) -> User:
        return User.objects.get(email=email)

    participant = user("participant@example.org")
    assert not participant.groups.exists()
    assert not participant.has_perm(Perm.MODERATE_EXAMPLES)

    moderator = user("moderator@example.org")
    assert moderator.groups.filter(name=Role.MODERATOR).exists()
    assert moderator.has_perm(Perm.MODERATE_EXAMPLES)
    assert moderator.has_perm(Perm.FEATURE_EXAMPLES)
    assert not moderator.is_staff

    assert user("facilitator@example.org").groups.filter(name=Role.FACILITATOR).exists()
    assert user("organiser@example.org").groups.filter(name=Role.ORGANISER).exists()

    admin = user("admin@example.org")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.groups.filter(name=Role.ADMIN).exists()
    assert Group.objects.filter(name__in=[r.value for r in Role]).count() == len(Role)


def test_campaigns(demo):
    now = timezone.now()
    covid = Campaign.objects.get(slug=COVID)
    assert covid.title == "Lessons from the COVID-19 emergency"
    assert covid.is_open(now)
    assert covid.pre_moderation
    assert len(covid.introduction) > 200
    winter = Campaign.objects.get(slug=WINTER)
    assert not winter.is_open(now)
    assert winter.closes_at < now


def test_about_thirty_varied_complete_examples(demo):
    covid = Example.objects.filter(campaign__slug=COVID)
    assert 28 <= covid.count() <= 36
    assert Example.objects.count() == len(EXAMPLES)
    sectors = set(Example.objects.values_list("sector", flat=True))
    assert {Sector.HEALTH, Sector.LOCAL_GOVERNMENT, Sector.WORKPLACE, Sector.INDUSTRY} <= sectors
    assert Sector.ENVIRONMENT in sectors
    assert len(set(Example.objects.values_list("permanence", flat=True))) == len(Permanence)
    for example in Example.objects.prefetch_related("tags"):
        for name in TEXT_FIELDS:
            assert getattr(example, name).strip(), (example.title, name)
        assert len(example.summary) <= 300
        assert example.sector in Sector.values
        assert example.permanence in Permanence.values
        assert 2 <= len(example.tags.all()) <= 4, example.title


def test_statuses_featured_anonymous(demo):
    published = Example.objects.filter(status=ExampleStatus.PUBLISHED)
    assert published.count() >= 25
    assert all(e.published_at and e.published_at <= timezone.now() for e in published)
    assert len({e.published_at.date() for e in published}) >= 20

    featured = Example.objects.filter(is_featured=True)
    assert featured.count() == 6
    assert all(e.status == ExampleStatus.PUBLISHED and e.featured_at for e in featured)

    submitted = Example.objects.filter(status=ExampleStatus.SUBMITTED)
    assert submitted.count() >= 1
    assert all(e.submitted_at and e.published_at is None for e in submitted)

    anonymous = Example.objects.get(show_as_anonymous=True)
    assert anonymous.status == ExampleStatus.PUBLISHED
    assert anonymous.public_author_name != anonymous.author.public_name

    draft = Example.objects.get(status=ExampleStatus.DRAFT)
    assert draft.author.email == "participant@example.org"


def test_no_demo_text_contains_html_or_markup(demo):
    texts = [c.title for c in CAMPAIGNS] + [c.introduction for c in CAMPAIGNS]
    texts += [p.display_name for p in (*ROLE_USERS, *AUTHORS)]
    texts += [p.organisation for p in (*ROLE_USERS, *AUTHORS)]
    for example in Example.objects.all():
        texts += [getattr(example, name) for name in TEXT_FIELDS]
    texts += list(Tag.objects.values_list("name", flat=True))
    offending = [text for text in texts if HTML.search(text)]
    assert offending == []


def test_no_demo_text_is_an_email_address_shown_publicly(demo):
    for person in (*ROLE_USERS, *AUTHORS):
        assert "@" not in person.display_name


def test_published_examples_are_searchable(demo):
    if not uses_postgres_search():
        pytest.skip("search vectors exist only on PostgreSQL")
    assert not Example.objects.filter(search_vector__isnull=True).exists()


def test_does_not_undo_what_people_did_on_the_demo_site(demo):
    """Approving, rejecting, renaming and deleting demo rows all survive the next start."""
    submitted = Example.objects.filter(status=ExampleStatus.SUBMITTED).order_by("pk")
    approved, rejected = submitted[0], submitted[1]
    Example.objects.filter(pk=approved.pk).update(
        status=ExampleStatus.PUBLISHED, published_at=timezone.now()
    )
    Example.objects.filter(pk=rejected.pk).update(status=ExampleStatus.REJECTED)
    renamed = Example.objects.filter(status=ExampleStatus.PUBLISHED).order_by("pk").first()
    Example.objects.filter(pk=renamed.pk).update(title="A better title")
    deleted = Example.objects.filter(is_featured=False, status=ExampleStatus.PUBLISHED).last()
    deleted_title = deleted.title
    deleted.tags.clear()
    deleted.delete()
    participant = User.objects.get(email="participant@example.org")
    participant.display_name = "Alex M."
    participant.set_password("a new password of mine")
    participant.save()

    call_command("load_demo")

    assert Example.objects.get(pk=approved.pk).status == ExampleStatus.PUBLISHED
    assert Example.objects.get(pk=rejected.pk).status == ExampleStatus.REJECTED
    assert not Example.objects.filter(title=renamed.title).exists()
    assert not Example.objects.filter(title=deleted_title).exists()
    assert Example.objects.count() == len(EXAMPLES) - 1
    participant.refresh_from_db()
    assert participant.display_name == "Alex M."
    assert participant.check_password("a new password of mine")
    assert AuditEntry.objects.filter(action="demo.load").count() == 1


def test_leaves_an_existing_account_with_a_demo_address_alone(django_user_model):
    someone = django_user_model.objects.create_user(
        email="moderator@example.org", password="their own password", display_name="Someone"
    )
    call_command("load_demo")
    someone.refresh_from_db()
    assert someone.display_name == "Someone"
    assert someone.check_password("their own password")
    assert not someone.groups.exists()
    assert User.objects.filter(email="moderator@example.org").count() == 1


def test_refuses_a_database_with_other_accounts_and_loads_nothing(django_user_model):
    """The demo's published password must not reach a live site's database by accident."""
    django_user_model.objects.create_user(email="someone@nhs.example", password="theirs")

    with pytest.raises(CommandError, match=r"1 account\(s\) that are not demo accounts.*--force"):
        call_command("load_demo")

    assert list(User.objects.values_list("email", flat=True)) == ["someone@nhs.example"]
    assert not Campaign.objects.exists()
    assert not AuditEntry.objects.filter(action="demo.load").exists()


def test_force_loads_the_demo_beside_other_accounts(django_user_model):
    django_user_model.objects.create_user(email="someone@nhs.example", password="theirs")

    call_command("load_demo", force=True, stdout=StringIO())

    assert User.objects.filter(email=ROLE_USERS[0].email).exists()
    assert User.objects.filter(email="someone@nhs.example").exists()


def test_sign_ups_on_the_demo_site_do_not_stop_the_next_start(django_user_model):
    """`make run` loads the demo on every start; people who signed up there are demo users."""
    call_command("load_demo", stdout=StringIO())
    django_user_model.objects.create_user(email="visitor@example.net", password="theirs")

    out = StringIO()
    call_command("load_demo", stdout=out)

    assert "already loaded" in out.getvalue()
