#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_report_site.sh — liuhen-verify --html DIR/ on a real log (a
# small one built by bench/verify_bench: signed entries, cases, key
# enrolments), and the search box of its pages run as a browser would run
# it from file:// (node: the page's own script, with a
# document whose <script src> elements load the report's search files).
# It finds an entry by its index and a case by its id on the right page,
# and says "not found" for what the report does not hold. The directory of
# an altered log says so on every page. Then --html FILE still writes one
# page, and a directory whose parent does not exist is refused (exit 3).
#
# Run from anywhere; BUILD (default build) names the build directory.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
VERIFY=$ROOT/$BUILD/bin/liuhen-verify
BENCH=$ROOT/$BUILD/bench/verify_bench
for b in "$VERIFY" "$BENCH"; do
    [ -x "$b" ] || { echo "test_report_site: $b is not built (make)" >&2; exit 1; }
done
TMP=$(mktemp -d /tmp/test_report_site.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "test_report_site: FAIL: $*" >&2; exit 1; }

"$BENCH" --entries 1200 --keys 20 --no-rules --dir "$TMP/log" >"$TMP/bench.out" 2>&1 ||
    fail "verify_bench: $(tail -3 "$TMP/bench.out")"
KEY=$TMP/log.vkey
KEYTEXT=$(cat "$KEY")
KEYID=$(printf '%s' "$KEYTEXT" | cut -d+ -f2)

set +e
LANG=C "$VERIFY" "$TMP/log" --log-key "$KEY" --quiet --html "$TMP/site/" >"$TMP/out" 2>&1
st=$?
set -e
[ "$st" = 0 ] || fail "verify --html DIR/: exit $st: $(cat "$TMP/out")"
[ -f "$TMP/site/index.html" ] || fail "no index.html"
[ -f "$TMP/site/cases-00001.html" ] || fail "no cases-00001.html"
for page in "$TMP"/site/*.html; do
    grep -qF "$KEYTEXT" "$page" || fail "$(basename "$page") does not name the log key"
    grep -qF "key id $KEYID" "$page" || fail "$(basename "$page") does not name the key id"
    grep -q 'class="verdict">CLEAN<' "$page" || fail "$(basename "$page") has no verdict"
done

if ! command -v node >/dev/null; then
    echo "test_report_site: node is missing: \`make deps\` installs Debian's nodejs, which runs the search box" >&2
    exit 1
fi
if true; then
    # search PAGE QUERY: where the page's search box goes (or NF:message).
    cat >"$TMP/search.js" <<'JS'
const fs = require('fs'), path = require('path'), vm = require('vm');
const [dir, page, query] = process.argv.slice(2);
const html = fs.readFileSync(path.join(dir, page), 'utf8');
const script = html.match(/<script>\n([\s\S]*?)<\/script>/)[1];
let href = null, msg = '';
const form = { q: { value: query } };
const box = { set textContent(v) { msg = v; }, get textContent() { return msg; } };
const ctx = {
    document: {
        getElementById: id => (id === 'lhq' ? form : box),
        createElement: () => ({}),
        body: {
            appendChild: s => {
                let src;
                try { src = fs.readFileSync(path.join(dir, s.src), 'utf8'); }
                catch (e) { s.onerror(); return; }
                vm.runInContext(src, ctx);
            },
        },
    },
    location: { set href(v) { href = v; } },
};
ctx.window = ctx;
vm.createContext(ctx);
vm.runInContext(script, ctx);
form.onsubmit();
console.log(href !== null ? href : 'NF:' + msg);
JS
    search() { node "$TMP/search.js" "$TMP/site" "$1" "$2"; }
    # An entry: its page holds its row.
    for idx in 150 777 1199; do
        got=$(search index.html "$idx")
        case $got in cases-*.html#e-"$idx") ;; *) fail "search $idx: $got" ;; esac
        grep -q "<tr id=\"e-$idx\"" "$TMP/site/${got%%#*}" || fail "search $idx: ${got%%#*} has no row $idx"
    done
    # A case: its page holds its section, from another page too.
    case_id=$(cat "$TMP"/site/search/c-*.js | grep -o '"QJ-[^"]*"' | sed -n 1p | cut -d'"' -f2)
    [ -n "$case_id" ] || fail "no case id in the search files"
    got=$(search cases-00001.html "$case_id")
    case $got in cases-*.html#case-*) ;; *) fail "search $case_id: $got" ;; esac
    grep -q "id=\"${got#*#}\"" "$TMP/site/${got%%#*}" || fail "search $case_id: no ${got#*#} on ${got%%#*}"
    grep -qF "$case_id" "$TMP/site/${got%%#*}" || fail "search $case_id: ${got%%#*} does not name it"
    # What the report does not hold.
    for q in 5000000 QJ-no-such-case constructor; do
        got=$(search index.html "$q")
        [ "$got" = "NF:Not found in this report." ] || fail "search $q: $got"
    done
    echo "test_report_site: search box checked with node"
fi

# An altered log: every page says so.
cp -r "$TMP/log" "$TMP/bad"
bundle=$(find "$TMP/bad/tile/entries" -type f | sort | sed -n 1p)
printf '\xff' | dd of="$bundle" bs=1 seek=300 conv=notrunc status=none
set +e
LANG=C "$VERIFY" "$TMP/bad" --log-key "$KEY" --quiet --html "$TMP/badsite/" >"$TMP/out" 2>&1
st=$?
set -e
[ "$st" = 1 ] || fail "altered log: exit $st, want 1: $(cat "$TMP/out")"
for page in "$TMP"/badsite/*.html; do
    grep -q 'class="verdict">FAILURES: ' "$page" || fail "$(basename "$page") of the altered log does not say FAILURES"
done

# --html FILE: one page, as before; a directory in a missing one: exit 3.
set +e
LANG=C "$VERIFY" "$TMP/log" --log-key "$KEY" --quiet --html "$TMP/one.html" >"$TMP/out" 2>&1
st=$?
LANG=C "$VERIFY" "$TMP/log" --log-key "$KEY" --quiet --html "$TMP/no/such/site/" >"$TMP/out2" 2>&1
st2=$?
set -e
[ "$st" = 0 ] && [ -f "$TMP/one.html" ] || fail "--html FILE: exit $st"
grep -q "<script" "$TMP/one.html" && fail "--html FILE: the one page has a script"
[ "$st2" = 3 ] || fail "--html in a missing directory: exit $st2, want 3"
grep -q "no/such/site" "$TMP/out2" || fail "--html in a missing directory: the error does not name it"
echo "test_report_site: OK"
