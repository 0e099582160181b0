"""Pages of long lists that stay cheap at any depth and volume.

* `page_rows(page)`: the rows of a page by a "deferred join": first the page's ids, in the list's
  order (OFFSET over an index alone, without reading the skipped rows), then those rows with
  everything the list shows. Page 3,000 of the obstacle compilation went from about 300 ms to
  the cost of page 1 plus the index walk.
* `cached_count(queryset, key=...)`: the number of rows, kept with the page cache's generation
  (portal/core/pagecache.py) for PORTAL_PAGE_CACHE_SECONDS: a COUNT(*) over 90,000 published
  obstacles runs once until something is written, not on every page view.
"""

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page
from django.db.models import QuerySet

from . import pagecache

logger = logging.getLogger(__name__)


def page_rows(page: Page) -> list[Any]:
    """The rows of `page` (whose object_list is a slice of a queryset), fetched by id."""
    sliced: Any = page.object_list
    if not isinstance(sliced, QuerySet):
        return list(sliced)
    ids = list(sliced.values_list("pk", flat=True))
    if not ids:
        return []
    full = page.paginator.object_list.filter(pk__in=ids)  # type: ignore[attr-defined]
    rows = {row.pk: row for row in full}
    return [rows[pk] for pk in ids if pk in rows]


def cached_count(queryset: QuerySet[Any], *, key: str) -> int:
    """`queryset.count()`, remembered until the next write (or PORTAL_PAGE_CACHE_SECONDS)."""
    seconds = getattr(settings, "PORTAL_PAGE_CACHE_SECONDS", 0)
    if seconds <= 0 or not pagecache._cache_usable():
        return queryset.count()
    try:
        digest = hashlib.sha256(key.encode()).hexdigest()[:40]
        full_key = f"count:{pagecache._generation()}:{digest}"
        count = cache.get(full_key)
    except Exception:
        return queryset.count()
    if count is None:
        count = queryset.count()
        try:
            cache.set(full_key, count, seconds)
        except Exception:
            logger.warning("Count cache: write failed", exc_info=True)
    return int(count)
