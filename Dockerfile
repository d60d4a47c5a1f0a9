# One image for every Brigada process (api, jobs, scheduler, migrate); the command picks which.

# The console's front-end libraries (htmx, Leaflet, Swagger UI for /docs), which the app serves
# from web/node_modules: installed from the same lock file as `make install`, no scripts run.
FROM node:22-slim AS assets
WORKDIR /app
COPY web/package.json web/package-lock.json web/
RUN npm ci --prefix web --ignore-scripts --no-audit --no-fund

# Debian named in the tag: `3.11-slim` alone now means trixie, whose archive has no PostgreSQL
# 15 client; bookworm's postgresql-client-15 is 15.x, as new as the server (pg_dump must be).
FROM python:3.11-slim-bookworm

# A container is reached through its published port, so the API listens on every interface
# of the container (the default, 127.0.0.1, would answer nobody outside it).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 BRIGADA_HOST=0.0.0.0
WORKDIR /app

# `brigada backup` and `brigada restore-drill` run pg_dump, pg_restore, createdb and dropdb
# (brigada/pgtools.py); the build stops if the client found is not 15.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/* \
    && pg_dump --version | grep -q " 15\."

COPY pyproject.toml constraints.txt ./
COPY core core
COPY geo geo
COPY workers workers
COPY rating rating
COPY sms sms
COPY dispatch dispatch
COPY api api
COPY brigada brigada
COPY migrations migrations
COPY alembic.ini ./
COPY --from=assets /app/web/node_modules web/node_modules
# /backups: the dumps' directory, the brigada user's, so a volume mounted there is theirs too.
RUN pip install --no-cache-dir -c constraints.txt -e . \
    && useradd --system --home /app brigada \
    && install -d -o brigada /backups
USER brigada

EXPOSE 8000
CMD ["brigada", "api"]
