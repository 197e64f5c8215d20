/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * key.c — an author's key for the client library (liuhen.h: lh_key). An
 * lh_key is the format core's keyfile_key (keyfile.h), the same structure:
 * the library hands it out and takes it back without a copy.
 */
#include <sodium.h>

#include "keyfile.h"
#include "liuhen.h"

int lh_key_read(const char *path, const char *passphrase, lh_key **out, lh_err *err)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "key: NULL argument");
    if (sodium_init() < 0)
        return lh_err_set(err, LH_EINTERNAL, "key: libsodium cannot be initialised");
    return keyfile_read_secret(path, passphrase, out, err);
}

void lh_key_free(lh_key *key)
{
    keyfile_key_free(key);
}

const char *lh_key_holder(const lh_key *key)
{
    return key != NULL ? keyfile_key_name(key) : "";
}

const uint8_t *lh_key_public(const lh_key *key)
{
    return key != NULL ? keyfile_key_pubkey(key) : NULL;
}
