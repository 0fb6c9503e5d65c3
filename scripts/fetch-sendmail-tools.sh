#!/usr/bin/env bash
# Unpack Debian's sendmail 8.17 tools (makemap, praliases, editmap, sendmail)
# into a cache folder WITHOUT installing them as the system MTA, and print the
# folder that holds the binaries. Tests use them to make and read artifacts.
#
#   scripts/fetch-sendmail-tools.sh [CACHE_DIR]
#     CACHE_DIR defaults to $POSTERN_SENDMAIL_CACHE, else /var/cache/postern-tests
#     (root) or ${XDG_CACHE_HOME:-$HOME/.cache}/postern-tests (others).
# Prints CACHE_DIR/root/usr/libexec/sendmail on success; exit 1 (with a reason
# on stderr) when the packages cannot be fetched, so a test can skip.
# The binaries need libwrap0 and liblockfile1 (scripts/install-deps.sh).
set -euo pipefail

if [ $# -ge 1 ]; then
  cache=$1
elif [ -n "${POSTERN_SENDMAIL_CACHE:-}" ]; then
  cache=$POSTERN_SENDMAIL_CACHE
elif [ "$(id -u)" -eq 0 ]; then
  cache=/var/cache/postern-tests
else
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/postern-tests
fi
bin=$cache/root/usr/libexec/sendmail

if [ -x "$bin/makemap" ] && [ -x "$bin/praliases" ]; then
  echo "$bin"
  exit 0
fi

# One fetch at a time: parallel tests may call this together.
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9
if [ -x "$bin/makemap" ] && [ -x "$bin/praliases" ]; then
  echo "$bin"
  exit 0
fi

work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
(
  cd "$work"
  # apt's download sandbox user cannot write into a root-only temp dir.
  chmod 755 "$work"
  apt-get download -qq sendmail-bin sendmail-base >/dev/null 2>"$work/apt.err" || {
    echo "fetch-sendmail-tools: apt-get download failed:" >&2
    cat "$work/apt.err" >&2
    exit 1
  }
  mkdir root
  for deb in ./*.deb; do dpkg -x "$deb" root; done
)
rm -rf "$cache/root"
mv "$work/root" "$cache/root"
echo "$bin"
