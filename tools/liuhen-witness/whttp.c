/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * whttp.c — POST /add-checkpoint over libmicrohttpd (whttp.h).
 *
 * libmicrohttpd calls the access handler several times per request: once
 * with the headers (the path, the method and the announced length are
 * judged there, before any body is read), then once per piece of body,
 * then once more with none, when the request is whole and is answered.
 */
#include "whttp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "i18n.h"
#include "quote.h"

#define PATH_ADD_CHECKPOINT "/add-checkpoint"

struct whttp {
    struct MHD_Daemon *mhd;
    wstate *state;
    FILE *log;
};

/* One request being read: its body, bounded. */
typedef struct whttp_req {
    size_t len;
    uint8_t body[WITNESS_REQUEST_MAX];
} whttp_req;

/* What a request answered at its headers carries instead of a whttp_req,
 * so that its body, if the client sends one anyway, is dropped. */
static char whttp_refused;

__attribute__((format(printf, 2, 3))) static void whttp_logf(const whttp *h, const char *fmt, ...)
{
    if (h->log == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("liuhen-witness: ", h->log);
    vfprintf(h->log, fmt, ap);
    fputc('\n', h->log);
    va_end(ap);
    fflush(h->log);
}

static void whttp_mhd_log(void *cls, const char *fmt, va_list ap)
{
    FILE *log = cls;
    if (log == NULL)
        return;
    fputs("liuhen-witness: http: ", log);
    vfprintf(log, fmt, ap);
    /* libmicrohttpd's messages end with a newline. */
    fflush(log);
}

/* The client's address, for the log. */
static void whttp_peer(struct MHD_Connection *conn, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "?");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

static enum MHD_Result whttp_answer(struct MHD_Connection *conn, int status, const char *type,
                                    const void *body, size_t len, bool allow_post)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    enum MHD_Result ok = MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    if (ok == MHD_YES && allow_post)
        ok = MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "POST");
    if (ok == MHD_YES)
        ok = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok;
}

/* A refusal before the body: one line naming the problem. */
static enum MHD_Result whttp_refuse(whttp *h, struct MHD_Connection *conn, int status,
                                    bool allow_post, const char *method, const char *url,
                                    const char *why)
{
    char body[512], peer[INET6_ADDRSTRLEN], m[64], u[360];
    int n = snprintf(body, sizeof body, "%s\n", why);
    size_t len = (size_t)n < sizeof body ? (size_t)n : sizeof body - 1;
    whttp_peer(conn, peer, sizeof peer);
    /* The method and the path are the client's: shown escaped. */
    quote_escape(m, sizeof m, method, strlen(method), 12, false);
    quote_escape(u, sizeof u, url, strlen(url), 80, false);
    whttp_logf(h, "%s %s %s: %d %s: %s", peer, m, u, status, wstate_status_text(status), why);
    return whttp_answer(conn, status, "text/plain; charset=utf-8", body, len, allow_post);
}

/* Content-Length, when given and a plain decimal. */
static bool whttp_content_length(struct MHD_Connection *conn, uint64_t *out)
{
    const char *v =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (v == NULL || *v < '0' || *v > '9')
        return false;
    uint64_t n = 0;
    for (; *v >= '0' && *v <= '9'; v++) {
        if (n > (UINT64_MAX - 9) / 10) {
            n = UINT64_MAX;
            break;
        }
        n = n * 10 + (unsigned)(*v - '0');
    }
    *out = n;
    return true;
}

static enum MHD_Result whttp_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                        const char *method, const char *version, const char *upload,
                                        size_t *upload_size, void **con_cls)
{
    (void)version;
    whttp *h = cls;
    if (*con_cls == &whttp_refused) {
        /* Answered already: whatever body follows is dropped. */
        *upload_size = 0;
        return MHD_YES;
    }
    whttp_req *r = *con_cls;
    if (r == NULL) {
        /* The headers: judged before any body is read. */
        uint64_t announced;
        char why[160];
        if (strcmp(url, PATH_ADD_CHECKPOINT) != 0) {
            *con_cls = &whttp_refused;
            return whttp_refuse(h, conn, 404, false, method, url,
                                "no such resource: this witness serves only POST "
                                "/add-checkpoint (c2sp.org/tlog-witness)");
        }
        if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
            *con_cls = &whttp_refused;
            snprintf(why, sizeof why, "method %.32s not allowed: add-checkpoint takes POST",
                     method);
            return whttp_refuse(h, conn, 405, true, method, url, why);
        }
        if (whttp_content_length(conn, &announced) && announced > WITNESS_REQUEST_MAX) {
            *con_cls = &whttp_refused;
            snprintf(why, sizeof why, "the request body is larger than %u bytes",
                     (unsigned)WITNESS_REQUEST_MAX);
            return whttp_refuse(h, conn, WSTATE_TOO_LARGE, false, method, url, why);
        }
        r = malloc(sizeof *r);
        if (r == NULL)
            return MHD_NO;
        r->len = 0;
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size > 0) {
        if (*upload_size > WITNESS_REQUEST_MAX - r->len) {
            /* A body without Content-Length (chunked) that passed the
             * limit. libmicrohttpd takes no answer while a body is being
             * read, and reading the rest would let a client stream for
             * ever: the connection is closed instead. */
            char peer[INET6_ADDRSTRLEN];
            whttp_peer(conn, peer, sizeof peer);
            whttp_logf(h,
                       _("%s POST %s: the request body passed %u bytes without a "
                         "Content-Length: connection closed"),
                       peer, PATH_ADD_CHECKPOINT, (unsigned)WITNESS_REQUEST_MAX);
            return MHD_NO;
        }
        memcpy(r->body + r->len, upload, *upload_size);
        r->len += *upload_size;
        *upload_size = 0;
        return MHD_YES;
    }

    /* The whole body: judge, cosign, record, then answer. */
    wstate_answer *a = malloc(sizeof *a);
    if (a == NULL)
        return MHD_NO;
    time_t now = time(NULL);
    wstate_add_checkpoint(h->state, r->body, r->len, now > 0 ? (uint64_t)now : 0, a);
    char peer[INET6_ADDRSTRLEN];
    whttp_peer(conn, peer, sizeof peer);
    whttp_logf(h, "%s POST %s: %d %s: %s", peer, PATH_ADD_CHECKPOINT, a->status,
               wstate_status_text(a->status), a->reason);
    enum MHD_Result ok =
        whttp_answer(conn, a->status, a->content_type, a->body, a->body_len, false);
    free(a);
    return ok;
}

static void whttp_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                               enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    if (*con_cls != &whttp_refused)
        free(*con_cls);
    *con_cls = NULL;
}

int whttp_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len, lh_err *err)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL || colon == s || colon[1] == '\0')
        return lh_err_set(err, LH_EINVAL,
                          _("--listen %s: give ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080"), s);
    char host[256];
    size_t hlen = (size_t)(colon - s);
    const char *hs = s;
    if (s[0] == '[') {
        if (hlen < 3 || s[hlen - 1] != ']')
            return lh_err_set(err, LH_EINVAL, _("--listen %s: an IPv6 address goes between [ ]"),
                              s);
        hs = s + 1;
        hlen -= 2;
    }
    if (hlen >= sizeof host)
        return lh_err_set(err, LH_EINVAL, _("--listen %s: the address is too long"), s);
    memcpy(host, hs, hlen);
    host[hlen] = '\0';
    const char *p = colon + 1;
    unsigned long port = 0;
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || port > 65535)
            break;
        port = port * 10 + (unsigned long)(*p - '0');
    }
    if (*p != '\0' || port > 65535 || strlen(colon + 1) > 5)
        return lh_err_set(err, LH_EINVAL,
                          _("--listen %s: the port must be a number from 0 to 65535"), s);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    char service[8];
    snprintf(service, sizeof service, "%lu", port);
    int rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0 || res == NULL)
        return lh_err_set(err, LH_EINVAL, "--listen %s: %s", s,
                          rc != 0 ? gai_strerror(rc) : _("no address"));
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *len = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

/* "ADDR:PORT" of a bound socket, "[ADDR]:PORT" for IPv6. */
static void whttp_format_bound(int fd, char bound[WHTTP_ADDR_MAX])
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char a[INET6_ADDRSTRLEN] = "?";
    snprintf(bound, WHTTP_ADDR_MAX, "?");
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)&ss;
        inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
        snprintf(bound, WHTTP_ADDR_MAX, "%s:%u", a, (unsigned)ntohs(in->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)&ss;
        inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
        snprintf(bound, WHTTP_ADDR_MAX, "[%s]:%u", a, (unsigned)ntohs(in6->sin6_port));
    }
}

int whttp_start(const whttp_config *cfg, whttp **out, char bound[WHTTP_ADDR_MAX], lh_err *err)
{
    *out = NULL;
    struct sockaddr_storage ss;
    socklen_t sslen;
    int rc = whttp_parse_listen(cfg->listen, &ss, &sslen, err);
    if (rc != 0)
        return rc;
    /* The socket is ours, so that port 0 can be read back before the
     * first request; libmicrohttpd closes it at stop. */
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return lh_err_set(err, -errno, _("--listen %s: socket: %s"), cfg->listen, strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sslen) != 0 || listen(fd, 64) != 0) {
        rc = -errno;
        close(fd);
        return lh_err_set(err, rc, "--listen %s: %s", cfg->listen, strerror(-rc));
    }
    whttp *h = calloc(1, sizeof *h);
    if (h == NULL) {
        close(fd);
        return lh_err_set(err, LH_ENOMEM, _("out of memory"));
    }
    h->state = cfg->state;
    h->log = cfg->log;
    whttp_format_bound(fd, bound);
    h->mhd = MHD_start_daemon(
        MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
        whttp_on_request, h, MHD_OPTION_EXTERNAL_LOGGER, whttp_mhd_log, (void *)cfg->log,
        MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)WHTTP_THREADS,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)WHTTP_MAX_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)WHTTP_MAX_PER_IP,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WHTTP_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED,
        whttp_on_completed, (void *)NULL, MHD_OPTION_END);
    if (h->mhd == NULL) {
        close(fd);
        free(h);
        return lh_err_set(err, LH_EINTERNAL, _("--listen %s: the HTTP server would not start"),
                          cfg->listen);
    }
    *out = h;
    return 0;
}

void whttp_stop(whttp *h)
{
    if (h == NULL)
        return;
    MHD_stop_daemon(h->mhd);
    free(h);
}
