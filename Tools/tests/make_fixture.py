#!/usr/bin/env python3
"""Builds small Parley ledgers in pure python + the stock `lz4` and `openssl` tools.

Written from docs/FORMAT.md alone (it shares no code with Tools/verify-ledger.py), so
the verifier's tests do not just check the verifier against itself.

Library use (from the tests):
    fx = build_ledger(dir, commits)         # commits: list of lists of event dicts
    fx.lines, fx.commits, fx.segments, fx.root_at(n), fx.origin
    key = make_key(tmpdir, "auditor")       # Ed25519 key via openssl
    note = sign_checkpoint(key, origin, size, root_bytes)

Command line (a ledger to try the verifier on, or to benchmark it):
    python3 Tools/tests/make_fixture.py OUT_DIR [--records N] [--per-commit K]
        [--segment-bytes B] [--sign-key-dir DIR]
"""

import argparse
import base64
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import uuid

# --------------------------------------------------------------------------
# canonical JSON (RFC 8785 as pinned by FORMAT.md), written from scratch

_ESC = {0x22: '\\"', 0x5C: "\\\\", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}


def jcs_string(s):
    out = ['"']
    for ch in s:
        c = ord(ch)
        if c in _ESC:
            out.append(_ESC[c])
        elif c < 0x20:
            out.append("\\u%04x" % c)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        assert -(1 << 53) < value < (1 << 53)
        return str(value)
    if isinstance(value, str):
        return jcs_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(jcs_string(k) + ":" + jcs(value[k]) for k in keys) + "}"
    raise TypeError("not allowed in a Parley record: %r" % (value,))


# --------------------------------------------------------------------------
# RFC 6962, the recursive definition (MTH of section 2.1)

def leaf_hash(line):
    return hashlib.sha256(b"\x00" + line).digest()


class IncrementalRoot:
    """RFC 6962 root maintained leaf by leaf: a stack of perfect subtree hashes whose
    sizes are the binary digits of the leaf count (used for markers of big fixtures;
    tests check results against the recursive mth())."""

    def __init__(self):
        self.n = 0
        self.stack = []

    def add(self, leaf):
        h = leaf
        k = self.n
        while k % 2 == 1:
            h = hashlib.sha256(b"\x01" + self.stack.pop() + h).digest()
            k //= 2
        self.stack.append(h)
        self.n += 1

    def root(self):
        if not self.stack:
            return hashlib.sha256(b"").digest()
        h = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            h = hashlib.sha256(b"\x01" + left + h).digest()
        return h


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


# --------------------------------------------------------------------------
# LZ4 frames via the stock tool

def lz4_frame(content, content_size=True):
    """One standard LZ4 frame (content checksum on, block checksums off)."""
    if content_size:
        with tempfile.NamedTemporaryFile(prefix="fx-", delete=False) as tmp:
            tmp.write(content)
            name = tmp.name
        try:
            out = subprocess.run(["lz4", "-1", "-q", "--content-size", "-c", name],
                                 stdout=subprocess.PIPE, check=True).stdout
        finally:
            os.unlink(name)
    else:
        # through a pipe the tool cannot know the size, so the header has none
        out = subprocess.run(["lz4", "-1", "-q", "-c"], input=content,
                             stdout=subprocess.PIPE, check=True).stdout
    assert out[:4] == b"\x04\x22\x4d\x18"
    return out


def skippable(payload, magic=0x184D2A5C):
    return magic.to_bytes(4, "little") + len(payload).to_bytes(4, "little") + payload


# --------------------------------------------------------------------------
# events

STREAMS = ["party/zil", "party/faw", "party/mac", "negotiation/zil-faw-assembly"]


def sample_event(i, rng=None):
    """A varied, schema-agnostic event body (the verifier does not check schemas)."""
    rng = rng or random
    kind = i % 5
    if kind == 0:
        return {"stream": "party/zil", "type": "PartyRegistered", "schema": 1,
                "effective_at": "2005-01-%02dT00:00:00Z" % (1 + i % 28),
                "data": {"name": "ZIL — Завод имени Лихачёва", "country": "RU", "kind": "company"},
                "meta": {"source": {"publication": "Vedomosti", "url": "https://www.vedomosti.ru/a/%d" % i},
                         "confidence": "reported"}}
    if kind == 1:
        return {"stream": "negotiation/zil-faw-assembly", "type": "StatementReported", "schema": 1,
                "effective_at": "2005-02-%02d" % (1 + i % 28),
                "data": {"claim": "assembly could start \"as soon as this year\"\n(MAC)",
                         "stance": "confirms", "attributed_to": "party/mac",
                         "note": "tab\there, del\x7f, ls\u2028ps\u2029, ctl\x01\x1f, slash / back\\"},
                "meta": {"actor": "analyst-%d" % (i % 3)}}
    if kind == 2:
        return {"stream": "negotiation/zil-faw-assembly", "type": "DemandEstimated", "schema": 2,
                "effective_at": "2005", "data": {"market": "Moscow and St Petersburg",
                                                 "range": {"min": 5000, "max": 7000}, "per": "year",
                                                 "price": {"amount": "35000", "currency": "USD"}},
                "meta": {}}
    if kind == 3:
        # keys that sort differently by UTF-16 code units and by code points
        return {"stream": "party/faw", "type": "FinancialFactReported", "schema": 1,
                "effective_at": "2004-09-30T00:00:00Z",
                "data": {"\ue000": "private use", "\U0001F600": "emoji key", "a": -32800000,
                         "value": {"amount": "116000000", "currency": "USD"}, "n": rng.randint(0, 10 ** 6)},
                "meta": {"attributed_to": "source close to FAW"}}
    return {"stream": "party/mac", "type": "RoleAssigned", "schema": 1,
            "effective_at": "2005-03-01T12:00:00Z",
            "data": {"person": "Konstantin Laptev", "role": "director", "ok": True, "none": None,
                     "list": [1, "two", [3], {"four": 4}]},
            "meta": {}}


class Commit:
    def __init__(self):
        self.segment = None          # file name
        self.start = None            # byte offset of the first data frame
        self.marker_offset = None
        self.end = None              # byte offset after the marker
        self.first_seq = None
        self.last_seq = None
        self.frames = []             # (offset, end) of data frames


class Fixture:
    def __init__(self, path):
        self.path = path
        self.lines = []              # canonical record lines, without "\n", as committed
        self.commits = []
        self.segments = []           # file names in order
        self.origin = None
        self.ledger_id = None

    def root_at(self, n):
        return mth([leaf_hash(x) for x in self.lines[:n]])

    @property
    def size(self):
        return len(self.lines)

    def segment_path(self, name):
        return os.path.join(self.path, "segments", name)


def _recorded_at(k):
    base = 1764082800  # 2025-11-25T15:00:00Z
    sec, micro = divmod(k, 1000000)
    import time
    t = time.gmtime(base + sec)
    return time.strftime("%Y-%m-%dT%H:%M:%S", t) + ".%06dZ" % micro


def build_ledger(path, commits, *, origin=None, ledger_id=None, segment_bytes=64 * 1024 * 1024,
                 frames_per_commit=1, line_override=None, content_size=True,
                 recorded_at=None, ids=None, seed=1):
    """Writes a ledger directory.

    commits: list of lists of event dicts (stream, type, schema, effective_at, data, meta).
    line_override: {seq: bytes} — a record written in place of the true one while the
        markers still carry the true roots (simulates an edited record).
    recorded_at: optional function seq -> string.
    """
    rng = random.Random(seed)
    fx = Fixture(path)
    fx.ledger_id = ledger_id or str(uuid.UUID(int=rng.getrandbits(128), version=4))
    fx.origin = origin or "parley.local/ledger/" + fx.ledger_id
    os.makedirs(os.path.join(path, "segments"), exist_ok=True)
    os.makedirs(os.path.join(path, "checkpoints"), exist_ok=True)
    manifest = {"created_at": "2025-11-25T15:00:00.000000Z", "format": "parley-ledger",
                "format_version": 1, "ledger_id": fx.ledger_id, "origin": fx.origin}
    with open(os.path.join(path, "ledger.json"), "w", encoding="utf-8") as fh:
        fh.write(jcs(manifest) + "\n")
    open(os.path.join(path, "LOCK"), "w").close()
    line_override = line_override or {}

    versions = {}
    tree = IncrementalRoot()
    seq = 0
    seg_name = None
    seg_buf = None
    seg_bufs = []
    for ci, events in enumerate(commits):
        if seg_buf is None or len(seg_buf) >= segment_bytes:
            seg_name = "%020d.ndjson.lz4" % (seq + 1)
            seg_buf = bytearray()
            seg_bufs.append((seg_name, seg_buf))
            fx.segments.append(seg_name)
        c = Commit()
        c.segment = seg_name
        c.start = len(seg_buf)
        c.first_seq = seq + 1
        rec_at = None
        written = []
        for ev in events:
            seq += 1
            if "raw" in ev:      # a record line given verbatim (tests of malformed records)
                if rec_at is None:
                    rec_at = recorded_at(seq) if recorded_at else _recorded_at(ci * 1000)
                fx.lines.append(ev["raw"])
                tree.add(leaf_hash(ev["raw"]))
                written.append(line_override.get(seq, ev["raw"]))
                continue
            stream = ev["stream"]
            versions[stream] = versions.get(stream, 0) + 1
            if rec_at is None:
                rec_at = recorded_at(seq) if recorded_at else _recorded_at(ci * 1000)
            rec = {"seq": seq, "id": ids(seq) if ids else str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                   "stream": stream, "version": ev.get("version", versions[stream]),
                   "type": ev["type"], "schema": ev["schema"],
                   "recorded_at": rec_at, "effective_at": ev["effective_at"],
                   "data": ev["data"], "meta": ev.get("meta", {})}
            rec.update(ev.get("extra", {}))
            line = jcs(rec).encode("utf-8")
            fx.lines.append(line)
            tree.add(leaf_hash(line))
            written.append(line_override.get(seq, line))
        c.last_seq = seq
        # data frames: split the commit's lines into `frames_per_commit` groups
        groups = max(1, min(frames_per_commit, len(written)))
        per = -(-len(written) // groups)
        for g in range(0, len(written), per):
            chunk = b"".join(x + b"\n" for x in written[g:g + per])
            off = len(seg_buf)
            seg_buf += lz4_frame(chunk, content_size=content_size)
            c.frames.append((off, len(seg_buf)))
        marker = {"committed_at": rec_at, "first_seq": c.first_seq, "last_seq": seq,
                  "root": tree.root().hex(), "tree_size": seq}
        c.marker_offset = len(seg_buf)
        seg_buf += skippable(jcs(marker).encode("utf-8"))
        c.end = len(seg_buf)
        fx.commits.append(c)
    for name, buf in seg_bufs:
        with open(os.path.join(path, "segments", name), "wb") as fh:
            fh.write(bytes(buf))
    return fx


def standard_commits(n_commits=6, per_commit=3, start=0):
    out = []
    i = start
    for _ in range(n_commits):
        evs = []
        for _ in range(per_commit):
            evs.append(sample_event(i, random.Random(i)))
            i += 1
        out.append(evs)
    return out


# --------------------------------------------------------------------------
# keys and signed checkpoints (openssl)

class Key:
    def __init__(self, name, der_path, seed, pub):
        self.name = name
        self.der_path = der_path
        self.seed = seed
        self.pub = pub

    @property
    def key_id(self):
        return hashlib.sha256(self.name.encode() + b"\n\x01" + self.pub).digest()[:4]

    @property
    def vkey(self):
        return "%s+%s+%s" % (self.name, self.key_id.hex(), base64.b64encode(b"\x01" + self.pub).decode())

    @property
    def skey(self):
        return "PRIVATE+KEY+%s+%s+%s" % (self.name, self.key_id.hex(),
                                          base64.b64encode(b"\x01" + self.seed).decode())

    def sign(self, message):
        with tempfile.TemporaryDirectory() as d:
            mp = os.path.join(d, "m")
            with open(mp, "wb") as fh:
                fh.write(message)
            return subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", self.der_path, "-keyform", "DER",
                                   "-rawin", "-in", mp], stdout=subprocess.PIPE, check=True).stdout


def make_key(directory, name):
    der = os.path.join(directory, name + ".der")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-outform", "DER", "-out", der],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(der, "rb") as fh:
        pkcs8 = fh.read()
    assert pkcs8[:16] == bytes.fromhex("302e020100300506032b657004220420"), pkcs8.hex()
    seed = pkcs8[16:48]
    spki = subprocess.run(["openssl", "pkey", "-inform", "DER", "-in", der, "-pubout", "-outform", "DER"],
                          stdout=subprocess.PIPE, check=True).stdout
    assert spki[:12] == bytes.fromhex("302a300506032b6570032100")
    return Key(name, der, seed, spki[12:])


def checkpoint_body(origin, size, root):
    return ("%s\n%d\n%s\n" % (origin, size, base64.b64encode(root).decode())).encode("utf-8")


def sign_note(body, *keys, sign_as=None):
    """A C2SP signed note. sign_as=(name, keyid) forges the line's identity."""
    out = body + b"\n"
    for k in keys:
        name, kid = sign_as if sign_as else (k.name, k.key_id)
        sig = k.sign(body)
        out += ("\u2014 %s %s\n" % (name, base64.b64encode(kid + sig).decode())).encode("utf-8")
    return out


def sign_checkpoint(key, origin, size, root, **kw):
    return sign_note(checkpoint_body(origin, size, root), key, **kw)


# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--records", type=int, default=30)
    ap.add_argument("--per-commit", type=int, default=3)
    ap.add_argument("--segment-bytes", type=int, default=64 * 1024 * 1024)
    ap.add_argument("--sign-key-dir", help="make a key there and write checkpoints/<size>.ckpt")
    args = ap.parse_args()
    if os.path.exists(args.out) and os.listdir(args.out):
        sys.exit("%s exists and is not empty" % args.out)
    commits = []
    i = 0
    rng = random.Random(7)
    while i < args.records:
        k = min(args.per_commit, args.records - i)
        commits.append([sample_event(j, rng) for j in range(i, i + k)])
        i += k
    fx = build_ledger(args.out, commits, segment_bytes=args.segment_bytes)
    root = fx.root_at(fx.size) if fx.size <= 100000 else None
    if args.sign_key_dir:
        os.makedirs(args.sign_key_dir, exist_ok=True)
        key = make_key(args.sign_key_dir, "fixture-auditor")
        root = root or fx.root_at(fx.size)
        with open(os.path.join(args.out, "checkpoints", "%d.ckpt" % fx.size), "wb") as fh:
            fh.write(sign_checkpoint(key, fx.origin, fx.size, root))
        with open(os.path.join(args.sign_key_dir, "fixture-auditor.vkey"), "w") as fh:
            fh.write(key.vkey + "\n")
        print("verifier key:", key.vkey)
    print("ledger %s: %d records, %d commits, %d segment(s)%s" % (
        args.out, fx.size, len(fx.commits), len(fx.segments), ", root " + root.hex() if root else ""))


if __name__ == "__main__":
    main()
