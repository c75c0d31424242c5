# One long-lived reference (`watcher-db-manage`'s Python code) that runs several upgrade/downgrade
# commands in turn, so a test that walks the chain revision by revision pays Python's and Watcher's
# start-up (~2 s) once instead of once per step. test/support/reference-session.ts drives it.
#
# argv: REFERENCE_DIR CONFIG_FILE. Commands arrive on stdin, one JSON array per line
# (["upgrade", "REV"] or ["downgrade", "REV"]); each gets one JSON answer on fd 3 (stdout and
# stderr stay the reference's own log output): {"status": 0} or {"status": 1, "error": "..."}.
# The commands go through the same functions `watcher-db-manage upgrade --revision REV` calls
# (watcher.db.migration), after the same prepare_service, so they run what the CLI runs.
import json
import os
import sys

sys.path.insert(0, sys.argv[1])
config_file = sys.argv[2]

from watcher.cmd import dbmanage  # noqa: E402
from watcher.common import service  # noqa: E402
from watcher.db import migration  # noqa: E402

dbmanage.register_sub_command_opts()
# A command the parser accepts; only the configuration it loads is used.
service.prepare_service(['watcher-db-manage', '--config-file', config_file, 'version'], dbmanage.CONF)

answers = os.fdopen(3, 'w')
COMMANDS = {'upgrade': migration.upgrade, 'downgrade': migration.downgrade}

for line in sys.stdin:
    command, revision = json.loads(line)
    try:
        COMMANDS[command](revision)
        answer = {'status': 0}
    except Exception as e:  # the CLI would exit 1 with it
        answer = {'status': 1, 'error': '%s: %s' % (type(e).__name__, e)}
    sys.stdout.flush()
    sys.stderr.flush()
    answers.write(json.dumps(answer) + '\n')
    answers.flush()
