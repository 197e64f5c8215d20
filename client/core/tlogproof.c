/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * tlogproof.c — C2SP transparency log proofs (c2sp.org/tlog-proof): writing
 * and strict reading of the text. Section names in comments refer to that
 * document.
 */
#include "tlogproof.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "note.h"
#include "text.h"

_Static_assert(TLOGPROOF_HASHES_MAX <= MERKLE_MAX_PROOF, "an inclusion proof fits a merkle proof");

#define HEADER_LINE       TLOGPROOF_HEADER "\n"
#define HEADER_LEN        (sizeof HEADER_LINE - 1)
#define EXTRA_PREFIX      "extra "
#define INDEX_PREFIX      "index "
#define PREFIX_LEN        6 /* both prefixes */
#define HASH_B64_LEN      44
#define INDEX_DIGITS      20              /* 2^64-1 */
#define SIGLINE_START     "\xe2\x80\x94 " /* U+2014 and a space (signed-note "Format") */
#define SIGLINE_START_LEN 4

_Static_assert(sizeof EXTRA_PREFIX - 1 == PREFIX_LEN && sizeof INDEX_PREFIX - 1 == PREFIX_LEN,
               "prefix length");
_Static_assert(TEXT_B64_LEN(MERKLE_HASH_SIZE) == HASH_B64_LEN + 1, "hash line length");

static bool starts_with(const uint8_t *p, size_t len, const char *prefix, size_t n)
{
    return len >= n && memcmp(p, prefix, n) == 0;
}

/*
 * The line at in[*pos..len): its start and length without the newline, and
 * *pos moved past the newline.
 * @return 1 for a line; 0 at the end of the input; -1 for a last line
 *         without a newline.
 */
static int next_line(const uint8_t *in, size_t len, size_t *pos, const uint8_t **line, size_t *n)
{
    if (*pos >= len)
        return 0;
    const uint8_t *nl = memchr(in + *pos, '\n', len - *pos);
    if (nl == NULL)
        return -1;
    *line = in + *pos;
    *n = (size_t)(nl - *line);
    *pos += *n + 1;
    return 1;
}

/*
 * The length of the signed note at the start of p[0..len), as a tlog-proof
 * carries its checkpoint: non-empty text lines, an empty line, then
 * signature lines up to the first line that is not one, or the end. Only
 * the shape is read; checkpoint_open() verifies the rest.
 * @param[in] what   names the text in messages ("tlog-proof", "checkpoint").
 * @param[in] line0  the number of the note's first line in that text.
 */
static int note_extent(const uint8_t *p, size_t len, const char *what, size_t line0,
                       size_t *note_len, lh_err *err)
{
    size_t pos = 0, line = line0, ntext = 0, nsig = 0;
    const uint8_t *l;
    size_t n;
    int got;
    /* signed-note "Format": the text is one or more lines, each ending in a
     * newline; a checkpoint's text has no empty line (tlog-checkpoint). */
    for (;; line++) {
        if ((got = next_line(p, len, &pos, &l, &n)) <= 0)
            return lh_err_set(err, LH_EPARSE,
                              "%s line %zu: the checkpoint ends%s before the empty line that "
                              "follows its text",
                              what, line, got < 0 ? " without a newline" : "");
        if (pos > NOTE_MAX_SIZE)
            return lh_err_set(err, LH_ETOOBIG, "%s: the checkpoint is larger than %u bytes", what,
                              NOTE_MAX_SIZE);
        if (n == 0)
            break;
        ntext++;
    }
    if (ntext == 0)
        return lh_err_set(err, LH_EPARSE,
                          "%s line %zu: the checkpoint is empty: an empty line stands where its "
                          "origin should be",
                          what, line);
    /* signed-note "Format": one or more signature lines, "— " name " "
     * signature, each ending in a newline. */
    for (line++; pos < len && starts_with(p + pos, len - pos, SIGLINE_START, SIGLINE_START_LEN);
         line++) {
        if (next_line(p, len, &pos, &l, &n) < 0)
            return lh_err_set(err, LH_EPARSE,
                              "%s line %zu: the checkpoint's last signature line has no newline",
                              what, line);
        if (pos > NOTE_MAX_SIZE)
            return lh_err_set(err, LH_ETOOBIG, "%s: the checkpoint is larger than %u bytes", what,
                              NOTE_MAX_SIZE);
        nsig++;
    }
    if (nsig == 0)
        return lh_err_set(err, LH_EPARSE,
                          "%s line %zu: the checkpoint has no signature line (one starting with "
                          "\"— \") after the empty line that follows its text",
                          what, line);
    *note_len = pos;
    return 0;
}

int tlogproof_format(uint8_t *out, size_t cap, size_t *out_len, const tlogproof *p, lh_err *err)
{
    if (out_len == NULL || p == NULL || (out == NULL && cap > 0) || p->checkpoint == NULL)
        return lh_err_set(err, LH_EINVAL, "tlog-proof: NULL argument");
    if ((p->extra == NULL && p->extra_len > 0) || (!p->has_extra && p->extra_len > 0))
        return lh_err_set(err, LH_EINVAL, "tlog-proof: extra_len %zu without its extra data",
                          p->extra_len);
    if (p->nhashes > TLOGPROOF_HASHES_MAX)
        return lh_err_set(err, LH_EINVAL,
                          "tlog-proof: %zu inclusion proof hashes, more than the %d of any tree",
                          p->nhashes, TLOGPROOF_HASHES_MAX);
    size_t cp_len;
    int rc = note_extent(p->checkpoint, p->checkpoint_len, "checkpoint", 1, &cp_len, err);
    if (rc != 0)
        return rc;
    if (cp_len != p->checkpoint_len)
        return lh_err_set(err, LH_EPARSE,
                          "tlog-proof: %zu bytes follow the checkpoint's last signature line: it "
                          "must be one signed note",
                          p->checkpoint_len - cp_len);
    /* cp_len <= NOTE_MAX_SIZE: bounding extra_len keeps the sum below. */
    if (p->extra_len > SIZE_MAX / 4)
        return lh_err_set(err, LH_ETOOBIG, "tlog-proof: %zu bytes of extra data", p->extra_len);

    char index[INDEX_DIGITS + 1];
    size_t index_len = (size_t)snprintf(index, sizeof index, "%" PRIu64, p->index);
    size_t extra_b64 = TEXT_B64_LEN(p->extra_len) - 1;
    size_t need = HEADER_LEN + (p->has_extra ? PREFIX_LEN + extra_b64 + 1 : 0) + PREFIX_LEN +
                  index_len + 1 + p->nhashes * (HASH_B64_LEN + 1) + 1 + cp_len;
    *out_len = need;
    if (need > cap)
        return lh_err_set(err, LH_ELENGTH, "tlog-proof: output buffer of %zu bytes, %zu needed",
                          cap, need);

    size_t pos = 0;
    memcpy(out, HEADER_LINE, HEADER_LEN);
    pos += HEADER_LEN;
    if (p->has_extra) {
        memcpy(out + pos, EXTRA_PREFIX, PREFIX_LEN);
        pos += PREFIX_LEN;
        /* The NUL text_b64_encode() adds falls where the newline goes. */
        if (p->extra_len > 0)
            pos += text_b64_encode((char *)out + pos, p->extra, p->extra_len);
        out[pos++] = '\n';
    }
    memcpy(out + pos, INDEX_PREFIX, PREFIX_LEN);
    pos += PREFIX_LEN;
    memcpy(out + pos, index, index_len);
    pos += index_len;
    out[pos++] = '\n';
    for (size_t i = 0; i < p->nhashes; i++) {
        char b64[TEXT_B64_LEN(MERKLE_HASH_SIZE)];
        text_b64_encode(b64, p->hashes[i], MERKLE_HASH_SIZE);
        memcpy(out + pos, b64, HASH_B64_LEN);
        pos += HASH_B64_LEN;
        out[pos++] = '\n';
    }
    out[pos++] = '\n';
    memcpy(out + pos, p->checkpoint, cp_len);
    pos += cp_len;
    *out_len = pos;
    return 0;
}

/* "index" DECIMAL: ASCII digits, no sign, no leading zero but for "0". */
static int parse_index(const uint8_t *d, size_t n, size_t line, uint64_t *out, lh_err *err)
{
    int rc = text_decimal((const char *)d, n, out);
    if (rc == LH_ERANGE)
        return lh_err_set(err, rc, "tlog-proof line %zu: the index is above 2^64-1", line);
    if (rc != 0) {
        const char *why = n == 0 ? "has no number"
                          : strspn((const char *)d, "0123456789") >= n
                              ? "has a leading zero"
                              : "is not an ASCII decimal number";
        return lh_err_set(err, rc, "tlog-proof line %zu: the index line %s", line, why);
    }
    return 0;
}

int tlogproof_parse(const uint8_t *in, size_t len, uint8_t *extra, size_t extra_cap, tlogproof *out,
                    size_t *end, lh_err *err)
{
    if ((in == NULL && len > 0) || out == NULL || end == NULL || (extra == NULL && extra_cap > 0))
        return lh_err_set(err, LH_EINVAL, "tlog-proof: NULL argument");
    /* "Format": the first line MUST be the header. */
    if (len < HEADER_LEN || memcmp(in, HEADER_LINE, HEADER_LEN) != 0)
        return lh_err_set(err, LH_EPARSE,
                          "tlog-proof line 1: not a tlog-proof: the first line must be %s",
                          TLOGPROOF_HEADER);
    tlogproof p;
    memset(&p, 0, sizeof p);
    size_t pos = HEADER_LEN, line = 2, n;
    const uint8_t *l;
    int got = next_line(in, len, &pos, &l, &n);
    if (got <= 0)
        return lh_err_set(err, LH_EPARSE, "tlog-proof line 2: the index line is missing%s",
                          got < 0 ? " or has no newline" : "");

    /* "Format": the second line MAY be "extra" and base64 opaque data. */
    if (starts_with(l, n, EXTRA_PREFIX, PREFIX_LEN)) {
        const char *b64 = (const char *)l + PREFIX_LEN;
        size_t b64_len = n - PREFIX_LEN, got_len = 0;
        if (b64_len > 0) {
            int rc = text_b64_decode(extra, extra_cap, &got_len, b64, b64_len, 0);
            if (rc == LH_ELENGTH)
                return lh_err_set(err, LH_ETOOBIG,
                                  "tlog-proof line 2: the extra data is longer than the %zu bytes "
                                  "this reader takes",
                                  extra_cap);
            if (rc != 0)
                return lh_err_set(err, LH_EBASE64,
                                  "tlog-proof line 2: the extra data is not canonical standard "
                                  "base64 with padding");
        }
        p.has_extra = true;
        p.extra = extra;
        p.extra_len = got_len;
        line++;
        if ((got = next_line(in, len, &pos, &l, &n)) <= 0)
            return lh_err_set(err, LH_EPARSE, "tlog-proof line 3: the index line is missing%s",
                              got < 0 ? " or has no newline" : "");
    }

    /* "Format": "index" and the zero-based index, no leading zeroes. */
    if (!starts_with(l, n, INDEX_PREFIX, PREFIX_LEN))
        return lh_err_set(err, LH_EPARSE, "tlog-proof line %zu: expected \"index <decimal>\"%s",
                          line, line == 2 ? " or \"extra <base64>\"" : "");
    int rc = parse_index(l + PREFIX_LEN, n - PREFIX_LEN, line, &p.index, err);
    if (rc != 0)
        return rc;

    /* "Format": zero or more hashes, the leaf's sibling first, then an
     * empty line. */
    for (line++;; line++) {
        if ((got = next_line(in, len, &pos, &l, &n)) <= 0)
            return lh_err_set(err, LH_EPARSE,
                              "tlog-proof line %zu: the proof ends%s before the empty line that "
                              "precedes the checkpoint",
                              line, got < 0 ? " without a newline" : "");
        if (n == 0)
            break;
        if (p.nhashes == TLOGPROOF_HASHES_MAX)
            return lh_err_set(err, LH_ETOOBIG,
                              "tlog-proof line %zu: more than %d inclusion proof hashes, which no "
                              "tree of up to 2^64-1 entries needs",
                              line, TLOGPROOF_HASHES_MAX);
        size_t hlen;
        rc = text_b64_decode(p.hashes[p.nhashes], MERKLE_HASH_SIZE, &hlen, (const char *)l, n,
                             MERKLE_HASH_SIZE);
        if (rc != 0)
            return lh_err_set(err, rc,
                              "tlog-proof line %zu: inclusion proof hash %zu is not %s of 32 "
                              "bytes",
                              line, p.nhashes + 1,
                              rc == LH_ELENGTH ? "the base64" : "canonical standard base64");
        p.nhashes++;
    }

    /* "Format": the checkpoint, verbatim. */
    size_t cp_len;
    if ((rc = note_extent(in + pos, len - pos, "tlog-proof", line + 1, &cp_len, err)) != 0)
        return rc;
    p.checkpoint = in + pos;
    p.checkpoint_len = cp_len;
    *end = pos + cp_len;
    *out = p;
    return 0;
}
