#!/usr/bin/env bash
# Idempotent: makes sure the Mosquitto broker, its clients and openssl are installed for the real-broker tests
# (test/harness/mosquitto.ts). Installs with apt-get only when something is missing. Never starts, stops or
# reconfigures a system Mosquitto instance: the tests spawn their own broker on a free loopback port.
set -euo pipefail

have() {
  command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/local/sbin/$1" ]
}

missing=()
for bin in mosquitto mosquitto_passwd mosquitto_pub mosquitto_sub openssl; do
  have "$bin" || missing+=("$bin")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "ensure-mosquitto: all present (mosquitto, mosquitto_passwd, mosquitto_pub, mosquitto_sub, openssl)"
  exit 0
fi

echo "ensure-mosquitto: missing: ${missing[*]}; installing mosquitto mosquitto-clients openssl" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-mosquitto: apt-get not available; install mosquitto (with mosquitto_passwd), mosquitto-clients and openssl by hand" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "ensure-mosquitto: not root and no sudo; cannot apt-get install" >&2
    exit 1
  fi
fi
# The package's postinst may start a system broker on 1883; the tests never use that port.
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends mosquitto mosquitto-clients openssl

still=()
for bin in mosquitto mosquitto_passwd mosquitto_pub mosquitto_sub openssl; do
  have "$bin" || still+=("$bin")
done
if [ "${#still[@]}" -ne 0 ]; then
  echo "ensure-mosquitto: still missing after install: ${still[*]}" >&2
  exit 1
fi
echo "ensure-mosquitto: installed"
