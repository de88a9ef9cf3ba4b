#!/usr/bin/env bash
# Set-up for the end-to-end test (test/e2e/vscode.e2e.ts): Debian's chromium, ripgrep and the
# Kerberos headers, then code-server (VS Code in a browser) installed into test/e2e/.tools.
# Idempotent: each step is skipped when already done. Works offline except for the npm registry
# and Debian's packages. Prints how long each step took.
set -euo pipefail
cd "$(dirname "$0")"
E2E_DIR=$(pwd)
TOOLS="$E2E_DIR/.tools"
CODE_SERVER_VERSION=4.100.3
RIPGREP_PKG_VERSION=1.15.11   # the @vscode/ripgrep that code-server 4.100.3 depends on
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

t_all=$(date +%s)
step() { t_step=$(date +%s); echo "== e2e set-up: $*"; }
done_step() { echo "   ($(( $(date +%s) - t_step )) s)"; }

# 1. System packages, only those missing.
step "system packages (chromium ripgrep libkrb5-dev)"
missing=()
for p in chromium ripgrep libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "   installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run (CI's or a neighbour's) may hold the lock: wait for it rather than fail.
  apt_opts=(-o DPkg::Lock::Timeout=600)
  for try in 1 2 3 4 5 6; do
    apt-get "${apt_opts[@]}" update -qq && break
    [ "$try" = 6 ] && exit 1
    echo "   apt-get update failed (try $try); again in 20 s"; sleep 20
  done
  apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "   already installed"
fi
done_step

# 2. @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache has the asset:
#    a tarball of Debian's rg stands in for it.
step "ripgrep cache"
RG_CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
if [ ! -s "$RG_CACHE/$RIPGREP_ASSET" ]; then
  mkdir -p "$RG_CACHE"
  stage=$(mktemp -d)
  cp /usr/bin/rg "$stage/rg"
  tar -czf "$RG_CACHE/$RIPGREP_ASSET.partial" -C "$stage" rg
  mv "$RG_CACHE/$RIPGREP_ASSET.partial" "$RG_CACHE/$RIPGREP_ASSET"
  rm -rf "$stage"
  echo "   made $RG_CACHE/$RIPGREP_ASSET from /usr/bin/rg"
else
  echo "   already there"
fi
done_step

# 3. code-server, into its own npm prefix (not the repo's node_modules, not -g).
step "code-server@$CODE_SERVER_VERSION in test/e2e/.tools"
CS_PKG="$TOOLS/node_modules/code-server/package.json"
CS_RG="$TOOLS/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
if [ -f "$TOOLS/.installed-$CODE_SERVER_VERSION" ] && [ -f "$CS_PKG" ] \
   && [ -x "$TOOLS/node_modules/.bin/code-server" ] && [ -x "$CS_RG" ]; then
  echo "   already installed"
else
  mkdir -p "$TOOLS"
  [ -f "$TOOLS/package.json" ] || echo '{ "name": "netlens-e2e-tools", "private": true }' > "$TOOLS/package.json"
  export npm_config_unsafe_perm=true npm_config_yes=true
  (cd "$TOOLS" && npm install --no-audit --no-fund --no-save --prefix "$TOOLS" "code-server@$CODE_SERVER_VERSION")
  node -e "const v=require('$CS_PKG').version; if (v !== '$CODE_SERVER_VERSION') { console.error('code-server', v); process.exit(1); }"
  [ -x "$CS_RG" ] || { echo "code-server installed without ripgrep ($CS_RG)" >&2; exit 1; }
  touch "$TOOLS/.installed-$CODE_SERVER_VERSION"
fi
done_step

echo "   code-server $(node -p "require('$CS_PKG').version"), $(chromium --version 2>/dev/null | head -1)"
echo "== e2e set-up done in $(( $(date +%s) - t_all )) s"
