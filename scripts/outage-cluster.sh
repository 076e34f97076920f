#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the bridge's database-outage test, so the test can stop and start a
# server without touching the main one (127.0.0.1:5432, shared with everything else).
#   outage-cluster.sh ensure   create it if missing (port 5433, trust auth, database `test`), start it, wait until ready
#   outage-cluster.sh stop     stop it (fast shutdown: open connections are cut, as in a crash of the server)
#   outage-cluster.sh start    start it and wait until ready
#   outage-cluster.sh drop     stop and delete it
# Idempotent; needs root (or the postgres user) and PostgreSQL's Debian cluster tools. pgvector comes from the
# installed extension files, shared by every cluster of the same major version.
set -euo pipefail

VERSION="${OUTAGE_PG_MAJOR:-15}"
NAME=outage
PORT="${OUTAGE_PORT:-5433}"

die() { echo "outage-cluster: $*" >&2; exit 1; }
command -v pg_createcluster >/dev/null 2>&1 || die "pg_createcluster not found (PostgreSQL's Debian cluster tools are needed)"

exists() { pg_lsclusters -h | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n { found = 1 } END { exit !found }'; }
online() { pg_lsclusters -h | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n && $4 == "online" { found = 1 } END { exit !found }'; }
wait_ready() {
  for _ in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$PORT" && return 0
    sleep 0.5
  done
  die "the cluster did not become ready on port $PORT"
}

case "${1:-}" in
  ensure)
    if ! exists; then
      pg_createcluster "$VERSION" "$NAME" --port "$PORT" -- --auth=trust >/dev/null || die "pg_createcluster failed"
    fi
    online || pg_ctlcluster "$VERSION" "$NAME" start
    wait_ready
    psql -X -w -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 ||
      psql -X -w -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE test"
    psql -X -w -q -h 127.0.0.1 -p "$PORT" -U postgres -d test -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
    ;;
  stop) if online; then pg_ctlcluster "$VERSION" "$NAME" stop -m fast; fi ;;
  start)
    online || pg_ctlcluster "$VERSION" "$NAME" start
    wait_ready
    ;;
  drop) if exists; then pg_dropcluster --stop "$VERSION" "$NAME"; fi ;;
  *) die "usage: outage-cluster.sh ensure|stop|start|drop" ;;
esac
