/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * ledger.c — driving a test liuhend as its clients do (ledger.h).
 */
#include "ledger.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "checkpoint.h"
#include "merkle.h"
#include "note.h"
#include "pbjson.h"
#include "testutil.h"
#include "text.h"
#include "tile.h"
#include "wire.h"

/* ---- the client library ------------------------------------------------------------------- */

lh_conn *tl_connect(const td_daemon *d, const char *state_file)
{
    lh_options opts = {.socket_path = d->socket,
                       .log_vkey = d->vkey,
                       .timeout_ms = 20000,
                       .state_file = state_file};
    lh_conn *c = NULL;
    lh_err err = {{0}};
    tu_assert_code(lh_connect(&opts, &c, &err), 0, &err);
    return c;
}

lh_conn *tl_start(td_daemon *d, const char *const *extra_args)
{
    td_init_start(d, extra_args);
    return tl_connect(d, NULL);
}

void tl_stop(td_daemon *d, lh_conn *c)
{
    lh_close(c);
    td_stop_cleanup(d);
}

keyfile_key *tl_new_key(const char *name)
{
    keyfile_key *k = NULL;
    lh_err err = {{0}};
    tu_assert_code(keyfile_generate(name, &k, &err), 0, &err);
    return k;
}

Liuhen__Entry *tl_entry_json(const char *json)
{
    ProtobufCMessage *m = NULL;
    lh_err err = {{0}};
    tu_assert_code(pbjson_parse(&liuhen__entry__descriptor, json, strlen(json), &m, &err), 0, &err);
    return (Liuhen__Entry *)m;
}

void tl_entry_free(Liuhen__Entry *e)
{
    if (e != NULL)
        protobuf_c_message_free_unpacked(&e->base, NULL);
}

int tl_append_json(lh_conn *c, const keyfile_key *key, const char *json, lh_receipt *r, lh_err *err)
{
    Liuhen__Entry *e = tl_entry_json(json);
    int rc = lh_append(c, key, e, r, err);
    tl_entry_free(e);
    return rc;
}

/* Append a key-management record with d's admin key; it must be accepted. */
static void admin_append(lh_conn *c, const td_daemon *d, const char *json)
{
    lh_receipt r = {0};
    lh_err err = {{0}};
    tu_assert_code(tl_append_json(c, d->admin, json, &r, &err), 0, &err);
    lh_receipt_free(&r);
}

void tl_enroll(lh_conn *c, const td_daemon *d, const keyfile_key *key, const char *roles_json)
{
    char pk[TEXT_B64_LEN(32)];
    text_b64_encode(pk, keyfile_key_pubkey(key), 32);
    char json[1024];
    snprintf(json, sizeof json,
             "{\"kind\":\"KIND_KEY_ENROLL\",\"key_enroll\":{\"public_key\":\"%s\","
             "\"holder\":\"%s\",\"position\":\"科员\",\"unit\":\"执法大队\",\"roles\":%s}}",
             pk, keyfile_key_name(key), roles_json);
    admin_append(c, d, json);
}

void tl_revoke(lh_conn *c, const td_daemon *d, const keyfile_key *key)
{
    char pk[TEXT_B64_LEN(32)];
    text_b64_encode(pk, keyfile_key_pubkey(key), 32);
    char json[512];
    snprintf(json, sizeof json,
             "{\"kind\":\"KIND_KEY_REVOKE\",\"key_revoke\":{\"public_key\":\"%s\","
             "\"reason\":\"调离执法岗位\"}}",
             pk);
    admin_append(c, d, json);
}

/* ---- raw frames --------------------------------------------------------------------------- */

int tl_raw_connect(const td_daemon *d)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    assert_true(strlen(d->socket) < sizeof sa.sun_path);
    memcpy(sa.sun_path, d->socket, strlen(d->socket) + 1);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

void tl_raw_write(int fd, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        assert_true(n > 0);
        p += n;
        len -= (size_t)n;
    }
}

void tl_raw_frame(int fd, const void *body, uint32_t len)
{
    uint8_t hdr[WIRE_HEADER_SIZE];
    wire_put_header(hdr, len);
    tl_raw_write(fd, hdr, sizeof hdr);
    tl_raw_write(fd, body, len);
}

void tl_put_request(uint8_t **buf, size_t *len, const Liuhen__Request *req)
{
    size_t n = liuhen__request__get_packed_size(req);
    *buf = realloc(*buf, *len + WIRE_HEADER_SIZE + n);
    assert_non_null(*buf);
    wire_put_header(*buf + *len, (uint32_t)n);
    liuhen__request__pack(req, *buf + *len + WIRE_HEADER_SIZE);
    *len += WIRE_HEADER_SIZE + n;
}

int tl_raw_read(int fd, uint8_t *buf, size_t len, int timeout_ms)
{
    size_t got = 0;
    while (got < len) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int rc = poll(&p, 1, timeout_ms);
        if (rc == 0)
            return -1;
        if (rc < 0 && errno == EINTR)
            continue;
        assert_true(rc > 0);
        ssize_t n = recv(fd, buf + got, len - got, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return 0;
        assert_true(n > 0);
        got += (size_t)n;
    }
    return 1;
}

Liuhen__Response *tl_raw_response(int fd)
{
    uint8_t hdr[WIRE_HEADER_SIZE];
    int rc = tl_raw_read(fd, hdr, sizeof hdr, 20000);
    assert_int_not_equal(rc, -1);
    if (rc == 0)
        return NULL;
    uint32_t len = wire_get_header(hdr);
    assert_true(len <= WIRE_DEFAULT_MAX_FRAME);
    uint8_t *body = malloc(len + 1);
    assert_non_null(body);
    assert_int_equal(tl_raw_read(fd, body, len, 20000), 1);
    Liuhen__Response *resp = liuhen__response__unpack(NULL, len, body);
    free(body);
    assert_non_null(resp);
    return resp;
}

bool tl_raw_closed(int fd)
{
    uint8_t b;
    return tl_raw_read(fd, &b, 1, 5000) == 0;
}

Liuhen__Response *tl_raw_call(const td_daemon *d, const uint8_t *frames, size_t len)
{
    int fd = tl_raw_connect(d);
    tl_raw_write(fd, frames, len);
    Liuhen__Response *resp = tl_raw_response(fd);
    close(fd);
    assert_non_null(resp);
    return resp;
}

/* ---- what the daemon writes --------------------------------------------------------------- */

/* The RFC 6962 hash of the leaves [start, start + count), count > 0. */
static void subtree_hash(uint8_t out[32], uint8_t (*leaves)[32], uint64_t start, uint64_t count)
{
    if (count == 1) {
        memcpy(out, leaves[start], 32);
        return;
    }
    uint64_t k = 1;
    while (k * 2 < count)
        k *= 2;
    uint8_t l[32], r[32];
    subtree_hash(l, leaves, start, k);
    subtree_hash(r, leaves, start + k, count - k);
    merkle_node_hash(out, l, r);
}

/* Read the leaves of an entry bundle into their hashes. */
static void check_bundle(const tile *t, const uint8_t *data, size_t len, uint64_t size,
                         const lh_entries *logged, uint8_t (*leaves)[32])
{
    size_t off = 0, n = 0;
    const uint8_t *leaf;
    size_t leaf_len;
    while (tile_bundle_next(data, len, &off, &leaf, &leaf_len) == 1) {
        uint64_t index = t->n * TILE_WIDTH + n++;
        assert_true(index < size);
        if (logged != NULL) {
            /* The log's own leaf, byte for byte. */
            assert_true(index < logged->count);
            assert_int_equal(leaf_len, logged->items[index].leaf_len);
            assert_memory_equal(leaf, logged->items[index].leaf, leaf_len);
        }
        merkle_leaf_hash(leaves[index], leaf, leaf_len);
    }
    assert_int_equal(off, len);
    assert_int_equal(n, t->width);
}

/* Hash k of tile (L, n) is the root of the 256^L leaves from
 * (n * 256 + k) * 256^L. */
static void check_hash_tile(const tile *t, const uint8_t *data, size_t len, uint8_t (*leaves)[32])
{
    assert_int_equal(len, (size_t)t->width * 32);
    uint64_t span = 1;
    for (int l = 0; l < t->level; l++)
        span *= TILE_WIDTH;
    for (unsigned k = 0; k < t->width; k++) {
        uint8_t h[32];
        subtree_hash(h, leaves, ((uint64_t)t->n * TILE_WIDTH + k) * span, span);
        assert_memory_equal(data + 32 * k, h, 32);
    }
}

size_t tl_check_tiles(const char *dir, const td_daemon *d, uint64_t size, const uint8_t root[32],
                      const lh_entries *logged)
{
    assert_true(size > 0);
    char path[TD_PATH_MAX + TILE_PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/checkpoint", dir);
    size_t nlen;
    uint8_t *note = tu_read_file(path, &nlen);
    if (note == NULL)
        fail_msg("%s lacks its checkpoint", dir);
    note_verifier v;
    lh_err err = {{0}};
    tu_assert_code(note_vkey_parse(d->vkey, strlen(d->vkey), &v, &err), 0, &err);
    checkpoint_opened opened;
    tu_assert_code(checkpoint_open(note, nlen, &v, NULL, 0, &opened, &err), 0, &err);
    free(note);
    assert_int_equal(opened.cp.size, size);
    assert_memory_equal(opened.cp.root, root, 32);

    uint8_t(*leaves)[32] = calloc(size, 32);
    assert_non_null(leaves);
    size_t files = 0;
    /* Two passes: the bundles give the leaf hashes, then every hash tile
     * must hold what those leaves make. */
    for (int pass = 0; pass < 2; pass++) {
        tile_iter it;
        tile t;
        tile_iter_init(&it, size);
        while (tile_iter_next(&it, &t) == 1) {
            if ((pass == 0) != (t.level == TILE_LEVEL_ENTRIES))
                continue;
            char rel[TILE_PATH_MAX];
            assert_int_equal(tile_path(rel, sizeof rel, &t), 0);
            snprintf(path, sizeof path, "%s/%s", dir, rel);
            size_t len;
            uint8_t *data = tu_read_file(path, &len);
            if (data == NULL)
                fail_msg("%s lacks %s", dir, rel);
            files++;
            if (t.level == TILE_LEVEL_ENTRIES)
                check_bundle(&t, data, len, size, logged, leaves);
            else
                check_hash_tile(&t, data, len, leaves);
            free(data);
        }
    }
    uint8_t top[32];
    subtree_hash(top, leaves, 0, size);
    assert_memory_equal(top, root, 32);
    free(leaves);
    return files;
}
