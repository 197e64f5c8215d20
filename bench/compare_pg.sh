#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# bench/compare_pg.sh — `make bench-compare`: liuhen's append rates next to
# the alternative of a hash-chained audit table in PostgreSQL, on the same
# machine and the same file system.
#
# PostgreSQL side: a throwaway cluster (initdb) in a temporary directory,
# listening on 127.0.0.1 only, run as the `postgres` system user when this
# script runs as root (the server refuses root), with fsync on and
# synchronous_commit on. One table `audit`; a BEFORE INSERT trigger takes
# the chain head's row lock (SELECT ... FOR UPDATE), sets the row's
# prev_hash to the head's hash and its hash to SHA-256(prev_hash || the
# row's data), and moves the head: the rows form one hash chain, inserted
# one at a time in chain order, each durable at its commit. pgbench (which
# the postgresql package ships: no C dependency) inserts rows of about 600
# bytes from 16 and from 64 clients; the chain is checked whole afterwards.
#
# liuhen side: liuhen-bench append-sync (lh_append(), signed inside, one
# at a time) and append (entries signed ahead, pipelined, depth 32) from
# the same numbers of clients, each against a liuhend of its own.
#
# What differs, and the figures do not show: a liuhen entry is signed by
# its author and verified by the log, every receipt carries an inclusion
# proof verified by the client, and the log signs a checkpoint per batch;
# the table has none of these (an administrator of the database can
# rewrite the chain from any row on).
#
# PostgreSQL is installed with apt-get when missing (root needed). When it
# cannot be (no network), the comparison is skipped with a message: this
# script never fails a build for want of PostgreSQL.
#
# Environment: BUILD (default build), SECONDS_EACH (default 15),
# CLIENTS (default "16 64"), RESULTS (default bench/results-compare.json),
# TMPDIR (where the cluster and the logs are made).
set -euo pipefail

cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SECONDS_EACH=${SECONDS_EACH:-15}
CLIENTS=${CLIENTS:-16 64}
RESULTS=${RESULTS:-bench/results-compare.json}
BENCH=$BUILD/bin/liuhen-bench

say() { echo "bench-compare: $*" >&2; }

[ -x "$BENCH" ] || {
    say "$BENCH is missing: build it first with \`make\`"
    exit 1
}
command -v python3 >/dev/null || {
    say "python3 is needed to read pgbench's latencies and write $RESULTS"
    exit 1
}

# ---- PostgreSQL: found, or installed -----------------------------------------------------------
pg_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/pgbench" ] && echo "$d"
    done | sort -V | tail -n 1
}
PGBIN=$(pg_bindir)
if [ -z "$PGBIN" ]; then
    say "PostgreSQL is not installed: installing Debian's postgresql package"
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    if ! { $SUDO apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            postgresql postgresql-contrib; } >&2; then
        say "SKIPPED: PostgreSQL could not be installed (no network, or no permission)."
        say "Install the postgresql package and run \`make bench-compare\` again."
        exit 0
    fi
    PGBIN=$(pg_bindir)
    if [ -z "$PGBIN" ]; then
        say "SKIPPED: the postgresql package installed no initdb and pgbench"
        exit 0
    fi
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/liuhen-compare.XXXXXX")
PG_STARTED=
cleanup() {
    if [ -n "$PG_STARTED" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

# The server refuses to run as root: as root, the cluster is the
# `postgres` user's (the package creates it).
if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        say "SKIPPED: running as root and there is no postgres user to run the server as"
        exit 0
    fi
    chown postgres: "$TMP"
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') in $TMP/pg on 127.0.0.1:$PORT"
as_pg "$PGBIN/initdb" -D "$TMP/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1 || {
    cat "$TMP/initdb.log" >&2
    exit 1
}
as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -l "$TMP/pg/server.log" -w -t 60 start -o \
    "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories='' -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=200 -c shared_buffers=256MB" \
    >/dev/null
PG_STARTED=1
PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres)

cat >"$TMP/schema.sql" <<'EOF'
-- The head of the chain: its row lock serialises the inserts.
CREATE TABLE audit_head (
    id int PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL,
    hash bytea NOT NULL
);
INSERT INTO audit_head VALUES (1, 0, sha256(''::bytea));

CREATE TABLE audit (
    seq bigint PRIMARY KEY,
    case_id text NOT NULL,
    kind text NOT NULL,
    author text NOT NULL,
    recorded_at timestamptz NOT NULL,
    body text NOT NULL,
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL
);

-- Each row's hash is SHA-256(previous row's hash || the row's data), taken
-- under the head's lock, so the rows form one chain in insertion order.
CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_head%ROWTYPE;
BEGIN
    SELECT * INTO head FROM audit_head WHERE id = 1 FOR UPDATE;
    NEW.seq := head.seq + 1;
    NEW.prev_hash := head.hash;
    NEW.hash := sha256(head.hash || convert_to(concat_ws(E'\x1f', NEW.seq::text, NEW.case_id,
                       NEW.kind, NEW.author, NEW.recorded_at::text, NEW.body), 'UTF8'));
    UPDATE audit_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_chain BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_chain();
EOF
"${PSQL[@]}" -f "$TMP/schema.sql"

# One row of about 600 bytes of data per transaction, as a liuhen entry.
cat >"$TMP/insert.sql" <<'EOF'
\set author random(1, 1000)
\set c random(1, 100000)
INSERT INTO audit (seq, case_id, kind, author, recorded_at, body, prev_hash, hash)
VALUES (0, 'QJ-2024-' || :c, 'INTERFERENCE', 'author-' || :author, now(),
        repeat(md5(random()::text), 18), '', '');
EOF

# pgbench's per-transaction log (-l): "client tx latency_us script epoch us".
latencies() {
    python3 - "$@" <<'EOF'
import glob, json, sys
lat = []
for f in glob.glob(sys.argv[1] + "*"):
    for line in open(f):
        p = line.split()
        if len(p) >= 3 and p[2].isdigit():
            lat.append(int(p[2]) / 1000.0)
lat.sort()
def q(x):
    import math
    return lat[max(0, min(len(lat) - 1, math.ceil(x * len(lat)) - 1))] if lat else 0
print(json.dumps({"samples": len(lat), "p50": round(q(0.5), 3), "p99": round(q(0.99), 3),
                  "p99.9": round(q(0.999), 3), "max": round(lat[-1], 3) if lat else 0}))
EOF
}

PG_JSON="$TMP/pg.jsonl"
: >"$PG_JSON"
for n in $CLIENTS; do
    say "pgbench: $n clients for $SECONDS_EACH s"
    jobs=$(nproc)
    [ "$jobs" -le "$n" ] || jobs=$n
    (cd "$TMP" && "$PGBIN/pgbench" -n -h 127.0.0.1 -p "$PORT" -U postgres -c "$n" -j "$jobs" \
        -T "$SECONDS_EACH" -f "$TMP/insert.sql" -l --log-prefix="$TMP/pglog-$n" postgres) \
        >"$TMP/pgbench-$n.out" 2>&1 || {
        cat "$TMP/pgbench-$n.out" >&2
        exit 1
    }
    tps=$(awk '/^tps = / {print $3; exit}' "$TMP/pgbench-$n.out")
    lat=$(latencies "$TMP/pglog-$n")
    echo "{\"clients\": $n, \"inserts_per_s\": $tps, \"latency_ms\": $lat}" >>"$PG_JSON"
    rm -f "$TMP"/pglog-"$n"*
done

# The chain is whole: every row's prev_hash is the hash of the row before.
broken=$("${PSQL[@]}" -At -c "SELECT count(*) FROM (SELECT prev_hash, lag(hash) OVER (ORDER BY seq) AS before, seq FROM audit) t WHERE seq > 1 AND prev_hash IS DISTINCT FROM before")
rows=$("${PSQL[@]}" -At -c "SELECT count(*) FROM audit")
say "PostgreSQL: $rows rows, $broken broken links in the chain"
as_pg "$PGBIN/pg_ctl" -D "$TMP/pg" -m fast -w stop >/dev/null
PG_STARTED=

# ---- liuhen, same clients, same file system --------------------------------------------------
LH_JSON="$TMP/liuhen.jsonl"
: >"$LH_JSON"
for n in $CLIENTS; do
    for w in append-sync append; do
        say "liuhen-bench $w: $n clients for $SECONDS_EACH s"
        "$BENCH" "$w" --threads "$n" --seconds "$SECONDS_EACH" --ceiling-seconds 1 \
            --dir "$TMP" --json >"$TMP/lh.json"
        python3 - "$TMP/lh.json" "$w" "$n" >>"$LH_JSON" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
w = d["workloads"][sys.argv[2]]
print(json.dumps({"workload": sys.argv[2], "clients": int(sys.argv[3]),
                  "appends_per_s": w["appends_per_s"], "depth": w.get("depth"),
                  "latency_ms": w["latency_ms"], "ceilings": d["ceilings"],
                  "machine": d["machine"], "commit": d["commit"],
                  "commit_dirty": d["commit_dirty"]}))
EOF
    done
done

python3 - "$PG_JSON" "$LH_JSON" "$RESULTS" "$rows" "$broken" "$("$PGBIN/postgres" --version)" "$SECONDS_EACH" <<'EOF'
import json, sys, datetime
pg = [json.loads(l) for l in open(sys.argv[1])]
lh = [json.loads(l) for l in open(sys.argv[2])]
doc = {
    "tool": "bench/compare_pg.sh",
    "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    "commit": lh[0]["commit"], "commit_dirty": lh[0]["commit_dirty"],
    "machine": lh[0]["machine"], "ceilings": lh[0]["ceilings"],
    "seconds_each": float(sys.argv[7]),
    "postgresql": {"version": sys.argv[6], "settings": "fsync=on, synchronous_commit=on, "
                   "full_page_writes=on, shared_buffers=256MB; one row per transaction, "
                   "hash chain taken under the head row's lock in a BEFORE INSERT trigger",
                   "rows": int(sys.argv[4]), "broken_links": int(sys.argv[5]), "runs": pg},
    "liuhen": [{k: v for k, v in r.items() if k not in ("ceilings", "machine", "commit",
                                                          "commit_dirty")} for r in lh],
}
with open(sys.argv[3], "w") as f:
    json.dump(doc, f, indent=2, ensure_ascii=False)
    f.write("\n")
print("比较 Comparison: a hash-chained PostgreSQL table and liuhen, %s (%s cores), %s"
      % (doc["machine"]["cpu"], doc["machine"]["cores"], doc["machine"]["filesystem"]))
print("  %-34s %8s %12s %9s %9s" % ("", "clients", "per second", "p50 ms", "p99 ms"))
for r in pg:
    print("  %-34s %8d %12.0f %9.2f %9.2f" % ("PostgreSQL chained inserts", r["clients"],
          r["inserts_per_s"], r["latency_ms"]["p50"], r["latency_ms"]["p99"]))
for r in lh:
    name = "liuhen " + r["workload"] + (" (depth %d)" % r["depth"] if r.get("depth") else "")
    print("  %-34s %8d %12.0f %9.2f %9.2f" % (name, r["clients"], r["appends_per_s"],
          r["latency_ms"]["p50"], r["latency_ms"]["p99"]))
print("  The chain in PostgreSQL: %d rows, %d broken links." % (int(sys.argv[4]), int(sys.argv[5])))
print("  liuhen's append latency at depth > 1 is that of a whole run (docs/performance.md).")
print("结果 Results written to %s" % sys.argv[3])
EOF
