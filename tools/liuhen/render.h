/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * render.h — how `liuhen` shows what the log holds: text for people, with
 * kinds, fields and enum values under their Chinese labels (labels.h) and
 * the English names beside them, and JSON for scripts.
 *
 * Text goes to a FILE (stdout); JSON is built as jansson values that the
 * caller prints with render_print_json(). Every function here works on
 * verified data: the entries come from lh_get_entries() or lh_get_case(),
 * which validated them, so their texts are UTF-8 without control characters
 * other than LF and TAB.
 */
#ifndef LIUHEN_RENDER_H
#define LIUHEN_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "liuhen.h"
#include "note.h"

/** Room for render_time(): "2026-05-20 14:31:07 +0800". */
#define RENDER_TIME_MAX 64

/** What an entry is shown with, beyond the entry itself. */
typedef struct render_ctx {
    /** The enrolled keys, to name authors and public keys; may be NULL. */
    const lh_keys *keys;
    /** The log's own key, the author of entry 0; may be NULL. */
    const uint8_t *log_pubkey;
    /** Entries shown as "第N号记录" where a record names them by entry id
     *  (a case's entries); may be NULL. */
    const lh_logged_entry *known;
    size_t nknown;
} render_ctx;

/**
 * A unix time in ms as local time, "2026-05-20 14:31:07 +0800"; "—" for 0
 * (not stated).
 * @param[out] buf  RENDER_TIME_MAX bytes.
 * @return buf.
 */
const char *render_time(int64_t ms, char buf[RENDER_TIME_MAX]);

/**
 * Standard base64 of n bytes, into a malloc'd string, or NULL when out of
 * memory.
 */
char *render_b64(const uint8_t *b, size_t n);

/** JSON string of the base64 of n bytes, or NULL when out of memory. */
json_t *render_json_b64(const uint8_t *b, size_t n);

/** JSON array of the base64 of n 32-byte hashes, or NULL when out of memory. */
json_t *render_json_hashes(const uint8_t (*h)[LH_HASH_SIZE], size_t n);

/**
 * json_object_set_new() that remembers a failure in *ok, so that a chain of
 * sets is checked once at its end. v's reference is taken either way; a
 * NULL v (a value that could not be made) is a failure.
 */
void render_json_set(json_t *o, const char *key, json_t *v, bool *ok);

/**
 * A time in JSON: key, the unix milliseconds as an integer, and beside it
 * KEY_rfc3339, the same instant as an RFC 3339 string in UTC with
 * milliseconds ("2026-05-20T06:31:07.000Z"), or null for 0 (not stated).
 * A failure is remembered in *ok as render_json_set() does.
 */
void render_json_time(json_t *o, const char *key, int64_t ms, bool *ok);

/**
 * Beside every integer member of o named *_at (a time in unix ms, as the
 * schema names them), add its KEY_rfc3339 as render_json_time() does; o's
 * nested objects are left alone. Returns false when out of memory.
 */
bool render_json_add_rfc3339(json_t *o);

/**
 * Print a JSON value on stdout, indented by two spaces, members in the order
 * they were added, and a newline; then release it.
 * @param[in] j  stolen (json_decref'd); NULL means out of memory.
 * @return 0, or LH_ENOMEM.
 */
int render_print_json(json_t *j);

/** "办案人员 handler" for a role: its label and name, into buf. @return buf. */
/** Room for render_role(). */
#define RENDER_ROLE_MAX 64

const char *render_role(Liuhen__Role role, char buf[RENDER_ROLE_MAX]);

/**
 * The holder of a public key as the key list names it, or NULL.
 * @param[in] key  32 bytes.
 */
const Liuhen__KeyInfo *render_find_key(const render_ctx *rc, const uint8_t *key);

/**
 * Print one logged entry as a block for people: index and kind, case,
 * author with roles, the times recorded and integrated, every field of the
 * body with its label, references and attachments, the entry id and the
 * leaf hash.
 */
void render_entry(FILE *f, const render_ctx *rc, const lh_logged_entry *e);

/**
 * One logged entry as JSON: {"index", "entry_id", "leaf_hash", "integrated_at",
 * "author" (holder and roles, when the key is known), "entry" (the Entry,
 * pbjson.h: .proto field names, enum value names, bytes in base64),
 * "signature", and "audit_path" when the entry carries its proof}.
 * @return the object, or NULL when out of memory or the entry cannot be
 *         written as JSON.
 */
json_t *render_entry_json(const render_ctx *rc, const lh_logged_entry *e);

/** A JSON array of render_entry_json() of n entries, or NULL when out of memory. */
json_t *render_entries_json(const render_ctx *rc, const lh_logged_entry *items, size_t n);

/**
 * Print a verified receipt for people: "已记录 第42号记录 (leaf 42) 于 ...",
 * the kind and case of the entry, its entry id (when the receipt carries
 * the signed entry), the leaf hash, the checkpoint, what was
 * verified and, when saved_to is not NULL, where the receipt was saved.
 * @param[in] entry     the record appended (kind, case); may be NULL.
 * @param[in] saved_to  may be NULL.
 */
void render_receipt(FILE *f, const lh_receipt *r, const Liuhen__Entry *entry, const char *saved_to);

/**
 * The cosignatures of a checkpoint note, one line each: the witness's name,
 * the time it cosigned, and whether its signature was verified with one of
 * the witness keys given (the log's own line is not listed). Lines of keys
 * not given are shown as such, with the time they claim.
 * @param[in] log_key    the log's key (the note was verified with it).
 * @param[in] witnesses  nwitnesses keys, as lh_options had them.
 */
void render_cosignatures(FILE *f, const uint8_t *note, size_t len, const note_verifier *log_key,
                         const note_verifier *witnesses, size_t nwitnesses);

/** The same as a JSON array of {"witness", "time", "verified"}; NULL when out of memory. */
json_t *render_cosignatures_json(const uint8_t *note, size_t len, const note_verifier *log_key,
                                 const note_verifier *witnesses, size_t nwitnesses);

#endif
