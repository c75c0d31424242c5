#!/usr/bin/env bash
# upgrade from empty and a purge of WDM_BENCH_OBJECTS objects (default 1,000,000) on a 3-node Galera
# cluster and on a single MariaDB, each with the worst write stall on another node, ours beside the
# reference: builds, starts the throwaway servers of the tests (which prepare the reference), runs
# bench/galera.ts inside them; it starts and stops its own cluster and server (see that file).
# A quick run: WDM_BENCH_OBJECTS=50000 bash bench/galera.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
npm run build
exec node test/support/run-with-servers.js npx ts-node --transpile-only bench/galera.ts
