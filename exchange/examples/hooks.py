"""What other apps tell the examples app about an example, as calls into it.

Apps that build on examples (sustain, conversation, insights) import examples, never the other
way round; when something they record changes how an example should be shown, they call a hook
here inside their own transaction. Hooks import nothing but examples' own models and core.
"""

from __future__ import annotations

from typing import Any

from exchange.core.caching import published_object_changed
from exchange.core.services import audit_log
from exchange.examples.models import Example


def example_change_lost(*, example_id: int, actor: Any = None, status: str) -> bool:
    """The change an example describes was reverted (or stopped), its check-in says: it is no
    longer highlighted on the home page. Returns whether it was featured.

    Call inside the transaction that recorded the answer.
    """
    example = Example.objects.select_for_update().filter(pk=example_id, is_featured=True).first()
    if example is None:
        return False
    example.is_featured = False
    example.featured_at = None
    example.save(update_fields=["is_featured", "featured_at", "updated_at"])
    audit_log(actor=actor, action="example.unfeature", target=example, reason=status)
    published_object_changed(Example, example.pk)
    return True
