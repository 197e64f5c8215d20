/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * passphrase.c — a passphrase from a private file, the environment or the
 * terminal (see passphrase.h).
 */
#include "passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "fileio.h"

/* Room for the longest passphrase, its line end and a NUL. */
#define PASS_BUF (PASSPHRASE_MAX + 3)

/*
 * Read one line from the terminal with echo off (ECHONL keeps the newline
 * visible, so the next output starts on a line of its own). The terminal's
 * settings are restored on every path.
 */
static int read_tty_line(const char *prompt, char *buf, size_t cap)
{
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct termios old, quiet;
    if (tcgetattr(fd, &old) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    quiet.c_lflag |= ECHONL;
    if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    size_t n = 0;
    int rc = 0;
    for (;;) {
        char ch;
        ssize_t r = read(fd, &ch, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            /* End of input before a newline: nothing was typed in full. */
            rc = r < 0 ? -errno : LH_EPASSPHRASE;
            break;
        }
        if (ch == '\n' || ch == '\r')
            break;
        if (n + 1 >= cap) {
            rc = LH_ETOOBIG;
            break;
        }
        buf[n++] = ch;
    }
    buf[n] = '\0';
    tcsetattr(fd, TCSAFLUSH, &old);
    close(fd);
    sodium_memzero(&n, sizeof n);
    return rc;
}

/* The first line of a private passphrase file, into buf (PASS_BUF bytes). */
static int read_file_line(const char *path, char *buf, lh_err *err)
{
    /* Up to PASS_BUF - 1 bytes: enough to tell a first line of at most
     * PASSPHRASE_MAX bytes (and its line end) from a longer one. */
    size_t n = 0;
    int rc = fileio_read_into(path, FILEIO_PRIVATE | FILEIO_NOFOLLOW | FILEIO_PREFIX,
                              "passphrase file", buf, PASS_BUF - 1, &n, err);
    if (rc != 0)
        return rc;
    size_t line = 0;
    while (line < n && buf[line] != '\n' && buf[line] != '\r' && buf[line] != '\0')
        line++;
    if (line < n && buf[line] == '\0')
        return lh_err_set(err, LH_EINVAL, "passphrase file %s: the first line holds a NUL byte",
                          path);
    if (line > PASSPHRASE_MAX)
        return lh_err_set(err, LH_ETOOBIG,
                          "passphrase file %s: the first line is longer than %d bytes", path,
                          PASSPHRASE_MAX);
    /* Whatever follows the first line is no part of the passphrase; wipe it. */
    sodium_memzero(buf + line, n - line);
    return 0;
}

static int from_env(char *buf, lh_err *err)
{
    char *env = getenv(PASSPHRASE_ENV);
    size_t n = strlen(env);
    int rc = 0;
    if (n > PASSPHRASE_MAX)
        rc = lh_err_set(err, LH_ETOOBIG, "%s is longer than %d bytes", PASSPHRASE_ENV,
                        PASSPHRASE_MAX);
    else
        memcpy(buf, env, n + 1);
    /* Wiped even when refused: a secret must not stay in the environment. */
    sodium_memzero(env, n);
    unsetenv(PASSPHRASE_ENV);
    return rc;
}

static int from_tty(char *buf, bool confirm, const char *what, lh_err *err)
{
    char prompt[256];
    snprintf(prompt, sizeof prompt, "Passphrase for %s: ", what);
    int rc = read_tty_line(prompt, buf, PASS_BUF);
    if (rc == -ENXIO || rc == -ENOENT || rc == -ENOTTY || rc == -EACCES || rc == -ENODEV)
        return lh_err_set(err, LH_EPASSPHRASE,
                          "%s needs a passphrase and none can be had: give --passphrase-file "
                          "FILE or set %s, or run on a terminal",
                          what, PASSPHRASE_ENV);
    if (rc == LH_ETOOBIG)
        return lh_err_set(err, rc, "the passphrase for %s is longer than %d bytes", what,
                          PASSPHRASE_MAX);
    if (rc == LH_EPASSPHRASE)
        return lh_err_set(err, rc, "no passphrase for %s was typed (end of input)", what);
    if (rc != 0)
        return lh_err_set(err, rc, "cannot read the passphrase for %s from the terminal: %s", what,
                          lh_strerror(rc));
    if (!confirm || buf[0] == '\0')
        return 0;
    char *again = sodium_malloc(PASS_BUF);
    if (again == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of secure memory for the passphrase of %s", what);
    rc = read_tty_line("Same passphrase again: ", again, PASS_BUF);
    bool same = rc == 0 && strcmp(buf, again) == 0;
    sodium_free(again);
    if (!same)
        return lh_err_set(err, LH_EPASSPHRASE,
                          "the two passphrases typed for %s differ: nothing was written", what);
    return 0;
}

int passphrase_get(const char *file, bool confirm, const char *what, char **out, lh_err *err)
{
    if (out == NULL)
        return lh_err_set(err, LH_EINVAL, "passphrase_get: no place for the result");
    *out = NULL;
    if (what == NULL)
        return lh_err_set(err, LH_EINVAL, "passphrase_get: the key is not named");
    char *pass = sodium_malloc(PASS_BUF);
    if (pass == NULL)
        return lh_err_set(err, LH_ENOMEM, "out of secure memory for the passphrase of %s", what);
    pass[0] = '\0';
    int rc;
    const char *source;
    if (file != NULL) {
        rc = read_file_line(file, pass, err);
        source = "the passphrase file";
    } else if (getenv(PASSPHRASE_ENV) != NULL) {
        rc = from_env(pass, err);
        source = PASSPHRASE_ENV;
    } else {
        rc = from_tty(pass, confirm, what, err);
        source = "the terminal";
    }
    if (rc == 0 && pass[0] == '\0')
        rc =
            lh_err_set(err, LH_EPASSPHRASE, "the passphrase for %s from %s is empty", what, source);
    if (rc != 0) {
        sodium_free(pass);
        return rc;
    }
    *out = pass;
    return 0;
}

void passphrase_free(char *pass)
{
    /* sodium_free() wipes the whole allocation before releasing it. */
    if (pass != NULL)
        sodium_free(pass);
}
