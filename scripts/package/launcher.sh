#!/bin/sh
# @WHAT@: runs on the Node.js runtime bundled in this release, never on a node found on PATH.
# Works from any place the release is unpacked to, and through symlinks (/usr/bin/rds-agent,
# /usr/local/bin/rds-agent).
set -e
release=$(dirname "$(dirname "$(readlink -f "$0")")")
exec "$release/runtime/bin/node" "$release/lib/node_modules/@ENTRY@" "$@"
