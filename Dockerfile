# One image for every Brigada process (api, jobs, scheduler, migrate); the command picks which.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY pyproject.toml constraints.txt ./
COPY core core
COPY geo geo
COPY workers workers
COPY rating rating
COPY sms sms
COPY dispatch dispatch
COPY api api
COPY migrations migrations
COPY alembic.ini ./
RUN pip install --no-cache-dir -c constraints.txt -e . \
    && useradd --system --home /app brigada
USER brigada

EXPOSE 8000
CMD ["brigada", "api"]
