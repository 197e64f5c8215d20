#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 liuhen contributors
#
# tests/test_spdx.sh — every source file of the project opens with its
# licence (LICENSE: Apache License 2.0) as two SPDX tags, in the comment
# syntax of the file, as its first lines (after a "#!" line, or a
# "# shellcheck shell=" directive that stands in for one):
#
#   /* SPDX-License-Identifier: Apache-2.0 */                *.c, *.h
#   /* SPDX-FileCopyrightText: 2026 liuhen contributors */
#   // SPDX-License-Identifier: Apache-2.0                    *.proto
#   # SPDX-License-Identifier: Apache-2.0                     *.sh, *.awk, Makefile, .ci/run
#
# The source files are the *.c, *.h, *.sh, *.awk, *.proto, Makefile and
# .ci/run that git tracks or would track (new files count before they are
# added), or, outside a git checkout, that find finds; not build/ (generated
# code), tests/vectors/ (known-answer vectors from elsewhere) nor
# tests/fuzz/corpus/ (data).
#
#   bash tests/test_spdx.sh               the check: names every file without the header
#   bash tests/test_spdx.sh --add FILE... adds the header to those of the files that
#                                         lack it (only lines added; the file's mode kept);
#                                         paths from the repository's root
set -euo pipefail

cd "$(dirname "$0")/.."

LICENSE_ID='SPDX-License-Identifier: Apache-2.0'
COPYRIGHT='SPDX-FileCopyrightText: 2026 liuhen contributors'
# A later year, or a range of years, is as good.
COPYRIGHT_RE='SPDX-FileCopyrightText: [0-9]{4}(-[0-9]{4})? liuhen contributors'

# comment_of FILE: how the file writes a one-line comment, as "OPEN|CLOSE";
# nothing when the file is not a source file of the project.
comment_of() {
    case $1 in
    build/* | tests/vectors/* | tests/fuzz/corpus/*) ;;
    *.c | *.h) echo '/* | */' ;;
    *.proto) echo '// |' ;;
    *.sh | *.awk | Makefile | */Makefile | .ci/run) echo '# |' ;;
    esac
}

# header_line FILE: the number of the line the header starts on: 2 after a
# "#!" line or a shellcheck shell directive, 1 otherwise.
header_line() {
    local first=
    IFS= read -r first <"$1" || true
    case $first in
    '#!'* | '# shellcheck shell='*) echo 2 ;;
    *) echo 1 ;;
    esac
}

# tag_of FILE N: line N of FILE, its comment's opening and closing marks
# taken off; nothing when it is not such a one-line comment.
tag_of() {
    local c open close line
    c=$(comment_of "$1")
    open=${c%%|*}
    close=${c#*|}
    line=$(sed -n "$2p" "$1")
    if [[ $line == "$open"*"$close" ]]; then
        line=${line#"$open"}
        printf '%s\n' "${line%"$close"}"
    fi
}

# has_header FILE: its header lines are the two tags.
has_header() {
    local n
    n=$(header_line "$1")
    [[ $(tag_of "$1" "$n") == "$LICENSE_ID" ]] &&
        [[ $(tag_of "$1" $((n + 1))) =~ ^${COPYRIGHT_RE}$ ]]
}

# add_header FILE: the two tags inserted before the header line, nothing
# else changed. The file is rewritten in place (same inode, same mode).
add_header() {
    local f=$1 c open close n tmp
    c=$(comment_of "$f")
    open=${c%%|*}
    close=${c#*|}
    n=$(header_line "$f")
    tmp=$(mktemp)
    {
        if [ "$n" -eq 2 ]; then head -n 1 "$f"; fi
        printf '%s%s%s\n' "$open" "$LICENSE_ID" "$close" "$open" "$COPYRIGHT" "$close"
        tail -n +"$n" "$f"
    } >"$tmp"
    cat "$tmp" >"$f"
    rm -f "$tmp"
}

if [ "${1:-}" = --add ]; then
    shift
    for f in "$@"; do
        if [ ! -f "$f" ]; then
            echo "spdx: $f: no such file (paths are from the repository's root)" >&2
            exit 2
        fi
        if [ -z "$(comment_of "$f")" ]; then
            echo "spdx: $f: not a source file of the project (see tests/test_spdx.sh)" >&2
            exit 2
        fi
        if has_header "$f"; then continue; fi
        if grep -q 'SPDX-' "$f"; then
            echo "spdx: $f: has SPDX tags, but not as its header: fix it by hand" >&2
            exit 1
        fi
        add_header "$f"
        echo "spdx: header added to $f"
    done
    exit 0
fi

# The source files.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    list() { git ls-files --cached --others --exclude-standard; }
else
    list() { find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||'; }
fi
files=()
while IFS= read -r f; do
    if [ -f "$f" ] && [ -n "$(comment_of "$f")" ]; then files+=("$f"); fi
done < <(list | LC_ALL=C sort -u)

passed=0
failed=0
if grep -q 'Apache License' LICENSE && grep -q 'Version 2.0' LICENSE; then
    passed=$((passed + 1))
    echo "ok   LICENSE is the Apache License 2.0"
else
    failed=$((failed + 1))
    echo "FAIL LICENSE is not the Apache License 2.0 the headers name" >&2
fi

missing=()
for f in "${files[@]}"; do
    if ! has_header "$f"; then missing+=("$f"); fi
done
if [ "${#files[@]}" -lt 100 ]; then
    failed=$((failed + 1))
    echo "FAIL only ${#files[@]} source files found: is this the repository?" >&2
elif [ "${#missing[@]}" -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok   all ${#files[@]} source files open with the SPDX header"
else
    failed=$((failed + 1))
    echo "FAIL ${#missing[@]} of ${#files[@]} source files lack the SPDX header (the two tags" \
        "as their first comment lines; \`bash tests/test_spdx.sh --add FILE...\` adds it):" >&2
    printf '    %s\n' "${missing[@]}" >&2
fi

echo "spdx: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
