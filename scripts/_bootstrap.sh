# Shared set-up for scripts/run and scripts/test: find Python 3.12+, make the
# virtual environment, install the project. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
cd "$ROOT"

python_ok() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

find_python() {
  local candidate
  for candidate in ${PYTHON:-} python3.14 python3.13 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && python_ok "$(command -v "$candidate")"; then
      command -v "$candidate"
      return 0
    fi
  done
  # pyenv keeps interpreters outside PATH until one is selected.
  local root
  root="$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")"
  for candidate in $(ls -d "$root"/versions/3.* 2>/dev/null | sort -Vr); do
    if [ -x "$candidate/bin/python" ] && python_ok "$candidate/bin/python"; then
      echo "$candidate/bin/python"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  local extra="${1:-}"
  if [ -x "$VENV/bin/python" ] && ! python_ok "$VENV/bin/python"; then
    echo "The virtual environment in .venv uses a Python older than 3.12; making a new one."
    rm -rf "$VENV"
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    local python
    if ! python="$(find_python)"; then
      echo "K-Drama Rewind needs Python 3.12 or newer, and none was found." >&2
      echo "Install one (for example: apt-get install python3.12, or pyenv install 3.13)," >&2
      echo "or point PYTHON at it: PYTHON=/path/to/python3.13 $0" >&2
      exit 1
    fi
    echo "Creating .venv with $python ($("$python" --version))"
    "$python" -m venv "$VENV"
  fi
  echo "Installing K-Drama Rewind${extra:+ with [$extra]} into .venv"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e ".${extra:+[$extra]}"
}
