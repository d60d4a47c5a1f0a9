# One image for every Brigada process (api, jobs, scheduler, migrate); the command picks which.

# The console's front-end libraries (htmx, Leaflet, Swagger UI for /docs), which the app serves
# from web/node_modules: installed from the same lock file as `make install`, no scripts run.
FROM node:22-slim AS assets
WORKDIR /app
COPY web/package.json web/package-lock.json web/
RUN npm ci --prefix web --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim

# A container is reached through its published port, so the API listens on every interface
# of the container (the default, 127.0.0.1, would answer nobody outside it).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 BRIGADA_HOST=0.0.0.0
WORKDIR /app

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
RUN pip install --no-cache-dir -c constraints.txt -e . \
    && useradd --system --home /app brigada
USER brigada

EXPOSE 8000
CMD ["brigada", "api"]
