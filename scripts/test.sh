#!/usr/bin/env bash
# Install everything the tests need and run them: the README's test command.
#   - a virtual environment in .venv (reused if present) with the package and its test extra;
#   - Debian's chromium for the real-browser map tests (installed with apt-get when missing
#     and we are root; otherwise those tests are skipped with a message saying how to install it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
# Debian chromium runs the real-browser map tests; fonts-noto-cjk renders Korean in screenshots.
need=()
{ command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; } || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${need[*]} for the browser tests..."
    (apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || \
      (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "${need[@]}" >/dev/null 2>&1)) || \
      echo "warning: could not install ${need[*]}; browser tests may be skipped"
  else
    echo "note: install ${need[*]} (apt-get install ${need[*]}) to run the browser tests"
  fi
fi
exec .venv/bin/python -m pytest "$@"
