"""Test settings: the same code as production, made fast and deterministic.

DATABASE_URL and REDIS_URL from the environment are honoured, so CI runs the suite against real
PostgreSQL and Redis. Tasks run in-process by default; the tests about background work switch that
off and run a real Celery worker (see tests/conftest.py).
"""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail goes through the outbox as in production (tests/conftest.py puts it back after Django's
# test set-up swaps in locmem); its worker delivers to locmem, so tests read `mail.outbox`.
EMAIL_BACKEND = "portal.core.mail.OutboxBackend"
PORTAL_MAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PORTAL_MFA_EXEMPT_EMAILS = []
LANGUAGE_CODE = "en"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# Uploaded files (proposal attachments, partnership documents) go to a throwaway directory.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="portal-test-media-"))
