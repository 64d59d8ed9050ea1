#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, trust auth, database `test`), MariaDB
# (127.0.0.1:3306, root without password, database `test`) and Redis (127.0.0.1:6379) are
# running, installing and starting them where they are not. Safe to re-run.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 1; done
  echo "services: nothing listens on 127.0.0.1:$1 after 60 s" >&2
  return 1
}
install_missing() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "services: installing ${missing[*]}" >&2
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

if ! port_open 5432; then
  install_missing postgresql
  version="$(ls /etc/postgresql | sort -V | tail -n1)"
  hba="/etc/postgresql/$version/main/pg_hba.conf"
  # Tests connect over TCP as root or postgres without a password.
  if ! grep -q "tandem-trust" "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust # tandem-trust\nhost all all ::1/128 trust # tandem-trust\nlocal all all trust # tandem-trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  wait_port 5432
fi
psql_admin() { psql -h 127.0.0.1 -U postgres -tAc "$1"; }
psql_admin "SELECT 1 FROM pg_roles WHERE rolname = 'root'" | grep -q 1 || psql_admin "CREATE ROLE root SUPERUSER LOGIN"
psql_admin "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1 || psql_admin "CREATE DATABASE test"

if ! port_open 3306; then
  install_missing mariadb-server
  as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql
  wait_port 3306
fi
mariadb -h 127.0.0.1 -u root -e "CREATE DATABASE IF NOT EXISTS test" 2>/dev/null \
  || mariadb -u root -e "CREATE DATABASE IF NOT EXISTS test; ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')"

if ! port_open 6379; then
  install_missing redis-server
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_port 6379
fi
echo "services: PostgreSQL, MariaDB and Redis are up" >&2
