#!/usr/bin/env bash
# Purge benchmark: builds, starts the throwaway servers of the tests, runs bench/purge.ts inside them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec node test/support/run-with-servers.js npx ts-node --transpile-only bench/purge.ts
