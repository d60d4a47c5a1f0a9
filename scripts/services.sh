#!/usr/bin/env bash
# Makes PostgreSQL + PostGIS and Redis available for Brigada, installing and starting what is
# missing (Debian, as root), then creates the database and the postgis extension.
# Usage: scripts/services.sh DATABASE_NAME   (honours BRIGADA_DATABASE_URL / BRIGADA_REDIS_URL)
set -euo pipefail

db_name="${1:-brigada}"
log() { printf 'services: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

local_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt_install postgresql postgresql-contrib
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if ! dpkg -s "postgresql-${version}-postgis-3" >/dev/null 2>&1; then
    apt_install "postgresql-${version}-postgis-3"
  fi
  if ! pg_lsclusters -h | awk '{print $4}' | grep -q online; then
    log "starting PostgreSQL ${version}"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  # The database and extension are made by the postgres superuser over its own socket.
  local psql=(as_root su postgres -c)
  if ! "${psql[@]}" "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='${db_name}'\"" | grep -q 1; then
    log "creating database ${db_name}"
    "${psql[@]}" "createdb ${db_name}"
  fi
  "${psql[@]}" "psql -q -d ${db_name} -c 'CREATE EXTENSION IF NOT EXISTS postgis'"
  # A fresh install asks for a password over TCP: give the app a dev-only trust rule for loopback.
  if ! PGCONNECT_TIMEOUT=3 psql -h 127.0.0.1 -U postgres -d "$db_name" -tAc 'SELECT 1' >/dev/null 2>&1; then
    local hba
    hba=$("${psql[@]}" "psql -tAc 'SHOW hba_file'")
    log "allowing passwordless loopback connections in ${hba} (local development)"
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
    "${psql[@]}" "psql -q -c 'SELECT pg_reload_conf()'"
  fi
}

local_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
  fi
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    log "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/brigada.log
    for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
}

if [ -n "${BRIGADA_DATABASE_URL:-}" ]; then
  log "using BRIGADA_DATABASE_URL (database and postgis extension must exist there)"
else
  local_postgres
fi
if [ -n "${BRIGADA_REDIS_URL:-}" ]; then
  log "using BRIGADA_REDIS_URL"
else
  local_redis
fi
