#!/usr/bin/env bash
# Builds the release again from the committed tree (`git archive HEAD` into a temporary directory,
# fresh `npm ci`, `npm run package` with the commit's time as SOURCE_DATE_EPOCH) and compares it
# with a build of the same commit: the file lists (names, modes, owners, mtimes) and the bytes of
# every JavaScript file must be equal, no file may name the directory it was built in, and the
# artifacts themselves must be identical (so SHA256SUMS is reproducible too).
#
# Usage: bash test/install/check-reproducible.sh [dist/release]
#   The given directory holds the build to compare with (made by `npm run package` from a clean
#   checkout of HEAD); without it, two builds are made from the archive, in two directories.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=test/install/support.sh
source "$ROOT/test/install/support.sh"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rds-agent-repro.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
VERSION="$(node -p "require('$ROOT/packages/agent/package.json').version")"
TGZ="rds-agent-$VERSION-linux-x64.tar.gz"
DEB="rds-agent_${VERSION}_amd64.deb"
COMMIT="$(git -C "$ROOT" rev-parse HEAD)"
EPOCH="$(git -C "$ROOT" log -1 --format=%ct)"

# build_from_archive <name>: a build of HEAD in $WORK/<name>/src, artifacts in $WORK/<name>/out.
build_from_archive() {
  local src="$WORK/$1/src"
  mkdir -p "$src" "$WORK/$1/out"
  git -C "$ROOT" archive --format=tar HEAD | tar -x -C "$src"
  (cd "$src" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null)
  (cd "$src" && SOURCE_DATE_EPOCH="$EPOCH" RDS_AGENT_BUILD_COMMIT="$COMMIT" npm run package --silent -- --out "$WORK/$1/out")
}

if [[ $# -ge 1 ]]; then
  A="$(cd "$1" && pwd)"
  A_SRC="$ROOT"
  grep -q "^commit: $COMMIT\$" <(tar -xzOf "$A/$TGZ" "rds-agent-$VERSION-linux-x64/RELEASE") \
    || fail "$A was not built from a clean checkout of HEAD ($COMMIT): commit, then npm run package"
else
  step "build 1 of HEAD ($COMMIT) from git archive"
  build_from_archive one
  A="$WORK/one/out" A_SRC="$WORK/one/src"
fi
step "build 2 of HEAD ($COMMIT) from git archive, in another directory"
build_from_archive two
B="$WORK/two/out" B_SRC="$WORK/two/src"

step "compare"
for side in a b; do
  dir=$A; [[ $side == b ]] && dir=$B
  mkdir -p "$WORK/$side/tgz" "$WORK/$side/deb"
  tar -tvzf "$dir/$TGZ" --numeric-owner --full-time >"$WORK/$side/tgz.list"
  dpkg-deb -c "$dir/$DEB" >"$WORK/$side/deb.list"
  tar -xzf "$dir/$TGZ" -C "$WORK/$side/tgz"
  dpkg-deb -x "$dir/$DEB" "$WORK/$side/deb"
  (cd "$WORK/$side" && find tgz deb -type f \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \) -print0 | sort -z | xargs -0 sha256sum) >"$WORK/$side/js.sha256"
done
diff "$WORK/a/tgz.list" "$WORK/b/tgz.list" >/dev/null || { diff "$WORK/a/tgz.list" "$WORK/b/tgz.list" | head -n 10; fail "the tarballs list different files"; }
diff "$WORK/a/deb.list" "$WORK/b/deb.list" >/dev/null || { diff "$WORK/a/deb.list" "$WORK/b/deb.list" | head -n 10; fail "the .debs list different files"; }
diff "$WORK/a/js.sha256" "$WORK/b/js.sha256" >/dev/null || { diff "$WORK/a/js.sha256" "$WORK/b/js.sha256" | head -n 10; fail "JavaScript files differ"; }
echo "  same file lists ($(wc -l <"$WORK/a/tgz.list") tarball entries, $(wc -l <"$WORK/a/deb.list") .deb entries), same bytes in all $(wc -l <"$WORK/a/js.sha256") JavaScript files"

for src in "$A_SRC" "$B_SRC"; do
  if grep -rlF "$src" "$WORK/a" "$WORK/b" --exclude='*.list' --exclude='*.sha256' >"$WORK/paths.txt"; then
    head -n 5 "$WORK/paths.txt"; fail "files name the build directory $src"
  fi
done
echo "  no file names the directory it was built in"

for f in "$TGZ" "$DEB" SHA256SUMS; do
  cmp -s "$A/$f" "$B/$f" || fail "$f differs between the two builds (lists and JavaScript are equal: look at compression or metadata)"
done
echo "  $TGZ, $DEB and SHA256SUMS identical: $(cut -c1-16 "$A/SHA256SUMS" | paste -sd' ')"

printf '\nreproducible: OK\n'
