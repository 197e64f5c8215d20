/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * record_attach.c — evidence files bound to a record by name, size,
 * SHA-256 and media type (record_attach.h).
 *
 * The file is checked to be a regular file, hashed as a stream and checked
 * again not to have changed meanwhile, so that the hash binds what the file
 * holds once it is complete.
 */
#include "record_attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "entry.h"
#include "record.h"
#include "text.h"
#include "validate.h"

/* Reads of an attachment: large enough to hash a file quickly, small
 * enough for any stack, and freed at once. */
#define HASH_CHUNK (64 * 1024)

/* ------------------------------------------------------------------------
 * Media types.
 */

static const struct {
    const char *ext;
    const char *type;
} media_types[] = {
    {"pdf", "application/pdf"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"png", "image/png"},
    {"txt", "text/plain"},
    {"doc", "application/msword"},
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xls", "application/vnd.ms-excel"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"wav", "audio/wav"},
    {"zip", "application/zip"},
    {"json", "application/json"},
    {"xml", "application/xml"},
};

const char *record_media_type(const char *name)
{
    const char *dot = name != NULL ? strrchr(name, '.') : NULL;
    if (dot != NULL && strchr(dot, '/') == NULL) {
        for (size_t i = 0; i < sizeof media_types / sizeof media_types[0]; i++) {
            if (strcasecmp(dot + 1, media_types[i].ext) == 0)
                return media_types[i].type;
        }
    }
    return "application/octet-stream";
}

/* ------------------------------------------------------------------------
 * Attaching a file.
 */

/* An attachment's name is how the evidence file is found and saved again
 * (validate_entry(): no '/', not "." or ".."); it is shown to inspectors,
 * so it must be text that reads the same everywhere: UTF-8 without control
 * or hidden characters (text.h). */
static const char *attachment_name_problem(const char *name)
{
    size_t len = strlen(name);
    if (len == 0)
        return "the file name is empty";
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return "'.' and '..' are not file names";
    if (len > ENTRY_SHORT_TEXT_MAX)
        return "the file name is longer than 256 bytes";
    if (!text_utf8_valid((const uint8_t *)name, len))
        return "the file name is not valid UTF-8";
    const uint8_t *s = (const uint8_t *)name;
    for (size_t i = 0; i < len;) {
        uint32_t cp = text_utf8_next(s, len, &i);
        if (text_is_control(cp))
            return "the file name holds a control character";
        if (text_is_hidden(cp))
            return "the file name holds a bidirectional or line-separator character";
    }
    return NULL;
}

/* SHA-256 and length of what fd holds, read to its end. */
static int hash_fd(int fd, uint8_t hash[ENTRY_HASH_BYTES], uint64_t *size)
{
    uint8_t *buf = malloc(HASH_CHUNK);
    if (buf == NULL)
        return LH_ENOMEM;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    uint64_t total = 0;
    int rc = 0;
    for (;;) {
        ssize_t n = read(fd, buf, HASH_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            break;
        }
        if (n == 0)
            break;
        crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
        total += (uint64_t)n;
    }
    free(buf);
    if (rc == 0) {
        crypto_hash_sha256_final(&st, hash);
        *size = total;
    }
    sodium_memzero(&st, sizeof st);
    return rc;
}

static void attachment_free(Liuhen__Attachment *a)
{
    if (a != NULL)
        liuhen__attachment__free_unpacked(a, NULL);
}

static int attachment_new(const char *name, const uint8_t hash[ENTRY_HASH_BYTES], uint64_t size,
                          const char *media, Liuhen__Attachment **out)
{
    Liuhen__Attachment *a = malloc(sizeof *a);
    if (a == NULL)
        return LH_ENOMEM;
    liuhen__attachment__init(a);
    char *n = strdup(name);
    char *m = strdup(media);
    uint8_t *h = malloc(ENTRY_HASH_BYTES);
    if (n != NULL)
        a->name = n;
    if (m != NULL)
        a->media_type = m;
    if (h != NULL) {
        memcpy(h, hash, ENTRY_HASH_BYTES);
        a->sha256.data = h;
        a->sha256.len = ENTRY_HASH_BYTES;
    }
    if (n == NULL || m == NULL || h == NULL) {
        attachment_free(a);
        return LH_ENOMEM;
    }
    a->size = size;
    *out = a;
    return 0;
}

/* Find the last ";type=" of arg, which introduces a media type override. */
static const char *type_override(const char *arg)
{
    const char *last = NULL;
    for (const char *q = strstr(arg, ";type="); q != NULL; q = strstr(q + 1, ";type="))
        last = q;
    return last;
}

int record_attach_file(Liuhen__Entry *e, const char *arg, lh_err *err)
{
    if (e == NULL || arg == NULL)
        return record_err(err, LH_EINVAL, "record_attach_file: NULL argument");
    char shown[RECORD_QUOTE_PATH_CAP], shown2[RECORD_QUOTE_CAP];
    if (e->n_attachments >= ENTRY_ATTACHMENTS_MAX)
        return record_err(err, LH_EFIELD,
                          "attachment %s: the record has %d already, the most it holds",
                          record_quote_path(shown, arg), ENTRY_ATTACHMENTS_MAX);
    const char *ov = type_override(arg);
    size_t plen = ov != NULL ? (size_t)(ov - arg) : strlen(arg);
    const char *media = ov != NULL ? ov + strlen(";type=") : NULL;
    char *file = strndup(arg, plen);
    if (file == NULL)
        return record_err(err, LH_ENOMEM, "attachment: out of memory");
    record_quote_path(shown, file);
    int rc = 0;
    int fd = -1;
    if (plen == 0) {
        rc = record_err(err, LH_EFIELD, "attachment '%s': no file name before ';type='",
                        record_quote(shown2, arg));
        goto out;
    }
    if (media != NULL && (!validate_media_type(media) || strlen(media) > ENTRY_SHORT_TEXT_MAX)) {
        rc = record_err(
            err, LH_EFIELD,
            "attachment %s: '%s' is not a media type (type/subtype, e.g. application/pdf)", shown,
            record_quote(shown2, media));
        goto out;
    }
    /* O_NONBLOCK: opening a FIFO must not wait for a writer before the
     * check below refuses it. It changes nothing for a regular file. */
    fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int e2 = errno;
        rc = record_err(err, -e2, "attachment %s: cannot open: %s", shown, strerror(e2));
        goto out;
    }
    struct stat before, after;
    if (fstat(fd, &before) != 0) {
        int e2 = errno;
        rc = record_err(err, -e2, "attachment %s: cannot stat: %s", shown, strerror(e2));
        goto out;
    }
    if (!S_ISREG(before.st_mode)) {
        rc = record_err(err, LH_EFIELD,
                        "attachment %s: not a regular file (a directory, device or pipe cannot be "
                        "hashed again to check it)",
                        shown);
        goto out;
    }
    const char *slash = strrchr(file, '/');
    const char *name = slash != NULL ? slash + 1 : file;
    const char *problem = attachment_name_problem(name);
    if (problem != NULL) {
        rc = record_err(err, LH_EFIELD, "attachment %s: %s", shown, problem);
        goto out;
    }
    uint8_t hash[ENTRY_HASH_BYTES];
    uint64_t size = 0;
    if (sodium_init() < 0) {
        rc = record_err(err, LH_EINTERNAL, "attachment %s: libsodium cannot be initialised", shown);
        goto out;
    }
    rc = hash_fd(fd, hash, &size);
    if (rc != 0) {
        rc = rc == LH_ENOMEM
                 ? record_err(err, rc, "attachment %s: out of memory", shown)
                 : record_err(err, rc, "attachment %s: cannot read: %s", shown, strerror(-rc));
        goto out;
    }
    /* Evidence still being written would be bound by a hash of a state
     * that no longer exists: refuse it, so the person tries again when the
     * file is complete. */
    if (fstat(fd, &after) != 0 || after.st_size != before.st_size ||
        (uint64_t)after.st_size != size || after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
        after.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
        rc = record_err(
            err, -EAGAIN,
            "attachment %s: the file changed while it was being hashed; attach it when it "
            "is complete",
            shown);
        goto out;
    }
    const char *type = media != NULL ? media : record_media_type(name);
    for (size_t i = 0; i < e->n_attachments; i++) {
        const Liuhen__Attachment *a = e->attachments[i];
        if (a->sha256.len == ENTRY_HASH_BYTES && memcmp(a->sha256.data, hash, sizeof hash) == 0 &&
            strcmp(a->name, name) == 0) {
            rc = record_err(err, LH_EEXIST, "attachment %s: already attached (attachments[%zu])",
                            shown, i);
            goto out;
        }
    }
    Liuhen__Attachment *a;
    rc = attachment_new(name, hash, size, type, &a);
    if (rc == 0) {
        Liuhen__Attachment **arr =
            realloc(e->attachments, (e->n_attachments + 1) * sizeof *e->attachments);
        if (arr == NULL) {
            attachment_free(a);
            rc = LH_ENOMEM;
        } else {
            arr[e->n_attachments++] = a;
            e->attachments = arr;
        }
    }
    if (rc != 0)
        rc = record_err(err, rc, "attachment %s: out of memory", shown);
out:
    if (fd >= 0)
        close(fd);
    free(file);
    return rc;
}
