#!/usr/bin/env bash
# Installs what is missing (Debian/Ubuntu, as root), configures and builds Retort, then either
# runs the users example (`example`, the default) or the whole test suite through CTest (`test`).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-example}
case "$mode" in example | test) ;; *) echo "usage: $0 [example|test]" >&2; exit 2 ;; esac

packages=(cmake ninja-build g++ pkg-config libclang-dev libsqlite3-dev sqlite3 libgtest-dev
          nlohmann-json3-dev libcli11-dev libpq-dev)
# The test suite also builds with Clang (the fuzz targets, the Clang-built consumer) and Make,
# and compares schemas with SQLAlchemy/Alembic's own (tests/alembic/).
[ "$mode" = test ] && packages+=(clang libclang-rt-14-dev make python3-alembic)
# The PostgreSQL tests start their own throwaway server (initdb, pg_ctl) in the build tree, run
# through PgBouncer, and compare with SQLAlchemy's PostgreSQL inspector (psycopg2).
[ "$mode" = test ] && packages+=(postgresql pgbouncer python3-psycopg2)
# The cross-compiling tests (ctest -L cross) build for aarch64 and run it under qemu; the
# target's SQLite comes through Debian's multiarch. The example needs none of it.
[ "$mode" = test ] && packages+=(g++-aarch64-linux-gnu qemu-user libsqlite3-dev:arm64)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "quickstart: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  if [[ " ${missing[*]}" == *:arm64* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $sudo dpkg --add-architecture arm64
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

build=${RETORT_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DRETORT_BUILD_TESTS=ON -DRETORT_BUILD_EXAMPLES=ON

if [ "$mode" = example ]; then
  # Only what the example needs: the tool, the runtime and the app. The build generates
  # examples/users/migrations; the app applies it to an embedded SQLite file.
  cmake --build "$build" -j 2 --target users_example
  "$build/examples/users/users_example" "$build/examples/users/app.db"
else
  cmake --build "$build" -j 2
  ctest --test-dir "$build" --output-on-failure -j 2
fi
