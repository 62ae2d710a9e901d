#!/usr/bin/env python3
"""Check Parley's event catalogue (Events/) with the reference `jsonschema` package.

  python3 Tools/check-catalogue.py [--root DIR] [--generator PATH N] [--cases DIR] [-v]

Always:
  (a) every Events/schemas/*.json is a valid JSON Schema draft 2020-12 document that
      uses only the keyword subset Parley's Swift validator implements (see ALLOWED),
      with local `#/$defs/NAME` refs only, anchored simple patterns, and closed objects;
      Events/catalogue.json lists exactly the schema files present;
  (b) every line of Events/samples/zil-faw.ndjson is a valid `parley append --file` input
      line: envelope, `data` against <type>.v<schema or latest>.json, `meta` against
      meta.v1.json, catalogue rules the schema subset cannot express, and (sample only)
      referential checks: known parties, negotiations, corrected/retracted ids, legal stages.
With --generator PATH N: runs `python3 PATH N` and validates every line as in (b),
      without the referential checks.
With --cases DIR: every schema has DIR/<schema file name> holding
      {"accept": [data...], "reject": [{"data": ..., "why": "..."}...]} (>= 2 accept,
      >= 3 reject); every accept must validate and every reject must fail, for exactly
      one reason (one validation error), so each case pins one rule.

Exit status 0 when everything passes, 1 on any failure, 2 on bad usage.
Formats: only `date` (YYYY-MM-DD) and `date-time` (RFC 3339, upper-case T, Z or +hh:mm
offset, optional fraction, no leap second) are asserted, by strict checkers registered on
a jsonschema FormatChecker, so Python and Swift agree on the edge cases.
"""
import argparse
import calendar
import json
import os
import re
import subprocess
import sys
from decimal import Decimal

try:
    import jsonschema
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:  # pragma: no cover
    sys.stderr.write("check-catalogue: the python package `jsonschema` is required (pip install jsonschema)\n")
    sys.exit(2)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://parley.local/events/schemas/"
ALLOWED = {
    "$schema", "$id", "title", "description", "type", "required", "properties",
    "additionalProperties", "enum", "const", "pattern", "format", "minimum", "maximum",
    "minLength", "maxLength", "items", "minItems", "maxItems", "$defs", "$ref",
}
ROOT_ONLY = {"$schema", "$id", "$defs"}
TYPES = {"object", "array", "string", "integer", "boolean", "null"}
FORMATS = {"date", "date-time"}
REF_RE = re.compile(r"^#/\$defs/([A-Za-z0-9_]+)$")
SCHEMA_FILE_RE = re.compile(r"^([A-Za-z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.json$")
# Escapes allowed inside patterns: escaped punctuation only (no \d \w \s \b \p \uXXXX ...).
PATTERN_ESCAPE_OK = set(".-+*?()[]{}|^$/\\")
REQUIRED_TYPES = [
    "PartyRegistered", "OwnershipRecorded", "RoleAssigned", "NegotiationOpened",
    "NegotiationStageChanged", "StatementReported", "ScopeProposed", "TermProposed",
    "TermAgreed", "AssemblyPlanDrafted", "AssemblyPlanRevised", "DemandEstimated",
    "PriceQuoted", "FinancialFactReported", "EventCorrected", "ClaimRetracted",
]
ENVELOPE_KEYS = {"id", "stream", "type", "schema", "effective_at", "data", "meta"}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
STREAM_RE = re.compile(r"^[a-z][a-z0-9-]*/[a-z0-9][a-z0-9-]*$")
MAX_INT = 2 ** 53

# ---------------------------------------------------------------- formats

DATE_RE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
DATETIME_RE = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-]([0-9]{2}):([0-9]{2}))$")


def _valid_ymd(y, m, d):
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]


def is_date(s):
    if not isinstance(s, str):
        return True
    m = DATE_RE.fullmatch(s)
    return bool(m) and _valid_ymd(int(m[1]), int(m[2]), int(m[3]))


def is_date_time(s):
    if not isinstance(s, str):
        return True
    m = DATETIME_RE.fullmatch(s)
    if not m or not _valid_ymd(int(m[1]), int(m[2]), int(m[3])):
        return False
    if int(m[4]) > 23 or int(m[5]) > 59 or int(m[6]) > 59:
        return False
    if m[9] is not None and (int(m[9]) > 23 or int(m[10]) > 59):
        return False
    return True


FORMAT_CHECKER = FormatChecker(formats=())
FORMAT_CHECKER.checks("date")(is_date)
FORMAT_CHECKER.checks("date-time")(is_date_time)

# ---------------------------------------------------------------- helpers


class Failures:
    def __init__(self):
        self.count = 0
        self.shown = {}

    def add(self, section, msg, limit=25):
        self.count += 1
        n = self.shown.get(section, 0)
        self.shown[section] = n + 1
        if n < limit:
            print(f"FAIL [{section}] {msg}")
        elif n == limit:
            print(f"FAIL [{section}] ... (further failures in this section not shown)")


def no_dupes(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError(f"duplicate key {k!r}")
        obj[k] = v
    return obj


def _no_float(s):
    raise ValueError(f"fractional or exponent number {s} (decimals must be strings)")


def _no_constant(s):
    raise ValueError(f"non-JSON number {s}")


def load_strict(text):
    """Parse one input line as the ledger does: integers only, no duplicate keys."""
    return json.loads(text, object_pairs_hook=no_dupes, parse_float=_no_float, parse_constant=_no_constant)


def big_ints(v, path="$"):
    if isinstance(v, bool):
        return []
    if isinstance(v, int):
        return [path] if abs(v) >= MAX_INT else []
    if isinstance(v, dict):
        return [p for k, x in v.items() for p in big_ints(x, f"{path}.{k}")]
    if isinstance(v, list):
        return [p for i, x in enumerate(v) for p in big_ints(x, f"{path}[{i}]")]
    return []


def integral_floats(v, path="$"):
    if isinstance(v, float):
        return [path] if v.is_integer() else []
    if isinstance(v, dict):
        return [p for k, x in v.items() for p in integral_floats(x, f"{path}.{k}")]
    if isinstance(v, list):
        return [p for i, x in enumerate(v) for p in integral_floats(x, f"{path}[{i}]")]
    return []


def err_text(e):
    where = "/".join(str(p) for p in e.absolute_path)
    return f"{'/' + where if where else '(root)'}: {e.message}"

# ---------------------------------------------------------------- (a) schemas


def check_pattern(p):
    problems = []
    if not (p.startswith("^") and p.endswith("$")) or p.endswith("\\$"):
        problems.append("pattern must be anchored with ^...$")
    if "(?" in p:
        problems.append("no (?...) groups, lookarounds or flags")
    i = 0
    while i < len(p):
        if p[i] == "\\":
            nxt = p[i + 1] if i + 1 < len(p) else ""
            if nxt not in PATTERN_ESCAPE_OK:
                problems.append(f"escape \\{nxt} not allowed (use explicit classes like [0-9])")
            i += 2
            continue
        i += 1
    try:
        re.compile(p)
    except re.error as e:
        problems.append(f"does not compile: {e}")
    return problems


def lint_schema(node, path, root, problems, is_root=False):
    if not isinstance(node, dict):
        problems.append(f"{path}: a schema must be an object here")
        return
    for k in node:
        if k not in ALLOWED:
            problems.append(f"{path}: keyword {k!r} is outside the allowed subset")
        elif k in ROOT_ONLY and not is_root:
            problems.append(f"{path}: {k!r} is allowed at the root only")
    for k in ("title", "description"):
        if k in node and not isinstance(node[k], str):
            problems.append(f"{path}.{k}: must be a string")
    if "type" in node:
        t = node["type"]
        ts = t if isinstance(t, list) else [t]
        if not ts or any(x not in TYPES for x in ts) or len(set(ts)) != len(ts):
            problems.append(f"{path}.type: must be one of / a list of {sorted(TYPES)}")
    if "format" in node and node["format"] not in FORMATS:
        problems.append(f"{path}.format: only {sorted(FORMATS)} are allowed")
    if "pattern" in node:
        if not isinstance(node["pattern"], str):
            problems.append(f"{path}.pattern: must be a string")
        else:
            problems += [f"{path}.pattern {node['pattern']!r}: {x}" for x in check_pattern(node["pattern"])]
    for k in ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"):
        if k in node and (not isinstance(node[k], int) or isinstance(node[k], bool)):
            problems.append(f"{path}.{k}: must be an integer")
    if "enum" in node and (not isinstance(node["enum"], list) or not node["enum"]):
        problems.append(f"{path}.enum: must be a non-empty array")
    if "$ref" in node:
        m = REF_RE.match(node["$ref"]) if isinstance(node["$ref"], str) else None
        if not m:
            problems.append(f"{path}.$ref: only local #/$defs/NAME refs are allowed")
        elif m[1] not in root.get("$defs", {}):
            problems.append(f"{path}.$ref: #/$defs/{m[1]} is not defined")
    props = node.get("properties")
    if props is not None:
        if not isinstance(props, dict):
            problems.append(f"{path}.properties: must be an object")
            props = {}
        if node.get("additionalProperties") is not False:
            problems.append(f"{path}: an object with properties must say additionalProperties: false")
        if "required" not in node:
            problems.append(f"{path}: an object with properties must list required (may be [])")
        for name, sub in props.items():
            lint_schema(sub, f"{path}.properties.{name}", root, problems)
    if "required" in node:
        req = node["required"]
        if not isinstance(req, list) or len(set(req)) != len(req) or not all(isinstance(x, str) for x in req):
            problems.append(f"{path}.required: must be an array of distinct strings")
        else:
            for name in req:
                if name not in (props or {}):
                    problems.append(f"{path}.required: {name!r} is not a declared property")
    ap = node.get("additionalProperties")
    if ap is not None and not isinstance(ap, bool):
        lint_schema(ap, f"{path}.additionalProperties", root, problems)
    if "items" in node:
        lint_schema(node["items"], f"{path}.items", root, problems)
    if "$defs" in node:
        if not isinstance(node["$defs"], dict):
            problems.append(f"{path}.$defs: must be an object")
        else:
            for name, sub in node["$defs"].items():
                if not re.fullmatch(r"[A-Za-z0-9_]+", name):
                    problems.append(f"{path}.$defs: bad name {name!r}")
                lint_schema(sub, f"{path}.$defs.{name}", root, problems)


def check_schemas(root_dir, fails):
    sdir = os.path.join(root_dir, "Events", "schemas")
    validators, files = {}, {}
    for fn in sorted(os.listdir(sdir)):
        if not fn.endswith(".json"):
            continue
        path = os.path.join(sdir, fn)
        m = SCHEMA_FILE_RE.match(fn)
        if not m:
            fails.add("schema", f"{fn}: file name must be <Type>.v<N>.json")
            continue
        try:
            with open(path, encoding="utf-8") as f:
                schema = json.load(f, object_pairs_hook=no_dupes)
        except ValueError as e:
            fails.add("schema", f"{fn}: not JSON: {e}")
            continue
        problems = []
        if schema.get("$schema") != DRAFT:
            problems.append(f"$schema must be {DRAFT}")
        if schema.get("$id") != ID_BASE + fn:
            problems.append(f"$id must be {ID_BASE + fn}")
        if schema.get("type") != "object":
            problems.append('root must be "type": "object"')
        if schema.get("additionalProperties") is not False:
            problems.append("root must have additionalProperties: false")
        if "required" not in schema or "properties" not in schema:
            problems.append("root must have properties and an explicit required")
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            problems.append(f"not a valid 2020-12 schema: {e.message}")
        lint_schema(schema, "$", schema, problems, is_root=True)
        if problems:
            for p in problems:
                fails.add("schema", f"{fn}: {p}")
            continue
        validators[(m[1], int(m[2]))] = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        files[fn] = (m[1], int(m[2]))

    cat_path = os.path.join(root_dir, "Events", "catalogue.json")
    try:
        with open(cat_path, encoding="utf-8") as f:
            cat = json.load(f, object_pairs_hook=no_dupes)
    except (OSError, ValueError) as e:
        fails.add("catalogue", f"{cat_path}: {e}")
        return validators, {}
    if cat.get("catalogue_version") != "1" or not isinstance(cat.get("types"), dict):
        fails.add("catalogue", 'catalogue.json must be {"catalogue_version": "1", "types": {...}}')
        return validators, {}
    latest = {}
    listed = set()
    for t, e in cat["types"].items():
        vs = e.get("versions")
        if not isinstance(vs, list) or not vs or sorted(vs) != vs or vs != list(range(1, len(vs) + 1)):
            fails.add("catalogue", f"{t}: versions must be [1, 2, ..., N]")
            continue
        if e.get("latest") != vs[-1]:
            fails.add("catalogue", f"{t}: latest must be {vs[-1]}")
        if not isinstance(e.get("description"), str) or not e["description"]:
            fails.add("catalogue", f"{t}: needs a one-line description")
        for v in vs:
            listed.add((t, v))
            if (t, v) not in validators:
                fails.add("catalogue", f"{t} v{v}: no valid schema file {t}.v{v}.json")
        latest[t] = vs[-1]
    for (t, v) in validators:
        if t != "meta" and (t, v) not in listed:
            fails.add("catalogue", f"{t}.v{v}.json is not listed in catalogue.json")
    if ("meta", 1) not in validators:
        fails.add("catalogue", "meta.v1.json is missing")
    for t in REQUIRED_TYPES:
        if t not in cat["types"]:
            fails.add("catalogue", f"required event type {t} is missing")
    print(f"schemas: {len(validators)} valid ({len(files)} files), catalogue: {len(cat['types'])} types")
    return validators, latest

# ---------------------------------------------------------------- (b) input lines

COUNT_METRICS = {"units-sold", "units-produced", "employees"}
STAGE_ORDER = ["exploratory", "talks", "term-sheet", "agreed", "signed"]
OPEN_STAGES = {"exploratory", "talks", "term-sheet", "agreed"}


def catalogue_rules(etype, data):
    """Rules the keyword subset cannot express (the ledger enforces them too)."""
    out = []

    def money_pair(lo, hi, where):
        if isinstance(lo, dict) and isinstance(hi, dict) and "amount" in lo and "amount" in hi:
            if lo.get("currency") != hi.get("currency"):
                out.append(f"{where}: low and high must share a currency")
            elif Decimal(lo["amount"]) > Decimal(hi["amount"]):
                out.append(f"{where}: low > high")

    def period(p, where):
        if isinstance(p, dict) and isinstance(p.get("from"), str) and isinstance(p.get("to"), str):
            if p["from"] > p["to"]:
                out.append(f"{where}: from is after to")

    if etype == "FinancialFactReported":
        v = data.get("value", {})
        if data.get("metric") in COUNT_METRICS:
            if set(v) != {"count"}:
                out.append(f"/value: metric {data.get('metric')} needs exactly {{\"count\": N}}")
        elif set(v) != {"amount", "currency"}:
            out.append(f"/value: metric {data.get('metric')} needs exactly {{\"amount\", \"currency\"}}")
        period(data.get("period"), "/period")
    if etype in ("TermProposed", "PriceQuoted"):
        if ("low" in data) != ("high" in data):
            out.append("/low,/high: give both or neither")
        money_pair(data.get("low"), data.get("high"), "/low..high")
    if etype == "DemandEstimated" and isinstance(data.get("low"), int) and isinstance(data.get("high"), int):
        if data["low"] > data["high"]:
            out.append("/low..high: low > high")
        period(data.get("horizon"), "/horizon")
    if etype in ("AssemblyPlanDrafted", "AssemblyPlanRevised"):
        r = data.get("annual_volume")
        if isinstance(r, dict) and isinstance(r.get("low"), int) and isinstance(r.get("high"), int) and r["low"] > r["high"]:
            out.append("/annual_volume: low > high")
        period(data.get("start_window"), "/start_window")
    if etype in ("OwnershipRecorded", "RoleAssigned"):
        if isinstance(data.get("from"), str) and isinstance(data.get("to"), str) and data["from"] > data["to"]:
            out.append("/from..to: from is after to")
    if etype == "OwnershipRecorded" and data.get("relation", "owns") == "manages" and "share_percent" in data:
        out.append("/share_percent: not used with relation manages")
    return out


def check_line(text, lineno, validators, latest, fails, section):
    """Validate one input line; returns the parsed object or None."""
    try:
        obj = load_strict(text)
    except ValueError as e:
        fails.add(section, f"line {lineno}: {e}")
        return None
    if not isinstance(obj, dict):
        fails.add(section, f"line {lineno}: not a JSON object")
        return None
    bad = False

    def fail(msg):
        nonlocal bad
        bad = True
        fails.add(section, f"line {lineno}: {msg}")

    extra = set(obj) - ENVELOPE_KEYS
    if extra:
        fail(f"unknown envelope keys {sorted(extra)}")
    for k in ("stream", "type", "effective_at", "data"):
        if k not in obj:
            fail(f"missing {k}")
    if bad:
        return None
    if "id" in obj and not (isinstance(obj["id"], str) and UUID_RE.match(obj["id"])):
        fail(f"id {obj['id']!r} is not a lowercase UUID")
    if not (isinstance(obj["stream"], str) and STREAM_RE.match(obj["stream"])):
        fail(f"stream {obj['stream']!r} is not kind/name")
    if not (isinstance(obj["effective_at"], str) and is_date_time(obj["effective_at"])):
        fail(f"effective_at {obj['effective_at']!r} is not an RFC 3339 date-time")
    for p in big_ints(obj):
        fail(f"{p}: integer magnitude must be < 2^53")
    etype = obj["type"]
    if etype not in latest:
        fail(f"unknown type {etype!r}")
        return None
    version = obj.get("schema", latest[etype])
    if not isinstance(version, int) or isinstance(version, bool) or (etype, version) not in validators:
        fail(f"{etype} has no schema version {version!r}")
        return None
    v = validators[(etype, version)]
    if not v.is_valid(obj["data"]):
        for e in sorted(v.iter_errors(obj["data"]), key=lambda e: list(e.absolute_path)):
            fail(f"{etype}.v{version} data{err_text(e)}")
    else:
        for r in catalogue_rules(etype, obj["data"]):
            fail(f"{etype}.v{version} data{r}")
    meta = obj.get("meta", {})
    mv = validators[("meta", 1)]
    if not mv.is_valid(meta):
        for e in mv.iter_errors(meta):
            fail(f"meta{err_text(e)}")
    return None if bad else obj


def sample_references(objs, fails):
    """Referential checks for the sample scenario (a self-contained ledger)."""
    section = "sample-refs"
    parties, negotiations, ids, statements, plans, terms = set(), set(), {}, {}, set(), set()
    stage = {}
    max_eff, late = "", []
    party_fields = ("owner", "owned", "party", "on_behalf_of", "speaker_party", "proposed_by", "quoted_by",
                    "estimated_by", "retracted_by", "assembler")
    for lineno, o in objs:
        d, t, stream = o["data"], o["type"], o["stream"]
        kind, _, name = stream.partition("/")

        def fail(msg):
            fails.add(section, f"line {lineno} ({t}): {msg}")

        if "id" not in o:
            fail("sample lines must carry a client id")
        elif o["id"] in ids:
            fail(f"duplicate id {o['id']}")
        if o["effective_at"] < max_eff:
            late.append(lineno)
        max_eff = max(max_eff, o["effective_at"])
        if t == "PartyRegistered":
            if stream != f"party/{d['party_id']}":
                fail(f"stream must be party/{d['party_id']}")
            parties.add(d["party_id"])
        if t == "NegotiationOpened":
            if stream != f"negotiation/{d['negotiation_id']}":
                fail(f"stream must be negotiation/{d['negotiation_id']}")
            negotiations.add(d["negotiation_id"])
            stage[d["negotiation_id"]] = "exploratory"
        refs = [d[f] for f in party_fields if f in d]
        refs += [p["party"] for p in d.get("parties", [])] + list(d.get("agreed_by", []))
        for p in refs:
            if p not in parties:
                fail(f"party {p!r} is not registered earlier in the sample")
        if kind == "negotiation" and t != "NegotiationOpened":
            if name not in negotiations:
                fail(f"negotiation {name!r} is not opened earlier in the sample")
            if "negotiation_id" in d and d["negotiation_id"] != name:
                fail(f"negotiation_id {d['negotiation_id']!r} does not match stream {stream}")
        if t == "NegotiationStageChanged":
            cur, new = stage.get(name), d["stage"]
            if cur == "stalled":
                legal = new in OPEN_STAGES or new == "abandoned"
            elif cur in OPEN_STAGES:
                legal = new in ("stalled", "abandoned") or (
                    new in STAGE_ORDER and STAGE_ORDER.index(new) == STAGE_ORDER.index(cur) + 1)
            else:
                legal = False
            if not legal:
                fail(f"illegal stage change {cur} -> {new}")
            if "previous_stage" in d and d["previous_stage"] != cur:
                fail(f"previous_stage {d['previous_stage']} but current stage is {cur}")
            stage[name] = new
        if t == "StatementReported":
            statements[o.get("id")] = d["statement_id"]
        if t == "AssemblyPlanDrafted":
            plans.add(d["plan_id"])
        if t == "AssemblyPlanRevised" and d["plan_id"] not in plans:
            fail(f"plan {d['plan_id']!r} was never drafted")
        if t == "TermProposed":
            terms.add(d["term_id"])
        if t == "TermAgreed" and d["term_id"] not in terms:
            fail(f"term {d['term_id']!r} was never proposed")
        if t == "EventCorrected":
            target = ids.get(d["corrects"])
            if target is None:
                fail(f"corrects unknown or later event {d['corrects']}")
            elif target[1] != stream:
                fail(f"correction should be appended to the corrected event's stream {target[1]}")
        if t == "ClaimRetracted":
            if d["retracts"] not in statements:
                fail(f"retracts {d['retracts']}, which is not an earlier StatementReported")
            elif "statement_id" in d and statements[d["retracts"]] != d["statement_id"]:
                fail("statement_id does not match the retracted statement")
        for k in ("causation_id",):
            if k in o.get("meta", {}) and o["meta"][k] not in ids:
                fail(f"meta.{k} must name an earlier event")
        if "id" in o:
            ids[o["id"]] = (t, stream)
    return late


def check_sample(root_dir, validators, latest, fails):
    path = os.path.join(root_dir, "Events", "samples", "zil-faw.ndjson")
    before = fails.count
    objs = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                fails.add("sample", f"line {lineno}: empty line")
                continue
            o = check_line(line, lineno, validators, latest, fails, "sample")
            if o is not None:
                objs.append((lineno, o))
    if fails.count == before:
        late = sample_references(objs, fails)
        if not late:
            fails.add("sample-refs", "expected at least one late-arriving line (earlier effective_at than a previous line)")
    else:
        late = []
    ok = fails.count == before
    print(f"sample: {len(objs)} lines {'ok' if ok else 'FAILED'}"
          + (f" (late-arriving lines: {', '.join(map(str, late))})" if late else ""))

# ---------------------------------------------------------------- (c) generator


def check_generator(path, n, validators, latest, fails):
    before = fails.count
    proc = subprocess.Popen([sys.executable, path, str(n)], stdout=subprocess.PIPE, text=True, encoding="utf-8")
    count, types = 0, {}
    for lineno, line in enumerate(proc.stdout, 1):
        count += 1
        o = check_line(line, lineno, validators, latest, fails, "generator")
        if o is not None:
            types[o["type"]] = types.get(o["type"], 0) + 1
    rc = proc.wait()
    if rc != 0:
        fails.add("generator", f"{path} exited with status {rc}")
    if count != n:
        fails.add("generator", f"expected {n} lines, got {count}")
    ok = fails.count == before
    print(f"generator: {count} lines {'ok' if ok else 'FAILED'}; types: "
          + ", ".join(f"{t} {c}" for t, c in sorted(types.items())))

# ---------------------------------------------------------------- (d) cases


def check_cases(case_dir, root_dir, validators, fails, verbose):
    sdir = os.path.join(root_dir, "Events", "schemas")
    total_a = total_r = 0
    for fn in sorted(os.listdir(sdir)):
        m = SCHEMA_FILE_RE.match(fn)
        if not m:
            continue
        key = (m[1], int(m[2]))
        cpath = os.path.join(case_dir, fn)
        if key not in validators:
            continue  # already reported by the schema check
        if not os.path.exists(cpath):
            fails.add("cases", f"{fn}: no case file {cpath}")
            continue
        try:
            with open(cpath, encoding="utf-8") as f:
                cases = json.load(f, object_pairs_hook=no_dupes)
        except ValueError as e:
            fails.add("cases", f"{fn}: not JSON: {e}")
            continue
        acc, rej = cases.get("accept"), cases.get("reject")
        if set(cases) != {"accept", "reject"} or not isinstance(acc, list) or not isinstance(rej, list):
            fails.add("cases", f"{fn}: must be {{\"accept\": [...], \"reject\": [...]}}")
            continue
        if len(acc) < 2 or len(rej) < 3:
            fails.add("cases", f"{fn}: needs >= 2 accept and >= 3 reject cases")
        v = validators[key]
        a_ok = r_ok = 0
        for i, data in enumerate(acc):
            for p in integral_floats(data):
                fails.add("cases", f"{fn} accept[{i}]: {p} is an integral float (ambiguous across validators)")
            errs = list(v.iter_errors(data))
            if errs:
                fails.add("cases", f"{fn} accept[{i}] was rejected: " + "; ".join(err_text(e) for e in errs))
            else:
                a_ok += 1
                if verbose:
                    print(f"  ok   {fn} accept[{i}]")
        for i, case in enumerate(rej):
            if not isinstance(case, dict) or set(case) != {"data", "why"} or not isinstance(case["why"], str):
                fails.add("cases", f"{fn} reject[{i}]: must be {{\"data\": ..., \"why\": \"...\"}}")
                continue
            for p in integral_floats(case["data"]):
                fails.add("cases", f"{fn} reject[{i}]: {p} is an integral float (ambiguous across validators)")
            errs = list(v.iter_errors(case["data"]))
            if not errs:
                fails.add("cases", f"{fn} reject[{i}] was accepted ({case['why']})")
            elif len(errs) > 1:
                # A reject case must fail for exactly one reason, so that every validator
                # (Python, Swift) is tested on that one rule and not saved by another.
                fails.add("cases", f"{fn} reject[{i}] fails for {len(errs)} reasons, expected one: "
                          + "; ".join(err_text(e) for e in errs))
            else:
                r_ok += 1
                if verbose:
                    print(f"  ok   {fn} reject[{i}] ({case['why']}) -> {err_text(errs[0])}")
        total_a += len(acc)
        total_r += len(rej)
        status = "ok  " if a_ok == len(acc) and r_ok == len(rej) else "FAIL"
        print(f"cases {status} {fn}: accept {a_ok}/{len(acc)}, reject {r_ok}/{len(rej)}")
    extra = sorted(set(os.listdir(case_dir)) - set(os.listdir(sdir)))
    for fn in extra:
        fails.add("cases", f"{fn}: case file without a schema")
    print(f"cases: {total_a} accept, {total_r} reject")

# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                    help="repository root (default: the parent of Tools/)")
    ap.add_argument("--generator", nargs=2, metavar=("PATH", "N"), help="run PATH N and validate every line")
    ap.add_argument("--cases", metavar="DIR", help="validate accept/reject case files in DIR")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every case")
    args = ap.parse_args()
    fails = Failures()
    validators, latest = check_schemas(args.root, fails)
    if fails.count == 0:
        check_sample(args.root, validators, latest, fails)
        if args.generator:
            try:
                n = int(args.generator[1])
            except ValueError:
                ap.error("--generator N must be an integer")
            check_generator(args.generator[0], n, validators, latest, fails)
        if args.cases:
            check_cases(args.cases, args.root, validators, fails, args.verbose)
    if fails.count:
        print(f"check-catalogue: {fails.count} failure(s)")
        return 1
    print("check-catalogue: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
