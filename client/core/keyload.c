/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * keyload.c — a secret key file read with its passphrase asked for only
 * when it is encrypted (keyload.h).
 */
#include <stdbool.h>
#include <stddef.h>

#include "keyload.h"
#include "passphrase.h"

int keyload_secret(const char *path, const char *passfile, keyfile_key **out, keyload_step *step,
                   lh_err *err)
{
    *out = NULL;
    bool encrypted = false;
    *step = KEYLOAD_OPEN;
    int rc = keyfile_secret_is_encrypted(path, &encrypted, err);
    if (rc != 0)
        return rc;
    char *pass = NULL;
    *step = KEYLOAD_PASSPHRASE;
    if (encrypted && (rc = passphrase_get(passfile, false, path, &pass, err)) != 0)
        return rc;
    *step = KEYLOAD_READ;
    rc = keyfile_read_secret(path, pass, out, err);
    passphrase_free(pass);
    return rc;
}
