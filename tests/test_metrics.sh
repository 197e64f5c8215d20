#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_metrics.sh — `liuhen status --prometheus` (tools/liuhen/prom.h,
# daemon/metrics.h): liuhend's figures in Prometheus's text exposition
# format, read back with the Prometheus project's own Python parser
# (Debian's python3-prometheus-client), and the counts are those of what
# was done: appends by status, batches, latencies, the store's size.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen

TEST_NAME=metrics
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$ROOT/$BUILD/bin/liuhend"
PY=/usr/bin/python3
if ! "$PY" -c 'import prometheus_client' 2>/dev/null; then
    echo "$TEST_NAME: python3-prometheus-client is missing: \`make deps\` installs it" >&2
    exit 1
fi

VAR=$TMP/var
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VAR/data/log.vkey
LIUHEN_LANG=C start_daemon "$VAR"

"$LIUHEN" keygen --out "$TMP/wang" --holder 王明 --no-passphrase >/dev/null 2>&1
"$LIUHEN" keygen --out "$TMP/stranger" --holder 张三 --no-passphrase >/dev/null 2>&1
"$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/wang.pub" --roles handler \
    --holder 王明 --unit 执法支队 >/dev/null
for i in 1 2 3; do
    "$LIUHEN" append --key "$TMP/wang.key" --kind interference --case "QJ-M-$i" \
        --set occurred_at=now --set place=办公室 --set person.name=刘某 \
        --set person.relation=on-staff --set manner=phone --set content="说情 $i" \
        --set reported_to=legal-section --set reported_at=now >/dev/null
done
# A key that was never enrolled: refused UNKNOWN_KEY.
if "$LIUHEN" append --key "$TMP/stranger.key" --kind interference --case QJ-M-9 \
    --set occurred_at=now --set place=办公室 --set content=x >/dev/null 2>&1; then
    fail "an append by a key never enrolled was accepted"
fi

if "$LIUHEN" status --prometheus >"$TMP/m.prom" 2>"$TMP/m.err"; then
    ok "liuhen status --prometheus exits 0"
else
    fail "liuhen status --prometheus failed: $(cat "$TMP/m.err")"
fi
tree=$("$LIUHEN" status --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])')

# Parsed by Prometheus's parser; then each figure checked.
if "$PY" - "$TMP/m.prom" "$tree" >"$TMP/check.out" 2>&1 <<'PYEOF'; then
import sys
from prometheus_client.parser import text_string_to_metric_families

text = open(sys.argv[1], encoding="utf-8").read()
tree = int(sys.argv[2])
fam = {f.name: f for f in text_string_to_metric_families(text)}
problems = []

# The value of the sample named name (a family's name, or with its suffix:
# _total, _bucket, _sum, _count) whose labels include labels.
def one(name, labels=None):
    for f in fam.values():
        for s in f.samples:
            if s.name == name and (labels is None or
                                   all(s.labels.get(k) == v for k, v in labels.items())):
                return s.value
    problems.append("no sample %s with %s" % (name, labels))
    return None

for name, typ in [("liuhen_tree_size", "gauge"), ("liuhen_appends", "counter"),
                  ("liuhen_append_answers", "counter"), ("liuhen_batch_entries", "histogram"),
                  ("liuhen_commit_seconds", "histogram"), ("liuhen_append_seconds", "histogram"),
                  ("liuhen_store_bytes", "gauge"), ("liuhen_refused_connections", "counter"),
                  ("liuhen_info", "gauge")]:
    if name not in fam:
        problems.append("no family " + name)
    elif fam[name].type != typ:
        problems.append("%s is a %s, not a %s" % (name, fam[name].type, typ))
    elif not fam[name].documentation:
        problems.append("%s has no HELP" % name)

if one("liuhen_tree_size") != tree:
    problems.append("tree size %s, status says %d" % (one("liuhen_tree_size"), tree))
ok = one("liuhen_append_answers_total", {"status": "OK"})
unknown = one("liuhen_append_answers_total", {"status": "UNKNOWN_KEY"})
total = one("liuhen_appends_total")
if ok != 4:   # the enrolment and three records
    problems.append("OK answers: %s, want 4" % ok)
if unknown != 1:
    problems.append("UNKNOWN_KEY answers: %s, want 1" % unknown)
answers = sum(s.value for s in fam["liuhen_append_answers"].samples)
if total != answers:
    problems.append("appends_total %s is not the sum of the answers %s" % (total, answers))
# Every Append is timed; every OK one was committed in a batch.
if one("liuhen_append_seconds_count") != total:
    problems.append("append_seconds_count is not appends_total")
batches = one("liuhen_batch_entries_count")
entries = one("liuhen_batch_entries_sum")
if batches is None or batches < 1 or entries < 4:
    problems.append("batches %s holding %s entries, want at least 4 entries" % (batches, entries))
if one("liuhen_commit_seconds_count") != batches:
    problems.append("a commit time per batch")
# Buckets cumulative, the last one the count.
for h in ("liuhen_batch_entries", "liuhen_commit_seconds", "liuhen_append_seconds"):
    b = [s for s in fam[h].samples if s.name == h + "_bucket"]
    vals = [s.value for s in b]
    if vals != sorted(vals) or b[-1].labels["le"] != "+Inf" or vals[-1] != one(h + "_count"):
        problems.append(h + ": buckets not cumulative up to +Inf = count")
if not one("liuhen_store_bytes") or one("liuhen_store_used_bytes") > one("liuhen_store_bytes"):
    problems.append("store bytes %s, used %s" % (one("liuhen_store_bytes"), one("liuhen_store_used_bytes")))
if one("liuhen_info", {"origin": "demo.liuhen.local/log"}) != 1:
    problems.append("liuhen_info does not name the origin")
print("\n".join(problems) if problems else "all figures as expected")
sys.exit(1 if problems else 0)
PYEOF
    ok "the exposition parses and its figures are those of what was done"
else
    fail "the exposition: $(cat "$TMP/check.out")"
fi

# --prometheus is text only.
rc=0
"$LIUHEN" status --prometheus --json >/dev/null 2>"$TMP/both.err" || rc=$?
if [ "$rc" -eq 2 ] && grep -q -- "--prometheus and --json cannot be combined" "$TMP/both.err"; then
    ok "--prometheus with --json is a usage error (exit 2)"
else
    fail "--prometheus --json: exit $rc: $(cat "$TMP/both.err")"
fi
stop_daemon
summary
