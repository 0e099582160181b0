"""Demo and development settings: what `make run` uses.

The demo users may skip MFA here so that the portal can be tried at once; production never exempts
anybody.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
PORTAL_MFA_EXEMPT_EMAILS = [
    "admin@demo.example",
    "coordinator.ostergotland@demo.example",
    "coordinator.vasterbotten@demo.example",
    "coordinator.uppsala@demo.example",
    "coordinator.vgr@demo.example",
    "sponsor.ostergotland@demo.example",
    "sponsor.uppsala@demo.example",
    "sponsor.vasterbotten@demo.example",
    "sponsor.vgr@demo.example",
    "reviewer@demo.example",
]
