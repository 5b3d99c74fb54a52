#!/usr/bin/env bash
# Reproducible-build check. Builds the release twice, each time in a fresh copy of the work tree
# at a different path (target/reproducible/first and target/reproducible/second-copy), with
#   mvn -B -q -Prelease -Dmaven.test.skip=true -Dgripcast.cds.skip=true clean deploy
# (tests are neither compiled nor run: `mvn -B verify` runs them)
# and compares byte for byte what a release ships: every file staged in target/staging-deploy
# (POMs, jars, sources and javadoc jars, their checksums) and the CLI's fat jar gripcast.jar. It
# leaves out only what cannot be the same twice: maven-metadata.xml (it records the deploy time),
# .asc signatures, the snapshot timestamp in staged file names, and the class-data-sharing archive
# (gripcast.jsa, made for the JVM of the machine that builds it: not built here at all).
#
# The copy holds what git sees (committed, changed and untracked-but-not-ignored files), so the
# check covers uncommitted work too. The first build runs the whole reactor, benchmarks and
# examples included, and its staging directory is left for .ci/check-staging.sh:
#   .ci/check-staging.sh target/reproducible/first/target/staging-deploy
# The second builds only the published modules and the modules they need. Extra arguments go to
# both mvn runs.
# Exit status: 0 when both builds are identical, 1 when they differ, mvn's when a build fails.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=target/reproducible
rm -rf "$out"
mkdir -p "$out"

copy_tree() {
  local dst=$1
  mkdir -p "$dst"
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard |
      while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
      tar --null -T - -cf - | tar -xf - -C "$dst"
  else
    tar --exclude=./target --exclude='./*/target' --exclude='./examples/*/target' -cf - . | tar -xf - -C "$dst"
  fi
}

build() {
  local dir=$1
  shift
  local start=$SECONDS
  copy_tree "$dir"
  (cd "$dir" && mvn -B -q -Dstyle.color=never -Prelease -Dmaven.test.skip=true -Dgripcast.cds.skip=true "$@" clean deploy)
  echo ".ci/reproducible.sh: built $dir in $((SECONDS - start)) s"
}

# "name sha256 path" for everything that a release ships: name is the path with the snapshot
# timestamp made neutral, path the file itself (relative to the build's directory)
inventory() {
  (
    cd "$1"
    find target/staging-deploy -type f ! -name 'maven-metadata*' ! -name '*.asc' ! -name '*.asc.*' -print0 |
      sort -z | xargs -0 sha256sum
    sha256sum publisher-cli/target/gripcast.jar
  ) | awk '{n = $2; sub(/^target\/staging-deploy\//, "", n); print n, $1, $2}' |
    sed -E 's/-[0-9]{8}\.[0-9]{6}-[0-9]+([^ ]* [0-9a-f]+ )/-SNAPSHOT\1/'
}

build "$out/first" "$@"
# the published modules and what they need to build (-am), benchmarks and examples left out
build "$out/second-copy" -pl .,publisher-testing,publisher-core,publisher-cli,gripcast-micrometer,publisher-relay,gripcast-bom -am "$@"

inventory "$out/first" >"$out/first.sha256"
inventory "$out/second-copy" >"$out/second-copy.sha256"
if ! grep -q '\.jar ' "$out/first.sha256"; then
  echo ".ci/reproducible.sh: nothing staged in $out/first" >&2
  exit 1
fi

if diff -u <(cut -d' ' -f1,2 "$out/first.sha256") <(cut -d' ' -f1,2 "$out/second-copy.sha256") >"$out/diff.txt"; then
  echo ".ci/reproducible.sh: $(grep -c '\.jar ' "$out/first.sha256") jars and $(grep -c '\.pom ' "$out/first.sha256") POMs, with their checksums, identical in both builds"
  exit 0
fi

echo ".ci/reproducible.sh: the two builds differ:" >&2
cat "$out/diff.txt" >&2
# for each jar that differs, the entries whose content differs (none listed: only order or times)
entries() { unzip -lv "$1" | awk 'NF >= 8 && $7 ~ /^[0-9a-f]{8}$/ {print $7, $8}' | sort -k2; }
grep '^-[^-]' "$out/diff.txt" | cut -c2- | awk '$1 ~ /\.jar$/ {print $1}' | while read -r name; do
  a=$(awk -v n="$name" '$1 == n {print $3}' "$out/first.sha256")
  b=$(awk -v n="$name" '$1 == n {print $3}' "$out/second-copy.sha256")
  [[ -n $a && -n $b ]] || continue
  echo "--- $name: entries that differ (CRC-32, name)" >&2
  diff <(entries "$out/first/$a") <(entries "$out/second-copy/$b") >&2 || true
done
exit 1
