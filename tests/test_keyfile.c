/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_keyfile.c — key pairs, secret and public key files.
 *
 * Known answers come from tests/vectors/note.txt (Go's sumdb/note); the
 * secret key layout is checked field by field against keyfile.h and opened
 * by hand with libsodium; then round trips, every one-byte tamper, and
 * malformed files. Files go to a mkdtemp directory that is removed at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "keyfile.h"
#include "note.h"
#include "testutil.h"
#include "text.h"
#include "vec.h"

/* Offsets of the secret key structure, written out again from keyfile.h
 * rather than shared with keyfile.c, so that the test checks the document. */
#define OFF_VERSION 4
#define OFF_ALG     5
#define OFF_KDF     7
#define OFF_OPS     8
#define OFF_MEM     16
#define OFF_SALT    24
#define OFF_NONCE   40
#define OFF_KEYID   64
#define OFF_NAMELEN 68
#define OFF_NAME    69
#define BIN_MAX     (69 + 128 + 32 + 16)

static char tmpdir[64];

/* The fixed key of tests/vectors/note.txt. */
static uint8_t kat_seed[32];
static char kat_name[KEYFILE_NAME_MAX + 1];
static uint8_t kat_pubkey[32];
static uint32_t kat_keyid;
static char kat_vkey[KEYFILE_VKEY_MAX];

static const char *PASS = "correct horse battery staple";

static void tpath(char *out, size_t size, const char *name)
{
    int n = snprintf(out, size, "%s/%s", tmpdir, name);
    assert_true(n > 0 && (size_t)n < size);
}

static void write_file(const char *path, const void *buf, size_t len, mode_t mode)
{
    unlink(path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static size_t read_file(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, size, f);
    fclose(f);
    return n;
}

static int group_setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    strcpy(tmpdir, "/tmp/liuhen-test-keyfile-XXXXXX");
    if (mkdtemp(tmpdir) == NULL)
        return -1;

    vec_file vf;
    vec_open(&vf, "note.txt");
    vec_line *l;
    while ((l = vec_next(&vf)) != NULL) {
        if (strcmp(l->field[0], "seed") == 0)
            vec_hex_exact(kat_seed, sizeof kat_seed, l->field[1]);
        else if (strcmp(l->field[0], "name") == 0)
            snprintf(kat_name, sizeof kat_name, "%s", l->field[1]);
        else if (strcmp(l->field[0], "pubkey") == 0)
            vec_b64_exact(kat_pubkey, sizeof kat_pubkey, l->field[1]);
        else if (strcmp(l->field[0], "keyid") == 0)
            kat_keyid = (uint32_t)strtoul(l->field[1], NULL, 16);
        else if (strcmp(l->field[0], "vkey") == 0)
            snprintf(kat_vkey, sizeof kat_vkey, "%s", l->field[1]);
    }
    vec_close(&vf);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    if (d == NULL)
        return -1;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        if (unlink(p) != 0)
            rmdir(p);
    }
    closedir(d);
    return rmdir(tmpdir);
}

static keyfile_key *kat_key(void)
{
    keyfile_key *k = NULL;
    assert_int_equal(keyfile_from_seed(kat_name, kat_seed, &k, NULL), 0);
    return k;
}

/* Split a secret key text: the comment line (with its "\n") and the decoded structure. */
static size_t split_secret(const char *text, size_t len, char *comment, size_t comment_size,
                           uint8_t bin[BIN_MAX])
{
    const char *nl = memchr(text, '\n', len);
    assert_non_null(nl);
    size_t clen = (size_t)(nl + 1 - text);
    assert_true(clen < comment_size);
    memcpy(comment, text, clen);
    comment[clen] = '\0';
    assert_true(text[len - 1] == '\n');
    size_t n = 0;
    assert_int_equal(sodium_base642bin(bin, BIN_MAX, nl + 1, len - clen - 1, NULL, &n, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    return n;
}

/* Join a comment line and a structure back into secret key text. */
static size_t join_secret(char *out, const char *comment, const uint8_t *bin, size_t n)
{
    size_t len = strlen(comment);
    memcpy(out, comment, len);
    len += text_b64_encode(out + len, bin, n);
    out[len++] = '\n';
    out[len] = '\0';
    return len;
}

/* Recompute the checksum of an unencrypted structure after an edit, so that
 * a test reaches the check it aims at rather than the checksum. */
static void reseal(uint8_t *bin, size_t n)
{
    uint8_t h[32];
    crypto_generichash(h, sizeof h, bin, n - 16, NULL, 0);
    memcpy(bin + n - 16, h, 16);
}

static void encode(const keyfile_key *k, const char *pass, char *text, size_t *len)
{
    lh_err err = {{0}};
    int rc =
        keyfile_encode_secret(k, pass, KEYFILE_KDF_MIN, text, KEYFILE_SECRET_TEXT_MAX, len, &err);
    if (rc != 0)
        fail_msg("encode: %s: %s", lh_errname(rc), err.msg);
}

static void assert_same_key(const keyfile_key *a, const keyfile_key *b)
{
    assert_string_equal(keyfile_key_name(a), keyfile_key_name(b));
    assert_memory_equal(keyfile_key_pubkey(a), keyfile_key_pubkey(b), 32);
    assert_int_equal(keyfile_key_id(a), keyfile_key_id(b));
    /* Ed25519 is deterministic: the same secret signs the same bytes alike. */
    static const uint8_t msg[] = "liuhen/entry/v1\nsame key";
    uint8_t s1[64], s2[64];
    assert_int_equal(keyfile_sign(a, msg, sizeof msg, s1), 0);
    assert_int_equal(keyfile_sign(b, msg, sizeof msg, s2), 0);
    assert_memory_equal(s1, s2, 64);
    assert_int_equal(crypto_sign_verify_detached(s1, msg, sizeof msg, keyfile_key_pubkey(b)), 0);
}

static int decode(const char *text, size_t len, const char *pass, lh_err *err)
{
    keyfile_key *k = NULL;
    int rc = keyfile_decode_secret(text, len, pass, &k, err);
    if (rc == 0)
        assert_non_null(k);
    else
        assert_null(k);
    keyfile_key_free(k);
    return rc;
}

/* ---- known answers ------------------------------------------------------ */

static void test_kat_note_key(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    assert_string_equal(keyfile_key_name(k), kat_name);
    assert_memory_equal(keyfile_key_pubkey(k), kat_pubkey, 32);
    assert_int_equal(keyfile_key_id(k), kat_keyid);
    char vkey[KEYFILE_VKEY_MAX];
    assert_int_equal(keyfile_key_vkey(k, vkey), strlen(kat_vkey));
    assert_string_equal(vkey, kat_vkey);

    /* The note "sign one-line": its signature line carries base64(keyid || sig). */
    vec_file vf;
    vec_open(&vf, "note.txt");
    vec_line *l;
    bool seen = false;
    while ((l = vec_next(&vf)) != NULL) {
        if (strcmp(l->field[0], "sign") != 0)
            continue;
        size_t text_len = 0, note_len = 0;
        uint8_t *text = vec_b64(l->field[2], &text_len);
        uint8_t *note = vec_b64(l->field[3], &note_len);
        /* note = text "\n" "— " name " " base64(keyid || sig) "\n" */
        size_t off = text_len + 1 + strlen("— ") + strlen(kat_name) + 1;
        uint8_t ks[68];
        size_t ks_len = 0;
        assert_int_equal(sodium_base642bin(ks, sizeof ks, (char *)note + off, note_len - off - 1,
                                           NULL, &ks_len, NULL, sodium_base64_VARIANT_ORIGINAL),
                         0);
        assert_int_equal(ks_len, 68);
        assert_int_equal(tu_get_be32(ks), kat_keyid);
        uint8_t sig[64];
        assert_int_equal(keyfile_sign(k, text, text_len, sig), 0);
        assert_memory_equal(sig, ks + 4, 64);
        free(text);
        free(note);
        seen = true;
    }
    vec_close(&vf);
    assert_true(seen);
    keyfile_key_free(k);
}

static void test_kat_vkey(void **state)
{
    (void)state;
    keyfile_pub pub;
    lh_err err = {{0}};
    assert_int_equal(keyfile_parse_vkey(kat_vkey, strlen(kat_vkey), &pub, &err), 0);
    assert_string_equal(pub.name, kat_name);
    assert_memory_equal(pub.pubkey, kat_pubkey, 32);
    assert_int_equal(pub.keyid, kat_keyid);

    vec_file vf;
    vec_open(&vf, "note.txt");
    vec_line *l;
    int n = 0;
    while ((l = vec_next(&vf)) != NULL) {
        if (strcmp(l->field[0], "vkey-bad") != 0)
            continue;
        /* The "missing-key" vector may have the key field absent entirely. */
        const char *s = l->nfields > 2 ? l->field[2] : "";
        int rc = keyfile_parse_vkey(s, strlen(s), &pub, &err);
        if (rc == 0)
            fail_msg("vkey-bad %s accepted: %s", l->field[1], s);
        assert_true(rc == LH_EKEYFILE || rc == LH_EALGO);
        n++;
    }
    vec_close(&vf);
    assert_true(n >= 8);
}

/* ---- key pairs and names ------------------------------------------------ */

static void test_generate_sign(void **state)
{
    (void)state;
    keyfile_key *a = NULL, *b = NULL;
    assert_int_equal(keyfile_generate("alice", &a, NULL), 0);
    assert_int_equal(keyfile_generate("alice", &b, NULL), 0);
    assert_memory_not_equal(keyfile_key_pubkey(a), keyfile_key_pubkey(b), 32);

    static const uint8_t msg[] = "liuhen/entry/v1\nhello";
    uint8_t sig[64];
    assert_int_equal(keyfile_sign(a, msg, sizeof msg - 1, sig), 0);
    assert_int_equal(crypto_sign_verify_detached(sig, msg, sizeof msg - 1, keyfile_key_pubkey(a)),
                     0);
    assert_int_not_equal(
        crypto_sign_verify_detached(sig, msg, sizeof msg - 1, keyfile_key_pubkey(b)), 0);
    /* An empty message is a message too. */
    assert_int_equal(keyfile_sign(a, NULL, 0, sig), 0);
    assert_int_equal(crypto_sign_verify_detached(sig, NULL, 0, keyfile_key_pubkey(a)), 0);

    keyfile_key_free(a);
    keyfile_key_free(b);
    keyfile_key_free(NULL);
}

static void test_names(void **state)
{
    (void)state;
    char longest[KEYFILE_NAME_MAX + 2];
    memset(longest, 'x', KEYFILE_NAME_MAX);
    longest[KEYFILE_NAME_MAX] = '\0';
    char han[KEYFILE_NAME_MAX + 1] = "";
    for (int i = 0; i < KEYFILE_NAME_MAX / 3; i++)
        strcat(han, "张");
    const char *good[] = {"a", "张三", "example.org/liuhen", "王五@应急管理局", longest, han};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        keyfile_key *k = NULL;
        lh_err err = {{0}};
        int rc = keyfile_generate(good[i], &k, &err);
        if (rc != 0)
            fail_msg("name \"%s\" refused: %s", good[i], err.msg);
        assert_string_equal(keyfile_key_name(k), good[i]);
        keyfile_key_free(k);
    }

    memset(longest, 'x', KEYFILE_NAME_MAX + 1);
    longest[KEYFILE_NAME_MAX + 1] = '\0';
    const char *bad[] = {
        "",                 /* empty */
        "a b",              /* space */
        " a",               /* leading space */
        "a+b",              /* plus */
        "a\tb",             /* tab */
        "a\nb",             /* newline */
        "a\x01",            /* C0 control */
        "a\x7f",            /* DEL */
        "a\xc2\x85",        /* NEL, a C1 control */
        "a\xc2\xa0",        /* no-break space */
        "张\u3000三",       /* ideographic space */
        "a\xe2\x80\xa8",    /* line separator */
        "\xff",             /* not UTF-8 */
        "a\xc0\xaf",        /* overlong '/' */
        "\xe5\xbc\xa0\xe4", /* truncated sequence */
        "\xed\xa0\x80",     /* surrogate */
        longest,            /* 129 bytes */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        keyfile_key *k = NULL;
        lh_err err = {{0}};
        assert_int_equal(keyfile_generate(bad[i], &k, &err), LH_EINVAL);
        assert_null(k);
        assert_non_null(strstr(err.msg, "key name"));
        assert_int_equal(keyfile_from_seed(bad[i], kat_seed, &k, NULL), LH_EINVAL);
        assert_null(k);
    }
    keyfile_key *k = NULL;
    assert_int_equal(keyfile_generate(NULL, &k, NULL), LH_EINVAL);
}

/* ---- secret key layout -------------------------------------------------- */

static void test_secret_layout_plain(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char text[KEYFILE_SECRET_TEXT_MAX], comment[256];
    size_t len = 0;
    encode(k, NULL, text, &len);
    assert_int_equal(len, strlen(text));
    uint8_t bin[BIN_MAX];
    size_t n = split_secret(text, len, comment, sizeof comment, bin);

    char want[256];
    snprintf(want, sizeof want, "liuhen secret key v1: %s\n", kat_name);
    assert_string_equal(comment, want);
    size_t nl = strlen(kat_name);
    assert_int_equal(n, 69 + nl + 32 + 16);
    assert_memory_equal(bin, "LHSK", 4);
    assert_int_equal(bin[OFF_VERSION], 1);
    assert_memory_equal(bin + OFF_ALG, "Ed", 2);
    assert_int_equal(bin[OFF_KDF], 0);
    static const uint8_t zero[56];
    assert_memory_equal(bin + OFF_OPS, zero, 8 + 8 + 16 + 24);
    uint8_t id[4];
    tu_put_be32(id, kat_keyid);
    assert_memory_equal(bin + OFF_KEYID, id, 4);
    assert_int_equal(bin[OFF_NAMELEN], nl);
    assert_memory_equal(bin + OFF_NAME, kat_name, nl);
    assert_memory_equal(bin + OFF_NAME + nl, kat_seed, 32);
    uint8_t h[32];
    crypto_generichash(h, sizeof h, bin, n - 16, NULL, 0);
    assert_memory_equal(bin + n - 16, h, 16);

    /* Unencrypted encoding has no random part: it is the same every time. */
    char again[KEYFILE_SECRET_TEXT_MAX];
    size_t len2 = 0;
    encode(k, NULL, again, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(again, text, len);
    sodium_memzero(text, sizeof text);
    sodium_memzero(again, sizeof again);
    keyfile_key_free(k);
}

static void test_secret_layout_encrypted(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char text[KEYFILE_SECRET_TEXT_MAX], comment[256];
    size_t len = 0;
    encode(k, PASS, text, &len);
    uint8_t bin[BIN_MAX];
    size_t n = split_secret(text, len, comment, sizeof comment, bin);
    size_t nl = strlen(kat_name);
    assert_int_equal(n, 69 + nl + 32 + 16);
    assert_int_equal(bin[OFF_KDF], 1);
    static const uint8_t ops[8] = {0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t mem[8] = {0, 0, 0, 0, 0, 0, 0x20, 0}; /* 8192 */
    assert_memory_equal(bin + OFF_OPS, ops, 8);
    assert_memory_equal(bin + OFF_MEM, mem, 8);
    assert_memory_equal(bin + OFF_NAME, kat_name, nl);
    assert_memory_not_equal(bin + OFF_NAME + nl, kat_seed, 32);

    /* Open it by hand, as the header documents it. */
    uint8_t kek[32], seed[32];
    assert_int_equal(crypto_pwhash(kek, sizeof kek, PASS, strlen(PASS), bin + OFF_SALT, 1, 8192,
                                   crypto_pwhash_ALG_ARGON2ID13),
                     0);
    size_t seed_off = 69 + nl;
    assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
                         seed, NULL, bin + seed_off, 32, bin + seed_off + 32, bin, seed_off,
                         bin + OFF_NONCE, kek),
                     0);
    assert_memory_equal(seed, kat_seed, 32);

    /* A fresh salt and nonce every time. */
    char again[KEYFILE_SECRET_TEXT_MAX];
    uint8_t bin2[BIN_MAX];
    size_t len2 = 0;
    encode(k, PASS, again, &len2);
    split_secret(again, len2, comment, sizeof comment, bin2);
    assert_memory_not_equal(bin + OFF_SALT, bin2 + OFF_SALT, 16);
    assert_memory_not_equal(bin + OFF_NONCE, bin2 + OFF_NONCE, 24);
    keyfile_key_free(k);
}

/* ---- round trips -------------------------------------------------------- */

static void test_secret_roundtrip_memory(void **state)
{
    (void)state;
    static const uint8_t seed[32] = {1, 2, 3};
    keyfile_key *k = NULL;
    assert_int_equal(keyfile_from_seed("张三", seed, &k, NULL), 0);
    static const keyfile_kdf kdfs[] = {KEYFILE_KDF_MIN, KEYFILE_KDF_INTERACTIVE};
    for (size_t i = 0; i < 3; i++) {
        const char *pass = i < 2 ? "密码 with spaces" : NULL;
        char text[KEYFILE_SECRET_TEXT_MAX];
        size_t len = 0;
        lh_err err = {{0}};
        assert_int_equal(keyfile_encode_secret(k, pass, i < 2 ? kdfs[i] : KEYFILE_KDF_MIN, text,
                                               sizeof text, &len, &err),
                         0);
        assert_non_null(strstr(text, "liuhen secret key v1: 张三\n"));
        keyfile_key *r = NULL;
        assert_int_equal(keyfile_decode_secret(text, len, pass, &r, &err), 0);
        assert_same_key(k, r);
        keyfile_key_free(r);
        sodium_memzero(text, sizeof text);
    }
    /* Unusable parameters. */
    char small[KEYFILE_SECRET_TEXT_MAX - 1];
    size_t len = 0;
    assert_int_equal(
        keyfile_encode_secret(k, NULL, KEYFILE_KDF_MIN, small, sizeof small, &len, NULL),
        LH_ELENGTH);
    char text[KEYFILE_SECRET_TEXT_MAX];
    assert_int_equal(keyfile_encode_secret(k, "", KEYFILE_KDF_MIN, text, sizeof text, &len, NULL),
                     LH_EINVAL);
    assert_int_equal(keyfile_encode_secret(k, PASS, (keyfile_kdf)7, text, sizeof text, &len, NULL),
                     LH_EINVAL);
    keyfile_key_free(k);
}

static void test_secret_file_roundtrip(void **state)
{
    (void)state;
    keyfile_key *k = NULL;
    assert_int_equal(keyfile_generate("张三", &k, NULL), 0);
    char plain[256], enc[256];
    tpath(plain, sizeof plain, "plain.key");
    tpath(enc, sizeof enc, "enc.key");
    lh_err err = {{0}};
    assert_int_equal(keyfile_write_secret(plain, k, NULL, KEYFILE_KDF_MIN, &err), 0);
    assert_int_equal(keyfile_write_secret(enc, k, PASS, KEYFILE_KDF_MIN, &err), 0);

    struct stat st;
    assert_int_equal(stat(plain, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(stat(enc, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);

    bool encrypted = true;
    assert_int_equal(keyfile_secret_is_encrypted(plain, &encrypted, &err), 0);
    assert_false(encrypted);
    assert_int_equal(keyfile_secret_is_encrypted(enc, &encrypted, &err), 0);
    assert_true(encrypted);

    keyfile_key *r = NULL;
    assert_int_equal(keyfile_read_secret(plain, NULL, &r, &err), 0);
    assert_same_key(k, r);
    keyfile_key_free(r);
    /* A passphrase given for an unencrypted file is not needed and ignored. */
    assert_int_equal(keyfile_read_secret(plain, "unused", &r, &err), 0);
    assert_same_key(k, r);
    keyfile_key_free(r);
    assert_int_equal(keyfile_read_secret(enc, PASS, &r, &err), 0);
    assert_same_key(k, r);
    keyfile_key_free(r);
    keyfile_key_free(k);
}

static void test_public_file_roundtrip(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char p[256];
    tpath(p, sizeof p, "kat.pub");
    lh_err err = {{0}};
    assert_int_equal(keyfile_write_public(p, k, &err), 0);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
    char buf[512];
    size_t n = read_file(p, buf, sizeof buf);
    buf[n] = '\0';
    char want[KEYFILE_VKEY_MAX + 1];
    snprintf(want, sizeof want, "%s\n", kat_vkey);
    assert_string_equal(buf, want);
    keyfile_pub pub;
    assert_int_equal(keyfile_read_public(p, &pub, &err), 0);
    assert_string_equal(pub.name, kat_name);
    assert_memory_equal(pub.pubkey, kat_pubkey, 32);
    assert_int_equal(pub.keyid, kat_keyid);
    keyfile_key_free(k);

    /* A Chinese name, through the file and back. */
    assert_int_equal(keyfile_generate("李四", &k, NULL), 0);
    tpath(p, sizeof p, "lisi.pub");
    assert_int_equal(keyfile_write_public(p, k, &err), 0);
    n = read_file(p, buf, sizeof buf);
    assert_true(n > strlen("李四+") && memcmp(buf, "李四+", strlen("李四+")) == 0);
    assert_int_equal(keyfile_read_public(p, &pub, &err), 0);
    assert_string_equal(pub.name, "李四");
    assert_memory_equal(pub.pubkey, keyfile_key_pubkey(k), 32);
    assert_int_equal(pub.keyid, keyfile_key_id(k));
    keyfile_key_free(k);
}

/* ---- passphrases, permissions, existing files ---------------------------- */

static void test_passphrase_errors(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char p[256];
    tpath(p, sizeof p, "pass.key");
    assert_int_equal(keyfile_write_secret(p, k, PASS, KEYFILE_KDF_MIN, NULL), 0);
    keyfile_key *r = NULL;
    lh_err err = {{0}};
    assert_int_equal(keyfile_read_secret(p, "wrong", &r, &err), LH_EPASSPHRASE);
    assert_null(r);
    assert_non_null(strstr(err.msg, p));
    assert_non_null(strstr(err.msg, "wrong passphrase"));
    assert_int_equal(keyfile_read_secret(p, "", &r, &err), LH_EPASSPHRASE);
    assert_int_equal(keyfile_read_secret(p, NULL, &r, &err), LH_EPASSPHRASE);
    assert_null(r);
    assert_non_null(strstr(err.msg, p));
    assert_non_null(strstr(err.msg, "is encrypted: a passphrase is needed"));

    char other[256];
    tpath(other, sizeof other, "empty-pass.key");
    assert_int_equal(keyfile_write_secret(other, k, "", KEYFILE_KDF_MIN, &err), LH_EINVAL);
    assert_int_equal(access(other, F_OK), -1);
    keyfile_key_free(k);
}

static void test_permissions(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char text[KEYFILE_SECRET_TEXT_MAX];
    size_t len = 0;
    encode(k, NULL, text, &len);
    char p[256];
    tpath(p, sizeof p, "perm.key");
    static const mode_t bad[] = {0644, 0640, 0604, 0620, 0602, 0610, 0601, 0660, 0666};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(p, text, len, bad[i]);
        keyfile_key *r = NULL;
        lh_err err = {{0}};
        assert_int_equal(keyfile_read_secret(p, NULL, &r, &err), LH_EPERMFILE);
        assert_null(r);
        assert_non_null(strstr(err.msg, p));
        bool enc = false;
        assert_int_equal(keyfile_secret_is_encrypted(p, &enc, NULL), LH_EPERMFILE);
    }
    static const mode_t good[] = {0600, 0400, 0700};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        write_file(p, text, len, good[i]);
        keyfile_key *r = NULL;
        assert_int_equal(keyfile_read_secret(p, NULL, &r, NULL), 0);
        keyfile_key_free(r);
    }
    /* A public key file is public: its mode does not matter. */
    keyfile_pub pub;
    write_file(p, kat_vkey, strlen(kat_vkey), 0666);
    assert_int_equal(keyfile_read_public(p, &pub, NULL), 0);
    unlink(p);
    sodium_memzero(text, sizeof text);
    keyfile_key_free(k);
}

static void test_existing_files(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char p[256], link[256];
    tpath(p, sizeof p, "exists");
    tpath(link, sizeof link, "dangling");
    write_file(p, "keep me\n", 8, 0600);
    lh_err err = {{0}};
    assert_int_equal(keyfile_write_secret(p, k, NULL, KEYFILE_KDF_MIN, &err), -EEXIST);
    assert_non_null(strstr(err.msg, p));
    assert_int_equal(keyfile_write_secret(p, k, PASS, KEYFILE_KDF_MIN, &err), -EEXIST);
    assert_int_equal(keyfile_write_public(p, k, &err), -EEXIST);
    assert_non_null(strstr(err.msg, p));
    char buf[64];
    assert_int_equal(read_file(p, buf, sizeof buf), 8);
    assert_memory_equal(buf, "keep me\n", 8);

    /* A symbolic link is not followed, even one that points nowhere. */
    char target[256];
    tpath(target, sizeof target, "target-never-created");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(keyfile_write_secret(link, k, NULL, KEYFILE_KDF_MIN, NULL), -EEXIST);
    assert_int_equal(keyfile_write_public(link, k, NULL), -EEXIST);
    assert_int_equal(access(target, F_OK), -1);

    /* Missing files and missing directories are system errors. */
    char missing[256];
    tpath(missing, sizeof missing, "missing.key");
    keyfile_key *r = NULL;
    keyfile_pub pub;
    assert_int_equal(keyfile_read_secret(missing, NULL, &r, &err), -ENOENT);
    assert_non_null(strstr(err.msg, missing));
    assert_int_equal(keyfile_read_public(missing, &pub, NULL), -ENOENT);
    bool enc;
    assert_int_equal(keyfile_secret_is_encrypted(missing, &enc, NULL), -ENOENT);
    tpath(missing, sizeof missing, "no-such-dir/x.key");
    assert_int_equal(keyfile_write_secret(missing, k, NULL, KEYFILE_KDF_MIN, NULL), -ENOENT);

    /* A directory is not a key file. */
    assert_int_equal(keyfile_read_secret(tmpdir, NULL, &r, &err), LH_EKEYFILE);
    assert_non_null(strstr(err.msg, "regular file"));
    assert_null(r);
    keyfile_key_free(k);
}

/* ---- tampering and malformed secret keys -------------------------------- */

static void tamper_every_byte(const char *pass)
{
    keyfile_key *k = NULL;
    assert_int_equal(keyfile_from_seed("tamper", kat_seed, &k, NULL), 0);
    char text[KEYFILE_SECRET_TEXT_MAX], comment[256], bad[KEYFILE_SECRET_TEXT_MAX];
    size_t len = 0;
    encode(k, pass, text, &len);
    uint8_t bin[BIN_MAX], t[BIN_MAX];
    size_t n = split_secret(text, len, comment, sizeof comment, bin);
    /* The untouched structure, re-encoded, still opens. */
    size_t blen = join_secret(bad, comment, bin, n);
    assert_int_equal(decode(bad, blen, pass, NULL), 0);

    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    for (size_t i = 0; i < n; i++) {
        for (size_t m = 0; m < sizeof masks; m++) {
            memcpy(t, bin, n);
            t[i] ^= masks[m];
            blen = join_secret(bad, comment, t, n);
            lh_err err = {{0}};
            int rc = decode(bad, blen, pass, &err);
            if (rc == 0)
                fail_msg("%s key: byte %zu ^ 0x%02x accepted", pass ? "encrypted" : "plain", i,
                         masks[m]);
        }
    }
    sodium_memzero(text, sizeof text);
    sodium_memzero(bad, sizeof bad);
    keyfile_key_free(k);
}

static void test_tamper_plain(void **state)
{
    (void)state;
    tamper_every_byte(NULL);
}

static void test_tamper_encrypted(void **state)
{
    (void)state;
    tamper_every_byte(PASS);
}

static void test_truncated(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    for (int e = 0; e < 2; e++) {
        const char *pass = e ? PASS : NULL;
        char text[KEYFILE_SECRET_TEXT_MAX], comment[256], bad[KEYFILE_SECRET_TEXT_MAX];
        size_t len = 0;
        encode(k, pass, text, &len);
        uint8_t bin[BIN_MAX];
        size_t n = split_secret(text, len, comment, sizeof comment, bin);
        /* Every shorter structure, and one byte more. */
        for (size_t m = 0; m < n; m++) {
            size_t blen = join_secret(bad, comment, bin, m);
            assert_int_not_equal(decode(bad, blen, pass, NULL), 0);
        }
        bin[n] = 0;
        size_t blen = join_secret(bad, comment, bin, n + 1);
        assert_int_equal(decode(bad, blen, pass, NULL), LH_EKEYFILE);
        /* Every prefix of the text that cuts into the key line. */
        for (size_t m = 0; m + 1 < len; m++)
            assert_int_not_equal(decode(text, m, pass, NULL), 0);
        /* Without its final newline the text is whole. */
        assert_int_equal(decode(text, len - 1, pass, NULL), 0);
    }
    keyfile_key_free(k);
}

/* Pad the comment line of a secret key text with 'x' so that it is total bytes long. */
static void pad_comment(char *out, const char *text, size_t len, size_t total)
{
    const char *nl = memchr(text, '\n', len);
    size_t clen = (size_t)(nl - text);
    size_t pad = total - len;
    memcpy(out, text, clen);
    memset(out + clen, 'x', pad);
    memcpy(out + clen + pad, nl, len - clen);
}

static void test_oversized(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char text[KEYFILE_SECRET_TEXT_MAX];
    size_t len = 0;
    encode(k, NULL, text, &len);
    lh_err err = {{0}};

    /* The comment is free text, so a text at the bound is still read, and
     * one byte more is refused unread. */
    char big[KEYFILE_SECRET_FILE_MAX + 1];
    pad_comment(big, text, len, KEYFILE_SECRET_FILE_MAX);
    assert_int_equal(decode(big, KEYFILE_SECRET_FILE_MAX, NULL, &err), 0);
    pad_comment(big, text, len, KEYFILE_SECRET_FILE_MAX + 1);
    assert_int_equal(decode(big, KEYFILE_SECRET_FILE_MAX + 1, NULL, &err), LH_ETOOBIG);

    char p[256];
    tpath(p, sizeof p, "big.key");
    write_file(p, big, sizeof big, 0600);
    keyfile_key *r = NULL;
    assert_int_equal(keyfile_read_secret(p, NULL, &r, &err), LH_ETOOBIG);
    assert_null(r);
    assert_non_null(strstr(err.msg, p));
    bool enc;
    assert_int_equal(keyfile_secret_is_encrypted(p, &enc, NULL), LH_ETOOBIG);
    unlink(p);

    /* A third line, even an empty one. */
    memcpy(big, text, len);
    memcpy(big + len, "more\n", 5);
    assert_int_equal(decode(big, len + 5, NULL, &err), LH_EKEYFILE);
    memcpy(big + len, "\n", 1);
    assert_int_equal(decode(big, len + 1, NULL, &err), LH_EKEYFILE);
    sodium_memzero(text, sizeof text);
    sodium_memzero(big, sizeof big);
    keyfile_key_free(k);
}

static void test_bad_base64(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char text[KEYFILE_SECRET_TEXT_MAX], bad[KEYFILE_SECRET_TEXT_MAX + 8];
    size_t len = 0;
    encode(k, NULL, text, &len);
    size_t b64 = (size_t)((const char *)memchr(text, '\n', len) + 1 - text);
    size_t b64_end = len - 1; /* the final "\n" */

    /* A character outside the alphabet, at the start, middle and end. */
    size_t at[] = {b64, (b64 + b64_end) / 2, b64_end - 1};
    for (size_t i = 0; i < 3; i++) {
        memcpy(bad, text, len);
        bad[at[i]] = '*';
        assert_int_equal(decode(bad, len, NULL, NULL), LH_EKEYFILE);
        bad[at[i]] = ' ';
        assert_int_equal(decode(bad, len, NULL, NULL), LH_EKEYFILE);
    }
    /* URL-safe alphabet, inner whitespace, a line break inside. */
    memcpy(bad, text, len);
    for (size_t i = b64; i < b64_end; i++) {
        if (bad[i] == '+')
            bad[i] = '-';
        else if (bad[i] == '/')
            bad[i] = '_';
    }
    if (memcmp(bad, text, len) != 0)
        assert_int_equal(decode(bad, len, NULL, NULL), LH_EKEYFILE);
    memcpy(bad, text, b64 + 8);
    bad[b64 + 8] = '\n';
    memcpy(bad + b64 + 9, text + b64 + 8, len - b64 - 8);
    assert_int_equal(decode(bad, len + 1, NULL, NULL), LH_EKEYFILE);
    memcpy(bad, text, len);
    bad[len - 1] = ' ';
    bad[len] = '\n';
    assert_int_equal(decode(bad, len + 1, NULL, NULL), LH_EKEYFILE);
    /* An empty key line. */
    assert_int_equal(decode(text, b64, NULL, NULL), LH_EKEYFILE);

    /* Padding removed: not canonical. */
    uint8_t bin[BIN_MAX];
    char comment[256];
    size_t n = split_secret(text, len, comment, sizeof comment, bin);
    size_t blen = join_secret(bad, comment, bin, n);
    while (bad[blen - 2] == '=') {
        bad[blen - 2] = '\n';
        blen--;
    }
    if (blen != len)
        assert_int_equal(decode(bad, blen, NULL, NULL), LH_EKEYFILE);

    /* CRLF line ends, as a mail client may leave them, are accepted. */
    const char *nl = memchr(text, '\n', len);
    size_t clen = (size_t)(nl - text);
    memcpy(bad, text, clen);
    memcpy(bad + clen, "\r\n", 2);
    memcpy(bad + clen + 2, nl + 1, len - clen - 2);
    memcpy(bad + len, "\r\n", 2);
    assert_int_equal(decode(bad, len + 2, NULL, NULL), 0);
    sodium_memzero(text, sizeof text);
    sodium_memzero(bad, sizeof bad);
    keyfile_key_free(k);
}

static void test_header_fields(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char text[KEYFILE_SECRET_TEXT_MAX], comment[256], bad[KEYFILE_SECRET_TEXT_MAX];
    size_t len = 0;
    encode(k, NULL, text, &len);
    uint8_t bin[BIN_MAX], t[BIN_MAX];
    size_t n = split_secret(text, len, comment, sizeof comment, bin);
    size_t nl = strlen(kat_name);
    lh_err err = {{0}};
    size_t blen;

#define EDIT_EXPECT(code, edit)                                                                    \
    do {                                                                                           \
        memcpy(t, bin, n);                                                                         \
        edit;                                                                                      \
        reseal(t, n);                                                                              \
        blen = join_secret(bad, comment, t, n);                                                    \
        assert_int_equal(decode(bad, blen, NULL, &err), (code));                                   \
    } while (0)

    EDIT_EXPECT(LH_EKEYFILE, memcpy(t, "LHPK", 4));
    assert_non_null(strstr(err.msg, "magic"));
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_VERSION] = 2);
    assert_non_null(strstr(err.msg, "version 2"));
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_VERSION] = 0);
    EDIT_EXPECT(LH_EALGO, memcpy(t + OFF_ALG, "Xx", 2));
    EDIT_EXPECT(LH_EALGO, t[OFF_KDF] = 2);
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_OPS + 7] = 1);
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NONCE + 23] = 1);
    /* The key id must be the seed's. */
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_KEYID] ^= 1);
    assert_non_null(strstr(err.msg, "key id"));
    /* The seed must be the key id's. */
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NAME + nl] ^= 1);
    /* The name length must agree with the structure's length. */
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NAMELEN] = (uint8_t)(nl - 1));
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NAMELEN] = 0);
    /* Bad names inside a key file are refused like bad names given. */
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NAME] = ' ');
    assert_non_null(strstr(err.msg, "key name"));
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NAME] = '+');
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NAME] = 0xFF);
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NAME] = 0x00);
    EDIT_EXPECT(LH_EKEYFILE, t[OFF_NAME] = 0x1B);
#undef EDIT_EXPECT

    /* Argon2id limits are bounded before they are used and before a
     * passphrase is asked for, so that a crafted file costs nothing. */
    char etext[KEYFILE_SECRET_TEXT_MAX];
    encode(k, PASS, etext, &len);
    n = split_secret(etext, len, comment, sizeof comment, bin);
    static const struct {
        uint64_t ops, mem;
    } limits[] = {{0, 8192},        {crypto_pwhash_argon2id_OPSLIMIT_MODERATE + 1, 8192},
                  {1, 8191},        {1, crypto_pwhash_argon2id_MEMLIMIT_MODERATE + 1},
                  {16, 1ull << 30}, {UINT64_MAX, 8192}};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        memcpy(t, bin, n);
        tu_put_be64(t + OFF_OPS, limits[i].ops);
        tu_put_be64(t + OFF_MEM, limits[i].mem);
        blen = join_secret(bad, comment, t, n);
        assert_int_equal(decode(bad, blen, NULL, &err), LH_EKEYFILE);
        assert_non_null(strstr(err.msg, "Argon2id"));
        assert_int_equal(decode(bad, blen, PASS, &err), LH_EKEYFILE);
    }
    sodium_memzero(text, sizeof text);
    keyfile_key_free(k);
}

static void test_comment_line(void **state)
{
    (void)state;
    keyfile_key *k = kat_key();
    char text[KEYFILE_SECRET_TEXT_MAX], comment[256], bad[KEYFILE_SECRET_TEXT_MAX];
    size_t len = 0;
    encode(k, NULL, text, &len);
    uint8_t bin[BIN_MAX];
    size_t n = split_secret(text, len, comment, sizeof comment, bin);

    /* The comment is untrusted: the name comes from the structure. */
    size_t blen = join_secret(bad, "liuhen secret key v1: 某人 (edited by hand)\n", bin, n);
    keyfile_key *r = NULL;
    assert_int_equal(keyfile_decode_secret(bad, blen, NULL, &r, NULL), 0);
    assert_string_equal(keyfile_key_name(r), kat_name);
    keyfile_key_free(r);

    static const char *const wrong[] = {"", "\n", "untrusted comment: minisign\n",
                                        "liuhen public key v1: x\n", "LIUHEN SECRET KEY v1: x\n"};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        blen = join_secret(bad, wrong[i], bin, n);
        lh_err err = {{0}};
        assert_int_equal(decode(bad, blen, NULL, &err), LH_EKEYFILE);
        assert_non_null(strstr(err.msg, "first line"));
    }
    /* Only the comment line, or nothing at all. */
    assert_int_equal(decode(comment, strlen(comment), NULL, NULL), LH_EKEYFILE);
    assert_int_equal(decode("", 0, NULL, NULL), LH_EKEYFILE);
    /* A public key file given as a secret one. */
    assert_int_equal(decode(kat_vkey, strlen(kat_vkey), NULL, NULL), LH_EKEYFILE);
    sodium_memzero(text, sizeof text);
    keyfile_key_free(k);
}

/* ---- malformed public keys ---------------------------------------------- */

static void test_public_malformed(void **state)
{
    (void)state;
    keyfile_pub pub;
    lh_err err = {{0}};
    const char *plus1 = strchr(kat_vkey, '+');
    const char *plus2 = strchr(plus1 + 1, '+');
    size_t name_len = (size_t)(plus1 - kat_vkey);
    char s[512];

    static const char *const bad[] = {
        "",
        "name",
        "name+",
        "name+4b35e218",
        "name+4b35e218+",
        "+4b35e218+AZKiFIKMynVYVu8ZMPqlH9TDv8k2JsR1x8A8wCVdkewy",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(keyfile_parse_vkey(bad[i], strlen(bad[i]), &pub, &err), LH_EKEYFILE);

    /* Key id: uppercase, too short, too long, not hex. */
    static const char *const ids[] = {"4B35E218", "4b35e21", "4b35e2180", "4b35e21g", "-b35e218"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        snprintf(s, sizeof s, "%.*s+%s%s", (int)name_len, kat_vkey, ids[i], plus2);
        assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EKEYFILE);
    }
    /* Key id of another key. */
    snprintf(s, sizeof s, "%.*s+4b35e219%s", (int)name_len, kat_vkey, plus2);
    assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EKEYFILE);
    assert_non_null(strstr(err.msg, "key id"));
    /* Another name with the same key id. */
    snprintf(s, sizeof s, "other%s", plus1);
    assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EKEYFILE);

    /* Invalid names, with the key id they would have, so that only the
     * name is wrong. */
    char longest[KEYFILE_NAME_MAX + 2];
    memset(longest, 'n', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    const char *const names[] = {"a b", "\xff", "a\x01", "张\u3000三", "a\xc2\x85", longest};
    char key_b64[64];
    uint8_t typed1[33] = {0x01};
    memcpy(typed1 + 1, kat_pubkey, 32);
    text_b64_encode(key_b64, typed1, sizeof typed1);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        uint8_t h[32];
        crypto_hash_sha256_state st;
        crypto_hash_sha256_init(&st);
        crypto_hash_sha256_update(&st, (const uint8_t *)names[i], strlen(names[i]));
        crypto_hash_sha256_update(&st, (const uint8_t *)"\n\x01", 2);
        crypto_hash_sha256_update(&st, kat_pubkey, 32);
        crypto_hash_sha256_final(&st, h);
        snprintf(s, sizeof s, "%s+%02x%02x%02x%02x+%s", names[i], h[0], h[1], h[2], h[3], key_b64);
        assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EKEYFILE);
        assert_non_null(strstr(err.msg, "key name"));
    }

    /* Keys of the wrong length or type, base64 not canonical. */
    uint8_t typed[34] = {0x01};
    memcpy(typed + 1, kat_pubkey, 32);
    char b64[64];
    size_t lens[] = {32, 34, 1};
    for (size_t i = 0; i < 3; i++) {
        text_b64_encode(b64, typed, lens[i]);
        snprintf(s, sizeof s, "%.*s+%08x+%s", (int)name_len, kat_vkey, (unsigned)kat_keyid, b64);
        assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EKEYFILE);
    }
    typed[0] = 0x04; /* a cosignature key: not a note verifier key */
    text_b64_encode(b64, typed, 33);
    snprintf(s, sizeof s, "%.*s+%08x+%s", (int)name_len, kat_vkey, (unsigned)kat_keyid, b64);
    assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EALGO);
    snprintf(s, sizeof s, "%s=", kat_vkey);
    assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EKEYFILE);
    snprintf(s, sizeof s, "%s ", kat_vkey);
    assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EKEYFILE);
    snprintf(s, sizeof s, " %s", kat_vkey);
    assert_int_equal(keyfile_parse_vkey(s, strlen(s), &pub, &err), LH_EKEYFILE);
    snprintf(s, sizeof s, "%s", kat_vkey);
    s[strlen(s) - 3] = '\0'; /* keep the NUL inside the length */
    assert_int_equal(keyfile_parse_vkey(s, strlen(kat_vkey), &pub, &err), LH_EKEYFILE);
    assert_int_equal(keyfile_parse_vkey(NULL, 0, &pub, &err), LH_EINVAL);

    /* Files: line ends, extra lines, size, a directory, a secret key. */
    char p[256];
    tpath(p, sizeof p, "bad.pub");
    struct {
        const char *suffix;
        int rc;
    } forms[] = {{"", 0},
                 {"\n", 0},
                 {"\r\n", 0},
                 {"\n\n", LH_EKEYFILE},
                 {"\nx\n", LH_EKEYFILE},
                 {" \n", LH_EKEYFILE},
                 {"\r\r\n", LH_EKEYFILE}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        snprintf(s, sizeof s, "%s%s", kat_vkey, forms[i].suffix);
        write_file(p, s, strlen(s), 0644);
        assert_int_equal(keyfile_read_public(p, &pub, &err), forms[i].rc);
        if (forms[i].rc != 0)
            assert_non_null(strstr(err.msg, p));
    }
    write_file(p, "", 0, 0644);
    assert_int_equal(keyfile_read_public(p, &pub, &err), LH_EKEYFILE);
    char big[KEYFILE_PUBLIC_FILE_MAX + 1];
    memset(big, 'a', sizeof big);
    write_file(p, big, sizeof big, 0644);
    assert_int_equal(keyfile_read_public(p, &pub, &err), LH_ETOOBIG);
    assert_int_equal(keyfile_read_public(tmpdir, &pub, &err), LH_EKEYFILE);
    assert_non_null(strstr(err.msg, "regular file"));

    keyfile_key *k = kat_key();
    char text[KEYFILE_SECRET_TEXT_MAX];
    size_t len = 0;
    encode(k, PASS, text, &len);
    write_file(p, text, len, 0600);
    assert_int_equal(keyfile_read_public(p, &pub, &err), LH_EKEYFILE);
    unlink(p);
    keyfile_key_free(k);
}

/* A key file's key signs C2SP notes that its own verifier key opens, and a
 * tampered note is refused. */
static void test_note_signer(void **state)
{
    (void)state;
    keyfile_key *key = NULL;
    lh_err err;
    assert_int_equal(keyfile_generate("example.org/日志", &key, &err), 0);
    note_signer *signer = sodium_malloc(sizeof *signer);
    assert_non_null(signer);
    assert_int_equal(keyfile_note_signer(key, signer), 0);
    assert_string_equal(signer->name, "example.org/日志");
    assert_int_equal(signer->keyid, keyfile_key_id(key));

    char vkey[KEYFILE_VKEY_MAX];
    size_t vkey_len = keyfile_key_vkey(key, vkey);
    assert_int_equal(vkey_len, strlen(vkey));
    note_verifier v;
    assert_int_equal(note_vkey_parse(vkey, strlen(vkey), &v, &err), 0);

    static const uint8_t text[] = "example.org/日志\n1\nAAAA\n";
    uint8_t out[1024];
    size_t len = 0;
    assert_int_equal(note_sign(text, sizeof text - 1, signer, 1, out, sizeof out, &len, &err), 0);
    note_opened opened;
    assert_int_equal(note_open(out, len, &v, 1, &opened, &err), 0);
    assert_int_equal(opened.nsigned, 1);
    out[0] ^= 1;
    assert_int_not_equal(note_open(out, len, &v, 1, &opened, &err), 0);

    sodium_free(signer);
    keyfile_key_free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kat_note_key),
        cmocka_unit_test(test_note_signer),
        cmocka_unit_test(test_kat_vkey),
        cmocka_unit_test(test_generate_sign),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_secret_layout_plain),
        cmocka_unit_test(test_secret_layout_encrypted),
        cmocka_unit_test(test_secret_roundtrip_memory),
        cmocka_unit_test(test_secret_file_roundtrip),
        cmocka_unit_test(test_public_file_roundtrip),
        cmocka_unit_test(test_passphrase_errors),
        cmocka_unit_test(test_permissions),
        cmocka_unit_test(test_existing_files),
        cmocka_unit_test(test_tamper_plain),
        cmocka_unit_test(test_tamper_encrypted),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_bad_base64),
        cmocka_unit_test(test_header_fields),
        cmocka_unit_test(test_comment_line),
        cmocka_unit_test(test_public_malformed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
