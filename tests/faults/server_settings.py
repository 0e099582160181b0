"""Settings of the portal processes the fault tests start (gunicorn, Celery workers, sweeps):
production's, unchanged, except that static files are collected into the test's own directory
(FAULTS_STATIC_ROOT) with hashed names but without the compression step (which takes 20 s and is
tested in tests/core/test_static.py)."""

import os

from portal.settings.production import *  # noqa: F403
from portal.settings.production import STORAGES

STATIC_ROOT = os.environ["FAULTS_STATIC_ROOT"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
