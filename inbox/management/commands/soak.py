"""Soak the embedded default: `make run`'s processes for N minutes under load, then a report.

    python manage.py soak --minutes 30

Runs Procfile.dev (web server, Celery worker, beat) through webcare.supervise, as `make run` does,
on a var directory, database, broker file and port of its own (var/soak, 8765), so a running demo
is not disturbed. While it runs, tasks are published from all sides: the web server (an agent
logged in over HTTP takes conversations and replies, each reply a send task), beat (its schedule),
the worker (the polls beat's tick starts) and `manage.py poll --once` every so often. Publishing
stops after N minutes, the queue drains (a minute at most), the processes are stopped, and it reports
process exits during the soak (0 expected), tasks published by whom and run, replies sent, and
ERROR lines. Exit status 1 when a process exited, a task was not run, or a reply was not sent.
The processes' output is in <var>/soak.log.
"""

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter, deque
from pathlib import Path

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from webcare.supervise import Run

PASSWORD = "soak-demo-pass"
MARKER = ".soak"
DRAIN_SECONDS = 60.0  # after the load, at most this long for the worker to run what is queued
REPLY_TEXT = "Dank voor uw bericht, wij pakken het op. (soak {n})"
REPLIES_PER_CONVERSATION = 3


class Command(BaseCommand):
    help = "Run the embedded default (web, worker, beat) for N minutes under load; report exits and counts."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=10.0)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--var-dir", default=str(settings.BASE_DIR / "var" / "soak"))
        parser.add_argument("--reply-every", type=float, default=1.0, help="seconds between web replies")
        parser.add_argument("--poll-every", type=float, default=30.0, help="seconds between `poll --once`")

    def handle(self, *args, **options):
        var = Path(options["var_dir"]).resolve()
        if var == Path(settings.VAR_DIR).resolve():
            raise CommandError("The soak needs a var directory of its own, not the demo's.")
        if var.exists() and any(var.iterdir()) and not (var / MARKER).exists():
            raise CommandError(f"{var} is not empty and not a soak's directory; pick another --var-dir.")
        shutil.rmtree(var, ignore_errors=True)  # a fresh database and broker: the counts are this run's
        var.mkdir(parents=True)
        (var / MARKER).write_text("Written by manage.py soak, which empties this directory when it starts.\n")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", options["port"])) == 0:
                raise CommandError(f"Port {options['port']} is in use; pick another --port.")
        self.var, self.port = var, options["port"]
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            "WEBCARE_VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
            "REDIS_URL": "",  # the embedded broker, whatever this shell has set
            "CELERY_QUEUE": "celery",
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "DEMO_PASSWORD": PASSWORD,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
        }
        self.manage("migrate", "--noinput")
        self.manage("seed_demo")

        minutes = options["minutes"]
        self.stdout.write(
            f"Soak: {minutes:g} min on the embedded default, {self.base}/, output: {var}/soak.log"
        )
        log = (var / "soak.log").open("w")
        self.run = Run(settings.BASE_DIR / "Procfile.dev", env=self.env, output=log, colour=False)
        self.counts = Counter()
        self.replies_to = Counter()
        self.closed = deque()
        self.poll_pids: set[int] = set()
        self.started = time.monotonic()
        self.deadline = self.started + minutes * 60
        driver = threading.Thread(target=self.drive, args=(options,), daemon=True)
        driver.start()
        self.run.loop()  # honcho wants the main thread (signals); drive() stops it at the deadline
        stopped_after = time.monotonic() - self.started
        self.interrupted = time.monotonic() < self.deadline and self.run.first_exit is None
        driver.join(timeout=10)
        log.close()
        ok = self.report(stopped_after)
        if not ok:
            raise CommandError("The soak found a problem; see above and soak.log.")

    # --- Load ---------------------------------------------------------------------------------

    def manage(self, *args, check=True) -> subprocess.CompletedProcess:
        env = {**os.environ, **self.env}
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), *args]
        done = subprocess.run(command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True)
        if check and done.returncode:
            raise CommandError(f"manage.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done

    def drive(self, options) -> None:
        try:
            self._drive(options)
        except Exception as exc:  # report it, never leave the processes running
            self.counts["driver error"] += 1
            self.stdout.write(f"  load stopped by {type(exc).__name__}: {exc}")
        finally:
            self.run.stop()

    def _drive(self, options) -> None:
        web = requests.Session()
        self._wait_for_web(web)
        self._log_in(web)
        next_reply = next_poll = next_note = time.monotonic()
        conversation = None
        while time.monotonic() < self.deadline and not self.run.exits:
            now = time.monotonic()
            if now >= next_reply:
                conversation = self._reply(web, conversation)
                next_reply = now + options["reply_every"]
            if now >= next_poll:
                self._poll_once()
                next_poll = now + options["poll_every"]
            if now >= next_note:
                self._note(web)
                next_note = now + 60
            time.sleep(0.2)
        # Let the worker finish what was published, then stop.
        drained_by = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < drained_by and not self.run.exits:
            if self.broker_counts()["waiting"] == 0 and self._replies().get("queued", 0) == 0:
                break
            time.sleep(1)

    def _wait_for_web(self, web) -> None:
        for _ in range(120):
            if self.run.exits:
                raise RuntimeError("a process exited before the web server answered")
            try:
                if web.get(f"{self.base}/healthz", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the web server did not answer /healthz within a minute")

    def _log_in(self, web) -> None:
        web.get(f"{self.base}/accounts/login/", timeout=10).raise_for_status()
        response = web.post(
            f"{self.base}/accounts/login/",
            data={"username": "agent", "password": PASSWORD, "csrfmiddlewaretoken": web.cookies["csrftoken"]},
            timeout=10,
        )
        if "sessionid" not in web.cookies:
            raise RuntimeError(f"logging in as agent failed ({response.status_code})")

    def _post(self, web, path, **data) -> requests.Response:
        headers = {"X-CSRFToken": web.cookies.get("csrftoken", "")}
        return web.post(f"{self.base}{path}", data=data, headers=headers, timeout=30, allow_redirects=False)

    def _reply(self, web, conversation):
        """Reply to the conversation in hand (one send task from web); take the next one, or reopen
        an older one, when there is none; close it after REPLIES_PER_CONVERSATION replies."""
        if conversation is None:
            taken = self._post(web, "/queue/next/")
            if match := re.search(r"/conversations/(\d+)/", taken.headers.get("Location", "")):
                conversation = match[1]
            elif self.closed:
                conversation = self.closed.popleft()
                self._act(web, conversation, "reopen")
            else:
                self.counts["nothing to reply to"] += 1
                return None
        web.get(f"{self.base}/conversations/{conversation}/", timeout=30).raise_for_status()
        n = self.counts["replies posted"] + 1
        response = self._post(web, f"/conversations/{conversation}/reply/", text=REPLY_TEXT.format(n=n))
        if response.status_code in (200, 302):
            self.counts["replies posted"] += 1
        else:
            self.counts[f"reply HTTP {response.status_code}"] += 1
        self.replies_to[conversation] += 1
        if self.replies_to[conversation] % REPLIES_PER_CONVERSATION == 0:
            self._act(web, conversation, "close")
            self.closed.append(conversation)
            return None
        return conversation

    def _act(self, web, conversation: str, action: str) -> None:
        response = self._post(web, f"/conversations/{conversation}/{action}/")
        self.counts[f"{action} HTTP {response.status_code}"] += 1

    def _poll_once(self) -> None:
        env = {**os.environ, **self.env}
        process = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "poll", "--once"],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.poll_pids.add(process.pid)
        output = process.communicate(timeout=120)[0]
        self.counts["poll --once runs"] += 1
        if process.returncode:
            self.counts["poll --once failures"] += 1
            self.stdout.write(f"  poll --once exited {process.returncode}: {output.strip()[-300:]}")

    def _note(self, web) -> None:
        try:
            health = web.get(f"{self.base}/healthz", timeout=10).json()["status"]
        except Exception as exc:
            health = type(exc).__name__
        self.counts[f"/healthz {health}"] += 1
        broker = self.broker_counts()
        minute = (time.monotonic() - self.started) / 60
        self.stdout.write(
            f"  {minute:5.1f} min: {broker['published']} tasks published, {broker['waiting']} waiting, "
            f"{self.counts['replies posted']} replies posted, /healthz {health}"
        )
        self.stdout.flush()  # progress shows as it happens, also when written to a file

    # --- Counting -----------------------------------------------------------------------------

    def broker_counts(self) -> dict:
        """Every message in the soak's broker file, read straight from its table."""
        db = sqlite3.connect(self.var / "celery-broker.sqlite3", timeout=30)
        try:
            rows = db.execute("SELECT visible, payload FROM kombu_message").fetchall()
        except sqlite3.OperationalError:  # no table yet
            rows = []
        finally:
            db.close()
        ids, taken, waiting, by_task, by_origin = set(), set(), set(), Counter(), Counter()
        for visible, payload in rows:
            headers = json.loads(payload).get("headers", {})
            task_id = headers.get("id")
            if task_id not in ids:  # a message put back at a warm shutdown is the same task again
                by_task[headers.get("task", "?")] += 1
                by_origin[self._publisher(headers.get("origin", ""))] += 1
            ids.add(task_id)
            (waiting if visible else taken).add(task_id)
        return {
            "published": len(ids),
            "run": len(taken - waiting),
            "waiting": len(waiting),
            "by_task": by_task,
            "by_origin": by_origin,
        }

    def _publisher(self, origin: str) -> str:
        # Celery's origin header is "gen<pid>@<host>".
        digits = origin.split("@")[0].removeprefix("gen")
        pid = int(digits) if digits.isdigit() else None
        for name, known in self.run.pids.items():
            if pid == known:
                return name.split(".")[0]
        if pid in self.poll_pids:
            return "poll --once"
        return "worker pool"  # the pool's children are not honcho's to name

    def _replies(self) -> Counter:
        db = sqlite3.connect(self.var / "db.sqlite3", timeout=30)
        try:
            rows = db.execute(
                "SELECT send_status, COUNT(*) FROM inbox_message WHERE direction = 'out' GROUP BY 1"
            ).fetchall()
        finally:
            db.close()
        return Counter(dict(rows))

    def report(self, stopped_after: float) -> bool:
        run, counts, broker, replies = self.run, self.counts, self.broker_counts(), self._replies()
        exited = [run.first_exit] if run.first_exit else []
        write = self.stdout.write
        write("")
        write(f"Soak report ({stopped_after / 60:.1f} min, {self.var}):")
        if self.interrupted:
            write("  interrupted before the end (Ctrl-C or SIGTERM)")
        if exited:
            write(f"  process exits during the soak: {len(exited)}: {run.summary()}")
        else:
            write("  process exits during the soak: 0")
        stops = ", ".join(f"{n} rc={rc}" + (" (SIGTERM)" if rc == -15 else "") for n, rc in run.exits.items())
        write(f"  stopped at the end, by SIGTERM: {stops}")
        origins = ", ".join(f"{n} {c}" for n, c in broker["by_origin"].most_common())
        write(f"  tasks published: {broker['published']} ({origins})")
        write("    by task: " + ", ".join(f"{n} {c}" for n, c in broker["by_task"].most_common()))
        write(f"  tasks run: {broker['run']}; still waiting at the end: {broker['waiting']}")
        write(
            f"  web: {counts['replies posted']} replies posted, sent {replies.get('sent', 0)}, "
            f"other: {dict((k, v) for k, v in replies.items() if k != 'sent') or 'none'}"
        )
        others = {k: v for k, v in counts.items() if k not in ("replies posted",)}
        write("  also: " + (", ".join(f"{k}: {v}" for k, v in sorted(others.items())) or "nothing"))
        errors = {name: len(lines) for name, lines in run.logged_errors.items()}
        write(f"  ERROR/CRITICAL log lines before the stop: {errors or 0}")
        for name, lines in run.logged_errors.items():
            for line in lines[:3]:
                write(f"    {name}: {line[:200]}")
        return (
            not exited
            and not self.interrupted
            and broker["waiting"] == 0
            and broker["run"] == broker["published"]
            and replies.get("sent", 0) == counts["replies posted"]
            and not counts["poll --once failures"]
            and not counts["driver error"]
        )
