"""webcare.supervise, `make run`'s runner, on small Procfiles of real processes."""

import io
import sys
import threading

from webcare.supervise import Run

PY = sys.executable
SLEEPER = f"exec {PY} -c 'import time; time.sleep(60)'"
# Stops cleanly on SIGTERM and says so, as Celery's worker and beat do.
POLITE = (
    f"exec {PY} -c 'import signal, sys, time; "
    'signal.signal(signal.SIGTERM, lambda *a: (print("stopping"), sys.exit(0))); time.sleep(60)\''
)
FAILING = (
    f'exec {PY} -c \'import time; time.sleep(2); print("working"); '
    'raise RuntimeError("Unrecoverable error: half a message")\''
)


def procfile(tmp_path, **processes):
    path = tmp_path / "Procfile"
    path.write_text("".join(f"{name}: {command}\n" for name, command in processes.items()))
    return path


def test_a_process_that_exits_is_named_with_its_last_error_in_one_line(tmp_path):
    output = io.StringIO()
    run = Run(procfile(tmp_path, web=SLEEPER, worker=FAILING, beat=POLITE), output=output, colour=False)

    run.loop()

    assert run.first_exit == ("worker.1", 1)
    assert run.summary() == (
        "worker.1 exited by itself (rc=1): RuntimeError: Unrecoverable error: half a message "
        "-- web.1, beat.1 stopped with it; its output is above."
    )
    # The others were stopped by the run: beat on its own SIGTERM handler, the sleeper by the signal.
    assert run.exits["beat.1"] == 0 and run.exits["web.1"] == -15
    assert "worker.1 stopped (rc=1)" in output.getvalue()


def test_a_process_killed_from_outside_is_named_with_the_signal(tmp_path):
    killed = f"exec {PY} -c 'import os, time; time.sleep(1); os.kill(os.getpid(), 9)'"
    run = Run(procfile(tmp_path, web=SLEEPER, worker=killed), output=io.StringIO(), colour=False)

    run.loop()

    assert run.summary().startswith(
        "worker.1 was killed by SIGKILL (rc=-9), not by this run -- web.1 stopped"
    )


def test_a_stop_asked_for_is_no_exit_and_each_process_gets_sigterm_itself(tmp_path):
    output = io.StringIO()
    run = Run(procfile(tmp_path, worker=POLITE, beat=POLITE), output=output, colour=False)
    threading.Timer(2.0, run.stop).start()

    run.loop()

    assert run.first_exit is None and run.summary() is None
    assert run.exits == {"worker.1": 0, "beat.1": 0}
    assert output.getvalue().count("stopping") == 2
