#!/usr/bin/env bash
# Checks a release staging directory, as `mvn -B -Prelease -DskipTests clean deploy` leaves it in
# target/staging-deploy, against what Maven Central validates, before anything is uploaded.
#
# usage: .ci/check-staging.sh [--release] [STAGING_DIR]     (default: target/staging-deploy)
#
# It requires:
#  - exactly the published artifacts under io/gripcast/: gripcast-parent and gripcast-bom (POMs),
#    publisher-testing, publisher-core, publisher-cli, gripcast-micrometer (jars); nothing else, so nothing from
#    benchmarks or the examples, and no other directory or file anywhere;
#  - one version, the same for all, and in each version directory exactly the expected files:
#    the POM; for the jar modules also the jar, -sources.jar and -javadoc.jar; for every one of
#    these .md5 and .sha1 (.sha256 and .sha512 may come too, then for every file), each holding
#    the right digest; .asc signatures for none or for all of them (and their checksums, which
#    Maven 3.8 adds). Snapshot versions are accepted as Maven deploys them: one
#    <version-without-SNAPSHOT>-<yyyyMMdd.HHmmss>-<n> stamp for all files of an artifact, and a
#    maven-metadata.xml (maven-metadata.xml files, and their checksums, may also sit beside the
#    version directories: the deploy writes them; a Central bundle leaves them out);
#  - POMs that say what they are (groupId, artifactId, version, packaging; a parent, if any, being
#    gripcast-parent at the same version; the BOM having none) and that carry, themselves or through
#    the staged parent, the metadata Central requires: name, description, url, licenses,
#    developers, scm; the BOM pinning publisher-core, -testing, -cli and gripcast-micrometer at its
#    own version and nothing else;
#  - jars that are what they say: the main jar's manifest names the version (Implementation-Version)
#    and the jar holds classes; the sources jar holds .java files; the javadoc jar has index.html
#    and nothing of io.gripcast.internal.
# --release adds what only a real release must have: a version without -SNAPSHOT (in the POMs'
# dependencies too) and an .asc signature for every POM and jar.
#
# Exit status 0 when all holds; 1, after listing every problem, when not; 2 on bad usage.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
command -v python3 >/dev/null || { echo ".ci/check-staging.sh: needs python3" >&2; exit 2; }

GRIPCAST_DEFAULT_STAGING="$repo/target/staging-deploy" exec python3 - "$@" <<'PY'
import hashlib, os, re, sys, zipfile
import xml.etree.ElementTree as ET

# The published artifacts and their packaging. Change this list together with the modules that
# are published (the parent's <modules>, and maven.deploy.skip in those that are not).
PUBLISHED = {
    "gripcast-parent": "pom",
    "gripcast-bom": "pom",
    "publisher-testing": "jar",
    "publisher-core": "jar",
    "publisher-cli": "jar",
    "gripcast-micrometer": "jar",
    "publisher-relay": "jar",
}
GROUP = "io.gripcast"
BOM_PINS = {"publisher-core", "publisher-testing", "publisher-cli", "gripcast-micrometer", "publisher-relay"}
REQUIRED_SUMS = ("md5", "sha1")
OPTIONAL_SUMS = ("sha256", "sha512")
ALGOS = {"md5": hashlib.md5, "sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}

args = sys.argv[1:]
release = "--release" in args
args = [a for a in args if a != "--release"]
if len(args) > 1 or any(a.startswith("-") for a in args):
    print("usage: .ci/check-staging.sh [--release] [STAGING_DIR]", file=sys.stderr)
    sys.exit(2)
root = args[0] if args else os.environ["GRIPCAST_DEFAULT_STAGING"]

problems = []
def problem(msg):
    problems.append(msg)

def done():
    if problems:
        print(f".ci/check-staging.sh: {root}: {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print("  - " + p, file=sys.stderr)
        sys.exit(1)

if not os.path.isdir(root):
    print(f".ci/check-staging.sh: no staging directory {root}; stage with "
          "`mvn -B -Prelease -DskipTests clean deploy`", file=sys.stderr)
    sys.exit(1)

# every file, relative to root
files = []
for d, _, names in os.walk(root):
    for n in names:
        files.append(os.path.relpath(os.path.join(d, n), root))
files.sort()
base = GROUP.replace(".", "/") + "/"

by_artifact = {}
for f in files:
    if not f.startswith(base):
        problem(f"unexpected file outside {base}: {f}")
        continue
    parts = f[len(base):].split("/")
    by_artifact.setdefault(parts[0], []).append(parts[1:])
for a in sorted(set(by_artifact) - set(PUBLISHED)):
    problem(f"{GROUP}:{a} is staged but is not a published module")
for a in sorted(set(PUBLISHED) - set(by_artifact)):
    problem(f"{GROUP}:{a} is missing")
done()

def digest_ok(path, algo):
    with open(path + "." + algo, "rb") as fh:
        words = fh.read().decode("ascii", "replace").split()
    h = ALGOS[algo]()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return bool(words) and words[0].lower() == h.hexdigest()

def companions(main, names, where, need_asc):
    """The checksum and signature files of one main file; returns the names accounted for."""
    seen = set()
    for algo in REQUIRED_SUMS + OPTIONAL_SUMS:
        n = main + "." + algo
        if n in names:
            seen.add(n)
            if not digest_ok(os.path.join(where, main), algo):
                problem(f"{where}/{n} does not hold the file's {algo}")
        elif algo in REQUIRED_SUMS or algo in sums_in_use:
            problem(f"{where}/{n} is missing")
    asc = main + ".asc"
    if asc in names:
        seen.add(asc)
        with open(os.path.join(where, asc), "rb") as fh:
            if b"-----BEGIN PGP SIGNATURE-----" not in fh.read(200):
                problem(f"{where}/{asc} is no ASCII-armoured PGP signature")
        for algo in REQUIRED_SUMS + OPTIONAL_SUMS:
            if asc + "." + algo in names:
                seen.add(asc + "." + algo)
    elif need_asc:
        problem(f"{where}/{asc} is missing")
    return seen

# which optional digests are in use, and whether anything is signed: decided once, for all files
all_names = [os.path.basename(f) for f in files]
sums_in_use = {a for a in OPTIONAL_SUMS if any(n.endswith((".jar." + a, ".pom." + a)) for n in all_names)}
signed = release or any(n.endswith(".asc") for n in all_names)

versions = {}
for a in sorted(PUBLISHED):
    entries = by_artifact[a]
    where_ga = os.path.join(root, base, a)
    vdirs = sorted({e[0] for e in entries if len(e) > 1})
    for e in entries:
        if len(e) == 1 and not re.fullmatch(r"maven-metadata\.xml(\.(md5|sha1|sha256|sha512))?", e[0]):
            problem(f"unexpected file {where_ga}/{e[0]}")
        if len(e) > 2:
            problem(f"unexpected nested file {where_ga}/{'/'.join(e)}")
    if len(vdirs) != 1:
        problem(f"{GROUP}:{a} has {len(vdirs)} versions staged ({', '.join(vdirs) or 'none'}); expected one")
        continue
    versions[a] = vdirs[0]
if len(set(versions.values())) > 1:
    problem("the artifacts were staged at different versions: "
            + ", ".join(f"{a} {v}" for a, v in sorted(versions.items())))
done()

version = next(iter(versions.values()))
snapshot = version.endswith("-SNAPSHOT")
if release and snapshot:
    problem(f"--release: {version} is a snapshot version")

def ns_strip(tree):
    for el in tree.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.split("}", 1)[1]
    return tree

def text(el, path):
    x = el.find(path)
    return (x.text or "").strip() if x is not None and x.text else ""

poms = {}
for a, packaging in sorted(PUBLISHED.items()):
    where = os.path.join(root, base, a, version)
    names = set(os.listdir(where))
    if snapshot:
        stamps = {m.group(1) for n in names
                  for m in [re.match(re.escape(a) + "-" + re.escape(version[:-len("-SNAPSHOT")])
                                     + r"-(\d{8}\.\d{6}-\d+)[.-]", n)] if m}
        if len(stamps) != 1:
            problem(f"{where}: expected the files of one snapshot deploy, found stamps {sorted(stamps) or 'none'}"
                    " (stage after `clean`)")
            continue
        prefix = f"{a}-{version[:-len('-SNAPSHOT')]}-{stamps.pop()}"
    else:
        prefix = f"{a}-{version}"
    mains = [prefix + ".pom"]
    if packaging == "jar":
        mains += [prefix + ".jar", prefix + "-sources.jar", prefix + "-javadoc.jar"]
    accounted = set()
    for m in mains:
        if m not in names:
            problem(f"{where}/{m} is missing")
            continue
        accounted.add(m)
        accounted |= companions(m, names, where, signed)
    if snapshot:
        for n in names:
            if re.fullmatch(r"maven-metadata\.xml(\.(md5|sha1|sha256|sha512))?", n):
                accounted.add(n)
    for n in sorted(names - accounted):
        problem(f"unexpected file {where}/{n}")

    pom_path = os.path.join(where, prefix + ".pom")
    if os.path.exists(pom_path):
        try:
            poms[a] = ns_strip(ET.parse(pom_path)).getroot()
        except ET.ParseError as e:
            problem(f"{pom_path}: not well-formed XML: {e}")

    if packaging == "jar":
        jar = os.path.join(where, prefix + ".jar")
        if os.path.exists(jar):
            with zipfile.ZipFile(jar) as z:
                zn = z.namelist()
                mf = z.read("META-INF/MANIFEST.MF").decode("utf-8") if "META-INF/MANIFEST.MF" in zn else ""
                attrs = dict(re.findall(r"^([\w-]+): (.*)$", mf.replace("\r\n ", "").replace("\r", ""), re.M))
                if attrs.get("Implementation-Version") != version:
                    problem(f"{jar}: manifest Implementation-Version is {attrs.get('Implementation-Version')!r}, not {version!r}")
                if not attrs.get("Implementation-Title"):
                    problem(f"{jar}: manifest has no Implementation-Title")
                if not any(n.startswith("io/gripcast/") and n.endswith(".class") for n in zn):
                    problem(f"{jar}: no io/gripcast classes")
        src = os.path.join(where, prefix + "-sources.jar")
        if os.path.exists(src):
            with zipfile.ZipFile(src) as z:
                zn = z.namelist()
                if not any(n.startswith("io/gripcast/") and n.endswith(".java") for n in zn):
                    problem(f"{src}: no io/gripcast sources")
                if any(n.endswith(".class") for n in zn):
                    problem(f"{src}: holds .class files")
        doc = os.path.join(where, prefix + "-javadoc.jar")
        if os.path.exists(doc):
            with zipfile.ZipFile(doc) as z:
                zn = z.namelist()
                if "index.html" not in zn:
                    problem(f"{doc}: no index.html")
                internal = [n for n in zn if "io/gripcast/internal/" in n]
                if internal:
                    problem(f"{doc}: documents io.gripcast.internal ({internal[0]}, ...)")

# POM contents
def inherited(a, path):
    own = poms[a].find(path)
    if own is not None:
        return own
    if poms[a].find("parent") is not None and "gripcast-parent" in poms:
        return poms["gripcast-parent"].find(path)
    return None

for a, packaging in sorted(PUBLISHED.items()):
    if a not in poms:
        continue
    p = poms[a]
    parent = p.find("parent")
    label = f"{GROUP}:{a} POM"
    if parent is not None:
        got = (text(parent, "groupId"), text(parent, "artifactId"), text(parent, "version"))
        if got != (GROUP, "gripcast-parent", version):
            problem(f"{label}: parent is {':'.join(got)}, not {GROUP}:gripcast-parent:{version}")
    if a in ("gripcast-parent", "gripcast-bom") and parent is not None:
        problem(f"{label}: must have no parent")
    group = text(p, "groupId") or (text(parent, "groupId") if parent is not None else "")
    pversion = text(p, "version") or (text(parent, "version") if parent is not None else "")
    if group != GROUP:
        problem(f"{label}: groupId {group!r}")
    if text(p, "artifactId") != a:
        problem(f"{label}: artifactId {text(p, 'artifactId')!r}")
    if pversion != version:
        problem(f"{label}: version {pversion!r}, staged as {version}")
    if (text(p, "packaging") or "jar") != packaging:
        problem(f"{label}: packaging {text(p, 'packaging') or 'jar'!r}, expected {packaging}")
    for tag in ("name", "description"):
        if not text(p, tag):
            problem(f"{label}: no <{tag}> of its own")
    for path in ("url", "licenses/license/name", "licenses/license/url", "developers/developer/name",
                 "scm/connection", "scm/developerConnection", "scm/url"):
        el = inherited(a, path)
        if el is None or not (el.text or "").strip():
            problem(f"{label}: no <{path}>, neither its own nor its parent's")
    if release:
        for el in p.iter("version"):
            if (el.text or "").strip().endswith("-SNAPSHOT"):
                problem(f"{label}: --release: refers to a snapshot version {el.text.strip()}")

if "gripcast-bom" in poms:
    deps = poms["gripcast-bom"].findall("dependencyManagement/dependencies/dependency")
    pins = {}
    for d in deps:
        pins[(text(d, "groupId"), text(d, "artifactId"))] = text(d, "version")
    want = {(GROUP, a) for a in BOM_PINS}
    if set(pins) != want:
        problem("gripcast-bom pins " + ", ".join(sorted(":".join(k) for k in pins))
                + "; expected exactly " + ", ".join(sorted(":".join(k) for k in want)))
    for k, v in pins.items():
        if v not in ("${project.version}", version):
            problem(f"gripcast-bom pins {':'.join(k)} at {v!r}, not at its own version")
    if poms["gripcast-bom"].find("dependencies") is not None:
        problem("gripcast-bom declares dependencies; a BOM only manages them")

done()
count = len(files)
kind = "snapshot" if snapshot else "release"
sig = "signed" if signed else "unsigned"
print(f".ci/check-staging.sh: {root}: {len(PUBLISHED)} artifacts at {version} ({kind}, {sig}), "
      f"{count} files, all as expected")
PY
