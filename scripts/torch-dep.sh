#!/usr/bin/env bash
# The demo trains with PyTorch (the tfjs engine is not written yet). On a Debian machine where we
# are root and torch is missing, install Debian's python3-torch; elsewhere, say how and go on
# (the demo then analyses without training).
set -uo pipefail
[ "${NETLENS_SKIP_TEST_DEPS:-}" = 1 ] && exit 0
for py in "${NETLENS_PYTHON:-}" python3 /usr/bin/python3; do
  [ -n "$py" ] && "$py" -c 'import torch' 2>/dev/null && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "== installing Debian's python3-torch for the training part of the demo"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends python3-torch >/dev/null || echo "could not install python3-torch; the demo will analyse without training"
else
  echo "PyTorch not found: install it (apt-get install python3-torch, or pip install torch) for the training part of the demo"
fi
exit 0
