#!/usr/bin/env bash
# Installs what the lab, the PowerShell layer and the browser tests need on a Debian machine:
#   samba (AD DC), ldap-utils, openssl  — the lab directory
#   pwsh 7.6.9 (dotnet global tool)      — the PowerShell sessions and the lab module
#   chromium + CJK fonts                 — end-to-end tests and screenshots (zh-TW)
# Idempotent and quick when everything is present. Usage: install-prerequisites.sh [lab|e2e|all]
set -euo pipefail
what="${1:-all}"

need_apt=()
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$1"); }

if [[ "$what" == lab || "$what" == all ]]; then
  for p in samba samba-ad-dc samba-ad-provision ldap-utils openssl; do want "$p"; done
fi
if [[ "$what" == e2e || "$what" == all ]]; then
  for p in chromium fonts-noto-cjk; do want "$p"; done
fi

if (( ${#need_apt[@]} > 0 )); then
  echo "[prerequisites] installing: ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need_apt[@]}" >/dev/null
  # The packages may start daemons with the stock smb.conf; the lab runs its own instances.
  pkill -x smbd 2>/dev/null || true; pkill -x nmbd 2>/dev/null || true; pkill -x winbindd 2>/dev/null || true
fi

if [[ "$what" == lab || "$what" == all ]]; then
  if ! command -v pwsh >/dev/null 2>&1 && [[ ! -x "$HOME/.dotnet/tools/pwsh" ]]; then
    echo "[prerequisites] installing pwsh 7.6.9 (dotnet tool)" >&2
    dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
  fi
fi
