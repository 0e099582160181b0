# The Innovation Accelerator Portal: one image for the web server, the Celery worker and beat.
#   docker build -t innovation-portal .
# docker-compose.yml runs it with PostgreSQL and Redis; see .env.example for the settings.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint's system libraries and fonts; gettext for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal

WORKDIR /app

# The runtime lock only (no test or lint tools); every wheel is pinned by hash. The lock's
# --find-links / --extra-index-url lines name directories of the build machine; where they do
# not exist pip warns and uses PyPI.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .

# Translations and static files are built into the image. The production settings are used for
# collectstatic so that whitenoise's manifest (hashed file names) is written; they refuse to
# load without a secret, hosts and a PostgreSQL URL, so dummies are given here. Nothing connects
# to the database and none of these values stays in the image.
RUN DJANGO_SETTINGS_MODULE=portal.settings.production \
    DJANGO_SECRET_KEY=docker-build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    DJANGO_ALLOWED_HOSTS=build.invalid \
    DATABASE_URL=postgres://build:build@build.invalid:5432/build \
    sh -c 'python manage.py compilemessages --verbosity 0 \
        && python manage.py collectstatic --noinput --verbosity 0' \
 && mkdir -p /app/media \
 && chown portal:portal /app/media

ENV DJANGO_SETTINGS_MODULE=portal.settings.production \
    DJANGO_MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=3

USER portal
EXPOSE 8000

# gunicorn takes its worker count from WEB_CONCURRENCY.
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", "--timeout", "60"]
