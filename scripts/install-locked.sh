#!/usr/bin/env bash
# Installs exactly the dependency tree in package-lock.json.
#
# `npm ci` is tried first. This machine's registry does not serve other platforms' optional
# binaries (Biome's and turbo's Windows/macOS builds), so npm keeps them as "inert" entries and
# `npm ci` rejects the lock file as out of sync (npm/cli#9846, unfixed in npm 11.19). Only for
# that error we run `npm install` and then fail unless every locked package name and version is
# unchanged: the installed tree is still exactly the locked one. Optional platform binaries are
# left out of that comparison, since which of them the registry lists is what differs.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if npm ci --no-audit --no-fund 2>"$log"; then exit 0; fi
if ! grep -q "Missing: .* from lock file" "$log"; then
  cat "$log" >&2
  exit 1
fi
echo "install-locked: npm ci rejected optional platform binaries this registry does not serve; installing with npm install and verifying the lock"
locked() { node -e 'const l=require("./package-lock.json");for(const[k,v]of Object.entries(l.packages))if(k&&!v.link&&!(v.optional&&v.os))console.log(k,v.version)' | sort; }
before=$(locked)
npm install --no-audit --no-fund
if [ "$before" != "$(locked)" ]; then
  echo "install-locked: npm install changed locked versions; run npm install and commit package-lock.json" >&2
  diff <(echo "$before") <(locked) >&2 || true
  exit 1
fi
