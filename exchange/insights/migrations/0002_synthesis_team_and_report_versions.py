"""Who a synthesis belongs to, and publications as snapshots.

Each synthesis gets the series it reads (from its `sources`: series, and the series of its
workshops and prompts); each published synthesis gets a first `ReportVersion` holding the
report as it is now, so readers keep seeing exactly that until the next "Publish changes".
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _series_ids(apps, sources):
    workshop = apps.get_model("workshops", "Workshop")
    prompt = apps.get_model("workshops", "Prompt")
    series = apps.get_model("workshops", "WorkshopSeries")
    ids = set(
        series.objects.filter(pk__in=sources.get("series") or []).values_list("pk", flat=True)
    )
    ids |= set(
        workshop.objects.filter(pk__in=sources.get("workshops") or []).values_list(
            "series_id", flat=True
        )
    )
    ids |= set(
        prompt.objects.filter(pk__in=sources.get("prompts") or []).values_list(
            "workshop__series_id", flat=True
        )
    )
    return ids


def forwards(apps, schema_editor):
    from exchange.insights.snapshots import report_document, report_rows

    synthesis_model = apps.get_model("insights", "Synthesis")
    version_model = apps.get_model("insights", "ReportVersion")
    for synthesis in synthesis_model.objects.order_by("pk").iterator():
        synthesis.series.set(_series_ids(apps, synthesis.sources or {}))
        if synthesis.is_published:
            version_model.objects.create(
                synthesis=synthesis,
                number=1,
                document=report_document(synthesis),
                rows=report_rows(synthesis),
                published_at=synthesis.published_at or synthesis.updated_at,
                published_by=None,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("workshops", "0002_import_progress"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="synthesis",
            name="series",
            field=models.ManyToManyField(
                blank=True, related_name="syntheses", to="workshops.workshopseries"
            ),
        ),
        migrations.CreateModel(
            name="ReportVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveIntegerField()),
                ("document", models.JSONField()),
                ("rows", models.JSONField(default=list)),
                ("published_at", models.DateTimeField()),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "synthesis",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="insights.synthesis",
                    ),
                ),
            ],
            options={
                "ordering": ["-number"],
                "get_latest_by": "number",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("synthesis", "number"), name="one_report_version_number"
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
