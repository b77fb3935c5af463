"""Background work for syntheses, run by `manage.py db_worker`."""

from __future__ import annotations

from django_tasks import task


@task()
def synthesis_run_task(*, synthesis_id: int) -> str:
    """Run the engine over a synthesis's sources and store its themes (see services)."""
    from exchange.insights.services import synthesis_run

    return synthesis_run(synthesis_id=synthesis_id)
