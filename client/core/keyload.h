/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * keyload.h — reading a secret key file (keyfile.h) the way every tool
 * does: its passphrase is asked for (passphrase.h) only when the file is
 * encrypted, and wiped as soon as the key is read. liuhend reads the log
 * key through it, liuhen-witness its witness key, liuhen an author's or an
 * admin's key; each words its own message from the step that failed.
 *
 * libsodium must have been initialised (sodium_init()).
 */
#ifndef LIUHEN_KEYLOAD_H
#define LIUHEN_KEYLOAD_H

#include "errors.h"
#include "keyfile.h"

/** The step of keyload_secret() that failed. */
typedef enum keyload_step {
    /** The file cannot be read or is no secret key file
     *  (keyfile_secret_is_encrypted(): -errno, LH_EKEYFILE...). */
    KEYLOAD_OPEN,
    /** It is encrypted and no passphrase could be had (passphrase_get():
     *  LH_EPASSPHRASE when there is no source, or an empty one...). */
    KEYLOAD_PASSPHRASE,
    /** It cannot be read with the passphrase (keyfile_read_secret():
     *  LH_EPASSPHRASE for a wrong passphrase or an altered file...). */
    KEYLOAD_READ,
} keyload_step;

/**
 * Read a secret key file, asking for its passphrase only when it is
 * encrypted (passphrase_get(): passfile, else $LIUHEN_PASSPHRASE, else the
 * terminal; the key file's path names it in the prompt).
 * @param[in]  path      the key file.
 * @param[in]  passfile  --passphrase-file, or NULL.
 * @param[out] out       the key; NULL on error.
 * @param[out] step      on error, the step that failed (keyload_step).
 * @param[out] err       optional: on error, the sentence of the step that
 *                       failed (it may leave it empty: lh_strerror()).
 * @return 0, or the error of the step that failed.
 * @note The caller owns *out and frees it with keyfile_key_free().
 */
int keyload_secret(const char *path, const char *passfile, keyfile_key **out, keyload_step *step,
                   lh_err *err);

#endif
