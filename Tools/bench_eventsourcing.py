#!/usr/bin/env python3
"""Peer benchmark: the Python `eventsourcing` library (9.x) storing the same events Parley stores.

What it measures: the first N NDJSON events are stored with eventsourcing's SQLite persistence
module (WAL, as the library sets it, with its zlib compressor), one aggregate per stream (the stream
name maps to a uuid5 aggregate ID), each line one event of a generic event class that carries type,
effective_at, data and meta. Events are saved in batches of about 1,000 pending events across many
aggregates per `app.save(*aggregates)` call, the library's fast path, and only those save calls are
timed. Replay then reads every event back, in order, from the application's notification log and
decodes it (decompress, deserialise, reconstruct the domain event object), and is timed as a whole.

usage: bench_eventsourcing.py EVENTS.ndjson --count N --work DIR

Tools/bench.py runs it on a sample of its workload and reads the single JSON object it prints on
stdout: library_version, events, save_seconds, events_per_second, replay_seconds, replayed_events,
db_bytes, compressor. Diagnostics go to stderr; it exits non-zero, with the reason on the last
stderr line, on failure. It makes (or reuses) a virtualenv at DIR/venv, pip-installs eventsourcing
into it when missing, and re-runs itself there. Everything it writes stays under DIR; the database
DIR/es.db is made afresh on every run.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time
import uuid
from importlib.metadata import version

INNER = "--in-venv"  # internal flag: set when re-executed inside DIR/venv
REQUIREMENT = "eventsourcing>=9,<10"
BATCH = 1000
SECTION = 1000  # notification log section size for replay reads

try:  # the model exists only inside the venv; event topics resolve as __main__:Stream.*
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate
except ImportError:
    Aggregate = None

if Aggregate is not None:
    class Stream(Aggregate):
        """One aggregate per Parley stream; each input line is one event carrying the line's fields.

        The library needs a creation event of its own kind, so a stream's first line is a Started
        event and every later line a Recorded event: the same generic shape, no per-type classes."""

        class Started(Aggregate.Created):
            type: str
            effective_at: str
            data: dict
            meta: dict

        class Recorded(Aggregate.Event):
            type: str
            effective_at: str
            data: dict
            meta: dict

            def apply(self, aggregate):
                aggregate.last_type = self.type

        def __init__(self, type, effective_at, data, meta):
            self.last_type = type

    class Ledger(Application):
        log_section_size = SECTION


def log(msg):
    print(f"bench_eventsourcing: {msg}", file=sys.stderr, flush=True)


def fail(msg):
    log(f"error: {msg}")
    sys.exit(1)


def enter_venv(args):
    """Make or reuse DIR/venv with eventsourcing installed, then exec this script inside it."""
    venv = os.path.join(os.path.abspath(args.work), "venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        log(f"creating virtualenv {venv}")
        subprocess.run([sys.executable, "-m", "venv", venv], check=True, stdout=sys.stderr)
    probe = subprocess.run([python, "-c", "import eventsourcing.sqlite"], capture_output=True)
    if probe.returncode != 0:
        log(f"installing {REQUIREMENT} into {venv}")
        # pip's stdout goes to stderr: stdout is reserved for the one JSON result.
        subprocess.run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", REQUIREMENT],
                       check=True, stdout=sys.stderr)
    script = os.path.abspath(__file__)
    os.execv(python, [python, script, *sys.argv[1:], INNER])


def run(args):
    """Inside the venv: store the first N events, time the saves, then replay and time it."""
    work = os.path.abspath(args.work)
    db = os.path.join(work, "es.db")
    for path in glob.glob(db + "*"):  # es.db, es.db-wal, es.db-shm from an earlier run
        os.remove(path)
    os.environ.update(PERSISTENCE_MODULE="eventsourcing.sqlite", SQLITE_DBNAME=db,
                      COMPRESSOR_TOPIC="eventsourcing.compressor:ZlibCompressor")

    # Parse the sample up front so that only the library's work is timed.
    lines = []
    with open(args.events, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if len(lines) == args.count:
                break
            if line.strip():
                try:
                    ev = json.loads(line)
                    lines.append((ev["stream"], {k: ev.get(k) or ({} if k in ("data", "meta") else "")
                                                 for k in ("type", "effective_at", "data", "meta")}))
                except (ValueError, KeyError) as e:
                    fail(f"{args.events}:{number}: not an event line ({e})")
    if len(lines) < args.count:
        log(f"only {len(lines)} events in {args.events} (asked for {args.count})")
    n = len(lines)

    app = Ledger()
    streams = {}  # stream name -> aggregate (a writer keeps the aggregates it appends to)
    dirty = {}
    pending = 0
    save_seconds = 0.0

    def flush():
        nonlocal pending, save_seconds
        start = time.perf_counter()
        app.save(*dirty.values())
        save_seconds += time.perf_counter() - start
        dirty.clear()
        pending = 0

    for name, fields in lines:
        agg = streams.get(name)
        if agg is None:
            agg = Stream._create(Stream.Started, id=uuid.uuid5(uuid.NAMESPACE_URL, "parley:" + name), **fields)
            streams[name] = agg
        else:
            agg.trigger_event(Stream.Recorded, **fields)
        dirty[agg.id] = agg
        pending += 1
        if pending >= BATCH:
            flush()
    if pending:
        flush()
    log(f"saved {n} events of {len(streams)} streams in {save_seconds:.3f} s")

    # Replay: every event in application order, read and decoded into domain event objects.
    start = time.perf_counter()
    replayed, position = 0, 1
    while True:
        section = app.notification_log.select(start=position, limit=SECTION)
        for notification in section:
            app.mapper.to_domain_event(notification)
        replayed += len(section)
        if len(section) < SECTION:
            break
        position = section[-1].id + 1
    replay_seconds = time.perf_counter() - start
    app.close()
    log(f"replayed {replayed} events in {replay_seconds:.3f} s")

    if replayed != n:
        fail(f"replayed {replayed} events, saved {n}")
    db_bytes = sum(os.path.getsize(p) for p in glob.glob(db + "*"))
    print(json.dumps({
        "library_version": version("eventsourcing"),
        "events": n,
        "save_seconds": round(save_seconds, 4),
        "events_per_second": round(n / save_seconds, 1) if save_seconds else 0.0,
        "replay_seconds": round(replay_seconds, 4),
        "replayed_events": replayed,
        "db_bytes": db_bytes,
        "compressor": "zlib",
    }))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("events", help="NDJSON events, one JSON object a line")
    ap.add_argument("--count", type=int, required=True, help="store the first N events")
    ap.add_argument("--work", required=True, help="scratch directory: venv and database live here")
    ap.add_argument(INNER, dest="inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.count < 1:
        fail("--count must be at least 1")
    if not os.path.isfile(args.events):
        fail(f"no such events file: {args.events}")
    os.makedirs(args.work, exist_ok=True)
    try:
        if args.inner:
            if Aggregate is None:
                fail(f"eventsourcing cannot be imported by {sys.executable}")
            run(args)
        else:
            enter_venv(args)
    except subprocess.CalledProcessError as e:
        fail(f"command failed ({e.returncode}): {' '.join(map(str, e.cmd))}")
    except Exception as e:  # report the library's own failures as one clear line
        fail(f"{type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
