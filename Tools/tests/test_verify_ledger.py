"""Tests for Tools/verify-ledger.py.

Run:  python3 -m unittest discover -s Tools/tests
Needs the stock `lz4` and `openssl` tools. Ledgers are built by make_fixture.py
(pure python + lz4, written from docs/FORMAT.md) and, when it exists, by the Swift
`parley` binary (.build/debug/parley; that test is skipped otherwise).
"""

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
VERIFIER = os.path.join(REPO, "Tools", "verify-ledger.py")
PARLEY = os.environ.get("PARLEY_BIN", os.path.join(REPO, ".build", "debug", "parley"))
sys.path.insert(0, HERE)

import make_fixture as mf  # noqa: E402


def run_verifier(*args):
    p = subprocess.run([sys.executable, VERIFIER] + [str(a) for a in args],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return p.returncode, p.stdout, p.stderr


def verify_json(*args):
    rc, out, err = run_verifier(*args, "--json", "--max-per-kind", "0")
    try:
        obj = json.loads(out)
    except ValueError:
        raise AssertionError("no JSON output (rc=%d): %r %r" % (rc, out, err))
    return rc, obj


def kinds(report, level="fail"):
    return [f["kind"] for f in report["findings"] if f["level"] == level]


def find(report, kind, level="fail"):
    for f in report["findings"]:
        if f["kind"] == kind and f["level"] == level:
            return f
    raise AssertionError("no %s finding of kind %s in %s" % (level, kind, json.dumps(report, indent=1)))


def read(path):
    with open(path, "rb") as fh:
        return fh.read()


def write(path, data):
    with open(path, "wb") as fh:
        fh.write(data)


class LedgerTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="verify-ledger-test-")
        self.n = 0

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def new_dir(self, name="ledger"):
        self.n += 1
        return os.path.join(self.tmp, "%s%d" % (name, self.n))

    def build(self, commits=None, **kw):
        commits = commits if commits is not None else mf.standard_commits(8, 3)
        kw.setdefault("seed", self.n + 1)
        return mf.build_ledger(self.new_dir(), commits, **kw)

    def multi_segment(self, **kw):
        # small threshold: 2 commits (6 records) per segment, 4 segments
        return self.build(mf.standard_commits(8, 3), segment_bytes=1500, **kw)

    def assertClean(self, fx, report, size=None):
        self.assertTrue(report["ok"], json.dumps(report, indent=1))
        size = fx.size if size is None else size
        self.assertEqual(report["tree_size"], size)
        self.assertEqual(report["root"], fx.root_at(size).hex())


class CleanLedgerTests(LedgerTestCase):
    def test_clean_ledger_ok_with_independent_root(self):
        fx = self.multi_segment(frames_per_commit=2)
        self.assertGreaterEqual(len(fx.segments), 3)
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0)
        self.assertClean(fx, rep)
        self.assertEqual(rep["findings"], [])
        rc, out, _ = run_verifier(fx.path)
        self.assertEqual(rc, 0)
        self.assertEqual(out.strip().splitlines()[-1],
                         "OK tree_size=%d root=%s" % (fx.size, fx.root_at(fx.size).hex()))

    def test_every_tree_size_root(self):
        # roots at sizes 1..13 cover odd/even/power-of-two shapes of the RFC 6962 tree
        for size in (1, 2, 3, 4, 5, 7, 8, 9, 13):
            fx = self.build([[mf.sample_event(i)] for i in range(size)], segment_bytes=900)
            rc, rep = verify_json(fx.path)
            self.assertEqual(rc, 0, rep)
            self.assertClean(fx, rep)

    def test_stock_lz4_prints_exactly_the_records(self):
        fx = self.multi_segment(frames_per_commit=2)
        cat = b"".join(read(fx.segment_path(s)) for s in fx.segments)
        out = subprocess.run(["lz4", "-dc"], input=cat, stdout=subprocess.PIPE, check=True).stdout
        self.assertEqual(out, b"".join(x + b"\n" for x in fx.lines))

    def test_empty_ledger(self):
        fx = self.build([])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0)
        self.assertEqual(rep["tree_size"], 0)
        self.assertEqual(rep["root"], hashlib.sha256(b"").hexdigest())

    def test_quiet_prints_nothing_when_clean(self):
        fx = self.build()
        rc, out, err = run_verifier(fx.path, "--quiet")
        self.assertEqual((rc, out), (0, ""))

    def test_frames_without_content_size_are_a_format_failure_but_records_verify(self):
        fx = self.build(content_size=False)
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertEqual(set(kinds(rep)), {"frame-format"})
        self.assertEqual(rep["tree_size"], fx.size)
        self.assertEqual(rep["root"], fx.root_at(fx.size).hex())

    def test_unknown_skippable_frame_is_only_a_warning(self):
        fx = self.build()
        c = fx.commits[2]
        p = fx.segment_path(c.segment)
        b = read(p)
        write(p, b[:c.end] + mf.skippable(b"hello", magic=0x184D2A51) + b[c.end:])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0, rep)
        self.assertEqual(kinds(rep, "warn"), ["skippable"])
        self.assertEqual(find(rep, "skippable", "warn")["offset"], c.end)
        self.assertClean(fx, rep)


class CanonicalFormTests(LedgerTestCase):
    """Records that differ from RFC 8785 in the ways FORMAT.md pins down."""

    def one_bad_line(self, raw_line):
        good = mf.standard_commits(2, 2)
        fx = self.build(good + [[{"raw": raw_line}]])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1, rep)
        # the marker was computed over the bad line, so the root still matches
        self.assertNotIn("root", kinds(rep))
        return rep

    def record(self, seq=5, **over):
        rec = {"data": {}, "effective_at": "2005-01-01", "id": "0b0e6c3a-86d9-4f3e-9a63-5d1c3c0e2a11",
               "meta": {}, "recorded_at": "2025-11-25T15:00:00.002000Z", "schema": 1, "seq": seq,
               "stream": "party/zil", "type": "PartyRegistered", "version": 2}
        rec.update(over)
        return rec

    def test_canonical_escapes_accepted(self):
        # DEL, U+2028/2029 and "/" literal; controls as \b \t \n \f \r or \u00xx lowercase
        line = mf.jcs(self.record(data={"s": "a/b\x7f\u2028\u2029\b\t\n\f\r\x00\x1f\"\\é😀"})).encode()
        self.assertIn(b"\\u001f", line)
        fx = self.build(mf.standard_commits(2, 2) + [[{"raw": line}]])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0, rep)

    def test_utf16_key_order(self):
        # U+1F600 sorts before U+E000 in UTF-16 code units (surrogates) but after it by code point
        rec = self.record(data={"\ue000": 1, "\U0001F600": 2})
        line = mf.jcs(rec).encode()
        self.assertLess(line.index("😀".encode()), line.index("\ue000".encode()))
        fx = self.build(mf.standard_commits(2, 2) + [[{"raw": line}]])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0, rep)
        py_order = json.dumps(rec, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        self.assertNotEqual(py_order, line)
        self.assertEqual(kinds(self.one_bad_line(py_order)), ["canonical"])

    def test_noncanonical_variants(self):
        base = mf.jcs(self.record()).encode()
        variants = {
            "whitespace": base.replace(b'"seq":5', b'"seq": 5'),
            "unsorted": b'{"seq":5,' + base[1:].replace(b',"seq":5', b''),
            "escaped slash": base.replace(b"party/zil", b"party\\/zil"),
            "uppercase hex escape": mf.jcs(self.record(data={"c": "\x1f"})).encode().replace(b"\\u001f", b"\\u001F"),
            "escaped tab as \\u0009": mf.jcs(self.record(data={"c": "\t"})).encode().replace(b"\\t", b"\\u0009"),
            "escaped non-ascii": mf.jcs(self.record(data={"c": "é"})).encode().replace("é".encode(), b"\\u00e9"),
            "duplicate key": base.replace(b'"data":{}', b'"data":{"a":1,"a":1}'),
            "minus zero": base.replace(b'"data":{}', b'"data":{"z":-0}'),
        }
        for what, line in variants.items():
            with self.subTest(what):
                self.assertNotEqual(line, base)
                rep = self.one_bad_line(line)
                self.assertEqual(kinds(rep), ["canonical"], (what, rep))

    def test_numbers(self):
        base = mf.jcs(self.record()).encode()
        for what, line in {
            "fraction": base.replace(b'"data":{}', b'"data":{"x":1.5}'),
            "exponent": base.replace(b'"data":{}', b'"data":{"x":1e3}'),
            "too large": base.replace(b'"data":{}', b'"data":{"x":9007199254740992}'),
            "too small": base.replace(b'"data":{}', b'"data":{"x":-9007199254740992}'),
        }.items():
            with self.subTest(what):
                rep = self.one_bad_line(line)
                self.assertEqual(kinds(rep), ["number"], (what, rep))
        ok = base.replace(b'"data":{}', b'"data":{"x":9007199254740991,"y":-9007199254740991}')
        fx = self.build(mf.standard_commits(2, 2) + [[{"raw": ok}]])
        self.assertEqual(verify_json(fx.path)[0], 0)

    def test_invalid_utf8_and_json(self):
        base = mf.jcs(self.record(data={"c": "é"})).encode()
        self.assertEqual(kinds(self.one_bad_line(base.replace("é".encode(), b"\xc3"))), ["utf8"])
        self.assertEqual(kinds(self.one_bad_line(base.replace("é".encode(), b"\xed\xa0\x80"))), ["utf8"])
        self.assertEqual(kinds(self.one_bad_line(base[:-1])), ["json"])

    def test_field_rules(self):
        cases = {
            "seq": self.record(seq=9),
            "version": self.record(version=7),
            "recorded-at": self.record(recorded_at="2025-11-25T14:00:00.000000Z"),
            "field": self.record(id="0B0E6C3A-86D9-4F3E-9A63-5D1C3C0E2A11"),
        }
        for kind, rec in cases.items():
            with self.subTest(kind):
                rep = self.one_bad_line(mf.jcs(rec).encode())
                self.assertEqual(kinds(rep), [kind], rep)
                self.assertEqual(find(rep, kind)["seq"], 5)
        rec = self.record()
        del rec["meta"]
        rep = self.one_bad_line(mf.jcs(rec).encode())
        self.assertEqual(kinds(rep), ["field"])
        self.assertIn("meta", find(rep, "field")["message"])

    def test_duplicate_event_id(self):
        fx = self.build(mf.standard_commits(3, 2), ids=lambda seq: "00000000-0000-4000-8000-%012d" % (seq % 4))
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertEqual(set(kinds(rep)), {"duplicate-id"})
        self.assertEqual(find(rep, "duplicate-id")["seq"], 5)


class ParallelTests(LedgerTestCase):
    def test_jobs_give_identical_reports(self):
        rec = {"data": {}, "effective_at": "2005-01-01", "id": "0b0e6c3a-86d9-4f3e-9a63-5d1c3c0e2a11",
               "meta": {}, "recorded_at": "2025-11-25T15:00:00.000000Z", "schema": 1, "seq": 1,
               "stream": "party/zil", "type": "PartyRegistered", "version": 1}
        commits = mf.standard_commits(30, 4)
        commits[3][1] = {"raw": mf.jcs(rec).encode()}                        # seq, id, version, time
        commits[7][0] = {"raw": mf.jcs(rec).encode().replace(b":", b": ", 1)}  # not canonical
        commits[11][2] = {"raw": b"{"}                                        # not JSON
        fx = self.build(commits, segment_bytes=4000, frames_per_commit=2)
        c = fx.commits[20]
        p = fx.segment_path(c.segment)
        b = read(p)
        write(p, b[:c.start] + b[c.end:])                                     # a commit removed
        reports = [verify_json(fx.path, "--jobs", j) for j in (1, 2, 3)]
        self.assertEqual(reports[0][0], 1)
        self.assertGreater(len(reports[0][1]["findings"]), 5)
        for other in reports[1:]:
            self.assertEqual(other, reports[0])


class TamperTests(LedgerTestCase):
    def flip(self, path, offset, bit=0x04):
        b = bytearray(read(path))
        b[offset] ^= bit
        write(path, bytes(b))

    def test_flipped_bit_in_compressed_data(self):
        fx = self.build(mf.standard_commits(6, 3))
        c = fx.commits[3]
        off, end = c.frames[0]
        # inside the first block's data: after magic(4)+FLG,BD(2)+size(8)+HC(1)+block size(4)
        self.flip(fx.segment_path(c.segment), off + 19 + (end - 8 - off - 19) // 2)
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        f = find(rep, "decompress")
        self.assertEqual((f["file"], f["offset"], f["seq"]), (c.segment, off, c.first_seq))
        # the prefix before the damaged commit is still verified
        self.assertEqual(rep["tree_size"], c.first_seq - 1)
        self.assertEqual(rep["root"], fx.root_at(c.first_seq - 1).hex())

    def test_flipped_bit_located_by_bisection_among_many_frames(self):
        fx = self.build([[mf.sample_event(i)] for i in range(40)], frames_per_commit=1)
        c = fx.commits[29]
        off, end = c.frames[0]
        self.flip(fx.segment_path(c.segment), end - 2)   # content checksum
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertEqual(find(rep, "decompress")["offset"], off)
        self.assertEqual(rep["tree_size"], 29)

    def test_flipped_bit_in_frame_header(self):
        fx = self.multi_segment()
        c = fx.commits[1]
        off = c.frames[0][0]
        self.flip(fx.segment_path(c.segment), off + 7)   # content size field
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        f = find(rep, "structure")
        self.assertEqual(f["file"], c.segment)
        self.assertEqual(f["offset"], off + 14)          # where the header checksum is
        self.assertIn("header checksum", f["message"])

    def test_damage_before_a_committed_marker_in_last_segment_is_not_a_torn_tail(self):
        fx = self.multi_segment()
        c = fx.commits[-2]
        self.assertEqual(c.segment, fx.segments[-1])
        self.flip(fx.segment_path(c.segment), c.frames[0][0] + 1)   # magic
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertIn("structure", kinds(rep))
        self.assertNotIn("torn-tail", kinds(rep, "warn"))

    def test_edited_record_recompressed(self):
        fx0 = self.build(mf.standard_commits(6, 3))
        seq = 8
        line = fx0.lines[seq - 1]
        rec = json.loads(line)
        rec["effective_at"] = "1999-01-01"
        fx = self.build(mf.standard_commits(6, 3), line_override={seq: mf.jcs(rec).encode()})
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        # every checksum is right and the record is canonical: only the Merkle roots catch it
        self.assertEqual(set(kinds(rep)), {"root"})
        first = find(rep, "root")
        c = [c for c in fx.commits if c.first_seq <= seq <= c.last_seq][0]
        self.assertEqual((first["file"], first["offset"]), (c.segment, c.marker_offset))

    def test_marker_root_edited(self):
        fx = self.build(mf.standard_commits(6, 3))
        c = fx.commits[2]
        p = fx.segment_path(c.segment)
        b = read(p)
        old = fx.root_at(c.last_seq).hex().encode()
        i = b.index(old, c.marker_offset)
        new = ("0" if old[:1] != b"0" else "1").encode() + old[1:]
        write(p, b[:i] + new + b[i + 64:])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertEqual(kinds(rep), ["root"])
        self.assertEqual(find(rep, "root")["offset"], c.marker_offset)

    def test_marker_not_canonical(self):
        fx = self.build(mf.standard_commits(3, 2))
        c = fx.commits[1]
        p = fx.segment_path(c.segment)
        b = read(p)
        payload = b[c.marker_offset + 8:c.end]
        bad = payload.replace(b'"first_seq":', b'"first_seq": ')
        write(p, b[:c.marker_offset] + mf.skippable(bad) + b[c.end:])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertEqual(kinds(rep), ["marker"])

    def test_commit_removed(self):
        fx = self.build(mf.standard_commits(6, 3))
        c = fx.commits[2]
        p = fx.segment_path(c.segment)
        b = read(p)
        write(p, b[:c.start] + b[c.end:])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertIn("marker-seq", kinds(rep))
        self.assertEqual(rep["tree_size"], c.first_seq - 1)

    def test_commits_swapped(self):
        fx = self.build(mf.standard_commits(6, 3))
        a, b_ = fx.commits[2], fx.commits[3]
        p = fx.segment_path(a.segment)
        b = read(p)
        write(p, b[:a.start] + b[b_.start:b_.end] + b[a.start:a.end] + b[b_.end:])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertIn("marker-seq", kinds(rep))
        self.assertIn("seq", kinds(rep))

    def test_marker_removed_mid_segment(self):
        # two commits' data under one marker: line count does not match the marker
        fx = self.build(mf.standard_commits(6, 3))
        c = fx.commits[2]
        p = fx.segment_path(c.segment)
        b = read(p)
        write(p, b[:c.marker_offset] + b[c.end:])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertIn("marker-seq", kinds(rep))
        self.assertEqual(rep["tree_size"], c.first_seq - 1)


class TruncationTests(LedgerTestCase):
    def setUp(self):
        super().setUp()
        self.key = mf.make_key(self.tmp, "auditor")

    def checkpoint(self, fx, size=None, key=None):
        size = fx.size if size is None else size
        path = os.path.join(self.tmp, "ckpt-%d-%d" % (size, self.n))
        write(path, mf.sign_checkpoint(key or self.key, fx.origin, size, fx.root_at(size)))
        return path

    def test_truncated_inside_last_commit_is_a_torn_tail_warning(self):
        fx = self.multi_segment()
        ck = self.checkpoint(fx)                 # the auditor kept the acknowledged state
        c = fx.commits[-1]
        p = fx.segment_path(c.segment)
        cut = (c.frames[0][0] + c.frames[0][1]) // 2
        write(p, read(p)[:cut])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0, rep)
        w = find(rep, "torn-tail", "warn")
        self.assertEqual((w["file"], w["offset"]), (c.segment, c.start))
        self.assertClean(fx, rep, size=c.first_seq - 1)
        rc, out, _ = run_verifier(fx.path)
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith("WARN %s@%d" % (c.segment, c.start)), out)
        # ... but the checkpoint proves that an acknowledged commit is gone
        rc, rep = verify_json(fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        self.assertIn("exceeds", find(rep, "checkpoint")["message"])

    def test_removed_last_marker_looks_like_a_torn_tail_checkpoint_catches_it(self):
        fx = self.build(mf.standard_commits(5, 2))
        ck = self.checkpoint(fx)
        c = fx.commits[-1]
        p = fx.segment_path(c.segment)
        write(p, read(p)[:c.marker_offset])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0)
        self.assertIn("torn-tail", kinds(rep, "warn"))
        self.assertEqual(rep["tree_size"], c.first_seq - 1)
        rc, rep = verify_json(fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        self.assertEqual(kinds(rep), ["checkpoint"])

    def test_truncated_marker_itself(self):
        fx = self.build(mf.standard_commits(5, 2))
        c = fx.commits[-1]
        p = fx.segment_path(c.segment)
        write(p, read(p)[:c.end - 10])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0)
        self.assertIn("torn-tail", kinds(rep, "warn"))
        self.assertEqual(rep["tree_size"], c.first_seq - 1)

    def test_garbage_tail_is_a_warning_and_said_so(self):
        fx = self.build(mf.standard_commits(3, 2))
        p = fx.segment_path(fx.segments[-1])
        write(p, read(p) + b"\0" * 100)
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0)
        self.assertIn("not a clean truncation", find(rep, "torn-tail", "warn")["message"])
        self.assertClean(fx, rep)

    def test_truncated_non_last_segment_fails(self):
        fx = self.multi_segment()
        c = [c for c in fx.commits if c.segment == fx.segments[1]][-1]
        p = fx.segment_path(c.segment)
        write(p, read(p)[:(c.frames[0][0] + c.frames[0][1]) // 2])
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        f = find(rep, "tail")
        self.assertEqual((f["file"], f["offset"]), (c.segment, c.start))
        self.assertIn("segment-name", kinds(rep))   # the next segment no longer follows on

    def test_segment_deleted_middle(self):
        fx = self.multi_segment()
        os.unlink(fx.segment_path(fx.segments[1]))
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        f = find(rep, "segment-name")
        self.assertEqual(f["file"], fx.segments[2])

    def test_segment_deleted_first(self):
        fx = self.multi_segment()
        os.unlink(fx.segment_path(fx.segments[0]))
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertEqual(find(rep, "segment-name")["seq"], 1)

    def test_segment_deleted_last_needs_the_checkpoint(self):
        fx = self.multi_segment()
        ck = self.checkpoint(fx)
        os.unlink(fx.segment_path(fx.segments[-1]))
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 0)   # a shorter ledger is self-consistent
        rc, rep = verify_json(fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        self.assertEqual(kinds(rep), ["checkpoint"])

    def test_segment_renamed(self):
        fx = self.multi_segment()
        old = fx.segment_path(fx.segments[2])
        os.rename(old, old.replace(fx.segments[2], "%020d.ndjson.lz4" % 14))
        rc, rep = verify_json(fx.path)
        self.assertEqual(rc, 1)
        self.assertIn("segment-name", kinds(rep))


class CheckpointTests(LedgerTestCase):
    def setUp(self):
        super().setUp()
        self.key = mf.make_key(self.tmp, "auditor")
        self.fx = self.build(mf.standard_commits(6, 3))

    def write_note(self, note):
        self.n += 1
        path = os.path.join(self.tmp, "note-%d.ckpt" % self.n)
        write(path, note)
        return path

    def test_valid_checkpoints_at_all_sizes(self):
        vkey_file = os.path.join(self.tmp, "auditor.vkey")
        with open(vkey_file, "w") as fh:
            fh.write(self.key.vkey + "\n")
        for size in (0, 1, 5, 9, self.fx.size):
            with self.subTest(size=size):
                ck = self.write_note(mf.sign_checkpoint(self.key, self.fx.origin, size, self.fx.root_at(size)))
                rc, rep = verify_json(self.fx.path, "--checkpoint", ck, "--vkey", vkey_file)
                self.assertEqual(rc, 0, rep)
                self.assertTrue(rep["checkpoint"]["ok"])
        rc, out, _ = run_verifier(self.fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 0)
        self.assertIn("signed by auditor", out)

    def test_cosigned_note(self):
        other = mf.make_key(self.tmp, "witness")
        body = mf.checkpoint_body(self.fx.origin, 7, self.fx.root_at(7))
        ck = self.write_note(mf.sign_note(body, other, self.key))
        self.assertEqual(verify_json(self.fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)[0], 0)
        self.assertEqual(verify_json(self.fx.path, "--checkpoint", ck, "--vkey", other.vkey)[0], 0)

    def test_forged_signature(self):
        mallory = mf.make_key(self.tmp, "mallory")
        ck = self.write_note(mf.sign_checkpoint(mallory, self.fx.origin, self.fx.size,
                                                self.fx.root_at(self.fx.size),
                                                sign_as=(self.key.name, self.key.key_id)))
        rc, rep = verify_json(self.fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        self.assertIn("does not verify", find(rep, "checkpoint")["message"])

    def test_body_edited_after_signing(self):
        note = mf.sign_checkpoint(self.key, self.fx.origin, 9, self.fx.root_at(9))
        # claim a larger size with the matching root: still not signed
        forged_body = mf.checkpoint_body(self.fx.origin, 12, self.fx.root_at(12))
        sig_part = note[note.index(b"\n\n") + 1:]
        ck = self.write_note(forged_body + sig_part)
        rc, rep = verify_json(self.fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        self.assertEqual(kinds(rep), ["checkpoint"])

    def test_signed_by_another_key(self):
        other = mf.make_key(self.tmp, "other")
        ck = self.write_note(mf.sign_checkpoint(other, self.fx.origin, 3, self.fx.root_at(3)))
        rc, rep = verify_json(self.fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        self.assertIn("no signature by key auditor", find(rep, "checkpoint")["message"])

    def test_checkpoint_of_another_ledger_origin(self):
        other = self.build(mf.standard_commits(6, 3))
        ck = self.write_note(mf.sign_checkpoint(self.key, other.origin, other.size, other.root_at(other.size)))
        rc, rep = verify_json(self.fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        messages = " ".join(f["message"] for f in rep["findings"])
        self.assertIn("origin", messages)

    def test_checkpoint_of_another_ledger_same_origin(self):
        other = self.build(mf.standard_commits(6, 3, start=100), origin=self.fx.origin)
        ck = self.write_note(mf.sign_checkpoint(self.key, other.origin, 10, other.root_at(10)))
        rc, rep = verify_json(self.fx.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        self.assertIn("not an append-only extension", find(rep, "checkpoint")["message"])

    def test_rewritten_history_with_same_size(self):
        # a ledger rebuilt from scratch with one edited record (all markers recomputed):
        # self-consistent, but not an extension of the checkpoint taken before
        ck = self.write_note(mf.sign_checkpoint(self.key, self.fx.origin, 12, self.fx.root_at(12)))
        commits = mf.standard_commits(6, 3)
        commits[1][0]["effective_at"] = "1999-01-01"
        forged = mf.build_ledger(self.fx.path + "-forged", commits, origin=self.fx.origin,
                                 ledger_id=self.fx.ledger_id)
        self.assertEqual(verify_json(forged.path)[0], 0)
        rc, rep = verify_json(forged.path, "--checkpoint", ck, "--vkey", self.key.vkey)
        self.assertEqual(rc, 1)
        self.assertEqual(kinds(rep), ["checkpoint"])

    def test_malformed_notes(self):
        good = mf.sign_checkpoint(self.key, self.fx.origin, 3, self.fx.root_at(3))
        for what, note in {
            "no blank line": good.replace(b"\n\n", b"\n"),
            "no signatures": good[:good.index(b"\n\n") + 2],
            "bad size": good.replace(b"\n3\n", b"\n03\n", 1),
            "bad root": good.replace(base64.b64encode(self.fx.root_at(3)), b"@@@@", 1),
        }.items():
            with self.subTest(what):
                rc, rep = verify_json(self.fx.path, "--checkpoint", self.write_note(note),
                                      "--vkey", self.key.vkey)
                self.assertEqual(rc, 1)
                self.assertEqual(kinds(rep), ["checkpoint"])

    def test_stored_checkpoints_are_checked(self):
        cdir = os.path.join(self.fx.path, "checkpoints")
        write(os.path.join(cdir, "9.ckpt"), mf.sign_checkpoint(self.key, self.fx.origin, 9, self.fx.root_at(9)))
        self.assertEqual(verify_json(self.fx.path)[0], 0)
        self.assertEqual(verify_json(self.fx.path, "--vkey", self.key.vkey)[0], 0)
        write(os.path.join(cdir, "10.ckpt"), mf.sign_checkpoint(self.key, self.fx.origin, 10, self.fx.root_at(9)))
        rc, rep = verify_json(self.fx.path)
        self.assertEqual(rc, 1)
        self.assertEqual(find(rep, "checkpoint")["file"], "checkpoints/10.ckpt")

    def test_usage_errors(self):
        ck = self.write_note(mf.sign_checkpoint(self.key, self.fx.origin, 3, self.fx.root_at(3)))
        self.assertEqual(run_verifier()[0], 2)
        self.assertEqual(run_verifier(os.path.join(self.tmp, "nope"))[0], 2)
        self.assertEqual(run_verifier(self.fx.path, "--checkpoint", ck)[0], 2)
        self.assertEqual(run_verifier(self.fx.path, "--checkpoint", ck, "--vkey", "garbage")[0], 2)
        bad_id = self.key.vkey.replace("+" + self.key.key_id.hex() + "+", "+00000000+")
        self.assertEqual(run_verifier(self.fx.path, "--checkpoint", ck, "--vkey", bad_id)[0], 2)
        self.assertEqual(run_verifier(self.fx.path, "--checkpoint", ck + ".missing",
                                      "--vkey", self.key.vkey)[0], 2)


def load_verifier_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("verify_ledger", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class PublishedNoteVectorTests(unittest.TestCase):
    """Interoperability with golang.org/x/mod/sumdb/note, using its published vectors
    (note_test.go) and a real sum.golang.org checkpoint (transparency-dev/formats)."""

    PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    PETER_TEXT = ("If you think cryptography is the answer to your problem,\n"
                  "then you don't know what your problem is.\n")
    PETER_SIG = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
    SUMDB_VKEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
    SUMDB_NOTE = ("go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n"
                  "\u2014 sum.golang.org Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYf"
                  "vimWEPWL+o3GeoWwOoAw=\n")

    @classmethod
    def setUpClass(cls):
        cls.v = load_verifier_module()
        cls.openssl = shutil.which("openssl")

    def test_peter_neumann_note(self):
        name, kid, pub = self.v.parse_verifier_key(self.PETER_VKEY)
        blob = base64.b64decode(self.PETER_SIG)
        self.assertEqual((name, kid), ("PeterNeumann", blob[:4]))
        body = self.PETER_TEXT.encode()
        self.assertTrue(self.v.ed25519_verify(self.openssl, pub, body, blob[4:]))
        self.assertFalse(self.v.ed25519_verify(self.openssl, pub, body.replace(b"you", b"we"), blob[4:]))

    def test_sum_golang_org_checkpoint(self):
        vkey = self.v.parse_verifier_key(self.SUMDB_VKEY)
        cp, problem = self.v.parse_checkpoint(self.SUMDB_NOTE.encode())
        self.assertIsNone(problem)
        self.assertEqual((cp.origin, cp.size), ("go.sum database tree", 6476701))
        findings = self.v.Findings(0)
        self.assertTrue(self.v.check_signature(cp, vkey, self.openssl, "sumdb", findings, True))
        self.assertEqual(findings.failures, 0)
        cp2, _ = self.v.parse_checkpoint(self.SUMDB_NOTE.replace("6476701", "6476702").encode())
        self.assertFalse(self.v.check_signature(cp2, vkey, self.openssl, "sumdb", findings, True))

    def test_key_id_and_bad_keys(self):
        for bad in ("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
                    "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
                    "PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=",
                    "c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"):
            with self.subTest(bad):
                with self.assertRaises(self.v.UsageError):
                    self.v.parse_verifier_key(bad)


class ManifestTests(LedgerTestCase):
    def test_manifest_rules(self):
        fx = self.build(mf.standard_commits(2, 2))
        p = os.path.join(fx.path, "ledger.json")
        good = read(p)
        for what, data in {
            "missing": None,
            "format": good.replace(b"parley-ledger", b"other-ledger"),
            "version": good.replace(b'"format_version":1', b'"format_version":2'),
            "not canonical": good.replace(b'"format":', b'"format" :'),
            "two lines": good + b"\n",
        }.items():
            with self.subTest(what):
                if data is None:
                    os.unlink(p)
                else:
                    write(p, data)
                rc, rep = verify_json(fx.path)
                self.assertEqual(rc, 1)
                self.assertEqual(kinds(rep), ["manifest"])
                write(p, good)


@unittest.skipUnless(os.access(PARLEY, os.X_OK),
                     "Swift parley binary not built (%s); run `swift build` to enable these tests" % PARLEY)
class SwiftParleyTests(LedgerTestCase):
    """Ledgers written by the Swift implementation must pass the independent verifier."""

    def parley(self, *args, **kw):
        return subprocess.run([PARLEY] + [str(a) for a in args], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, **kw)

    def parley_ledger(self):
        d = self.new_dir("swift")
        p = self.parley("init", d)
        if p.returncode != 0:
            self.skipTest("parley init failed: %s" % p.stderr.decode()[:300])
        batches = []
        sample = os.path.join(REPO, "Events", "samples", "zil-faw.ndjson")
        if os.path.isfile(sample):
            batches.append(read(sample))
        gen = os.path.join(REPO, "Tools", "gen_events.py")
        if os.path.isfile(gen):
            for seed in (1, 2):
                batches.append(subprocess.run([sys.executable, gen, "300", "--seed", str(seed)],
                                              stdout=subprocess.PIPE, check=True).stdout)
        if not batches:
            self.skipTest("no event samples or generator to feed parley")
        for batch in batches:
            p = self.parley("append", "--ledger", d, "--file", "-", input=batch)
            if p.returncode != 0:
                self.skipTest("parley append failed: %s" % p.stderr.decode()[:300])
        self.last_batch_lines = batches[-1].count(b"\n")
        return d

    def segments(self, d):
        return sorted(os.listdir(os.path.join(d, "segments")))

    def stock_lines(self, d):
        cat = b"".join(read(os.path.join(d, "segments", s)) for s in self.segments(d))
        return subprocess.run(["lz4", "-dc"], input=cat, stdout=subprocess.PIPE, check=True).stdout

    def test_parley_written_ledger_verifies(self):
        d = self.parley_ledger()
        rc, rep = verify_json(d)
        self.assertEqual(rc, 0, rep)
        self.assertEqual(rep["findings"], [])
        out = self.stock_lines(d)
        lines = out.split(b"\n")[:-1]
        self.assertEqual(rep["tree_size"], len(lines))
        self.assertEqual(rep["root"], mf.mth([mf.leaf_hash(x) for x in lines]).hex())
        log = self.parley("log", "--ledger", d)
        if log.returncode == 0:
            self.assertEqual(log.stdout, out, "parley log and stock lz4 disagree")

    def test_parley_ledger_tampered(self):
        d = self.parley_ledger()
        seg = os.path.join(d, "segments", self.segments(d)[0])
        b = bytearray(read(seg))
        b[len(b) // 2] ^= 0x10
        write(seg, bytes(b))
        rc, rep = verify_json(d)
        self.assertEqual(rc, 1, rep)

    def test_parley_cut_last_marker_reads_as_torn_tail(self):
        d = self.parley_ledger()
        full = verify_json(d)[1]["tree_size"]
        seg = os.path.join(d, "segments", self.segments(d)[-1])
        write(seg, read(seg)[:-20])               # cuts the last commit's marker
        rc, rep = verify_json(d)
        self.assertEqual(rc, 0, rep)
        self.assertIn("torn-tail", kinds(rep, "warn"))
        self.assertEqual(rep["tree_size"], full - self.last_batch_lines)

    def test_parley_torn_write_then_recover(self):
        d = self.parley_ledger()
        full = verify_json(d)[1]["tree_size"]
        seg = os.path.join(d, "segments", self.segments(d)[-1])
        b = read(seg)
        half_frame = mf.lz4_frame(b"".join(b'{"torn":%d}\n' % i for i in range(2000)))
        half_frame = half_frame[:len(half_frame) // 2]
        write(seg, b + half_frame)                # a crash in the middle of writing a commit
        rc, rep = verify_json(d)
        self.assertEqual(rc, 0, rep)
        w = find(rep, "torn-tail", "warn")
        self.assertEqual(w["offset"], len(b))
        self.assertEqual(rep["tree_size"], full)
        p = self.parley("recover", "--ledger", d)
        if p.returncode != 0:
            self.skipTest("parley recover failed: %s" % p.stderr.decode()[:300])
        self.assertEqual(read(seg), b)
        rc, rep = verify_json(d)
        self.assertEqual(rc, 0, rep)
        self.assertEqual(rep["findings"], [])
        self.assertEqual(rep["tree_size"], full)
        self.assertTrue(os.listdir(os.path.join(d, "quarantine")), "torn tail not kept in quarantine/")


if __name__ == "__main__":
    unittest.main()
