#!/usr/bin/env bash
# Makes PostgreSQL + PostGIS and Redis available for Brigada, installing and starting what is
# missing (Debian, as root), then creates the database and the postgis extension; RabbitMQ too
# when jobs use it (BRIGADA_BROKER_URL=amqp://...) or when asked (--rabbitmq: make test, whose
# end-to-end job tests run on both brokers).
# Usage: scripts/services.sh DATABASE_NAME [--rabbitmq]
#   (honours BRIGADA_DATABASE_URL / BRIGADA_REDIS_URL / BRIGADA_BROKER_URL)
set -euo pipefail

db_name="${1:-brigada}"
want_rabbitmq="${2:-}"
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

# Whether host $1 takes connections on port $2 (within 3 s: a firewall may drop them silently).
rabbitmq_up() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null; }

# RabbitMQ at host:port: a local one is installed or started if need be (it keeps its queues
# on disk, so a restart loses no job); another machine's must already answer.
rabbitmq() {
  local host="$1" port="$2"
  rabbitmq_up "$host" "$port" && return 0
  case "$host" in
    127.0.0.1|localhost|::1) ;;
    *) log "RabbitMQ does not answer on ${host}:${port} (BRIGADA_BROKER_URL)"; exit 1 ;;
  esac
  if ! command -v rabbitmq-server >/dev/null 2>&1; then
    apt_install rabbitmq-server
  fi
  log "starting RabbitMQ"
  as_root service rabbitmq-server start >/dev/null 2>&1 \
    || as_root rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do rabbitmq_up "$host" "$port" && return 0; sleep 1; done
  log "RabbitMQ did not come up on ${host}:${port}"
  exit 1
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
case "${BRIGADA_BROKER_URL:-}" in
  amqp://*|amqps://*)
    # amqp[s]://[user[:password]@]host[:port][/vhost]: only the host and the port are checked.
    address="${BRIGADA_BROKER_URL#*://}"; address="${address##*@}"; address="${address%%/*}"
    default_port=5672; [ "${BRIGADA_BROKER_URL%%://*}" = amqps ] && default_port=5671
    rabbit_host="${address%%:*}"; rabbit_port="${address#*:}"
    [ "$rabbit_port" = "$address" ] && rabbit_port=$default_port
    rabbitmq "${rabbit_host:-127.0.0.1}" "$rabbit_port"
    ;;
  *)
    if [ "$want_rabbitmq" = --rabbitmq ]; then rabbitmq 127.0.0.1 5672; fi
    ;;
esac
