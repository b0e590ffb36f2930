#!/usr/bin/env bash
# Shared set-up for scripts/test and scripts/demo: system packages (Qt's libraries, PostgreSQL for
# the database tests, Pango and HarfBuzz's subsetter for WeasyPrint's PDF report; only those
# missing), a virtualenv in .venv, and the project installed into it. Safe to run again: a warm
# machine skips what it already has.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 libfreetype6
  fonts-dejavu-core libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4
  libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xfixes0
  libxcb-xkb1 libxcb-sync1 libxcb-shm0 libxrender1 libxrandr2 libpulse0 xvfb xauth
  poppler-utils espeak-ng sox postgresql binutils   # binutils: objdump, for PyInstaller
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)   # Pango, HarfBuzz: WeasyPrint

PYTHON=${PYTHON:-python3}
# PyInstaller (scripts/build) bundles the shared libpython, which Debian's own python3 keeps in
# a package of its own.
if [ "$(readlink -f "$(command -v "$PYTHON")")" = "$(readlink -f /usr/bin/python3 2>/dev/null)" ]; then
  SYSTEM_PACKAGES+=("libpython$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")
fi

missing=()
for pkg in "${SYSTEM_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
EXTRA=${1:-}
stamp=".venv/.installed${EXTRA:+-$EXTRA}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing the project into .venv" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".${EXTRA:+[$EXTRA]}"
  # Gwet's AC1 (docs/agreement.md): irrCAC pins scipy==1.12.0, pandas<3 and coverage<7, which
  # the rest of the stack has outgrown; what it really uses (numpy, pandas, scipy) is installed
  # above, so it goes in without its pins.
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps "irrCAC==0.4.4"
  touch "$stamp"
fi
