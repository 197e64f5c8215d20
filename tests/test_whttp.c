/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_whttp.c — the witness's HTTP front (tools/liuhen-witness/whttp.c),
 * driven over a raw socket on 127.0.0.1 so that what is sent, and what is
 * not, is exact.
 *
 * 1. whttp_parse_listen(): addresses and ports, good and bad.
 * 2. A body announced larger than WITNESS_REQUEST_MAX is answered 413 at
 *    its headers: the answer comes although not one byte of it is sent.
 * 3. Another method is 405 with "Allow: POST"; another path 404.
 * 4. A request is cosigned (200, the cosignature line), a stale one gets
 *    409 with Content-Type text/x.tlog.size and the size.
 * 5. A chunked body that passes the limit has its connection closed
 *    without an answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <sys/socket.h>

#include "checkpoint.h"
#include "memstore.h"
#include "merkle.h"
#include "note.h"
#include "testutil.h"
#include "whttp.h"
#include "witness.h"
#include "wstate.h"

#define ORIGIN "example.org/whttp-test-log"

static note_signer log_signer, witness_signer;
static note_verifier log_key, witness_key;
static memstore tree;
static char *tmp;
static wstate *ws;
static whttp *server;
static uint16_t port;

static int setup(void **state)
{
    (void)state;
    tu_make_signer(&log_signer, &log_key, ORIGIN, NOTE_TYPE_ED25519);
    tu_make_signer(&witness_signer, &witness_key, "witness.example.org/http", NOTE_TYPE_COSIG);
    for (uint64_t i = 0; i < 16; i++)
        assert_int_equal(memstore_append_vector_leaf(&tree, i), 0);
    tmp = strdup("/tmp/test_whttp.XXXXXX");
    assert_non_null(tmp);
    assert_non_null(mkdtemp(tmp));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/state", tmp);
    wstate_config cfg = {
        .dir = dir, .logs = &log_key, .nlogs = 1, .signer = &witness_signer, .log = NULL};
    lh_err e = {{0}};
    tu_assert_code(wstate_open(&cfg, &ws, &e), 0, &e);
    whttp_config hc = {.listen = "127.0.0.1:0", .state = ws, .log = NULL};
    char bound[WHTTP_ADDR_MAX];
    tu_assert_code(whttp_start(&hc, &server, bound, &e), 0, &e);
    unsigned p = 0;
    assert_int_equal(sscanf(bound, "127.0.0.1:%u", &p), 1);
    assert_true(p > 0 && p < 65536);
    port = (uint16_t)p;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    whttp_stop(server);
    wstate_close(ws);
    tu_rmtree(tmp);
    free(tmp);
    memstore_free(&tree);
    note_signer_wipe(&log_signer);
    note_signer_wipe(&witness_signer);
    return 0;
}

/* ---- a raw HTTP client ----------------------------------------------------------------------- */

typedef struct response {
    int status; /* 0: the connection closed without an answer */
    char headers[2048];
    char body[1024];
    size_t body_len;
} response;

static int connect_server(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

static void send_all(int fd, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return; /* the server may close early: what it answered is read below */
        p += n;
        len -= (size_t)n;
    }
}

/* Read one answer (headers and a Content-Length body), waiting at most 5 s.
 * libmicrohttpd writes header names as given: matched exactly. */
static void read_response(int fd, response *r)
{
    memset(r, 0, sizeof *r);
    char buf[4096];
    size_t len = 0;
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, 5000);
        assert_true(pr > 0); /* an answer, or a close, within 5 s */
        ssize_t n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        if (end == NULL)
            continue;
        const char *cl = strstr(buf, "\r\nContent-Length:");
        size_t want = cl != NULL && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
        if (len >= (size_t)(end + 4 - buf) + want)
            break;
    }
    buf[len] = '\0';
    char *end = strstr(buf, "\r\n\r\n");
    if (len == 0 || end == NULL)
        return;
    assert_int_equal(sscanf(buf, "HTTP/1.1 %d", &r->status), 1);
    size_t hlen = (size_t)(end - buf);
    assert_true(hlen < sizeof r->headers);
    memcpy(r->headers, buf, hlen);
    r->body_len = len - hlen - 4;
    assert_true(r->body_len < sizeof r->body);
    memcpy(r->body, end + 4, r->body_len);
}

static bool has_header(const response *r, const char *line)
{
    return strstr(r->headers, line) != NULL;
}

/* POST a body with its Content-Length on a new connection. */
static void post(const char *path, const uint8_t *body, size_t len, response *r)
{
    int fd = connect_server();
    char head[256];
    int h = snprintf(head, sizeof head,
                     "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     path, len);
    send_all(fd, head, (size_t)h);
    send_all(fd, body, len);
    read_response(fd, r);
    close(fd);
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void test_parse_listen(void **state)
{
    (void)state;
    struct sockaddr_storage ss;
    socklen_t len;
    lh_err e = {{0}};
    static const char *const good[] = {"127.0.0.1:0", "127.0.0.1:8080", "[::1]:443", "0.0.0.0:1"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        tu_assert_code(whttp_parse_listen(good[i], &ss, &len, &e), 0, &e);
    static const char *const bad[] = {"127.0.0.1",       "127.0.0.1:",   ":8080",
                                      "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
                                      "[::1:80",         "::1:80x",      "127.0.0.1:000000080"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = whttp_parse_listen(bad[i], &ss, &len, &e);
        if (rc != LH_EINVAL)
            fail_msg("%s: got %s", bad[i], lh_errname(rc));
        tu_assert_msg_has(&e, "--listen");
    }
}

static void test_too_large_unread(void **state)
{
    (void)state;
    int fd = connect_server();
    char head[256];
    int h = snprintf(head, sizeof head,
                     "POST /add-checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Length: %u\r\n\r\n",
                     WITNESS_REQUEST_MAX + 1);
    send_all(fd, head, (size_t)h);
    /* Not one byte of the body is sent: the answer must not wait for it. */
    response r;
    read_response(fd, &r);
    close(fd);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(r.body, "larger than 65536 bytes"));
}

static void test_method_and_path(void **state)
{
    (void)state;
    int fd = connect_server();
    static const char get[] = "GET /add-checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    send_all(fd, get, strlen(get));
    response r;
    read_response(fd, &r);
    close(fd);
    assert_int_equal(r.status, 405);
    assert_true(has_header(&r, "\r\nAllow: POST"));
    assert_non_null(strstr(r.body, "GET"));

    post("/add-checkpoint/", (const uint8_t *)"x", 1, &r);
    assert_int_equal(r.status, 404);
    post("/", (const uint8_t *)"x", 1, &r);
    assert_int_equal(r.status, 404);
    assert_non_null(strstr(r.body, "/add-checkpoint"));
}

static void test_cosign_and_conflict(void **state)
{
    (void)state;
    checkpoint cp;
    memset(&cp, 0, sizeof cp);
    snprintf(cp.origin, sizeof cp.origin, "%s", ORIGIN);
    cp.size = 7;
    assert_int_equal(merkle_tree_hash(cp.root, 7, memstore_read, &tree), 0);
    uint8_t note[CHECKPOINT_SIGNED_MAX], body[4096];
    size_t note_len = 0, len = 0;
    lh_err e = {{0}};
    tu_assert_code(checkpoint_sign(&cp, &log_signer, note, sizeof note, &note_len, &e), 0, &e);
    assert_int_equal(witness_request_format(0, NULL, 0, note, note_len, body, sizeof body, &len),
                     0);
    response r;
    post("/add-checkpoint", body, len, &r);
    assert_int_equal(r.status, 200);
    uint8_t line[NOTE_SIGLINE_MAX];
    size_t line_len = 0;
    uint64_t ts = 0;
    tu_assert_code(witness_response_cosig(note, note_len, &log_key, &witness_key,
                                          (const uint8_t *)r.body, r.body_len, line, sizeof line,
                                          &line_len, &ts, &e),
                   0, &e);
    assert_true(ts > 1700000000);

    /* The same request again: the witness is at 7 now. */
    post("/add-checkpoint", body, len, &r);
    assert_int_equal(r.status, 409);
    assert_true(has_header(&r, "\r\nContent-Type: text/x.tlog.size"));
    assert_int_equal(r.body_len, 2);
    assert_memory_equal(r.body, "7\n", 2);

    /* Malformed: 400 with one line saying why. */
    post("/add-checkpoint", (const uint8_t *)"old 07\n\nx", 9, &r);
    assert_int_equal(r.status, 400);
    assert_true(r.body_len > 1 && r.body[r.body_len - 1] == '\n');
}

static void test_chunked_over_limit_closed(void **state)
{
    (void)state;
    int fd = connect_server();
    static const char head[] = "POST /add-checkpoint HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Transfer-Encoding: chunked\r\n\r\n";
    send_all(fd, head, strlen(head));
    static char chunk[8192 + 16];
    int h = snprintf(chunk, sizeof chunk, "2000\r\n");
    memset(chunk + h, 'x', 8192);
    memcpy(chunk + h + 8192, "\r\n", 2);
    for (int i = 0; i < 10; i++)
        send_all(fd, chunk, (size_t)h + 8192 + 2);
    response r;
    read_response(fd, &r);
    close(fd);
    assert_int_equal(r.status, 0);
    /* The server goes on serving. */
    post("/nothing", (const uint8_t *)"", 0, &r);
    assert_int_equal(r.status, 404);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    tu_rng_seed(0x77687474702d3031ULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_listen),
        cmocka_unit_test(test_too_large_unread),
        cmocka_unit_test(test_method_and_path),
        cmocka_unit_test(test_cosign_and_conflict),
        cmocka_unit_test(test_chunked_over_limit_closed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
