/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * testutil.c — helpers shared by the unit tests (testutil.h).
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "i18n.h"
#include "vec.h"

/* ---- deterministic randomness --------------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

void tu_rng_seed(uint64_t seed)
{
    /* Called from main(), outside any test: a zero seed is the caller's bug. */
    if (seed == 0)
        abort();
    rng_state = seed;
}

uint64_t tu_rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

uint64_t tu_rng_below(uint64_t bound)
{
    return tu_rng() % bound;
}

void tu_rng_bytes(uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)tu_rng();
}

/* ---- big-endian integers --------------------------------------------------------------------- */

uint32_t tu_get_be32(const uint8_t p[4])
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void tu_put_be32(uint8_t p[4], uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

void tu_put_be64(uint8_t p[8], uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* ---- JSON literals --------------------------------------------------------------------------- */

char *tu_sq(const char *s)
{
    char *t = strdup(s);
    assert_non_null(t);
    for (char *p = t; *p != '\0'; p++) {
        if (*p == '\'')
            *p = '"';
    }
    return t;
}

/* ---- files ----------------------------------------------------------------------------------- */

uint8_t *tu_read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    assert_non_null(buf);
    for (;;) {
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        assert_true(r >= 0);
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

static void write_file(const char *path, int flags, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, mode);
    if (fd < 0)
        fail_msg("cannot create %s: %s", path, strerror(errno));
    assert_int_equal(fchmod(fd, mode), 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

void tu_write_file(const char *path, const char *text, mode_t mode)
{
    write_file(path, O_TRUNC, text, mode);
}

void tu_create_file(const char *path, const char *text, mode_t mode)
{
    write_file(path, O_EXCL, text, mode);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tu_rmtree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- entry keys ------------------------------------------------------------------------------ */

void tu_key_make(tu_key *k, uint32_t n, uint8_t tag)
{
    uint8_t seed[32] = {0};
    seed[0] = (uint8_t)n;
    seed[1] = (uint8_t)(n >> 8);
    seed[2] = (uint8_t)(n >> 16);
    seed[31] = tag;
    crypto_sign_ed25519_seed_keypair(k->pk, k->sk, seed);
}

/* ---- note keys ------------------------------------------------------------------------------- */

void tu_make_signer(note_signer *s, note_verifier *v, const char *name, uint8_t type)
{
    uint8_t seed[NOTE_SEED_LEN];
    tu_rng_bytes(seed, sizeof seed);
    assert_int_equal(note_signer_from_seed(s, name, strlen(name), type, seed), 0);
    if (v != NULL)
        assert_int_equal(note_signer_verifier(s, v), 0);
}

void tu_check_pubkey(const note_signer *s, const char *b64)
{
    uint8_t pk[NOTE_PUBKEY_LEN], derived[NOTE_PUBKEY_LEN];
    vec_b64_exact(pk, sizeof pk, b64);
    crypto_sign_ed25519_sk_to_pk(derived, s->sk);
    assert_memory_equal(pk, derived, sizeof pk);
}

uint32_t tu_check_keyid(const note_signer *s, const char *hex)
{
    uint8_t id[4], pk[NOTE_PUBKEY_LEN];
    vec_hex_exact(id, sizeof id, hex);
    uint32_t want = tu_get_be32(id);
    assert_int_equal(s->keyid, want);
    crypto_sign_ed25519_sk_to_pk(pk, s->sk);
    assert_int_equal(note_keyid(s->name, strlen(s->name), s->type, pk), want);
    return want;
}

void tu_check_vkey(const note_signer *s, const char *vkey, note_verifier *v)
{
    char buf[NOTE_VKEY_MAX + 1];
    size_t n = 0;
    note_verifier parsed, from_signer;
    lh_err e = {{0}};
    tu_assert_code(note_vkey_parse(vkey, strlen(vkey), &parsed, &e), 0, &e);
    assert_int_equal(note_signer_verifier(s, &from_signer), 0);
    assert_memory_equal(&parsed, &from_signer, sizeof parsed);
    assert_int_equal(note_vkey_format(&parsed, buf, sizeof buf, &n), 0);
    assert_int_equal(n, strlen(vkey));
    assert_string_equal(buf, vkey);
    if (v != NULL)
        *v = parsed;
}

void tu_check_skey(const note_signer *s, const char *skey)
{
    char buf[NOTE_SKEY_MAX + 1];
    size_t n = 0;
    note_signer parsed;
    lh_err e = {{0}};
    tu_assert_code(note_skey_parse(skey, strlen(skey), &parsed, &e), 0, &e);
    assert_memory_equal(&parsed, s, sizeof parsed);
    assert_int_equal(note_skey_format(s, buf, sizeof buf, &n), 0);
    assert_int_equal(n, strlen(skey));
    assert_string_equal(buf, skey);
    sodium_memzero(buf, sizeof buf);
    note_signer_wipe(&parsed);
}

bool tu_oracle_unknown_sigline(const uint8_t *line, size_t len, const note_verifier *known)
{
    if (len < 5 || line[len - 1] != '\n' || memcmp(line, "\xe2\x80\x94 ", 4) != 0)
        return false;
    const uint8_t *name = line + 4;
    const uint8_t *end = line + len - 1;
    const uint8_t *sp = memchr(name, ' ', (size_t)(end - name));
    if (sp == NULL || sp == name)
        return false;
    for (const uint8_t *p = name; p < sp; p++)
        if (*p <= 0x20 || *p >= 0x7F || *p == '+')
            return false;
    for (const uint8_t *p = line; p < end; p++)
        if (*p == '\n')
            return false;
    const char *b64 = (const char *)sp + 1;
    size_t b64_len = (size_t)(end - sp - 1), n = 0;
    uint8_t bin[256];
    const char *b64_end = NULL;
    if (b64_len == 0 ||
        sodium_base642bin(bin, sizeof bin, b64, b64_len, NULL, &n, &b64_end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        b64_end != b64 + b64_len || n < 5)
        return false;
    uint32_t keyid = tu_get_be32(bin);
    size_t name_len = (size_t)(sp - name);
    return !(keyid == known->keyid && name_len == strlen(known->name) &&
             memcmp(name, known->name, name_len) == 0);
}

/* ---- vector leaves --------------------------------------------------------------------------- */

int tu_vec_store_fill(memstore *ms, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (memstore_append_vector_leaf(ms, i) != 0)
            return -1;
    return 0;
}

/* ---- vector file bookkeeping ----------------------------------------------------------------- */

/* The index of form in the tally's forms, or nforms for a form the test does not know. */
static size_t form_index(const tu_vec_tally *t, const char *form)
{
    size_t i = 0;
    while (i < t->nforms && strcmp(t->forms[i], form) != 0)
        i++;
    return i;
}

void tu_vec_tally_init(tu_vec_tally *t, const char *file, const char *const *forms, size_t nforms)
{
    vec_file vf;
    vec_line *l;
    assert_true(nforms <= TU_VEC_FORMS_MAX);
    memset(t, 0, sizeof *t);
    t->file = file;
    t->forms = forms;
    t->nforms = nforms;
    vec_open(&vf, file);
    while ((l = vec_next(&vf)) != NULL) {
        size_t i = form_index(t, l->field[0]);
        if (i == nforms)
            fail_msg("%s:%u: unknown line form %s", file, l->lineno, l->field[0]);
        t->records[i]++;
    }
    vec_close(&vf);
}

size_t tu_vec_tally_ran(tu_vec_tally *t, const char *form)
{
    size_t i = form_index(t, form);
    if (i == t->nforms)
        fail_msg("%s: unknown line form %s", t->file, form);
    t->ran[i]++;
    return i;
}

size_t tu_vec_tally_of(const tu_vec_tally *t, const char *form)
{
    size_t i = form_index(t, form);
    if (i == t->nforms)
        fail_msg("%s: unknown line form %s", t->file, form);
    return t->ran[i];
}

size_t tu_vec_tally_done(const tu_vec_tally *t)
{
    size_t total = 0;
    for (size_t i = 0; i < t->nforms; i++) {
        if (t->records[i] == 0)
            fail_msg("%s has no %s line", t->file, t->forms[i]);
        if (t->ran[i] != t->records[i])
            fail_msg("%s: %zu of %zu %s lines checked", t->file, t->ran[i], t->records[i],
                     t->forms[i]);
        total += t->ran[i];
    }
    return total;
}

size_t tu_case_index(const void *table, size_t n, size_t size, const char *name, int *used)
{
    /* A pointer to a struct, converted, points to its first member (C11 6.7.2.1). */
    const char *row = table;
    for (size_t i = 0; i < n; i++, row += size) {
        if (strcmp(*(const char *const *)(const void *)row, name) == 0) {
            used[i]++;
            return i;
        }
    }
    fail_msg("vector case %s has no expected verdict in this test", name);
    abort();
}

void tu_assert_used_once(const int *used, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (used[i] != 1)
            fail_msg("expected verdict %zu was used %d times, not once", i, used[i]);
}

void tu_check_verdict(const char *verdict, int code, bool allow_either)
{
    if (strcmp(verdict, "accept") == 0)
        assert_int_equal(code, 0);
    else if (strcmp(verdict, "reject") == 0)
        assert_int_not_equal(code, 0);
    else if (allow_either)
        assert_string_equal(verdict, "either");
    else
        fail_msg("verdict %s is neither accept nor reject", verdict);
}

/* ---- the language of the messages ------------------------------------------------------------ */

void tu_set_language(const char *lang)
{
    setenv("LANG", lang, 1);
    unsetenv("LC_ALL");
    unsetenv("LC_MESSAGES");
    unsetenv("LANGUAGE");
    i18n_init();
}

int tu_english(void **state)
{
    (void)state;
    tu_set_language("C");
    return 0;
}
