#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_deb.sh — the Debian packages as a bureau's IT department runs
# them (README.md "Running in production"): `make deb` builds them (lintian
# must pass), dpkg -i installs them on this machine, and then
#   - the files, the system user liuhen, its directories and pkg-config;
#   - the systemd units: `systemd-analyze verify` without a word of warning,
#     and `systemd-analyze security --offline` under an exposure of 2.0;
#   - README.md's "first run" block as it is written, `systemctl start
#     liuhend` standing for what the unit does: its ExecStart= line, read
#     from the installed unit, run as the user liuhen with the unit's umask,
#     a clean environment, the runtime directory /run/liuhen and the
#     passphrase as a credential (no systemd runs here as PID 1);
#   - liuhen-witness as its unit runs it (user liuhen-witness, key and
#     passphrase as credentials), and liuhend given it in LIUHEND_OPTS: the
#     checkpoint is cosigned;
#   - the socket: refused to another user; records appended with the
#     installed liuhen; a backup by the installed backup script as the
#     user liuhen; the published log verified by the installed liuhen-verify;
#   - README.md's "restore" block as it is written: the log is back;
#   - an older backup restored: liuhend refuses to start on it;
#   - the packages installed again over themselves, as an upgrade: the log
#     and the edited /etc/default/liuhend stay;
#   - dpkg --purge: the programs and units go, the ledger stays.
# At the end the machine is as it was: the test refuses to start when any
# of the packages, the users or the directories it makes already exist
# (it would destroy them), and removes what it made.
#
# No systemd runs as PID 1 here (nor in CI's container): the units' system
# call filters and address families are checked against strace's record
# of what liuhend, the backup and the witness did. It needs root, dpkg and strace (make deps; CI runs as root on
# Debian 12): it fails, saying why, where it cannot run.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}

TEST_NAME=deb
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

PACKAGES=(libliuhen0 libliuhen-dev liuhen-tools liuhend liuhen-witness)
VERSION=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
UNITS=/lib/systemd/system
# The package's paths, as the unit and README.md's blocks name them.
VAR=/var/lib/liuhen
SOCK=/run/liuhen/liuhend.sock

die() {
    echo "$TEST_NAME: $*" >&2
    exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages): run it in CI or as root"
command -v dpkg >/dev/null || die "dpkg is missing: this test runs on Debian"
for t in strace systemd-analyze lintian dpkg-buildpackage; do
    command -v $t >/dev/null || die "$t is missing: run make deps"
done
for p in "${PACKAGES[@]}"; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed'; then
        die "the package $p is installed on this machine: this test would purge it"
    fi
done
for u in liuhen liuhen-witness; do
    if getent passwd "$u" >/dev/null || getent group "$u" >/dev/null; then
        die "the user or group $u exists on this machine: this test would remove it"
    fi
done
for d in $VAR /etc/liuhen /run/liuhen /var/lib/liuhen-witness /etc/liuhen-witness; do
    [ ! -e "$d" ] || die "$d exists on this machine: this test would remove it"
done

DAEMON_LOG=$TMP/liuhend.log
STRACE_PID=
WSTRACE_PID=
STARTS=0
BACKUPS=0
deb_cleanup() {
    local p
    if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
        kill -KILL "$DAEMON_PID" 2>/dev/null || true
        wait "$STRACE_PID" 2>/dev/null || true
    fi
    DAEMON_PID=
    if [ -n "$WSTRACE_PID" ]; then
        pkill -KILL -P "$WSTRACE_PID" 2>/dev/null || true
        wait "$WSTRACE_PID" 2>/dev/null || true
    fi
    local present=()
    for p in "${PACKAGES[@]}"; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'installed\|config-files'; then
            present+=("$p")
        fi
    done
    # All at once: they depend on each other.
    [ ${#present[@]} = 0 ] || dpkg --purge "${present[@]}" >/dev/null 2>&1 || true
    rm -rf "$VAR" /etc/liuhen /run/liuhen /var/lib/liuhen-witness /etc/liuhen-witness
    for u in liuhen liuhen-witness; do
        if getent passwd "$u" >/dev/null; then userdel "$u" 2>/dev/null || true; fi
        if getent group "$u" >/dev/null; then groupdel "$u" 2>/dev/null || true; fi
    done
    cleanup
}
trap deb_cleanup EXIT

# ---- build and install ------------------------------------------------------
# The packages are the release build whatever this run's flags (ASan...).
if ! env -u SANITIZE -u OPT -u CFLAGS -u LDFLAGS -u CPPFLAGS -u CI \
    make -s BUILD="$BUILD" deb >"$TMP/deb.log" 2>&1; then
    cat "$TMP/deb.log" >&2
    die "make deb failed"
fi
ok "make deb built the packages, lintian passed"
debs=()
for p in "${PACKAGES[@]}"; do
    f=$BUILD/deb/${p}_${VERSION}_$(dpkg --print-architecture).deb
    [ -f "$f" ] || die "make deb made no $f"
    debs+=("$f")
done
if ! dpkg -i "${debs[@]}" >"$TMP/dpkg.log" 2>&1; then
    cat "$TMP/dpkg.log" >&2
    die "dpkg -i failed"
fi
ok "dpkg -i installs the ${#debs[@]} packages ($VERSION)"

# ---- what was installed -------------------------------------------------------
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
missing=""
for f in /usr/sbin/liuhend /usr/bin/liuhen /usr/bin/liuhen-verify /usr/bin/liuhen-witness \
    /usr/libexec/liuhen/liuhend-backup /usr/lib/$MA/libliuhen.so.0 /usr/lib/$MA/libliuhen.a \
    /usr/include/liuhen/liuhen.h /usr/share/locale/zh_CN/LC_MESSAGES/liuhen.mo \
    /usr/share/man/man8/liuhend.8.gz /usr/share/man/man1/liuhen.1.gz \
    /usr/share/man/man1/liuhen-verify.1.gz /usr/share/man/man1/liuhen-witness.1.gz \
    $UNITS/liuhend.service $UNITS/liuhend-backup.service $UNITS/liuhend-backup.timer \
    $UNITS/liuhen-witness.service /etc/default/liuhend /etc/default/liuhen-witness; do
    [ -e "$f" ] || missing="$missing $f"
done
check "the programs, library, header, catalogue, manual pages and units are installed${missing:+ (missing:$missing)}" \
    [ -z "$missing" ]
check "no liuhen-bench is installed" [ ! -e /usr/bin/liuhen-bench ]
check "pkg-config finds liuhen $VERSION" [ "$(pkg-config --modversion liuhen)" = "$VERSION" ]
check "the installed liuhen speaks Chinese under zh_CN (the installed catalogue)" \
    bash -c 'LANG=zh_CN.UTF-8 liuhen --help 2>&1 | grep -q "用法\|选项"'
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd liuhen)
system_user() { [ "$uid" -lt 1000 ] && [ "$home" = "$VAR" ] && [ "$(basename "$shell")" = nologin ]; }
check "liuhen is a system user (uid $uid), home $home, no login shell ($shell)" system_user
check "the user liuhen-witness exists" getent passwd liuhen-witness
# stat_is PATH MODE OWNER: the path's octal mode and owner:group.
stat_is() { [ "$(stat -c '%a %U:%G' "$1")" = "$2 $3" ]; }
check "$VAR is 0755 liuhen:liuhen" stat_is $VAR 755 liuhen:liuhen
check "$VAR/publish is 0755 liuhen:liuhen" stat_is $VAR/publish 755 liuhen:liuhen
check "$VAR/backup is 0700 liuhen:liuhen" stat_is $VAR/backup 700 liuhen:liuhen
check "$VAR/export is 0750 liuhen:liuhen" stat_is $VAR/export 750 liuhen:liuhen

# ---- the units ---------------------------------------------------------------
for u in liuhend.service liuhend-backup.service liuhend-backup.timer liuhen-witness.service; do
    if systemd-analyze verify "$UNITS/$u" >"$TMP/verify.out" 2>&1 && [ ! -s "$TMP/verify.out" ]; then
        ok "systemd-analyze verify $u: no error, no warning"
    else
        fail "systemd-analyze verify $u:"
        sed 's/^/    /' "$TMP/verify.out" >&2
    fi
done
for u in liuhend liuhend-backup liuhen-witness; do
    exposure=$(systemd-analyze security --offline=true "$UNITS/$u.service" 2>&1 |
        sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
    check "systemd-analyze security $u: exposure ${exposure:-unknown} under 2.0" \
        awk -v e="${exposure:-99}" 'BEGIN { exit !(e < 2.0) }'
done

# ---- systemctl, as the unit would do it ----------------------------------------
# What liuhend.service does on start: its ExecStart= line, with %d the
# credentials directory holding /etc/liuhen/liuhend.passphrase (0400, the
# user's) and $LIUHEND_OPTS from /etc/default/liuhend, run as liuhen with
# UMask=0027 and a clean environment in RuntimeDirectory=liuhen (0750).
unit_value() { sed -n "s/^$2=//p" "$UNITS/$1"; }
check "liuhend.service runs as liuhen:liuhen" \
    [ "$(unit_value liuhend.service User):$(unit_value liuhend.service Group)" = liuhen:liuhen ]
# The credentials directory, as systemd's /run/credentials/UNIT: the user's
# alone (and $TMP searchable, for the user to reach it).
CRED=$TMP/credentials
chmod 0711 "$TMP"
# No systemd runs here to apply the units' SystemCallFilter=: every program
# they run goes under strace instead, as the unit's user, its system calls
# written to $TRACE/, and the end of the test checks them against the filter.
TRACE=$TMP/trace
install -d -o liuhen -g liuhen -m 0711 "$TRACE"
# shellcheck disable=SC2120 # "$@" is the unit's command line, set by eval
start_liuhend() {
    local cond exec_line
    cond=$(unit_value liuhend.service ConditionPathExists)
    [ -e "$cond" ] || die "systemctl start liuhend: the unit's condition $cond does not hold"
    rm -rf "$CRED"
    install -d -o liuhen -g liuhen -m 0500 "$CRED"
    install -o liuhen -g liuhen -m 0400 /etc/liuhen/liuhend.passphrase "$CRED/passphrase"
    install -d -o liuhen -g liuhen -m "$(unit_value liuhend.service RuntimeDirectoryMode)" /run/liuhen
    exec_line=$(unit_value liuhend.service ExecStart)
    STARTS=$((STARTS + 1))
    exec_line=${exec_line//%d/$CRED}
    # shellcheck disable=SC1091 # installed by the package
    LIUHEND_OPTS=$(. /etc/default/liuhend && printf '%s' "$LIUHEND_OPTS")
    eval "set -- $exec_line"
    (umask "$(unit_value liuhend.service UMask)" &&
        exec setpriv --reuid=liuhen --regid=liuhen --init-groups -- \
            env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
            strace -f -qq -o "$TRACE/liuhend.$STARTS" "$@") >>"$DAEMON_LOG" 2>&1 &
    STRACE_PID=$!
    for _ in $(seq 50); do
        DAEMON_PID=$(pgrep -P "$STRACE_PID" -x liuhend || true)
        [ -z "$DAEMON_PID" ] || break
        sleep 0.1
    done
    [ -n "$DAEMON_PID" ] || die "systemctl start liuhend: no liuhend started"
    for _ in $(seq 200); do
        [ -S $SOCK ] && break
        kill -0 "$DAEMON_PID" 2>/dev/null || break
        sleep 0.1
    done
    [ -S $SOCK ] || {
        cat "$DAEMON_LOG" >&2
        die "systemctl start liuhend: liuhend made no socket $SOCK"
    }
}
# stop_liuhend: SIGTERM, as systemd stops it; it exits 0; systemd removes
# the runtime directory.
stop_liuhend() {
    local rc=0
    [ -n "$DAEMON_PID" ] || return 0 # stopped already: systemctl stop succeeds
    kill -TERM "$DAEMON_PID"
    wait "$STRACE_PID" || rc=$? # strace exits with liuhend's status
    DAEMON_PID=
    STRACE_PID=
    rm -rf /run/liuhen "$CRED"
    [ "$rc" = 0 ] || {
        cat "$DAEMON_LOG" >&2
        die "systemctl stop liuhend: liuhend exited $rc"
    }
}
systemctl() {
    case "$*" in
    "start liuhend") start_liuhend ;;
    "stop liuhend") stop_liuhend ;;
    *) die "README.md's block runs 'systemctl $*', which this test does not stand in for" ;;
    esac
}

# block_of TITLE: README.md's ```sh block whose first line starts "# TITLE".
block_of() {
    awk -v title="# $1" '
        inblock && /^```/ { exit }
        inblock { print; next }
        pending { if (index($0, title) == 1) { inblock = 1; print; next } pending = 0 }
        /^```sh[[:space:]]*$/ { pending = 1 }
    ' README.md
}
block_of "production: first run" >"$TMP/first-run.sh"
block_of "production: restore" >"$TMP/restore.sh"
check "README.md has the first-run block" [ -s "$TMP/first-run.sh" ]
check "README.md has the restore block" [ -s "$TMP/restore.sh" ]

# ---- first run -------------------------------------------------------------------
# Installed programs only: nothing of the build tree on the PATH. The blocks
# run in this shell (under set -euo pipefail: a failing command fails the
# test), their output in this test's log.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mkdir -p "$TMP/keys"
(cd "$TMP/keys" &&
    liuhen keygen --out admin --holder 管理员 --no-passphrase >/dev/null &&
    liuhen keygen --out wang --holder 王明 --no-passphrase >/dev/null) ||
    die "liuhen keygen failed"
cd "$TMP/keys"
echo "== README.md's first-run block"
# shellcheck disable=SC1091 # README.md's block
. "$TMP/first-run.sh"
cd "$ROOT"
ok "README.md's first-run block ran"
L=(liuhen --socket "$SOCK" --log-key /etc/liuhen/log.vkey)
check "the log key's passphrase file is root's, 0600" stat_is /etc/liuhen/liuhend.passphrase 600 root:root
check "$VAR/data is 0700 liuhen's" stat_is $VAR/data 700 liuhen:liuhen
check "/etc/liuhen/log.vkey is the log's verifier key, 0644" \
    cmp -s /etc/liuhen/log.vkey $VAR/data/log.vkey
check "the socket is 0660 liuhen:liuhen" stat_is $SOCK 660 liuhen:liuhen
check "/run/liuhen is 0750 liuhen:liuhen" stat_is /run/liuhen 750 liuhen:liuhen
runs_as_unit() {
    ps -o user=,args= -p "$DAEMON_PID" | grep -q "^liuhen .*/usr/sbin/liuhend --data $VAR/data --socket $SOCK --group liuhen"
}
check "liuhend runs as liuhen with the unit's command line" runs_as_unit
install -d -o nobody -m 0700 "$TMP/nobody"
if setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
    env -i PATH="$PATH" LANG=C.UTF-8 XDG_STATE_HOME="$TMP/nobody" \
    "${L[@]}" status >"$TMP/nobody.out" 2>&1; then
    fail "a user outside the group liuhen reached the socket"
elif grep -qi "$SOCK.*permission denied" "$TMP/nobody.out"; then
    ok "a user outside the group liuhen cannot reach the socket: $(head -1 "$TMP/nobody.out")"
else
    fail "a user outside the group liuhen: not the error expected:"
    sed 's/^/    /' "$TMP/nobody.out" >&2
fi

# ---- the witness ---------------------------------------------------------------
# README.md's "The witness" with the liuhen-witness package, on this machine
# (port 0: the system picks one), as liuhen-witness.service would run it;
# then liuhend started again with it in LIUHEND_OPTS.
WPASS='见证口令 test only'
(umask 077 && printf '%s\n' "$WPASS" >/etc/liuhen-witness/passphrase)
liuhen-witness keygen --out /etc/liuhen-witness/witness --name supervision.example.gov.cn/w1 \
    --passphrase-file /etc/liuhen-witness/passphrase >"$TMP/wkeygen.out" 2>&1 ||
    { cat "$TMP/wkeygen.out" >&2; die "liuhen-witness keygen failed"; }
install -m 0644 /etc/liuhen/log.vkey /etc/liuhen-witness/logs/bureau.vkey
sed -i 's/^LIUHEN_WITNESS_LISTEN=.*/LIUHEN_WITNESS_LISTEN=127.0.0.1:0/' /etc/default/liuhen-witness
check "liuhen-witness.service runs as liuhen-witness:liuhen-witness" \
    [ "$(unit_value liuhen-witness.service User):$(unit_value liuhen-witness.service Group)" = \
    liuhen-witness:liuhen-witness ]
WCRED=$TMP/wcredentials
install -d -o liuhen-witness -g liuhen-witness -m 0500 "$WCRED"
install -o liuhen-witness -m 0400 /etc/liuhen-witness/witness.key "$WCRED/key"
install -o liuhen-witness -m 0400 /etc/liuhen-witness/passphrase "$WCRED/passphrase"
install -d -o liuhen-witness -g liuhen-witness -m "$(unit_value liuhen-witness.service StateDirectoryMode)" \
    /var/lib/liuhen-witness
install -d -o liuhen-witness -g liuhen-witness -m 0700 "$TRACE/w"
WITNESS_LOG=$TMP/witness.log
wexec=$(unit_value liuhen-witness.service ExecStart)
wexec=${wexec//%d/$WCRED}
# shellcheck disable=SC1091 # installed by the package
(set -a && eval "$(unit_value liuhen-witness.service Environment)" && . /etc/default/liuhen-witness &&
    eval "set -- $wexec" && umask "$(unit_value liuhen-witness.service UMask)" &&
    exec setpriv --reuid=liuhen-witness --regid=liuhen-witness --init-groups -- \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        strace -f -qq -o "$TRACE/w/liuhen-witness" "$@") >"$WITNESS_LOG" 2>&1 &
WSTRACE_PID=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$WITNESS_LOG" && break
    kill -0 "$WSTRACE_PID" 2>/dev/null || break
    sleep 0.1
done
WADDR=$(sed -n 's/^listening on //p' "$WITNESS_LOG")
[ -n "$WADDR" ] || { cat "$WITNESS_LOG" >&2; die "liuhen-witness, as its unit runs it, did not start"; }
ok "liuhen-witness runs as liuhen-witness with its unit's command line, on $WADDR"
check "/var/lib/liuhen-witness is 0700 liuhen-witness's" stat_is /var/lib/liuhen-witness 700 \
    liuhen-witness:liuhen-witness

install -m 0644 /etc/liuhen-witness/witness.pub /etc/liuhen/w1.pub
sed -i "s|^LIUHEND_OPTS=.*|LIUHEND_OPTS=\"--checkpoint-interval 1 --witness /etc/liuhen/w1.pub=http://$WADDR\"|" \
    /etc/default/liuhend
systemctl stop liuhend
systemctl start liuhend
POLICY=(--witness-key /etc/liuhen/w1.pub --min-cosignatures 1)
cosigned() { liuhen --socket $SOCK --log-key /etc/liuhen/log.vkey "${POLICY[@]}" checkpoint >/dev/null 2>&1; }
wait_cosigned() {
    for _ in $(seq 100); do
        cosigned && return 0
        sleep 0.1
    done
    return 1
}
check "liuhend with LIUHEND_OPTS' witness: the checkpoint is cosigned by it" wait_cosigned

# ---- records, backup, verify ----------------------------------------------------------
L=(liuhen --socket "$SOCK" --log-key /etc/liuhen/log.vkey)
"${L[@]}" enroll --key "$TMP/keys/admin.key" --pub "$TMP/keys/wang.pub" --roles handler \
    --holder 王明 --position 执法人员 --unit 区应急管理局执法支队 >"$TMP/enroll.out" 2>&1 ||
    { cat "$TMP/enroll.out" >&2; die "liuhen enroll failed"; }
append() {
    "${L[@]}" append --key "$TMP/keys/wang.key" --kind interference --case "$1" \
        --set occurred_at=now --set place=执法支队办公室 \
        --set person.name=刘某 --set person.relation=retired \
        --set manner=phone --set content="来电为当事人说情，要求从轻处罚" \
        --set categories=pleading-spying --set response=refused \
        --set reported_to=legal-section --set reported_at=now >"$TMP/append.out" 2>&1 ||
        { cat "$TMP/append.out" >&2; die "liuhen append failed"; }
}
append QJ-2026-001
tree_size() { "${L[@]}" --json status | python3 -c 'import json,sys; print(json.load(sys.stdin)["tree_size"])'; }
size=$(tree_size)
check "two records appended with the installed liuhen: the tree has $size entries" [ "$size" = 3 ]

# The backup service's command, as the user liuhen with its umask.
backup_now() {
    BACKUPS=$((BACKUPS + 1))
    # shellcheck disable=SC1091 # installed by the package
    (set -a && . /etc/default/liuhend && umask "$(unit_value liuhend-backup.service UMask)" &&
        exec setpriv --reuid=liuhen --regid=liuhen --init-groups -- \
            env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
            LIUHEN_BACKUP_KEEP_DAYS="$LIUHEN_BACKUP_KEEP_DAYS" \
            strace -f -qq -o "$TRACE/liuhend-backup.$BACKUPS" \
            "$(unit_value liuhend-backup.service ExecStart)") >"$TMP/backup.out" 2>&1 ||
        { cat "$TMP/backup.out" >&2; die "liuhend-backup failed"; }
}
check "liuhend-backup.service runs /usr/libexec/liuhen/liuhend-backup as liuhen" \
    [ "$(unit_value liuhend-backup.service ExecStart):$(unit_value liuhend-backup.service User)" = \
    /usr/libexec/liuhen/liuhend-backup:liuhen ]
backup_now
backups=("$VAR"/backup/liuhen-*.mdb)
dated_backup() { [ ${#backups[@]} = 1 ] && [[ ${backups[0]##*/} =~ ^liuhen-[0-9]{8}T[0-9]{6}Z\.mdb$ ]]; }
check "the backup script wrote one dated backup: ${backups[*]##*/}" dated_backup
check "the backup is 0600 liuhen's" stat_is "${backups[0]}" 600 liuhen:liuhen
# LIUHEN_BACKUP_KEEP_DAYS=2: after the next backup, one of three days ago
# goes; the first stays.
sed -i 's/^LIUHEN_BACKUP_KEEP_DAYS=""$/LIUHEN_BACKUP_KEEP_DAYS="2"/' /etc/default/liuhend
install -o liuhen -g liuhen -m 0600 "${backups[0]}" $VAR/backup/liuhen-20000101T000000Z.mdb
touch -d '3 days ago' $VAR/backup/liuhen-20000101T000000Z.mdb
sleep 1 # another second, another name
backup_now
kept_files=("$VAR"/backup/liuhen-*.mdb)
kept="${kept_files[*]##*/}"
pruned() { [ ! -e $VAR/backup/liuhen-20000101T000000Z.mdb ] && [ -e "${backups[0]}" ] && [ ${#kept_files[@]} = 2 ]; }
check "LIUHEN_BACKUP_KEEP_DAYS=2 removes the backup of 3 days ago, keeps the others: $kept" pruned
sed -i 's/^LIUHEN_BACKUP_KEEP_DAYS="2"$/LIUHEN_BACKUP_KEEP_DAYS=""/' /etc/default/liuhend

stop_liuhend
ok "liuhend stops on SIGTERM, exit 0"
if liuhen-verify $VAR/publish --log-key /etc/liuhen/log.vkey >"$TMP/verify-pub.out" 2>&1 &&
    grep -q CLEAN "$TMP/verify-pub.out"; then
    ok "the installed liuhen-verify finds the published log CLEAN"
else
    fail "liuhen-verify on the published log:"
    sed 's/^/    /' "$TMP/verify-pub.out" >&2
fi

# ---- restore ----------------------------------------------------------------------
# The store lost; README.md's block puts the newest backup in its place.
rm $VAR/data/data.mdb
echo "== README.md's restore block"
# shellcheck disable=SC1091 # README.md's block
. "$TMP/restore.sh"
ok "README.md's restore block ran"
check "after the restore the log has its $size entries" [ "$(tree_size)" = "$size" ]
record_back() { "${L[@]}" case QJ-2026-001 | grep -q 刘某; }
check "after the restore the record is there" record_back

# An older backup: one more record appended and published after it.
append QJ-2026-002
stop_liuhend
mv $VAR/data/data.mdb "$TMP/data.mdb.newer"
rm -f $VAR/data/lock.mdb
install -o liuhen -g liuhen -m 0600 "${backups[0]}" $VAR/data/data.mdb
install -d -o liuhen -g liuhen -m 0500 "$CRED"
install -o liuhen -g liuhen -m 0400 /etc/liuhen/liuhend.passphrase "$CRED/passphrase"
rc=0
(umask 0027 && exec setpriv --reuid=liuhen --regid=liuhen --init-groups -- \
    env -i PATH=/usr/sbin:/usr/bin LANG=C.UTF-8 /usr/sbin/liuhend --data $VAR/data \
    --publish $VAR/publish --passphrase-file "$CRED/passphrase") </dev/null >"$TMP/refused.out" 2>&1 || rc=$?
if [ "$rc" != 0 ] && grep -q 'shorter tree' "$TMP/refused.out"; then
    ok "liuhend refuses a backup older than the published log (exit $rc)"
else
    fail "liuhend on a backup older than the published log (exit $rc):"
    sed 's/^/    /' "$TMP/refused.out" >&2
fi

# ---- reinstall, as an upgrade does -------------------------------------------------
# The packages installed again over themselves (postinst configure with the
# old version): the log, the directories and the edited configuration stay.
sum_before=$(sha256sum $VAR/data/log.key /etc/default/liuhend | sha256sum)
if dpkg -i --force-confold "${debs[@]}" </dev/null >"$TMP/dpkg2.log" 2>&1; then
    ok "dpkg -i again over the installed packages"
else
    cat "$TMP/dpkg2.log" >&2
    fail "dpkg -i again over the installed packages"
fi
check "the log key and the edited /etc/default/liuhend are unchanged" \
    [ "$(sha256sum $VAR/data/log.key /etc/default/liuhend | sha256sum)" = "$sum_before" ]
check "$VAR/data is still 0700 liuhen's" stat_is $VAR/data 700 liuhen:liuhen
check "$VAR/backup is still 0700 liuhen's" stat_is $VAR/backup 700 liuhen:liuhen

# ---- the system calls ----------------------------------------------------------
# syscalls_allowed UNIT: the names its SystemCallFilter= lines allow (the
# groups of `systemd-analyze syscall-filter` expanded; "~" lines deny). Each
# unit's first line is an allow list.
syscalls_allowed() {
    systemd-analyze syscall-filter >"$TMP/groups" 2>/dev/null
    unit_value "$1" SystemCallFilter | python3 -c '
import sys
groups, cur = {}, None
for line in open(sys.argv[1]):
    s = line.strip()
    if not line.startswith(" ") and s.startswith("@"):
        cur = groups.setdefault(s, [])
    elif s and not s.startswith("#") and cur is not None:
        cur.append(s)
def expand(name):
    if not name.startswith("@"):
        return {name}
    return set().union(*[expand(x) for x in groups[name]]) if groups.get(name) else set()
# In order, as systemd reads them after a first allow list: a line adds
# its names, a "~" line takes them away.
allowed = set()
for line in sys.stdin.read().split("\n"):
    names = set().union(set(), *[expand(w.lstrip("~")) for w in line.split()])
    allowed = allowed - names if line.startswith("~") else allowed | names
print("\n".join(sorted(allowed)))' "$TMP/groups"
}
# syscalls_of FILE...: the names of the system calls strace wrote.
syscalls_of() { sed -E -n 's/^[0-9]+ +(<\.\.\. )?([a-z0-9_]+)[( ].*/\2/p' "$@" | sort -u; }
rc=0
kill -TERM "$(pgrep -P "$WSTRACE_PID" -x liuhen-witness)"
wait "$WSTRACE_PID" || rc=$?
WSTRACE_PID=
check "liuhen-witness stops on SIGTERM, exit $rc" [ "$rc" = 0 ]
for u in liuhend liuhend-backup liuhen-witness; do
    syscalls_allowed $u.service >"$TMP/$u.allowed"
    case $u in
    liuhen-witness) syscalls_of "$TRACE/w/$u" >"$TMP/$u.used" ;;
    *) syscalls_of "$TRACE/$u".* >"$TMP/$u.used" ;;
    esac
    outside=$(comm -23 "$TMP/$u.used" "$TMP/$u.allowed" | tr '\n' ' ')
    check "$u made $(wc -l <"$TMP/$u.used") kinds of system call, all allowed by its SystemCallFilter= ($(wc -l <"$TMP/$u.allowed") names)${outside:+; not allowed: $outside}" \
        [ -s "$TMP/$u.used" -a -s "$TMP/$u.allowed" -a -z "$outside" ]
done

# The address families of the sockets each made, against RestrictAddressFamilies=.
for u in liuhend liuhend-backup liuhen-witness; do
    case $u in
    liuhen-witness) files=("$TRACE/w/$u") ;;
    *) files=("$TRACE/$u".*) ;;
    esac
    used=$(sed -E -n 's/.* (socket|socketpair)\((AF_[A-Z0-9]+).*/\2/p' "${files[@]}" | sort -u | paste -sd ' ')
    allowed=" $(unit_value $u.service RestrictAddressFamilies) "
    outside=""
    for f in $used; do
        [[ $allowed == *" $f "* ]] || outside="$outside $f"
    done
    check "$u's sockets (${used:-none}) are of the families its RestrictAddressFamilies= allows${outside:+; not:$outside}" \
        [ -z "$outside" ]
done

# ---- purge ------------------------------------------------------------------------------
if dpkg --purge "${PACKAGES[@]}" >"$TMP/purge.log" 2>&1; then
    ok "dpkg --purge removes the packages"
else
    cat "$TMP/purge.log" >&2
    fail "dpkg --purge"
fi
left=""
for f in /usr/sbin/liuhend /usr/bin/liuhen /usr/lib/$MA/libliuhen.so.0 $UNITS/liuhend.service \
    /etc/default/liuhend /etc/systemd/system/multi-user.target.wants/liuhend.service \
    /etc/systemd/system/timers.target.wants/liuhend-backup.timer; do
    [ ! -e "$f" ] || left="$left $f"
done
check "the programs, units and their links are gone${left:+ (left:$left)}" [ -z "$left" ]
check "the ledger stays after the purge ($VAR/data/log.key)" [ -f $VAR/data/log.key ]

summary
