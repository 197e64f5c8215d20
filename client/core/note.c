/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * note.c — C2SP signed notes (c2sp.org/signed-note): verifier and signer
 * keys, note_sign() and note_open(). Section names in comments refer to
 * that document; "Go" is golang.org/x/mod/sumdb/note, whose key formats
 * are used.
 */
#include "note.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cosig.h"
#include "text.h"

_Static_assert(NOTE_PUBKEY_LEN == crypto_sign_PUBLICKEYBYTES, "Ed25519 public key length");
_Static_assert(NOTE_SECRETKEY_LEN == crypto_sign_SECRETKEYBYTES, "Ed25519 secret key length");
_Static_assert(NOTE_SEED_LEN == crypto_sign_SEEDBYTES, "Ed25519 seed length");
_Static_assert(NOTE_ED25519_SIG_LEN == crypto_sign_BYTES, "Ed25519 signature length");
_Static_assert(NOTE_SIG_MAX == COSIG_SIG_LEN, "a cosignature is the longest known signature");
_Static_assert(TEXT_B64_LEN(4 + NOTE_SIG_MAX) == 104 + 1, "NOTE_SIGLINE_MAX base64 length");
_Static_assert(TEXT_B64_LEN(1 + NOTE_PUBKEY_LEN) == 44 + 1, "NOTE_VKEY_MAX base64 length");

/* "Format": a signature line starts with an em dash (U+2014) and a space. */
static const char sig_prefix[] = "\xe2\x80\x94 ";
#define SIG_PREFIX_LEN 4

/* A key as stored in a vkey or skey string: the type byte, then 32 bytes. */
#define KEY_FIELD_LEN (1 + NOTE_PUBKEY_LEN)

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

bool note_name_valid(const char *name, size_t name_len)
{
    const uint8_t *s = (const uint8_t *)name;
    if (name == NULL || name_len == 0 || !text_utf8_valid(s, name_len))
        return false;
    for (size_t i = 0; i < name_len;) {
        uint32_t cp = text_utf8_next(s, name_len, &i);
        /* "Format": key names MUST NOT contain any Unicode spaces (the
         * White_Space set Go's unicode.IsSpace tests, so that a name Go
         * refuses is refused here too) nor a plus; liuhen also refuses
         * C0, DEL and C1 controls, which no reasonable key name holds. */
        if (cp == '+' || text_is_control(cp) || text_is_space(cp))
            return false;
    }
    return true;
}

uint32_t note_keyid(const char *name, size_t name_len, uint8_t type,
                    const uint8_t pubkey[NOTE_PUBKEY_LEN])
{
    /* "Signatures": key ID = SHA-256(key name || 0x0A || type || public key)[:4]. */
    static const uint8_t newline = '\n';
    crypto_hash_sha256_state st;
    uint8_t h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)name, name_len);
    crypto_hash_sha256_update(&st, &newline, 1);
    crypto_hash_sha256_update(&st, &type, 1);
    crypto_hash_sha256_update(&st, pubkey, NOTE_PUBKEY_LEN);
    crypto_hash_sha256_final(&st, h);
    return get_be32(h);
}

static bool type_supported(uint8_t type)
{
    return type == NOTE_TYPE_ED25519 || type == NOTE_TYPE_COSIG;
}

/* Check a key name for a key structure: valid and at most NOTE_NAME_MAX bytes. */
static int check_key_name(const char *name, size_t name_len, const char *what, lh_err *err)
{
    if (name_len > NOTE_NAME_MAX)
        return lh_err_set(err, LH_ETOOBIG, "%s: key name of %zu bytes, longer than %d", what,
                          name_len, NOTE_NAME_MAX);
    if (!note_name_valid(name, name_len))
        return lh_err_set(err, LH_EPARSE,
                          "%s: invalid key name (empty, '+', space, control character or bad "
                          "UTF-8)",
                          what);
    return 0;
}

/* The name and type of a key being made: check_key_name(), then a type
 * this module signs and verifies (LH_EALGO otherwise). */
static int check_new_key(const char *name, size_t name_len, uint8_t type, const char *what)
{
    int rc = check_key_name(name, name_len, what, NULL);
    if (rc != 0)
        return rc;
    return type_supported(type) ? 0 : LH_EALGO;
}

int note_verifier_init(note_verifier *out, const char *name, size_t name_len, uint8_t type,
                       const uint8_t pubkey[NOTE_PUBKEY_LEN])
{
    if (out == NULL || name == NULL || pubkey == NULL)
        return LH_EINVAL;
    int rc = check_new_key(name, name_len, type, "verifier");
    if (rc != 0)
        return rc;
    note_verifier v;
    memset(&v, 0, sizeof v);
    memcpy(v.name, name, name_len);
    v.type = type;
    memcpy(v.pubkey, pubkey, NOTE_PUBKEY_LEN);
    v.keyid = note_keyid(name, name_len, type, pubkey);
    *out = v;
    return 0;
}

/*
 * Split "<name>+<8 hex>+<base64(type || 32 bytes)>" as Go's NewVerifier and
 * NewSigner do: the name ends at the first '+' (names hold none), the key id
 * is exactly 8 hex digits (lowercase only here), the rest is canonical base64
 * of exactly 33 bytes whose first byte is a supported type. key receives
 * those 33 bytes; for a signer key they are secret and the caller wipes them.
 */
static int parse_key_fields(const char *s, size_t len, const char *what,
                            char name[NOTE_NAME_MAX + 1], uint32_t *keyid,
                            uint8_t key[KEY_FIELD_LEN], lh_err *err)
{
    const char *plus = memchr(s, '+', len);
    if (plus == NULL)
        return lh_err_set(err, LH_EPARSE, "%s: no '+' after the key name", what);
    size_t name_len = (size_t)(plus - s);
    if (name_len == 0)
        return lh_err_set(err, LH_EPARSE, "%s: empty key name", what);
    int rc = check_key_name(s, name_len, what, err);
    if (rc != 0)
        return rc;

    const char *id = plus + 1;
    size_t rest = len - name_len - 1;
    if (rest < 9 || id[8] != '+')
        return lh_err_set(err, LH_EPARSE, "%s: key id is not 8 hex digits followed by '+'", what);
    uint32_t v = 0;
    for (size_t i = 0; i < 8; i++) {
        char c = id[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else
            return lh_err_set(err, LH_EPARSE, "%s: key id must be 8 lowercase hex digits", what);
        v = v << 4 | d;
    }

    const char *b64 = id + 9;
    size_t b64_len = rest - 9;
    if (b64_len == 0)
        return lh_err_set(err, LH_EPARSE, "%s: no key after the key id", what);
    size_t n = 0;
    rc = text_b64_decode(key, KEY_FIELD_LEN, &n, b64, b64_len, KEY_FIELD_LEN);
    if (rc == LH_EBASE64)
        return lh_err_set(err, rc, "%s: key is not canonical padded base64", what);
    if (rc != 0)
        return lh_err_set(err, rc, "%s: key is not %d bytes (type byte and 32-byte key)", what,
                          KEY_FIELD_LEN);
    if (!type_supported(key[0]))
        return lh_err_set(err, LH_EALGO, "%s: unsupported signature type 0x%02x", what, key[0]);

    memcpy(name, s, name_len);
    name[name_len] = '\0';
    *keyid = v;
    return 0;
}

/* note_vkey_parse(), and when want_type is not 0, the type byte must be want_type. */
static int vkey_parse(const char *vkey, size_t len, uint8_t want_type, note_verifier *out,
                      lh_err *err)
{
    if (vkey == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "vkey: NULL argument");
    if (len > NOTE_VKEY_MAX)
        return lh_err_set(err, LH_ETOOBIG, "vkey: %zu bytes, longer than %d", len, NOTE_VKEY_MAX);
    note_verifier v;
    uint8_t key[KEY_FIELD_LEN];
    memset(&v, 0, sizeof v);
    int rc = parse_key_fields(vkey, len, "vkey", v.name, &v.keyid, key, err);
    if (rc != 0)
        return rc;
    /* Before the key id: the id hashes the type, so a key of another type
     * would otherwise be reported as a key id that does not match. */
    if (want_type != 0 && key[0] != want_type)
        return lh_err_set(err, LH_EALGO, "vkey %s: signature type 0x%02x, not 0x%02x", v.name,
                          key[0], want_type);
    v.type = key[0];
    memcpy(v.pubkey, key + 1, NOTE_PUBKEY_LEN);
    uint32_t want = note_keyid(v.name, strlen(v.name), v.type, v.pubkey);
    if (want != v.keyid)
        return lh_err_set(err, LH_EFIELD,
                          "vkey %s: key id %08" PRIx32 " does not match the key (it is %08" PRIx32
                          ")",
                          v.name, v.keyid, want);
    *out = v;
    return 0;
}

int note_vkey_parse(const char *vkey, size_t len, note_verifier *out, lh_err *err)
{
    return vkey_parse(vkey, len, 0, out, err);
}

int note_vkey_parse_type(const char *vkey, size_t len, uint8_t type, note_verifier *out,
                         lh_err *err)
{
    if (type == 0)
        return lh_err_set(err, LH_EINVAL, "vkey: no signature type given");
    return vkey_parse(vkey, len, type, out, err);
}

/* Whether a verifier is well-formed: name, type and a key id matching its key. */
static bool verifier_ok(const note_verifier *v)
{
    size_t name_len = strnlen(v->name, sizeof v->name);
    return name_len <= NOTE_NAME_MAX && note_name_valid(v->name, name_len) &&
           type_supported(v->type) && note_keyid(v->name, name_len, v->type, v->pubkey) == v->keyid;
}

int note_vkey_format(const note_verifier *v, char *out, size_t cap, size_t *out_len)
{
    if (v == NULL || out == NULL || out_len == NULL || !verifier_ok(v))
        return LH_EINVAL;
    uint8_t key[KEY_FIELD_LEN];
    char b64[TEXT_B64_LEN(KEY_FIELD_LEN)];
    key[0] = v->type;
    memcpy(key + 1, v->pubkey, NOTE_PUBKEY_LEN);
    text_b64_encode(b64, key, sizeof key);
    int n = snprintf(out, cap, "%s+%08" PRIx32 "+%s", v->name, v->keyid, b64);
    if (n < 0 || (size_t)n >= cap) {
        if (cap > 0)
            out[0] = '\0';
        return LH_ETOOBIG;
    }
    *out_len = (size_t)n;
    return 0;
}

/* Whether a signer is well-formed: name, type and a key id matching its public key. */
static bool signer_ok(const note_signer *s)
{
    size_t name_len = strnlen(s->name, sizeof s->name);
    return name_len <= NOTE_NAME_MAX && note_name_valid(s->name, name_len) &&
           type_supported(s->type) &&
           note_keyid(s->name, name_len, s->type, s->sk + NOTE_SEED_LEN) == s->keyid;
}

int note_signer_from_seed(note_signer *out, const char *name, size_t name_len, uint8_t type,
                          const uint8_t seed[NOTE_SEED_LEN])
{
    if (out == NULL || name == NULL || seed == NULL)
        return LH_EINVAL;
    int rc = check_new_key(name, name_len, type, "signer");
    if (rc != 0)
        return rc;
    /* Build in a temporary, commit whole, wipe the temporary. */
    note_signer tmp;
    uint8_t pk[NOTE_PUBKEY_LEN];
    memset(&tmp, 0, sizeof tmp);
    memcpy(tmp.name, name, name_len);
    tmp.type = type;
    crypto_sign_seed_keypair(pk, tmp.sk, seed);
    tmp.keyid = note_keyid(name, name_len, type, pk);
    memcpy(out, &tmp, sizeof tmp);
    sodium_memzero(&tmp, sizeof tmp);
    return 0;
}

int note_skey_parse(const char *skey, size_t len, note_signer *out, lh_err *err)
{
    static const char prefix[] = "PRIVATE+KEY+";
    const size_t prefix_len = sizeof prefix - 1;
    if (skey == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "skey: NULL argument");
    if (len > NOTE_SKEY_MAX)
        return lh_err_set(err, LH_ETOOBIG, "skey: %zu bytes, longer than %d", len, NOTE_SKEY_MAX);
    if (len < prefix_len || memcmp(skey, prefix, prefix_len) != 0)
        return lh_err_set(err, LH_EPARSE, "skey: does not start with PRIVATE+KEY+");

    char name[NOTE_NAME_MAX + 1];
    uint32_t keyid = 0;
    uint8_t key[KEY_FIELD_LEN];
    note_signer tmp;
    memset(&tmp, 0, sizeof tmp);
    int rc = parse_key_fields(skey + prefix_len, len - prefix_len, "skey", name, &keyid, key, err);
    if (rc == 0)
        rc = note_signer_from_seed(&tmp, name, strlen(name), key[0], key + 1);
    /* Go's NewSigner: the key id is checked after deriving the public key. */
    if (rc == 0 && tmp.keyid != keyid)
        rc =
            lh_err_set(err, LH_EFIELD,
                       "skey %s: key id %08" PRIx32 " does not match the key (it is %08" PRIx32 ")",
                       name, keyid, tmp.keyid);
    if (rc == 0)
        memcpy(out, &tmp, sizeof tmp);
    sodium_memzero(&tmp, sizeof tmp);
    sodium_memzero(key, sizeof key);
    return rc;
}

int note_skey_format(const note_signer *s, char *out, size_t cap, size_t *out_len)
{
    if (s == NULL || out == NULL || out_len == NULL || !signer_ok(s))
        return LH_EINVAL;
    uint8_t key[KEY_FIELD_LEN];
    char b64[TEXT_B64_LEN(KEY_FIELD_LEN)];
    key[0] = s->type;
    crypto_sign_ed25519_sk_to_seed(key + 1, s->sk);
    text_b64_encode(b64, key, sizeof key);
    int n = snprintf(out, cap, "PRIVATE+KEY+%s+%08" PRIx32 "+%s", s->name, s->keyid, b64);
    sodium_memzero(key, sizeof key);
    sodium_memzero(b64, sizeof b64);
    if (n < 0 || (size_t)n >= cap) {
        /* A truncated secret is still a secret. */
        sodium_memzero(out, cap);
        return LH_ETOOBIG;
    }
    *out_len = (size_t)n;
    return 0;
}

int note_signer_verifier(const note_signer *s, note_verifier *out)
{
    if (s == NULL || out == NULL || !signer_ok(s))
        return LH_EINVAL;
    note_verifier v;
    memset(&v, 0, sizeof v);
    memcpy(v.name, s->name, sizeof v.name);
    v.keyid = s->keyid;
    v.type = s->type;
    crypto_sign_ed25519_sk_to_pk(v.pubkey, s->sk);
    *out = v;
    return 0;
}

void note_signer_wipe(note_signer *s)
{
    if (s != NULL)
        sodium_memzero(s, sizeof *s);
}

/* The offset of the first control character other than '\n', or len. */
static size_t first_control(const uint8_t *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (text_has_control(s + i, 1, true))
            return i;
    return len;
}

/*
 * "Format": a note is valid UTF-8 with no ASCII control character other than
 * newline. liuhen also refuses DEL (as text_has_control() does), so that
 * what it signs never holds an invisible character.
 */
static int check_utf8_text(const uint8_t *s, size_t len, const char *what, lh_err *err)
{
    if (!text_utf8_valid(s, len))
        return lh_err_set(err, LH_EUTF8, "%s: invalid UTF-8", what);
    size_t bad = first_control(s, len);
    if (bad < len)
        return lh_err_set(err, LH_ECTRL, "%s: control character 0x%02x at byte %zu", what, s[bad],
                          bad);
    return 0;
}

static bool same_key(const char *name, size_t name_len, uint32_t keyid, const char *name2,
                     uint32_t keyid2)
{
    return keyid == keyid2 && strnlen(name2, NOTE_NAME_MAX + 1) == name_len &&
           memcmp(name, name2, name_len) == 0;
}

int note_sign(const uint8_t *text, size_t text_len, const note_signer *signers, size_t nsigners,
              uint8_t *out, size_t cap, size_t *out_len, lh_err *err)
{
    if (text == NULL || signers == NULL || out == NULL || out_len == NULL)
        return lh_err_set(err, LH_EINVAL, "note: NULL argument");
    if (nsigners == 0)
        return lh_err_set(err, LH_EINVAL, "note: no signer");
    if (nsigners > NOTE_MAX_SIGS)
        return lh_err_set(err, LH_ETOOMANYSIGS, "note: %zu signers, more than %d", nsigners,
                          NOTE_MAX_SIGS);
    if (text_len > NOTE_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "note: text of %zu bytes, more than %u", text_len,
                          NOTE_MAX_SIZE);
    /* "Format": the text ends in a newline (so it is never empty). */
    if (text_len == 0 || text[text_len - 1] != '\n')
        return lh_err_set(err, LH_EPARSE, "note: the text does not end in a newline");
    int rc = check_utf8_text(text, text_len, "note text", err);
    if (rc != 0)
        return rc;

    size_t total = text_len + 1;
    for (size_t i = 0; i < nsigners; i++) {
        const note_signer *s = &signers[i];
        if (!signer_ok(s))
            return lh_err_set(err, LH_EINVAL, "note: signer %zu is invalid (name, type or key id)",
                              i);
        if (s->type != NOTE_TYPE_ED25519)
            return lh_err_set(err, LH_EALGO,
                              "note: signer %s has type 0x%02x; cosignatures are made with "
                              "cosig_sign()",
                              s->name, s->type);
        for (size_t j = 0; j < i; j++)
            if (same_key(s->name, strlen(s->name), s->keyid, signers[j].name, signers[j].keyid))
                return lh_err_set(err, LH_EINVAL, "note: signer %s+%08" PRIx32 " given twice",
                                  s->name, s->keyid);
        total +=
            SIG_PREFIX_LEN + strlen(s->name) + 1 + (TEXT_B64_LEN(4 + NOTE_ED25519_SIG_LEN) - 1) + 1;
    }
    if (total > NOTE_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "note: the signed note would be %zu bytes, more than %u",
                          total, NOTE_MAX_SIZE);
    if (total > cap)
        return lh_err_set(err, LH_ETOOBIG, "note: output buffer of %zu bytes, %zu needed", cap,
                          total);
    if (out < text + text_len && text < out + cap)
        return lh_err_set(err, LH_EINVAL, "note: output buffer overlaps the text");

    /* "Format": text, a blank line, then one signature line per signer. */
    size_t pos = 0;
    memcpy(out, text, text_len);
    pos += text_len;
    out[pos++] = '\n';
    for (size_t i = 0; i < nsigners; i++) {
        const note_signer *s = &signers[i];
        uint8_t raw[4 + NOTE_ED25519_SIG_LEN];
        char b64[TEXT_B64_LEN(sizeof raw)];
        /* "Signatures": base64(32-bit key ID || signature), key id big-endian;
         * "Ed25519 signatures": RFC 8032 over the note text. */
        put_be32(raw, s->keyid);
        crypto_sign_detached(raw + 4, NULL, text, text_len, s->sk);
        /* minisign habit: check our own signature before handing it out. */
        if (crypto_sign_verify_detached(raw + 4, text, text_len, s->sk + NOTE_SEED_LEN) != 0) {
            sodium_memzero(out, cap);
            return lh_err_set(err, LH_EINTERNAL,
                              "note: signature by %s does not verify with its own public key",
                              s->name);
        }
        size_t b64_len = text_b64_encode(b64, raw, sizeof raw);
        size_t name_len = strlen(s->name);
        memcpy(out + pos, sig_prefix, SIG_PREFIX_LEN);
        pos += SIG_PREFIX_LEN;
        memcpy(out + pos, s->name, name_len);
        pos += name_len;
        out[pos++] = ' ';
        memcpy(out + pos, b64, b64_len);
        pos += b64_len;
        out[pos++] = '\n';
    }
    *out_len = pos;
    return 0;
}

/*
 * Decode strict standard base64 (RFC 4648 §4, padded, canonical) of any
 * length without a buffer for the whole result, keeping only its first cap
 * bytes: a signature line of an unknown key may be a post-quantum signature
 * of several kilobytes. Decoding 4-character groups one at a time is as
 * strict as decoding the whole, because every group but the last must decode
 * to 3 bytes (padding only at the end), and text_b64_decode() refuses
 * non-zero padding bits in the last.
 */
static int b64_decode_head(const char *b64, size_t len, uint8_t *head, size_t cap, size_t *total)
{
    if (len == 0 || len % 4 != 0)
        return LH_EBASE64;
    size_t n = 0;
    for (size_t g = 0; g < len; g += 4) {
        uint8_t three[3];
        size_t got = 0;
        bool last = g + 4 == len;
        if (text_b64_decode(three, sizeof three, &got, b64 + g, 4, last ? 1 : 3) != 0)
            return LH_EBASE64;
        for (size_t k = 0; k < got; k++, n++)
            if (n < cap)
                head[n] = three[k];
    }
    *total = n;
    return 0;
}

/*
 * Parse one signature line (without its '\n'), "Format":
 * em dash, space, key name, space, base64(key id || signature).
 */
static int parse_sigline(const uint8_t *line, size_t len, size_t lineno, note_sig *sig, lh_err *err)
{
    if (len < SIG_PREFIX_LEN || memcmp(line, sig_prefix, SIG_PREFIX_LEN) != 0)
        return lh_err_set(err, LH_EPARSE,
                          "note: signature line %zu does not start with an em dash and a space",
                          lineno);
    const char *name = (const char *)line + SIG_PREFIX_LEN;
    size_t rest = len - SIG_PREFIX_LEN;
    const char *space = memchr(name, ' ', rest);
    if (space == NULL)
        return lh_err_set(err, LH_EPARSE,
                          "note: signature line %zu has no space after the key name", lineno);
    size_t name_len = (size_t)(space - name);
    if (!note_name_valid(name, name_len))
        return lh_err_set(err, LH_EPARSE, "note: signature line %zu has an invalid key name",
                          lineno);
    const char *b64 = space + 1;
    size_t b64_len = rest - name_len - 1;
    if (b64_len == 0)
        return lh_err_set(err, LH_EPARSE, "note: signature line %zu has no signature", lineno);

    uint8_t head[4 + NOTE_SIG_MAX];
    size_t total = 0;
    if (b64_decode_head(b64, b64_len, head, sizeof head, &total) != 0)
        return lh_err_set(err, LH_EBASE64,
                          "note: signature line %zu is not canonical padded base64", lineno);
    /* "Format": 4 bytes of key id, then the signature proper (at least 1 byte, as Go). */
    if (total < 5)
        return lh_err_set(err, LH_ELENGTH,
                          "note: signature line %zu decodes to %zu bytes, too short for a key id "
                          "and a signature",
                          lineno, total);
    memset(sig, 0, sizeof *sig);
    sig->name = name;
    sig->name_len = name_len;
    sig->keyid = get_be32(head);
    sig->b64 = b64;
    sig->b64_len = b64_len;
    sig->sig_len = total - 4;
    memcpy(sig->sig, head + 4, total - 4 < NOTE_SIG_MAX ? total - 4 : NOTE_SIG_MAX);
    sig->key = NOTE_KEY_UNKNOWN;
    return 0;
}

/* Verify one signature by a known key, by the key's type; *why says what failed. */
static int verify_known(const note_verifier *v, const uint8_t *text, size_t text_len,
                        const note_sig *s, uint64_t *timestamp, const char **why)
{
    *timestamp = 0;
    switch (v->type) {
    case NOTE_TYPE_ED25519:
        /* "Ed25519 signatures": RFC 8032 over the note text, 64 bytes. */
        if (s->sig_len != NOTE_ED25519_SIG_LEN) {
            *why = "is not 64 bytes";
            return LH_EBADSIG;
        }
        if (crypto_sign_verify_detached(s->sig, text, text_len, v->pubkey) != 0) {
            *why = "does not verify";
            return LH_EBADSIG;
        }
        return 0;
    case NOTE_TYPE_COSIG:
        /* Type 0x04 is c2sp.org/tlog-cosignature: cosig.c knows its message. */
        if (s->sig_len > NOTE_SIG_MAX ||
            cosig_verify_sig(v, text, text_len, s->sig, s->sig_len, timestamp) != 0) {
            *why = "is not a valid cosignature/v1";
            return LH_EBADSIG;
        }
        return 0;
    default: *why = "has an unsupported key type"; return LH_EINVAL;
    }
}

/* known[] is either an array of verifiers or an array of pointers to them. */
static const note_verifier *key_at(const note_verifier *arr, const note_verifier *const *ptrs,
                                   size_t i)
{
    return arr != NULL ? &arr[i] : ptrs[i];
}

static int open_impl(const uint8_t *note, size_t len, const note_verifier *arr,
                     const note_verifier *const *ptrs, size_t nknown, note_opened *out, lh_err *err)
{
    if (note == NULL || out == NULL || (nknown > 0 && arr == NULL && ptrs == NULL))
        return lh_err_set(err, LH_EINVAL, "note: NULL argument");
    for (size_t k = 0; k < nknown; k++) {
        const note_verifier *v = key_at(arr, ptrs, k);
        if (v == NULL || !type_supported(v->type))
            return lh_err_set(err, LH_EINVAL, "note: known key %zu is NULL or of unknown type", k);
    }
    /* "Format": verifiers SHOULD limit the size of a note. */
    if (len > NOTE_MAX_SIZE)
        return lh_err_set(err, LH_ETOOBIG, "note: %zu bytes, more than %u", len, NOTE_MAX_SIZE);
    int rc = check_utf8_text(note, len, "note", err);
    if (rc != 0)
        return rc;

    /* "Format": the text is separated from the signatures by the last empty line. */
    size_t split = len;
    for (size_t i = len; i >= 2; i--) {
        if (note[i - 2] == '\n' && note[i - 1] == '\n') {
            split = i - 2;
            break;
        }
    }
    if (split == len)
        return lh_err_set(err, LH_EPARSE, "note: no blank line before the signatures");
    size_t start = split + 2;
    if (start == len)
        return lh_err_set(err, LH_EPARSE, "note: no signature line after the blank line");
    if (note[len - 1] != '\n')
        return lh_err_set(err, LH_EPARSE,
                          "note: the last signature line does not end in a newline");

    note_opened o;
    memset(&o, 0, sizeof o);
    o.text = note;
    o.text_len = split + 1;

    /* Parse every line before verifying any, so that malformed notes are
     * refused before spending signature checks on them. */
    for (size_t p = start; p < len;) {
        const uint8_t *nl = memchr(note + p, '\n', len - p);
        size_t end = (size_t)(nl - note);
        /* "Format": verifiers MUST accept at least 16 signatures; liuhen
         * accepts exactly that many and stops reading at the 17th. */
        if (o.nsigs == NOTE_MAX_SIGS)
            return lh_err_set(err, LH_ETOOMANYSIGS, "note: more than %d signature lines",
                              NOTE_MAX_SIGS);
        rc = parse_sigline(note + p, end - p, o.nsigs + 1, &o.sigs[o.nsigs], err);
        if (rc != 0)
            return rc;
        o.nsigs++;
        p = end + 1;
    }

    for (size_t i = 0; i < o.nsigs; i++) {
        note_sig *s = &o.sigs[i];
        /* "Signatures": a signature is by a known key only if both the name
         * and the key id match; others are ignored. */
        for (size_t k = 0; k < nknown; k++) {
            const note_verifier *v = key_at(arr, ptrs, k);
            if (!same_key(s->name, s->name_len, s->keyid, v->name, v->keyid))
                continue;
            if (s->key != NOTE_KEY_UNKNOWN)
                return lh_err_set(err, LH_EINVAL,
                                  "note: known keys %zu and %zu are both %s+%08" PRIx32, s->key, k,
                                  v->name, v->keyid);
            s->key = k;
        }
        if (s->key == NOTE_KEY_UNKNOWN)
            continue;
        /* "Signatures": verifiers MUST verify a known key's signature, and a
         * failure SHOULD reject the whole note: liuhen does, for every line,
         * including a repeated line of a key that already verified. */
        const note_verifier *v = key_at(arr, ptrs, s->key);
        const char *why = "";
        rc = verify_known(v, o.text, o.text_len, s, &s->timestamp, &why);
        if (rc != 0)
            return lh_err_set(err, rc, "note: signature line %zu by %s+%08" PRIx32 " %s", i + 1,
                              v->name, v->keyid, why);
        bool seen = false;
        for (size_t j = 0; j < o.nsigned; j++)
            seen = seen || o.signer[j].key == s->key;
        if (!seen) {
            o.signer[o.nsigned].key = s->key;
            o.signer[o.nsigned].line = i;
            o.signer[o.nsigned].timestamp = s->timestamp;
            o.nsigned++;
        }
    }
    /* "Signatures": if no known key's signature verifies, clients MUST reject the note. */
    if (o.nsigned == 0)
        return lh_err_set(err, LH_ENOKEY, "note: none of its %zu signatures is by a known key",
                          o.nsigs);
    *out = o;
    return 0;
}

int note_open(const uint8_t *note, size_t len, const note_verifier *known, size_t nknown,
              note_opened *out, lh_err *err)
{
    return open_impl(note, len, known, NULL, nknown, out, err);
}

int note_open_keys(const uint8_t *note, size_t len, const note_verifier *const *known,
                   size_t nknown, note_opened *out, lh_err *err)
{
    return open_impl(note, len, NULL, known, nknown, out, err);
}
