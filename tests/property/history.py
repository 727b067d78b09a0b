#!/usr/bin/env python3
"""Property test: the price history is a function of the set of loaded files.

Why this exists: docs/history-rules.md says what `marketcrawl etl` computes
from the loaded staging files, and that neither the load order nor how
`load` and `etl` calls interleave may change it.  Example-based tests cannot
cover the combinations (late files, delisting, reappearance, duplicates,
rejected lines, run health, two spiders), so this script generates random
but reproducible histories (one seed = one history), loads them in run
order and in random orders into fresh databases, and checks that

  * every order gives exactly the dump of the run order (natural keys only);
  * the run order gives what an independent, deliberately naive
    re-implementation of docs/history-rules.md (the "reference" below, which
    reads the staging files and shares no code or SQL with the ETL) gives.

Python 3 standard library only.  Usage (tests/integration/history_property.sh
runs it, also for `make soak`; the PG* environment names the cluster):

  MC_BIN=build/marketcrawl python3 tests/property/history.py --seeds 1-10 --trials 5
  python3 tests/property/history.py --self-test            # the reference on hand-made cases
  python3 tests/property/history.py --reference-only DIR   # runs, sightings, rows of DIR/*.jsonl
  python3 tests/property/history.py --seeds 7 --generate-only --keep-dir DIR

Harness self-check against an ETL from before the rules (one full-scope
spider, complete runs seeing every listing; the rules' new columns masked):
  ... --trials 0 --profile simple --mask listings.first_seen --mask listings.last_seen \
      --mask crawl_run.scope --mask crawl_run.health --mask crawl_run.delists
"""

import argparse
import difflib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

UTC = timezone.utc
NULL = "\\N"  # how a NULL prints, in the dumps and in the reference

# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------

MINOR_UNITS = {"EUR": 2, "JPY": 0}
PRICES = {
    "EUR": ["9.99", "14.99", "15", "19.5", "0", "14.995", "24.99"],
    "JPY": ["1500", "1980", "2000", "0", "1499.5"],
}
TITLES = ["Star Forge", "Moon Base", "Café Ω", "Ärger im Dorf", "東京 Drift",
          "Old Relic", "Deep Sky", "Iron Garden"]
AVAIL = ["in_stock", "out_of_stock", "preorder", "unknown"]
FULL_SPIDERS = ["shop", "store_all", "catalogue"]
PARTIAL_SPIDERS = ["deals", "top_sellers", "zz_picks"]
BASE_TIME = datetime(2024, 2, 1, tzinfo=UTC)  # far from now(): rpt.historic_low's windows never cut a history


def spell_price(rng, value, currency):
    """An exact decimal string for value, spelt in one of the ways a site or
    spider might: minimal, with the currency's decimals, with 6 decimals."""
    d = Decimal(value)
    minimal = format(d.normalize(), "f") if d != 0 else "0"
    if "." in minimal:
        decimals = len(minimal.split(".")[1])
    else:
        decimals = 0
    choices = [minimal]
    for n in (MINOR_UNITS[currency], 3, 6):
        if n >= decimals and n <= 6:
            choices.append(format(d.quantize(Decimal(1).scaleb(-n)), "f"))
    return rng.choice(choices)


def fmt_obs_time(rng, t):
    """RFC 3339 with milliseconds; now and then with a UTC offset."""
    if rng.random() < 0.05:
        off = rng.choice([1, 2, -5, 9])
        local = t.astimezone(timezone(timedelta(hours=off)))
        sign = "+" if off >= 0 else "-"
        return local.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (local.microsecond // 1000) + \
            "%s%02d:00" % (sign, abs(off))
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (t.microsecond // 1000) + "Z"


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_ms(t):
    return (t - EPOCH) // timedelta(milliseconds=1)


def fmt_run_time(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class Listing:
    pass


def generate(seed, outdir, profile="full"):
    """Write one history's staging files into outdir; return their paths in
    run order.  profile "simple" (harness self-check only): one full-scope
    spider, complete runs that see every listing, no duplicates, rejects,
    drops or collapses: what the ETL before docs/history-rules.md already
    handled."""
    rng = random.Random(seed)
    simple = profile == "simple"

    markets = [("alpha", rng.choice(["EUR", "EUR", "JPY"]))]
    if rng.random() < 0.5:
        markets.append(rng.choice([("beta.jp", "JPY"), ("beta-eu", "EUR")]))

    listings = []
    n_listings = rng.randint(3, 6)
    titles = rng.sample(TITLES, n_listings)
    for i in range(n_listings):
        l = Listing()
        l.marketplace, l.currency = rng.choice(markets)
        l.external_id = "g%03d" % (i + 1)
        l.prices = rng.sample(PRICES[l.currency], 3)
        l.price = rng.choice(l.prices)
        l.list_price = rng.choice([None, None, rng.choice(PRICES[l.currency])])
        l.avail = rng.choice(["in_stock", "in_stock", "in_stock", "preorder"])
        l.base_title = titles[i]
        l.title = titles[i]
        l.url = "https://%s.example/item/%s" % (l.marketplace, l.external_id)
        l.pk = rng.choice([None, "pk:" + titles[i].lower().replace(" ", "-"),
                           "pk:shared-%d" % (i % 2)])
        l.on_site = True
        l.region = ""
        listings.append(l)

    # regional histories: the same games in two regions (each region a
    # listing of its own), every run for one region
    regions = [""]
    if not simple and rng.random() < 0.25:
        regions = ["de", "us"]
        twins = []
        for l in listings:
            l.region = rng.choice(regions)
            if rng.random() < 0.5:
                t = Listing()
                t.__dict__.update(l.__dict__)
                t.region = "us" if l.region == "de" else "de"
                t.prices = rng.sample(PRICES[t.currency], 3)
                t.price = rng.choice(t.prices)
                twins.append(t)
        listings.extend(twins)

    full = rng.choice(FULL_SPIDERS)
    partial = None if simple or rng.random() < 0.3 else rng.choice(PARTIAL_SPIDERS)
    partial_sees = [l for l in listings if rng.random() < 0.6] or [listings[0]]
    for l in listings:  # some listings come to the site later
        l.from_run = 0 if simple or rng.random() < 0.75 else rng.randint(1, 4)
        # and some are found by the partial spider runs before the full one
        # sees them (until then the full spider does not cover them)
        l.full_from = l.from_run + (rng.randint(2, 5) if partial and l in partial_sees
                                    and rng.random() < 0.3 else 0)

    used_ms = set()  # every observed_at of the history (ms since the epoch), distinct

    def unique_time(lo, hi):
        for _ in range(1000):
            ms = rng.randint(to_ms(lo) + 1, to_ms(hi))
            if ms not in used_ms:
                used_ms.add(ms)
                return EPOCH + timedelta(milliseconds=ms)
        raise RuntimeError("no free instant")

    n_runs = rng.randint(6, 12)
    t = BASE_TIME + timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23),
                              minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
    runs = []
    complete_full = 0
    prev = None          # the run that finishes last so far
    chain = False
    last_start = None
    finish_by_spider = {}
    for i in range(n_runs):
        spider = full
        overlap = False
        duration = timedelta(seconds=rng.randint(300, 3000))
        if prev is None:
            start = t
        else:
            start = prev["start"] + prev["duration"] + timedelta(
                hours=rng.randint(1, 8), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
            if partial and rng.random() < 0.3:
                spider = partial
            if partial and (chain or rng.random() < 0.2):
                # overlapping runs of two spiders: this one starts while the
                # other spider's run is still going (never two of one spider)
                other = partial if prev["spider"] == full else full
                lo = last_start + timedelta(seconds=60)
                if other in finish_by_spider:
                    lo = max(lo, finish_by_spider[other] + timedelta(seconds=60))
                hi = prev["start"] + prev["duration"] - timedelta(seconds=60)
                if lo < hi:
                    spider = other
                    overlap = True
                    start = lo + timedelta(seconds=rng.randint(0, int((hi - lo).total_seconds())))
        finish = start + duration
        last_start = start
        finish_by_spider[spider] = finish
        # a partial-scope run overlapping a full one is often overlapped in
        # turn by the next full-scope run (which may delist)
        chain = overlap and spider == partial and rng.random() < 0.8

        status = "complete"
        if not simple and i > 0:
            status = rng.choices(["complete", "partial", "aborted", "suspect"], [70, 10, 10, 10])[0]
            if overlap and spider == full and rng.random() < 0.8:
                status = "complete"  # so that it may delist while the other run goes on
        scope = "full" if spider == full else "partial"

        # the site changes between runs
        for l in listings:
            if simple:
                if rng.random() < 0.35:
                    l.price = rng.choice(l.prices)
                if rng.random() < 0.1:
                    l.avail = rng.choice(["in_stock", "out_of_stock"])
                continue
            if rng.random() < 0.35:
                l.price = rng.choice(l.prices)
            if rng.random() < 0.15:
                l.list_price = rng.choice([None, rng.choice(PRICES[l.currency])])
            if rng.random() < 0.15:
                l.avail = rng.choice(AVAIL)
            if rng.random() < 0.04:
                l.title = l.base_title + rng.choice([" (Remastered)", " Deluxe", ""])
            if rng.random() < 0.04:
                l.url = rng.choice(["https", "HTTPS", "http"]) + "://%s.example/item/%s?v=%d" % (
                    l.marketplace, l.external_id, rng.randint(2, 9))
            if rng.random() < 0.04:
                l.pk = rng.choice([None, "", "pk:renamed-" + l.external_id, "pk:shared-0"])
            if rng.random() < 0.05:
                l.on_site = not l.on_site  # gone for a while, or back

        region = rng.choice(regions)
        live = [l for l in listings if l.from_run <= i and l.on_site and l.region == region]
        pool = [l for l in live if l.full_from <= i] if spider == full else \
            [l for l in live if l in partial_sees]
        special = None
        if (not simple and spider == full and status == "complete" and complete_full >= 3
                and rng.random() < 0.25):
            special = rng.choice(["items", "items", "availability", "empty", "dropped_price"])

        if simple:
            seen = list(pool)
        elif special == "items":
            seen = pool[:1]
        elif special == "empty":
            seen = []
        elif status == "aborted":
            seen = pool[:rng.randint(0, len(pool))]
        elif status == "complete":
            seen = [l for l in pool if rng.random() < 0.85]
        else:
            seen = [l for l in pool if rng.random() < 0.6]

        # now and then a line of the overlapped run moves to exactly this
        # run's start; a full-scope run then misses that listing: an absence
        # and a sighting at the same instant
        ms = to_ms(start)
        if overlap and not simple and ms not in used_ms and rng.random() < 0.7:
            cand = [d for d in prev["lines"] if "price" in d]
            if cand:
                d = rng.choice(cand)
                used_ms.discard(to_ms(parse_time(d["observed_at"])))
                used_ms.add(ms)
                d["observed_at"] = fmt_obs_time(rng, start)
                if spider == full:
                    seen = [l for l in seen
                            if (l.marketplace, l.region, l.external_id)
                            != (d["marketplace"], d.get("region") or "", d["external_id"])]

        # observation lines: (observed_at, line dict)
        lines = []

        def obs_line(l, when, price=None, avail=None):
            d = {"marketplace": l.marketplace}
            if l.region or rng.random() < 0.1:
                d["region"] = l.region
            d.update({"external_id": l.external_id, "url": l.url,
                 "title": l.title,
                 "price": spell_price(rng, price if price is not None else l.price, l.currency)})
            if l.list_price is not None:
                d["list_price"] = spell_price(rng, l.list_price, l.currency)
            elif rng.random() < 0.5:
                d["list_price"] = None
            d["currency"] = l.currency
            d["availability"] = avail or ("unknown" if special == "availability" else l.avail)
            d["observed_at"] = fmt_obs_time(rng, when)
            if l.pk is not None or rng.random() < 0.5:
                d["product_key"] = l.pk
            d["attrs"] = {"platforms": rng.sample(["Windows", "Linux", "macOS"], rng.randint(0, 2)),
                          "reviews": rng.randint(0, 500)}
            return d

        first_at_start = not simple and rng.random() < 0.1
        for l in seen:
            if first_at_start and to_ms(start) not in used_ms:
                when = start
                used_ms.add(to_ms(start))
                first_at_start = False
            else:
                when = unique_time(start, finish - timedelta(seconds=5))
            lines.append((when, obs_line(l, when)))
        lines.sort(key=lambda x: x[0])
        lines = [x[1] for x in lines]

        if not simple and lines and rng.random() < 0.15:  # two lines of one listing
            l = rng.choice(seen)
            when = unique_time(start, finish - timedelta(seconds=5))
            dup = obs_line(l, when, price=rng.choice(l.prices) if rng.random() < 0.6 else None)
            lines.insert(rng.randint(0, len(lines)), dup)
        if not simple and rng.random() < 0.12:  # a line the loader rejects: missing_price
            l = rng.choice(pool or listings)
            when = unique_time(start, finish - timedelta(seconds=5))
            bad = obs_line(l, when)
            del bad["price"]
            lines.insert(rng.randint(0, len(lines)), bad)

        dropped = {}
        if special == "dropped_price":
            dropped = {"missing_price": 2 * len(lines) + 2}
        elif not simple and rng.random() < 0.2:
            dropped = {rng.choice(["missing_title", "missing_price", "bad_price"]): rng.randint(1, 2)}

        run_id = start.strftime("%Y%m%dT%H%M%SZ") + "-%d" % rng.randint(1000, 99999)
        header = {"format": "marketcrawl-staging", "version": 1, "spider": spider,
                  "run_id": run_id, "started_at": fmt_run_time(start)}
        stats = {"requests": len(lines) + rng.randint(1, 5), "items_scraped": len(lines)}
        if dropped or rng.random() < 0.3:
            stats["items_dropped"] = dropped
        record = {"spider": spider, "run_id": run_id, "started_at": fmt_run_time(start),
                  "finished_at": fmt_run_time(finish), "status": status}
        if region:
            record["region"] = region
        if not (spider == full and rng.random() < 0.1):  # absent scope means full
            record["scope"] = scope
        record.update({"pages": rng.randint(1, 20), "items": len(lines),
                       "errors": 0 if status == "complete" else rng.randint(1, 5), "stats": stats})
        if status == "partial":
            record["partial_reason"] = "%d of 12 listing pages failed" % rng.randint(1, 6)
        if status == "suspect":
            record["suspect_reason"] = "items fell to %d%% of the median" % rng.randint(5, 40)

        runs.append({"spider": spider, "start": start, "duration": duration, "run_id": run_id,
                     "header": header, "lines": lines, "record": record})
        if spider == full and status == "complete":
            complete_full += 1

        if prev is None or finish > prev["start"] + prev["duration"]:
            prev = runs[-1]

    os.makedirs(outdir, exist_ok=True)
    paths = []
    for r in sorted(runs, key=lambda r: r["start"]):
        path = os.path.join(outdir, r["run_id"] + ".jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(r["header"], ensure_ascii=False) + "\n")
            for d in r["lines"]:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
            f.write(json.dumps({"run": r["record"]}, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------
# The reference: docs/history-rules.md applied literally to the files
# ---------------------------------------------------------------------------

def parse_time(s):
    t = datetime.fromisoformat(s.replace(" ", "T").replace("z", "Z").replace("t", "T"))
    if t.tzinfo is None:
        raise ValueError("no offset: " + s)
    return t.astimezone(UTC)


def ts(t):
    return NULL if t is None else t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def money(s, currency):
    """etl.money as docs/history-rules.md states it: rounded to the
    currency's minor units unless the amount carries more decimals."""
    if s is None:
        return None
    d = Decimal(s)
    exp = d.normalize().as_tuple().exponent if d != 0 else 0
    scale = max(-exp if exp < 0 else 0, MINOR_UNITS.get(currency, 0))
    return format(d.quantize(Decimal(1).scaleb(-scale)), "f")


PRICE_RE = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$")
REQUIRED = ["marketplace", "external_id", "url", "title", "price", "currency",
            "availability", "observed_at"]


def reject_reason(d, start):
    """The loader's verdict on an observation line, for the few kinds of
    line the generator writes (every other line is assumed valid)."""
    for f in ["marketplace", "external_id", "url", "title", "price", "list_price",
              "currency", "availability", "observed_at"]:
        v = d.get(f)
        if f in REQUIRED and v is None:
            return "missing_" + f
        if f in ("price", "list_price") and v is not None and not PRICE_RE.match(v):
            return "bad_" + f
        if f == "availability" and v not in AVAIL:
            return "bad_availability"
    if parse_time(d["observed_at"]) < start:
        return "observed_before_run"
    return None


class Run:
    pass


def read_runs(paths):
    runs = []
    for path in sorted(paths):
        with open(path, encoding="utf-8") as f:
            raw = [x for x in f.read().split("\n") if x != ""]
        header = json.loads(raw[0])
        rec = json.loads(raw[-1])["run"]
        r = Run()
        r.file = os.path.basename(path)
        r.spider = header["spider"]
        r.run_id = header["run_id"]
        r.start = parse_time(header["started_at"])
        r.status = rec["status"]
        r.scope = rec.get("scope", "full")
        r.region = rec.get("region") or ""
        r.reason = rec.get("partial_reason") if r.status == "partial" else \
            rec.get("suspect_reason") if r.status == "suspect" else None
        r.valid = []      # (line_no, dict)
        r.rejected = []   # reasons
        for no, line in enumerate(raw[1:-1], start=2):
            d = json.loads(line)
            why = reject_reason(d, r.start)
            if why:
                r.rejected.append(why)
            else:
                r.valid.append((no, d))
        dropped = (rec.get("stats") or {}).get("items_dropped") or {}
        r.items = len(r.valid)
        r.produced = r.items + len(r.rejected) + sum(dropped.values())
        filled = {
            "title": r.produced
            - sum(1 for x in r.rejected if x in ("missing_title", "bad_title", "too_long_title"))
            - dropped.get("missing_title", 0),
            "price": r.produced
            - sum(1 for x in r.rejected if x in ("missing_price", "bad_price", "negative_price",
                                                 "absurd_price"))
            - dropped.get("missing_price", 0) - dropped.get("bad_price", 0),
            "list_price": sum(1 for _, d in r.valid if d.get("list_price") is not None),
            "availability": sum(1 for _, d in r.valid if d["availability"] != "unknown"),
            "product_key": sum(1 for _, d in r.valid if d.get("product_key")),
        }
        # 100 x filled / produced, rounded to one decimal, half away from zero
        r.share = {k: (Decimal(100 * v) / r.produced).quantize(Decimal("0.1"), ROUND_HALF_UP)
                   if r.produced else Decimal(0) for k, v in filled.items()}
        # sightings: per listing the line with the latest observed_at, then the later line
        r.sees = {}
        for no, d in r.valid:
            key = (listing_place(d), d["external_id"])
            t = parse_time(d["observed_at"])
            if key not in r.sees or (t, no) > r.sees[key][0]:
                r.sees[key] = ((t, no), d)
        runs.append(r)
    return runs


def listing_place(d):
    """The first part of a listing's key in the rows: its marketplace, and
    after a '/' its region when it has one."""
    return d["marketplace"] + ("/" + d["region"] if d.get("region") else "")


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def plain(d):
    """A decimal without trailing zeros: 10, 6.5, 75.25."""
    return format(d.normalize(), "f") if d else "0"


def judge(r, runs):
    """(health, reason) of run r, rules "Health: may the run delist?", in
    exact decimals."""
    if r.status in ("aborted", "partial", "suspect"):
        return r.status, r.reason
    base = sorted([b for b in runs if b.spider == r.spider and b.scope == r.scope
                   and b.region == r.region and b.start < r.start and b.status == "complete"],
                  key=lambda b: b.start)[-5:]
    if not base:
        return "complete", None
    m = median([Decimal(b.items) for b in base])
    runs_text = ("the previous complete run" if len(base) == 1
                 else "the %d previous complete runs" % len(base))
    if r.items < m / 2:
        return "suspect", "%d item%s, below half the median %s of %s" % (
            r.items, "" if r.items == 1 else "s", plain(m), runs_text)
    for f in ("title", "price", "list_price", "availability", "product_key"):
        m = median([b.share[f] for b in base])
        if m >= 50 and r.share[f] < m / 2:
            return "suspect", ("%s filled for %s%% of the items, below half the median %s%% of %s"
                               % (f, r.share[f], plain(m), runs_text))
    return "complete", None


def reference(paths):
    """The expected rows: {section: [row string, ...]}."""
    runs = read_runs(paths)
    for r in runs:
        r.health, r.health_reason = judge(r, runs)
        r.delists = r.health == "complete" and r.scope == "full"

    keys = sorted({k for r in runs for k in r.sees})
    listings, prices, avails = [], [], []
    for key in keys:
        seen_by = [r for r in runs if key in r.sees]
        events = []  # (time, 0 = absence / 1 = sighting, values or None)
        for r in seen_by:
            events.append((r.sees[key][0][0], 1, r.sees[key][1]))
        for r in runs:
            if not r.delists or key in r.sees:
                continue
            region = key[0].split("/", 1)[1] if "/" in key[0] else ""
            covers = region == r.region and any(x.spider == r.spider and x.start < r.start
                                                for x in seen_by)
            if covers:
                events.append((r.start, 0, None))
        events.sort(key=lambda e: (e[0], e[1]))

        periods = []  # [start, end or None, [(t, values), ...]]
        listed = False
        delisted_at = None
        for t, kind, d in events:
            if kind == 1:
                if not listed:
                    periods.append([t, None, []])
                    listed = True
                    delisted_at = None
                periods[-1][2].append((t, d))
            elif listed:
                periods[-1][1] = t
                listed = False
                delisted_at = t

        for hist, value in ((prices, lambda d: (money(d["price"], d["currency"]),
                                                money(d.get("list_price"), d["currency"]),
                                                d["currency"])),
                            (avails, lambda d: (d["availability"],))):
            for p_start, p_end, sightings in periods:
                ranges = []
                for t, d in sightings:
                    v = value(d)
                    if not ranges or ranges[-1][1] != v:
                        ranges.append([t, v])
                for i, (t, v) in enumerate(ranges):
                    valid_to = ranges[i + 1][0] if i + 1 < len(ranges) else p_end
                    hist.append("|".join([key[0], key[1], ts(t), ts(valid_to)] +
                                         [NULL if x is None else x for x in v]))

        newest = max(seen_by, key=lambda r: r.sees[key][0][0]).sees[key][1]
        url = newest["url"]
        scheme, rest = url.split("://", 1)
        url = scheme.lower() + "://" + rest
        first = min(seen_by, key=lambda r: (r.start, r.spider))
        listings.append("|".join([
            key[0], key[1], first.spider, newest.get("product_key") or NULL, url, newest["title"],
            ts(min(r.start for r in seen_by)), ts(max(r.start for r in seen_by)),
            ts(delisted_at) if not listed else NULL]))

    crawl_runs = ["|".join([r.spider, r.run_id, r.status, r.scope, r.health,
                            "t" if r.delists else "f", NULL if r.health_reason is None else r.health_reason])
                  for r in sorted(runs, key=lambda r: (r.spider, r.run_id))]
    by_key = lambda row: row.split("|")[:3]  # noqa: E731 - as the dumps' order by 1, 2, 3
    return {"listings": listings, "price_history": sorted(prices, key=by_key),
            "availability_history": sorted(avails, key=by_key), "crawl_run": crawl_runs}


def explain(paths):
    """The reference's view of the runs, for people debugging a seed."""
    runs = read_runs(paths)
    out = []
    for i, r in enumerate(runs):
        health, reason = judge(r, runs)
        shares = " ".join("%s=%s%%" % (k[:5], v) for k, v in r.share.items())
        out.append("f%d %s %s %s scope=%s items=%d produced=%d rejected=%d %s -> %s%s%s" % (
            i + 1, r.run_id, r.spider, r.status, r.scope, r.items, r.produced, len(r.rejected),
            shares, health, " (%s)" % reason if reason else "",
            " delists" if health == "complete" and r.scope == "full" else ""))
        for key in sorted(r.sees):
            (t, no), d = r.sees[key]
            out.append("    sees %s:%s at %s line %d: %s %s %s %s" % (
                key[0], key[1], ts(t), no, money(d["price"], d["currency"]),
                money(d.get("list_price"), d["currency"]), d["currency"], d["availability"]))
    return out


def mask_runs(rows):
    """health_reason is compared only where the rules fix it: a crawler
    status partial/suspect carries the crawler's reason, a run judged
    suspect the wording of the rules.  The reason of an aborted run (whose
    run record has none) and of a complete one is not compared ("*")."""
    out = []
    for row in rows:
        c = row.split("|")
        if len(c) == 7 and c[2] in ("aborted", "complete") and c[4] != "suspect":
            c[6] = "*"
        out.append("|".join(c))
    return out


# ---------------------------------------------------------------------------
# The database side
# ---------------------------------------------------------------------------

def pg_env(db=None):
    env = dict(os.environ)
    env["PGTZ"] = "UTC"
    if db:
        env["PGDATABASE"] = db
    return env


def sh(args, db=None, stdin=None, timeout=300):
    p = subprocess.run(args, input=stdin, capture_output=True, text=True,
                       env=pg_env(db), timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def psql(db, sql):
    return sh(["psql", "-X", "-Atq", "-F", "|", "-P", "null=" + NULL, "-v", "ON_ERROR_STOP=0",
               "-f", "-"], db=db, stdin=sql)


def TS(expr):
    return "to_char(%s at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" % expr


def generic_select(rel, columns):
    """select * from rel with ids replaced by natural keys (a listing) or
    dropped, times in UTC, ordered by every column."""
    exprs = []
    for name, typ in columns:
        q = '"%s"' % name
        if name in ("attrs", "platforms", "genres"):
            continue
        if name == "listing_id" or name.endswith("_listing_id"):
            exprs.append("(select %s || ':' || l.external_id from core.listing l "
                         "where l.listing_id = x.%s)" % (PLACE, q))
        elif name.endswith("_id") and name not in ("external_id", "run_id") and \
                typ in ("bigint", "integer", "smallint"):
            continue
        elif typ.startswith("timestamp"):
            exprs.append(TS("x." + q))
        else:
            exprs.append("x." + q)
    if not exprs:
        return "select 'no columns'"
    return "select %s from %s x order by %s" % (
        ", ".join(exprs), rel, ", ".join(str(i + 1) for i in range(len(exprs))))


NEW_RUN_COLUMNS = ["scope", "health", "delists", "health_reason"]


def catalog(db):
    """What the dumps need to know about the schema (taken once, from the
    migrated template): the rpt views and mart table with their columns, and
    which of the crawl_run columns of docs/history-rules.md exist.
    rpt.metrics is left out: the loader's and the ETL's own figures depend
    on the order files came in, which is what the trials vary; so are the
    alerts (rpt.alert, rpt.alert_watch), a ledger of what fired when."""
    rc, out, err = psql(db, """
select c.relnamespace::regnamespace::text || '.' || c.relname, a.attname,
       format_type(a.atttypid, a.atttypmod)
from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where (c.relnamespace = 'rpt'::regnamespace and c.relkind in ('v', 'm')
       and c.oid <> 'rpt.metrics'::regclass and c.relname !~ '^alert')
   or c.oid = 'mart.daily_price_move'::regclass
   or c.oid = 'core.crawl_run'::regclass
   or c.oid = 'core.listing'::regclass
   or c.oid = to_regclass('core.listing_last_seen')
order by 1, a.attnum;
""")
    if rc != 0 or err.strip():
        raise RuntimeError("catalog query failed: " + err)
    rels = {}
    for line in out.splitlines():
        rel, col, typ = line.split("|")
        rels.setdefault(rel, []).append((col, typ))
    return rels


# A listing's marketplace and region as the reference writes them
# (listing_place); generic_select only runs on schemas that have regions.
PLACE = "(l.marketplace || case when l.region <> '' then '/' || l.region else '' end)"


def dump_sql(cat):
    run_cols = {c for c, _ in cat.get("core.crawl_run", [])}
    place = PLACE if "region" in {c for c, _ in cat["core.listing"]} else "l.marketplace"
    if "core.listing_last_seen" in cat:
        last_seen_join = "left join core.listing_last_seen s on s.listing_id = l.listing_id"
        last_seen = TS("s.last_seen")
    else:  # the view may go if the column comes back
        last_seen_join = ""
        last_seen = TS("l.last_seen") if "last_seen" in {c for c, _ in cat["core.listing"]} \
            else "'<no last_seen>'"
    run_exprs = ["r.spider", "r.run_id", "r.status"] + [
        ("r.%s" % c) if c in run_cols else "'<no column %s>'" % c for c in NEW_RUN_COLUMNS]
    parts = [
        ("listings", """
select %s, l.external_id, l.spider, p.product_key, l.url, l.title,
       %s, %s, %s
from core.listing l
left join core.product p on p.product_id = l.product_id
%s
order by 1, 2""" % (place, TS("l.first_seen"), last_seen, TS("l.delisted_at"), last_seen_join)),
        ("price_history", """
select %s, l.external_id, %s, %s, h.price, h.list_price, h.currency
from core.price_history h join core.listing l on l.listing_id = h.listing_id
order by 1, 2, 3""" % (place, TS("h.valid_from"), TS("h.valid_to"))),
        ("availability_history", """
select %s, l.external_id, %s, %s, h.availability
from core.availability_history h join core.listing l on l.listing_id = h.listing_id
order by 1, 2, 3""" % (place, TS("h.valid_from"), TS("h.valid_to"))),
        ("crawl_run", "select %s from core.crawl_run r order by 1, 2" % ", ".join(run_exprs)),
        ("crawl_run_record", "select r.spider, r.run_id, %s, %s, r.items from core.crawl_run r order by 1, 2"
         % (TS("r.started_at"), TS("r.finished_at"))),
    ]
    for rel in sorted(cat):
        if rel.startswith("rpt.") or rel == "mart.daily_price_move":
            parts.append((rel, generic_select(rel, cat[rel])))
    sql = []
    for name, q in parts:
        sql.append("\\echo '==' %s\n%s;\n" % (name, q.strip()))
    return "".join(sql)


def parse_dump(out, err):
    d = {}
    cur = None
    for line in out.split("\n"):
        if line.startswith("== "):
            cur = line[3:]
            d[cur] = []
        elif cur is not None and line != "":
            d[cur].append(line)
    if err.strip():
        d["psql errors"] = [x for x in err.strip().split("\n")]
    return d


SHORT = {"listings": "listing", "price_history": "price", "availability_history": "avail",
         "crawl_run": "run", "crawl_run_record": "run record", "mart.daily_price_move": "mart"}
CORE_SECTIONS = ["listings", "price_history", "availability_history", "crawl_run"]


def render(d, sections=None):
    """One line per row, prefixed with its section, so that every line of a
    diff says where it comes from."""
    order = CORE_SECTIONS + ["crawl_run_record", "mart.daily_price_move"]
    names = sections or [s for s in order if s in d] + sorted(s for s in d if s not in order)
    out = []
    for name in names:
        rows = d.get(name)
        tag = SHORT.get(name, name)
        if rows is None:
            out.append("%s: (section missing)" % tag)
            continue
        out.append("%s: (%d rows)" % (tag, len(rows)))
        out.extend("%s: %s" % (tag, row) for row in rows)
    return out


def tail_message(text):
    """The lines of a command's output that say what went wrong."""
    lines = [x for x in text.strip().split("\n") if x]
    bad = [x for x in lines if re.search(r"error|refused|failed|FATAL|ERROR", x)]
    return " / ".join((bad or lines)[-3:])


def short_diff(want, got, want_name, got_name, limit=40):
    lines = list(difflib.unified_diff(want, got, want_name, got_name, n=1, lineterm=""))
    if len(lines) > limit:
        lines = lines[:limit] + ["... (%d more diff lines)" % (len(lines) - limit)]
    return lines


class Harness:
    def __init__(self, mc_bin, tag, jobs=1):
        self.mc_bin = mc_bin
        self.jobs = jobs
        self.tag = tag
        self.template = "hp_tmpl_%s" % tag
        self.home = tempfile.mkdtemp(prefix="hp-home-", dir=os.environ.get("MC_TEST_WORK"))
        self.env_extra = {"MARKETCRAWL_HOME": self.home}
        sh(["dropdb", "--if-exists", "-f", self.template])
        rc, out, err = sh(["createdb", self.template])
        if rc != 0:
            raise RuntimeError("createdb %s: %s" % (self.template, err.strip()))
        rc, out, err = self.mc(self.template, ["db", "migrate"])
        if rc != 0:
            raise RuntimeError("marketcrawl db migrate: " + (err or out).strip())
        self.catalog = catalog(self.template)
        self.sql = dump_sql(self.catalog)

    def mc(self, db, args):
        env = pg_env(db)
        env.update(self.env_extra)
        p = subprocess.run([self.mc_bin] + args, capture_output=True, text=True, env=env, timeout=600)
        return p.returncode, p.stdout, p.stderr

    def close(self):
        sh(["dropdb", "--if-exists", "-f", self.template])
        shutil.rmtree(self.home, ignore_errors=True)

    def trial(self, name, plan, names):
        """plan: list of (files, etl_after).  Returns (dump, problems)."""
        db = "hp_%s_%s" % (self.tag, name)
        problems = []
        sh(["dropdb", "--if-exists", "-f", db])
        rc, out, err = sh(["createdb", "-T", self.template, db])
        if rc != 0:
            return {}, ["createdb -T: " + err.strip()]
        try:
            for files, etl_after in plan:
                rc, out, err = self.mc(db, ["load", "--keep"] + files)
                if rc not in (0, 3):
                    msg = tail_message(err + "\n" + out)
                    for f in files:
                        msg = msg.replace(f, "%s (%s)" % (names[f], os.path.basename(f)))
                    problems.append("load %s exited %d: %s" % (
                        "+".join(names[f] for f in files), rc, msg))
                if etl_after:
                    rc, out, err = self.mc(db, ["etl", "--quiet"])
                    if rc != 0:
                        problems.append("etl after %s exited %d: %s" % (
                            names[files[-1]], rc, tail_message(err + "\n" + out)))
            rc, out, err = psql(db, self.sql)
            return parse_dump(out, err), problems
        finally:
            sh(["dropdb", "--if-exists", "-f", db])


def make_plans(seed, paths, trials):
    """Trial 0: every file in run order in one load, one etl.  Trials 1..N: a
    random permutation in loads of 1-3 files, etl after a random subset of
    the loads and always at the end."""
    plans = [[(list(paths), True)]]
    for k in range(1, trials + 1):
        rng = random.Random("trial:%s:%d" % (seed, k))
        perm = list(paths)
        rng.shuffle(perm)
        plan = []
        i = 0
        while i < len(perm):
            n = rng.choice([1, 1, 1, 2, 3])
            group = perm[i:i + n]
            i += n
            plan.append((group, i >= len(perm) or rng.random() < 0.35))
        plans.append(plan)
    return plans


def describe(plan, names):
    if len(plan) == 1 and list(plan[0][0]) == sorted(names):
        return "one load of f1..f%d in run order, one etl" % len(names)
    order = " ".join("+".join(names[f] for f in files) for files, _ in plan)
    etl = " ".join(names[files[-1]] for files, e in plan if e)
    return "order: %s, etl after: %s" % (order, etl)


def run_seed(h, seed, trials, profile, keep_dir, masks, out):
    """Prints this seed's checks; True when they all passed."""
    try:
        return _run_seed(h, seed, trials, profile, keep_dir, masks, out)
    except Exception:  # noqa: BLE001 - a harness bug is a failed check, not a crash
        import traceback
        print("not ok - seed %s: harness error" % seed, file=out)
        for line in traceback.format_exc().strip().split("\n")[-12:]:
            print("# " + line, file=out)
        return False


def _run_seed(h, seed, trials, profile, keep_dir, masks, out):
    gen_dir = tempfile.mkdtemp(prefix="hp-seed-%s-" % seed, dir=os.environ.get("MC_TEST_WORK"))
    failed = False
    try:
        paths = generate(seed, gen_dir, profile)
        names = {p: "f%d" % (i + 1) for i, p in enumerate(paths)}
        plans = make_plans(seed, paths, trials)
        t0 = time.time()
        if h.jobs > 1:
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(h.jobs) as pool:
                dumps = list(pool.map(lambda k: h.trial("%s_%d" % (seed, k), plans[k], names),
                                      range(len(plans))))
        else:
            dumps = [h.trial("%s_%d" % (seed, k), plan, names) for k, plan in enumerate(plans)]
        elapsed = time.time() - t0
        base, base_problems = dumps[0]
        base_lines = render(base)

        # every order equals the run order
        bad = []
        for k in range(1, len(plans)):
            d, problems = dumps[k]
            if problems or render(d) != base_lines:
                bad.append(k)
        if trials:
            if not bad:
                print("ok - seed %s: %d order%s identical to run order" % (seed, trials, "" if trials == 1 else "s"), file=out)
            else:
                failed = True
                k = bad[0]
                d, problems = dumps[k]
                print("not ok - seed %s trial %d (%s)" % (seed, k, describe(plans[k], names)), file=out)
                for p in problems:
                    print("# " + p, file=out)
                for line in short_diff(base_lines, render(d), "run order", "trial %d" % k):
                    print("# " + line, file=out)
                if len(bad) > 1:
                    print("# also differ from run order: trials %s (of %d)" %
                          (" ".join(map(str, bad[1:])), trials), file=out)

        # the run order equals the reference
        ref = reference(paths)
        sections = list(CORE_SECTIONS)
        got = {s: base.get(s, []) for s in sections}
        got["crawl_run"] = mask_runs(got["crawl_run"])
        ref["crawl_run"] = mask_runs(ref["crawl_run"])
        apply_masks(masks, ref, got)
        if "psql errors" in base:
            got["psql errors"] = base["psql errors"]
        want_lines = render(ref, sections)
        got_lines = render(got, sections + (["psql errors"] if "psql errors" in got else []))
        if not base_problems and want_lines == got_lines:
            print("ok - seed %s: run order equals the reference" % seed, file=out)
        else:
            failed = True
            print("not ok - seed %s: run order differs from the reference (%s)" %
                  (seed, describe(plans[0], names)), file=out)
            for p in base_problems:
                print("# " + p, file=out)
            for line in short_diff(want_lines, got_lines, "reference", "run order"):
                print("# " + line, file=out)
            have = {c for c, _ in h.catalog.get("core.crawl_run", [])}
            lacking = [c for c in NEW_RUN_COLUMNS if c not in have]
            if lacking:
                print("# note: core.crawl_run has no column %s (docs/history-rules.md, \"Health\")"
                      % ", ".join(lacking), file=out)
        print("# seed %s: %d files, %d trials, %.1f s (%.2f s per trial)" %
              (seed, len(paths), len(plans), elapsed, elapsed / len(plans)), file=out)

        keep = keep_dir
        if failed and not keep and os.environ.get("MC_TEST_WORK"):
            keep = os.path.join(os.environ["MC_TEST_WORK"], "history-property")
        if keep:
            dest = os.path.join(keep, "seed-%s" % seed)
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(gen_dir, dest)
            if failed:
                print("# files of seed %s: %s" % (seed, dest), file=out)
        if failed:
            print("# reproduce: MC_BIN=%s python3 %s --seeds %s-%s --trials %d%s --keep-dir DIR" %
                  (h.mc_bin, os.path.relpath(__file__), seed, seed, trials,
                   " --profile " + profile if profile != "full" else ""), file=out)
        out.flush()
        return not failed
    finally:
        shutil.rmtree(gen_dir, ignore_errors=True)


def apply_masks(masks, ref, got):
    """--mask SECTION.COLUMN: blank a column on both sides (harness self-check
    against an ETL that predates a rule)."""
    cols = {"listings": ["marketplace", "external_id", "spider", "product_key", "url", "title",
                         "first_seen", "last_seen", "delisted_at"],
            "crawl_run": ["spider", "run_id", "status"] + NEW_RUN_COLUMNS}
    for m in masks:
        sec, col = m.split(".", 1)
        i = cols[sec].index(col)
        for side in (ref, got):
            side[sec] = [("|".join(c[:i] + ["~"] + c[i + 1:]) if len(c) > i else "|".join(c))
                         for c in (row.split("|") for row in side[sec])]


def self_test(out):
    """The reference on hand-made histories whose rows are written out from
    docs/history-rules.md by hand (no database needed)."""
    def obs(ext, price, at, **kw):
        d = {"marketplace": "m", "external_id": ext, "url": "https://m.example/" + ext,
             "title": "T " + ext, "price": price, "currency": kw.pop("currency", "EUR"),
             "availability": kw.pop("availability", "in_stock"), "observed_at": at}
        d.update(kw)
        return d

    def files(d, runs):
        paths = []
        for spider, start, status, scope, lines, extra in runs:
            run_id = start.replace("-", "").replace(":", "") + "-1"
            rec = {"spider": spider, "run_id": run_id, "started_at": start, "finished_at": start,
                   "status": status, "scope": scope, "pages": 1, "items": len(lines), "errors": 0,
                   "stats": {}}
            rec.update(extra)
            path = os.path.join(d, run_id + ".jsonl")
            with open(path, "w") as f:
                f.write(json.dumps({"format": "marketcrawl-staging", "version": 1, "spider": spider,
                                    "run_id": run_id, "started_at": start}) + "\n")
                for x in lines:
                    f.write((x if isinstance(x, str) else json.dumps(x)) + "\n")
                f.write(json.dumps({"run": rec}) + "\n")
            paths.append(path)
        return paths

    Z = ".000000Z"
    cases = []
    # the example of the rules: 70 -> 71 -> 70, and money normalisation
    cases.append(("A -> B -> A", [
        ("s", "2026-01-01T10:00:00Z", "complete", "full", [obs("a", "70", "2026-01-01T10:00:01.5Z")], {}),
        ("s", "2026-01-02T10:00:00Z", "complete", "full", [obs("a", "71.000000", "2026-01-02T10:00:01Z")], {}),
        ("s", "2026-01-03T10:00:00Z", "complete", "full", [obs("a", "70.00", "2026-01-03T11:00:01+01:00")], {}),
    ], {"listings": ["m|a|s|\\N|https://m.example/a|T a|2026-01-01T10:00:00" + Z + "|2026-01-03T10:00:00" + Z + "|\\N"],
        "price_history": ["m|a|2026-01-01T10:00:01.500000Z|2026-01-02T10:00:01" + Z + "|70.00|\\N|EUR",
                          "m|a|2026-01-02T10:00:01" + Z + "|2026-01-03T10:00:01" + Z + "|71.00|\\N|EUR",
                          "m|a|2026-01-03T10:00:01" + Z + "|\\N|70.00|\\N|EUR"]}))
    # b missing from a complete full run: absent at its start; an aborted
    # run does not delist; seen again: a new range at the sighting, same price
    cases.append(("delisting and reappearance", [
        ("s", "2026-01-01T10:00:00Z", "complete", "full",
         [obs("a", "1", "2026-01-01T10:00:01Z"), obs("b", "2", "2026-01-01T10:00:02Z")], {}),
        ("s", "2026-01-02T10:00:00Z", "complete", "full", [obs("a", "1", "2026-01-02T10:00:01Z")], {}),
        ("s", "2026-01-03T10:00:00Z", "aborted", "full", [], {}),
        ("s", "2026-01-04T10:00:00Z", "complete", "full",
         [obs("a", "1", "2026-01-04T10:00:01Z"), obs("b", "2", "2026-01-04T10:00:02Z")], {}),
        ("s", "2026-01-05T10:00:00Z", "complete", "full", [obs("b", "2", "2026-01-05T10:00:02Z")], {}),
    ], {"listings": ["m|a|s|\\N|https://m.example/a|T a|2026-01-01T10:00:00" + Z + "|2026-01-04T10:00:00" + Z +
                     "|2026-01-05T10:00:00" + Z,
                     "m|b|s|\\N|https://m.example/b|T b|2026-01-01T10:00:00" + Z + "|2026-01-05T10:00:00" + Z + "|\\N"],
        "price_history": ["m|a|2026-01-01T10:00:01" + Z + "|2026-01-05T10:00:00" + Z + "|1.00|\\N|EUR",
                          "m|b|2026-01-01T10:00:02" + Z + "|2026-01-02T10:00:00" + Z + "|2.00|\\N|EUR",
                          "m|b|2026-01-04T10:00:02" + Z + "|\\N|2.00|\\N|EUR"],
        "crawl_run": ["s|20260101T100000Z-1|complete|full|complete|t|\\N",
                      "s|20260102T100000Z-1|complete|full|complete|t|\\N",
                      "s|20260103T100000Z-1|aborted|full|aborted|f|\\N",
                      "s|20260104T100000Z-1|complete|full|complete|t|\\N",
                      "s|20260105T100000Z-1|complete|full|complete|t|\\N"]}))
    # a collapse (1 item against a median of 3) is suspect and delists nothing;
    # a partial-scope run never delists; a missing_price line is no sighting
    three = lambda day: [obs(x, "1", "2026-01-0%dT10:00:0%dZ" % (day, i + 1)) for i, x in enumerate("abc")]  # noqa: E731
    cases.append(("health", [
        ("s", "2026-01-01T10:00:00Z", "complete", "full", three(1), {}),
        ("s", "2026-01-02T10:00:00Z", "complete", "full", three(2), {}),
        ("s", "2026-01-03T10:00:00Z", "complete", "full", [obs("a", "1", "2026-01-03T10:00:01Z")], {}),
        ("p", "2026-01-03T12:00:00Z", "complete", "partial", [obs("a", "1", "2026-01-03T12:00:01Z")], {}),
        ("p", "2026-01-03T14:00:00Z", "complete", "partial", [], {}),
        ("s", "2026-01-04T10:00:00Z", "partial", "full", [], {"partial_reason": "why"}),
        ("s", "2026-01-05T10:00:00Z", "complete", "full",
         [obs("a", "1", "2026-01-05T10:00:01Z"), obs("b", "1", "2026-01-05T10:00:02Z"),
          '{"marketplace":"m","external_id":"c","url":"https://m.example/c","title":"T c","currency":"EUR",'
          '"availability":"in_stock","observed_at":"2026-01-05T10:00:03Z"}'], {}),
    ], {"price_history": ["m|a|2026-01-01T10:00:01" + Z + "|\\N|1.00|\\N|EUR",
                          "m|b|2026-01-01T10:00:02" + Z + "|\\N|1.00|\\N|EUR",
                          "m|c|2026-01-01T10:00:03" + Z + "|2026-01-05T10:00:00" + Z + "|1.00|\\N|EUR"],
        "crawl_run": ["p|20260103T120000Z-1|complete|partial|complete|f|\\N",
                      "p|20260103T140000Z-1|complete|partial|suspect|f|"
                      "0 items, below half the median 1 of the previous complete run",
                      "s|20260101T100000Z-1|complete|full|complete|t|\\N",
                      "s|20260102T100000Z-1|complete|full|complete|t|\\N",
                      "s|20260103T100000Z-1|complete|full|suspect|f|"
                      "1 item, below half the median 3 of the 2 previous complete runs",
                      "s|20260104T100000Z-1|partial|full|partial|f|why",
                      "s|20260105T100000Z-1|complete|full|complete|t|\\N"]}))
    # two lines of a in one file: the latest observed_at counts (and both
    # are items); p saw a at the very start of s's run that misses it: the
    # absence comes first, so a stays listed (a new period at the same
    # instant); s covers only what s saw (an aborted run's sightings count);
    # s's first complete run has no baseline, so it is complete even empty
    cases.append(("duplicates, same instant, covers", [
        ("s", "2026-01-01T10:00:00Z", "aborted", "full",
         [obs("a", "5", "2026-01-01T10:00:05Z"), obs("a", "6", "2026-01-01T10:00:02Z")], {}),
        ("p", "2026-01-01T11:00:00Z", "complete", "partial",
         [obs("a", "5", "2026-01-01T12:00:00Z"), obs("b", "7", "2026-01-01T11:00:01Z")], {}),
        ("s", "2026-01-01T12:00:00Z", "complete", "full", [], {}),
    ], {"listings": ["m|a|s|\\N|https://m.example/a|T a|2026-01-01T10:00:00" + Z + "|2026-01-01T11:00:00" + Z + "|\\N",
                     "m|b|p|\\N|https://m.example/b|T b|2026-01-01T11:00:00" + Z + "|2026-01-01T11:00:00" + Z + "|\\N"],
        "price_history": ["m|a|2026-01-01T10:00:05" + Z + "|2026-01-01T12:00:00" + Z + "|5.00|\\N|EUR",
                          "m|a|2026-01-01T12:00:00" + Z + "|\\N|5.00|\\N|EUR",
                          "m|b|2026-01-01T11:00:01" + Z + "|\\N|7.00|\\N|EUR"]}))
    # shares are percentages rounded to one decimal: 1 of 3 is 33.3, below
    # half of 66.7 (exact thirds would tie); the wording of the reasons
    def lp(day, n_list, avail="in_stock"):
        return [obs(x, "1", "2026-02-0%dT10:00:0%dZ" % (day, i + 1), availability=avail,
                    **({"list_price": "2"} if i < n_list else {})) for i, x in enumerate("abc")]
    cases.append(("share rounding and reasons", [
        ("q", "2026-02-01T10:00:00Z", "complete", "full", lp(1, 2), {}),
        ("q", "2026-02-02T10:00:00Z", "complete", "full", lp(2, 2), {}),
        ("q", "2026-02-03T10:00:00Z", "complete", "full", lp(3, 2), {}),
        ("q", "2026-02-04T10:00:00Z", "complete", "full", lp(4, 1), {}),
        ("q", "2026-02-05T10:00:00Z", "complete", "full", lp(5, 2, "unknown"), {}),
    ], {"crawl_run": [
        "q|20260201T100000Z-1|complete|full|complete|t|\\N",
        "q|20260202T100000Z-1|complete|full|complete|t|\\N",
        "q|20260203T100000Z-1|complete|full|complete|t|\\N",
        "q|20260204T100000Z-1|complete|full|suspect|f|list_price filled for 33.3% of the items, "
        "below half the median 66.7% of the 3 previous complete runs",
        "q|20260205T100000Z-1|complete|full|suspect|f|availability filled for 0.0% of the items, "
        "below half the median 100% of the 4 previous complete runs"]}))
    ok = True
    for name, runs, want in cases:
        d = tempfile.mkdtemp(prefix="hp-self-")
        try:
            got = reference(files(d, runs))
        finally:
            shutil.rmtree(d, ignore_errors=True)
        bad = [sec for sec in want if got[sec] != want[sec]]
        if bad:
            ok = False
            print("not ok - reference self-test: %s" % name, file=out)
            for sec in bad:
                for line in short_diff(want[sec], got[sec], "by hand", "reference"):
                    print("# " + line, file=out)
        else:
            print("ok - reference self-test: %s" % name, file=out)
    return ok


def parse_seeds(s):
    a, _, b = s.partition("-")
    return int(a), int(b or a)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1-5", help="A-B, inclusive")
    ap.add_argument("--trials", type=int, default=4, help="random orders per seed besides the run order")
    ap.add_argument("--jobs", type=int, default=2, help="trials of a seed run side by side")
    ap.add_argument("--seconds", type=float, default=0, help="start no new seed after this many seconds")
    ap.add_argument("--keep-dir", help="keep every seed's staging files in DIR/seed-S")
    ap.add_argument("--self-test", action="store_true",
                    help="check the reference on hand-made histories (no database)")
    ap.add_argument("--reference-only", metavar="DIR", help="print the reference rows of DIR/*.jsonl")
    ap.add_argument("--generate-only", action="store_true", help="with --keep-dir: only write the files")
    ap.add_argument("--profile", default="full", choices=["full", "simple"],
                    help="simple: histories the ETL before the rules handled (harness self-check)")
    ap.add_argument("--mask", action="append", default=[],
                    help="SECTION.COLUMN not compared with the reference (self-check), e.g. listings.first_seen")
    args = ap.parse_args()

    if args.self_test:
        return 0 if self_test(sys.stdout) else 1

    if args.reference_only:
        d = args.reference_only
        paths = [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".jsonl")]
        for line in explain(paths):
            print("# " + line)
        ref = reference(paths)
        for line in render(ref):
            print(line)
        return 0

    first, last = parse_seeds(args.seeds)
    if args.generate_only:
        if not args.keep_dir:
            ap.error("--generate-only needs --keep-dir")
        for seed in range(first, last + 1):
            for p in generate(seed, os.path.join(args.keep_dir, "seed-%d" % seed), args.profile):
                print(p)
        return 0

    mc_bin = os.environ.get("MC_BIN") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "marketcrawl")
    start = time.time()
    tag = "%d_%d" % (os.getpid(), int(start) % 100000)
    try:
        h = Harness(os.path.abspath(mc_bin), tag, args.jobs)
    except Exception as e:  # noqa: BLE001 - reported as a failed check
        print("not ok - history property: set-up failed: %s" % e)
        print("# property: set-up failed")
        return 1
    passed = failed = 0
    seeds_run = 0
    try:
        for seed in range(first, last + 1):
            if args.seconds and time.time() - start >= args.seconds:
                break
            ok = run_seed(h, seed, args.trials, args.profile, args.keep_dir, args.mask, sys.stdout)
            seeds_run += 1
            if ok:
                passed += 1
            else:
                failed += 1
    finally:
        h.close()
    total = time.time() - start
    print("# property: %d seeds (%s..%s), %d random orders each, %d seeds passed, %d failed, "
          "%.1f s (%.1f s per seed)" % (seeds_run, first, first + seeds_run - 1, args.trials,
                                         passed, failed, total, total / max(seeds_run, 1)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
