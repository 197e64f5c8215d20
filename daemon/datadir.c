/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * datadir.c — the daemon's data directory (datadir.h).
 */
#include "datadir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "i18n.h"
#include "log.h"

char *datadir_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + 1 + strlen(name) + 1;
    char *p = malloc(n);
    if (p == NULL)
        log_fatal(_("out of memory"));
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* docs/design.md "Daemon": the data directory and the log key must
 * not be readable by others; refuse to start otherwise. */
int datadir_check_private(const char *path, bool dir, const char *what)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT && dir)
            log_error(_("%s %s does not exist: create it with `liuhend init --data %s`"), what,
                      path, path);
        else
            log_error("%s %s: %s", what, path, strerror(errno));
        return -1;
    }
    if (dir && !S_ISDIR(st.st_mode)) {
        log_error(_("%s %s is not a directory"), what, path);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        log_error(_("%s %s is owned by uid %u, not by uid %u which runs liuhend"), what, path,
                  (unsigned)st.st_uid, (unsigned)geteuid());
        return -1;
    }
    if ((st.st_mode & 077) != 0) {
        log_error(_("%s %s is accessible by others (mode %04o): chmod %s %s"), what, path,
                  (unsigned)(st.st_mode & 07777), dir ? "700" : "600", path);
        return -1;
    }
    return 0;
}

/* One daemon per data directory: two writers over one store would each
 * believe they know the tree's size. LMDB serialises their transactions
 * but not their views, so the lock is taken before anything is read, and
 * held (by the open descriptor) until the process exits. The file holds the
 * holder's pid, for the refusal message. */
int datadir_lock(const char *dir)
{
    char *path = datadir_path(dir, DATADIR_DAEMON_LOCK);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        log_error(_("lock file %s: %s"), path, strerror(errno));
        free(path);
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        char pid[32] = "";
        ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
        pid[n > 0 ? n : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        if (e == EWOULDBLOCK)
            log_error(
                _("data directory %s is in use by another liuhend (pid %s): refusing to start"),
                dir, pid[0] != '\0' ? pid : "unknown");
        else
            log_error(_("lock file %s: %s"), path, strerror(e));
        close(fd);
        free(path);
        return -1;
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len)
        log_warn(_("lock file %s: cannot record the pid: %s"), path, strerror(errno));
    free(path);
    return fd;
}

bool datadir_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The directory init may use: absent (created 0700) or empty and 0700. */
int datadir_prepare_init(const char *dir, bool *created)
{
    *created = false;
    struct stat st;
    if (stat(dir, &st) != 0) {
        if (errno != ENOENT) {
            log_error(_("data directory %s: %s"), dir, strerror(errno));
            return -1;
        }
        if (mkdir(dir, 0700) != 0) {
            log_error(_("data directory %s: cannot create it: %s"), dir, strerror(errno));
            return -1;
        }
        *created = true;
        /* mkdir's mode is cut by the umask; 0700 exactly is what start-up checks. */
        if (chmod(dir, 0700) != 0) {
            log_error(_("data directory %s: cannot set mode 0700: %s"), dir, strerror(errno));
            return -1;
        }
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        log_error(_("data directory %s exists and is not a directory"), dir);
        return -1;
    }
    char *data = datadir_path(dir, DATADIR_DATA), *key = datadir_path(dir, DATADIR_KEY);
    bool has_log = datadir_exists(data) || datadir_exists(key);
    free(data);
    free(key);
    if (has_log) {
        log_error(_("%s already holds a log: refusing to overwrite it"), dir);
        return -1;
    }
    DIR *d = opendir(dir);
    if (d == NULL) {
        log_error(_("data directory %s: %s"), dir, strerror(errno));
        return -1;
    }
    struct dirent *de;
    const char *other = NULL;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            other = de->d_name;
            break;
        }
    }
    if (other != NULL) {
        log_error(_("data directory %s is not empty (it holds %s): name a new directory"), dir,
                  other);
        closedir(d);
        return -1;
    }
    closedir(d);
    if (st.st_uid != geteuid() || (st.st_mode & 07777) != 0700) {
        log_error(_("data directory %s exists with mode %04o owned by uid %u: it must be mode 0700 "
                    "and owned by uid %u (chmod 700 %s), or name a new directory"),
                  dir, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)geteuid(),
                  dir);
        return -1;
    }
    return 0;
}

/* Undo a failed init so that it can simply be run again. */
void datadir_init_cleanup(const char *dir, bool created)
{
    static const char *const files[] = {DATADIR_KEY,       DATADIR_VKEY,
                                        DATADIR_DATA,      DATADIR_LOCK,
                                        DATADIR_HIGHWATER, "." DATADIR_HIGHWATER ".tmp"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = datadir_path(dir, files[i]);
        if (unlink(p) != 0 && errno != ENOENT)
            log_warn(_("%s: cannot remove it: %s"), p, strerror(errno));
        free(p);
    }
    if (created && rmdir(dir) != 0)
        log_warn(_("data directory %s: cannot remove it: %s"), dir, strerror(errno));
}

int datadir_read_vkey(const char *dir, const char *path, note_verifier *out)
{
    char *own = path != NULL ? NULL : datadir_path(dir, DATADIR_VKEY);
    if (path == NULL && (path = own) == NULL) {
        log_error(_("out of memory"));
        return -1;
    }
    uint8_t *text = NULL;
    size_t len = 0;
    lh_err err = {{0}};
    int rc = fileio_read(path, 0, _("log verifier key"), NOTE_VKEY_MAX + 2, &text, &len, &err);
    if (rc != 0) {
        free(own);
        log_error("%s", err.msg[0] ? err.msg : lh_strerror(rc));
        return -1;
    }
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    rc = note_vkey_parse_type((const char *)text, len, NOTE_TYPE_ED25519, out, &err);
    free(text);
    if (rc != 0)
        log_error(_("%s: not a log verifier key: %s"), path, err.msg);
    free(own);
    return rc == 0 ? 0 : -1;
}
