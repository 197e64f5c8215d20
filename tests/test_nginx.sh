#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_nginx.sh — the publication as the oversight body receives it:
# liuhend's publish directory served by nginx with docs/deploy/
# nginx-liuhen.conf on 127.0.0.1, mirrored with wget, and the mirror
# verified offline with liuhen-verify. Also: the caching headers the
# configuration promises (the checkpoint never cached, tiles immutable),
# temporaries never served, and a mirror that was altered refused.
#
# nginx is installed (apt-get) when it is missing, as root; it runs as a
# process of this test only, on a free port, with its own configuration,
# logs and pid file in a temporary directory.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
LIUHEN=$ROOT/$BUILD/bin/liuhen
VERIFY=$ROOT/$BUILD/bin/liuhen-verify

TEST_NAME=nginx
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$LIUHEN" "$VERIFY" "$ROOT/$BUILD/bin/liuhend"

NGINX=$(command -v nginx || true)
[ -n "$NGINX" ] || [ ! -x /usr/sbin/nginx ] || NGINX=/usr/sbin/nginx
if [ -z "$NGINX" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "$TEST_NAME: nginx is missing and only root may install it (apt-get install nginx)" >&2
        exit 1
    fi
    echo "$TEST_NAME: installing nginx" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx >/dev/null
    NGINX=/usr/sbin/nginx
fi
for tool in wget curl; do
    command -v "$tool" >/dev/null || {
        echo "$TEST_NAME: $tool is missing" >&2
        exit 1
    }
done

# nginx's workers read the files as another user: the served tree must be
# reachable by others, as a real publish directory is.
chmod 0755 "$TMP"

# A log with a few records, its last checkpoint published at stop.
VAR=$TMP/var
export LIUHEN_SOCKET=$VAR/liuhen.sock LIUHEN_LOG_KEY=$VAR/data/log.vkey
start_daemon "$VAR"
"$LIUHEN" keygen --out "$TMP/wang" --holder 王明 --no-passphrase >/dev/null 2>&1
"$LIUHEN" enroll --key "$VAR/admin.key" --pub "$TMP/wang.pub" --roles handler --holder 王明 >/dev/null
for i in 1 2 3; do
    "$LIUHEN" append --key "$TMP/wang.key" --kind interference --case "QJ-NG-$i" \
        --set occurred_at=now --set content="第${i}条记录" >/dev/null
done
stop_daemon
PUB=$VAR/publish
check "the publish directory holds a checkpoint" test -s "$PUB/checkpoint"
chmod 0755 "$VAR"

# nginx on a free port, with the project's server block.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
NG=$TMP/nginx
mkdir -p "$NG/tmp"
sed -e "s|@LISTEN@|127.0.0.1:$port|" -e "s|@ROOT@|$PUB|" docs/deploy/nginx-liuhen.conf >"$NG/site.conf"
user_line=""
[ "$(id -u)" != 0 ] || user_line="user root;"
cat >"$NG/nginx.conf" <<EOF
$user_line
worker_processes 1;
pid $NG/nginx.pid;
error_log $NG/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    access_log $NG/access.log;
    client_body_temp_path $NG/tmp/body;
    proxy_temp_path $NG/tmp/proxy;
    fastcgi_temp_path $NG/tmp/fastcgi;
    uwsgi_temp_path $NG/tmp/uwsgi;
    scgi_temp_path $NG/tmp/scgi;
    include $NG/site.conf;
}
EOF
"$NGINX" -p "$NG" -c "$NG/nginx.conf" -g 'daemon off;' 2>"$NG/stderr" &
NGINX_PID=$!
stop_nginx() {
    kill "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
}
trap 'stop_nginx; cleanup' EXIT
URL=http://127.0.0.1:$port
for _ in $(seq 100); do
    curl -s -o /dev/null "$URL/checkpoint" && break
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.1
done
if ! curl -s -o /dev/null "$URL/checkpoint"; then
    cat "$NG/stderr" "$NG/error.log" >&2 2>/dev/null || true
    fail "nginx serves the publish directory"
    summary
    exit 1
fi
ok "nginx serves the publish directory on 127.0.0.1:$port"

# The caching headers the configuration promises.
header() { curl -s -D - -o /dev/null "$URL$1" | tr -d '\r' | grep -i "^$2:" || true; }
check "the checkpoint is never cached" \
    bash -c "[[ \"$(header /checkpoint Cache-Control)\" == *no-cache* ]]"
tile=$(cd "$PUB" && find tile -type f | head -n 1)
check "a tile ($tile) is served immutable" \
    bash -c "[[ \"$(header "/$tile" Cache-Control)\" == *immutable* ]]"
check "a directory listing is not cached" \
    bash -c "[[ \"$(header /tile/ Cache-Control)\" == *no-cache* ]]"
touch "$PUB/.checkpoint.tmp"
check "a temporary file is never served" \
    bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' '$URL/.checkpoint.tmp')\" = 404 ]"
rm -f "$PUB/.checkpoint.tmp"

# Mirror it as the oversight body would, and verify the mirror offline.
MIRROR=$TMP/mirror
wget -q -r -np -nH -R 'index.html*' -P "$MIRROR" "$URL/" || true
check "the mirror holds the checkpoint, byte for byte" cmp -s "$PUB/checkpoint" "$MIRROR/checkpoint"
n_pub=$(cd "$PUB" && find . -type f ! -name '.*' | wc -l)
n_mir=$(cd "$MIRROR" && find . -type f | wc -l)
check "the mirror holds every published file ($n_pub)" [ "$n_pub" = "$n_mir" ]
rc=0
"$VERIFY" "$MIRROR" --log-key "$VAR/data/log.vkey" >"$TMP/verify.out" 2>&1 || rc=$?
check "liuhen-verify passes the mirror (exit $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || cat "$TMP/verify.out" >&2

# A mirror altered in transit is caught.
bundle=$(cd "$MIRROR" && find tile/entries -type f | head -n 1)
printf 'X' | dd of="$MIRROR/$bundle" bs=1 seek=40 conv=notrunc status=none
rc=0
"$VERIFY" "$MIRROR" --log-key "$VAR/data/log.vkey" >"$TMP/verify.out" 2>&1 || rc=$?
check "liuhen-verify refuses a mirror with one byte changed (exit $rc)" [ "$rc" = 1 ]

stop_nginx
summary
