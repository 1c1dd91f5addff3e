#!/usr/bin/env bash
# Builds the web dashboard into dist/ (served by the server: Dashboard:Root, or found by `dotnet run` from a checkout):
#   1. npm ci (versions pinned in package-lock.json)
#   2. generates src/gen/ from protos/migration/v1/*.proto (buf + protoc-gen-es; not committed, not edited)
#   3. bundles src/main.js and its libraries (Connect-ES gRPC-Web, protobuf-es, Chart.js) into dist/app.js (esbuild)
#      and copies static/ (index.html, app.css)
# Needs Node 18+ and npm (the npm registry). Takes a few seconds once node_modules is there.
#   DASHBOARD_OUT=DIR   write the files there instead of dist/
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${DASHBOARD_OUT:-$here/dist}
cd "$here"
command -v npm >/dev/null || { echo "npm is not on PATH: install Node.js 18+ first" >&2; exit 1; }
if [ ! -x node_modules/.bin/esbuild ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf src/gen
node_modules/.bin/buf generate "$root/protos" --template buf.gen.yaml
rm -rf "$out"
mkdir -p "$out"
node_modules/.bin/esbuild src/main.js --bundle --format=esm --target=es2022 --minify --sourcemap \
  --legal-comments=linked --log-level=warning --outfile="$out/app.js"
cp static/* "$out/"
echo "dashboard built in ${out#"$root"/} ($(du -sk "$out" | cut -f1) kB)" >&2
