#!/usr/bin/env python3
"""Parley's own workload generator: N realistic negotiation events as NDJSON input lines.

It needs nothing outside this repository (the reference workload lives outside user clones).
The mix follows a desk tracking vehicle-assembly licensing talks from press reports: parties,
ownership, negotiations, attributed statements, scope and terms, market estimates, quoted prices,
financial facts, stage changes and assembly plans. Every line validates against Events/schemas.

usage: gen_events.py N [--seed S] [--ids] > events.ndjson
  --ids   give every event a deterministic client id (UUID), for idempotency tests
"""
import argparse
import datetime
import json
import random
import sys
import uuid

PARTIES = [("zil", "ZIL", "RU"), ("faw", "First Automotive Works", "CN"), ("gaz", "GAZ", "RU"),
           ("kamaz", "KAMAZ", "RU"), ("paz", "PAZ", "RU"), ("liaz", "LiAZ", "RU"),
           ("dongfeng", "Dongfeng Motor", "CN"), ("foton", "Foton", "CN"), ("isuzu", "Isuzu", "JP"),
           ("iveco", "Iveco", "IT"), ("scania", "Scania", "SE"), ("byd", "BYD", "CN")]
NAMES = {key: name for key, name, _ in PARTIES}
OUTLETS = ["Vedomosti", "Prime-Tass", "Kommersant", "Interfax", "Reuters"]
SPEAKERS = ["Konstantin Laptev", "a source close to the company", "the press office", "the chief engineer",
            "Пётр Иванов"]
CLAIMS = ["Talks are only in the very early stages.", "Assembly could start as soon as this year.",
          "The partner declined to comment.", "The deal covers four truck models and two bus models.",
          "Переговоры находятся на ранней стадии."]
STAGES = ["exploratory", "talks", "term-sheet", "agreed", "signed"]
CATEGORIES = ["truck", "bus", "van", "chassis"]


def money(rng, low, currency="USD"):
    return {"amount": str(low * 100), "currency": currency}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--ids", action="store_true")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    day = datetime.date(2004, 1, 1)
    talks = []
    written = 0
    out = sys.stdout

    def emit(stream, etype, data, confidence="reported"):
        nonlocal day, written
        if rng.random() < 0.004:
            day += datetime.timedelta(days=1)
        stamp = day.isoformat() + "T00:00:00Z"
        event = {"stream": stream, "type": etype, "effective_at": stamp, "data": data,
                 "meta": {"source": {"publication": rng.choice(OUTLETS), "published_at": stamp},
                          "via": rng.choice(OUTLETS), "confidence": confidence}}
        if args.ids:
            event["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        out.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
        written += 1

    for key, name, country in PARTIES:
        if written < args.n:
            emit(f"party/{key}", "PartyRegistered",
                 {"party_id": key, "name": name, "kind": "manufacturer", "country": country, "aliases": []})
    while written < args.n:
        if not talks or rng.random() < 0.02:
            a, b = rng.sample([p[0] for p in PARTIES], 2)
            nid = f"{a}-{b}-{len(talks) + 1}"
            talks.append({"id": nid, "a": a, "b": b, "stage": 0})
            emit(f"negotiation/{nid}", "NegotiationOpened",
                 {"negotiation_id": nid, "title": f"{NAMES[a]} to assemble {NAMES[b]} vehicles",
                  "parties": [{"party": a, "role": "assembler"}, {"party": b, "role": "licensor"}],
                  "subject": "licensed assembly"})
            continue
        t = rng.choice(talks[-30:])
        stream = f"negotiation/{t['id']}"
        roll = rng.random()
        if roll < 0.32:
            emit(stream, "StatementReported",
                 {"statement_id": f"s{written}", "speaker": rng.choice(SPEAKERS),
                  "on_behalf_of": rng.choice([t["a"], t["b"]]), "claim": rng.choice(CLAIMS),
                  "stance": rng.choice(["confirms", "denies", "no-comment", "qualifies"])})
        elif roll < 0.46:
            low = rng.randrange(200, 600)
            emit(stream, "TermProposed",
                 {"term_id": f"t{written}", "kind": rng.choice(["unit-price", "licence-fee", "volume"]),
                  "low": money(rng, low), "high": money(rng, low + 50), "proposed_by": t["a"]})
        elif roll < 0.56:
            emit(stream, "ScopeProposed",
                 {"items": [{"category": c, "models": rng.randrange(1, 6)} for c in rng.sample(CATEGORIES, 2)],
                  "proposed_by": t["a"]})
        elif roll < 0.66:
            low = rng.randrange(1, 10) * 1000
            emit(stream, "DemandEstimated",
                 {"market": rng.choice(["Moscow", "St Petersburg", "Russia"]), "segment": "small buses",
                  "period": "year", "low": low, "high": low + 2000, "unit": "vehicles", "estimated_by": t["a"]},
                 confidence="estimate")
        elif roll < 0.73:
            low = rng.randrange(300, 450)
            emit(stream, "PriceQuoted",
                 {"product": rng.choice(CATEGORIES), "basis": "sticker",
                  "low": {"amount": str(low * 100), "currency": "USD"},
                  "high": {"amount": str((low + 50) * 100), "currency": "USD"}, "quoted_by": t["a"]})
        elif roll < 0.81:
            metric = rng.choice(["units-sold", "revenue", "net-loss"])
            value = ({"count": rng.randrange(1000, 40000)} if metric == "units-sold"
                     else {"amount": str(rng.randrange(100000, 2000000) * 100), "currency": "USD"})
            emit(f"party/{t['a']}", "FinancialFactReported",
                 {"party": t["a"], "metric": metric, "period": {"from": "2004-01-01", "to": "2004-12-31"},
                  "value": value})
        elif roll < 0.89 and t["stage"] < len(STAGES) - 1:
            t["stage"] += 1
            emit(stream, "NegotiationStageChanged", {"stage": STAGES[t["stage"]], "reason": "reported by press"})
        else:
            emit(stream, "AssemblyPlanDrafted",
                 {"plan_id": f"plan-{t['id']}-{written}", "negotiation_id": t["id"],
                  "site": f"{NAMES[t['a']]} main plant",
                  "products": [{"category": "truck", "models": 4}, {"category": "bus", "models": 2}],
                  "start_window": {"from": "2005-01-01", "to": "2005-12-31"},
                  "annual_volume": {"low": 5000, "high": 7000}})


if __name__ == "__main__":
    main()
