#!/usr/bin/env python3
"""Timing client of bench/calls-depth.sh (Python 3 standard library only).

For each view (all calls, then one filtered view) it
  1. walks GET /calls with limit=200 to the row just before page DEPTH of size LIMIT, checking on the
     way that (created_at, id) strictly decreases (no repeated or skipped order), and keeps next_cursor;
  2. checks the first call of that deep page against the same position computed by SQL (OFFSET);
  3. times GET /calls?limit=LIMIT (depth 1) and GET /calls?limit=LIMIT&cursor=... (depth DEPTH),
     interleaved ABBA so that machine noise hits both alike, warm-up first;
  4. prints p50/p99 of each, the ratio deep/shallow, and EXPLAIN (ANALYZE, BUFFERS) of the deep-page
     SQL that Hibernate sends (same shape, same bind values).

Only the loopback gateway and the local psql are contacted. The number of requests is bounded.
"""

import argparse
import http.client
import json
import math
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime

WALK_PAGE = 200  # the largest page /calls serves

# Columns for the equality filters the bench understands; enough to mirror the gateway's WHERE.
FILTER_COLUMNS = {
    "status": "status",
    "direction": "direction",
    "result_status": "result_status",
    "webhook_status": "webhook_status",
    "agent_id": "agent_id",
    "to_number": "to_number",
    "from_number": "from_number",
}


class Gateway:
    def __init__(self, base_url):
        url = urllib.parse.urlsplit(base_url)
        if url.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(f"refusing to benchmark a non-loopback address: {base_url}")
        self.host, self.port = url.hostname, url.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def get(self, path):
        """One GET on the kept-alive connection; returns (body, nanoseconds to the last byte)."""
        for attempt in (1, 2):
            try:
                start = time.perf_counter_ns()
                self.conn.request("GET", path, headers={"Accept": "application/json"})
                response = self.conn.getresponse()
                body = response.read()
                elapsed = time.perf_counter_ns() - start
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                if attempt == 2:
                    raise
        if response.status != 200:
            sys.exit(f"GET {path} answered {response.status}: {body[:400]!r}")
        return body, elapsed


def query(params):
    return "/calls?" + urllib.parse.urlencode(params)


def psql(db, sql):
    out = subprocess.run(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def sql_literal(value):
    return "'" + str(value).replace("'", "''") + "'"


def sql_where(filters):
    clauses = []
    for name, value in filters:
        if name not in FILTER_COLUMNS:
            sys.exit(f"the bench mirrors only equality filters {sorted(FILTER_COLUMNS)}; got {name}")
        # Hibernate renders the status list as IN (...); PostgreSQL turns a one-element IN into '='.
        op = "in" if name == "status" else "="
        rhs = f"({sql_literal(value)})" if op == "in" else sql_literal(value)
        clauses.append(f"{FILTER_COLUMNS[name]} {op} {rhs}")
    return clauses


def walk_to(gw, filters, rows_to_skip):
    """Pages through the view until rows_to_skip calls have been seen; returns (cursor, last call)."""
    cursor, seen, last_key, last = None, 0, None, None
    started = time.monotonic()
    while seen < rows_to_skip:
        size = min(WALK_PAGE, rows_to_skip - seen)
        params = list(filters) + [("limit", size)] + ([("cursor", cursor)] if cursor else [])
        page = json.loads(gw.get(query(params))[0])
        rows = page["data"]
        if len(rows) != size or not page["next_cursor"]:
            sys.exit(f"the view has only {seen + len(rows)} calls; cannot reach row {rows_to_skip + 1}")
        for row in rows:
            key = (datetime.fromisoformat(row["created_at"]), row["id"])
            if last_key is not None and not key < last_key:
                sys.exit(f"order broken while paging: {key} follows {last_key}")
            last_key, last = key, row
        seen += size
        cursor = page["next_cursor"]
        if seen % 100_000 < size:
            print(f"    walked {seen:,} calls ({time.monotonic() - started:.0f} s)", flush=True)
    return cursor, last


def percentile(sorted_ns, q):
    """Nearest-rank percentile, in milliseconds."""
    return sorted_ns[max(0, math.ceil(q * len(sorted_ns)) - 1)] / 1e6


def measure(gw, shallow, deep, warmup, requests):
    times = {"shallow": [], "deep": []}
    for i in range(warmup + requests):
        # ABBA: neither path always runs first, so caches and JIT treat them alike
        order = (("shallow", shallow), ("deep", deep)) if i % 2 == 0 else (("deep", deep), ("shallow", shallow))
        for name, path in order:
            _, ns = gw.get(path)
            if i >= warmup:
                times[name].append(ns)
    # Each pair ran back to back, so its ratio cancels most of the noise that drifts over the run.
    paired = sorted(d / s for d, s in zip(times["deep"], times["shallow"]))
    return {name: sorted(values) for name, values in times.items()}, paired[len(paired) // 2]


def explain(db, filters, after, fetch):
    """EXPLAIN (ANALYZE, BUFFERS) of the deep-page statement, custom and generic plan.

    The statement has the shape Hibernate sends (logged with quarkus.hibernate-orm.log.sql=true):
    filters, the row-value keyset condition, then ORDER BY ... OFFSET ? ROWS FETCH FIRST ? ROWS ONLY,
    all values bound. The JDBC driver switches to a server-side prepared statement after a few
    executions and PostgreSQL may then plan it once for unknown values (a generic plan), so both plans
    are shown.
    """
    types = ["timestamptz", "uuid", "int", "int"]
    values = [f"{sql_literal(after['created_at'])}", sql_literal(after["id"]), "0", str(fetch)]
    conditions = []
    for name, value in filters:
        if name not in FILTER_COLUMNS:
            sys.exit(f"the bench mirrors only equality filters {sorted(FILTER_COLUMNS)}; got {name}")
        types.append("uuid" if name == "agent_id" else "text")
        values.append(sql_literal(value))
        op = "in" if name == "status" else "="
        placeholder = f"(${len(types)})" if op == "in" else f"${len(types)}"
        conditions.append(f"c.{FILTER_COLUMNS[name]} {op} {placeholder}")
    conditions.append("(c.created_at, c.id) < ($1, $2)")
    statement = (
        "select c.* from call c where "
        + " and ".join(conditions)
        + " order by c.created_at desc, c.id desc offset $3 rows fetch first $4 rows only"
    )
    args = ", ".join(values)
    script = (
        f"prepare deep({', '.join(types)}) as {statement};\n"
        "\\echo '--- custom plan (bind values known)'\n"
        f"set plan_cache_mode = force_custom_plan;\nexplain (analyze, buffers) execute deep({args});\n"
        "\\echo '--- generic plan (bind values unknown, as a long-lived prepared statement may get)'\n"
        f"set plan_cache_mode = force_generic_plan;\nexplain (analyze, buffers) execute deep({args});\n"
    )
    out = subprocess.run(
        ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db],
        input=script,
        check=True,
        capture_output=True,
        text=True,
    )
    return f"{statement}\n-- with {args}", out.stdout.rstrip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--db", required=True, help="database name for psql (connection from PG* env)")
    ap.add_argument("--depth", type=int, default=10_000)
    ap.add_argument("--limit", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--max-ratio", type=float, default=1.5)
    ap.add_argument("--filter", action="append", default=[], help="a filtered view, e.g. status=completed")
    args = ap.parse_args()

    gw = Gateway(args.base_url)
    views = [("all calls", [])] + [
        (f"?{f}", urllib.parse.parse_qsl(f, strict_parsing=True)) for f in args.filter
    ]
    skip = (args.depth - 1) * args.limit
    results, plans, verdicts = [], [], []

    for label, filters in views:
        print(f"\n== {label}: walking to page {args.depth:,} (after {skip:,} calls) with limit={WALK_PAGE}", flush=True)
        cursor, last = walk_to(gw, filters, skip)
        shallow = query(list(filters) + [("limit", args.limit)])
        deep = query(list(filters) + [("limit", args.limit), ("cursor", cursor)])

        page = json.loads(gw.get(deep)[0])["data"]
        where = sql_where(filters)
        expected = psql(
            args.db,
            "select id from call"
            + (" where " + " and ".join(where) if where else "")
            + f" order by created_at desc, id desc offset {skip} limit 1",
        )
        if len(page) != args.limit or page[0]["id"] != expected:
            sys.exit(f"page {args.depth:,} starts at {page[0]['id'] if page else None}, SQL OFFSET says {expected}")
        print(f"    page {args.depth:,} starts at call {expected}, as SQL OFFSET {skip:,} says", flush=True)

        print(f"    timing: {args.warmup} warm-up pairs, then {args.requests} pairs, interleaved", flush=True)
        t, paired = measure(gw, shallow, deep, args.warmup, args.requests)
        row = {
            "view": label,
            "paired": paired,
            **{
                name: (t[name][0] / 1e6, percentile(t[name], 0.50), percentile(t[name], 0.99))
                for name in ("shallow", "deep")
            },
        }
        results.append(row)
        plans.append((label, *explain(args.db, filters, last, args.limit + 1)))

    print(f"\n== EXPLAIN (ANALYZE, BUFFERS) of the page-{args.depth:,} statement (limit {args.limit} + 1 look-ahead row)")
    for label, statement, plan in plans:
        print(f"\n-- {label}\n-- {statement}\n{plan}")

    print(f"\n== GET /calls?limit={args.limit}: depth 1 vs depth {args.depth:,}, {args.requests} requests each, ms to last byte")
    print(f"{'view':<24}{'depth':>8}{'min ms':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for r in results:
        for depth, name in ((1, "shallow"), (args.depth, "deep")):
            lo, p50, p99 = r[name]
            print(f"{r['view'] if depth == 1 else '':<24}{depth:>8,}{lo:>10.2f}{p50:>10.2f}{p99:>10.2f}")
        lo, p50, p99 = (d / s for d, s in zip(r["deep"], r["shallow"]))
        ok = p50 <= args.max_ratio
        verdicts.append(ok)
        print(f"{'':<24}{'ratio':>8}{lo:>9.2f}x{p50:>9.2f}x{p99:>9.2f}x")
        print(
            f"{'':<24}p50 within {args.max_ratio}x: {'yes' if ok else 'NO'}; "
            f"p99 {'within' if p99 <= args.max_ratio else 'over'}; "
            f"median of paired ratios {r['paired']:.2f}x"
        )
    print(f"\nRESULT: depth {args.depth:,} is {'within' if all(verdicts) else 'NOT within'} "
          f"{args.max_ratio}x of depth 1 (p50) for every view")
    return 0 if all(verdicts) else 2


if __name__ == "__main__":
    sys.exit(main())
