#!/usr/bin/env bash
# Install what postern needs to build and test on Debian 12 (idempotent).
# As root it runs apt-get; as another user it only checks and says what is missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config python3
  libboost-dev libssl-dev libc-ares-dev libdb5.3-dev libgdbm-compat-dev libgdbm-dev
  libldap2-dev libnsl-dev libgtest-dev libgmock-dev
  swaks procps openssl
  # a real DNS server on loopback for the smtp client's tests (the binary only,
  # no system service)
  dnsmasq-base
  # real peers for the lookup-table tests (maps/): slapd + ldap-utils, db_dump,
  # Postfix's postmap/postalias (also smtp-source for smtpd), NIS server
  slapd ldap-utils db5.3-util postfix ypserv yp-tools rpcbind
  # libraries the unpacked sendmail 8.17 tools need (scripts/fetch-sendmail-tools.sh)
  libwrap0 liblockfile1
  # dotlockfile: a real mailbox locker for local's mbox locking tests
  liblockfile-bin
  # m4 builds sendmail.cf from .mc files for the postern-migrate tests
  m4
  # real mail clients that send through postern's sendmail (test_mua_clients.py)
  mutt s-nail git git-email libmailtools-perl
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
# Neither postfix nor slapd may configure or start a system daemon: the tests
# start their own peers on loopback with temporary configs.
debconf-set-selections <<'SEL'
postfix postfix/main_mailer_type select No configuration
slapd slapd/no_configuration boolean true
SEL
# rpcbind and ypserv start daemons from their maintainer scripts; forbid that
# for the length of the install unless the machine already has a policy.
policy=/usr/sbin/policy-rc.d
own_policy=no
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=yes
fi
trap '[ "$own_policy" = yes ] && rm -f "$policy"' EXIT
echo "install-deps: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
