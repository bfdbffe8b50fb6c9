"""The embedded broker: kombu's SQLAlchemy transport on a SQLite file, with the gaps closed.

kombu stores each message as one row, written in one transaction, and hands a row out inside a
`BEGIN IMMEDIATE` transaction that marks it taken: a consumer never sees half a message, and two
never see the same one. This subclass (settings: `CELERY_BROKER_TRANSPORT`) keeps all of that and
adds what running web server, worker and beat on one file needs:

- kombu passes every transport option to `create_engine`, which refuses `polling_interval` (the
  virtual transport's own option); those are kept out of it;
- each SQLite connection uses WAL and waits for the write lock (the pysqlite `timeout`, set in the
  transport options) instead of failing at once with "database is locked";
- the first processes on a fresh file may race to create the tables and the queue row; the loser
  reads the winner's instead of failing;
- a row kombu cannot read (not JSON, not a kombu message) is logged and set aside instead of
  ending the worker: it stays in the table, marked taken, until pruned;
- kombu marks delivered rows taken and never deletes them; rows taken more than a day ago are
  pruned by the consuming worker when it finds its queue empty, at most once an hour;
- connecting opens the database (kombu opens it at the first read or write), so /healthz and the
  worker's start see a broker file that cannot be used;
- engines (and their SQLite connections) are not carried across a fork into Celery's pool children;
- a worker at its prefetch limit waits for the next acknowledgement (which the pool's result
  thread gives within milliseconds) rather than a whole polling interval, which would cap a
  two-process worker at four tasks a second.

Messages taken by a worker that is killed (SIGKILL) before it acknowledges them are not handed out
again: kombu keeps no visibility timeout here. A warm shutdown puts unacknowledged ones back.
"""

import datetime as dt
import logging
import os
import time
from queue import Empty

from kombu.transport import sqlalchemy as kombu_sqla
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError

logger = logging.getLogger(__name__)

# Options the virtual transport reads from transport_options; create_engine must not get them.
_VIRTUAL_OPTIONS = ("polling_interval", "body_encoding", "deadletter_queue")
# kombu's own, which its channel already keeps out of create_engine.
_KOMBU_OPTIONS = (
    "queue_tablename",
    "message_tablename",
    "callback",
    "errback",
    "max_retries",
    "interval_start",
    "interval_step",
    "interval_max",
    "retry_errors",
)
DELIVERED_RETENTION = dt.timedelta(days=1)
PRUNE_EVERY_SECONDS = 3600.0
ACK_WAIT_SECONDS = 0.5


def _sqlite_pragmas(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    try:
        # WAL: publishers and the consumer do not block each other's reads; NORMAL is durable
        # against a killed process (not against power loss), as for the project's own SQLite file.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


class Channel(kombu_sqla.Channel):
    _engines = {}  # url → (engine, Session) in this process; not shared with kombu's own channel
    _last_prune: float | None = None  # monotonic time of this process's last prune

    def _engine_from_config(self):
        conninfo = self.connection.client
        options = {
            key: value
            for key, value in conninfo.transport_options.items()
            if key not in _VIRTUAL_OPTIONS + _KOMBU_OPTIONS
        }
        engine = create_engine(conninfo.hostname, **options)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def _open(self):
        try:
            return super()._open()
        except OperationalError:
            # Another process created the tables between our check and our CREATE TABLE.
            self._engines.pop(self.connection.client.hostname, None)
            return super()._open()

    def _get_or_create(self, queue):
        try:
            return super()._get_or_create(queue)
        except IntegrityError:
            # Another process inserted the queue's row first (its name is unique): use that one.
            self.session.rollback()
            return super()._get_or_create(queue)

    def drain_events(self, timeout=None, callback=None):
        if self._consumers and not self.qos.can_consume():
            deadline = time.monotonic() + ACK_WAIT_SECONDS
            while not self.qos.can_consume() and time.monotonic() < deadline:
                time.sleep(0.005)
        return super().drain_events(timeout=timeout, callback=callback)

    def _get(self, queue):
        try:
            payload = super()._get(queue)
            self.Message(payload, channel=self)  # can kombu read it (envelope, body encoding)?
        except Empty:
            self._maybe_prune()
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # super()._get has already committed the row as taken, so it is not handed out again.
            logger.error(
                "Embedded broker: an unreadable message on queue %r was set aside (%s: %.200s); "
                "the worker goes on.",
                queue,
                type(exc).__name__,
                exc,
            )
            raise Empty() from exc
        return payload

    def _maybe_prune(self):
        now = time.monotonic()
        if Channel._last_prune is not None and now - Channel._last_prune < PRUNE_EVERY_SECONDS:
            return
        Channel._last_prune = now
        cutoff = dt.datetime.now() - DELIVERED_RETENTION  # kombu stamps rows in local time
        message = self.message_cls
        try:
            deleted = (
                self.session.query(message)
                .filter(message.visible == False)  # noqa: E712 (SQL, not Python)
                .filter(message.sent_at < cutoff)
                .delete(synchronize_session=False)
            )
            self.session.commit()
        except OperationalError:
            self.session.rollback()
            logger.warning("Embedded broker: pruning delivered messages failed; trying again later.")
            return
        if deleted:
            logger.info("Embedded broker: pruned %d messages delivered before %s.", deleted, cutoff)

    @classmethod
    def _forget_engines_after_fork(cls):
        # A SQLite connection must not be used on both sides of a fork: the child opens its own.
        for engine, _session in cls._engines.values():
            engine.dispose(close=False)
        cls._engines.clear()


class Transport(kombu_sqla.Transport):
    Channel = Channel

    def establish_connection(self):
        connection = super().establish_connection()
        # kombu opens the database only when a channel first reads or writes; open it here, so a
        # broker file that cannot be opened fails the connect (the worker's start, /healthz).
        engine, _session = self._avail_channels[-1]._open()
        with engine.connect() as db:
            db.execute(text("SELECT 1"))
        return connection


os.register_at_fork(after_in_child=Channel._forget_engines_after_fork)
