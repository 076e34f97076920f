#!/usr/bin/env bash
# Ensure a local PostgreSQL (default 15) with the pgvector extension is available
# for tests:
#   - server listening on 127.0.0.1:5432, trust auth, database `test` exists
#   - `CREATE EXTENSION vector` works in `test`
#
# If pgvector is missing it is built from Debian trixie's `pgvector` source
# package (0.8.x), fetched through a private apt configuration so the system's
# own apt sources and lists are left untouched.
#
# Idempotent; run as root on Debian bookworm. A second run takes ~1 s.
set -euo pipefail

PG_MAJOR_DEFAULT=15
PG_HOST=127.0.0.1
PG_PORT=5432
PG_DB=test
PGVECTOR_SUITE=trixie
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

export DEBIAN_FRONTEND=noninteractive

log() { echo "setup-postgres: $*"; }
die() { echo "setup-postgres: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"

WORK=""
cleanup() { if [ -n "$WORK" ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT

# psql as the postgres superuser over TCP, never prompting for a password.
pg() { psql -X -w -q -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres "$@"; }

# Quiet apt-get install (output shown only on failure); on failure refresh the
# system lists once and retry.
apt_install() {
  local out
  out=$(mktemp)
  if ! apt-get install -y -q "$@" >"$out" 2>&1; then
    log "apt-get install $* failed, running apt-get update and retrying"
    apt-get update -q >/dev/null
    apt-get install -y -q "$@" >"$out" 2>&1 || { cat "$out" >&2; rm -f "$out"; die "apt-get install $* failed"; }
  fi
  rm -f "$out"
}

# --- 1. PostgreSQL installed and running ------------------------------------

if ! command -v pg_lsclusters >/dev/null 2>&1 || [ ! -x "/usr/lib/postgresql/$PG_MAJOR_DEFAULT/bin/postgres" ]; then
  log "installing postgresql-$PG_MAJOR_DEFAULT"
  apt-get update -q >/dev/null
  apt-get install -y -q "postgresql-$PG_MAJOR_DEFAULT" >/dev/null
fi

# Cluster listening on our port, else the default one (create it if absent).
read -r CL_VER CL_NAME CL_STATUS < <(
  pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port { print $1, $2, $4; exit }'
) || true
if [ -z "${CL_VER:-}" ]; then
  CL_VER=$PG_MAJOR_DEFAULT CL_NAME=main CL_STATUS=missing
  if ! pg_lsclusters -h | awk -v v="$CL_VER" '$1 == v && $2 == "main" { f = 1 } END { exit !f }'; then
    log "creating cluster $CL_VER/main on port $PG_PORT"
    pg_createcluster --port="$PG_PORT" "$CL_VER" main >/dev/null
  fi
  CL_STATUS=$(pg_lsclusters -h | awk -v v="$CL_VER" '$1 == v && $2 == "main" { print $4 }')
fi
if [ "$CL_STATUS" != "online" ]; then
  log "starting cluster $CL_VER/$CL_NAME"
  pg_ctlcluster --skip-systemctl-redirect "$CL_VER" "$CL_NAME" start
fi

for _ in $(seq 1 60); do
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break
  sleep 0.5
done
pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || die "server on $PG_HOST:$PG_PORT not ready after 30 s"

# Trust auth (a fresh install uses peer/scram). First matching pg_hba line
# wins, so prepend trust lines.
if ! pg -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
  HBA=$(su postgres -c "psql -X -A -t -p $PG_PORT -c 'SHOW hba_file'" 2>/dev/null || true)
  [ -n "$HBA" ] || HBA="/etc/postgresql/$CL_VER/$CL_NAME/pg_hba.conf"
  [ -f "$HBA" ] || die "cannot find pg_hba.conf ($HBA)"
  log "configuring trust auth in $HBA"
  cp -p "$HBA" "$HBA.bak-setup-postgres"
  {
    echo "# added by setup-postgres.sh: trust for local test connections"
    echo "local   all   all                 trust"
    echo "host    all   all   127.0.0.1/32  trust"
    echo "host    all   all   ::1/128       trust"
    cat "$HBA.bak-setup-postgres"
  } >"$HBA"
  pg_ctlcluster --skip-systemctl-redirect "$CL_VER" "$CL_NAME" reload
  sleep 1
  pg -d postgres -c 'SELECT 1' >/dev/null || die "still cannot connect as postgres via $PG_HOST after enabling trust"
fi

if [ "$(pg -d postgres -A -t -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != "1" ]; then
  log "creating database $PG_DB"
  pg -d postgres -c "CREATE DATABASE \"$PG_DB\""
fi

SERVER_NUM=$(pg -d "$PG_DB" -A -t -c 'SHOW server_version_num')
PG_MAJOR=$((SERVER_NUM / 10000))
log "PostgreSQL $PG_MAJOR (server_version_num $SERVER_NUM) ready on $PG_HOST:$PG_PORT, database $PG_DB exists"

vector_ok() { pg -d "$PG_DB" -c 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null 2>&1; }

# --- 2./3. pgvector ---------------------------------------------------------

if vector_ok; then
  log "pgvector already available, skipping build"
else
  log "pgvector not available, building from Debian $PGVECTOR_SUITE source package"
  WORK=$(mktemp -d /tmp/setup-postgres.XXXXXX)
  # apt drops privileges to _apt for downloads; let it reach the work dirs.
  chmod 755 "$WORK"

  # Mirror the machine already uses (first enabled Debian `deb` entry for the
  # running release), from deb822 *.sources, one-line *.list, or sources.list.
  CODENAME=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  list_sources() { # prints "URI SUITE" pairs
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk '
        function flush() {
          if (types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no")
            { n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
              for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (u[i] != "" && s[j] != "") print u[i], s[j] }
          types = uris = suites = enabled = ""
        }
        /^[ \t]*#/ { next }
        /^[ \t]*$/ { flush(); next }
        { key = tolower($1); sub(/^[^:]*:[ \t]*/, "") }
        key == "types:" { types = $0 } key == "uris:" { uris = $0 }
        key == "suites:" { suites = $0 } key == "enabled:" { enabled = $0 }
        END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list; do
      [ -f "$f" ] || continue
      sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
    done
  }
  SOURCES=$(list_sources || true)
  MIRROR=$(awk -v c="$CODENAME" '$2 == c { print $1; exit }' <<<"$SOURCES")
  [ -n "$MIRROR" ] || MIRROR=$(awk '$1 ~ /\/debian\/?$/ { print $1; exit }' <<<"$SOURCES")
  [ -n "$MIRROR" ] || MIRROR=http://deb.debian.org/debian
  MIRROR=${MIRROR%/}
  log "using mirror $MIRROR ($PGVECTOR_SUITE, deb-src)"

  APT_DIR=$WORK/apt
  mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/parts" "$WORK/src"
  chmod -R 755 "$APT_DIR" "$WORK/src"
  APT_OPTS=(
    -o "Dir::Etc::SourceList=$APT_DIR/sources.list"
    -o "Dir::Etc::SourceParts=$APT_DIR/parts"
    -o "Dir::State::Lists=$APT_DIR/lists"
    # do not overwrite the system's binary caches with this private view
    -o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache="
    -o "APT::Get::List-Cleanup=false"
  )
  private_update() {
    echo "deb-src $1 $MIRROR $PGVECTOR_SUITE main" >"$APT_DIR/sources.list"
    apt-get "${APT_OPTS[@]}" update -q >"$APT_DIR/update.log" 2>&1 &&
      ! grep -qE '^(W|E):' "$APT_DIR/update.log"
  }
  if [ -f "$KEYRING" ] && private_update "[signed-by=$KEYRING]"; then
    log "private apt update OK (signature verified with $(basename "$KEYRING"))"
  else
    log "signed update failed, falling back to [trusted=yes]"
    sed 's/^/  /' "$APT_DIR/update.log" >&2 || true
    rm -rf "$APT_DIR/lists"; mkdir -p "$APT_DIR/lists/partial"
    private_update "[trusted=yes]" || { cat "$APT_DIR/update.log" >&2; die "private apt-get update failed"; }
  fi

  (cd "$WORK/src" && apt-get "${APT_OPTS[@]}" source -q --download-only "pgvector/$PGVECTOR_SUITE" >"$APT_DIR/source.log" 2>&1) ||
    { cat "$APT_DIR/source.log" >&2; die "apt-get source pgvector failed"; }
  DSC=$(ls "$WORK"/src/pgvector_*.dsc 2>/dev/null | head -n1)
  [ -n "$DSC" ] || die "no pgvector .dsc downloaded"
  log "downloaded $(basename "$DSC")"

  log "installing build deps: postgresql-server-dev-$PG_MAJOR make gcc"
  apt_install "postgresql-server-dev-$PG_MAJOR" make gcc

  if command -v dpkg-source >/dev/null 2>&1; then
    (cd "$WORK/src" && dpkg-source -x "$DSC" build >/dev/null 2>&1)
  else
    mkdir -p "$WORK/src/build"
    tar -xf "$(ls "$WORK"/src/pgvector_*.orig.tar.* | head -n1)" -C "$WORK/src/build" --strip-components=1
  fi
  [ -f "$WORK/src/build/Makefile" ] || die "pgvector source extraction failed"

  PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
  [ -x "$PG_CONFIG" ] || die "missing $PG_CONFIG"
  # OPTFLAGS="" drops pgvector's default -march=native (as Debian does), so
  # the binary stays valid if this machine image runs on a different CPU.
  # with_llvm=no skips the clang JIT bitcode, which the tests do not need.
  MAKE_ARGS=(PG_CONFIG="$PG_CONFIG" OPTFLAGS="${PGVECTOR_OPTFLAGS:-}" with_llvm=no)
  log "building pgvector with $PG_CONFIG"
  make -C "$WORK/src/build" -j"$(nproc)" "${MAKE_ARGS[@]}" >"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log" >&2; die "pgvector build failed"; }
  make -C "$WORK/src/build" "${MAKE_ARGS[@]}" install >>"$WORK/build.log" 2>&1 ||
    { tail -n 40 "$WORK/build.log" >&2; die "pgvector install failed"; }
  log "pgvector installed into $("$PG_CONFIG" --pkglibdir)"
fi

# --- 4. verify --------------------------------------------------------------

vector_ok || { pg -d "$PG_DB" -c 'CREATE EXTENSION IF NOT EXISTS vector' || true; die "CREATE EXTENSION vector failed in $PG_DB"; }
VERSION=$(pg -d "$PG_DB" -A -t -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'")
log "OK: pgvector $VERSION enabled in database $PG_DB on $PG_HOST:$PG_PORT"
