"""`manage.py load_demo`: demo people, campaigns and examples (see exchange/examples/demo_data.py).

Idempotent and respectful of what people did on the demo site: rows are matched on stable keys
(user email, campaign slug, campaign slug + example title) and only missing ones are created;
existing rows are never changed. Every key created is recorded in a "demo.load" audit entry, so
something a user deleted (or renamed) on the demo site is not brought back on the next start.

`make run` calls this on every start, so the "already loaded" path only reads.

The demo accounts share a password published in the README, so the command refuses a database
that holds other people's accounts and never had the demo loaded (a live site, most likely)
unless it is given `--force`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sites.models import Site
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from exchange.accounts.models import User
from exchange.accounts.services import roles_ensure, user_role_add
from exchange.conversation.demo_data import conversation_demo_load
from exchange.core.models import AuditEntry
from exchange.core.services import audit_log
from exchange.events.demo_data import events_demo_load
from exchange.examples.demo_data import (
    AUTHORS,
    CAMPAIGNS,
    DEMO_PASSWORD,
    EXAMPLES,
    ROLE_USERS,
    DemoExample,
    DemoUser,
)
from exchange.examples.models import Campaign, Example, ExampleStatus, Tag
from exchange.examples.search import example_search_index_update
from exchange.insights.demo_data import insights_demo_load
from exchange.sustain.demo_data import sustain_demo_load
from exchange.sustain.demo_measures import demo_measures_load
from exchange.workshops.demo_data import workshops_demo_load

AUDIT_ACTION = "demo.load"


@dataclass
class DemoLoadResult:
    users: list[str] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    examples: list[list[str]] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(self.users or self.campaigns or self.examples)


def _example_key(example: DemoExample) -> tuple[str, str]:
    return (example.campaign, example.title)


def _loaded_before() -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """Keys created by earlier runs, whether or not the rows still exist."""
    users: set[str] = set()
    campaigns: set[str] = set()
    examples: set[tuple[str, str]] = set()
    for data in AuditEntry.objects.filter(action=AUDIT_ACTION).values_list("data", flat=True):
        users.update(data.get("users", []))
        campaigns.update(data.get("campaigns", []))
        examples.update((slug, title) for slug, title in data.get("examples", []))
    return users, campaigns, examples


def _users_create(people: list[DemoUser]) -> None:
    # One hash for every demo account: the password is public, and hashing it once per account
    # would make the first `make run` several seconds slower.
    password_hash = make_password(DEMO_PASSWORD)
    for person in people:
        user = User.objects.create(
            email=person.email,
            username=person.email,
            display_name=person.display_name,
            organisation=person.organisation,
            is_staff=person.is_admin,
            is_superuser=person.is_admin,
            password=password_hash,
        )
        EmailAddress.objects.get_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        for role in person.roles:
            user_role_add(user=user, role=role)


def _tags_for(names: set[str]) -> dict[str, Tag]:
    """Tags by name, creating missing ones (matched on slug, as the submission form does)."""
    by_slug = {slugify(name): name for name in names}
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slug) for slug, name in by_slug.items()], ignore_conflicts=True
    )
    found = {
        tag.slug: tag
        for tag in Tag.objects.filter(Q(slug__in=by_slug) | Q(name__in=by_slug.values()))
    }
    tags: dict[str, Tag] = {}
    for slug, name in by_slug.items():
        tag = found.get(slug) or next((t for t in found.values() if t.name == name), None)
        if tag is not None:
            tags[name] = tag
    return tags


def _example_row(
    item: DemoExample, *, campaign: Campaign, author: User, now: dt.datetime
) -> Example:
    # A few hours' offset per example so that examples on the same day still sort distinctly.
    at = now - dt.timedelta(days=item.days_ago, hours=(len(item.title) % 9))
    example = Example(
        campaign=campaign,
        author=author,
        title=item.title,
        summary=item.summary,
        what_changed=item.what_changed,
        enablers=item.enablers,
        evidence=item.evidence,
        sector=item.sector,
        organisation=item.organisation,
        permanence=item.permanence,
        risks_of_reverting=item.risks_of_reverting,
        show_as_anonymous=item.anonymous,
        status=item.status,
    )
    if item.status == ExampleStatus.PUBLISHED:
        example.submitted_at = at - dt.timedelta(days=2)
        example.published_at = at
        example.created_at = at - dt.timedelta(days=4)
        if item.featured:
            example.is_featured = True
            example.featured_at = min(at + dt.timedelta(days=1), now)
    elif item.status == ExampleStatus.SUBMITTED:
        example.submitted_at = at
        example.created_at = at - dt.timedelta(hours=5)
    else:
        example.created_at = at
    return example


def _examples_create(items: list[DemoExample], *, now: dt.datetime) -> list[int]:
    campaigns = {c.slug: c for c in Campaign.objects.filter(slug__in={i.campaign for i in items})}
    authors = {u.email: u for u in User.objects.filter(email__in={i.author for i in items})}
    tags = _tags_for({name for item in items for name in item.tags})

    rows: list[tuple[DemoExample, Example]] = []
    for item in items:
        campaign, author = campaigns.get(item.campaign), authors.get(item.author)
        if campaign is None or author is None:
            # Someone removed the campaign or the author on the demo site: leave it that way.
            continue
        rows.append((item, _example_row(item, campaign=campaign, author=author, now=now)))
    if not rows:
        return []

    # auto_now_add overwrites created_at on insert, so the back-dated values are put back after.
    stamps = [example.created_at for _, example in rows]
    created = Example.objects.bulk_create([example for _, example in rows])
    for example, stamp in zip(created, stamps, strict=True):
        example.created_at = stamp
        example.updated_at = example.published_at or example.submitted_at or stamp
    Example.objects.bulk_update(created, ["created_at", "updated_at"])

    through = Example.tags.through
    through.objects.bulk_create(
        [
            through(example_id=example.pk, tag_id=tags[name].pk)
            for item, example in rows
            for name in item.tags
            if name in tags
        ],
        ignore_conflicts=True,
    )
    return [example.pk for example in created]


def _site_name_set() -> None:
    """Replace django.contrib.sites' placeholder so allauth's emails name the service."""
    domain = urlsplit(settings.SITE_URL).netloc or "127.0.0.1:8000"
    Site.objects.filter(pk=settings.SITE_ID, domain="example.com").update(
        domain=domain, name="Exchange for Change"
    )


def demo_load(*, now: dt.datetime | None = None) -> DemoLoadResult:
    """Create whatever demo data is missing and was never loaded before; change nothing else."""
    now = now or timezone.now()
    roles_ensure()
    result = DemoLoadResult()
    users_before, campaigns_before, examples_before = _loaded_before()
    people = [*ROLE_USERS, *AUTHORS]

    with transaction.atomic():
        existing_users = set(
            User.objects.filter(email__in=[p.email for p in people]).values_list("email", flat=True)
        )
        new_people = [
            p for p in people if p.email not in existing_users and p.email not in users_before
        ]
        _users_create(new_people)
        result.users = [p.email for p in new_people]

        existing_campaigns = set(
            Campaign.objects.filter(slug__in=[c.slug for c in CAMPAIGNS]).values_list(
                "slug", flat=True
            )
        )
        new_campaigns = [
            c
            for c in CAMPAIGNS
            if c.slug not in existing_campaigns and c.slug not in campaigns_before
        ]
        Campaign.objects.bulk_create(
            [
                Campaign(
                    slug=c.slug,
                    title=c.title,
                    introduction=c.introduction,
                    opens_at=now - dt.timedelta(days=c.opened_days_ago),
                    closes_at=now - dt.timedelta(days=c.closed_days_ago),
                    pre_moderation=c.pre_moderation,
                )
                for c in new_campaigns
            ]
        )
        result.campaigns = [c.slug for c in new_campaigns]

        existing_examples = set(
            Example.objects.filter(campaign__slug__in=[c.slug for c in CAMPAIGNS]).values_list(
                "campaign__slug", "title"
            )
        )
        new_items = [
            item
            for item in EXAMPLES
            if _example_key(item) not in existing_examples
            and _example_key(item) not in examples_before
        ]
        created_ids = _examples_create(new_items, now=now) if new_items else []
        created_keys = set(
            Example.objects.filter(pk__in=created_ids).values_list("campaign__slug", "title")
        )
        result.examples = [
            list(_example_key(i)) for i in new_items if _example_key(i) in created_keys
        ]
        example_search_index_update(example_ids=created_ids)
        sustain_demo_load(now=now)
        demo_measures_load(now=now)

        if result.created_anything:
            _site_name_set()
            data: dict[str, Any] = {
                "users": result.users,
                "campaigns": result.campaigns,
                "examples": result.examples,
            }
            audit_log(actor=None, action=AUDIT_ACTION, **data)
    return result


def non_demo_accounts() -> int:
    """Accounts that would make loading the demo unsafe: those of a database the demo was never
    loaded into (sign-ups on the demo site itself are fine), other than the demo's own."""
    if AuditEntry.objects.filter(action=AUDIT_ACTION).exists():
        return 0
    demo_emails = [p.email for p in (*ROLE_USERS, *AUTHORS)]
    return User.objects.exclude(email__in=demo_emails).count()


class Command(BaseCommand):
    help = (
        "Load the demo users, campaigns and examples. Safe to run on every start: it only adds "
        "what is missing and never changes what people did on the demo site."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help=(
                "Load the demo even into a database that already holds other accounts. Never on "
                "a live site: the demo accounts' password is public."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["force"] and (others := non_demo_accounts()):
            raise CommandError(
                f"This database already holds {others} account(s) that are not demo accounts, so "
                "it may be a live site: the demo adds accounts (administrator included) whose "
                "password is published. Nothing was loaded. If this database is only for trying "
                "the service out, run `manage.py load_demo --force`."
            )
        result = demo_load()
        workshops_demo_load()
        insights_demo_load()
        events_demo_load(now=timezone.now())
        conversation_demo_load(now=timezone.now())
        totals = (
            f"{User.objects.filter(email__in=[p.email for p in (*ROLE_USERS, *AUTHORS)]).count()} "
            f"demo users, {Campaign.objects.count()} campaigns, "
            f"{Example.objects.filter(status=ExampleStatus.PUBLISHED).count()} published examples"
        )
        if result.created_anything:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {len(result.users)} users, {len(result.campaigns)} "
                    f"campaigns and {len(result.examples)} examples added ({totals})."
                )
            )
        else:
            self.stdout.write(f"Demo data already loaded ({totals}).")
