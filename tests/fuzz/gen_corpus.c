/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * gen_corpus.c — write the seed corpora of the fuzz targets into
 * tests/fuzz/corpus/<target>/ (run from the repository root).
 *
 * Seeds are valid inputs, plus the interesting invalid ones of the vector
 * files: notes, keys and checkpoints decoded from tests/vectors; entries of
 * several kinds written as JSON below, packed, validated and signed with a
 * fixed key, then wrapped in a SignedEntry and a Leaf; key files encoded
 * with KEYFILE_KDF_MIN; tile paths, bundles and tiles of the vector tree;
 * proof parameters in fuzz_proof's input format; packed Requests (for
 * fuzz_request and fuzz_query); tlog-proofs of leaf 5 of the vector tree
 * (fuzz_tlogproof). Every
 * output is deterministic (fixed seeds, no clock), so regenerating the
 * corpus gives the same files.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "entry.h"
#include "keyfile.h"
#include "liuhen.pb-c.h"
#include "merkle.h"
#include "pbjson.h"
#include "tile.h"
#include "tlogproof.h"
#include "validate.h"

#define CORPUS "tests/fuzz/corpus"
#define ORIGIN "example.org/liuhen-test"

/* Base64 of 32 bytes of 0x11, 0x22, 0x33 (leaf hashes, keys). */
#define H11 "ERERERERERERERERERERERERERERERERERERERERERE="
#define H22 "IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiI="
#define H33 "MzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzMzM="

__attribute__((noreturn)) static void die(const char *what, const char *detail)
{
    fprintf(stderr, "gen_corpus: %s: %s\n", what, detail);
    exit(1);
}

static void put(const char *target, const char *name, const void *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", CORPUS, target);
    if (mkdir(CORPUS, 0755) != 0 && errno != EEXIST)
        die(CORPUS, strerror(errno));
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        die(path, strerror(errno));
    snprintf(path, sizeof path, "%s/%s/%s", CORPUS, target, name);
    FILE *fp = fopen(path, "wb");
    if (fp == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
        die(path, "cannot write");
}

static void put_str(const char *target, const char *name, const char *s)
{
    put(target, name, s, strlen(s));
}

static uint8_t *b64(const char *s, size_t *len)
{
    size_t cap = strlen(s) + 1;
    uint8_t *out = malloc(cap);
    if (out == NULL || sodium_base642bin(out, cap, s, strlen(s), NULL, len, NULL,
                                         sodium_base64_VARIANT_ORIGINAL) != 0)
        die("bad base64 in a vector", s);
    return out;
}

/* ---- the vector files ------------------------------------------------- */

#define MAXF 8

/* Call fn for every record of tests/vectors/<file>. */
static void each_line(const char *file, void (*fn)(char **f, size_t n, void *ctx), void *ctx)
{
    char path[256];
    snprintf(path, sizeof path, "tests/vectors/%s", file);
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        die(path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        char *f[MAXF];
        size_t nf = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " ", &save); t != NULL && nf < MAXF;
             t = strtok_r(NULL, " ", &save))
            f[nf++] = t;
        fn(f, nf, ctx);
    }
    free(line);
    fclose(fp);
}

/*
 * A kind of record to copy from a vector file into a corpus: field `field`
 * of the records tagged `tag` (base64 of the bytes, unless raw), written to
 * corpus/<target>/<prefix>-<field name_field>.
 */
typedef struct pick {
    const char *file, *tag, *target, *prefix;
    size_t name_field, field;
    bool raw;
} pick;

static const pick picks[] = {
    {"note.txt", "sign", "note", "sign", 1, 3, false},
    {"note.txt", "open", "note", "open", 1, 4, false},
    {"note.txt", "vkey-bad", "note", "vkey-bad", 1, 2, true},
    {"note.txt", "vkey", "note", "vkey", 0, 1, true},
    {"note.txt", "skey", "note", "skey", 0, 1, true},
    {"cosignature.txt", "vkey", "note", "witness", 0, 1, true},
    {"cosignature.txt", "cosigned", "note", "cosigned", 0, 1, false},
    {"checkpoint.txt", "checkpoint", "note", "checkpoint", 1, 2, false},
    {"checkpoint.txt", "text", "checkpoint", "text", 1, 2, false},
    {"checkpoint.txt", "checkpoint", "checkpoint", "signed", 1, 2, false},
    {"checkpoint.txt", "body", "checkpoint", "body", 1, 3, false},
    {"cosignature.txt", "cosigned", "checkpoint", "cosigned", 0, 1, false},
    {"cosignature.txt", "verify", "checkpoint", "verify", 1, 3, false},
};

static void pick_line(char **f, size_t n, void *ctx)
{
    const pick *p = ctx;
    if (n <= p->field || strcmp(f[0], p->tag) != 0)
        return;
    char name[128];
    snprintf(name, sizeof name, "%s-%s", p->prefix, f[p->name_field]);
    if (p->raw) {
        put_str(p->target, name, f[p->field]);
    } else {
        size_t len;
        uint8_t *d = b64(f[p->field], &len);
        put(p->target, name, d, len);
        free(d);
    }
}

/* ---- notes and checkpoints ----------------------------------------------- */

static void gen_vectors(void)
{
    for (size_t i = 0; i < sizeof picks / sizeof picks[0]; i++)
        each_line(picks[i].file, pick_line, (void *)&picks[i]);
}

/* ---- entries, JSON and requests ---------------------------------------- */

/* Entries of several kinds and shapes; author_key is replaced by the
 * generator's key before packing, so that the signatures verify. */
static const char *const entries[][2] = {
    {"interference",
     "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_INTERFERENCE\", \"case_id\": \"QJ-2026-7\","
     " \"author_seq\": 2, \"author_prev\": \"" H11 "\", \"recorded_at\": 1779000000000,"
     " \"refs\": [\"" H22 "\"], \"attachments\": [{\"name\": \"询问笔录.pdf\", \"sha256\": \"" H33
     "\", \"size\": 123456, \"media_type\": \"application/pdf\"}],"
     " \"interference\": {\"occurred_at\": 1778996400000, \"place\": \"局机关三楼办公室\","
     " \"person\": {\"name\": \"王某\", \"position\": \"副局长\", \"unit\": \"应急管理局\","
     " \"relation\": \"RELATION_ON_STAFF\", \"contact\": \"023-7922 0000\"},"
     " \"manner\": \"MANNER_PHONE\", \"content\": \"要求对某企业从轻处罚。\\n称\\t已沟通。\","
     " \"categories\": [\"INTERFERENCE_CATEGORY_BEYOND_AUTHORITY_INSTRUCTION\","
     " \"INTERFERENCE_CATEGORY_PLEADING_SPYING\"], \"response\": \"HANDLER_RESPONSE_REFUSED\","
     " \"reported_to\": \"REPORTED_TO_LEGAL_SECTION\", \"reported_at\": 1778998200000,"
     " \"present\": [{\"name\": \"陈某\", \"relation\": \"RELATION_CONTRACTED\", \"public_key\": "
     "\"" H22 "\"}]}}"},
    {"key-enroll", "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_KEY_ENROLL\", \"author_seq\": 1,"
                   " \"recorded_at\": 1779000000000, \"key_enroll\": {\"public_key\": \"" H22 "\","
                   " \"holder\": \"张三\", \"position\": \"科员\", \"unit\": \"法规科\","
                   " \"roles\": [\"ROLE_HANDLER\", \"ROLE_LEGAL\"]}}"},
    {"key-revoke", "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_KEY_REVOKE\", \"author_seq\": 3,"
                   " \"author_prev\": \"" H11 "\", \"recorded_at\": 1779000000001,"
                   " \"key_revoke\": {\"public_key\": \"" H22 "\", \"reason\": \"调离岗位。\"}}"},
    {"decision",
     "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_DECISION\", \"case_id\": \"QJ-2026-7\","
     " \"author_seq\": 5, \"author_prev\": \"" H11 "\", \"case_prev\": \"" H33 "\","
     " \"recorded_at\": 1779000000000, \"decision\": {\"wrongful_case\": true,"
     " \"source\": \"CASE_SOURCE_JUSTICE_COMPLAINT\", \"responsible\": [{\"person\":"
     " {\"name\": \"陈某\", \"relation\": \"RELATION_CONTRACTED\"}, \"responsibility\": "
     "\"未履行告知程序。\","
     " \"sanctions\": [\"SANCTION_WRITTEN_SELF_EXAMINATION\", \"SANCTION_CIRCULATED_CRITICISM\"],"
     " \"mitigations\": [\"MITIGATION_SELF_CORRECTED\"], \"leniency\": \"LENIENCY_LIGHTER\"}],"
     " \"collective_discussion\": {\"held_at\": 1778996400000, \"participants\": [{\"name\": "
     "\"王某\"}],"
     " \"minutes_ref\": \"局务会纪要〔2026〕5号\", \"conclusion\": \"认定为错案。\"},"
     " \"referral\": \"REFERRAL_NONE\", \"decided_at\": 1779000000000,"
     " \"summary\": \"责令书面检查并通报批评。\", \"document_ref\": \"黔应急决〔2026〕1号\"}}"},
    {"correction",
     "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_CORRECTION\", \"case_id\": \"QJ-2026-7\","
     " \"author_seq\": 4, \"author_prev\": \"" H11 "\", \"case_prev\": \"" H33 "\","
     " \"recorded_at\": 1779000000000, \"correction\": {\"corrects\": \"" H22 "\","
     " \"changes\": [{\"field\": \"interference.place\", \"old_value\": \"三楼\","
     " \"new_value\": \"二楼\"}], \"reason\": \"记录时笔误。\"}}"},
    {"case-closed",
     "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_CASE_CLOSED\", \"case_id\": \"QJ-2026-7\","
     " \"author_seq\": 6, \"author_prev\": \"" H11 "\", \"case_prev\": \"" H33 "\","
     " \"recorded_at\": 1779000000000, \"case_closed\": {}}"},
    {"complaint",
     "{\"origin\": \"" ORIGIN "\", \"kind\": \"KIND_COMPLAINT\", \"case_id\": \"QJ-2026-8\","
     " \"author_seq\": 7, \"author_prev\": \"" H11 "\", \"recorded_at\": 1779000000000,"
     " \"complaint\": {\"complainant\": {\"name\": \"李某\", \"contact\": \"139 0000 0000\"},"
     " \"channel\": \"CHANNEL_LETTER\", \"received_at\": 1778913600000,"
     " \"conducts\": [\"CONDUCT_PROCEDURE_VIOLATED\"], \"source\": "
     "\"CASE_SOURCE_JUSTICE_COMPLAINT\","
     " \"summary\": \"投诉人称处罚程序违法。\", \"jurisdiction\": \"JURISDICTION_ACCEPTED\"}}"},
};
#define NENTRIES (sizeof entries / sizeof entries[0])

static uint8_t author_pk[32], author_sk[64];

static void pack_to(const ProtobufCMessage *m, uint8_t **out, size_t *len)
{
    *len = protobuf_c_message_get_packed_size(m);
    *out = malloc(*len + 1);
    if (*out == NULL || protobuf_c_message_pack(m, *out) != *len)
        die("pack", m->descriptor->name);
}

static void dump_json(const char *target, const char *name, const ProtobufCMessage *m)
{
    char *text = NULL;
    if (pbjson_dump(m, PBJSON_PRETTY, &text) != 0)
        die("pbjson_dump", name);
    put_str(target, name, text);
    free(text);
}

/* The SignedEntry of the first entry, for the Append request. */
static uint8_t *first_signed;
static size_t first_signed_len;

static void gen_entries(void)
{
    uint8_t seed[32];
    memset(seed, 0x46, sizeof seed); /* 'F' */
    crypto_sign_ed25519_seed_keypair(author_pk, author_sk, seed);
    for (size_t i = 0; i < NENTRIES; i++) {
        const char *kind = entries[i][0];
        char name[128];
        ProtobufCMessage *m = NULL;
        lh_err err = {{0}};
        if (pbjson_parse(&liuhen__entry__descriptor, entries[i][1], strlen(entries[i][1]), &m,
                         &err) != 0)
            die(kind, err.msg);
        Liuhen__Entry *e = (Liuhen__Entry *)m;
        free(e->author_key.data);
        e->author_key.data = malloc(32);
        if (e->author_key.data == NULL)
            die(kind, "out of memory");
        memcpy(e->author_key.data, author_pk, 32);
        e->author_key.len = 32;

        snprintf(name, sizeof name, "entry-%s.json", kind);
        dump_json("json", name, m);
        uint8_t *buf;
        size_t len;
        pack_to(m, &buf, &len);
        protobuf_c_message_free_unpacked(m, NULL);
        if (validate_entry(buf, len, ORIGIN, NULL, &err) != 0)
            die(kind, err.msg);
        snprintf(name, sizeof name, "entry-%s.pb", kind);
        put("entry", name, buf, len);

        uint8_t sig[64], signed_entry[ENTRY_SIGNED_MAX], leaf[ENTRY_LEAF_MAX];
        size_t signed_len = 0, leaf_len = 0;
        if (entry_sign(buf, len, author_sk, sig) != 0 ||
            entry_signed_pack(buf, len, sig, signed_entry, sizeof signed_entry, &signed_len) != 0 ||
            entry_leaf_pack(signed_entry, signed_len, INT64_C(1779000000123) + (int64_t)i, leaf,
                            sizeof leaf, &leaf_len) != 0)
            die(kind, "cannot sign or wrap");
        snprintf(name, sizeof name, "signed-%s.pb", kind);
        put("entry", name, signed_entry, signed_len);
        snprintf(name, sizeof name, "leaf-%s.pb", kind);
        put("entry", name, leaf, leaf_len);
        if (i == 0) {
            first_signed = malloc(signed_len);
            if (first_signed == NULL)
                die(kind, "out of memory");
            memcpy(first_signed, signed_entry, signed_len);
            first_signed_len = signed_len;
        }
        free(buf);
    }
}

static const char *const requests[][2] = {
    {"get-checkpoint", "{\"id\": 2, \"get_checkpoint\": {}}"},
    {"inclusion-index",
     "{\"id\": 3, \"get_inclusion_proof\": {\"leaf_index\": 5, \"tree_size\": 17}}"},
    {"inclusion-hash", "{\"id\": 4, \"get_inclusion_proof\": {\"leaf_hash\": \"" H22 "\"}}"},
    {"consistency", "{\"id\": 5, \"get_consistency_proof\": {\"first\": 1, \"second\": 17}}"},
    {"entries", "{\"id\": 6, \"get_entries\": {\"start\": 256, \"count\": 1000}}"},
    {"author-head",
     "{\"id\": 7, \"get_author_head\": {\"author_key\": \"" H11 "\", \"case_id\": \"QJ-2026-7\"}}"},
    {"case", "{\"id\": 8, \"get_case\": {\"case_id\": \"QJ-2026-7\"}}"},
    {"keys", "{\"id\": 9, \"get_keys\": {}}"},
    {"status", "{\"id\": \"18446744073709551615\", \"server_status\": {}}"},
    {"export", "{\"id\": 10, \"export\": {\"directory\": \"/var/lib/liuhen/export\"}}"},
    {"backup", "{\"id\": 11, \"backup\": {\"path\": \"/var/backups/liuhen-2026-05-17.mdb\"}}"},
};
#define NREQUESTS (sizeof requests / sizeof requests[0])

static void put_request(const char *name, const ProtobufCMessage *m)
{
    char file[128];
    uint8_t *buf;
    size_t len;
    snprintf(file, sizeof file, "request-%s.json", name);
    dump_json("json", file, m);
    pack_to(m, &buf, &len);
    snprintf(file, sizeof file, "%s.pb", name);
    put("request", file, buf, len);
    put("query", file, buf, len);
    free(buf);
}

static void gen_requests(void)
{
    for (size_t i = 0; i < NREQUESTS; i++) {
        ProtobufCMessage *m = NULL;
        lh_err err = {{0}};
        if (pbjson_parse(&liuhen__request__descriptor, requests[i][1], strlen(requests[i][1]), &m,
                         &err) != 0)
            die(requests[i][0], err.msg);
        put_request(requests[i][0], m);
        protobuf_c_message_free_unpacked(m, NULL);
    }
    /* An append carries a real signed entry, as its bytes. */
    Liuhen__AppendRequest ar = LIUHEN__APPEND_REQUEST__INIT;
    ar.signed_entry.data = first_signed;
    ar.signed_entry.len = first_signed_len;
    Liuhen__Request req = LIUHEN__REQUEST__INIT;
    req.id = 1;
    req.call_case = LIUHEN__REQUEST__CALL_APPEND;
    req.append = &ar;
    put_request("append", &req.base);
}

/* ---- key files ---------------------------------------------------------- */

static void put_u64be(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

/*
 * An encrypted secret key file, written here from the format keyfile.h
 * documents rather than by keyfile_encode_secret(), whose salt and nonce are
 * random: fixed ones keep the corpus deterministic, and the decoder must
 * accept a file made by this second writer.
 */
static size_t encrypted_keyfile(const char *name, const uint8_t seed[32], char *out, size_t cap)
{
    uint8_t b[512], pk[32], sk[64], kek[crypto_aead_xchacha20poly1305_ietf_KEYBYTES], h[32];
    size_t n = strlen(name), o = 0;
    crypto_sign_ed25519_seed_keypair(pk, sk, seed);
    memcpy(b,
           "LHSK\x01"
           "Ed\x01",
           8);
    put_u64be(b + 8, crypto_pwhash_argon2id_OPSLIMIT_MIN);
    put_u64be(b + 16, crypto_pwhash_argon2id_MEMLIMIT_MIN);
    memset(b + 24, 0x5a, 16); /* salt */
    memset(b + 40, 0xa5, 24); /* nonce */
    /* The note key id: SHA-256(name || 0x0A || 0x01 || public key)[:4]. */
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const uint8_t *)name, n);
    crypto_hash_sha256_update(&st, (const uint8_t *)"\n\x01", 2);
    crypto_hash_sha256_update(&st, pk, 32);
    crypto_hash_sha256_final(&st, h);
    memcpy(b + 64, h, 4);
    b[68] = (uint8_t)n;
    memcpy(b + 69, name, n);
    if (crypto_pwhash(kek, sizeof kek, "fuzz", 4, b + 24, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                      crypto_pwhash_argon2id_MEMLIMIT_MIN, crypto_pwhash_ALG_ARGON2ID13) != 0)
        die("Argon2id", name);
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(b + 69 + n, b + 69 + n + 32, NULL, seed, 32,
                                                        b, 69 + n, NULL, b + 40, kek);
    o = (size_t)snprintf(out, cap, "liuhen secret key v1: %s\n", name);
    sodium_bin2base64(out + o, cap - o, b, 69 + n + 32 + 16, sodium_base64_VARIANT_ORIGINAL);
    o += strlen(out + o);
    out[o++] = '\n';
    out[o] = '\0';
    return o;
}

static void gen_keyfiles(void)
{
    static const char *const names[] = {"fuzz.example.org/holder", "张三"};
    for (size_t i = 0; i < 2; i++) {
        uint8_t seed[KEYFILE_SEEDBYTES];
        memset(seed, (int)(0x30 + i), sizeof seed);
        keyfile_key *k = NULL, *back = NULL;
        lh_err err = {{0}};
        if (keyfile_from_seed(names[i], seed, &k, &err) != 0)
            die("keyfile_from_seed", err.msg);
        char text[KEYFILE_SECRET_TEXT_MAX], file[64];
        size_t len;
        if (keyfile_encode_secret(k, NULL, KEYFILE_KDF_MIN, text, sizeof text, &len, &err) != 0)
            die("keyfile_encode_secret", err.msg);
        snprintf(file, sizeof file, "secret-plain-%zu", i);
        put("keyfile", file, text, len);
        if (i == 0) {
            /* CRLF line ends and no final newline are accepted too. */
            char crlf[KEYFILE_SECRET_TEXT_MAX + 4];
            const char *nl = strchr(text, '\n');
            size_t head = (size_t)(nl - text), line2 = len - head - 2, o = head;
            memcpy(crlf, text, head);
            crlf[o++] = '\r';
            crlf[o++] = '\n';
            memcpy(crlf + o, nl + 1, line2);
            o += line2;
            crlf[o++] = '\r';
            crlf[o++] = '\n';
            put("keyfile", "secret-plain-crlf", crlf, o);
            put("keyfile", "secret-plain-no-newline", text, len - 1);
        }
        /* The fuzz target's passphrase, with the cheapest Argon2id limits. */
        len = encrypted_keyfile(names[i], seed, text, sizeof text);
        if (keyfile_decode_secret(text, len, "fuzz", &back, &err) != 0)
            die("keyfile_decode_secret of a hand-made encrypted file", err.msg);
        if (keyfile_key_id(back) != keyfile_key_id(k))
            die("keyfile_decode_secret of a hand-made encrypted file", "another key");
        keyfile_key_free(back);
        snprintf(file, sizeof file, "secret-min-%zu", i);
        put("keyfile", file, text, len);
        char vkey[KEYFILE_VKEY_MAX];
        len = keyfile_key_vkey(k, vkey);
        snprintf(file, sizeof file, "vkey-%zu", i);
        put("keyfile", file, vkey, len);
        keyfile_key_free(k);
    }
}

/* ---- tiles --------------------------------------------------------------- */

static void leaf_data(char *buf, size_t cap, size_t *len, uint64_t i)
{
    int n = snprintf(buf, cap, "leaf-%llu", (unsigned long long)i);
    *len = (size_t)n;
}

static void gen_tiles(void)
{
    static const char *const paths[] = {
        "tile/0/000",
        "tile/0/x001/x234/067",
        "tile/0/273.p/112",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
        "tile/entries/000.p/1",
        "tile/entries/273.p/112",
        "tile/entries/x001/000",
        "tile/63/999",
        "tile/7/x001/x099/x511/x627/776.p/255",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char file[32];
        snprintf(file, sizeof file, "path-%zu", i);
        put_str("tile", file, paths[i]);
    }
    /* Entry bundles of 3 and 256 leaves "leaf-<i>", as tiles.txt serves them. */
    static uint8_t bundle[TILE_WIDTH * 16];
    size_t blen = 0;
    for (uint64_t i = 0; i < TILE_WIDTH; i++) {
        char leaf[32];
        size_t n;
        leaf_data(leaf, sizeof leaf, &n, i);
        if (tile_bundle_append(bundle, sizeof bundle, &blen, (const uint8_t *)leaf, n) != 0)
            die("bundle", "append");
        if (i == 2)
            put("tile", "bundle-3", bundle, blen);
    }
    put("tile", "bundle-256", bundle, blen);
    /* Level-0 hash tiles: 7 leaf hashes, and the full first tile. */
    static uint8_t hashes[TILE_WIDTH][MERKLE_HASH_SIZE];
    for (uint64_t i = 0; i < TILE_WIDTH; i++) {
        char leaf[32];
        size_t n;
        leaf_data(leaf, sizeof leaf, &n, i);
        merkle_leaf_hash(hashes[i], (const uint8_t *)leaf, n);
    }
    put("tile", "tile-7", hashes, 7 * MERKLE_HASH_SIZE);
    put("tile", "tile-256", hashes, sizeof hashes);
}

/* ---- proofs (fuzz_proof's input format) ---------------------------------- */

typedef struct merkle_vec {
    uint8_t leaf5[32], root3[32], root7[32], root17[32];
    uint8_t incl[8][32], cons[8][32];
    size_t nincl, ncons;
} merkle_vec;

static void split_hashes(const char *list, uint8_t (*out)[32], size_t *n)
{
    char *copy = strdup(list);
    char *save = NULL;
    *n = 0;
    for (char *t = strtok_r(copy, ",", &save); t != NULL && *n < 8;
         t = strtok_r(NULL, ",", &save)) {
        size_t len;
        uint8_t *h = b64(t, &len);
        if (len != 32)
            die("merkle.txt", "hash is not 32 bytes");
        memcpy(out[(*n)++], h, 32);
        free(h);
    }
    free(copy);
}

static void merkle_line(char **f, size_t n, void *ctx)
{
    merkle_vec *v = ctx;
    if (n < 3)
        return;
    uint8_t *dst = NULL;
    if (strcmp(f[0], "leaf") == 0 && strcmp(f[1], "5") == 0)
        dst = v->leaf5;
    else if (strcmp(f[0], "root") == 0 && strcmp(f[1], "3") == 0)
        dst = v->root3;
    else if (strcmp(f[0], "root") == 0 && strcmp(f[1], "7") == 0)
        dst = v->root7;
    else if (strcmp(f[0], "root") == 0 && strcmp(f[1], "17") == 0)
        dst = v->root17;
    if (dst != NULL) {
        size_t len;
        uint8_t *h = b64(f[2], &len);
        memcpy(dst, h, 32);
        free(h);
    } else if (n == 4 && strcmp(f[0], "inclusion") == 0 && strcmp(f[1], "5") == 0 &&
               strcmp(f[2], "17") == 0) {
        split_hashes(f[3], v->incl, &v->nincl);
    } else if (n == 4 && strcmp(f[0], "consistency") == 0 && strcmp(f[1], "3") == 0 &&
               strcmp(f[2], "7") == 0) {
        split_hashes(f[3], v->cons, &v->ncons);
    }
}

static size_t put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
    return 8;
}

static size_t put_bytes(uint8_t *p, const void *src, size_t n)
{
    memcpy(p, src, n);
    return n;
}

static void gen_proofs(void)
{
    merkle_vec v;
    memset(&v, 0, sizeof v);
    each_line("merkle.txt", merkle_line, &v);
    uint8_t buf[1 + 16 + 64 + 8 * 32];
    size_t o = 0;
    buf[o++] = 0; /* inclusion of leaf 5 in the tree of 17 */
    o += put_be64(buf + o, 5);
    o += put_be64(buf + o, 17);
    o += put_bytes(buf + o, v.leaf5, 32);
    o += put_bytes(buf + o, v.root17, 32);
    o += put_bytes(buf + o, v.incl, v.nincl * 32);
    put("proof", "inclusion-5-17", buf, o);
    o = 0;
    buf[o++] = 1; /* consistency between the trees of 3 and 7 */
    o += put_be64(buf + o, 3);
    o += put_be64(buf + o, 7);
    o += put_bytes(buf + o, v.root3, 32);
    o += put_bytes(buf + o, v.root7, 32);
    o += put_bytes(buf + o, v.cons, v.ncons * 32);
    put("proof", "consistency-3-7", buf, o);
    /* Generated proofs: mode, size - 1, index or old size, then (pos, pos, xor) triples. */
    put("proof", "gen-inclusion-17-5", "\x02\x10\x05", 3);
    put("proof", "gen-inclusion-256-200", "\x02\xff\xc8", 3);
    put("proof", "gen-inclusion-tampered", "\x02\x40\x21\x00\x05\x01", 6);
    put("proof", "gen-consistency-17-3", "\x03\x10\x03", 3);
    put("proof", "gen-consistency-200-64", "\x03\xc7\x40", 3);
    put("proof", "gen-consistency-tampered", "\x03\x40\x21\x00\x21\x80", 6);
}

/* ---- tlog-proofs (fuzz_tlogproof) -------------------------------------------------------- */

/* The signed checkpoints of the vector tree: sizes 1 and 17, and 17 cosigned. */
typedef struct tlogproof_vec {
    uint8_t *cp1, *cp17, *cosigned;
    size_t cp1_len, cp17_len, cosigned_len;
} tlogproof_vec;

static void tlogproof_line(char **f, size_t n, void *ctx)
{
    tlogproof_vec *v = ctx;
    if (n == 3 && strcmp(f[0], "checkpoint") == 0 && strcmp(f[1], "1") == 0)
        v->cp1 = b64(f[2], &v->cp1_len);
    else if (n == 3 && strcmp(f[0], "checkpoint") == 0 && strcmp(f[1], "17") == 0)
        v->cp17 = b64(f[2], &v->cp17_len);
    else if (n == 2 && strcmp(f[0], "cosigned") == 0)
        v->cosigned = b64(f[1], &v->cosigned_len);
}

/* Write p as corpus/tlogproof/<name>, and return its text (malloc'd). */
static uint8_t *put_tlogproof(const char *name, const tlogproof *p, size_t *len)
{
    size_t need = 0;
    lh_err err = {{0}};
    if (tlogproof_format(NULL, 0, &need, p, &err) != LH_ELENGTH)
        die(name, err.msg);
    uint8_t *out = malloc(need);
    if (out == NULL || tlogproof_format(out, need, len, p, &err) != 0)
        die(name, err.msg);
    put("tlogproof", name, out, *len);
    return out;
}

static void gen_tlogproofs(void)
{
    merkle_vec mv;
    memset(&mv, 0, sizeof mv);
    each_line("merkle.txt", merkle_line, &mv);
    tlogproof_vec v;
    memset(&v, 0, sizeof v);
    each_line("checkpoint.txt", tlogproof_line, &v);
    each_line("cosignature.txt", tlogproof_line, &v);
    if (v.cp1 == NULL || v.cp17 == NULL || v.cosigned == NULL || mv.nincl == 0)
        die("tests/vectors", "a checkpoint or the inclusion proof of leaf 5 in 17 is missing");
    static tlogproof p;
    size_t len5, len_cosigned, len;
    /* Leaf 5 of the tree of 17, its data as the extra line. */
    memset(&p, 0, sizeof p);
    p.has_extra = true;
    p.extra = (const uint8_t *)"leaf-5";
    p.extra_len = 6;
    p.index = 5;
    p.nhashes = mv.nincl;
    memcpy(p.hashes, mv.incl, mv.nincl * 32);
    p.checkpoint = v.cp17;
    p.checkpoint_len = v.cp17_len;
    uint8_t *proof5 = put_tlogproof("leaf-5-size-17", &p, &len5);
    /* The same, the checkpoint cosigned by the vector witness. */
    p.checkpoint = v.cosigned;
    p.checkpoint_len = v.cosigned_len;
    uint8_t *cosigned = put_tlogproof("leaf-5-size-17-cosigned", &p, &len_cosigned);
    /* Two proofs, an empty line between them, as an evidence package holds them. */
    uint8_t *two = malloc(len5 + 1 + len_cosigned);
    if (two == NULL)
        die("tlogproof", "out of memory");
    memcpy(two, proof5, len5);
    two[len5] = '\n';
    memcpy(two + len5 + 1, cosigned, len_cosigned);
    put("tlogproof", "two-proofs", two, len5 + 1 + len_cosigned);
    free(two);
    free(cosigned);
    /* Leaf 0 of the tree of 1: no hash; without extra, and with an empty one. */
    memset(&p, 0, sizeof p);
    p.checkpoint = v.cp1;
    p.checkpoint_len = v.cp1_len;
    free(put_tlogproof("leaf-0-size-1-no-extra", &p, &len));
    p.has_extra = true;
    free(put_tlogproof("leaf-0-size-1-empty-extra", &p, &len));
    /* Refused: a leading zero, a hash of 31 bytes, no signature line. */
    size_t head = strlen("c2sp.org/tlog-proof@v1\nextra bGVhZi01\nindex ");
    uint8_t *bad = malloc(len5 + 64);
    if (bad == NULL)
        die("tlogproof", "out of memory");
    memcpy(bad, proof5, head);
    memcpy(bad + head, "05", 2);
    memcpy(bad + head + 2, proof5 + head + 1, len5 - head - 1);
    put("tlogproof", "bad-index-leading-zero", bad, len5 + 1);
    put_str("tlogproof", "bad-hash-31-bytes",
            "c2sp.org/tlog-proof@v1\nindex 0\nEREREREREREREREREREREREREREREREREREREREREQ==\n\n"
            "example.org/liuhen-test\n1\nERERERERERERERERERERERERERERERERERERERERERE=\n\n"
            "\xe2\x80\x94 example.org/liuhen-test QUJDRA==\n");
    put_str("tlogproof", "bad-no-signature",
            "c2sp.org/tlog-proof@v1\nindex 0\n\nexample.org/liuhen-test\n1\n"
            "ERERERERERERERERERERERERERERERERERERERERERE=\n\n");
    free(bad);
    free(proof5);
    free(v.cp1);
    free(v.cp17);
    free(v.cosigned);
}

int main(void)
{
    if (sodium_init() < 0)
        die("libsodium", "cannot initialise");
    gen_vectors();
    gen_entries();
    gen_requests();
    gen_keyfiles();
    gen_tiles();
    gen_proofs();
    gen_tlogproofs();
    free(first_signed);
    return 0;
}
