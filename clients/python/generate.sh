#!/usr/bin/env bash
# Generates the Python protobuf and gRPC modules from protos/migration/v1/*.proto into src/migration/v1/ (a package
# `migration.v1`, the proto package's own name, as the generated imports expect). Reproducible: the output depends only
# on the protos and the Debian protoc / grpc_python_plugin versions. Generated files are not committed and not edited.
#
# Needs: protoc and grpc_python_plugin (Debian: protobuf-compiler protobuf-compiler-grpc); the protobuf well-known
# types come from /usr/include (libprotobuf-dev) or from the python3-grpc-tools package.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/src"
plugin=$(command -v grpc_python_plugin || true)
[ -n "$plugin" ] || { echo "grpc_python_plugin not found: apt-get install protobuf-compiler-grpc" >&2; exit 1; }
command -v protoc >/dev/null || { echo "protoc not found: apt-get install protobuf-compiler" >&2; exit 1; }
includes=()
for dir in /usr/include /usr/lib/python3/dist-packages/grpc_tools/_proto; do
  if [ -f "$dir/google/protobuf/timestamp.proto" ]; then includes+=(-I "$dir"); break; fi
done
[ "${#includes[@]}" -gt 0 ] || { echo "google/protobuf/*.proto not found: apt-get install libprotobuf-dev" >&2; exit 1; }

rm -rf "$out/migration"
mkdir -p "$out/migration/v1"
protoc -I "$root/protos" "${includes[@]}" \
  --python_out="$out" --pyi_out="$out" \
  --grpc_python_out="$out" --plugin=protoc-gen-grpc_python="$plugin" \
  "$root"/protos/migration/v1/*.proto
printf '"""Generated from protos/migration: do not edit."""\n' >"$out/migration/__init__.py"
printf '"""Generated from protos/migration/v1: do not edit."""\n' >"$out/migration/v1/__init__.py"
echo "generated $(find "$out/migration" -name '*.py' -o -name '*.pyi' | wc -l) files in ${out#"$root"/}/migration" >&2
