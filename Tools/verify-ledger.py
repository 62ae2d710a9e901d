#!/usr/bin/env python3
"""Independent verifier for a Parley ledger directory.

Needs only python3's standard library plus the stock `lz4` command-line tool
(and `openssl` when a checkpoint signature is checked).  It shares no code with
the Swift implementation; it follows docs/FORMAT.md and SPEC.md byte for byte.

Usage:
    python3 Tools/verify-ledger.py LEDGER_DIR
        [--checkpoint FILE --vkey VERIFIER_KEY_STRING_OR_FILE] [--json] [--quiet]

What is checked:
  * ledger.json: canonical JSON line, format "parley-ledger", format_version 1;
  * segments/<20 digits>.ndjson.lz4: names contiguous (first is 1, each next one
    = 1 + last seq of the previous);
  * LZ4 frame structure walked in python (magic, FLG/BD, header checksum, block
    sizes, end mark, content checksum presence, skippable frames), every problem
    named by segment and byte offset;
  * data frames decompressed by the stock `lz4 -dc` fed through stdin, one call
    per --chunk-mib (default 16) MiB of compressed frames, never one per frame;
    the tool checks content checksums; the decoded size is checked against the
    frame headers' content sizes;
  * commit markers (skippable frames 0x184D2A5C): canonical JSON with exactly
    committed_at, first_seq, last_seq, root, tree_size; seqs contiguous;
    tree_size = last_seq; root = RFC 6962 root of records 1..last_seq;
  * bytes after the last marker: a warning (torn tail) in the last segment,
    a failure in any other segment;
  * every record line: UTF-8, JSON, canonical (RFC 8785 as pinned by FORMAT.md),
    integers only (|n| < 2^53), required fields and their types, seq contiguous
    from 1, per-stream version contiguous from 1, recorded_at non-decreasing,
    event ids unique;
  * checkpoints/<N>.ckpt stored in the ledger: origin, size and root consistent
    with the ledger (signatures too when --vkey is given);
  * --checkpoint: C2SP signed note, Ed25519 signature by --vkey (verified with
    `openssl pkeyutl -verify -rawin`), key id, origin = manifest origin, and
    root = this ledger's root at that tree size (so the ledger extends it).

Exit status: 0 clean (warnings allowed), 1 any failure, 2 usage error.

Output: one line per finding, `FAIL|WARN|NOTE <file>@<offset> seq=<n>: <what>` (offsets
are byte offsets in the segment file: of the frame for record findings, of the marker
for marker findings), then `OK tree_size=N root=<hex>` or `FAILED ...`; with --json one
object {"ok", "tree_size", "root", "failures", "warnings", "findings": [{"level",
"kind", "file", "offset", "seq", "message"}], "suppressed"?, "checkpoint"?}.
tree_size/root are those of the committed records verified (the prefix before the
first break in the chain when the ledger is damaged).
"""

import argparse
import base64
import binascii
import collections
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

LZ4_FRAME_MAGIC = 0x184D2204
LZ4_LEGACY_MAGIC = 0x184C2102
SKIPPABLE_MASK = 0xFFFFFFF0
SKIPPABLE_BASE = 0x184D2A50
MARKER_MAGIC = 0x184D2A5C
MARKER_MAGIC_BYTES = MARKER_MAGIC.to_bytes(4, "little")

SEGMENT_RE = re.compile(r"^([0-9]{20})\.ndjson\.lz4$")
CHECKPOINT_RE = re.compile(r"^(0|[1-9][0-9]*)\.ckpt$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
RECORDED_AT_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$")
RFC3339_RE = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$")
ROOT_HEX_RE = re.compile(r"^[0-9a-f]{64}$")
STREAM_RE = re.compile(r"^[^/]+/.+$")
TYPE_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
DECIMAL_RE = re.compile(r"^(0|[1-9][0-9]*)$")
# Cheap screening of each line in one C pass: digits become "0" and the lead bytes
# of 4-byte UTF-8 sequences become 0xF0.  Sixteen zeros in a row may be an integer
# >= 2^53; an 0xF0 means a supplementary character, the only case where sorting
# keys by UTF-16 code units (RFC 8785) differs from python's code point order.
_SCREEN = bytes((0x30 if 0x30 <= b <= 0x39 else 0xF0 if 0xF0 <= b <= 0xF4 else b) for b in range(256))
_SIXTEEN_DIGITS = b"0" * 16

MAX_INT = 1 << 53
REQUIRED_FIELDS = ("seq", "id", "stream", "version", "type", "schema",
                   "recorded_at", "effective_at", "data", "meta")
REQUIRED_SET = frozenset(REQUIRED_FIELDS)
MARKER_KEYS = frozenset(("committed_at", "first_seq", "last_seq", "root", "tree_size"))
MANIFEST_KEYS = frozenset(("created_at", "format", "format_version", "ledger_id", "origin"))
ED25519_SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
EMPTY_ROOT = hashlib.sha256(b"").digest()


_ABSENT = object()


def _show(value):
    """A short ASCII rendering of a JSON value for messages."""
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:57] + "..."


class UsageError(Exception):
    pass


# --------------------------------------------------------------------------
# findings

class Findings:
    """Collects failures and warnings; shows at most `cap` per kind."""

    def __init__(self, cap):
        self.cap = cap
        self.shown = []
        self.per_kind = {}
        self.suppressed = {}
        self.failures = 0
        self.warnings = 0

    def add(self, level, kind, file, offset, seq, message):
        """level: "fail" (exit 1), "warn", or "note" (context for other findings)."""
        if level == "fail":
            self.failures += 1
        elif level == "warn":
            self.warnings += 1
        n = self.per_kind.get(kind, 0) + 1
        self.per_kind[kind] = n
        if self.cap and n > self.cap:
            self.suppressed[kind] = self.suppressed.get(kind, 0) + 1
            return
        self.shown.append({"level": level, "kind": kind, "file": file,
                           "offset": offset, "seq": seq, "message": message})

    def fail(self, kind, file, offset, seq, message):
        self.add("fail", kind, file, offset, seq, message)

    def sort(self):
        """File order (manifest, segments, checkpoints), then offset, then seq. Record
        checks may finish after later marker checks (--jobs), so output is ordered here."""
        def key(item):
            idx, f = item
            name = f["file"] or ""
            rank = 0 if name == "ledger.json" else 1 if SEGMENT_RE.match(name) else 2
            return (rank, name if rank == 1 else "", -1 if f["offset"] is None else f["offset"],
                    float("inf") if f["seq"] is None else f["seq"], idx)
        self.shown = [f for _, f in sorted(enumerate(self.shown), key=key)]

    def warn(self, kind, file, offset, seq, message):
        self.add("warn", kind, file, offset, seq, message)


def format_finding(f):
    where = f["file"] or "-"
    if f["offset"] is not None:
        where += "@%d" % f["offset"]
    if f["seq"] is not None:
        where += " seq=%d" % f["seq"]
    return "%s %s: %s" % (f["level"].upper(), where, f["message"])


# --------------------------------------------------------------------------
# xxHash32 (only used for the few bytes of each LZ4 frame descriptor)

_P1, _P2, _P3, _P4, _P5 = 2654435761, 2246822519, 3266489917, 668265263, 374761393
_M32 = 0xFFFFFFFF


def _rotl(x, r):
    return ((x << r) | (x >> (32 - r))) & _M32


def xxh32(data, seed=0):
    n = len(data)
    i = 0
    if n >= 16:
        v = [(seed + _P1 + _P2) & _M32, (seed + _P2) & _M32, seed & _M32, (seed - _P1) & _M32]
        while i + 16 <= n:
            for lane in range(4):
                word = int.from_bytes(data[i:i + 4], "little")
                v[lane] = (_rotl((v[lane] + word * _P2) & _M32, 13) * _P1) & _M32
                i += 4
        h = (_rotl(v[0], 1) + _rotl(v[1], 7) + _rotl(v[2], 12) + _rotl(v[3], 18)) & _M32
    else:
        h = (seed + _P5) & _M32
    h = (h + n) & _M32
    while i + 4 <= n:
        h = (_rotl((h + int.from_bytes(data[i:i + 4], "little") * _P3) & _M32, 17) * _P4) & _M32
        i += 4
    while i < n:
        h = (_rotl((h + data[i] * _P5) & _M32, 11) * _P1) & _M32
        i += 1
    h ^= h >> 15
    h = (h * _P2) & _M32
    h ^= h >> 13
    h = (h * _P3) & _M32
    h ^= h >> 16
    return h


_hc_cache = {}


def header_checksum(desc):
    hc = _hc_cache.get(desc)
    if hc is None:
        hc = (xxh32(desc) >> 8) & 0xFF
        if len(_hc_cache) < 100000:
            _hc_cache[desc] = hc
    return hc


# --------------------------------------------------------------------------
# LZ4 frame walking

class Frame:
    __slots__ = ("kind", "offset", "end", "content_size", "magic", "payload", "marker")

    def __init__(self, kind, offset, end, content_size=None, magic=None, payload=None):
        self.kind = kind              # "data" | "marker" | "skip"
        self.offset = offset
        self.end = end
        self.content_size = content_size
        self.magic = magic
        self.payload = payload
        self.marker = None            # parsed marker dict (or None if invalid)


class Damage:
    __slots__ = ("offset", "frame_offset", "message", "truncated")

    def __init__(self, offset, frame_offset, message, truncated):
        self.offset = offset
        self.frame_offset = frame_offset
        self.message = message
        self.truncated = truncated


def walk_frames(buf, start, file, findings):
    """Walks frames from `start`; returns (frames, Damage or None).

    Format deviations that do not stop the walk (no content checksum, block
    checksums on, unknown skippable frames) are reported to `findings`."""
    frames = []
    n = len(buf)
    off = start
    while off < n:
        fo = off
        if n - off < 4:
            return frames, Damage(off, fo, "truncated frame magic (%d byte(s) left)" % (n - off), True)
        magic = int.from_bytes(buf[off:off + 4], "little")
        if magic == LZ4_FRAME_MAGIC:
            p = off + 4
            if n - p < 3:
                return frames, Damage(p, fo, "truncated LZ4 frame header", True)
            flg = buf[p]
            bd = buf[p + 1]
            if flg >> 6 != 1:
                return frames, Damage(p, fo, "LZ4 frame version %d is not 01" % (flg >> 6), False)
            if flg & 0x02:
                return frames, Damage(p, fo, "LZ4 FLG reserved bit set", False)
            if bd & 0x8F:
                return frames, Damage(p + 1, fo, "LZ4 BD reserved bits set (0x%02x)" % bd, False)
            bcode = (bd >> 4) & 7
            if bcode < 4:
                return frames, Damage(p + 1, fo, "invalid LZ4 block maximum size code %d" % bcode, False)
            bmax = 1 << (2 * bcode + 8)
            has_bchk = bool(flg & 0x10)
            has_csize = bool(flg & 0x08)
            has_cchk = bool(flg & 0x04)
            has_dict = bool(flg & 0x01)
            hlen = 2 + (8 if has_csize else 0) + (4 if has_dict else 0)
            if n - p < hlen + 1:
                return frames, Damage(p, fo, "truncated LZ4 frame header", True)
            desc = bytes(buf[p:p + hlen])
            if header_checksum(desc) != buf[p + hlen]:
                return frames, Damage(p + hlen, fo, "LZ4 frame header checksum mismatch", False)
            csize = int.from_bytes(desc[2:10], "little") if has_csize else None
            if has_dict:
                return frames, Damage(p, fo, "LZ4 frame uses a dictionary id (not decodable by stock lz4)", False)
            if not has_cchk:
                findings.fail("frame-format", file, fo, None,
                              "LZ4 frame without content checksum (FORMAT.md requires it)")
            if not has_csize:
                findings.fail("frame-format", file, fo, None,
                              "LZ4 frame without content size in the header (FORMAT.md requires it)")
            if has_bchk:
                findings.warn("frame-format", file, fo, None,
                              "LZ4 frame with block checksums (FORMAT.md says off)")
            p += hlen + 1
            bextra = 4 if has_bchk else 0
            while True:
                if n - p < 4:
                    return frames, Damage(p, fo, "LZ4 frame ends before its end mark", True)
                word = int.from_bytes(buf[p:p + 4], "little")
                if word == 0:
                    p += 4
                    break
                size = word & 0x7FFFFFFF
                if size > bmax:
                    return frames, Damage(p, fo, "LZ4 block size %d exceeds the frame's maximum %d"
                                          % (size, bmax), False)
                if n - (p + 4) < size + bextra:
                    return frames, Damage(p, fo, "LZ4 block of %d bytes runs past the end of the file"
                                          % size, True)
                p += 4 + size + bextra
            if has_cchk:
                if n - p < 4:
                    return frames, Damage(p, fo, "LZ4 frame content checksum missing (file ends)", True)
                p += 4
            if csize is not None and csize > 255 * (p - fo) + 65536:
                return frames, Damage(fo + 6, fo, "LZ4 frame header claims %d content bytes, impossible "
                                      "for a %d-byte frame" % (csize, p - fo), False)
            frames.append(Frame("data", fo, p, content_size=csize))
            off = p
        elif magic & SKIPPABLE_MASK == SKIPPABLE_BASE:
            if n - off < 8:
                return frames, Damage(off, fo, "truncated skippable frame header", True)
            size = int.from_bytes(buf[off + 4:off + 8], "little")
            end = off + 8 + size
            if end > n:
                return frames, Damage(off, fo, "skippable frame of %d bytes runs past the end of the file"
                                      % size, True)
            if magic == MARKER_MAGIC:
                frames.append(Frame("marker", fo, end, magic=magic, payload=bytes(buf[off + 8:end])))
            else:
                frames.append(Frame("skip", fo, end, magic=magic))
            off = end
        elif magic == LZ4_LEGACY_MAGIC:
            return frames, Damage(off, fo, "legacy LZ4 frame (not allowed)", False)
        else:
            return frames, Damage(off, fo, "not an LZ4 frame (magic 0x%08x)" % magic, False)
    return frames, None


def find_marker_after(buf, start):
    """Offset of the first complete, parseable commit marker at or after `start`, or None."""
    i = buf.find(MARKER_MAGIC_BYTES, start)
    while i >= 0:
        if i + 8 <= len(buf):
            size = int.from_bytes(buf[i + 4:i + 8], "little")
            if size < 4096 and i + 8 + size <= len(buf):
                try:
                    obj = json.loads(bytes(buf[i + 8:i + 8 + size]).decode("utf-8"))
                    if isinstance(obj, dict) and "root" in obj and "last_seq" in obj:
                        return i
                except (ValueError, UnicodeDecodeError):
                    pass
        i = buf.find(MARKER_MAGIC_BYTES, i + 1)
    return None


# --------------------------------------------------------------------------
# canonical JSON

class NonInteger(ValueError):
    pass


def _reject_float(s):
    raise NonInteger("non-integer number %s" % s)


def _reject_constant(s):
    raise NonInteger("non-JSON number %s" % s)


_DECODER = json.JSONDecoder(parse_float=_reject_float, parse_constant=_reject_constant)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
_STR_ENCODER = json.JSONEncoder(ensure_ascii=False)
_scan_once = _DECODER.scan_once


def decode_json(text):
    """One JSON value spanning all of `text` (no surrounding whitespace allowed)."""
    try:
        obj, end = _scan_once(text, 0)
    except StopIteration as e:
        raise json.JSONDecodeError("Expecting value", text, e.value) from None
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return obj


try:
    # the C encoder, built once (json.JSONEncoder.encode rebuilds it on every call)
    _c_encoder = json.encoder.c_make_encoder(None, _ENCODER.default, json.encoder.encode_basestring,
                                             None, ":", ",", True, False, False)

    def encode_sorted(obj):
        return "".join(_c_encoder(obj, 0)) if type(obj) is dict else _ENCODER.encode(obj)
except (AttributeError, TypeError):  # pure-python json module
    encode_sorted = _ENCODER.encode


def _utf16_key(k):
    return k.encode("utf-16-be", "surrogatepass")


_NON_BMP_RE = re.compile("[\U00010000-\U0010FFFF]")


def _utf16_sorted_copy(o):
    """A copy of `o` whose objects hold their keys in UTF-16 code unit order."""
    if type(o) is dict:
        keys = sorted(o)
        if _NON_BMP_RE.search("".join(keys)):
            keys.sort(key=_utf16_key)
        return {k: (_utf16_sorted_copy(o[k]) if type(o[k]) in (dict, list) else o[k]) for k in keys}
    return [(_utf16_sorted_copy(v) if type(v) in (dict, list) else v) for v in o]


try:
    _c_encoder_unsorted = json.encoder.c_make_encoder(None, _ENCODER.default, json.encoder.encode_basestring,
                                                      None, ":", ",", False, False, False)

    def canonical_slow(o):
        """Canonical form with keys ordered by UTF-16 code units (RFC 8785)."""
        if type(o) not in (dict, list):
            return _ENCODER.encode(o)
        return "".join(_c_encoder_unsorted(_utf16_sorted_copy(o), 0))
except (AttributeError, TypeError):
    def canonical_slow(o):
        if type(o) not in (dict, list):
            return _ENCODER.encode(o)
        return json.dumps(_utf16_sorted_copy(o), ensure_ascii=False, separators=(",", ":"))


def utf16_order_kept(o):
    """False if some object's keys, as they are (code point order), are not in UTF-16 order."""
    stack = [o]
    while stack:
        x = stack.pop()
        if type(x) is dict:
            keys = list(x)
            if _NON_BMP_RE.search("".join(keys)) and keys != sorted(keys, key=_utf16_key):
                return False
            stack.extend(v for v in x.values() if type(v) is dict or type(v) is list)
        elif type(x) is list:
            stack.extend(v for v in x if type(v) is dict or type(v) is list)
    return True


def ints_in_range(o):
    stack = [o]
    while stack:
        x = stack.pop()
        t = type(x)
        if t is dict:
            stack.extend(x.values())
        elif t is list:
            stack.extend(x)
        elif t is int and not -MAX_INT < x < MAX_INT:
            raise NonInteger("integer %d out of range (|n| must be < 2^53)" % x)


def canonical_problem(obj, text, raw):
    """None if `text` (decoded from `raw`) is the canonical form of `obj`, else a message."""
    screened = raw.translate(_SCREEN)
    try:
        if _SIXTEEN_DIGITS in screened:
            ints_in_range(obj)
    except NonInteger as e:
        return str(e)
    supplementary = not raw.isascii() and b"\xf0" in screened
    canon = encode_sorted(obj)
    if canon == text:
        if not supplementary or utf16_order_kept(obj):
            return None
        canon = canonical_slow(obj)
    elif supplementary:
        canon = canonical_slow(obj)
        if canon == text:
            return None
    return "not canonical JSON: " + diagnose_noncanonical(text, canon)


def diagnose_noncanonical(text, canon):
    problems = []

    def hook(pairs):
        keys = [k for k, _ in pairs]
        if not problems:
            seen = set()
            for k in keys:
                if k in seen:
                    problems.append("duplicate key %s" % json.dumps(k, ensure_ascii=False))
                    break
                seen.add(k)
            else:
                if keys != sorted(keys, key=_utf16_key):
                    problems.append("keys not sorted by UTF-16 code units (%s)"
                                    % ",".join(json.dumps(k, ensure_ascii=False) for k in keys[:6]))
        return dict(pairs)

    try:
        json.loads(text, object_pairs_hook=hook, parse_float=_reject_float)
    except ValueError:
        pass
    if problems:
        return problems[0]
    i = len(os.path.commonprefix([text, canon]))
    return "differs from canonical form at char %d: found %s, expected %s" % (
        i, json.dumps(text[i:i + 16], ensure_ascii=True), json.dumps(canon[i:i + 16], ensure_ascii=True))


def parse_canonical(raw):
    """Parses bytes that must be one canonical JSON value. Returns (obj, problem)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, "invalid UTF-8 at byte %d" % e.start
    try:
        obj = decode_json(text)
    except NonInteger as e:
        return None, str(e)
    except ValueError as e:
        return None, "invalid JSON: %s" % e
    except RecursionError:
        return None, "JSON nested too deeply"
    try:
        return obj, canonical_problem(obj, text, raw)
    except RecursionError:
        return obj, "JSON nested too deeply"


# --------------------------------------------------------------------------
# Merkle tree (RFC 6962)

def merkle_root(stack):
    if not stack:
        return EMPTY_ROOT
    h = stack[-1]
    for left in reversed(stack[:-1]):
        h = hashlib.sha256(b"\x01" + left + h).digest()
    return h


# --------------------------------------------------------------------------
# decompression with the stock lz4 tool

class Sliced:
    """Per-frame views of one lz4 output, sliced only when used (keeps memory at 1x)."""

    def __init__(self, blob, sizes):
        self.blob = blob
        self.starts = [0]
        for n in sizes:
            self.starts.append(self.starts[-1] + n)

    def __len__(self):
        return len(self.starts) - 1

    def __getitem__(self, i):
        return self.blob[self.starts[i]:self.starts[i + 1]]


def run_lz4(lz4, data, expected=None):
    """`lz4 -dc` over `data` (stdin). With `expected` (the decoded size the frame headers
    announce), the output is read straight into one buffer of that size, so a big chunk
    is never held twice; a longer output is cut at expected + 1 bytes."""
    if expected is None:
        p = subprocess.run([lz4, "-d", "-c", "-q"], input=data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace").strip()
    with tempfile.TemporaryFile() as errf:
        p = subprocess.Popen([lz4, "-d", "-c", "-q"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=errf)

        def feed():
            try:
                p.stdin.write(data)
            except (BrokenPipeError, OSError):
                pass
            finally:
                try:
                    p.stdin.close()
                except OSError:
                    pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        out = bytearray(expected + 1)
        view = memoryview(out)
        n = 0
        while n < len(out):
            got = p.stdout.readinto(view[n:])
            if not got:
                break
            n += got
        view.release()
        p.stdout.close()
        if n > expected:
            p.kill()
        rc = p.wait()
        writer.join()
        del out[n:]
        errf.seek(0)
        err = errf.read().decode("utf-8", "replace").strip()
    return rc, out, err


_seen_types = set()
_seen_streams = set()


def check_records(blob):
    """The checks of each record that need no other record (run in worker processes
    with --jobs > 1). `blob` is whole lines, each ending in "\\n".

    Returns (problems, facts): problems = [(line index, level, kind, message)] in line
    order; facts = per line None (unreadable) or (seq, id, stream, version, recorded_at),
    each None when absent or invalid (already reported), for the cross-record checks."""
    lines = blob.split(b"\n")
    lines.pop()
    problems = []
    facts = []
    add = problems.append
    scan = _scan_once
    enc = encode_sorted
    screen = _SCREEN
    sixteen = _SIXTEEN_DIGITS
    uuid_ok = UUID_RE.match
    rec_ok = RECORDED_AT_RE.match
    stream_ok = STREAM_RE.match
    type_ok = TYPE_RE.match
    seen_types = _seen_types
    seen_streams = _seen_streams
    absent = _ABSENT
    show = _show
    for i, line in enumerate(lines):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as e:
            add((i, "fail", "utf8", "record is not valid UTF-8 (byte %d)" % e.start))
            facts.append(None)
            continue
        try:
            obj, end = scan(text, 0)
            if end != len(text):
                raise json.JSONDecodeError("Extra data", text, end)
        except NonInteger as e:
            add((i, "fail", "number", "record has a %s (integers only)" % e))
            facts.append(None)
            continue
        except StopIteration as e:
            add((i, "fail", "json", "record is not valid JSON: expecting value at char %s" % e.value))
            facts.append(None)
            continue
        except RecursionError:
            add((i, "fail", "json", "record is nested too deeply to check"))
            facts.append(None)
            continue
        except ValueError as e:
            add((i, "fail", "json", "record is not valid JSON: %s" % e))
            facts.append(None)
            continue
        if type(obj) is not dict:
            add((i, "fail", "json", "record is not a JSON object"))
            facts.append(None)
            continue
        # canonical form: the common case inline, the rest in canonical_problem()
        try:
            if (line.isascii() and sixteen not in line.translate(screen) and enc(obj) == text) \
                    or (problem := canonical_problem(obj, text, line)) is None:
                problem = None
        except RecursionError:
            problem = "not checkable for canonical form: nested too deeply"
        if problem is None:
            pass
        elif problem.startswith("integer"):
            add((i, "fail", "number", "record has an " + problem))
        else:
            add((i, "fail", "canonical", "record is " + problem))
        # fields
        if obj.keys() != REQUIRED_SET:
            missing = [k for k in REQUIRED_FIELDS if k not in obj]
            extra = sorted(k for k in obj if k not in REQUIRED_SET)
            if missing:
                add((i, "fail", "field", "record lacks field(s) %s" % ",".join(missing)))
            if extra:
                add((i, "warn", "field", "record has unexpected field(s) %s" % ",".join(extra)))
        get = obj.get
        rseq = get("seq", absent)
        if rseq is absent:
            rseq = None
        elif type(rseq) is not int:
            add((i, "fail", "field", "record seq %s is not an integer" % show(rseq)))
            rseq = None
        rid = get("id", absent)
        if rid is absent:
            rid = None
        elif type(rid) is not str or not uuid_ok(rid):
            add((i, "fail", "field", "record id %s is not a lowercase UUID" % show(rid)))
            rid = None
        stream = get("stream", absent)
        if stream is absent:
            stream = None
        elif type(stream) is not str or (stream not in seen_streams and not stream_ok(stream)):
            add((i, "fail", "field", "record stream %s is not \"kind/name\"" % show(stream)))
            stream = None
        else:
            seen_streams.add(stream)
        version = get("version", absent)
        if version is absent:
            version = None
        elif type(version) is not int or version < 1:
            add((i, "fail", "field", "record version %s is not a positive integer" % show(version)))
            version = None
        typ = get("type", absent)
        if typ is not absent and (type(typ) is not str or typ not in seen_types):
            if type(typ) is not str or not type_ok(typ):
                add((i, "fail", "field", "record type %s is not an UpperCamel name" % show(typ)))
            else:
                seen_types.add(typ)
        schema = get("schema", absent)
        if schema is not absent and (type(schema) is not int or schema < 1):
            add((i, "fail", "field", "record schema %s is not a positive integer" % show(schema)))
        rec = get("recorded_at", absent)
        if rec is absent:
            rec = None
        elif type(rec) is not str or not rec_ok(rec):
            add((i, "fail", "field", "record recorded_at %s is not YYYY-MM-DDTHH:MM:SS.ffffffZ" % show(rec)))
            rec = None
        eff = get("effective_at", absent)
        if eff is not absent and (type(eff) is not str or not eff):
            add((i, "fail", "field", "record effective_at %s is not a non-empty string" % show(eff)))
        if type(get("data", {})) is not dict:
            add((i, "fail", "field", "record data is not an object"))
        if type(get("meta", {})) is not dict:
            add((i, "fail", "field", "record meta is not an object"))
        facts.append((rseq, rid, stream, version, rec))
    return problems, facts


class Verifier:
    def __init__(self, ledger, lz4, findings, want_sizes, chunk_bytes, pool=None, jobs=1):
        self.ledger = ledger
        self.pool = pool              # process pool for check_records, or None
        self.pending = collections.deque()
        self.max_pending = 2 * jobs + 2
        self.lz4 = lz4
        self.f = findings
        self.want_sizes = set(want_sizes)
        self.roots_at = {0: EMPTY_ROOT}
        self.chunk_bytes = chunk_bytes
        # record state
        self.count = 0                # records consumed (leaves in the tree)
        self.stack = []               # Merkle frontier (perfect subtree roots, left to right)
        self.committed = 0            # records covered by verified markers
        self.committed_root = EMPTY_ROOT
        self.commit_start = 0         # self.count at the previous marker
        self.carry = b""              # partial line across frames (format violation)
        self.versions = {}
        self.ids = set()
        self.last_recorded_at = ""
        self.last_committed_at = ""
        self.chain_ok = True
        self.root_mismatches = 0
        self.progress = sys.stderr.isatty()

    # ---- records -------------------------------------------------------

    def consume_frame(self, file, frame, content):
        if frame.content_size is not None and len(content) != frame.content_size:
            self.f.fail("decompress", file, frame.offset, self.count + 1,
                        "frame decodes to %d bytes but its header says %d"
                        % (len(content), frame.content_size))
        if content and content[-1] != 0x0A:
            self.f.fail("frame-format", file, frame.offset, self.count + 1,
                        "data frame does not end at a line boundary (a frame must hold whole lines)")
        if self.carry:
            content = self.carry + content
            self.carry = b""
        lines = content.split(b"\n")
        self.carry = lines.pop()
        if not lines:
            return
        base_seq = self.count + 1
        self.hash_lines(lines)
        blob = content if not self.carry else b"\n".join(lines) + b"\n"
        if self.pool is None:
            problems, facts = check_records(blob)
            self.apply_records(file, frame.offset, base_seq, problems, facts)
        else:
            self.pending.append((self.pool.submit(check_records, bytes(blob)), file, frame.offset, base_seq))
            while len(self.pending) > self.max_pending:
                self.drain_one()

    def drain_one(self):
        future, file, foff, base_seq = self.pending.popleft()
        problems, facts = future.result()
        self.apply_records(file, foff, base_seq, problems, facts)

    def drain(self):
        while self.pending:
            self.drain_one()

    def hash_lines(self, lines):
        """Merkle leaves for the record bytes as stored, whatever they are."""
        sha256 = hashlib.sha256
        stack = self.stack
        count = self.count
        want = self.want_sizes
        for line in lines:
            h = sha256(b"\x00" + line).digest()
            k = count
            while k & 1:
                h = sha256(b"\x01" + stack.pop() + h).digest()
                k >>= 1
            stack.append(h)
            count += 1
            if count in want:
                self.roots_at[count] = merkle_root(stack)
        self.count = count

    def apply_records(self, file, foff, base_seq, problems, facts):
        """Reports per-record problems and runs the checks that span records, in seq order."""
        f = self.f
        versions = self.versions
        ids = self.ids
        last_rec = self.last_recorded_at
        pi = 0
        np = len(problems)
        for i, fact in enumerate(facts):
            seq = base_seq + i
            while pi < np and problems[pi][0] == i:
                _, level, kind, message = problems[pi]
                f.add(level, kind, file, foff, seq, message)
                pi += 1
            if fact is None:
                continue
            rseq, rid, stream, version, rec = fact
            if rseq is not None and rseq != seq:
                f.fail("seq", file, foff, seq, "record has seq %d at position %d" % (rseq, seq))
            if rid is not None:
                if rid in ids:
                    f.fail("duplicate-id", file, foff, seq, "event id %s appears more than once" % rid)
                else:
                    ids.add(rid)
            if stream is not None and version is not None:
                expected = versions.get(stream, 0) + 1
                if version != expected:
                    f.fail("version", file, foff, seq, "stream %s has version %d, expected %d"
                           % (json.dumps(stream, ensure_ascii=False), version, expected))
                versions[stream] = version
            if rec is not None and rec != last_rec:
                if rec < last_rec:
                    f.fail("recorded-at", file, foff, seq, "recorded_at %s is earlier than the "
                           "previous record's %s" % (rec, last_rec))
                else:
                    last_rec = rec
        self.last_recorded_at = last_rec

    # ---- markers -------------------------------------------------------

    def parse_marker(self, file, frame):
        obj, problem = parse_canonical(frame.payload)
        if obj is None:
            self.f.fail("marker", file, frame.offset, None, "commit marker payload: %s" % problem)
            return None
        if type(obj) is not dict:
            self.f.fail("marker", file, frame.offset, None, "commit marker payload is not an object")
            return None
        if problem:
            self.f.fail("marker", file, frame.offset, None, "commit marker payload %s" % problem)
        if obj.keys() != MARKER_KEYS:
            self.f.fail("marker", file, frame.offset, None,
                        "commit marker keys are %s, expected committed_at,first_seq,last_seq,root,tree_size"
                        % ",".join(sorted(obj)))
        bad = [k for k in ("first_seq", "last_seq", "tree_size")
               if type(obj.get(k)) is not int or obj.get(k) < 1]
        if bad:
            self.f.fail("marker", file, frame.offset, None,
                        "commit marker %s not a positive integer" % ",".join(bad))
            return None
        if type(obj.get("root")) is not str or not ROOT_HEX_RE.match(obj["root"]):
            self.f.fail("marker", file, frame.offset, obj["first_seq"],
                        "commit marker root is not 64 lowercase hex digits")
            return None
        ca = obj.get("committed_at")
        if type(ca) is not str or not RFC3339_RE.match(ca):
            self.f.fail("marker", file, frame.offset, obj["first_seq"],
                        "commit marker committed_at is not an RFC 3339 time")
        if obj["last_seq"] < obj["first_seq"]:
            self.f.fail("marker", file, frame.offset, obj["first_seq"],
                        "commit marker last_seq %d < first_seq %d" % (obj["last_seq"], obj["first_seq"]))
            return None
        if obj["tree_size"] != obj["last_seq"]:
            self.f.fail("marker", file, frame.offset, obj["first_seq"],
                        "commit marker tree_size %d != last_seq %d" % (obj["tree_size"], obj["last_seq"]))
        return obj

    def consume_marker(self, file, frame):
        m = frame.marker
        if m is None:   # already reported by parse_marker
            self.break_chain(file, frame.offset)
            return
        expected_first = self.committed + 1
        if m["first_seq"] != expected_first:
            self.f.fail("marker-seq", file, frame.offset, expected_first,
                        "commit marker covers seq %d..%d but the previous commit ended at seq %d "
                        "(commits missing, duplicated or reordered)"
                        % (m["first_seq"], m["last_seq"], self.committed))
            self.break_chain(file, frame.offset)
            return
        if self.carry:
            self.f.fail("commit-lines", file, frame.offset, self.count + 1,
                        "commit data does not end with a newline")
            self.break_chain(file, frame.offset)
            return
        lines = self.count - self.commit_start
        covered = m["last_seq"] - m["first_seq"] + 1
        if lines != covered:
            self.f.fail("commit-lines", file, frame.offset, expected_first,
                        "commit marker covers seq %d..%d (%d records) but the commit holds %d line(s)"
                        % (m["first_seq"], m["last_seq"], covered, lines))
            self.break_chain(file, frame.offset)
            return
        root = merkle_root(self.stack)
        if root.hex() != m["root"]:
            self.root_mismatches += 1
            note = "" if self.root_mismatches == 1 else " (an earlier mismatch makes all later roots differ)"
            self.f.fail("root", file, frame.offset, m["first_seq"],
                        "commit marker root %s != computed RFC 6962 root %s of records 1..%d%s"
                        % (m["root"], root.hex(), m["last_seq"], note))
        ca = m.get("committed_at")
        if type(ca) is str:
            if ca < self.last_committed_at and RFC3339_RE.match(ca):
                self.f.warn("committed-at", file, frame.offset, m["first_seq"],
                            "commit marker committed_at %s is earlier than the previous one (%s)"
                            % (ca, self.last_committed_at))
            else:
                self.last_committed_at = ca
        self.committed = self.count
        self.committed_root = root
        self.commit_start = self.count

    def break_chain(self, file, offset):
        if self.chain_ok:
            self.chain_ok = False
            self.f.add("note", "chain", file, offset, None,
                       "record checks stop here; tree_size/root describe the verified prefix "
                       "(seq 1..%d)" % self.committed)

    # ---- segments ------------------------------------------------------

    def verify_segment(self, path, name, first_seq, is_last):
        file = name
        with open(path, "rb") as fh:
            buf = fh.read()
        if self.chain_ok and first_seq != self.committed + 1:
            self.f.fail("segment-name", file, None, self.committed + 1,
                        "segment starts at seq %d but the previous segment ends at seq %d "
                        "(expected name %020d): segment missing, extra or renamed"
                        % (first_seq, self.committed, self.committed + 1))
            self.break_chain(file, 0)
        if not buf:
            if is_last:
                self.f.warn("tail", file, 0, None, "empty segment (no commits yet)")
            else:
                self.f.fail("tail", file, 0, None, "empty segment that is not the last one")
            return

        frames, damage = walk_frames(buf, 0, file, self.f)
        tail_start = None   # offset where uncommitted bytes start
        tail_note = ""
        resume_at = None
        if damage is not None:
            found = find_marker_after(buf, damage.frame_offset + 1)
            if found is not None:
                self.f.fail("structure", file, damage.offset, None,
                            "%s (a commit marker follows at offset %d, so committed data is damaged)"
                            % (damage.message, found))
                resume_at = found
            else:
                tail_note = ": %s at offset %d" % (damage.message, damage.offset) + (
                    "" if damage.truncated else " (not a clean truncation)")
        # last commit marker before the damage
        last_marker = -1
        for i, fr in enumerate(frames):
            if fr.kind == "marker":
                last_marker = i
            elif fr.kind == "skip":
                self.f.warn("skippable", file, fr.offset, None,
                            "skippable frame with magic 0x%08x is not a commit marker (ignored)" % fr.magic)
        committed_frames = frames[:last_marker + 1]
        if resume_at is None:
            committed_end = committed_frames[-1].end if committed_frames else 0
            if committed_end < len(buf):
                tail_start = committed_end
        for fr in committed_frames:
            if fr.kind == "marker":
                fr.marker = self.parse_marker(file, fr)

        if tail_start is not None:
            nbytes = len(buf) - tail_start
            ndata = sum(1 for fr in frames[last_marker + 1:] if fr.kind == "data")
            what = "%d uncommitted byte(s) after the last commit marker (%d complete data frame(s))%s" % (
                nbytes, ndata, tail_note)
            if is_last:
                self.f.warn("torn-tail", file, tail_start, self.committed_after(committed_frames) + 1,
                            what + "; readers ignore them (torn write)")
            else:
                self.f.fail("tail", file, tail_start, None,
                            what + " in a segment that is not the last: a commit was cut or a marker removed")

        if self.chain_ok:
            self.process_committed(file, buf, committed_frames)
        if resume_at is not None:
            self.break_chain(file, damage.offset)
            self.walk_rest_structurally(file, buf, resume_at, is_last)

    def committed_after(self, committed_frames):
        for fr in reversed(committed_frames):
            if fr.kind == "marker" and fr.marker is not None:
                return fr.marker["last_seq"]
        return self.committed

    def walk_rest_structurally(self, file, buf, start, is_last):
        """After damage, keep reporting structural findings in the rest of the segment."""
        guard = 0
        while start is not None and start < len(buf) and guard < 1000:
            guard += 1
            frames, damage = walk_frames(buf, start, file, self.f)
            for fr in frames:
                if fr.kind == "marker":
                    self.parse_marker(file, fr)
            if damage is None:
                break
            found = find_marker_after(buf, damage.frame_offset + 1)
            if found is None:
                if not is_last:
                    self.f.fail("structure", file, damage.offset, None, damage.message)
                break
            self.f.fail("structure", file, damage.offset, None, damage.message)
            start = found

    def process_committed(self, file, buf, frames):
        """Decompresses the committed frames in chunks of whole frames and feeds them on."""
        if not frames:
            return
        mv = memoryview(buf)
        chunks = []
        cur = []
        cur_bytes = 0
        for fr in frames:
            cur.append(fr)
            cur_bytes += fr.end - fr.offset
            if cur_bytes >= self.chunk_bytes:   # any frame boundary: frames hold whole lines
                chunks.append(cur)
                cur, cur_bytes = [], 0
        if cur:
            chunks.append(cur)

        def job(chunk):
            return self.decompress_chunk(mv, chunk)

        try:
            self._process_chunks(file, chunks, job)
        finally:
            if self.progress:
                sys.stderr.write("\r\033[K")

    def _process_chunks(self, file, chunks, job):
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(job, chunks[0])
            for idx, chunk in enumerate(chunks):
                outputs, failure = future.result()
                if idx + 1 < len(chunks) and failure is None:
                    future = pool.submit(job, chunks[idx + 1])
                else:
                    future = None
                bad_frame = failure[0] if failure is not None else None
                pos = 0
                for fr in chunk:
                    if fr is bad_frame:
                        break
                    if fr.kind == "data":
                        self.consume_frame(file, fr, outputs[pos])
                        pos += 1
                    elif fr.kind == "marker":
                        self.consume_marker(file, fr)
                        if not self.chain_ok:
                            return
                if failure is not None:
                    message = failure[1]
                    self.f.fail("decompress", file, bad_frame.offset, self.count + 1,
                                "lz4 cannot decode this data frame: %s" % message)
                    self.break_chain(file, bad_frame.offset)
                    return
                if self.progress:
                    sys.stderr.write("\r%s: %d records verified" % (file, self.count))
                    sys.stderr.flush()
                if future is None:
                    break

    def decompress_chunk(self, mv, chunk):
        """Returns (list of per-data-frame outputs, None) or (outputs of the good prefix,
        (bad frame, message))."""
        data_frames = [fr for fr in chunk if fr.kind == "data"]
        if not data_frames:
            return [], None
        if all(fr.content_size is not None for fr in data_frames):
            start, end = chunk[0].offset, chunk[-1].end
            expected = sum(fr.content_size for fr in data_frames)
            rc, out, err = run_lz4(self.lz4, mv[start:end], expected)
            if rc == 0 and len(out) == expected:
                return Sliced(out, [fr.content_size for fr in data_frames]), None
            return self.locate_bad_frame(mv, data_frames)
        # some frame lacks a content size: one lz4 call per data frame
        outputs = []
        for fr in data_frames:
            rc, out, err = run_lz4(self.lz4, mv[fr.offset:fr.end])
            if rc != 0:
                return outputs, (fr, err or "lz4 exit status %d" % rc)
            outputs.append(out)
        return outputs, None

    def locate_bad_frame(self, mv, data_frames):
        """Binary search over prefixes for the first data frame lz4 cannot decode."""
        sizes = [fr.content_size for fr in data_frames]

        def prefix_ok(k):
            if k == 0:
                return True, b"", ""
            want = sum(sizes[:k])
            rc, out, err = run_lz4(self.lz4, b"".join(mv[fr.offset:fr.end] for fr in data_frames[:k]), want)
            return rc == 0 and len(out) == want, out, err

        lo, hi = 0, len(data_frames)   # prefix lo decodes, prefix hi does not
        good_out = b""
        while hi - lo > 1:
            mid = (lo + hi) // 2
            ok, out, _ = prefix_ok(mid)
            if ok:
                lo, good_out = mid, out
            else:
                hi = mid
        if lo > 0 and not good_out:
            good_out = prefix_ok(lo)[1]
        bad = data_frames[lo]
        rc, out, err = run_lz4(self.lz4, mv[bad.offset:bad.end])
        if rc == 0:
            message = "decodes to %d bytes but its header says %d" % (len(out), bad.content_size)
        else:
            message = err or "lz4 exit status %d" % rc
        return Sliced(good_out, sizes[:lo]), (bad, message)


# --------------------------------------------------------------------------
# manifest

def check_manifest(ledger, findings):
    path = os.path.join(ledger, "ledger.json")
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as e:
        findings.fail("manifest", "ledger.json", None, None, "cannot read manifest: %s" % e.strerror)
        return None
    if not raw.endswith(b"\n") or raw.count(b"\n") != 1:
        findings.fail("manifest", "ledger.json", None, None, "manifest is not exactly one line ending in \\n")
    obj, problem = parse_canonical(raw.rstrip(b"\n"))
    if obj is None or type(obj) is not dict:
        findings.fail("manifest", "ledger.json", None, None, "manifest: %s" % (problem or "not an object"))
        return None
    if problem:
        findings.fail("manifest", "ledger.json", None, None, "manifest %s" % problem)
    if obj.get("format") != "parley-ledger":
        findings.fail("manifest", "ledger.json", None, None,
                      "format is %s, expected \"parley-ledger\"" % json.dumps(obj.get("format")))
    if obj.get("format_version") != 1 or type(obj.get("format_version")) is not int:
        findings.fail("manifest", "ledger.json", None, None,
                      "format_version is %s; this verifier knows version 1"
                      % json.dumps(obj.get("format_version")))
    missing = sorted(MANIFEST_KEYS - obj.keys())
    extra = sorted(obj.keys() - MANIFEST_KEYS)
    if missing:
        findings.fail("manifest", "ledger.json", None, None, "manifest lacks %s" % ",".join(missing))
    if extra:
        findings.warn("manifest", "ledger.json", None, None, "manifest has unexpected key(s) %s" % ",".join(extra))
    lid = obj.get("ledger_id")
    if lid is not None and (type(lid) is not str or not UUID_RE.match(lid)):
        findings.fail("manifest", "ledger.json", None, None, "ledger_id is not a lowercase UUID")
    origin = obj.get("origin")
    if origin is not None and (type(origin) is not str or not origin or "\n" in origin):
        findings.fail("manifest", "ledger.json", None, None, "origin is not a non-empty one-line string")
        origin = None
    ca = obj.get("created_at")
    if ca is not None and (type(ca) is not str or not RFC3339_RE.match(ca)):
        findings.fail("manifest", "ledger.json", None, None, "created_at is not an RFC 3339 time")
    return obj


# --------------------------------------------------------------------------
# keys, signed notes, checkpoints

def key_id(name, pub):
    return hashlib.sha256(name.encode("utf-8") + b"\n\x01" + pub).digest()[:4]


def parse_verifier_key(text):
    """`<name>+<keyid 8 hex>+<base64(0x01 || pub32)>` -> (name, keyid bytes, pub)."""
    text = text.strip()
    parts = text.split("+", 2)   # names never contain "+"; base64 may
    if len(parts) != 3 or text.startswith("PRIVATE+"):
        raise UsageError("verifier key must look like <name>+<8 hex>+<base64>")
    name, hexid, b64 = parts
    if not name or any(c.isspace() for c in name):
        raise UsageError("verifier key name is empty or contains whitespace")
    if not re.fullmatch(r"[0-9a-f]{8}", hexid):
        raise UsageError("verifier key id %r is not 8 lowercase hex digits" % hexid)
    try:
        blob = base64.b64decode(b64, validate=True)
    except binascii.Error:
        raise UsageError("verifier key material is not base64")
    if len(blob) != 33 or blob[0] != 0x01:
        raise UsageError("verifier key is not an Ed25519 key (0x01 || 32 bytes)")
    pub = blob[1:]
    kid = key_id(name, pub)
    if kid.hex() != hexid:
        raise UsageError("verifier key id %s does not match its key (expected %s)" % (hexid, kid.hex()))
    return name, kid, pub


class Checkpoint:
    def __init__(self):
        self.origin = None
        self.size = None
        self.root = None
        self.body = None
        self.signatures = []    # (name, keyid4, sig)


def parse_checkpoint(raw):
    """Parses a C2SP signed note holding a tlog checkpoint. Returns (Checkpoint, problem)."""
    cp = Checkpoint()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, "not valid UTF-8 (byte %d)" % e.start
    i = text.find("\n\n")
    if i < 0:
        return None, "no blank line between the note body and its signatures"
    body = text[:i + 1]
    sigtext = text[i + 2:]
    cp.body = body.encode("utf-8")
    lines = body.split("\n")[:-1]
    if len(lines) < 3:
        return None, "checkpoint body has %d line(s); origin, size and root are required" % len(lines)
    cp.origin = lines[0]
    if not cp.origin:
        return None, "empty origin line"
    if not DECIMAL_RE.match(lines[1]):
        return None, "tree size line %r is not a decimal number" % lines[1]
    cp.size = int(lines[1])
    try:
        cp.root = base64.b64decode(lines[2], validate=True)
    except binascii.Error:
        return None, "root line is not base64"
    if len(cp.root) != 32:
        return None, "root is %d bytes, expected 32" % len(cp.root)
    if not sigtext or not sigtext.endswith("\n"):
        return None, "no signature lines (or the last one lacks its newline)"
    for line in sigtext[:-1].split("\n"):
        if not line.startswith("\u2014 "):
            return None, "signature line does not start with an em dash and a space: %r" % line[:40]
        fields = line[2:].split(" ")
        if len(fields) != 2 or not fields[0]:
            return None, "malformed signature line %r" % line[:60]
        try:
            blob = base64.b64decode(fields[1], validate=True)
        except binascii.Error:
            return None, "signature of %s is not base64" % fields[0]
        if len(blob) < 5:
            return None, "signature of %s is too short" % fields[0]
        cp.signatures.append((fields[0], blob[:4], blob[4:]))
    return cp, None


def ed25519_verify(openssl, pub, message, sig):
    with tempfile.TemporaryDirectory(prefix="verify-ledger-") as d:
        kp, mp, sp = (os.path.join(d, n) for n in ("pub.der", "msg", "sig"))
        with open(kp, "wb") as fh:
            fh.write(ED25519_SPKI_PREFIX + pub)
        with open(mp, "wb") as fh:
            fh.write(message)
        with open(sp, "wb") as fh:
            fh.write(sig)
        p = subprocess.run([openssl, "pkeyutl", "-verify", "-pubin", "-inkey", kp, "-keyform", "DER",
                            "-rawin", "-in", mp, "-sigfile", sp],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return p.returncode == 0


def check_signature(cp, vkey, openssl, label, findings, required):
    name, kid, pub = vkey
    mine = [(n, k, s) for (n, k, s) in cp.signatures if n == name and k == kid]
    if not mine:
        others = ", ".join(sorted({n + "+" + k.hex() for (n, k, _) in cp.signatures}))
        msg = "no signature by key %s+%s (signatures present: %s)" % (name, kid.hex(), others or "none")
        if required:
            findings.fail("checkpoint", label, None, None, msg)
        else:
            findings.warn("checkpoint", label, None, None, msg)
        return False
    for _, _, sig in mine:
        if len(sig) == 64 and ed25519_verify(openssl, pub, cp.body, sig):
            return True
    findings.fail("checkpoint", label, None, None,
                  "Ed25519 signature by %s+%s does not verify over the checkpoint body" % (name, kid.hex()))
    return False


def check_checkpoint_root(cp, label, verifier, final_size, findings, origin):
    ok = True
    if origin is not None and cp.origin != origin:
        findings.fail("checkpoint", label, None, None,
                      "checkpoint origin %r is not this ledger's origin %r" % (cp.origin, origin))
        ok = False
    if cp.size > final_size:
        if verifier.chain_ok:
            findings.fail("checkpoint", label, None, cp.size,
                          "checkpoint tree size %d exceeds the ledger's committed size %d: committed "
                          "records are missing (truncated ledger, removed marker or deleted segment)"
                          % (cp.size, final_size))
        else:
            findings.fail("checkpoint", label, None, cp.size,
                          "checkpoint tree size %d cannot be checked: the ledger is only verified up to %d"
                          % (cp.size, final_size))
        return False
    root = verifier.roots_at.get(cp.size)
    if root is None:
        findings.fail("checkpoint", label, None, cp.size, "internal: root at size %d not captured" % cp.size)
        return False
    if root != cp.root:
        findings.fail("checkpoint", label, None, cp.size,
                      "checkpoint root %s != this ledger's root %s at tree size %d: the ledger is not "
                      "an append-only extension of this checkpoint" % (cp.root.hex(), root.hex(), cp.size))
        return False
    return ok


# --------------------------------------------------------------------------
# main

def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="verify-ledger.py",
        description="Independent verifier for a Parley ledger directory (python3 + lz4 + openssl).")
    ap.add_argument("ledger", metavar="LEDGER_DIR")
    ap.add_argument("--checkpoint", metavar="FILE", help="a signed checkpoint (C2SP signed note) to check")
    ap.add_argument("--vkey", metavar="KEY",
                    help="verifier key <name>+<keyid>+<base64>, or a file holding it")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--quiet", action="store_true", help="print only failures (no warnings, no summary)")
    ap.add_argument("--max-per-kind", type=int, default=20, metavar="N",
                    help="show at most N findings of each kind (0 = all; default 20)")
    ap.add_argument("--chunk-mib", type=int, default=16, metavar="MIB",
                    help="compressed MiB per lz4 call, cut at frame boundaries (default 16; the "
                         "next chunk is decompressed while this one is checked)")
    ap.add_argument("--jobs", type=int, default=None, metavar="N",
                    help="worker processes for the per-record JSON checks (default: CPUs - 1, at "
                         "most 8, when there are 3 or more CPUs, else 1; 1 = all in this process)")
    ap.add_argument("--lz4", default="lz4", help=argparse.SUPPRESS)
    ap.add_argument("--openssl", default="openssl", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def usage_error(msg):
    sys.stderr.write("verify-ledger.py: error: %s\n" % msg)
    return EXIT_USAGE


def main(argv=None):
    args = parse_args(argv)
    ledger = args.ledger
    if not os.path.isdir(ledger):
        return usage_error("%s is not a directory" % ledger)
    if args.checkpoint and not args.vkey:
        return usage_error("--checkpoint needs --vkey (the verifier key that must have signed it)")
    if args.chunk_mib < 1 or args.max_per_kind < 0 or (args.jobs is not None and args.jobs < 1):
        return usage_error("--chunk-mib and --jobs must be >= 1, --max-per-kind >= 0")
    lz4 = shutil.which(args.lz4)
    if lz4 is None:
        return usage_error("the stock lz4 tool (%s) is not on PATH" % args.lz4)
    openssl = None
    vkey = None
    if args.vkey:
        openssl = shutil.which(args.openssl)
        if openssl is None:
            return usage_error("openssl (%s) is not on PATH; it is needed to verify signatures" % args.openssl)
        text = args.vkey
        if os.path.isfile(text):
            try:
                with open(text, "r", encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError) as e:
                return usage_error("cannot read verifier key file %s: %s" % (args.vkey, e))
        try:
            vkey = parse_verifier_key(text)
        except UsageError as e:
            return usage_error(str(e))
    ext_raw = None
    if args.checkpoint:
        try:
            with open(args.checkpoint, "rb") as fh:
                ext_raw = fh.read()
        except OSError as e:
            return usage_error("cannot read checkpoint %s: %s" % (args.checkpoint, e.strerror))

    findings = Findings(args.max_per_kind)
    manifest = check_manifest(ledger, findings)
    origin = manifest.get("origin") if isinstance(manifest, dict) and type(manifest.get("origin")) is str else None

    # checkpoints: parse first, so the roots at their sizes can be captured on the way
    checkpoints = []   # (label, Checkpoint, external?)
    if ext_raw is not None:
        label = args.checkpoint
        cp, problem = parse_checkpoint(ext_raw)
        if cp is None:
            findings.fail("checkpoint", label, None, None, "malformed checkpoint: %s" % problem)
        else:
            checkpoints.append((label, cp, True))
    cdir = os.path.join(ledger, "checkpoints")
    if os.path.isdir(cdir):
        for entry in sorted(os.listdir(cdir)):
            label = "checkpoints/" + entry
            m = CHECKPOINT_RE.match(entry)
            if not m:
                if entry.endswith(".ckpt"):
                    findings.warn("checkpoint", label, None, None, "checkpoint file name is not <tree size>.ckpt")
                continue
            try:
                with open(os.path.join(cdir, entry), "rb") as fh:
                    raw = fh.read()
            except OSError as e:
                findings.fail("checkpoint", label, None, None, "cannot read: %s" % e.strerror)
                continue
            cp, problem = parse_checkpoint(raw)
            if cp is None:
                findings.fail("checkpoint", label, None, None, "malformed checkpoint: %s" % problem)
                continue
            if cp.size != int(m.group(1)):
                findings.fail("checkpoint", label, None, None,
                              "file name says tree size %s but the checkpoint says %d" % (m.group(1), cp.size))
            checkpoints.append((label, cp, False))

    # segments
    sdir = os.path.join(ledger, "segments")
    segments = []
    if os.path.isdir(sdir):
        for entry in os.listdir(sdir):
            full = os.path.join(sdir, entry)
            if not os.path.isfile(full):
                continue
            m = SEGMENT_RE.match(entry)
            if m:
                segments.append((int(m.group(1)), entry, full))
            elif entry.endswith(".ndjson.lz4"):
                findings.fail("segment-name", entry, None, None,
                              "segment file name is not <20-digit first seq>.ndjson.lz4")
            else:
                findings.warn("segment-name", entry, None, None, "unexpected file in segments/ (ignored)")
    else:
        findings.warn("segment-name", "segments/", None, None, "no segments/ directory (empty ledger)")
    segments.sort()

    cpus = os.cpu_count() or 1
    jobs = args.jobs if args.jobs is not None else (min(8, cpus - 1) if cpus >= 3 else 1)
    total = sum(os.path.getsize(full) for _, _, full in segments)
    pool = None
    if jobs > 1 and (total >= 4 * 1024 * 1024 or args.jobs is not None):
        try:
            import multiprocessing
            # Not "fork": a forked worker would inherit the pipe to a running lz4's stdin,
            # which then never sees end of input.
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            pool = concurrent.futures.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx)
        except (OSError, ImportError, NotImplementedError, ValueError):
            pool = None   # e.g. no working multiprocessing here: check in this process
    verifier = Verifier(ledger, lz4, findings, [cp.size for _, cp, _ in checkpoints],
                        args.chunk_mib * 1024 * 1024, pool=pool, jobs=jobs)
    try:
        for i, (first, entry, full) in enumerate(segments):
            try:
                verifier.verify_segment(full, entry, first, i == len(segments) - 1)
            except OSError as e:
                findings.fail("io", entry, None, None, "cannot read segment: %s" % e.strerror)
                verifier.break_chain(entry, None)
        verifier.drain()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)

    tree_size = verifier.committed
    root = verifier.committed_root
    verifier.roots_at.setdefault(tree_size, root)

    info = []
    ext_ok = None
    for label, cp, external in checkpoints:
        ok = check_checkpoint_root(cp, label, verifier, tree_size, findings, origin)
        if vkey is not None:
            ok = check_signature(cp, vkey, openssl, label, findings, required=external) and ok
        if external:
            ext_ok = ok
            if ok:
                info.append("checkpoint %s: signed by %s, origin %s, tree_size=%d is a prefix of this ledger"
                            % (label, vkey[0], cp.origin, cp.size))

    ok = findings.failures == 0
    findings.sort()
    if args.json:
        out = {"ok": ok, "tree_size": tree_size, "root": root.hex(),
               "failures": findings.failures, "warnings": findings.warnings,
               "findings": findings.shown}
        if findings.suppressed:
            out["suppressed"] = findings.suppressed
        if args.checkpoint:
            out["checkpoint"] = {"file": args.checkpoint, "ok": bool(ext_ok)}
        sys.stdout.write(json.dumps(out, ensure_ascii=False, sort_keys=True) + "\n")
    else:
        lines = []
        for fnd in findings.shown:
            if args.quiet and fnd["level"] != "fail":
                continue
            lines.append(format_finding(fnd))
        if not args.quiet:
            for kind, n in sorted(findings.suppressed.items()):
                lines.append("NOTE %d more finding(s) of kind %s not shown (--max-per-kind)" % (n, kind))
            lines.extend(info)
            if ok:
                lines.append("OK tree_size=%d root=%s" % (tree_size, root.hex()))
            else:
                lines.append("FAILED %d failure(s), %d warning(s); verified prefix tree_size=%d root=%s"
                             % (findings.failures, findings.warnings, tree_size, root.hex()))
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK if ok else EXIT_FAIL


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
