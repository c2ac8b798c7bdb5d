"""Loading one object for a page or an API view: the one `get_or_404`.

Pages and API views load through selectors (`<entity>_get(*, organization, [viewer,] pk)`) that
apply the organization scope and the viewer's row visibility together. A missing row, another
organization's row and a row the viewer may not see all answer 404 (after Zulip's
`access_stream_by_id`), so a URL never tells which of the three it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404


def get_or_404(source: Callable[..., Any] | QuerySet[Any], /, **kwargs: Any) -> Any:
    """`source(**kwargs)` for a selector, or `source.get(**kwargs)` for a scoped queryset a
    selector returned; not found (or a malformed id) raises Http404."""
    try:
        if isinstance(source, QuerySet):
            return source.get(**kwargs)
        return source(**kwargs)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
