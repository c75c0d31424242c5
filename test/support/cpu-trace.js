// WDM_TEST_CPU_TRACE=<dir>: every synchronous child process a test runs (the CLI, tsc, the database
// clients, the reference) appends one line to <dir>/<pid>.jsonl with the CPU seconds it used, read
// from this process's reaped-children counters around the call. `node test/support/cpu-trace.js <dir>`
// then sums them by kind. The suite is CPU-bound, and most of its CPU is spent in children: this says
// in which. Loaded by .mocharc.js; without the variable it changes nothing.
'use strict';

const fs = require('fs');
const path = require('path');
const { cpuSeconds } = require('./proc-cpu');

/** CPU seconds of the children this process has waited for. */
const childrenCpu = () => cpuSeconds().children;

/** A short name for what a child was: "cli upgrade", "tsc", "psql", "python3 reference"... */
function kindOf(file, args) {
  const base = path.basename(String(file));
  const list = (args || []).map(String);
  if (base === 'node' || file === process.execPath) {
    const script = list.find((a) => !a.startsWith('-')) || '';
    if (/bin[/\\](run|dev)\.js$/.test(script)) {
      const command = list.slice(list.indexOf(script) + 1).filter((a, i, all) => !a.startsWith('-') && !(all[i - 1] || '').match(/^--(config-file|config-dir|revision)$/))[0];
      return `cli ${command || '?'}`;
    }
    if (/typescript[/\\]bin[/\\]tsc$/.test(script)) return 'tsc';
    return `node ${path.basename(script)}`;
  }
  if (/python/.test(base)) return `python ${path.basename(list.find((a) => !a.startsWith('-')) || '?')}`;
  if (base === 'runuser') return `runuser ${path.basename(list[list.indexOf('--') + 1] || '?')}`;
  return base;
}

function install(dir) {
  const cp = require('child_process');
  const out = path.join(dir, `${process.pid}.jsonl`);
  const testFile = () => process.env.WDM_TEST_CPU_TRACE_FILE || '';
  for (const name of ['spawnSync', 'execFileSync']) {
    const original = cp[name];
    cp[name] = function traced(file, args, ...rest) {
      const before = childrenCpu();
      try {
        return original.call(this, file, args, ...rest);
      } finally {
        const cpu = childrenCpu() - before;
        fs.appendFileSync(out, `${JSON.stringify({ kind: kindOf(file, Array.isArray(args) ? args : []), cpu, test: testFile() })}\n`);
      }
    };
  }
}

/** Sums the lines of `dir` by kind, the costliest first. */
function summarise(dir) {
  const byKind = new Map();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean)) {
      const { kind, cpu } = JSON.parse(line);
      const k = byKind.get(kind) || { cpu: 0, n: 0 };
      k.cpu += cpu;
      k.n += 1;
      byKind.set(kind, k);
    }
  }
  const rows = [...byKind].sort((a, b) => b[1].cpu - a[1].cpu);
  const total = rows.reduce((s, [, k]) => s + k.cpu, 0);
  console.log(`${total.toFixed(0)} s of CPU in synchronous children`);
  for (const [kind, k] of rows.slice(0, 40)) console.log(`${k.cpu.toFixed(1).padStart(8)} s ${String(k.n).padStart(6)} runs  ${(k.cpu / k.n).toFixed(2)} s each  ${kind}`);
}

if (require.main === module) summarise(process.argv[2]);
else if (process.env.WDM_TEST_CPU_TRACE && fs.existsSync('/proc/self/stat')) install(process.env.WDM_TEST_CPU_TRACE);
