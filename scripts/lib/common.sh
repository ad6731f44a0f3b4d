# Shared by scripts/test.sh and scripts/start.sh (sourced, not run).
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ONNXRUNTIME_NODE_INSTALL=skip

log() { printf '\n==> %s\n' "$*"; }

# Runs one named stage; on failure prints which stage failed and exits with its status.
CURRENT_STAGE=""
stage() {
  local name="$1"; shift
  CURRENT_STAGE="$name"
  log "[$name] $*"
  local started=$SECONDS rc=0
  "$@" || rc=$?
  if [[ $rc -ne 0 ]]; then
    printf '\n==> FAILED at stage "%s" (exit %d after %ds): %s\n' "$name" "$rc" "$((SECONDS - started))" "$*" >&2
    exit "$rc"
  fi
  printf '==> [%s] ok (%ds)\n' "$name" "$((SECONDS - started))"
  STAGE_TIMES+=("$name=$((SECONDS - started))s")
}
STAGE_TIMES=()

# npm ci (npm install without a lockfile) when node_modules is missing or older than package-lock.json.
ensure_node_modules() {
  cd "$REPO_ROOT"
  local marker=node_modules/.package-lock.json
  if [[ -f package-lock.json ]]; then
    if [[ -f "$marker" && ! package-lock.json -nt "$marker" ]]; then
      echo "node_modules is up to date with package-lock.json"
      return 0
    fi
    echo "running: ONNXRUNTIME_NODE_INSTALL=skip npm ci"
    npm ci --no-audit --no-fund
  else
    if [[ -f "$marker" && ! package.json -nt "$marker" ]]; then
      echo "node_modules is up to date with package.json (no lockfile)"
      return 0
    fi
    echo "running: ONNXRUNTIME_NODE_INSTALL=skip npm install (no package-lock.json)"
    npm install --no-audit --no-fund
  fi
}

# Every platform's VSIX (npm run package), then the check of what each carries.
package_and_check() {
  cd "$REPO_ROOT" && node scripts/package.mjs && npx --no-install mocha --config test/package/.mocharc.json
}

# The VSIX of this machine's platform, which the e2e suite installs.
host_vsix() {
  local version target
  version=$(node -p "require('$REPO_ROOT/package.json').version")
  target=$(node -p "process.platform + '-' + process.arch")
  echo "$REPO_ROOT/.package/genai-studio-$version-$target.vsix"
}
