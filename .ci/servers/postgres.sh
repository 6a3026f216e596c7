#!/usr/bin/env bash
# Usage: .ci/servers/postgres.sh start|stop
# A throwaway PostgreSQL 15 cluster for the integration tests (Debian 12, run as root or via sudo).
#   start: installs Debian's postgresql when missing, creates the cluster in $dir/pg (first time),
#          starts it on 127.0.0.1:$port (trust auth, no fsync), creates the role robustness
#          (LOGIN CREATEDB: tests create a database each) and the database robustness_test, and
#          prints and writes to $dir/env:  export ROBUSTNESS_TEST_POSTGRES='...'
#   stop:  pg_ctl stop -m fast, then removes $dir/pg.
# Both are idempotent. $dir must be reachable by the postgres user (default /tmp/robustness-servers).
set -euo pipefail
dir=${ROBUSTNESS_SERVERS_DIR:-/tmp/robustness-servers}
port=${ROBUSTNESS_POSTGRES_PORT:-55432}
pg=$dir/pg
bin=/usr/lib/postgresql/15/bin
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
as_pg() { $sudo runuser -u postgres -- "$@"; }   # initdb/postgres refuse to run as root
env_line="export ROBUSTNESS_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=robustness;Database=robustness_test'"

case "${1:-}" in
start)
  t0=$(date +%s)
  if [ ! -x "$bin/pg_ctl" ]; then
    echo "postgres: installing postgresql"
    # No service start during the install (the package would start its own 'main' cluster on 5432).
    own_policy=""; [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null; $sudo chmod +x /usr/sbin/policy-rc.d; own_policy=1; }
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    [ -z "$own_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
    echo "postgres: installed in $(( $(date +%s) - t0 )) s"
  fi
  $sudo mkdir -p "$dir" "$pg"; $sudo chmod 755 "$dir"; $sudo chown postgres: "$pg"
  if ! as_pg "$bin/pg_ctl" status -D "$pg/data" >/dev/null 2>&1; then
    if [ ! -f "$pg/data/PG_VERSION" ]; then
      as_pg "$bin/initdb" -D "$pg/data" -U postgres --auth=trust --no-locale -E UTF8 >"$pg/initdb.log" \
        || { cat "$pg/initdb.log" >&2; exit 1; }
      # Loopback only, socket in our folder, durability off (throwaway data, faster tests).
      cat >>"$pg/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$pg'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    as_pg "$bin/pg_ctl" start -w -t 60 -D "$pg/data" -l "$pg/server.log" >/dev/null \
      || { echo "postgres: start failed; $pg/server.log:" >&2; cat "$pg/server.log" >&2; exit 1; }
  fi
  psql_pg() { as_pg "$bin/psql" -h "$pg" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  [ "$(psql_pg -c "SELECT 1 FROM pg_roles WHERE rolname = 'robustness'")" = 1 ] \
    || psql_pg -c "CREATE ROLE robustness LOGIN CREATEDB"
  [ "$(psql_pg -c "SELECT 1 FROM pg_database WHERE datname = 'robustness_test'")" = 1 ] \
    || psql_pg -c "CREATE DATABASE robustness_test OWNER robustness"
  # Replace our line in the shared env file (slurm.sh appends its own lines there too).
  touch "$dir/env"; grep -v '^export ROBUSTNESS_TEST_POSTGRES=' "$dir/env" >"$dir/env.tmp" || true
  echo "$env_line" >>"$dir/env.tmp"; mv "$dir/env.tmp" "$dir/env"
  echo "postgres: running on 127.0.0.1:$port (started in $(( $(date +%s) - t0 )) s)"
  echo "$env_line"
  ;;
stop)
  if [ -f "$pg/data/PG_VERSION" ] && as_pg "$bin/pg_ctl" status -D "$pg/data" >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" stop -m fast -w -D "$pg/data" >/dev/null
  fi
  $sudo rm -rf "$pg"
  [ ! -f "$dir/env" ] || sed -i '/^export ROBUSTNESS_TEST_POSTGRES=/d' "$dir/env"
  [ -s "$dir/env" ] || rm -f "$dir/env"; rmdir "$dir" 2>/dev/null || true
  echo "postgres: stopped"
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
