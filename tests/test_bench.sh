#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_bench.sh — liuhen-bench works at all: a second of append-sync
# from two clients against a liuhend it starts itself, with the ceilings
# measured briefly, in a few seconds. Checked: exit 0; the JSON on
# standard output and the --results file are the same document, with the
# machine, the commit, the ceilings, and the workload's rate, latency and
# ratios; the daemon it started is gone and its temporary directory
# removed; a usage error exits 2.
#
# The benchmarks themselves (`make bench`, `make bench-scale`, `make
# bench-compare`) report and never fail; this test only keeps the tool
# from rotting.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BENCH=$ROOT/$BUILD/bin/liuhen-bench

TEST_NAME=bench
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$BENCH" "$ROOT/$BUILD/bin/liuhend"

rc=0
"$BENCH" append-sync --threads 2 --seconds 1 --ceiling-seconds 0.2 --dir "$TMP" --json \
    --results "$TMP/results.json" >"$TMP/out.json" 2>"$TMP/err.txt" || rc=$?
if [ "$rc" -eq 0 ]; then ok "append-sync exits 0"; else
    fail "append-sync exited $rc"
    cat "$TMP/err.txt" >&2
fi

check "the JSON on standard output is the --results file" cmp -s "$TMP/out.json" "$TMP/results.json"

check "the JSON has the machine, the ceilings and the workload's figures" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["tool"] == "liuhen-bench"
assert d["commit"]
m = d["machine"]
for k in ("cpu", "cores", "kernel", "filesystem", "data_dir"):
    assert k in m, k
c = d["ceilings"]
for k in ("ed25519_verify_per_s_one_core", "ed25519_verify_per_s_all_cores",
          "lmdb_synced_commits_per_s"):
    assert c[k] > 0, k
w = d["workloads"]["append-sync"]
assert w["clients"] == 2
assert w["appends"] > 0 and w["appends_per_s"] > 0
assert 300 <= w["entry_bytes_mean"] <= 1000
lat = w["latency_ms"]
assert 0 < lat["p50"] <= lat["p99"] <= lat["p99.9"] <= lat["max"]
assert w["ratios"]["to_ed25519_all_cores"] > 0
assert w["ratios"]["to_lmdb_commits"] > 0
assert d["errors"] == {}
' "$TMP/out.json"

# Its daemon and temporary directory are gone: nothing of it is left
# under --dir but the results.
check "no liuhen-bench directory is left behind" \
    bash -c '! ls -d "$1"/liuhen-bench.* >/dev/null 2>&1' _ "$TMP"
check "no liuhend of its own is left running" \
    bash -c '! pgrep -f -- "--data $1/liuhen-bench" >/dev/null' _ "$TMP"

# Paced appends: offered at a rate, latency from when each was due.
rc=0
"$BENCH" append-paced --rate 40 --paced-threads 2 --seconds 1 --ceiling-seconds 0.1 --dir "$TMP" \
    --json >"$TMP/paced.json" 2>"$TMP/paced.txt" || rc=$?
if [ "$rc" -eq 0 ]; then ok "append-paced exits 0"; else
    fail "append-paced exited $rc"
    cat "$TMP/paced.txt" >&2
fi
check "append-paced reports the rate offered and what was reached" python3 -c '
import json, sys
w = json.load(open(sys.argv[1]))["workloads"]["append-paced"]
assert w["clients"] == 2 and w["depth"] == 1
assert w["offered_per_s"] == 40
assert 0 < w["appends_per_s"] <= 60, w["appends_per_s"]
assert 0 < w["latency_ms"]["p50"] <= w["latency_ms"]["p99"]
' "$TMP/paced.json"

rc=0
"$BENCH" no-such-workload >/dev/null 2>&1 || rc=$?
check "an unknown workload is a usage error (exit 2)" test "$rc" -eq 2

summary
