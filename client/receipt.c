/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * receipt.c — receipts checked without the server, and their JSON form
 * (receipt.h, liuhen.h).
 */
#include "receipt.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "checkpoint.h"
#include "entry.h"
#include "merkle.h"
#include "quote.h"
#include "text.h"

int receipt_open_checkpoint(const receipt_keys *keys, const uint8_t *note, size_t len,
                            uint64_t *size, uint8_t root[LH_HASH_SIZE], size_t *ncosigners,
                            const char *what, lh_err *err)
{
    /* About 5 KB, and called on every answer: kept off small stacks. */
    checkpoint_opened *op = malloc(sizeof *op);
    if (op == NULL)
        return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
    lh_err e = {{0}};
    int rc = checkpoint_open(note, len, keys->log, keys->witnesses, keys->nwitnesses, op, &e);
    if (rc != 0) {
        free(op);
        return lh_err_set(err, rc, "%s: the checkpoint does not verify with the log key %s: %s",
                          what, keys->log->name, e.msg);
    }
    *size = op->cp.size;
    memcpy(root, op->cp.root, LH_HASH_SIZE);
    if (ncosigners != NULL)
        *ncosigners = op->ncosigners;
    free(op);
    return 0;
}

void lh_receipt_free(lh_receipt *r)
{
    if (r == NULL)
        return;
    free(r->checkpoint);
    free(r->audit_path);
    free(r->signed_entry);
    memset(r, 0, sizeof *r);
}

int receipt_check(const lh_receipt *r, const receipt_keys *keys, uint64_t *size,
                  uint8_t root[LH_HASH_SIZE], size_t *ncosigners, const char *what, lh_err *err)
{
    if (r->checkpoint == NULL || r->checkpoint_len == 0)
        return lh_err_set(err, LH_EINVAL, "%s: the receipt holds no checkpoint", what);
    int rc = receipt_open_checkpoint(keys, r->checkpoint, r->checkpoint_len, size, root, ncosigners,
                                     what, err);
    if (rc != 0)
        return rc;
    return receipt_check_opened(r, *size, root, what, err);
}

int receipt_check_opened(const lh_receipt *r, uint64_t size, const uint8_t root[LH_HASH_SIZE],
                         const char *what, lh_err *err)
{
    int rc;
    if (size != r->tree_size)
        return lh_err_set(err, LH_EPROOF,
                          "%s: the receipt's checkpoint has size %" PRIu64
                          ", the receipt says %" PRIu64,
                          what, size, r->tree_size);
    if (r->signed_entry != NULL) {
        /* This binds the receipt to the bytes that were signed: a receipt
         * for another leaf, or with another integrated_at, fails here. */
        uint8_t *leaf = malloc(ENTRY_LEAF_MAX);
        if (leaf == NULL)
            return lh_err_set(err, LH_ENOMEM, "%s: out of memory", what);
        size_t leaf_len;
        uint8_t hash[LH_HASH_SIZE];
        rc = entry_leaf_pack(r->signed_entry, r->signed_entry_len, r->integrated_at, leaf,
                             ENTRY_LEAF_MAX, &leaf_len);
        if (rc == 0)
            entry_leaf_hash(leaf, leaf_len, hash);
        free(leaf);
        if (rc != 0)
            return lh_err_set(err, LH_EPROOF,
                              "%s: no leaf can be built from the signed entry and integrated_at "
                              "%" PRId64 " (%s)",
                              what, r->integrated_at, lh_strerror(rc));
        if (memcmp(hash, r->leaf_hash, LH_HASH_SIZE) != 0)
            return lh_err_set(err, LH_EPROOF,
                              "%s: the receipt's leaf hash for entry %" PRIu64
                              " is not the hash of the signed entry integrated at %" PRId64,
                              what, r->leaf_index, r->integrated_at);
    }
    rc = merkle_verify_inclusion(r->audit_path != NULL ? r->audit_path[0] : NULL, r->audit_path_len,
                                 r->leaf_index, size, r->leaf_hash, root);
    if (rc != 0)
        return lh_err_set(err, LH_EPROOF,
                          "%s: the inclusion proof of entry %" PRIu64
                          " does not verify against the checkpoint of size %" PRIu64,
                          what, r->leaf_index, size);
    return 0;
}

int lh_receipt_verify(const lh_receipt *r, const char *log_vkey, lh_err *err)
{
    if (r == NULL || log_vkey == NULL)
        return lh_err_set(err, LH_EINVAL, "receipt: NULL argument");
    note_verifier key;
    lh_err e = {{0}};
    int rc = note_vkey_parse_type(log_vkey, strlen(log_vkey), NOTE_TYPE_ED25519, &key, &e);
    if (rc != 0)
        return lh_err_set(err, rc, "receipt: the log key: %s", e.msg);
    return receipt_verify(r, &key, err);
}

int receipt_verify(const lh_receipt *r, const note_verifier *log_key, lh_err *err)
{
    if (r == NULL || log_key == NULL)
        return lh_err_set(err, LH_EINVAL, "receipt: NULL argument");
    if (sodium_init() < 0)
        return lh_err_set(err, LH_EINTERNAL, "receipt: libsodium cannot be initialised");
    char what[64];
    snprintf(what, sizeof what, "receipt for entry %" PRIu64, r->leaf_index);
    uint64_t size;
    uint8_t root[LH_HASH_SIZE];
    receipt_keys keys = {.log = log_key};
    return receipt_check(r, &keys, &size, root, NULL, what, err);
}

/* ------------------------------------------------------------------------ */
/* Receipts as JSON. */

int lh_receipt_to_json(const lh_receipt *r, char **out, lh_err *err)
{
    if (out != NULL)
        *out = NULL;
    if (r == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "receipt: NULL argument");
    if (r->checkpoint == NULL || r->checkpoint_len == 0)
        return lh_err_set(err, LH_EINVAL, "receipt: no checkpoint");
    /* JSON integers here are json_int_t (long long): a tree of 2^63 leaves
     * does not exist, but the receipt may come from anywhere. */
    if (r->leaf_index > (uint64_t)INT64_MAX || r->tree_size > (uint64_t)INT64_MAX)
        return lh_err_set(err, LH_ERANGE, "receipt: index or tree size above 2^63-1");
    if (r->audit_path_len > MERKLE_MAX_PROOF)
        return lh_err_set(err, LH_EINVAL, "receipt: %zu path hashes, more than any proof",
                          r->audit_path_len);

    int rc = 0;
    char b64[TEXT_B64_LEN(LH_HASH_SIZE)];
    json_t *o = json_object();
    json_t *path = json_array();
    json_t *cp = json_stringn((const char *)r->checkpoint, r->checkpoint_len);
    if (o == NULL || path == NULL)
        goto nomem;
    if (cp == NULL) {
        rc = lh_err_set(err, LH_EINVAL, "receipt: the checkpoint is not UTF-8 text");
        goto done;
    }
    for (size_t i = 0; i < r->audit_path_len; i++) {
        text_b64_encode(b64, r->audit_path[i], LH_HASH_SIZE);
        if (json_array_append_new(path, json_string(b64)) != 0)
            goto nomem;
    }
    text_b64_encode(b64, r->leaf_hash, LH_HASH_SIZE);
    /* The member names and their order are the receipt format the CLI and
     * liuhen-verify share. json_object_set_new() takes the value's
     * reference even when it fails, hence the NULLs. */
    if (json_object_set_new(o, "leaf_index", json_integer((json_int_t)r->leaf_index)) != 0 ||
        json_object_set_new(o, "leaf_hash", json_string(b64)) != 0 ||
        json_object_set_new(o, "integrated_at", json_integer((json_int_t)r->integrated_at)) != 0 ||
        json_object_set_new(o, "tree_size", json_integer((json_int_t)r->tree_size)) != 0)
        goto nomem;
    int set_path = json_object_set_new(o, "audit_path", path);
    path = NULL;
    int set_cp = set_path == 0 ? json_object_set_new(o, "checkpoint", cp) : -1;
    if (set_path == 0)
        cp = NULL;
    if (set_path != 0 || set_cp != 0)
        goto nomem;
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text == NULL)
        goto nomem;
    size_t n = strlen(text);
    char *nl = realloc(text, n + 2);
    if (nl == NULL) {
        free(text);
        goto nomem;
    }
    nl[n] = '\n';
    nl[n + 1] = '\0';
    *out = nl;
    goto done;
nomem:
    rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
done:
    json_decref(o);
    json_decref(path);
    json_decref(cp);
    return rc;
}

/* A JSON integer member that must lie in [min, max]. */
static int json_get_int(json_t *o, const char *name, json_int_t min, json_int_t max,
                        json_int_t *out, lh_err *err)
{
    json_t *v = json_object_get(o, name);
    if (v == NULL)
        return lh_err_set(err, LH_EFIELD, "receipt: member \"%s\" is missing", name);
    if (!json_is_integer(v))
        return lh_err_set(err, LH_EFIELD, "receipt: member \"%s\" is not an integer", name);
    json_int_t x = json_integer_value(v);
    if (x < min || x > max)
        return lh_err_set(err, LH_EFIELD, "receipt: member \"%s\" is out of range (%lld)", name,
                          (long long)x);
    *out = x;
    return 0;
}

/* Decode one base64 hash of a JSON string. */
static int json_get_hash(json_t *v, const char *name, uint8_t out[LH_HASH_SIZE], lh_err *err)
{
    if (v == NULL)
        return lh_err_set(err, LH_EFIELD, "receipt: member \"%s\" is missing", name);
    if (!json_is_string(v))
        return lh_err_set(err, LH_EFIELD, "receipt: \"%s\" is not a string", name);
    size_t n;
    int rc = text_b64_decode(out, LH_HASH_SIZE, &n, json_string_value(v), json_string_length(v),
                             LH_HASH_SIZE);
    if (rc != 0)
        return lh_err_set(err, rc, "receipt: \"%s\" is not canonical base64 of %d bytes", name,
                          LH_HASH_SIZE);
    return 0;
}

int lh_receipt_from_json(const char *text, size_t len, lh_receipt *out, lh_err *err)
{
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (text == NULL || out == NULL)
        return lh_err_set(err, LH_EINVAL, "receipt: NULL argument");
    static const char *const members[] = {"leaf_index", "leaf_hash",  "integrated_at",
                                          "tree_size",  "audit_path", "checkpoint"};
    json_error_t je;
    json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (o == NULL)
        return lh_err_set(err, LH_EJSON, "receipt: line %d, column %d: %s", je.line, je.column,
                          je.text);
    lh_receipt r = {0};
    int rc = 0;
    if (!json_is_object(o)) {
        rc = lh_err_set(err, LH_EJSON, "receipt: not a JSON object");
        goto done;
    }
    const char *name;
    json_t *v;
    json_object_foreach(o, name, v)
    {
        bool known = false;
        for (size_t i = 0; i < sizeof members / sizeof members[0]; i++)
            known = known || strcmp(name, members[i]) == 0;
        if (!known) {
            char q[64];
            quote_text(q, sizeof q, name);
            rc = lh_err_set(err, LH_EUNKNOWNFIELD, "receipt: unknown member \"%s\"", q);
            goto done;
        }
    }
    json_int_t index = 0, size = 0, at = 0;
    if ((rc = json_get_int(o, "leaf_index", 0, INT64_MAX, &index, err)) != 0 ||
        (rc = json_get_int(o, "tree_size", 1, INT64_MAX, &size, err)) != 0 ||
        (rc = json_get_int(o, "integrated_at", 1, INT64_MAX, &at, err)) != 0)
        goto done;
    if (index >= size) {
        rc = lh_err_set(err, LH_EFIELD, "receipt: leaf_index %lld is not below tree_size %lld",
                        (long long)index, (long long)size);
        goto done;
    }
    r.leaf_index = (uint64_t)index;
    r.tree_size = (uint64_t)size;
    r.integrated_at = (int64_t)at;
    if ((rc = json_get_hash(json_object_get(o, "leaf_hash"), "leaf_hash", r.leaf_hash, err)) != 0)
        goto done;

    json_t *path = json_object_get(o, "audit_path");
    if (path == NULL || !json_is_array(path)) {
        rc = lh_err_set(err, LH_EFIELD, "receipt: \"audit_path\" is missing or not an array");
        goto done;
    }
    size_t n = json_array_size(path);
    if (n > MERKLE_MAX_PROOF) {
        rc = lh_err_set(err, LH_ETOOBIG, "receipt: %zu path hashes, more than any proof (%d)", n,
                        MERKLE_MAX_PROOF);
        goto done;
    }
    if (n > 0) {
        r.audit_path = malloc(n * LH_HASH_SIZE);
        if (r.audit_path == NULL) {
            rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        char field[32];
        snprintf(field, sizeof field, "audit_path[%zu]", i);
        if ((rc = json_get_hash(json_array_get(path, i), field, r.audit_path[i], err)) != 0)
            goto done;
    }
    r.audit_path_len = n;

    json_t *cp = json_object_get(o, "checkpoint");
    if (cp == NULL || !json_is_string(cp) || json_string_length(cp) == 0) {
        rc =
            lh_err_set(err, LH_EFIELD, "receipt: \"checkpoint\" is missing, empty or not a string");
        goto done;
    }
    size_t cp_len = json_string_length(cp);
    if (cp_len > NOTE_MAX_SIZE) {
        rc = lh_err_set(err, LH_ETOOBIG, "receipt: a checkpoint of %zu bytes", cp_len);
        goto done;
    }
    r.checkpoint = malloc(cp_len);
    if (r.checkpoint == NULL) {
        rc = lh_err_set(err, LH_ENOMEM, "receipt: out of memory");
        goto done;
    }
    memcpy(r.checkpoint, json_string_value(cp), cp_len);
    r.checkpoint_len = cp_len;
    *out = r;
    memset(&r, 0, sizeof r);
done:
    lh_receipt_free(&r);
    json_decref(o);
    return rc;
}
