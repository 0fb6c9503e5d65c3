#!/usr/bin/env bash
# Install what postern needs to build and test on Debian 12 (idempotent).
# As root it runs apt-get; as another user it only checks and says what is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config python3
  libboost-dev libssl-dev libc-ares-dev libdb5.3-dev libgdbm-compat-dev libgdbm-dev
  libldap2-dev libnsl-dev libgtest-dev libgmock-dev
  swaks procps
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-deps: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
