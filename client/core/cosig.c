/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cosig.c — C2SP witness cosignatures, Ed25519 "cosignature/v1"
 * (c2sp.org/tlog-cosignature, note signature type 0x04). Section names in
 * comments refer to that document.
 */
#include "cosig.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

_Static_assert(COSIG_SIG_LEN == 8 + crypto_sign_BYTES, "timestamp and Ed25519 signature");

static void put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

int cosig_message(uint8_t *out, size_t cap, size_t *out_len, uint64_t timestamp,
                  const uint8_t *text, size_t text_len)
{
    if (out == NULL || out_len == NULL || (text == NULL && text_len > 0))
        return LH_EINVAL;
    /* "Format": the timestamp MUST NOT exceed 2^63 - 1. */
    if (timestamp > COSIG_TIMESTAMP_MAX)
        return LH_ERANGE;
    /* "Ed25519 signed message": the header line "cosignature/v1", the line
     * "time" SP decimal timestamp without leading zeroes, then the whole
     * note text including its final newline. */
    char header[COSIG_HEADER_MAX + 1];
    int n = snprintf(header, sizeof header, "cosignature/v1\ntime %" PRIu64 "\n", timestamp);
    if (n < 0 || (size_t)n > cap || text_len > cap - (size_t)n)
        return LH_ETOOBIG;
    memcpy(out, header, (size_t)n);
    if (text_len > 0)
        memcpy(out + n, text, text_len);
    *out_len = (size_t)n + text_len;
    return 0;
}

int cosig_verify_sig(const note_verifier *witness, const uint8_t *text, size_t text_len,
                     const uint8_t *sig, size_t sig_len, uint64_t *timestamp)
{
    if (witness == NULL || (text == NULL && text_len > 0) || sig == NULL || timestamp == NULL ||
        witness->type != NOTE_TYPE_COSIG)
        return LH_EINVAL;
    /* "Format": timestamped_signature = u64 timestamp (big-endian) || 64-byte Ed25519. */
    if (sig_len != COSIG_SIG_LEN)
        return LH_EBADSIG;
    uint64_t ts = get_be64(sig);
    if (ts > COSIG_TIMESTAMP_MAX)
        return LH_EBADSIG;
    /* A cosigned text is a checkpoint, so it is bounded and the message fits
     * on the stack. */
    if (text_len > CHECKPOINT_TEXT_MAX)
        return LH_EBADSIG;
    uint8_t msg[COSIG_MESSAGE_MAX];
    size_t msg_len = 0;
    if (cosig_message(msg, sizeof msg, &msg_len, ts, text, text_len) != 0)
        return LH_EBADSIG;
    if (crypto_sign_verify_detached(sig + 8, msg, msg_len, witness->pubkey) != 0)
        return LH_EBADSIG;
    *timestamp = ts;
    return 0;
}

int cosig_sign(const note_signer *witness, const uint8_t *text, size_t text_len, uint64_t timestamp,
               uint8_t *line, size_t cap, size_t *line_len, lh_err *err)
{
    if (witness == NULL || text == NULL || line == NULL || line_len == NULL)
        return lh_err_set(err, LH_EINVAL, "cosignature: NULL argument");
    if (witness->type != NOTE_TYPE_COSIG)
        return lh_err_set(err, LH_EALGO, "cosignature: witness key %.*s is not of type 0x04",
                          NOTE_NAME_MAX, witness->name);
    note_verifier v;
    if (note_signer_verifier(witness, &v) != 0)
        return lh_err_set(err, LH_EINVAL,
                          "cosignature: invalid witness signer (name, type or key id)");
    if (timestamp > COSIG_TIMESTAMP_MAX)
        return lh_err_set(err, LH_ERANGE, "cosignature: timestamp %" PRIu64 " exceeds 2^63-1",
                          timestamp);
    /* "Format": a cosignature is a note signature applied to a checkpoint;
     * a witness signs nothing else. */
    checkpoint cp;
    int rc = checkpoint_parse_text(text, text_len, &cp, err);
    if (rc != 0)
        return rc;

    uint8_t msg[COSIG_MESSAGE_MAX];
    size_t msg_len = 0;
    rc = cosig_message(msg, sizeof msg, &msg_len, timestamp, text, text_len);
    if (rc != 0)
        return lh_err_set(err, rc, "cosignature: cannot build the signed message");

    /* "Format": base64(key id || timestamp || Ed25519 signature of the message). */
    uint8_t raw[4 + COSIG_SIG_LEN];
    put_be32(raw, witness->keyid);
    put_be64(raw + 4, timestamp);
    crypto_sign_detached(raw + 12, NULL, msg, msg_len, witness->sk);
    /* minisign habit: check our own signature before handing it out. */
    uint64_t check = 0;
    if (cosig_verify_sig(&v, text, text_len, raw + 4, COSIG_SIG_LEN, &check) != 0 ||
        check != timestamp)
        return lh_err_set(err, LH_EINTERNAL,
                          "cosignature by %s does not verify with its own public key", v.name);

    char b64[TEXT_B64_LEN(sizeof raw)];
    size_t b64_len = text_b64_encode(b64, raw, sizeof raw);
    size_t name_len = strlen(v.name);
    size_t need = 4 + name_len + 1 + b64_len + 1;
    if (need > cap)
        return lh_err_set(err, LH_ETOOBIG, "cosignature: output buffer of %zu bytes, %zu needed",
                          cap, need);
    /* signed-note "Format": em dash, space, key name, space, base64, newline. */
    size_t pos = 0;
    memcpy(line, "\xe2\x80\x94 ", 4);
    pos += 4;
    memcpy(line + pos, v.name, name_len);
    pos += name_len;
    line[pos++] = ' ';
    memcpy(line + pos, b64, b64_len);
    pos += b64_len;
    line[pos++] = '\n';
    *line_len = pos;
    return 0;
}

int cosig_append(const uint8_t *note, size_t note_len, const note_verifier *log_key,
                 const note_signer *witness, uint64_t timestamp, uint8_t *out, size_t cap,
                 size_t *out_len, lh_err *err)
{
    if (note == NULL || log_key == NULL || witness == NULL || out == NULL || out_len == NULL)
        return lh_err_set(err, LH_EINVAL, "cosignature: NULL argument");
    if (witness->keyid == log_key->keyid &&
        strncmp(witness->name, log_key->name, sizeof witness->name) == 0)
        return lh_err_set(err, LH_EINVAL, "cosignature: the witness key is the log key");

    /* Cosign only what the log signed. */
    checkpoint_opened co;
    int rc = checkpoint_open(note, note_len, log_key, NULL, 0, &co, err);
    if (rc != 0)
        return rc;
    uint8_t line[NOTE_SIGLINE_MAX];
    size_t line_len = 0;
    rc = cosig_sign(witness, co.note.text, co.note.text_len, timestamp, line, sizeof line,
                    &line_len, err);
    if (rc != 0)
        return rc;

    /* Keep every line but an earlier one by this witness (Go's note.Sign). */
    size_t wname_len = strlen(witness->name);
    bool keep[NOTE_MAX_SIGS];
    size_t nkept = 0;
    size_t need = co.note.text_len + 1 + line_len;
    for (size_t i = 0; i < co.note.nsigs; i++) {
        const note_sig *s = &co.note.sigs[i];
        keep[i] = !(s->keyid == witness->keyid && s->name_len == wname_len &&
                    memcmp(s->name, witness->name, wname_len) == 0);
        if (keep[i]) {
            nkept++;
            /* The line is "— " name " " b64 "\n". */
            need += 4 + s->name_len + 1 + s->b64_len + 1;
        }
    }
    if (nkept + 1 > NOTE_MAX_SIGS)
        return lh_err_set(err, LH_ETOOMANYSIGS,
                          "cosignature: the note already has %zu signature lines", nkept);
    if (need > NOTE_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "cosignature: the note would be %zu bytes, more than %u",
                          need, NOTE_MAX_SIZE);
    if (need > cap)
        return lh_err_set(err, LH_ETOOBIG, "cosignature: output buffer of %zu bytes, %zu needed",
                          cap, need);
    if (out < note + note_len && note < out + cap)
        return lh_err_set(err, LH_EINVAL, "cosignature: output buffer overlaps the note");

    size_t pos = 0;
    memcpy(out, co.note.text, co.note.text_len);
    pos += co.note.text_len;
    out[pos++] = '\n';
    for (size_t i = 0; i < co.note.nsigs; i++) {
        if (!keep[i])
            continue;
        const note_sig *s = &co.note.sigs[i];
        const uint8_t *start = (const uint8_t *)s->name - 4;
        size_t n = 4 + s->name_len + 1 + s->b64_len + 1;
        memcpy(out + pos, start, n);
        pos += n;
    }
    memcpy(out + pos, line, line_len);
    pos += line_len;
    *out_len = pos;
    return 0;
}
