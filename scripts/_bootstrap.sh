# shellcheck shell=bash
# Shared set-up for scripts/run, scripts/test and .ci/run: find Python 3.12+,
# make the virtual environment in .venv, install the project into it.
# Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
cd "$ROOT"

say() { printf '==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# True if $1 runs and is Python 3.12 or newer. (A pyenv shim for a version
# that is not selected exists on PATH but fails when run.)
python_ok() {
  "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1
}

# Print the interpreter to build .venv with: $PYTHON, then python3.14/3.13/3.12
# and python3 on PATH, then versions installed by pyenv.
find_python() {
  local candidate path root
  if [ -n "${PYTHON:-}" ]; then
    python_ok "$PYTHON" || die "PYTHON=$PYTHON is not a working Python 3.12 or newer."
    "$PYTHON" -c 'import sys; print(sys.executable)'
    return
  fi
  for candidate in python3.14 python3.13 python3.12 python3; do
    path="$(command -v "$candidate" 2>/dev/null)" || continue
    if python_ok "$path"; then
      "$path" -c 'import sys; print(sys.executable)'
      return
    fi
  done
  if root="$(pyenv root 2>/dev/null)" || root="${PYENV_ROOT:-$HOME/.pyenv}"; then
    while read -r candidate; do
      if [ -n "$candidate" ] && python_ok "$candidate/bin/python"; then
        echo "$candidate/bin/python"
        return
      fi
    done < <(printf '%s\n' "$root"/versions/3.* | sort -Vr)
  fi
  cat >&2 <<'TXT'
error: K-Drama Rewind needs Python 3.12 or newer, and none was found
(tried $PYTHON, python3.14, python3.13, python3.12, python3 and pyenv's versions).
Install one, for example:
    sudo apt-get install python3 python3-venv     # Debian 13 / Ubuntu 24.04 ship 3.12+
    pyenv install 3.13                            # anywhere pyenv works
or point the scripts at one: PYTHON=/path/to/python3.13 ./scripts/run
TXT
  exit 1
}

# Make .venv (again, if its Python is gone or too old) and install the
# project, with the extra named in $1 (e.g. "dev"). The install is skipped
# when pyproject.toml has not changed since the last one.
ensure_venv() {
  local extra="${1:-}" python spec stamp digest log
  if [ -e "$VENV" ] && ! python_ok "$VENV/bin/python"; then
    say "Replacing .venv: its Python is missing or older than 3.12"
    rm -rf "$VENV"
  fi
  if [ ! -e "$VENV" ]; then
    python="$(find_python)"
    say "Creating .venv with $("$python" --version) ($python)"
    if ! "$python" -m venv "$VENV"; then
      rm -rf "$VENV"
      die "$python could not make a virtual environment; on Debian or Ubuntu: sudo apt-get install python3-venv (or python3.X-venv for that version)"
    fi
  fi

  spec=".${extra:+[$extra]}"
  stamp="$VENV/.kdr-installed"
  digest="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  # A dev install also satisfies a plain one.
  if [ -f "$stamp" ] && grep -qx "$digest ${extra:-.*}" "$stamp"; then
    return
  fi
  say "Installing K-Drama Rewind${extra:+ with its $extra tools} into .venv (a minute the first time)"
  # pip's output is shown only if the install fails.
  if ! log="$("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec" 2>&1)"; then
    printf '%s\n' "$log" >&2
    die "pip could not install the project (its output is above)"
  fi
  echo "$digest ${extra:-base}" >"$stamp"
}

# The address `manage.py runserver "$@"` serves, as runserver reads its
# arguments: the first that is not an option is [addr:]port (127.0.0.1:8000
# without one, [::1]:8000 with -6); 0 or 0.0.0.0 listen everywhere, and
# this machine reaches them at 127.0.0.1.
serve_url() {
  local arg addrport="" ipv6="" skip="" host port
  for arg in "$@"; do
    if [ -n "$skip" ]; then skip=""; continue; fi
    case "$arg" in
      --settings|--pythonpath|-v|--verbosity) skip=1 ;;
      -6|--ipv6) ipv6=1 ;;
      -*) ;;
      *) addrport="$arg"; break ;;
    esac
  done
  if [ -z "$addrport" ]; then
    addrport="$([ -n "$ipv6" ] && echo "[::1]:8000" || echo "127.0.0.1:8000")"
  fi
  case "$addrport" in
    *:*) host="${addrport%:*}"; port="${addrport##*:}" ;;
    *) host="$([ -n "$ipv6" ] && echo "[::1]" || echo "127.0.0.1")"; port="$addrport" ;;
  esac
  case "$host" in
    0|0.0.0.0) host="127.0.0.1" ;;
    "[::]") host="[::1]" ;;
  esac
  echo "http://$host:$port/"
}

# The browser test drives Debian's Chromium (Playwright's own download is
# not used). Install it when we can; otherwise say how.
ensure_chromium() {
  local chromium="${KDR_CHROMIUM:-/usr/bin/chromium}"
  if [ -x "$chromium" ]; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Chromium for the browser test (apt-get install chromium chromium-driver)"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y -qq chromium chromium-driver >/dev/null \
      || { apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; }; then
      return
    fi
    echo "warning: Chromium could not be installed; the browser test will be skipped." >&2
  else
    echo "warning: Chromium is not installed, so the browser test will be skipped." >&2
    echo "         Install it with: sudo apt-get install chromium chromium-driver" >&2
  fi
}

# Varnish with the xkey vmod (varnish-modules), for the tests of the site
# behind Varnish and ./scripts/benchmark --front varnish. Each starts a
# varnishd of its own on a free port; Debian's varnish service (port 6081)
# is not needed, so one the package started is stopped again.
ensure_varnish() {
  if [ -x /usr/sbin/varnishd ] && compgen -G "/usr/lib/*/varnish/vmods/libvmod_xkey.so" >/dev/null; then
    return
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "Installing Varnish (apt-get install varnish varnish-modules)"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get install -y -qq varnish varnish-modules >/dev/null \
      || { apt-get update -qq && apt-get install -y -qq varnish varnish-modules >/dev/null; }; then
      if [ -x /etc/init.d/varnish ]; then
        /etc/init.d/varnish stop >/dev/null 2>&1 || true
      fi
      return
    fi
    echo "warning: Varnish could not be installed; the tests behind Varnish will be skipped." >&2
  else
    echo "warning: Varnish is not installed, so the tests behind Varnish will be skipped." >&2
    echo "         Install it with: sudo apt-get install varnish varnish-modules" >&2
  fi
}

# For the benchmark and the load test: wrk, and PostgreSQL and Redis running.
ensure_load_tools() {
  if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing wrk"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    else
      die "wrk is not installed: sudo apt-get install wrk"
    fi
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || die "PostgreSQL is not running on 127.0.0.1:5432"
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || die "Redis is not running on 127.0.0.1:6379"
}

# The Nu Html Checker (vnu.jar, from npm's vnu-jar package) checks every page
# type's markup in the test suite; it runs on Java. Installed into .tools/
# (git ignores it) by npm, once per version. Without npm or Java the check is
# skipped with a note, except in CI.
VNU_VERSION="26.9.27"
VNU_JAR="$ROOT/.tools/vnu-$VNU_VERSION/node_modules/vnu-jar/build/dist/vnu.jar"
ensure_vnu() {
  if [ ! -f "$VNU_JAR" ]; then
    if command -v npm >/dev/null 2>&1; then
      say "Installing the Nu Html Checker (npm install vnu-jar@$VNU_VERSION into .tools/)"
      npm install --silent --no-audit --no-fund --no-save \
        --prefix "$ROOT/.tools/vnu-$VNU_VERSION" "vnu-jar@$VNU_VERSION" >/dev/null \
        || echo "warning: vnu-jar could not be installed; the HTML check will be skipped." >&2
    else
      echo "warning: npm is not installed, so the HTML check will be skipped (apt-get install npm)." >&2
    fi
  fi
  if ! command -v java >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing Java for the Nu Html Checker (apt-get install default-jre-headless)"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null \
        || echo "warning: Java could not be installed; the HTML check will be skipped." >&2
    else
      echo "warning: Java is not installed, so the HTML check will be skipped." >&2
    fi
  fi
  if [ -f "$VNU_JAR" ]; then
    export KDR_VNU_JAR="$VNU_JAR"
  fi
}
