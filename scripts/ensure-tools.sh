#!/usr/bin/env bash
# Checks the toolchain the Makefile needs and installs missing Debian packages.
# Usage: scripts/ensure-tools.sh [debian-package ...]
# Node.js 20+ and the .NET 10 SDK are not in Debian 12's archive; when they are
# missing this says where to get them instead of guessing. Node 20 is the floor because
# package.json's engines says so, and every locked package agrees: @pulumi/pulumi is pinned
# to 3.248.0, the newest release that declares node >=20 (3.249 and later declare >=22).
set -euo pipefail

fail() { echo "ensure-tools: $*" >&2; exit 2; }

if ! command -v node >/dev/null 2>&1; then
  fail "Node.js 20 or newer is required (https://nodejs.org or the NodeSource Debian repository)"
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || fail "Node.js $(node --version) found; 20 or newer is required"
command -v npm >/dev/null 2>&1 || fail "npm is required (it ships with Node.js)"

if ! command -v dotnet >/dev/null 2>&1; then
  fail "the .NET 10 SDK is required (https://dot.net, or Microsoft's Debian package feed: dotnet-sdk-10.0)"
fi
dotnet --list-sdks | grep -q '^10\.' || fail ".NET SDK 10 is required; found: $(dotnet --list-sdks | tr '\n' ' ')"

missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "ensure-tools: installing Debian packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
