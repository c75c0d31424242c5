#!/usr/bin/env bash
# upgrade under live traffic with a slow reader, ours beside the Python reference: builds, starts the
# throwaway servers of the tests (and prepares the reference), runs bench/upgrade-live.ts inside them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec node test/support/run-with-servers.js npx ts-node --transpile-only bench/upgrade-live.ts
