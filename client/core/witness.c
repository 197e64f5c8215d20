/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * witness.c — C2SP tlog-witness bodies and rules (witness.h).
 */
#include "witness.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "quote.h"
#include "text.h"

/* "— " in UTF-8: U+2014 and a space. */
static const char SIG_PREFIX[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN (sizeof SIG_PREFIX - 1)

/* A decimal without leading zeroes ("0" alone for zero) in s[0..len). */
static bool parse_decimal(const uint8_t *s, size_t len, uint64_t *out)
{
    return text_decimal((const char *)s, len, out) == 0;
}

/* The line starting at *pos (without its '\n'); false when no '\n' ends it. */
static bool next_line(const uint8_t *body, size_t len, size_t *pos, const uint8_t **line,
                      size_t *line_len)
{
    const uint8_t *start = body + *pos;
    const uint8_t *nl = memchr(start, '\n', len - *pos);
    if (nl == NULL)
        return false;
    *line = start;
    *line_len = (size_t)(nl - start);
    *pos += *line_len + 1;
    return true;
}

int witness_request_parse(const uint8_t *body, size_t len, witness_request *out, lh_err *err)
{
    memset(out, 0, sizeof *out);
    if (len > WITNESS_REQUEST_MAX)
        return lh_err_set(err, LH_ETOOBIG, "request: %zu bytes, more than %u", len,
                          WITNESS_REQUEST_MAX);
    size_t pos = 0;
    const uint8_t *line;
    size_t n;
    if (!next_line(body, len, &pos, &line, &n) || n < 5 || memcmp(line, "old ", 4) != 0 ||
        !parse_decimal(line + 4, n - 4, &out->old_size))
        return lh_err_set(err, LH_EPARSE,
                          "request: the first line must be \"old\", a space and the old tree size "
                          "in decimal without leading zeroes");
    for (;;) {
        if (!next_line(body, len, &pos, &line, &n))
            return lh_err_set(err, LH_EPARSE,
                              "request: no empty line between the consistency proof and the "
                              "checkpoint");
        if (n == 0)
            break;
        if (out->nproof == WITNESS_PROOF_MAX)
            return lh_err_set(err, LH_ETOOBIG, "request: more than %d consistency proof lines",
                              WITNESS_PROOF_MAX);
        size_t got;
        if (text_b64_decode(out->proof[out->nproof], MERKLE_HASH_SIZE, &got, (const char *)line, n,
                            MERKLE_HASH_SIZE) != 0)
            return lh_err_set(err, LH_EPARSE,
                              "request: consistency proof line %zu is not one hash in base64",
                              out->nproof + 1);
        out->nproof++;
    }
    if (pos == len)
        return lh_err_set(err, LH_EPARSE, "request: no checkpoint after the empty line");
    out->note = body + pos;
    out->note_len = len - pos;
    return 0;
}

int witness_request_format(uint64_t old_size, const uint8_t (*proof)[MERKLE_HASH_SIZE],
                           size_t nproof, const uint8_t *note, size_t note_len, uint8_t *out,
                           size_t cap, size_t *out_len)
{
    if (nproof > WITNESS_PROOF_MAX)
        return LH_EINVAL;
    char head[32];
    int h = snprintf(head, sizeof head, "old %" PRIu64 "\n", old_size);
    size_t need = (size_t)h + nproof * (TEXT_B64_LEN(MERKLE_HASH_SIZE) - 1 + 1) + 1 + note_len;
    if (need > cap)
        return LH_ETOOBIG;
    size_t at = 0;
    memcpy(out, head, (size_t)h);
    at += (size_t)h;
    for (size_t i = 0; i < nproof; i++) {
        char b64[TEXT_B64_LEN(MERKLE_HASH_SIZE)];
        size_t bn = text_b64_encode(b64, proof[i], MERKLE_HASH_SIZE);
        memcpy(out + at, b64, bn);
        at += bn;
        out[at++] = '\n';
    }
    out[at++] = '\n';
    memcpy(out + at, note, note_len);
    at += note_len;
    *out_len = at;
    return 0;
}

__attribute__((format(printf, 3, 4))) static int judge(witness_verdict *v, int status,
                                                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->reason, sizeof v->reason, fmt, ap);
    va_end(ap);
    v->status = status;
    return 0;
}

int witness_check(const witness_log *logs, size_t nlogs, const witness_request *rq,
                  witness_verdict *v)
{
    if (logs == NULL && nlogs > 0)
        return LH_EINVAL;
    if (rq == NULL || v == NULL)
        return LH_EINVAL;
    memset(v, 0, sizeof *v);

    /* The origin: the note's first line, before anything is verified. */
    const uint8_t *nl = memchr(rq->note, '\n', rq->note_len);
    if (nl == NULL)
        return judge(v, WITNESS_BAD_REQUEST, "the checkpoint has no origin line");
    size_t olen = (size_t)(nl - rq->note);
    const witness_log *log = NULL;
    for (size_t i = 0; i < nlogs; i++) {
        if (strlen(logs[i].key.name) == olen && memcmp(logs[i].key.name, rq->note, olen) == 0) {
            log = &logs[i];
            v->log = i;
            break;
        }
    }
    char shown[128];
    if (log == NULL) {
        quote_escape(shown, sizeof shown, (const char *)rq->note, olen, 64, false);
        return judge(v, WITNESS_NOT_FOUND,
                     "unknown origin \"%s\": this witness does not witness it", shown);
    }
    const char *origin = log->key.name;

    /* A signature of the log's key: the only one that counts. */
    checkpoint_opened op;
    lh_err e = {{0}};
    int rc = checkpoint_open(rq->note, rq->note_len, &log->key, NULL, 0, &op, &e);
    if (rc == LH_ENOKEY || rc == LH_EBADSIG)
        return judge(v, WITNESS_FORBIDDEN, "%s: no valid signature of the log's key: %s", origin,
                     e.msg);
    if (rc != 0)
        return judge(v, WITNESS_BAD_REQUEST, "%s: not a checkpoint: %s", origin, e.msg);
    v->cp = op.cp;
    uint64_t size = op.cp.size;

    if (rq->old_size > size)
        return judge(v, WITNESS_BAD_REQUEST,
                     "%s: the old size %" PRIu64 " is larger than the checkpoint's size %" PRIu64,
                     origin, rq->old_size, size);
    uint64_t latest = log->cosigned ? log->size : 0;
    if (rq->old_size != latest) {
        v->latest = latest;
        return judge(v, WITNESS_CONFLICT,
                     "%s: the old size %" PRIu64 " is not the size of the latest cosigned "
                     "checkpoint, %" PRIu64,
                     origin, rq->old_size, latest);
    }
    if (log->cosigned && size == latest) {
        if (memcmp(op.cp.root, log->root, MERKLE_HASH_SIZE) != 0) {
            v->latest = latest;
            v->misbehaviour = true;
            return judge(v, WITNESS_CONFLICT,
                         "%s: a checkpoint of size %" PRIu64
                         " with another root than the one cosigned: the log has forked",
                         origin, size);
        }
        if (rq->nproof != 0)
            return judge(v, WITNESS_UNPROCESSABLE,
                         "%s: a consistency proof between equal sizes must be empty", origin);
        return judge(v, WITNESS_OK, "%s: size %" PRIu64 " cosigned again", origin, size);
    }
    /* From size 0 the proof must be empty (tlog-witness), whether nothing
     * was cosigned yet or the empty tree was: a malformed request, not a
     * sign that the log forked. */
    if (latest == 0 && rq->nproof != 0)
        return judge(v, WITNESS_UNPROCESSABLE, "%s: a consistency proof from size 0 must be empty",
                     origin);
    if (!log->cosigned) {
        /* Every tree extends the empty one, whose root is SHA-256 of
         * nothing (merkle.h): a checkpoint of size 0 with another root is
         * false, and cosigning it would make every later checkpoint of the
         * log look like a fork. */
        uint8_t empty[MERKLE_HASH_SIZE];
        merkle_empty_root(empty);
        if (size == 0 && memcmp(op.cp.root, empty, MERKLE_HASH_SIZE) != 0) {
            v->misbehaviour = true;
            return judge(v, WITNESS_UNPROCESSABLE,
                         "%s: a checkpoint of size 0 whose root is not the empty tree's", origin);
        }
        return judge(v, WITNESS_OK, "%s: first checkpoint, size %" PRIu64 ", cosigned", origin,
                     size);
    }
    if (merkle_verify_consistency(rq->proof[0], rq->nproof, latest, size, log->root, op.cp.root) !=
        0) {
        v->latest = latest;
        v->misbehaviour = true;
        return judge(v, WITNESS_UNPROCESSABLE,
                     "%s: the consistency proof from the cosigned size %" PRIu64 " to %" PRIu64
                     " does not verify: the checkpoint is not an extension of "
                     "what was cosigned",
                     origin, latest, size);
    }
    return judge(v, WITNESS_OK, "%s: size %" PRIu64 " cosigned (from %" PRIu64 ")", origin, size,
                 latest);
}

int witness_conflict_size(const uint8_t *body, size_t len, uint64_t *size)
{
    if (len < 2 || body[len - 1] != '\n' || !parse_decimal(body, len - 1, size))
        return LH_EPARSE;
    return 0;
}

int witness_response_cosig(const uint8_t *note, size_t note_len, const note_verifier *log_key,
                           const note_verifier *witness, const uint8_t *body, size_t body_len,
                           uint8_t *line, size_t cap, size_t *line_len, uint64_t *timestamp,
                           lh_err *err)
{
    if (body_len == 0 || body[body_len - 1] != '\n')
        return lh_err_set(err, LH_EPARSE, "the answer is not signature lines");
    for (size_t pos = 0; pos < body_len;) {
        const uint8_t *l;
        size_t n;
        if (!next_line(body, body_len, &pos, &l, &n) || n <= SIG_PREFIX_LEN ||
            memcmp(l, SIG_PREFIX, SIG_PREFIX_LEN) != 0)
            return lh_err_set(err, LH_EPARSE, "the answer is not signature lines");
    }
    /* The answer appended to the checkpoint is a note with more lines. */
    static const size_t room = WITNESS_REQUEST_MAX;
    if (note_len + body_len > room)
        return lh_err_set(err, LH_ETOOBIG, "the checkpoint and the answer exceed %zu bytes", room);
    uint8_t full[WITNESS_REQUEST_MAX];
    memcpy(full, note, note_len);
    memcpy(full + note_len, body, body_len);
    checkpoint_opened op;
    lh_err e = {{0}};
    int rc = checkpoint_open(full, note_len + body_len, log_key, witness, 1, &op, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "the cosigned checkpoint does not verify: %s", e.msg);
    for (size_t i = 0; i < op.note.nsigned; i++) {
        const note_signed *s = &op.note.signer[i];
        if (s->key != 1)
            continue;
        const note_sig *sig = &op.note.sigs[s->line];
        size_t need = SIG_PREFIX_LEN + sig->name_len + 1 + sig->b64_len + 1;
        if (need > cap)
            return lh_err_set(err, LH_ETOOBIG, "the cosignature line is too long");
        size_t at = 0;
        memcpy(line, SIG_PREFIX, SIG_PREFIX_LEN);
        at += SIG_PREFIX_LEN;
        memcpy(line + at, sig->name, sig->name_len);
        at += sig->name_len;
        line[at++] = ' ';
        memcpy(line + at, sig->b64, sig->b64_len);
        at += sig->b64_len;
        line[at++] = '\n';
        *line_len = at;
        *timestamp = s->timestamp;
        return 0;
    }
    return lh_err_set(err, LH_ENOKEY, "the answer holds no cosignature of the witness %s",
                      witness->name);
}
