#!/usr/bin/env bash
# Installs what the lab, the PowerShell layer and the browser tests need on a Debian machine:
#   samba (AD DC), ldap-utils, openssl  — the lab directory
#   krb5-user (kinit)                    — Kerberos sign-in tests against the lab's KDC
#   libkrb5-dev, g++, make               — building the optional 'kerberos' addon (npm rebuild kerberos)
#   pwsh 7.6.9 (dotnet global tool)      — the PowerShell sessions and the lab module
#   chromium + CJK fonts                 — end-to-end tests and screenshots (zh-TW)
# Idempotent and quick when everything is present. Usage: install-prerequisites.sh [lab|e2e|all]
set -euo pipefail
what="${1:-all}"

need_apt=()
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$1"); }

if [[ "$what" == lab || "$what" == all ]]; then
  for p in samba samba-ad-dc samba-ad-provision ldap-utils openssl krb5-user libkrb5-dev g++ make; do want "$p"; done
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
  # 'kerberos' is an optional dependency: npm ci skips it when its native build fails (no krb5
  # headers yet on a fresh machine). With the headers now present, build it.
  repo="$(cd "$(dirname "$0")/../.." && pwd)"
  if [[ -d "$repo/node_modules" ]] && ! (cd "$repo" && node -e "require('kerberos')" >/dev/null 2>&1); then
    echo "[prerequisites] building the kerberos addon" >&2
    (cd "$repo" && npm rebuild kerberos >/dev/null 2>&1) || echo "[prerequisites] warning: the kerberos addon did not build; Kerberos sign-in is unavailable" >&2
  fi
  if ! command -v pwsh >/dev/null 2>&1 && [[ ! -x "$HOME/.dotnet/tools/pwsh" ]]; then
    echo "[prerequisites] installing pwsh 7.6.9 (dotnet tool)" >&2
    dotnet tool install --global PowerShell --version 7.6.9 >/dev/null
  fi
fi
