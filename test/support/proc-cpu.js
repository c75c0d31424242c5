// The CPU seconds a process has used, read from /proc/<pid>/stat (proc(5)): its own (utime + stime)
// and that of the children it has waited for (cutime + cstime). Undefined where the process is gone
// or there is no /proc. The suite is CPU-bound; the runner and its reports say where the CPU went.
'use strict';

const fs = require('fs');

/** Clock ticks per second: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const TICKS = 100;

function cpuSeconds(pid = 'self') {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after "pid (comm) ": state is field 3, utime..cstime are fields 14-17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const field = (n) => Number(fields[n - 3]) / TICKS;
    return { self: field(14) + field(15), children: field(16) + field(17) };
  } catch {
    return undefined;
  }
}

module.exports = { cpuSeconds };
