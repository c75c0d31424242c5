#!/usr/bin/env bash
# Autogenerate benchmark: builds, starts the throwaway servers of the tests, runs bench/autogenerate.ts inside them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec node test/support/run-with-servers.js npx ts-node --transpile-only bench/autogenerate.ts
