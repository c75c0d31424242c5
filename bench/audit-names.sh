#!/usr/bin/env bash
# The data revision a86240e89a29 on a million audits: builds, starts the throwaway servers of the tests,
# runs bench/audit-names.ts inside them (BENCH_AUDITS, BENCH_BACKENDS: see that file).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec node test/support/run-with-servers.js npx ts-node --transpile-only bench/audit-names.ts
