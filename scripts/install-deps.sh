#!/bin/sh
# Installs what the build and the tests need on Debian, when it is missing.
# As root it runs apt-get; otherwise it prints the exact command and stops.
set -eu

missing=""
need_pkg() { missing="$missing $1"; }

command -v cc >/dev/null 2>&1 || need_pkg gcc
command -v meson >/dev/null 2>&1 || need_pkg meson
command -v ninja >/dev/null 2>&1 || need_pkg ninja-build
command -v pkg-config >/dev/null 2>&1 || need_pkg pkgconf
if command -v pkg-config >/dev/null 2>&1; then
  pkg-config --exists sqlite3 || need_pkg libsqlite3-dev
  pkg-config --exists libcjson || need_pkg libcjson-dev
  pkg-config --exists libsodium || need_pkg libsodium-dev
  pkg-config --exists cmocka || need_pkg libcmocka-dev
  pkg-config --exists expat || need_pkg libexpat1-dev
else
  missing="$missing libsqlite3-dev libcjson-dev libsodium-dev libcmocka-dev libexpat1-dev"
fi
command -v python3 >/dev/null 2>&1 || need_pkg python3
python3 -c 'import pytest' >/dev/null 2>&1 || need_pkg python3-pytest
command -v go >/dev/null 2>&1 || need_pkg golang-go
command -v valgrind >/dev/null 2>&1 || need_pkg valgrind

[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing
else
  echo "missing:$missing"
  echo "run as root:  apt-get update && apt-get install -y$missing"
  exit 1
fi
