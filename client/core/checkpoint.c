/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * checkpoint.c — C2SP transparency log checkpoints (c2sp.org/tlog-checkpoint):
 * formatting and strict parsing of the note text, signing by the log and
 * opening with the log key and witness keys. Section names in comments refer
 * to that document.
 */
#include "checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

_Static_assert(TEXT_B64_LEN(CHECKPOINT_HASH_LEN) == 44 + 1, "CHECKPOINT_TEXT_MAX root length");

/* A field of the checkpoint structure: non-empty UTF-8 without any control character. */
static bool field_ok(const char *s, size_t len)
{
    return len > 0 && text_utf8_valid((const uint8_t *)s, len) &&
           !text_has_control((const uint8_t *)s, len, false);
}

int checkpoint_format(uint8_t *out, size_t cap, size_t *out_len, const checkpoint *cp, lh_err *err)
{
    if (out == NULL || out_len == NULL || cp == NULL)
        return lh_err_set(err, LH_EINVAL, "checkpoint: NULL argument");
    /* "Note text": the origin MUST be non-empty; no line holds a newline. */
    size_t origin_len = strnlen(cp->origin, sizeof cp->origin);
    if (origin_len > CHECKPOINT_ORIGIN_MAX || !field_ok(cp->origin, origin_len))
        return lh_err_set(err, LH_EFIELD,
                          "checkpoint: origin is empty, too long, not UTF-8 or holds a control "
                          "character");
    if (cp->next > CHECKPOINT_EXT_MAX)
        return lh_err_set(err, LH_EFIELD, "checkpoint: %zu extension lines, more than %d", cp->next,
                          CHECKPOINT_EXT_MAX);
    size_t ext_len[CHECKPOINT_EXT_MAX];
    for (size_t i = 0; i < cp->next; i++) {
        ext_len[i] = strnlen(cp->ext[i], sizeof cp->ext[i]);
        /* "Note text": extension lines, if any, MUST be non-empty. */
        if (ext_len[i] > CHECKPOINT_EXT_LINE_MAX || !field_ok(cp->ext[i], ext_len[i]))
            return lh_err_set(err, LH_EFIELD,
                              "checkpoint %s: extension line %zu is empty, too long, not UTF-8 "
                              "or holds a control character",
                              cp->origin, i + 1);
    }

    /* "Note text": the size in ASCII decimal without leading zeroes, the root in base64. */
    char size[21];
    char root[TEXT_B64_LEN(CHECKPOINT_HASH_LEN)];
    size_t size_len = (size_t)snprintf(size, sizeof size, "%" PRIu64, cp->size);
    size_t root_len = text_b64_encode(root, cp->root, CHECKPOINT_HASH_LEN);
    size_t need = origin_len + 1 + size_len + 1 + root_len + 1;
    for (size_t i = 0; i < cp->next; i++)
        need += ext_len[i] + 1;
    if (need > cap)
        return lh_err_set(err, LH_ETOOBIG, "checkpoint: output buffer of %zu bytes, %zu needed",
                          cap, need);

    size_t pos = 0;
    memcpy(out + pos, cp->origin, origin_len);
    pos += origin_len;
    out[pos++] = '\n';
    memcpy(out + pos, size, size_len);
    pos += size_len;
    out[pos++] = '\n';
    memcpy(out + pos, root, root_len);
    pos += root_len;
    out[pos++] = '\n';
    for (size_t i = 0; i < cp->next; i++) {
        memcpy(out + pos, cp->ext[i], ext_len[i]);
        pos += ext_len[i];
        out[pos++] = '\n';
    }
    *out_len = pos;
    return 0;
}

/*
 * "Note text" line 2: the ASCII decimal number of leaves with no leading
 * zeroes (except "0" for the empty tree): no sign, no space, 64 bits.
 */
static int parse_size(const uint8_t *s, size_t len, uint64_t *size, lh_err *err)
{
    int rc = text_decimal((const char *)s, len, size);
    if (rc == LH_ERANGE)
        return lh_err_set(err, rc, "checkpoint: tree size does not fit in 64 bits");
    if (rc != 0)
        return lh_err_set(err, rc,
                          "checkpoint: tree size is not a decimal number without leading zeroes");
    return 0;
}

int checkpoint_parse_text(const uint8_t *text, size_t len, checkpoint *out, lh_err *err)
{
    if (text == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "checkpoint: NULL argument");
    if (len > CHECKPOINT_TEXT_MAX)
        return lh_err_set(err, LH_ETOOBIG, "checkpoint: text of %zu bytes, more than %d", len,
                          CHECKPOINT_TEXT_MAX);
    /* A checkpoint is a signed note text (signed-note "Format"): UTF-8,
     * no control character but newline. */
    if (!text_utf8_valid(text, len))
        return lh_err_set(err, LH_EUTF8, "checkpoint: invalid UTF-8");
    if (text_has_control(text, len, true))
        return lh_err_set(err, LH_ECTRL, "checkpoint: control character in the text");
    /* "Note text": lines separated by newlines; a note text ends in one. */
    if (len == 0 || text[len - 1] != '\n')
        return lh_err_set(err, LH_EPARSE, "checkpoint: the text does not end in a newline");

    checkpoint tmp;
    memset(&tmp, 0, sizeof tmp);
    size_t nlines = 0;
    for (size_t p = 0; p < len; nlines++) {
        const uint8_t *nl = memchr(text + p, '\n', len - p);
        size_t end = (size_t)(nl - text);
        const uint8_t *line = text + p;
        size_t line_len = end - p;
        p = end + 1;
        /* "Note text": a sequence of at least three non-empty lines. */
        if (line_len == 0)
            return lh_err_set(err, LH_EPARSE, "checkpoint: line %zu is empty", nlines + 1);
        int rc = 0;
        size_t n = 0;
        uint8_t root[CHECKPOINT_HASH_LEN + 3];
        switch (nlines) {
        case 0:
            if (line_len > CHECKPOINT_ORIGIN_MAX)
                return lh_err_set(err, LH_ETOOBIG, "checkpoint: origin of %zu bytes, more than %d",
                                  line_len, CHECKPOINT_ORIGIN_MAX);
            memcpy(tmp.origin, line, line_len);
            break;
        case 1:
            rc = parse_size(line, line_len, &tmp.size, err);
            if (rc != 0)
                return rc;
            break;
        case 2:
            /* "Note text" line 3: the base64 root hash; strictly canonical
             * padded base64 of exactly 32 bytes (Go's ParseTree is laxer).
             * Decode with room to spare, so that a malformed 44-character
             * field is reported as bad base64 rather than as a length. */
            rc = text_b64_decode(root, sizeof root, &n, (const char *)line, line_len, 1);
            if (rc == LH_EBASE64)
                return lh_err_set(
                    err, rc, "checkpoint %s: root hash is not canonical padded base64", tmp.origin);
            if (rc != 0 || n != CHECKPOINT_HASH_LEN)
                return lh_err_set(err, LH_ELENGTH, "checkpoint %s: root hash is not %d bytes",
                                  tmp.origin, CHECKPOINT_HASH_LEN);
            memcpy(tmp.root, root, CHECKPOINT_HASH_LEN);
            break;
        default:
            /* "Note text": extension lines are opaque; liuhen keeps a bounded number. */
            if (tmp.next == CHECKPOINT_EXT_MAX)
                return lh_err_set(err, LH_ETOOBIG, "checkpoint %s: more than %d extension lines",
                                  tmp.origin, CHECKPOINT_EXT_MAX);
            if (line_len > CHECKPOINT_EXT_LINE_MAX)
                return lh_err_set(err, LH_ETOOBIG,
                                  "checkpoint %s: extension line of %zu bytes, more than %d",
                                  tmp.origin, line_len, CHECKPOINT_EXT_LINE_MAX);
            memcpy(tmp.ext[tmp.next++], line, line_len);
            break;
        }
    }
    if (nlines < 3)
        return lh_err_set(err, LH_EPARSE,
                          "checkpoint: %zu lines, but origin, size and root hash are required",
                          nlines);
    *out = tmp;
    return 0;
}

int checkpoint_sign(const checkpoint *cp, const note_signer *log, uint8_t *out, size_t cap,
                    size_t *out_len, lh_err *err)
{
    if (cp == NULL || log == NULL || out == NULL || out_len == NULL)
        return lh_err_set(err, LH_EINVAL, "checkpoint: NULL argument");
    if (log->type != NOTE_TYPE_ED25519)
        return lh_err_set(err, LH_EALGO, "checkpoint: log key %.*s is not an Ed25519 note key",
                          NOTE_NAME_MAX, log->name);
    uint8_t text[CHECKPOINT_TEXT_MAX];
    size_t text_len = 0;
    int rc = checkpoint_format(text, sizeof text, &text_len, cp, err);
    if (rc != 0)
        return rc;
    /* "Signatures": the log's key name SHOULD match the origin line; liuhen requires it. */
    if (strncmp(log->name, cp->origin, sizeof log->name) != 0)
        return lh_err_set(err, LH_EORIGIN, "checkpoint %s: the log key is named %.*s", cp->origin,
                          NOTE_NAME_MAX, log->name);
    return note_sign(text, text_len, log, 1, out, cap, out_len, err);
}

int checkpoint_open(const uint8_t *note, size_t len, const note_verifier *log_key,
                    const note_verifier *witnesses, size_t nwitnesses, checkpoint_opened *out,
                    lh_err *err)
{
    if (note == NULL || log_key == NULL || out == NULL || (nwitnesses > 0 && witnesses == NULL))
        return lh_err_set(err, LH_EINVAL, "checkpoint: NULL argument");
    if (nwitnesses > CHECKPOINT_WITNESS_MAX)
        return lh_err_set(err, LH_EINVAL, "checkpoint: %zu witness keys, more than %d", nwitnesses,
                          CHECKPOINT_WITNESS_MAX);
    if (log_key->type != NOTE_TYPE_ED25519)
        return lh_err_set(err, LH_EALGO, "checkpoint: log key %.*s is not an Ed25519 note key",
                          NOTE_NAME_MAX, log_key->name);

    /* Known keys: the log first (index 0), then witness i at index 1 + i. */
    const note_verifier *keys[1 + CHECKPOINT_WITNESS_MAX];
    keys[0] = log_key;
    for (size_t i = 0; i < nwitnesses; i++) {
        if (witnesses[i].keyid == log_key->keyid &&
            strncmp(witnesses[i].name, log_key->name, sizeof log_key->name) == 0)
            return lh_err_set(err, LH_EINVAL, "checkpoint: witness %zu is the log key", i);
        keys[1 + i] = &witnesses[i];
    }

    checkpoint_opened o;
    memset(&o, 0, sizeof o);
    int rc = note_open_keys(note, len, keys, 1 + nwitnesses, &o.note, err);
    if (rc != 0)
        return rc;
    bool log_signed = false;
    for (size_t j = 0; j < o.note.nsigned; j++) {
        const note_signed *s = &o.note.signer[j];
        if (s->key == 0) {
            log_signed = true;
            continue;
        }
        o.cosigner[o.ncosigners].witness = s->key - 1;
        o.cosigner[o.ncosigners].timestamp = s->timestamp;
        o.ncosigners++;
    }
    /* A checkpoint is the log's statement: witness signatures alone are not one. */
    if (!log_signed)
        return lh_err_set(err, LH_ENOKEY, "checkpoint: not signed by the log key %.*s",
                          NOTE_NAME_MAX, log_key->name);
    rc = checkpoint_parse_text(o.note.text, o.note.text_len, &o.cp, err);
    if (rc != 0)
        return rc;
    /* "Signatures": key name SHOULD match the origin; liuhen requires it. */
    if (strncmp(o.cp.origin, log_key->name, sizeof o.cp.origin) != 0)
        return lh_err_set(err, LH_EORIGIN, "checkpoint %s: the log key is named %.*s", o.cp.origin,
                          NOTE_NAME_MAX, log_key->name);
    *out = o;
    return 0;
}
