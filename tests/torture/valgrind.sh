#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/torture/valgrind.sh — integration tests with liuhend under valgrind
# (memcheck): LIUHEND_WRAPPER, which tests/util/daemon.c and scripts/run.sh
# (so tests/util/daemon.sh) put before liuhend. Any memcheck error, or a
# block definitely lost at exit, makes liuhend exit 99, which fails the test
# that stops it; and every valgrind log is read at the end: a log with
# errors fails this script. A daemon a test kills with SIGKILL leaves a log
# without a summary: judged by the errors it shows, counted apart.
#
#   BUILD=build TESTS="test_walkthrough.sh test_daemon" bash tests/torture/valgrind.sh
set -euo pipefail

cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
TESTS=${TESTS:-test_walkthrough.sh test_witnessing.sh test_cli test_export test_daemon}
command -v valgrind >/dev/null || {
    echo "valgrind.sh: FAIL: valgrind is not installed (apt-get install valgrind; make torture does)" >&2
    exit 1
}
make -s BUILD="$BUILD" all >/dev/null

VG=$(mktemp -d /tmp/liuhen-valgrind-XXXXXX)
# liuhend writes its log as the user it becomes (--user).
chmod 1777 "$VG"
keep=${KEEP_LOGS:-}
cleanup() { [ -n "$keep" ] || rm -rf "$VG"; }
trap cleanup EXIT
vg=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-fds=no
    "--log-file=$VG/liuhend.%p.log")
export LIUHEND_WRAPPER="${vg[*]}"

failed=""
for t in $TESTS; do
    start=$(date +%s)
    rc=0
    case $t in
    *.sh) BUILD=$BUILD bash "tests/$t" >"$VG/$t.out" 2>&1 || rc=$? ;;
    *) "$BUILD/tests/$t" >"$VG/$t.out" 2>&1 || rc=$? ;;
    esac
    echo "valgrind.sh: $t: exit $rc in $(($(date +%s) - start)) s"
    if [ "$rc" -ne 0 ]; then
        failed="$failed $t"
        grep -E "FAIL|ERROR|error:" "$VG/$t.out" | head -20 >&2 || true
    fi
done

runs=0 clean=0 unfinished=0 dirty=0
for log in "$VG"/liuhend.*.log; do
    [ -e "$log" ] || continue
    runs=$((runs + 1))
    # An error is reported when it happens: a killed daemon's log shows it too.
    if grep -qE "Invalid (read|write|free)|uninitialised|Conditional jump|Syscall param|Mismatched free|definitely lost: [1-9]" "$log" ||
        { grep -q "ERROR SUMMARY:" "$log" && ! grep -q "ERROR SUMMARY: 0 errors" "$log"; }; then
        dirty=$((dirty + 1))
        echo "valgrind.sh: errors in $log:" >&2
        cat "$log" >&2
    elif ! grep -q "ERROR SUMMARY:" "$log"; then
        unfinished=$((unfinished + 1))
    elif grep -q "ERROR SUMMARY: 0 errors" "$log"; then
        clean=$((clean + 1))
    else
        dirty=$((dirty + 1))
        echo "valgrind.sh: errors in $log:" >&2
        cat "$log" >&2
    fi
done
echo "valgrind.sh: $runs runs of liuhend under memcheck: $clean with 0 errors and no" \
    "definite leak, $dirty with errors, $unfinished killed before a summary"
[ "$runs" -gt 0 ] || {
    echo "valgrind.sh: FAIL: no liuhend ran under valgrind" >&2
    exit 1
}
if [ -n "$failed" ] || [ "$dirty" -ne 0 ]; then
    echo "valgrind.sh: FAIL:${failed:- (tests passed)}; $dirty logs with errors (KEEP_LOGS=1 keeps $VG)" >&2
    exit 1
fi
