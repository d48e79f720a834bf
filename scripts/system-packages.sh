#!/usr/bin/env bash
# The Debian packages the tests need, installed where they are missing: Chromium for
# the browser tests (tests/browser) and poppler-utils (pdftoppm, pdftotext) for the PDF
# checks. With --ci also what .ci/run needs around them: PostgreSQL, Node.js and npm.
#
# Used by `make test` (and `make test-browser`) and by .ci/run, so the README's two
# commands are the whole set-up on a fresh Debian machine. As root it runs apt-get;
# otherwise through `sudo -n` when that needs no password; otherwise it says what to
# install and stops (exit 1), instead of the browser tests failing later.
# COLLABDX_CHROMIUM names another Chromium binary (tests/browser/conftest.py).
set -euo pipefail

ci=0
for arg in "$@"; do
  case "$arg" in
    --ci) ci=1 ;;
    *) echo "usage: $0 [--ci]" >&2; exit 2 ;;
  esac
done

have() { command -v "$1" >/dev/null 2>&1; }

need=()
if [ -n "${COLLABDX_CHROMIUM:-}" ]; then
  if [ ! -x "$COLLABDX_CHROMIUM" ]; then
    echo "COLLABDX_CHROMIUM=$COLLABDX_CHROMIUM is not a program that can be run." >&2
    exit 1
  fi
else
  have chromium || need+=(chromium)
fi
have pdftoppm || need+=(poppler-utils)
if [ "$ci" = 1 ]; then
  have pg_ctlcluster || need+=(postgresql)
  have npm || need+=(nodejs npm)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif have sudo && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "The tests need these Debian packages, which are not installed: ${need[*]}" >&2
  echo "Install them as root, then run the tests again:" >&2
  echo "  apt-get update && apt-get install -y ${need[*]}" >&2
  exit 1
fi

apt() {
  if [ ${#as_root[@]} -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get "$@"
  else
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "$@"
  fi
}

echo "== apt-get install ${need[*]} (needed by the tests, not installed)"
apt update -qq
apt install -y -qq "${need[@]}" >/dev/null

missing=()
if [ -z "${COLLABDX_CHROMIUM:-}" ]; then have chromium || missing+=(chromium); fi
have pdftoppm || missing+=(pdftoppm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "apt-get finished but these are still missing: ${missing[*]}" >&2
  exit 1
fi
