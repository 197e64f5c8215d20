/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_wstate.c — the witness's state directory and its add-checkpoint code
 * path (tools/liuhen-witness/wstate.c).
 *
 * 1. Opening: a missing directory is made private, one that others may
 *    enter is refused, the lock keeps a second user out, bad configurations
 *    are refused.
 * 2. Cosigning: the answer is a cosignature that verifies; the checkpoint
 *    file holds the note exactly as received, before the answer; it is
 *    loaded again at open; a stale old size gets 409 and the size.
 * 3. A state file altered, or replaced by another key's checkpoint, stops
 *    the open, naming the file.
 * 4. Misbehaviour: a fork at the cosigned size and a forked extension are
 *    never cosigned and leave evidence files that hold the request and the
 *    cosigned checkpoint, which wstate_evidence_list() reads back.
 * 5. Atomicity: many threads race from one old size; exactly one wins, and
 *    the state is its checkpoint.
 * 6. A state that cannot be saved answers 500, cosigns nothing and changes
 *    nothing.
 * 7. Bodies too large, malformed, of an unknown log.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>

#include "checkpoint.h"
#include "memstore.h"
#include "merkle.h"
#include "note.h"
#include "testutil.h"
#include "witness.h"
#include "wstate.h"

#define ORIGIN   "example.org/wstate-test-log"
#define TREE_MAX 64
#define FORK_AT  4
#define NOW      UINT64_C(1765000000)

static note_signer log_signer, impostor, witness_signer;
static note_verifier log_key, witness_key;
/* Tree A: "a-<i>"; tree B: the same first FORK_AT leaves, then "b-<i>". */
static memstore tree_a, tree_b;

static void fill(memstore *ms, char tag)
{
    for (uint64_t i = 0; i < TREE_MAX; i++) {
        char data[32];
        int n =
            snprintf(data, sizeof data, "%c-%llu", i < FORK_AT ? 'a' : tag, (unsigned long long)i);
        uint8_t h[MERKLE_HASH_SIZE];
        merkle_leaf_hash(h, (const uint8_t *)data, (size_t)n);
        assert_int_equal(memstore_append(ms, h), 0);
    }
}

static int setup(void **state)
{
    (void)state;
    tu_make_signer(&log_signer, &log_key, ORIGIN, NOTE_TYPE_ED25519);
    tu_make_signer(&impostor, NULL, ORIGIN, NOTE_TYPE_ED25519);
    tu_make_signer(&witness_signer, &witness_key, "witness.example.org/test", NOTE_TYPE_COSIG);
    fill(&tree_a, 'a');
    fill(&tree_b, 'b');
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    memstore_free(&tree_a);
    memstore_free(&tree_b);
    note_signer_wipe(&log_signer);
    note_signer_wipe(&impostor);
    note_signer_wipe(&witness_signer);
    return 0;
}

/* ---- helpers --------------------------------------------------------------------------------- */

typedef struct req {
    uint8_t note[CHECKPOINT_SIGNED_MAX];
    size_t note_len;
    uint8_t body[WITNESS_REQUEST_MAX];
    size_t len;
} req;

/* A request from old to the checkpoint of tree ms at size n, signed by s. */
static void make_req(req *r, const note_signer *s, memstore *ms, uint64_t old, uint64_t n)
{
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", s->name);
    cp.size = n;
    assert_int_equal(merkle_tree_hash(cp.root, n, memstore_read, ms), 0);
    lh_err e = {{0}};
    tu_assert_code(checkpoint_sign(&cp, s, r->note, sizeof r->note, &r->note_len, &e), 0, &e);
    /* Text: a NUL after it, so that tests can write it with tu_write_file(). */
    assert_true(r->note_len < sizeof r->note);
    r->note[r->note_len] = '\0';
    uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
    size_t nproof = 0;
    if (old <= n)
        assert_int_equal(merkle_consistency_proof(proof, &nproof, old, n, memstore_read, ms), 0);
    assert_int_equal(witness_request_format(old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof, nproof,
                                            r->note, r->note_len, r->body, sizeof r->body, &r->len),
                     0);
}

static char *make_tmpdir(void)
{
    char *dir = strdup("/tmp/test_wstate.XXXXXX");
    assert_non_null(dir);
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* The state directory under a fresh temporary directory (not created yet). */
static char *state_dir(const char *tmp)
{
    char *dir = malloc(strlen(tmp) + 8);
    assert_non_null(dir);
    sprintf(dir, "%s/state", tmp);
    return dir;
}

static int open_state(const char *dir, wstate **ws, unsigned wait_ms, lh_err *e)
{
    wstate_config cfg = {.dir = dir,
                         .logs = &log_key,
                         .nlogs = 1,
                         .signer = &witness_signer,
                         .lock_wait_ms = wait_ms,
                         .log = NULL};
    return wstate_open(&cfg, ws, e);
}

static char *state_file(const char *dir)
{
    char hex[65];
    wstate_origin_hex(hex, ORIGIN);
    char *p = malloc(strlen(dir) + 80);
    assert_non_null(p);
    sprintf(p, "%s/%s.checkpoint", dir, hex);
    return p;
}

/* The answer must be a cosignature of r's checkpoint by the witness, at NOW. */
static void assert_cosigned(const wstate_answer *a, const req *r)
{
    if (a->status != WITNESS_OK)
        fail_msg("want 200, got %d: %s", a->status, a->reason);
    uint8_t line[NOTE_SIGLINE_MAX];
    size_t line_len = 0;
    uint64_t ts = 0;
    lh_err e = {{0}};
    tu_assert_code(witness_response_cosig(r->note, r->note_len, &log_key, &witness_key, a->body,
                                          a->body_len, line, sizeof line, &line_len, &ts, &e),
                   0, &e);
    assert_int_equal(line_len, a->body_len);
    assert_true(ts == NOW);
}

static void assert_log(wstate *ws, bool cosigned, uint64_t size)
{
    witness_log l;
    assert_int_equal(wstate_get_log(ws, 0, &l), 0);
    assert_true(l.cosigned == cosigned);
    if (cosigned)
        assert_true(l.size == size);
}

/* ---- 1. opening ------------------------------------------------------------------------------ */

static void test_open_makes_private_dir(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp);
    wstate *ws = NULL;
    lh_err e = {{0}};
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    char path[512];
    snprintf(path, sizeof path, "%s/evidence", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof path, "%s/lock", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_log(ws, false, 0);
    wstate_close(ws);

    /* A directory that group or others may enter is refused, named. */
    assert_int_equal(chmod(dir, 0750), 0);
    tu_assert_code(open_state(dir, &ws, 0, &e), LH_EPERMFILE, &e);
    tu_assert_msg_has(&e, dir);
    assert_null(ws);
    assert_int_equal(chmod(dir, 0700), 0);
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);
    wstate_close(ws);
    tu_rmtree(tmp);
    free(dir);
    free(tmp);
}

static void test_lock_keeps_second_user_out(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp);
    wstate *first = NULL, *second = NULL;
    lh_err e = {{0}};
    tu_assert_code(open_state(dir, &first, 0, &e), 0, &e);
    tu_assert_code(open_state(dir, &second, 0, &e), LH_EUNAVAILABLE, &e);
    tu_assert_msg_has(&e, "in use");
    /* A bounded wait gives up too. */
    tu_assert_code(open_state(dir, &second, 120, &e), LH_EUNAVAILABLE, &e);
    wstate_close(first);
    tu_assert_code(open_state(dir, &second, 0, &e), 0, &e);
    wstate_close(second);
    tu_rmtree(tmp);
    free(dir);
    free(tmp);
}

static void test_open_refuses_bad_config(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp);
    wstate *ws = NULL;
    lh_err e = {{0}};
    note_verifier two[2] = {log_key, log_key};
    wstate_config cfg = {.dir = dir, .logs = two, .nlogs = 2, .signer = &witness_signer};
    tu_assert_code(wstate_open(&cfg, &ws, &e), LH_EINVAL, &e);
    tu_assert_msg_has(&e, ORIGIN);
    /* A witness signs cosignatures (type 0x04), not plain notes. */
    cfg.nlogs = 1;
    cfg.signer = &log_signer;
    tu_assert_code(wstate_open(&cfg, &ws, &e), LH_EINVAL, &e);
    /* The log's key is an Ed25519 note key (type 0x01). */
    cfg.logs = &witness_key;
    cfg.signer = &witness_signer;
    tu_assert_code(wstate_open(&cfg, &ws, &e), LH_EINVAL, &e);
    cfg.nlogs = 0;
    tu_assert_code(wstate_open(&cfg, &ws, &e), LH_EINVAL, &e);
    assert_null(ws);
    tu_rmtree(tmp);
    free(dir);
    free(tmp);
}

/* ---- 2. cosigning and reloading -------------------------------------------------------------- */

static void test_cosign_record_reload(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp), *file = state_file(dir);
    wstate *ws = NULL;
    wstate_answer a;
    lh_err e = {{0}};
    req *r = malloc(sizeof *r);
    assert_non_null(r);
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);

    make_req(r, &log_signer, &tree_a, 0, 5);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_cosigned(&a, r);
    assert_false(a.misbehaviour);
    assert_log(ws, true, 5);
    /* The state file is the note exactly as received, private. */
    size_t len = 0;
    uint8_t *saved = tu_read_file(file, &len);
    assert_non_null(saved);
    assert_int_equal(len, r->note_len);
    assert_memory_equal(saved, r->note, len);
    free(saved);
    struct stat st;
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    make_req(r, &log_signer, &tree_a, 5, 13);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_cosigned(&a, r);
    wstate_close(ws);

    /* Opened again, the witness knows size 13 and refuses the old size 5. */
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);
    assert_log(ws, true, 13);
    make_req(r, &log_signer, &tree_a, 5, 20);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_int_equal(a.status, WITNESS_CONFLICT);
    assert_string_equal(a.content_type, WITNESS_SIZE_TYPE);
    assert_int_equal(a.body_len, 3);
    assert_memory_equal(a.body, "13\n", 3);
    uint64_t size = 0;
    assert_int_equal(witness_conflict_size(a.body, a.body_len, &size), 0);
    assert_true(size == 13);
    assert_log(ws, true, 13);
    /* With the size the 409 gave, it goes on. */
    make_req(r, &log_signer, &tree_a, size, 20);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_cosigned(&a, r);
    assert_log(ws, true, 20);
    wstate_close(ws);
    tu_rmtree(tmp);
    free(r);
    free(file);
    free(dir);
    free(tmp);
}

/* ---- 3. a state file that does not verify ---------------------------------------------------- */

static void test_tampered_state_refused(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp), *file = state_file(dir);
    wstate *ws = NULL;
    wstate_answer a;
    lh_err e = {{0}};
    req *r = malloc(sizeof *r);
    assert_non_null(r);
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);
    make_req(r, &log_signer, &tree_a, 0, 9);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_cosigned(&a, r);
    wstate_close(ws);

    /* The size changed from 9 to 8: the log's signature no longer holds. */
    char *size_line = strstr((char *)r->note, "\n9\n");
    assert_non_null(size_line);
    size_line[1] = '8';
    tu_write_file(file, (const char *)r->note, 0600);
    tu_assert_code(open_state(dir, &ws, 0, &e), LH_EBADSIG, &e);
    tu_assert_msg_has(&e, file);
    assert_null(ws);

    /* Another key of the log's name signed it: not the log's. */
    make_req(r, &impostor, &tree_a, 0, 9);
    tu_write_file(file, (const char *)r->note, 0600);
    tu_assert_code(open_state(dir, &ws, 0, &e), LH_ENOKEY, &e);
    tu_assert_msg_has(&e, file);

    /* Writable by others: refused before it is read. */
    make_req(r, &log_signer, &tree_a, 0, 9);
    tu_write_file(file, (const char *)r->note, 0622);
    tu_assert_code(open_state(dir, &ws, 0, &e), LH_EPERMFILE, &e);
    /* Put right, it opens at 9. */
    assert_int_equal(chmod(file, 0600), 0);
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);
    assert_log(ws, true, 9);
    wstate_close(ws);
    tu_rmtree(tmp);
    free(r);
    free(file);
    free(dir);
    free(tmp);
}

/* ---- 4. misbehaviour and its evidence -------------------------------------------------------- */

/* The evidence file's bytes after its header: the request, then the cosigned note. */
static void assert_evidence_holds(const char *dir, const char *name, const req *r,
                                  const req *cosigned)
{
    char path[512];
    snprintf(path, sizeof path, "%s/evidence/%s", dir, name);
    size_t len = 0;
    uint8_t *buf = tu_read_file(path, &len);
    assert_non_null(buf);
    assert_true(len > r->len + cosigned->note_len);
    size_t header = len - r->len - cosigned->note_len;
    assert_memory_equal(buf + header - 2, "\n\n", 2);
    assert_memory_equal(buf + header, r->body, r->len);
    assert_memory_equal(buf + header + r->len, cosigned->note, cosigned->note_len);
    assert_memory_equal(buf, "liuhen-witness evidence v1\n", 27);
    free(buf);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_misbehaviour_evidence(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp);
    wstate *ws = NULL;
    wstate_answer a;
    lh_err e = {{0}};
    req *r = malloc(sizeof *r), *cosigned = malloc(sizeof *cosigned);
    assert_non_null(r);
    assert_non_null(cosigned);
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);

    wstate_evidence *ev = NULL;
    size_t n = 99;
    tu_assert_code(wstate_evidence_list(dir, &ev, &n, &e), 0, &e);
    assert_int_equal(n, 0);

    make_req(cosigned, &log_signer, &tree_a, 0, 10);
    assert_int_equal(wstate_add_checkpoint(ws, cosigned->body, cosigned->len, NOW, &a), 0);
    assert_cosigned(&a, cosigned);

    /* The fork at the cosigned size: 409, not cosigned, kept. */
    make_req(r, &log_signer, &tree_b, 10, 10);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW + 1, &a), 0);
    assert_int_equal(a.status, WITNESS_CONFLICT);
    assert_memory_equal(a.body, "10\n", 3);
    assert_true(a.misbehaviour);
    assert_true(a.evidence[0] != '\0');
    char hex[65];
    wstate_origin_hex(hex, ORIGIN);
    assert_memory_equal(a.evidence, hex, 64);
    assert_non_null(strstr(a.evidence, "-10-"));
    assert_evidence_holds(dir, a.evidence, r, cosigned);
    assert_log(ws, true, 10);

    /* The fork grown: its true proof does not start from the cosigned root. */
    make_req(r, &log_signer, &tree_b, 10, 30);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW + 2, &a), 0);
    assert_int_equal(a.status, WITNESS_UNPROCESSABLE);
    assert_true(a.misbehaviour);
    assert_evidence_holds(dir, a.evidence, r, cosigned);
    char second[WSTATE_NAME_MAX];
    snprintf(second, sizeof second, "%s", a.evidence);
    assert_log(ws, true, 10);

    /* The same refusal in the same second gets a file of its own. */
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW + 2, &a), 0);
    assert_true(a.misbehaviour);
    assert_string_not_equal(a.evidence, second);

    /* A mere conflict is no evidence. */
    make_req(r, &log_signer, &tree_a, 3, 30);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW + 3, &a), 0);
    assert_int_equal(a.status, WITNESS_CONFLICT);
    assert_false(a.misbehaviour);
    assert_string_equal(a.evidence, "");

    /* The list, oldest first; a file that is not evidence is named as such. */
    char junk[512];
    snprintf(junk, sizeof junk, "%s/evidence/zz-junk.evidence", dir);
    tu_write_file(junk, "not evidence\n", 0600);
    tu_assert_code(wstate_evidence_list(dir, &ev, &n, &e), 0, &e);
    assert_int_equal(n, 4);
    assert_true(ev[0].ok && ev[1].ok && ev[2].ok);
    assert_string_equal(ev[0].origin, ORIGIN);
    assert_true(ev[0].size == 10 && ev[0].cosigned_size == 10 && ev[0].time == NOW + 1);
    assert_int_equal(ev[0].status, WITNESS_CONFLICT);
    assert_non_null(strstr(ev[0].reason, "fork"));
    /* Two in the same second: by name, whichever that puts first. */
    for (size_t i = 1; i <= 2; i++) {
        assert_true(ev[i].size == 30 && ev[i].cosigned_size == 10 && ev[i].time == NOW + 2);
        assert_int_equal(ev[i].status, WITNESS_UNPROCESSABLE);
    }
    assert_true(strcmp(ev[1].file, second) == 0 || strcmp(ev[2].file, second) == 0);
    assert_string_not_equal(ev[1].file, ev[2].file);
    assert_false(ev[3].ok);
    assert_string_equal(ev[3].file, "zz-junk.evidence");
    assert_non_null(strstr(ev[3].problem, "zz-junk.evidence"));
    free(ev);

    /* A file whose lengths disagree with its header is refused as well. */
    char first[512];
    snprintf(first, sizeof first, "%s/evidence/%s", dir, second);
    size_t len = 0;
    uint8_t *buf = tu_read_file(first, &len);
    assert_non_null(buf);
    buf[len - 1] = '\0';
    tu_write_file(first, (const char *)buf, 0600);
    free(buf);
    tu_assert_code(wstate_evidence_list(dir, &ev, &n, &e), 0, &e);
    assert_int_equal(n, 4);
    assert_false(ev[3].ok);
    assert_string_equal(ev[3].file, second);
    free(ev);

    wstate_close(ws);
    tu_rmtree(tmp);
    free(r);
    free(cosigned);
    free(dir);
    free(tmp);
}

/* ---- 5. atomicity ---------------------------------------------------------------------------- */

#define RACERS 8

typedef struct racer {
    wstate *ws;
    req r;
    wstate_answer a;
    int rc;
} racer;

static void *race(void *arg)
{
    racer *x = arg;
    x->rc = wstate_add_checkpoint(x->ws, x->r.body, x->r.len, NOW, &x->a);
    return NULL;
}

static void test_race_one_winner(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp);
    wstate *ws = NULL;
    wstate_answer a;
    lh_err e = {{0}};
    req *r = malloc(sizeof *r);
    racer *x = calloc(RACERS, sizeof *x);
    assert_non_null(r);
    assert_non_null(x);
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);
    make_req(r, &log_signer, &tree_a, 0, 6);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_cosigned(&a, r);

    /* Every racer extends the cosigned size to a size of its own. */
    uint64_t cur = 6;
    for (int round = 0; round < 5; round++) {
        pthread_t t[RACERS];
        for (size_t i = 0; i < RACERS; i++) {
            x[i].ws = ws;
            make_req(&x[i].r, &log_signer, &tree_a, cur, cur + 1 + i);
        }
        for (size_t i = 0; i < RACERS; i++)
            assert_int_equal(pthread_create(&t[i], NULL, race, &x[i]), 0);
        for (size_t i = 0; i < RACERS; i++)
            assert_int_equal(pthread_join(t[i], NULL), 0);
        size_t winners = 0, winner = 0;
        for (size_t i = 0; i < RACERS; i++) {
            assert_int_equal(x[i].rc, 0);
            if (x[i].a.status == WITNESS_OK) {
                winners++;
                winner = i;
                assert_cosigned(&x[i].a, &x[i].r);
            } else {
                assert_int_equal(x[i].a.status, WITNESS_CONFLICT);
            }
        }
        assert_int_equal(winners, 1);
        uint64_t won = cur + 1 + winner;
        assert_log(ws, true, won);
        /* The losers were told the winner's size. */
        char want[32];
        snprintf(want, sizeof want, "%llu\n", (unsigned long long)won);
        for (size_t i = 0; i < RACERS; i++) {
            if (i != winner) {
                assert_int_equal(x[i].a.body_len, strlen(want));
                assert_memory_equal(x[i].a.body, want, strlen(want));
            }
        }
        cur = won;
    }
    wstate_close(ws);
    tu_rmtree(tmp);
    free(x);
    free(r);
    free(dir);
    free(tmp);
}

/* ---- 6. a state that cannot be saved --------------------------------------------------------- */

static void test_save_failure(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp), *file = state_file(dir);
    wstate *ws = NULL;
    wstate_answer a;
    lh_err e = {{0}};
    req *r = malloc(sizeof *r);
    assert_non_null(r);
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);
    /* A directory (not empty) where the state file goes: the rename fails. */
    assert_int_equal(mkdir(file, 0700), 0);
    char inner[512];
    snprintf(inner, sizeof inner, "%s/x", file);
    tu_write_file(inner, "x", 0600);

    make_req(r, &log_signer, &tree_a, 0, 5);
    assert_true(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a) < 0);
    assert_int_equal(a.status, WSTATE_INTERNAL);
    assert_non_null(strstr(a.reason, "nothing was cosigned"));
    assert_null(memchr(a.body, 0xe2, a.body_len)); /* no "— " line */
    assert_log(ws, false, 0);

    /* Once the way is clear, the same request is cosigned. */
    assert_int_equal(unlink(inner), 0);
    assert_int_equal(rmdir(file), 0);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_cosigned(&a, r);
    wstate_close(ws);
    tu_rmtree(tmp);
    free(r);
    free(file);
    free(dir);
    free(tmp);
}

/* ---- 7. requests refused before the rules ---------------------------------------------------- */

static void test_refusals(void **state)
{
    (void)state;
    char *tmp = make_tmpdir(), *dir = state_dir(tmp);
    wstate *ws = NULL;
    wstate_answer a;
    lh_err e = {{0}};
    req *r = malloc(sizeof *r);
    assert_non_null(r);
    tu_assert_code(open_state(dir, &ws, 0, &e), 0, &e);

    make_req(r, &log_signer, &tree_a, 0, 5);
    /* Over the limit: not even looked at. */
    assert_int_equal(wstate_add_checkpoint(ws, r->body, WITNESS_REQUEST_MAX + 1, NOW, &a), 0);
    assert_int_equal(a.status, WSTATE_TOO_LARGE);
    /* Malformed. */
    assert_int_equal(wstate_add_checkpoint(ws, (const uint8_t *)"old 01\n\nx\n", 10, NOW, &a), 0);
    assert_int_equal(a.status, WITNESS_BAD_REQUEST);
    assert_true(a.body_len > 1 && a.body[a.body_len - 1] == '\n');
    assert_null(memchr(a.body, '\n', a.body_len - 1));
    /* Another log's checkpoint. */
    note_signer other;
    tu_make_signer(&other, NULL, "example.org/not-witnessed", NOTE_TYPE_ED25519);
    make_req(r, &other, &tree_a, 0, 5);
    note_signer_wipe(&other);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_int_equal(a.status, WITNESS_NOT_FOUND);
    /* Not the log's signature. */
    make_req(r, &impostor, &tree_a, 0, 5);
    assert_int_equal(wstate_add_checkpoint(ws, r->body, r->len, NOW, &a), 0);
    assert_int_equal(a.status, WITNESS_FORBIDDEN);
    assert_log(ws, false, 0);
    assert_string_equal(wstate_status_text(409), "Conflict");
    assert_string_equal(wstate_status_text(413), "Content Too Large");
    wstate_close(ws);
    tu_rmtree(tmp);
    free(r);
    free(dir);
    free(tmp);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    tu_rng_seed(0x7773746174652d31ULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_makes_private_dir),
        cmocka_unit_test(test_lock_keeps_second_user_out),
        cmocka_unit_test(test_open_refuses_bad_config),
        cmocka_unit_test(test_cosign_record_reload),
        cmocka_unit_test(test_tampered_state_refused),
        cmocka_unit_test(test_misbehaviour_evidence),
        cmocka_unit_test(test_race_one_winner),
        cmocka_unit_test(test_save_failure),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
