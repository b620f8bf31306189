#!/usr/bin/env bash
# Sourced by .ci/run (and usable by hand: `source .ci/services.sh`): install the system
# packages the tests need (Debian's chromium and postgresql, and gcc for the optional C
# kernel that pip install compiles) when missing, then start a
# throw-away PostgreSQL server on loopback and export its URL as PEACETALKS_TEST_POSTGRES.
# The server and its data directory are removed when the sourcing shell exits.

_pt_need=()
command -v chromium >/dev/null 2>&1 || _pt_need+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || _pt_need+=(postgresql)
command -v cc >/dev/null 2>&1 || _pt_need+=(gcc libc6-dev)
if [ ${#_pt_need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${_pt_need[*]}"
  if [ "$(id -u)" -eq 0 ]; then _pt_sudo=(); else _pt_sudo=(sudo); fi
  "${_pt_sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${_pt_sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${_pt_need[@]}"
fi

_pt_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/postgres | sort -V | tail -n 1)")
_pt_dir=$(mktemp -d /tmp/peacetalks-pg.XXXXXX)
_pt_port=${PEACETALKS_PG_PORT:-54329}
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$_pt_dir"
  _pt_as=(runuser -u postgres --)
else
  _pt_as=()
fi
"${_pt_as[@]}" "$_pt_bin/initdb" -D "$_pt_dir/data" -U postgres --auth=trust -E UTF8 >/dev/null
"${_pt_as[@]}" "$_pt_bin/pg_ctl" -D "$_pt_dir/data" -l "$_pt_dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $_pt_port -k $_pt_dir -c fsync=on" start >/dev/null
"${_pt_as[@]}" "$_pt_bin/createdb" -h 127.0.0.1 -p "$_pt_port" -U postgres peacetalks_test
export PEACETALKS_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$_pt_port/peacetalks_test"
echo "PostgreSQL $("$_pt_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$_pt_port ($PEACETALKS_TEST_POSTGRES)"
_pt_stop() {
  "${_pt_as[@]}" "$_pt_bin/pg_ctl" -D "$_pt_dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$_pt_dir"
}
trap _pt_stop EXIT
