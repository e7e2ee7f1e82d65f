#!/usr/bin/env bash
# `make install`: puts the published dbops (a Native AOT executable since issue 20: `make dbops-publish`;
# it needs no .NET runtime) under PREFIX/lib/dbops and links PREFIX/bin/dbops to it, so that `dbops` is
# a command. Usage: scripts/install-dbops.sh PUBLISH_DIR PREFIX
set -euo pipefail

die() { echo "install-dbops: $*" >&2; exit 2; }

publish="${1:?publish directory}"
prefix="${2:?prefix}"
[ -x "$publish/dbops" ] || die "$publish/dbops not found: dotnet publish did not produce the launcher"

lib="$prefix/lib/dbops"
bin="$prefix/bin"
mkdir -p "$bin" "$prefix/lib" || die "cannot create $bin or $prefix/lib (as a user: make install PREFIX=\$HOME/.local)"
# A fresh copy: files of an older build must not linger beside the new one.
staging="$(mktemp -d "$prefix/lib/.dbops.XXXXXX")"
cp -a "$publish/." "$staging/"
# Without the debug symbols (dbops.dbg, 80 MB beside the 38 MB executable in the build of 2026-12-02): nothing at run time
# reads them. They stay in PUBLISH_DIR (out/dbops-publish/dbops.dbg after `make dbops-publish`)
# for symbolising a core dump or a native stack (gdb/lldb: add-symbol-file, or beside the binary).
rm -f "$staging"/*.dbg
rm -rf "$lib"
mv "$staging" "$lib"
chmod 0755 "$lib"
ln -sfn "../lib/dbops/dbops" "$bin/dbops"

# The proof: the installed command runs.
"$bin/dbops" --version >/dev/null || die "$bin/dbops does not run"
echo "installed dbops $("$bin/dbops" --version) as $bin/dbops" >&2
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "install-dbops: $bin is not on PATH; add it (export PATH=\"$bin:\$PATH\") to call dbops by name" >&2 ;;
esac
