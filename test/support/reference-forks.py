# The Python reference (`watcher-db-manage`) started once per test process and forked for each run.
#
# Every reference run pays about 2.4 s of CPU before it reads its arguments: importing Watcher, oslo
# and SQLAlchemy, and eventlet's monkey_patch() in watcher/cmd/__init__.py. A suite that runs it some
# seventy times spent minutes on that alone. This server imports `watcher.cmd.dbmanage` once, then
# for each request forks a child that is a fresh reference process in every way the tests can see:
# its own argv, environment, working directory, stdin, stdout, stderr and exit code, running the same
# main() as /usr/bin/watcher-db-manage, with nothing parsed, configured or connected before the fork.
# test/support/reference.ts drives it.
#
# argv: REFERENCE_DIR SOCKET_PATH. The server listens on SOCKET_PATH (a UNIX socket, renamed into
# place once listening, so its existence means ready) and exits when its stdin closes (the test
# process is gone). Each connection carries one JSON request, {"argv", "env", "cwd", "input",
# "timeout"}, and gets back {"status", "signal", "stdout", "stderr", "timedOut"}.
import atexit
import json
import logging
import sys
import tempfile
import traceback

# The server's own waiting must not go through eventlet, which watcher's import monkey-patches in:
# a hub created in this process would be shared by every child forked from it.
from eventlet import patcher

os = patcher.original('os')
select = patcher.original('select')
socket = patcher.original('socket')
time = patcher.original('time')

reference_dir, socket_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, reference_dir)

from watcher.cmd import dbmanage  # noqa: E402  (the expensive part, done once)


def run_child(request, stdin_path, stdout_path, stderr_path):
    """In the forked child: become the requested reference process, run it, exit with its code."""
    os.chdir(request['cwd'])
    os.environ.clear()
    os.environ.update(request['env'])
    for fd, file, mode in ((0, stdin_path, os.O_RDONLY), (1, stdout_path, os.O_WRONLY), (2, stderr_path, os.O_WRONLY)):
        opened = os.open(file, mode)
        os.dup2(opened, fd)
        os.close(opened)
    sys.argv = ['watcher-db-manage'] + request['argv']
    code = 0
    try:
        dbmanage.main()
    except SystemExit as e:
        # As the interpreter treats SystemExit: None is 0, a number is the code, anything else is printed.
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:
        sys.excepthook(*sys.exc_info())
        code = 1
    try:
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code & 0xFF)


def serve(connection):
    data = b''
    while not data.endswith(b'\n'):
        chunk = connection.recv(1 << 16)
        if not chunk:
            return
        data += chunk
    request = json.loads(data)
    work = tempfile.mkdtemp(prefix='wdm-ref-fork-')
    paths = [os.path.join(work, name) for name in ('stdin', 'stdout', 'stderr')]
    with open(paths[0], 'w', encoding='utf-8') as f:
        f.write(request['input'])
    for p in paths[1:]:
        open(p, 'w').close()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            connection.close()
            listener.close()
            run_child(request, *paths)
        except BaseException:
            traceback.print_exc()
        os._exit(70)
    deadline = time.monotonic() + request['timeout']
    timed_out = False
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            timed_out = True
            _, status = os.waitpid(pid, 0)
            break
        time.sleep(0.01)
    outputs = []
    for p in paths[1:]:
        with open(p, encoding='utf-8', errors='replace') as f:
            outputs.append(f.read())
        os.unlink(p)
    os.unlink(paths[0])
    os.rmdir(work)
    answer = {
        'status': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        'stdout': outputs[0],
        'stderr': outputs[1],
        'timedOut': timed_out,
    }
    connection.sendall(json.dumps(answer).encode() + b'\n')


listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
listener.bind(socket_path + '.binding')
listener.listen(8)
os.rename(socket_path + '.binding', socket_path)

while True:
    readable, _, _ = select.select([listener, sys.stdin], [], [])
    if sys.stdin in readable and not os.read(sys.stdin.fileno(), 1):
        break  # the test process is gone
    if listener in readable:
        connection, _ = listener.accept()
        with connection:
            serve(connection)
