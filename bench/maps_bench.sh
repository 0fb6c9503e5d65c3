#!/usr/bin/env bash
# hash: tables, 100,000 keys: build time of postern-map, Postfix's postmap and
# sendmail's makemap; lookups per second of postern-map -q - against
# postmap -q - (one process, keys on standard input).
#   bench/maps_bench.sh [BUILD_BIN_DIR]   (default: build/bin)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/bin}
n=${POSTERN_BENCH_KEYS:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/pfx"; : >"$work/pfx/main.cf"; : >"$work/sendmail.cf"
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++) printf "user%07d@example.test\tdest%07d@example.net\n", i, i }' >"$work/src"
cut -f1 "$work/src" | shuf --random-source=<(yes) >"$work/keys"
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
cp "$work/src" "$work/ours"; cp "$work/src" "$work/theirs"
echo "keys: $n"
echo "build postern-map: $(t "$bin/postern-map" "hash:$work/ours") s"
echo "build postmap:     $(t postmap -c "$work/pfx" "hash:$work/theirs") s"
mm=$("$here/scripts/fetch-sendmail-tools.sh" 2>/dev/null || true)
if [ -n "$mm" ]; then
  echo "build makemap:     $(t sh -c "\"$mm/makemap\" -C \"$work/sendmail.cf\" hash \"$work/mm\" <\"$work/src\"") s"
fi
q1=$(t sh -c "\"$bin/postern-map\" -q - \"hash:$work/ours\" <\"$work/keys\"")
q2=$(t sh -c "postmap -c \"$work/pfx\" -q - \"hash:$work/theirs\" <\"$work/keys\"")
echo "lookups/s postern-map -q -: $(echo "$n / $q1" | bc)"
echo "lookups/s postmap -q -:     $(echo "$n / $q2" | bc)"
