#!/usr/bin/env bash
# README command 1: install dependencies, build, create the user instance
# ./var/demo (if it does not exist yet), start it, and say how to use it.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
port=${POSTERN_DEMO_PORT:-2525}
bash scripts/install-deps.sh
bash scripts/build.sh
demo="$top/var/demo"
ctl="$top/build/bin/postern-ctl"
if [ ! -f "$demo/main.conf" ]; then
  "$ctl" init "$demo" --user-instance --port "$port"
fi
export POSTERN_CONFIG_DIR="$demo"
if "$ctl" status >/dev/null 2>&1; then
  "$ctl" reload
else
  "$ctl" start
fi
me=$(id -un)
cat <<EOM

postern is running as a user instance in $demo (log: $demo/log/maillog).
Send a message:

  printf 'Subject: hello\n\nIt works.\n' | POSTERN_CONFIG_DIR=$demo $top/build/bin/sendmail alice

It lands in $demo/mail/alice/new/ (Maildir); local users are postmaster, alice, bob and $me.
Queue:  POSTERN_CONFIG_DIR=$demo $top/build/bin/mailq
Stop:   POSTERN_CONFIG_DIR=$demo $ctl stop
EOM
