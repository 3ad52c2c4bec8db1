#!/usr/bin/env bash
# The test command: bash scripts/test.sh [pytest args...]
# From a fresh clone (as root or a normal user, no stdin) it installs what the tests need —
# Debian's chromium for the browser tests and the .venv from requirements-dev.txt — then runs pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

die() { printf '\n!!!!!!!!!!\n!!! ERROR: %s\n!!!!!!!!!!\n\n' "$*" >&2; exit 1; }

# 1. System packages (apt), only what is missing. `need` is required; `want` (fonts, so that
#    screenshots show real glyphs, emoji and the Chinese pages' CJK text rather than boxes) only
#    warns if it cannot be installed.
need=() want=()
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ -x .venv/bin/python ]] || python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
for p in fonts-liberation fonts-noto-core fonts-noto-color-emoji fonts-noto-cjk; do
  dpkg -s "$p" &>/dev/null || want+=("$p")
done
pkgs=("${need[@]}" "${want[@]}")
if ((${#pkgs[@]})); then
  as_root=()
  [[ $(id -u) -eq 0 ]] || as_root=(sudo -n)
  if ! command -v apt-get >/dev/null || { ((${#as_root[@]})) && ! sudo -n true 2>/dev/null; }; then
    ((${#need[@]} == 0)) || die "cannot apt-get install ${need[*]} (needs apt-get, and root or passwordless sudo); install them and re-run"
    echo "WARNING: fonts not installed (${want[*]}): screenshots may show boxes instead of some glyphs" >&2
  else
    echo "== apt-get install ${pkgs[*]}"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q || die "apt-get update failed"
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pkgs[@]}" \
      || die "apt-get install ${pkgs[*]} failed"
  fi
  [[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium is missing after apt-get install chromium"
fi

# 2. Python environment.
python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "python3 is $(python3 -V 2>&1); Streamlit 1.67 needs Python >= 3.11"
if [[ ! -x .venv/bin/python ]]; then
  echo "== creating .venv"
  python3 -m venv .venv || die "python3 -m venv .venv failed"
fi
echo "== pip install -r requirements-dev.txt"
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt \
  || die "pip install -r requirements-dev.txt failed"

# 3. Tests. Exit code 5 = "no tests collected": a failure, never a silent pass.
echo "== pytest $*"
rc=0
.venv/bin/python -m pytest "$@" || rc=$?
if ((rc == 5)); then die "pytest collected no tests (exit code 5); args: ${*:-<none>}"; fi
exit "$rc"
