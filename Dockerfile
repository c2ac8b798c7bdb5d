# Podium's production image: one image for web (gunicorn), worker (celery worker) and beat.
# Build: docker build -t podium .   Run the whole stack: docker compose up (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# A non-root user owns nothing but what it must write (collected static files, beat's schedule).
RUN groupadd --system podium \
    && useradd --system --gid podium --home-dir /app --no-create-home --shell /usr/sbin/nologin podium

# Dependencies first, so a code change does not reinstall them. psycopg[binary] ships libpq,
# so the slim image needs no compiler or system packages.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# collectstatic needs the production settings to import, and they insist on every secret being
# set: these placeholders exist only for this build step (nothing connects to them) and are not
# kept in the image's environment.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_SECRET_KEY=collectstatic-build-only \
    DATABASE_URL=postgres://build@127.0.0.1:5432/build \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/.podium/run \
    && chown -R podium:podium /app/.podium

USER podium

ENV DJANGO_SETTINGS_MODULE=config.settings.production
EXPOSE 8000

# WEB_CONCURRENCY (read by gunicorn) sets the number of worker processes.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-", "--error-logfile", "-"]
