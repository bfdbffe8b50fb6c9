"""Run the Procfile's processes under honcho, as `make run` does, and say why a run ended.

honcho starts the web server, the worker and beat, prefixes their output, and when one of them
exits it stops the others (SIGTERM, SIGKILL after 5 s). Its own account of that is
"worker.1 stopped (rc=1)" followed by the others' "stopped (rc=-15)" lines, so the last line on the
screen names a process that was stopped, not the one that failed. This runner ends such a run with
one line: which process exited by itself, its exit code and the last error it printed.

All stop with one: a web server left running without its worker would accept replies that are
never sent. Queued tasks are kept in the broker, so the next `make run` carries on with them.

Each is stopped with SIGTERM to the process itself (the Procfile `exec`s), where honcho signals
its whole process group. The group includes the worker's pool children: killed mid-task, they
leave the worker waiting until honcho's SIGKILL 5 s later, with its unacknowledged messages never
put back. Signalled alone, the worker shuts down warm (it finishes its tasks and stops its
children itself) and exits 0. honcho's SIGKILL to the group stays the last resort, after
STOP_WAIT_SECONDS instead of honcho's 5: an idle worker's warm shutdown alone takes about 6 s
(billiard's pool threads wake once a second).

    python -m webcare.supervise [Procfile.dev]
"""

import errno
import os
import re
import signal
import sys
import threading
from collections import deque
from pathlib import Path

import honcho.manager
from honcho import environ
from honcho.manager import Manager
from honcho.printer import Printer

_STARTED = re.compile(r"^(?P<name>\S+) started \(pid=(?P<pid>\d+)\)$")
_STOPPED = re.compile(r"^(?P<name>\S+) stopped \(rc=(?P<rc>-?\d+)\)$")
_RECEIVED = re.compile(r"^SIG\w+ received$")
_ERROR = re.compile(r"error|exception|critical|unrecoverable|traceback|killed|refused|denied", re.I)
_LOGGED_ERROR = re.compile(r"\b(ERROR|CRITICAL)\b")
STOP_WAIT_SECONDS = 30


def _signal_name(rc: int) -> str | None:
    try:
        return signal.Signals(-rc).name if rc < 0 else None
    except ValueError:
        return f"signal {-rc}"


class _Manager(Manager):
    def loop(self):
        honcho.manager.KILL_WAIT = STOP_WAIT_SECONDS  # honcho reads it there, once a stop has begun
        return super().loop()

    def _killall(self, force=False):
        if force:  # honcho's last resort, KILL_WAIT seconds later: SIGKILL
            return super()._killall(force=True)
        for name, process in self._processes.items():
            if "returncode" not in process:
                self._system_print(f"sending SIGTERM to {name} (pid {process['pid']})\n")
                try:
                    os.kill(process["pid"], signal.SIGTERM)
                except OSError as exc:
                    if exc.errno not in (errno.EPERM, errno.ESRCH):
                        raise


class _Watch(Printer):
    """honcho's printer, also keeping each process's last lines and the order processes stopped in."""

    def __init__(self, *args, run: "Run", **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run

    def write(self, message):
        super().write(message)
        data = message.data.decode("utf-8", "replace") if isinstance(message.data, bytes) else message.data
        for line in data.splitlines():
            self.run._seen(message.name, line.strip())


class Run:
    """The processes of one Procfile; `loop()` blocks until all have stopped."""

    def __init__(self, procfile: Path, env: dict[str, str] | None = None, output=None, colour=True):
        self.procfile = Path(procfile)
        self.env = {**os.environ, **(env or {})}
        self.pids: dict[str, int] = {}
        self.exits: dict[str, int] = {}  # name → exit code, in the order they stopped
        self.logged_errors: dict[str, list[str]] = {}  # name → its ERROR/CRITICAL lines before a stop
        self.first_exit: tuple[str, int] | None = None  # the process that ended the run by itself
        self._stopping = threading.Event()
        self._last_lines: dict[str, deque[str]] = {}
        self._last_error: dict[str, str] = {}
        self.manager = _Manager(_Watch(output or sys.stdout, colour=colour, run=self))
        self.names: list[str] = []
        procfile_env = {}
        dotenv = self.procfile.parent / ".env"
        if dotenv.exists():  # as `honcho start` does
            procfile_env = environ.parse(dotenv.read_text())
        processes = environ.parse_procfile(self.procfile.read_text()).processes
        port = int(self.env.get("PORT", "5000"))
        for process in environ.expand_processes(processes, env=procfile_env, port=port):
            self.manager.add_process(
                process.name, process.cmd, env={**self.env, **process.env}, cwd=str(self.procfile.parent)
            )
            self.names.append(process.name)

    def _seen(self, name: str | None, line: str) -> None:
        if not line:
            return
        if name == "system":
            if started := _STARTED.match(line):
                self.pids[started["name"]] = int(started["pid"])
            elif _RECEIVED.match(line):
                self._stopping.set()  # Ctrl-C or SIGTERM to us: every exit after it was asked for
            elif stopped := _STOPPED.match(line):
                rc = int(stopped["rc"])
                self.exits[stopped["name"]] = rc
                if self.first_exit is None and not self._stopping.is_set():
                    self.first_exit = (stopped["name"], rc)
                    self._stopping.set()
            return
        self._last_lines.setdefault(name, deque(maxlen=5)).append(line)
        if _ERROR.search(line):
            self._last_error[name] = line
        if _LOGGED_ERROR.search(line) and not self._stopping.is_set():
            self.logged_errors.setdefault(name, []).append(line)

    def why(self, name: str) -> str:
        """The last error line the process printed, else its last line."""
        last = self._last_lines.get(name)
        return self._last_error.get(name) or (last[-1] if last else "it printed nothing")

    def loop(self) -> int:
        self.manager.loop()
        return self.manager.returncode or 0

    def stop(self) -> None:
        """Stop all processes (from another thread); their exits then count as asked for."""
        self._stopping.set()
        self.manager.terminate()

    def summary(self) -> str | None:
        """One line on the process that ended the run by itself, or None when it was stopped."""
        if self.first_exit is None:
            return None
        name, rc = self.first_exit
        if signal_name := _signal_name(rc):
            what = f"{name} was killed by {signal_name} (rc={rc}), not by this run"
        else:
            what = f"{name} exited by itself (rc={rc}): {self.why(name)}"
        others = ", ".join(n for n in self.names if n != name) or "nothing else"
        return f"{what} -- {others} stopped with it; its output is above."


def main(argv: list[str]) -> int:
    run = Run(Path(argv[0] if argv else "Procfile.dev").resolve())
    returncode = run.loop()
    if line := run.summary():
        print(f"\n*** {line}\n", flush=True)
        return run.first_exit[1] if run.first_exit[1] > 0 else 1
    return returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
