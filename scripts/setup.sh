#!/usr/bin/env bash
# Prepares this checkout for building and testing: a .venv with the package (editable) and the
# pinned Python deps, and Debian's Pango and fonts for the PDF; with --test also Debian's Chromium and the pinned Node tools. Idempotent.
#
#   scripts/setup.sh                 build deps only, then: .venv/bin/constitution build
#   scripts/setup.sh --test          + Chromium (apt, if /usr/bin/chromium is missing) + npm ci
#   scripts/setup.sh --with-browser  + Chromium only
#   scripts/setup.sh --with-node     + npm ci only
#   scripts/setup.sh --lock          re-resolve requirements.lock after a pyproject.toml change
#                                    (keeps existing pins where they still fit), then set up
#   scripts/setup.sh --upgrade-lock  the same, moving every pin to the newest allowed release
#
# Environment: PYTHON (interpreter to build .venv from; default python3.11, else python3),
# SETUP_FORCE=1 (reinstall even when nothing changed).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)

# Bumping this pin changes how the lock file is written, so it is pinned like everything else.
pip_tools_version=7.6.2

with_browser=0
with_node=0
relock=0
upgrade=()
for arg in "$@"; do
    case "$arg" in
        --test) with_browser=1; with_node=1 ;;
        --with-browser) with_browser=1 ;;
        --with-node) with_node=1 ;;
        --lock) relock=1 ;;
        --upgrade-lock) relock=1; upgrade=(--upgrade) ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "setup.sh: unknown option: $arg (try --help)" >&2; exit 2 ;;
    esac
done

log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root (CI, dev machines), else through sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

apt_updated=0
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine has no package lists, so install fails without an update first.
    if [ "$apt_updated" -eq 0 ]; then
        as_root apt-get update -qq
        apt_updated=1
    fi
    as_root apt-get install -y -qq --no-install-recommends "$@"
}

python_ok() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

pick_python() {
    local candidate
    for candidate in ${PYTHON:-} python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    die "no Python >= 3.11 found (set PYTHON=/path/to/python3.11)"
}

# pip, quietly: this machine's pip.conf lists local mirror folders, and pip warns once per package
# about each folder that lacks it. Those lines hide real messages, so only they are dropped.
pip_quiet() {
    "$@" 2> >(grep -v "^WARNING: Location 'file:///" >&2)
}

stamp_of() {
    # What the installed state depends on; a change in any of these triggers a reinstall.
    cat "$@" | sha256sum | cut -d' ' -f1
}

# --- lock file -------------------------------------------------------------------------------
if [ "$relock" -eq 1 ]; then
    started=$SECONDS
    lock_venv=$(mktemp -d)
    trap 'rm -rf "$lock_venv"' EXIT
    "$(pick_python)" -m venv "$lock_venv"
    pip_quiet "$lock_venv/bin/python" -m pip install -q "pip-tools==$pip_tools_version"
    # --strip-extras keeps the file usable as a pip constraints file (-c);
    # --all-build-deps --allow-unsafe also pin setuptools, the build backend.
    pip_quiet "$lock_venv/bin/pip-compile" -q ${upgrade[@]+"${upgrade[@]}"} \
        --extra site --extra test --all-build-deps --strip-extras --allow-unsafe \
        --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml
    log "requirements.lock regenerated ($((SECONDS - started))s)"
fi

# --- Python ----------------------------------------------------------------------------------
started=$SECONDS
[ -f requirements.lock ] || die "requirements.lock is missing (run scripts/setup.sh --lock)"

if [ -x .venv/bin/python ] && ! python_ok .venv/bin/python; then
    log ".venv is broken or older than Python 3.11: recreating it"
    rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
    python=$(pick_python)
    log "creating .venv with $python ($("$python" --version 2>&1))"
    if ! "$python" -m venv .venv 2>/dev/null; then
        # Debian splits venv/ensurepip out of the interpreter: a fresh machine may lack it.
        rm -rf .venv
        log "the venv module is missing: installing Debian python3-venv"
        apt_install python3-venv
        "$python" -m venv .venv
    fi
fi

# Every package that pyproject.toml pulls in (with the site and test extras, transitively) must be
# pinned in requirements.lock; a dependency added without re-locking is installed unpinned.
check_lock_covers_pyproject() {
    .venv/bin/python - <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, distribution

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pinned = set()
with open("requirements.lock", encoding="utf-8") as lock:
    for line in lock:
        requirement = line.split("#", 1)[0].strip()
        if requirement:
            pinned.add(canonicalize_name(Requirement(requirement).name))

unpinned, seen = [], set()
todo = [("constitution-compiler", frozenset({"site", "test"}))]
while todo:
    name, extras = todo.pop()
    if (name, extras) in seen:
        continue
    seen.add((name, extras))
    try:
        requires = distribution(name).requires or []
    except PackageNotFoundError:
        continue  # not installed for this platform or Python; pip check reports real gaps
    for line in requires:
        requirement = Requirement(line)
        wanted_by = [{"extra": extra} for extra in extras] or [{"extra": ""}]
        if requirement.marker and not any(requirement.marker.evaluate(e) for e in wanted_by):
            continue
        key = canonicalize_name(requirement.name)
        if key not in pinned and key not in unpinned:
            unpinned.append(key)
        todo.append((key, frozenset(requirement.extras)))

if unpinned:
    print("not pinned in requirements.lock: " + ", ".join(sorted(unpinned)), file=sys.stderr)
    sys.exit(1)
PY
}

# Writes the bytecode of every module below the given directories. Python would write it on
# first import, but not where bytecode writing is off (PYTHONDONTWRITEBYTECODE, a read-only
# checkout): there every command would compile mkdocs, its theme's code and the compiler again at
# each start, which is most of the time a small build or `constitution check` takes.
compile_bytecode() {
    .venv/bin/python -m compileall -q -j 0 "$@" >/dev/null 2>&1 \
        || log "note: some modules could not be compiled to bytecode (they compile on import)"
}

package_installed() {
    .venv/bin/python -c 'import importlib.metadata as m; m.distribution("constitution-compiler")' \
        >/dev/null 2>&1
}

py_stamp=$(stamp_of requirements.lock pyproject.toml)
if [ "${SETUP_FORCE:-0}" != 1 ] && [ -f .venv/.setup-stamp ] \
    && [ "$(cat .venv/.setup-stamp)" = "$py_stamp" ] && package_installed; then
    log "Python deps up to date"
else
    export PIP_DISABLE_PIP_VERSION_CHECK=1
    # The pinned build backend goes into the venv first, so the editable build below needs no
    # isolated build env (faster, and its setuptools is the locked one, not the newest).
    # --no-compile halves the install time: the bytecode is compiled below, in parallel.
    pip_quiet .venv/bin/python -m pip install -q --no-compile -c requirements.lock setuptools
    pip_quiet .venv/bin/python -m pip install -q --no-compile --no-build-isolation \
        -c requirements.lock -e '.[site,test]'
    .venv/bin/python -m pip check
    if ! check_lock_covers_pyproject; then
        # CI must not pass on unpinned packages; locally a warning keeps work going.
        case "${CI:-}" in
            ""|0|false|no) log "warning: requirements.lock is stale: run scripts/setup.sh --lock" ;;
            *) die "requirements.lock is stale: run scripts/setup.sh --lock and commit it" ;;
        esac
    fi
    echo "$py_stamp" > .venv/.setup-stamp
    log "Python deps installed ($((SECONDS - started))s)"
fi
if [ ! -f .venv/.bytecode-stamp ] || [ "$(cat .venv/.bytecode-stamp)" != "$py_stamp" ]; then
    started=$SECONDS
    compile_bytecode .venv/lib/python3*/site-packages
    echo "$py_stamp" > .venv/.bytecode-stamp
    log "Python deps compiled to bytecode ($((SECONDS - started))s)"
fi
# The package's own modules, every time (they change between runs; compiling is quick).
compile_bytecode compiler

# --- Pango and fonts for the PDF ---------------------------------------------------------------
# WeasyPrint (the print version's PDF, the plugin's `pdf` option) lays out text with Debian's Pango
# and its fonts with fontconfig; the PDF uses the DejaVu fonts, so every machine makes the same one.
pdf_libs_missing() {
    local lib
    for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz.so.0 libfontconfig.so.1; do
        ldconfig -p 2>/dev/null | grep -q "$lib" || return 0
    done
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf ] || return 0
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || return 0
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf ] || return 0
    return 1
}
if pdf_libs_missing; then
    started=$SECONDS
    log "installing Debian's Pango and DejaVu fonts (for the PDF)"
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 \
        fonts-dejavu
    log "Pango installed ($((SECONDS - started))s)"
fi

# --- Chromium --------------------------------------------------------------------------------
if [ "$with_browser" -eq 1 ]; then
    started=$SECONDS
    if [ -x /usr/bin/chromium ]; then
        log "Chromium present: /usr/bin/chromium"
    else
        # Playwright's own browser download cannot work here; Debian's build is what tests launch.
        log "installing Debian chromium"
        apt_install chromium fonts-liberation
        [ -x /usr/bin/chromium ] || die "installed chromium, yet /usr/bin/chromium is missing"
        log "Chromium installed ($((SECONDS - started))s)"
    fi
fi

# --- Node tools ------------------------------------------------------------------------------
if [ "$with_node" -eq 1 ]; then
    started=$SECONDS
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        log "installing Debian nodejs and npm"
        apt_install nodejs npm
    fi
    node_stamp=$(stamp_of package.json package-lock.json)
    if [ "${SETUP_FORCE:-0}" != 1 ] && [ -f node_modules/.setup-stamp ] \
        && [ "$(cat node_modules/.setup-stamp)" = "$node_stamp" ] \
        && [ -x node_modules/.bin/ajv ]; then
        log "Node tools up to date"
    else
        npm ci --no-audit --no-fund --loglevel=error
        echo "$node_stamp" > node_modules/.setup-stamp
        log "Node tools installed ($((SECONDS - started))s)"
    fi
fi

log "ready in $repo_root"
