#!/usr/bin/env bash
# What `npm test` needs beyond npm packages, installed only where missing (so a second run
# costs a second): PyTorch and torchvision from Debian (the outside oracle for parameter counts),
# Neovim and Emacs with eglot (docs/editors.md is tested in them), and for the end-to-end test
# Debian's chromium and a local code-server (test/e2e/setup.sh). Needs root and Debian's
# packages; on a machine without them, install these by hand and set NETLENS_SKIP_TEST_DEPS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${NETLENS_SKIP_TEST_DEPS:-}" = 1 ] && exit 0

need=()
/usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null || need+=(python3-torch python3-torchvision)
command -v nvim >/dev/null || need+=(neovim)
command -v emacs >/dev/null || need+=(emacs-nox)
ls /usr/share/emacs/site-lisp/elpa 2>/dev/null | grep -q '^eglot' || need+=(elpa-eglot)
if [ ${#need[@]} -gt 0 ]; then
  echo "== test dependencies from Debian: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
bash test/e2e/setup.sh
