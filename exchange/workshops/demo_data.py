"""Demo workshop series: "Summer of reflection", May to August 2026.

Four workshops of an improvement network, each with two questions, and about 480 short
reflections written for the project. Each reflection is put together deterministically from
hand-written fragments of one theme (working across organisations, the old silos coming back,
digital and remote working, staff wellbeing, quicker decisions, communities and volunteers),
with each theme's share changing month by month the way the network reported it: working
across organisations falls from about a third of what people said in May to under a fifth in
August while talk of silos returning rises. Two workshops were captured live, two imported
from a survey export (with tables as groups). Everything is redacted on the way in like any
other reflection, so a few carry [NAME] placeholders.

`workshops_demo_load()` is called by `manage.py load_demo`; it adds the series once and never
again (recorded in a "demo.load.workshops" audit entry), so a facilitator's edits on the demo
site are kept.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction

from exchange.accounts.models import User
from exchange.core.models import AuditEntry
from exchange.core.services import audit_log
from exchange.workshops.models import (
    ImportBatch,
    Prompt,
    Reflection,
    ReflectionSource,
    SeriesResource,
    Workshop,
    WorkshopSeries,
)
from exchange.workshops.services import (
    join_code_unique,
    reflection_fingerprint,
    reflection_redact,
)

AUDIT_ACTION = "demo.load.workshops"
SERIES_SLUG = "summer-of-reflection"
FACILITATOR_EMAIL = "facilitator@example.org"
SEED = 2026
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class DemoWorkshop:
    title: str
    day: dt.date
    prompts: tuple[str, str]
    source: str  # live or import
    count: int


WORKSHOPS = (
    DemoWorkshop(
        "May: what changed when we had to",
        dt.date(2026, 5, 14),
        (
            "What changed in how you work with other organisations this year?",
            "What would you want to keep, and why?",
        ),
        ReflectionSource.LIVE,
        130,
    ),
    DemoWorkshop(
        "June: keeping what works",
        dt.date(2026, 6, 11),
        (
            "What is helping the new ways of working to stick?",
            "What is getting in the way?",
        ),
        ReflectionSource.IMPORT,
        120,
    ),
    DemoWorkshop(
        "July: under pressure again",
        dt.date(2026, 7, 9),
        (
            "What happened to the new ways of working when pressure came back?",
            "Who do you still work with differently?",
        ),
        ReflectionSource.LIVE,
        115,
    ),
    DemoWorkshop(
        "August: building from here",
        dt.date(2026, 8, 20),
        (
            "Looking back over the summer, what has lasted?",
            "What should we build on next?",
        ),
        ReflectionSource.IMPORT,
        115,
    ),
)

# Share of each theme in May, June, July and August.
THEME_SHARES = {
    "across": (0.34, 0.30, 0.24, 0.18),
    "silos": (0.04, 0.08, 0.14, 0.21),
    "digital": (0.20, 0.20, 0.19, 0.19),
    "wellbeing": (0.18, 0.19, 0.22, 0.23),
    "decisions": (0.15, 0.14, 0.12, 0.10),
    "community": (0.09, 0.09, 0.09, 0.09),
}

# Each theme: openings, middles and endings, combined one of each.
FRAGMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "across": (
        (
            "Working side by side with the council's social workers",
            "Having one shared referral form with the hospice",
            "The daily call with the care homes and the district nurses",
            "Sitting in the same room as the housing team",
            "A named contact in every partner organisation",
            "Joint discharge meetings with social care",
            "Sharing one caseload list with the community trust",
            "Ringing the GP practice directly instead of emailing",
        ),
        (
            "meant we sorted problems in a day rather than a fortnight",
            "broke down the us-and-them feeling between organisations",
            "showed us how much we were duplicating",
            "let families tell their story once, not four times",
            "made it normal to ask a partner for help",
            "built trust we had never had before",
            "gave us a shared picture of who needed what",
        ),
        (
            "and I never want to go back.",
            "and it should become how we always work.",
            "— it felt like one team for the first time.",
            "and people noticed the difference.",
            "which is worth protecting.",
            "and we should write down how we did it.",
        ),
    ),
    "silos": (
        (
            "Since the summer pressures started",
            "Now that the emergency has passed",
            "Once the weekly partnership call was cancelled",
            "Since people went back to their own buildings",
            "After the funding for the joint post ended",
            "Now the old approval forms are back",
        ),
        (
            "everyone has retreated to their own organisation again",
            "we are back to emailing forms between teams",
            "the silos are creeping back",
            "nobody owns the shared pathway any more",
            "decisions wait for each organisation's own meeting",
            "the relationships are still there but the process is not",
        ),
        (
            "and it is frustrating to watch.",
            "— we need someone to hold it together.",
            "and patients wait longer because of it.",
            "which feels like a step backwards.",
            "unless we protect time for partnership working.",
        ),
    ),
    "digital": (
        (
            "Video appointments",
            "Moving our team meetings online",
            "Being able to work from home two days a week",
            "The shared online whiteboard",
            "Using messaging groups across teams",
            "Remote consultations for follow-up",
            "Signing documents electronically",
        ),
        (
            "saved hours of travel every week",
            "made it easier for people in rural areas to take part",
            "works well for some patients but not for everyone",
            "meant we could include colleagues from other sites",
            "needs better equipment and a proper connection",
            "has made meetings shorter and more focused",
            "left some older patients behind",
        ),
        (
            "so we should keep it as an option.",
            "but we need a choice, not a default.",
            "and the training has to catch up.",
            "— digital should not replace the human contact.",
            "and it is now just how we work.",
        ),
    ),
    "wellbeing": (
        (
            "The wellbeing huddles at the end of a shift",
            "Having a quiet room to decompress",
            "Managers checking in on how we actually are",
            "The peer support group",
            "Flexible rotas",
            "Being told it was fine to take a proper break",
            "Our team's weekly walk",
        ),
        (
            "kept a lot of us going",
            "has quietly stopped happening",
            "made people feel valued, not just busy",
            "is the first thing to go when we are short-staffed",
            "helped new starters settle in",
            "made it easier to talk about burnout",
            "matters more than any initiative",
        ),
        (
            "and staff are exhausted now.",
            "— we should not lose it.",
            "so please protect the time for it.",
            "and people are still tired.",
            "which is why I stayed.",
        ),
    ),
    "decisions": (
        (
            "Decisions being made on the same day",
            "Being trusted to just get on with it",
            "Having fewer sign-off steps",
            "One daily decision meeting instead of five committees",
            "The shorter business case form",
            "Permission to try things without a pilot",
        ),
        (
            "showed how much paperwork we did not need",
            "made us feel trusted as professionals",
            "got equipment to patients in days rather than weeks",
            "meant we could fix problems while they were small",
            "took the fear out of trying something new",
        ),
        (
            "and I hope the governance people noticed.",
            "— let's not rebuild the bureaucracy.",
            "and we should keep the lighter process.",
            "though we need to record what we decided.",
        ),
    ),
    "community": (
        (
            "The volunteer drivers",
            "Working with the local food bank",
            "Community champions in the neighbourhood",
            "The mutual aid groups",
            "Partnering with the mosque and the churches",
            "The youth club letting us use their hall",
        ),
        (
            "reached people we had never reached before",
            "knew their community far better than we did",
            "filled gaps that services could not",
            "made the vaccination clinics feel welcoming",
            "need some support and funding to keep going",
        ),
        (
            "and we should treat them as real partners.",
            "— thanks to Priya Shah at the hub for making it happen.",
            "and they are still there if we ask.",
            "so let's not forget them now things are calmer.",
        ),
    ),
}

GROUPS = ("Table 1", "Table 2", "Table 3", "Table 4", "Table 5", "Table 6")

RESOURCES = (
    (
        "1-2-4-All",
        "The Liberating Structures method we used to gather everyone's reflections: alone, in "
        "pairs, in fours, then the whole room.",
        "https://www.liberatingstructures.com/1-1-2-4-all/",
    ),
)
RUNNING_ORDER_TITLE = "Facilitator's running order"
RUNNING_ORDER_TEXT = (
    "Summer of reflection - running order. 10 min welcome; 20 min 1-2-4-All on question 1; "
    "20 min on question 2; 15 min themes on the wall; 10 min what we take away."
)


def _pdf(text: str) -> bytes:
    """A one-page PDF holding one line of text (the demo's downloadable resource)."""
    stream = f"BT /F1 11 Tf 40 800 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _theme_for(month: int, rng: random.Random) -> str:
    names = list(THEME_SHARES)
    weights = [THEME_SHARES[name][month] for name in names]
    return rng.choices(names, weights=weights)[0]


# Who is speaking, sometimes: "As a district nurse, the daily call ..."
VOICES = (
    "As a district nurse, ",
    "From the council side, ",
    "Speaking as a care home manager, ",
    "For our GP practice, ",
    "In the voluntary sector, ",
    "As a ward sister, ",
    "For the therapy team, ",
    "Honestly, ",
    "For me, ",
)


def reflection_texts(month: int, count: int, rng: random.Random, seen: set[str]) -> list[str]:
    """`count` reflections for month 0-3 (May-August), none already in `seen`."""
    texts: list[str] = []
    while len(texts) < count:
        openings, middles, endings = FRAGMENTS[_theme_for(month, rng)]
        opening = rng.choice(openings)
        if rng.random() < 0.35:
            opening = rng.choice(VOICES) + opening[0].lower() + opening[1:]
        text = f"{opening} {rng.choice(middles)} {rng.choice(endings)}"
        if text not in seen:
            seen.add(text)
            texts.append(text)
    return texts


def _loaded_before() -> bool:
    return AuditEntry.objects.filter(action=AUDIT_ACTION).exists()


@transaction.atomic
def workshops_demo_load() -> bool:
    """Add the demo series once. True when it was added now."""
    if _loaded_before() or WorkshopSeries.objects.filter(slug=SERIES_SLUG).exists():
        return False
    facilitator = User.objects.filter(email=FACILITATOR_EMAIL).first()
    series = WorkshopSeries.objects.create(
        title="Summer of reflection",
        slug=SERIES_SLUG,
        description=(
            "Four workshops across the summer of 2026 where people from the network's health, "
            "care, council and voluntary organisations reflected on what changed when they had "
            "to work differently, what has lasted, and what to build on."
        ),
    )
    if facilitator is not None:
        series.facilitators.add(facilitator)
    rng = random.Random(SEED)
    seen: set[str] = set()
    reflections: list[Reflection] = []
    for month, item in enumerate(WORKSHOPS):
        starts_at = dt.datetime.combine(item.day, dt.time(10), tzinfo=LONDON)
        workshop = Workshop.objects.create(
            series=series, title=item.title, starts_at=starts_at, join_code=join_code_unique()
        )
        prompts = [
            Prompt.objects.create(workshop=workshop, text=text, position=position)
            for position, text in enumerate(item.prompts)
        ]
        batch = None
        if item.source == ReflectionSource.IMPORT:
            batch = ImportBatch.objects.create(
                workshop=workshop,
                original_name=f"survey-{item.day:%B}-2026.csv".lower(),
                imported_by=facilitator,
                row_count=item.count,
                created_at=starts_at + dt.timedelta(days=3),
            )
        texts = reflection_texts(month, item.count, rng, seen)
        for index, typed in enumerate(texts):
            prompt = prompts[index % 2]
            if batch is None:  # said in the room, over the workshop's two hours
                when = starts_at + dt.timedelta(minutes=rng.randint(5, 115))
                group = ""
            else:  # answered online in the ten days after the workshop
                when = starts_at + dt.timedelta(days=rng.randint(0, 9), hours=rng.randint(0, 9))
                group = rng.choice(GROUPS)
            text, count = reflection_redact(typed)
            reflections.append(
                Reflection(
                    prompt=prompt,
                    text=text,
                    redaction_count=count,
                    created_at=when,
                    group=group,
                    source=item.source,
                    import_batch=batch,
                    fingerprint=reflection_fingerprint(
                        text=typed, day=when.date(), group=group, prompt_text=prompt.text
                    ),
                )
            )
        if batch is not None:
            batch.imported_count = item.count
            batch.redacted_count = sum(
                1 for r in reflections if r.import_batch is batch and r.redaction_count
            )
            batch.save(update_fields=["imported_count", "redacted_count"])
    Reflection.objects.bulk_create(reflections, batch_size=500)
    for position, (title, description, url) in enumerate(RESOURCES):
        SeriesResource.objects.create(
            series=series, title=title, description=description, url=url, position=position
        )
    running_order = SeriesResource(
        series=series,
        title=RUNNING_ORDER_TITLE,
        description="The plan each workshop followed, to reuse in your own.",
        original_name="running-order.pdf",
        content_type="application/pdf",
        position=len(RESOURCES),
    )
    content = _pdf(RUNNING_ORDER_TEXT)
    running_order.size = len(content)
    running_order.file.save("running-order.pdf", ContentFile(content), save=False)
    running_order.save()
    audit_log(
        actor=None,
        action=AUDIT_ACTION,
        target=series,
        reflections=len(reflections),
    )
    return True
