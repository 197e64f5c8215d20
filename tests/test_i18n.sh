#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
# tests/test_i18n.sh — the messages in Chinese and in English
# (client/core/i18n.h):
#
# - po/liuhen.pot is what `make pot` makes of the sources now (the date
#   aside): no message was added or changed without the template;
# - po/zh_CN.po translates every message of that template, none fuzzy,
#   none empty (msgcmp), and msgfmt --check accepts it (the printf
#   conversions of each translation are those of its message);
# - the programs choose the language by the locale, from the build tree's
#   catalogues: LANG=zh_CN.UTF-8 gives Chinese although this system may have
#   no zh_CN locale (the LANGUAGE fallback of i18n_init()), LANG=C and
#   English locales give English, LC_ALL, LC_MESSAGES and LANGUAGE come
#   before LANG as gettext has them.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
VERIFY=$ROOT/$BUILD/bin/liuhen-verify
WITNESS=$ROOT/$BUILD/bin/liuhen-witness

TEST_NAME=i18n
# shellcheck source=tests/util/daemon.sh
. tests/util/daemon.sh

require_bins "$VERIFY" "$WITNESS"
for tool in xgettext msgcmp msgfmt; do
    if ! command -v "$tool" >/dev/null; then
        echo "$TEST_NAME: $tool is missing: \`make deps\` installs Debian's gettext" >&2
        exit 1
    fi
done
if locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\?8'; then
    echo "note: zh_CN.UTF-8 is installed here: the LANGUAGE fallback is not exercised"
fi

# ---- the catalogues ----------------------------------------------------------

# The template, made again from the sources. The sub-make must not take the
# calling make's jobserver (it has none to give a test).
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory pot \
    POT="$TMP/liuhen.pot" >"$TMP/xgettext.out" 2>&1; then
    ok "make pot makes the template from the sources"
else
    fail "make pot failed:"
    sed 's/^/    /' "$TMP/xgettext.out" >&2
fi
undated() { grep -v '^"POT-Creation-Date: ' "$1"; }
if diff -u <(undated po/liuhen.pot) <(undated "$TMP/liuhen.pot") >"$TMP/pot.diff"; then
    ok "po/liuhen.pot is up to date ($(grep -c '^msgid ' po/liuhen.pot) entries)"
else
    fail "po/liuhen.pot is out of date: run \`make pot\`, then msgmerge --update po/zh_CN.po po/liuhen.pot and translate:"
    head -40 "$TMP/pot.diff" | sed 's/^/    /' >&2
fi

if msgcmp -N po/zh_CN.po "$TMP/liuhen.pot" >"$TMP/msgcmp.out" 2>&1; then
    ok "po/zh_CN.po translates every message of the sources"
else
    fail "po/zh_CN.po lacks translations (untranslated, fuzzy or missing):"
    grep -v 'warning: this message is not used' "$TMP/msgcmp.out" | head -40 | sed 's/^/    /' >&2
fi

if msgfmt --check --statistics -o /dev/null po/zh_CN.po >"$TMP/stats" 2>&1 &&
    grep -qx '[0-9]* translated messages\.' "$TMP/stats"; then
    ok "msgfmt --check: $(cat "$TMP/stats")"
else
    fail "msgfmt --check --statistics po/zh_CN.po: $(cat "$TMP/stats")"
fi

check "make compiled it: $BUILD/locale/zh_CN/LC_MESSAGES/liuhen.mo" \
    test -s "$ROOT/$BUILD/locale/zh_CN/LC_MESSAGES/liuhen.mo"

# ---- the language the programs choose -----------------------------------------

# speaks LANGUAGE NAME ENV... -- COMMAND...: the command's output (stdout and
# stderr), run by env(1) with exactly those locale variables (and env's
# other arguments, -C DIR), is in LANGUAGE: zh, it holds "用法：" and not
# "Usage:"; en, the reverse.
speaks() {
    local want=$1 name=$2
    shift 2
    local vars=()
    while [ "$1" != -- ]; do
        vars+=("$1")
        shift
    done
    shift
    env -u LANG -u LC_ALL -u LC_MESSAGES -u LANGUAGE "${vars[@]}" "$@" >"$TMP/out" 2>&1 || true
    local zh=0 en=0
    grep -q '用法：' "$TMP/out" && zh=1
    grep -q 'Usage:' "$TMP/out" && en=1
    if { [ "$want" = zh ] && [ $zh = 1 ] && [ $en = 0 ]; } ||
        { [ "$want" = en ] && [ $en = 1 ] && [ $zh = 0 ]; }; then
        ok "$name: $want"
    else
        fail "$name: not in $want:"
        head -5 "$TMP/out" | sed 's/^/    /' >&2
    fi
}

speaks zh "LANG=zh_CN.UTF-8 liuhen-verify --help" LANG=zh_CN.UTF-8 -- "$VERIFY" --help
speaks en "LANG=C liuhen-verify --help" LANG=C -- "$VERIFY" --help
speaks en "no locale variable at all" -- "$VERIFY" --help
speaks en "LANG=C.UTF-8" LANG=C.UTF-8 -- "$VERIFY" --help
speaks en "LANG=en_US.UTF-8 (an English locale, installed or not)" LANG=en_US.UTF-8 -- "$VERIFY" --help
speaks en "LC_ALL=C comes before LANG=zh_CN.UTF-8" LANG=zh_CN.UTF-8 LC_ALL=C -- "$VERIFY" --help
speaks zh "LC_MESSAGES=zh_CN.UTF-8 comes before LANG=C.UTF-8" LANG=C.UTF-8 LC_MESSAGES=zh_CN.UTF-8 \
    -- "$VERIFY" --help
speaks zh "LANGUAGE=zh_CN with LANG=C.UTF-8" LANG=C.UTF-8 LANGUAGE=zh_CN -- "$VERIFY" --help
speaks en "LANGUAGE=en comes before LANG=zh_CN.UTF-8" LANG=zh_CN.UTF-8 LANGUAGE=en -- "$VERIFY" --help
speaks zh "LANG=zh_CN (no codeset)" LANG=zh_CN -- "$VERIFY" --help
speaks zh "a usage error, in Chinese" LANG=zh_CN.UTF-8 -- "$VERIFY" --no-such-option
speaks en "a usage error, in English" LANG=C -- "$VERIFY" --no-such-option
speaks zh "LANG=zh_CN.UTF-8 liuhen-witness --help" LANG=zh_CN.UTF-8 -- "$WITNESS" --help
speaks en "LANG=C liuhen-witness --help" LANG=C -- "$WITNESS" --help

# The catalogues are found beside the binary, from any directory and through
# a symbolic link (/proc/self/exe names the binary itself).
mkdir "$TMP/bin"
ln -s "$VERIFY" "$TMP/bin/liuhen-verify"
speaks zh "from another directory, through a symbolic link" -C / LANG=zh_CN.UTF-8 -- \
    "$TMP/bin/liuhen-verify" --help

# Whatever the language, the output is UTF-8, and the English is free of
# the Chinese of the messages (the help's own citations, 民法典 第203条,
# aside).
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 "$VERIFY" --help >"$TMP/zh.txt"
check "the Chinese help is valid UTF-8" iconv -f UTF-8 -t UTF-8 -o /dev/null "$TMP/zh.txt"
check "the Chinese help names the options in Chinese" grep -q '^选项：$' "$TMP/zh.txt"
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=C "$VERIFY" --help >"$TMP/en.txt"
check "the English help has no Chinese label" bash -c "! grep -q -e '选项' -e '退出状态' '$TMP/en.txt'"

summary
