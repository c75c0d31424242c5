#!/usr/bin/env bash
# The kit's online schema changes under live traffic at a million rows: builds, starts the throwaway
# servers of the tests, runs bench/online-ddl.ts inside them (BENCH_ROWS, BENCH_BACKENDS, BENCH_RATE,
# BENCH_REPEAT: see that file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec node test/support/run-with-servers.js npx ts-node --transpile-only bench/online-ddl.ts
