#!/usr/bin/env bash
# Install the pinned front-end packages (package-lock.json) and copy the prebuilt
# NHS.UK frontend into the Django static folder, so pages load nothing from outside.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules/nhsuk-frontend ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
src=node_modules/nhsuk-frontend/dist/nhsuk
dst=src/collabdx/web/static/nhsuk
rm -rf "$dst"
mkdir -p "$dst"
cp "$src"/nhsuk-frontend.min.css* "$src"/nhsuk-frontend.min.js* "$dst/"
cp -r "$src/assets" "$dst/assets"
