/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * passphrase.h — where the tools get the passphrase of an encrypted key
 * file (keyfile.h): a private file, the environment, or the terminal.
 *
 * The order is fixed so that every tool behaves alike:
 *
 *  1. --passphrase-file FILE: the first line of FILE (without its "\n" or
 *     "\r\n"). FILE must be a regular file that neither group nor others may
 *     access, as ssh demands of private keys: a passphrase in a readable
 *     file protects nothing.
 *  2. the environment variable LIUHEN_PASSPHRASE, for scripts. Its value is
 *     wiped in place and the variable unset at once, so that no child the
 *     tool starts later (liuhend's publish hook) inherits it.
 *  3. the terminal (/dev/tty, not stdin, which may carry data), with echo
 *     off; asked twice when a new key is being encrypted, so that a typing
 *     mistake does not lock the key away for ever.
 *
 * When none of them can give one (no file, no variable, no terminal), the
 * call fails with a sentence that says how to give one, rather than wait.
 *
 * A passphrase is kept in sodium_malloc'd memory (guard pages, locked where
 * the system allows) and wiped when freed with passphrase_free().
 * libsodium must have been initialised (sodium_init()).
 */
#ifndef LIUHEN_PASSPHRASE_H
#define LIUHEN_PASSPHRASE_H

#include <stdbool.h>

#include "errors.h"

/** The longest passphrase accepted, in bytes. */
#define PASSPHRASE_MAX 1024

/** The environment variable read when no file is given. */
#define PASSPHRASE_ENV "LIUHEN_PASSPHRASE"

/**
 * Get a passphrase from the first source that has one (see the top of this
 * file).
 * @param[in]  file     the --passphrase-file argument, or NULL.
 * @param[in]  confirm  ask twice on the terminal (a key is being created);
 *                      the file and the variable are read once.
 * @param[in]  what     names the key in prompts and messages, e.g. "the new
 *                      log key" or "handler.key".
 * @param[out] out      a NUL-terminated, non-empty passphrase; NULL on error.
 * @param[out] err      optional: a sentence naming the source and the cause.
 * @return 0;
 *         LH_EPASSPHRASE when no passphrase can be had (no file, no
 *         variable, no terminal), or the one given is empty, or the two
 *         typed on the terminal differ;
 *         LH_ETOOBIG when it is longer than PASSPHRASE_MAX bytes;
 *         LH_EPERMFILE when the file is accessible by group or others;
 *         LH_EINVAL when the file is not a regular file or its first line
 *         holds a NUL byte, or what or out is NULL;
 *         -errno when the file or the terminal cannot be read;
 *         LH_ENOMEM when secure memory cannot be allocated.
 * @note The caller owns *out and frees it with passphrase_free().
 */
int passphrase_get(const char *file, bool confirm, const char *what, char **out, lh_err *err);

/**
 * Wipe and free a passphrase from passphrase_get().
 * @param[in] pass  may be NULL.
 */
void passphrase_free(char *pass);

#endif
