"""Tags for the print templates."""

from django import template
from django.contrib.staticfiles import finders

register = template.Library()


@register.simple_tag
def pdf_static(path: str) -> str:
    """A `file:` URL of one of our static files, the only kind the PDF fetcher serves."""
    from pathlib import Path

    found = finders.find(path)
    if not found:
        raise template.TemplateSyntaxError(f"No static file {path!r}")
    return Path(found).resolve().as_uri()
