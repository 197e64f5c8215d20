/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * keyfile.c — Ed25519 key pairs and their secret and public key files.
 *
 * The formats are described in keyfile.h. Secrets (the libsodium secret key,
 * seeds, the key encryption key, decoded file bytes) only ever live in
 * sodium_malloc'd memory, which libsodium locks where it can and wipes when
 * freed, so every exit path wipes them by freeing.
 */
#include "keyfile.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "fileio.h"
#include "note.h"
#include "text.h"

/* Byte offsets of the secret key structure (keyfile.h). */
#define SK_MAGIC       "LHSK"
#define SK_VERSION     1
#define SK_ALG         "Ed"
#define SK_KDF_NONE    0
#define SK_KDF_ARGON2  1
#define SK_OFF_VERSION 4
#define SK_OFF_ALG     5
#define SK_OFF_KDF     7
#define SK_OFF_OPS     8
#define SK_OFF_MEM     16
#define SK_OFF_SALT    24
#define SK_OFF_NONCE   40
#define SK_OFF_KEYID   64
#define SK_OFF_NAMELEN 68
#define SK_OFF_NAME    69
#define SK_SALTBYTES   16
#define SK_NONCEBYTES  24
#define SK_TRAILER     16
/* Everything but the name: header, name length, seed, trailer. */
#define SK_FIXED (SK_OFF_NAME + KEYFILE_SEEDBYTES + SK_TRAILER)
#define SK_MAX   (SK_FIXED + KEYFILE_NAME_MAX)

_Static_assert(SK_SALTBYTES == crypto_pwhash_SALTBYTES, "salt size");
_Static_assert(SK_NONCEBYTES == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, "nonce size");
_Static_assert(SK_TRAILER == crypto_aead_xchacha20poly1305_ietf_ABYTES, "tag size");
_Static_assert(KEYFILE_NAME_MAX <= 255, "the name length is stored in one byte");
/* A key's name is a note key name, its key id the note key id (keyfile.h). */
_Static_assert(KEYFILE_NAME_MAX <= NOTE_NAME_MAX, "key names are note key names");
_Static_assert(KEYFILE_PUBLICKEYBYTES == NOTE_PUBKEY_LEN, "public key size");
_Static_assert(KEYFILE_VKEY_MAX >= KEYFILE_NAME_MAX + 1 + 8 + 1 + TEXT_B64_LEN(1 + NOTE_PUBKEY_LEN),
               "KEYFILE_VKEY_MAX holds a verifier key");

/* A file's Argon2id limits are bounded before the KDF runs, so that a crafted
 * file cannot make a reader spend many seconds or gigabytes before the tag
 * check: no file this module writes asks for more than MODERATE (about one
 * second and 256 MiB), so nothing more is accepted. */
#define SK_OPSLIMIT_MAX ((uint64_t)crypto_pwhash_argon2id_OPSLIMIT_MODERATE)
#define SK_MEMLIMIT_MAX ((uint64_t)crypto_pwhash_argon2id_MEMLIMIT_MODERATE)

static const char SK_COMMENT[] = "liuhen secret key v1: ";
/* Only this much of the comment line is checked: it is untrusted text. */
static const char SK_COMMENT_PREFIX[] = "liuhen secret key";

_Static_assert(sizeof SK_COMMENT - 1 + KEYFILE_NAME_MAX + 1 + TEXT_B64_LEN(SK_MAX) + 1 <=
                   KEYFILE_SECRET_TEXT_MAX,
               "KEYFILE_SECRET_TEXT_MAX is too small");

/* The whole key lives in one sodium_malloc'd block. sodium_malloc aligns the
 * end of the block, not its start, so the struct holds only bytes. */
struct lh_key {
    uint8_t sk[crypto_sign_SECRETKEYBYTES]; /* libsodium's seed || public key */
    uint8_t pk[KEYFILE_PUBLICKEYBYTES];
    uint8_t keyid[4];
    uint8_t name_len;
    char name[KEYFILE_NAME_MAX + 1];
};

/* Scratch space for encoding and decoding, also in sodium_malloc'd memory
 * because it holds the plain seed and the key encryption key. */
struct scratch {
    uint8_t bin[SK_MAX];
    uint8_t seed[KEYFILE_SEEDBYTES];
    uint8_t kek[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    char text[KEYFILE_SECRET_FILE_MAX + 1];
};

/* The structure's integers are big-endian, n bytes long. */
static void put_be(uint8_t *p, size_t n, uint64_t v)
{
    for (size_t i = n; i-- > 0; v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static bool is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/*
 * Check a key name: a C2SP signed-note key name (note_name_valid(): valid
 * UTF-8, no Unicode white space, no '+', and no control character, C0, DEL
 * or C1) of at most KEYFILE_NAME_MAX bytes. On failure, *why completes the
 * sentence "the key name ...".
 */
static bool name_valid(const uint8_t *s, size_t len, const char **why)
{
    if (len == 0)
        *why = "is empty";
    else if (len > KEYFILE_NAME_MAX)
        *why = "is longer than 128 bytes";
    else if (!text_utf8_valid(s, len))
        *why = "is not valid UTF-8";
    else if (!note_name_valid((const char *)s, len))
        *why = "holds white space, '+' (which separates the fields of a verifier key) or a "
               "control character";
    else
        return true;
    return false;
}

static int init_sodium(lh_err *err)
{
    if (sodium_init() < 0)
        return lh_err_set(err, LH_EINTERNAL, "libsodium cannot be initialised");
    return 0;
}

/* New scratch space, libsodium initialised first; `purpose` completes "no
 * secure memory to ...". The caller frees *out with sodium_free(). */
static int scratch_new(struct scratch **out, const char *purpose, lh_err *err)
{
    int rc = init_sodium(err);
    if (rc != 0)
        return rc;
    *out = sodium_malloc(sizeof **out);
    if (*out == NULL)
        return lh_err_set(err, LH_ENOMEM, "no secure memory to %s", purpose);
    return 0;
}

/* Build a key from a name already validated and a seed. */
static int key_new(const uint8_t *name, size_t name_len, const uint8_t seed[KEYFILE_SEEDBYTES],
                   keyfile_key **out, lh_err *err)
{
    keyfile_key *k = sodium_malloc(sizeof *k);
    if (k == NULL)
        return lh_err_set(err, LH_ENOMEM, "no secure memory for a key pair");
    memset(k, 0, sizeof *k);
    memcpy(k->name, name, name_len);
    k->name_len = (uint8_t)name_len;
    crypto_sign_seed_keypair(k->pk, k->sk, seed);
    put_be(k->keyid, sizeof k->keyid,
           note_keyid((const char *)name, name_len, NOTE_TYPE_ED25519, k->pk));
    /* Nothing writes to a key after this: make a stray write fault. */
    sodium_mprotect_readonly(k);
    *out = k;
    return 0;
}

static int check_name_arg(const char *name, lh_err *err)
{
    const char *why = NULL;
    if (name == NULL)
        return lh_err_set(err, LH_EINVAL, "no key name given");
    size_t len = strnlen(name, KEYFILE_NAME_MAX + 1);
    if (!name_valid((const uint8_t *)name, len, &why))
        return lh_err_set(err, LH_EINVAL, "the key name %s", why);
    return 0;
}

int keyfile_from_seed(const char *name, const uint8_t seed[KEYFILE_SEEDBYTES], keyfile_key **key,
                      lh_err *err)
{
    int rc = init_sodium(err);
    if (rc == 0)
        rc = check_name_arg(name, err);
    if (rc != 0)
        return rc;
    return key_new((const uint8_t *)name, strlen(name), seed, key, err);
}

int keyfile_generate(const char *name, keyfile_key **key, lh_err *err)
{
    int rc = init_sodium(err);
    if (rc == 0)
        rc = check_name_arg(name, err);
    if (rc != 0)
        return rc;
    uint8_t *seed = sodium_malloc(KEYFILE_SEEDBYTES);
    if (seed == NULL)
        return lh_err_set(err, LH_ENOMEM, "no secure memory for a seed");
    randombytes_buf(seed, KEYFILE_SEEDBYTES);
    rc = key_new((const uint8_t *)name, strlen(name), seed, key, err);
    sodium_free(seed);
    return rc;
}

void keyfile_key_free(keyfile_key *key)
{
    /* sodium_free makes the block writable again, wipes it and unlocks it. */
    sodium_free(key);
}

const char *keyfile_key_name(const keyfile_key *key)
{
    return key->name;
}

const uint8_t *keyfile_key_pubkey(const keyfile_key *key)
{
    return key->pk;
}

uint32_t keyfile_key_id(const keyfile_key *key)
{
    return (uint32_t)get_be(key->keyid, sizeof key->keyid);
}

size_t keyfile_key_vkey(const keyfile_key *key, char out[KEYFILE_VKEY_MAX])
{
    /* c2sp.org/signed-note: signature type Ed25519. A key's name is a valid
     * note key name and its key id the note key id, so this cannot fail. */
    note_verifier v;
    memset(&v, 0, sizeof v);
    memcpy(v.name, key->name, key->name_len);
    v.keyid = keyfile_key_id(key);
    v.type = NOTE_TYPE_ED25519;
    memcpy(v.pubkey, key->pk, KEYFILE_PUBLICKEYBYTES);
    size_t n = 0;
    if (note_vkey_format(&v, out, KEYFILE_VKEY_MAX, &n) != 0) {
        out[0] = '\0';
        return 0;
    }
    return n;
}

int keyfile_sign(const keyfile_key *key, const uint8_t *msg, size_t len,
                 uint8_t sig[KEYFILE_SIGBYTES])
{
    crypto_sign_detached(sig, NULL, msg, len, key->sk);
    if (crypto_sign_verify_detached(sig, msg, len, key->pk) != 0) {
        sodium_memzero(sig, KEYFILE_SIGBYTES);
        return LH_EINTERNAL;
    }
    return 0;
}

int keyfile_note_signer(const keyfile_key *key, note_signer *out)
{
    /* The note key id of an Ed25519 key depends only on the name and the
     * public key, so the signer's id is the key file's id. */
    size_t name_len = key->name_len;
    if (name_len > NOTE_NAME_MAX)
        return LH_EINVAL;
    memcpy(out->name, key->name, name_len);
    out->name[name_len] = '\0';
    out->type = NOTE_TYPE_ED25519;
    out->keyid = keyfile_key_id(key);
    memcpy(out->sk, key->sk, sizeof out->sk);
    return 0;
}

/* ---- secret key text ---------------------------------------------------- */

static int kdf_limits(keyfile_kdf kdf, uint64_t *ops, uint64_t *mem)
{
    switch (kdf) {
    case KEYFILE_KDF_INTERACTIVE:
        *ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
        *mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
        return 0;
    case KEYFILE_KDF_MODERATE:
        *ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
        *mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
        return 0;
    case KEYFILE_KDF_MIN:
        *ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
        *mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
        return 0;
    }
    return LH_EINVAL;
}

static int derive_kek(struct scratch *s, const char *passphrase, const uint8_t *salt, uint64_t ops,
                      uint64_t mem, lh_err *err)
{
    if (crypto_pwhash(s->kek, sizeof s->kek, passphrase, strlen(passphrase), salt,
                      (unsigned long long)ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return lh_err_set(err, LH_ENOMEM, "Argon2id cannot get %llu bytes of memory",
                          (unsigned long long)mem);
    return 0;
}

static void checksum(const uint8_t *buf, size_t len, uint8_t out[SK_TRAILER])
{
    uint8_t h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, buf, len, NULL, 0);
    memcpy(out, h, SK_TRAILER);
}

int keyfile_encode_secret(const keyfile_key *key, const char *passphrase, keyfile_kdf kdf,
                          char *out, size_t out_size, size_t *out_len, lh_err *err)
{
    uint64_t ops = 0, mem = 0;
    if (passphrase != NULL && passphrase[0] == '\0')
        return lh_err_set(err, LH_EINVAL,
                          "an empty passphrase protects nothing: give none to write an "
                          "unencrypted key file");
    if (passphrase != NULL && kdf_limits(kdf, &ops, &mem) != 0)
        return lh_err_set(err, LH_EINVAL, "unknown kdf level %d", (int)kdf);
    if (out_size < KEYFILE_SECRET_TEXT_MAX)
        return lh_err_set(err, LH_ELENGTH, "%zu bytes are too few for a secret key file", out_size);
    struct scratch *s = NULL;
    int rc = scratch_new(&s, "encode a secret key", err);
    if (rc != 0)
        return rc;

    uint8_t *b = s->bin;
    size_t n = key->name_len;
    size_t seed_off = SK_OFF_NAME + n;
    size_t total = SK_FIXED + n;
    memset(b, 0, sizeof s->bin);
    memcpy(b, SK_MAGIC, 4);
    b[SK_OFF_VERSION] = SK_VERSION;
    memcpy(b + SK_OFF_ALG, SK_ALG, 2);
    memcpy(b + SK_OFF_KEYID, key->keyid, 4);
    b[SK_OFF_NAMELEN] = (uint8_t)n;
    memcpy(b + SK_OFF_NAME, key->name, n);
    crypto_sign_ed25519_sk_to_seed(s->seed, key->sk);

    if (passphrase == NULL) {
        b[SK_OFF_KDF] = SK_KDF_NONE;
        memcpy(b + seed_off, s->seed, KEYFILE_SEEDBYTES);
        checksum(b, seed_off + KEYFILE_SEEDBYTES, b + seed_off + KEYFILE_SEEDBYTES);
    } else {
        b[SK_OFF_KDF] = SK_KDF_ARGON2;
        put_be(b + SK_OFF_OPS, 8, ops);
        put_be(b + SK_OFF_MEM, 8, mem);
        randombytes_buf(b + SK_OFF_SALT, SK_SALTBYTES);
        randombytes_buf(b + SK_OFF_NONCE, SK_NONCEBYTES);
        rc = derive_kek(s, passphrase, b + SK_OFF_SALT, ops, mem, err);
        if (rc != 0)
            goto out;
        /* The associated data is every byte before the ciphertext, so that
         * no header field (limits, key id, name) can be altered unnoticed. */
        crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
            b + seed_off, b + seed_off + KEYFILE_SEEDBYTES, NULL, s->seed, KEYFILE_SEEDBYTES, b,
            seed_off, NULL, b + SK_OFF_NONCE, s->kek);
    }

    int c = snprintf(out, out_size, "%s%s\n", SK_COMMENT, key->name);
    size_t len = (size_t)c;
    len += text_b64_encode(out + len, b, total);
    out[len++] = '\n';
    out[len] = '\0';
    *out_len = len;
out:
    sodium_free(s);
    return rc;
}

/*
 * Split the text of a secret key file and decode its structure into s->bin.
 * `what` names the object in messages ("secret key", "key file PATH").
 */
static int parse_secret(const char *text, size_t len, struct scratch *s, size_t *bin_len,
                        const char *what, lh_err *err)
{
    if (len > KEYFILE_SECRET_FILE_MAX)
        return lh_err_set(err, LH_ETOOBIG, "%s is larger than %d bytes", what,
                          KEYFILE_SECRET_FILE_MAX);
    const char *nl = memchr(text, '\n', len);
    if (len < sizeof SK_COMMENT_PREFIX - 1 ||
        memcmp(text, SK_COMMENT_PREFIX, sizeof SK_COMMENT_PREFIX - 1) != 0 || nl == NULL)
        return lh_err_set(err, LH_EKEYFILE,
                          "%s is not a liuhen secret key: its first line does not begin with "
                          "\"%s\"",
                          what, SK_COMMENT_PREFIX);
    const char *b64 = nl + 1;
    size_t b64_len = (size_t)(text + len - b64);
    /* The second line may end with "\n", "\r\n" or the end of the text. */
    const char *end = memchr(b64, '\n', b64_len);
    if (end != NULL) {
        if (end + 1 != text + len)
            return lh_err_set(err, LH_EKEYFILE, "%s has more than two lines", what);
        b64_len = (size_t)(end - b64);
    }
    if (b64_len > 0 && b64[b64_len - 1] == '\r')
        b64_len--;
    int rc = text_b64_decode(s->bin, sizeof s->bin, bin_len, b64, b64_len, SK_FIXED + 1);
    if (rc == LH_ELENGTH)
        return lh_err_set(err, LH_EKEYFILE, "%s: the key on line 2 has the wrong length", what);
    if (rc != 0)
        return lh_err_set(err, LH_EKEYFILE, "%s: line 2 is not valid base64", what);

    const uint8_t *b = s->bin;
    if (memcmp(b, SK_MAGIC, 4) != 0)
        return lh_err_set(err, LH_EKEYFILE, "%s is not a liuhen secret key (wrong magic)", what);
    if (b[SK_OFF_VERSION] != SK_VERSION)
        return lh_err_set(err, LH_EKEYFILE, "%s has unsupported version %u", what,
                          b[SK_OFF_VERSION]);
    if (memcmp(b + SK_OFF_ALG, SK_ALG, 2) != 0)
        return lh_err_set(err, LH_EALGO, "%s: unsupported signature algorithm 0x%02x%02x", what,
                          b[SK_OFF_ALG], b[SK_OFF_ALG + 1]);
    if (b[SK_OFF_KDF] != SK_KDF_NONE && b[SK_OFF_KDF] != SK_KDF_ARGON2)
        return lh_err_set(err, LH_EALGO, "%s: unsupported key derivation %u", what, b[SK_OFF_KDF]);
    return 0;
}

static int decode_secret(const char *text, size_t len, const char *passphrase, keyfile_key **key,
                         const char *what, lh_err *err)
{
    struct scratch *s = NULL;
    int rc = scratch_new(&s, "decode a secret key", err);
    if (rc != 0)
        return rc;
    size_t bin_len = 0;
    rc = parse_secret(text, len, s, &bin_len, what, err);
    if (rc != 0)
        goto out;

    const uint8_t *b = s->bin;
    size_t n = b[SK_OFF_NAMELEN];
    if (bin_len != SK_FIXED + n) {
        rc = lh_err_set(err, LH_EKEYFILE, "%s: the key is %zu bytes, not %zu", what, bin_len,
                        (size_t)SK_FIXED + n);
        goto out;
    }
    const char *why = NULL;
    if (!name_valid(b + SK_OFF_NAME, n, &why)) {
        rc = lh_err_set(err, LH_EKEYFILE, "%s: the key name %s", what, why);
        goto out;
    }
    size_t seed_off = SK_OFF_NAME + n;
    const uint8_t *trailer = b + seed_off + KEYFILE_SEEDBYTES;
    uint64_t ops = get_be(b + SK_OFF_OPS, 8);
    uint64_t mem = get_be(b + SK_OFF_MEM, 8);

    if (b[SK_OFF_KDF] == SK_KDF_NONE) {
        /* Canonical form: the KDF fields of an unencrypted key are zero. */
        if (ops != 0 || mem != 0 || !is_zero(b + SK_OFF_SALT, SK_SALTBYTES + SK_NONCEBYTES)) {
            rc = lh_err_set(err, LH_EKEYFILE, "%s is unencrypted but has key derivation fields",
                            what);
            goto out;
        }
        uint8_t sum[SK_TRAILER];
        checksum(b, seed_off + KEYFILE_SEEDBYTES, sum);
        if (sodium_memcmp(sum, trailer, SK_TRAILER) != 0) {
            rc = lh_err_set(err, LH_EKEYFILE, "%s is corrupted (checksum mismatch)", what);
            goto out;
        }
        memcpy(s->seed, b + seed_off, KEYFILE_SEEDBYTES);
    } else {
        if (ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || ops > SK_OPSLIMIT_MAX ||
            mem < crypto_pwhash_argon2id_MEMLIMIT_MIN || mem > SK_MEMLIMIT_MAX) {
            rc = lh_err_set(err, LH_EKEYFILE,
                            "%s asks for Argon2id limits out of bounds (%llu passes, %llu bytes)",
                            what, (unsigned long long)ops, (unsigned long long)mem);
            goto out;
        }
        if (passphrase == NULL) {
            rc = lh_err_set(err, LH_EPASSPHRASE, "%s is encrypted: a passphrase is needed", what);
            goto out;
        }
        rc = derive_kek(s, passphrase, b + SK_OFF_SALT, ops, mem, err);
        if (rc != 0)
            goto out;
        if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
                s->seed, NULL, b + seed_off, KEYFILE_SEEDBYTES, trailer, b, seed_off,
                b + SK_OFF_NONCE, s->kek) != 0) {
            rc = lh_err_set(err, LH_EPASSPHRASE,
                            "wrong passphrase for %s (or the file was altered)", what);
            goto out;
        }
    }

    keyfile_key *k = NULL;
    rc = key_new(b + SK_OFF_NAME, n, s->seed, &k, err);
    if (rc != 0)
        goto out;
    /* The seed must be the one the key id was made for: this catches a seed
     * corrupted in a way the checksum missed, or a file assembled by hand. */
    if (sodium_memcmp(k->keyid, b + SK_OFF_KEYID, 4) != 0) {
        rc = lh_err_set(err, LH_EKEYFILE, "%s: the key id %08x does not match the key (%08x)", what,
                        (unsigned)get_be(b + SK_OFF_KEYID, 4), (unsigned)keyfile_key_id(k));
        keyfile_key_free(k);
        goto out;
    }
    *key = k;
out:
    sodium_free(s);
    return rc;
}

int keyfile_decode_secret(const char *text, size_t len, const char *passphrase, keyfile_key **key,
                          lh_err *err)
{
    return decode_secret(text, len, passphrase, key, "secret key", err);
}

/* ---- files -------------------------------------------------------------- */

int keyfile_write_secret(const char *path, const keyfile_key *key, const char *passphrase,
                         keyfile_kdf kdf, lh_err *err)
{
    /* Fail early, before Argon2id, if the file exists; O_EXCL below is what
     * actually guarantees that nothing is overwritten. */
    struct stat st;
    if (lstat(path, &st) == 0)
        return lh_err_set(err, -EEXIST,
                          "secret key file %s already exists: it is never "
                          "overwritten",
                          path);
    struct scratch *s = NULL;
    int rc = scratch_new(&s, "encode a secret key", err);
    if (rc != 0)
        return rc;
    size_t len = 0;
    rc = keyfile_encode_secret(key, passphrase, kdf, s->text, sizeof s->text, &len, err);
    if (rc == 0)
        rc = fileio_write_new(path, 0600, s->text, len, "secret key file", err);
    sodium_free(s);
    return rc;
}

/* Room for the name of a secret key file in messages: "key file PATH". */
#define WHAT_MAX (64 + PATH_MAX)

/*
 * Read a secret key file into the text of new scratch space, and name it
 * in `what` for messages. The caller frees *out with sodium_free().
 */
static int read_secret_file(const char *path, struct scratch **out, size_t *len,
                            char what[WHAT_MAX], lh_err *err)
{
    struct scratch *s = NULL;
    int rc = scratch_new(&s, "read a secret key", err);
    if (rc != 0)
        return rc;
    rc = fileio_read_into(path, FILEIO_PRIVATE, "secret key file", s->text, KEYFILE_SECRET_FILE_MAX,
                          len, err);
    if (rc == LH_EINVAL || rc == -EISDIR)
        rc = LH_EKEYFILE; /* not a regular file */
    if (rc != 0) {
        sodium_free(s);
        return rc;
    }
    snprintf(what, WHAT_MAX, "key file %s", path);
    *out = s;
    return 0;
}

int keyfile_read_secret(const char *path, const char *passphrase, keyfile_key **key, lh_err *err)
{
    struct scratch *s = NULL;
    size_t len = 0;
    char what[WHAT_MAX];
    int rc = read_secret_file(path, &s, &len, what, err);
    if (rc != 0)
        return rc;
    rc = decode_secret(s->text, len, passphrase, key, what, err);
    sodium_free(s);
    return rc;
}

int keyfile_secret_is_encrypted(const char *path, bool *encrypted, lh_err *err)
{
    struct scratch *s = NULL;
    size_t len = 0, bin_len = 0;
    char what[WHAT_MAX];
    int rc = read_secret_file(path, &s, &len, what, err);
    if (rc != 0)
        return rc;
    rc = parse_secret(s->text, len, s, &bin_len, what, err);
    if (rc == 0)
        *encrypted = s->bin[SK_OFF_KDF] == SK_KDF_ARGON2;
    sodium_free(s);
    return rc;
}

/* ---- public keys -------------------------------------------------------- */

int keyfile_parse_vkey(const char *text, size_t len, keyfile_pub *pub, lh_err *err)
{
    if (text == NULL || pub == NULL)
        return lh_err_set(err, LH_EINVAL, "verifier key: NULL argument");
    int rc = init_sodium(err);
    if (rc != 0)
        return rc;
    /* The name ends at the first '+' (it holds none). keyfile.h's names are
     * note key names of at most KEYFILE_NAME_MAX bytes: that stricter bound
     * is checked first, as every rule on names is. */
    const char *plus = memchr(text, '+', len);
    const char *why = NULL;
    if (plus != NULL && !name_valid((const uint8_t *)text, (size_t)(plus - text), &why))
        return lh_err_set(err, LH_EKEYFILE, "verifier key: the key name %s", why);
    /* The rest is a note verifier key of type Ed25519 (0x01). Every way it
     * can be malformed is one code, as for key files; a type other than
     * 0x01 keeps LH_EALGO. */
    note_verifier v;
    rc = note_vkey_parse_type(text, len, NOTE_TYPE_ED25519, &v, err);
    if (rc != 0)
        return rc == LH_EALGO ? rc : LH_EKEYFILE;
    /* v.name is zero-filled after the name, which is at most KEYFILE_NAME_MAX bytes. */
    memcpy(pub->name, v.name, KEYFILE_NAME_MAX);
    pub->name[KEYFILE_NAME_MAX] = '\0';
    memcpy(pub->pubkey, v.pubkey, KEYFILE_PUBLICKEYBYTES);
    pub->keyid = v.keyid;
    return 0;
}

int keyfile_write_public(const char *path, const keyfile_key *key, lh_err *err)
{
    char line[KEYFILE_VKEY_MAX + 1];
    size_t n = keyfile_key_vkey(key, line);
    line[n++] = '\n';
    return fileio_write_new(path, 0644, line, n, "public key file", err);
}

int keyfile_read_public(const char *path, keyfile_pub *pub, lh_err *err)
{
    char buf[KEYFILE_PUBLIC_FILE_MAX + 1];
    size_t len = 0;
    int rc = fileio_read_into(path, 0, "public key file", buf, KEYFILE_PUBLIC_FILE_MAX, &len, err);
    if (rc != 0)
        return rc == LH_EINVAL || rc == -EISDIR ? LH_EKEYFILE : rc; /* not a regular file */
    /* One line: the newline, if any, must be the last byte. */
    const char *nl = memchr(buf, '\n', len);
    if (nl != NULL) {
        if (nl + 1 != buf + len)
            return lh_err_set(err, LH_EKEYFILE, "public key file %s has more than one line", path);
        len--;
    }
    if (len > 0 && buf[len - 1] == '\r')
        len--;
    lh_err inner;
    rc = keyfile_parse_vkey(buf, len, pub, &inner);
    if (rc != 0)
        return lh_err_set(err, rc, "public key file %s: %s", path, inner.msg);
    return 0;
}
