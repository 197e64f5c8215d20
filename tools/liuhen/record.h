/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * record.h — building the record that `liuhen append` signs, from what a
 * person or a script gives on the command line:
 *
 *     liuhen append --key KEY --kind KIND --case CASE [--json FILE|-]
 *                   [--set FIELD=VALUE ...] [--attach FILE ...] [--ref INDEX ...]
 *
 * The CLI calls, in this order: record_kind_from_cli() for --kind,
 * record_new() with the kind and the case, record_merge_json_file() for
 * --json, record_set() for each --set (so that a --set refines what the
 * JSON said), record_attach_file() for each --attach, record_add_ref() for
 * each --ref once it has the entry id, and record_check() before it
 * asks for a passphrase; lh_append() then fills the header and signs.
 *
 * This module is the record itself: its kind, its case, its body read and
 * written as JSON, --json, refs and the final check. The --set path
 * language is record_set.h; evidence files are record_attach.h. Both build
 * on the functions at the end of this header.
 *
 * Everything works through the protobuf-c descriptors of liuhen.proto and
 * pbjson (pbjson.h), so a field added to the schema can be set
 * without a change here. Paths and error messages use the .proto field
 * names, with the body's name first ("interference.person.name"), as
 * validate_entry() and pbjson do.
 *
 * JSON (record_merge_json()): an object of the body's fields, with the
 * schema's names and the types of pbjson.h ({"place": "...", "person":
 * {"name": "..."}}), or such an object wrapped in the body's name
 * ({"interference": {...}}). Each member replaces that field of the body
 * whole (a submessage or a list is replaced, not merged); null clears it.
 * A time may also be written as a string in any form calendar_parse_time()
 * reads; a time written as an integer is held to the same rule as typed
 * digits (not negative, not what looks like seconds). "#INDEX" is a --set
 * form only: JSON names entries by entry id.
 *
 * Errors: every function here, in record_set.h and in record_attach.h that
 * takes an lh_err writes a sentence that names the object (the field's
 * dotted path, or the file) and what is accepted:
 * "interference.manner: 'fax' is not one of: oral, phone, written,
 * in-person, third-party, other". The codes that mean "the caller's input
 * is wrong" (a usage error for the CLI) are LH_EFIELD, LH_EUNKNOWNFIELD,
 * LH_EJSON, LH_EUTF8, LH_EKIND, LH_ETOOBIG and LH_EEXIST; -errno means a
 * file could not be read; LH_ENOMEM is LH_ENOMEM; a resolver's own code is
 * passed on unchanged.
 *
 * Memory: a record is a Liuhen__Entry whose every part is allocated with
 * malloc(), as protobuf-c's default allocator does, so the caller frees it
 * with liuhen__entry__free_unpacked(e, NULL). Each function either does what
 * it says or leaves the record unchanged.
 *
 * Thread safety: the functions keep no state and may run in several threads
 * on distinct records; calendar_parse_time() (and so record_set() and
 * record_merge_json() on a time in local time) reads the TZ environment
 * through mktime().
 */
#ifndef LIUHEN_RECORD_H
#define LIUHEN_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "errors.h"
#include "fieldpath.h"
#include "liuhen.pb-c.h"

/** The largest JSON text record_merge_json_file() reads: 1 MiB. A record
 *  must fit a leaf (ENTRY_MAX_SIZE, 64 KiB) anyway; the bound leaves room
 *  for indentation and stops a wrong file (an image, /dev/zero) early. */
#define RECORD_JSON_MAX (1024 * 1024)

/** @name Kinds as the CLI names them */
/**@{*/

/**
 * The kind that `--kind NAME` designates: one of the thirteen kinds of case
 * records, by its CLI name ("interference", "guidance", "complaint",
 * "transfer", "reply", "investigation-assigned", "investigation-step",
 * "decision", "review-order", "appeal", "notification", "correction",
 * "case-closed"), by its Chinese label (kind_label_zh(): "干预插手记录";
 * for a label with a '/', each part too: "陈述申辩", "申诉"), or by its proto
 * name ("INVESTIGATION_STEP", "KIND_DECISION"), ASCII case ignored and '-'
 * read as '_'. Key management (KEY_ENROLL, KEY_REVOKE) is not appended by
 * kind name: `liuhen enroll` and `liuhen revoke` make those records.
 * @param[in]  name  NUL-terminated.
 * @param[out] kind  the kind; untouched on error.
 * @return 0; LH_ENOTFOUND when name designates none of the thirteen (the
 *         caller lists record_kinds_list()); LH_EINVAL for NULL.
 */
int record_kind_from_cli(const char *name, Liuhen__Kind *kind);

/**
 * The kind a mistyped name most likely meant, for "did you mean": the CLI
 * name or Chinese label closest to it by edit distance (suggest.h), with or
 * without a "KIND_" prefix ("interferance", "KIND_DECISON", "指导意见").
 * @param[out] kind  the kind; untouched when there is none.
 * @return 0; LH_ENOTFOUND when no kind is close enough; LH_EINVAL for NULL.
 */
int record_kind_suggest(const char *name, Liuhen__Kind *kind);

/**
 * The CLI name of a case kind ("investigation-step").
 * @return a static string, or NULL for KIND_UNSPECIFIED, key management
 *         and values this version does not define.
 */
const char *record_kind_cli_name(Liuhen__Kind kind);

/**
 * The CLI names of the thirteen kinds, for error and help messages:
 * "interference, guidance, ..., case-closed".
 * @return a static string.
 */
const char *record_kinds_list(void);

/**
 * Print the kinds for a help text, each as its CLI name and its Chinese
 * label ("interference (干预插手记录),"), on lines of at most width
 * columns (a Chinese character takes two), each indented by indent spaces.
 */
void record_kinds_help(FILE *f, size_t indent, size_t width);

/**@}*/

/**
 * Make a record of a kind, with its case and an empty body of that kind.
 * @param[in]  kind     any kind liuhen.proto defines except
 *                      KIND_UNSPECIFIED.
 * @param[in]  case_id  the case (printable UTF-8 without blanks, at most
 *                      ENTRY_CASE_ID_MAX bytes); copied. NULL or "" for
 *                      KEY_ENROLL and KEY_REVOKE, which belong to no case,
 *                      and required for every other kind.
 * @param[out] out      the new record; NULL on error.
 * @param[out] err      optional detail.
 * @return 0; LH_EKIND (an undefined or unspecified kind); LH_EFIELD (a
 *         missing, over-long or blank-holding case_id, or one given for key
 *         management); LH_EUTF8; LH_EINVAL (out NULL); LH_ENOMEM.
 * @note The caller frees *out with liuhen__entry__free_unpacked(*out, NULL).
 *       Only kind, case_id and the body are set: lh_append() fills origin,
 *       author_key, author_seq, author_prev, case_prev and (when 0)
 *       recorded_at.
 */
int record_new(Liuhen__Kind kind, const char *case_id, Liuhen__Entry **out, lh_err *err);

/**
 * Merge JSON into the record's body (see "JSON" at the top of this file).
 * @param[in,out] e     a record of record_new() (or any entry allocated the
 *                      same way) whose kind has a body.
 * @param[in]     text  len bytes of JSON text, not necessarily
 *                      NUL-terminated.
 * @param[out]    err   optional detail: "JSON text line 3 column 12: ...",
 *                      or the field's dotted path and what it accepts.
 * @return 0; LH_EJSON (malformed text, a duplicate key, not an object);
 *         LH_EKIND (the object is wrapped in another kind's body name, or
 *         e's body is not that of its kind); LH_EUNKNOWNFIELD; LH_EFIELD
 *         (a wrong type, a bad enum name or base64, a time in no accepted
 *         form: pbjson_to_message() and calendar_parse_time()); LH_ETOOBIG;
 *         LH_EINVAL (NULL argument); LH_ENOMEM. e is unchanged on error.
 */
int record_merge_json(Liuhen__Entry *e, const char *text, size_t len, lh_err *err);

/**
 * record_merge_json() of a JSON value already parsed (a record of a
 * stream, jsonstream.h). Members are taken from j, which may be changed
 * (times rewritten); the caller keeps its reference.
 * @return the codes of record_merge_json().
 */
int record_merge_json_value(Liuhen__Entry *e, json_t *j, lh_err *err);

/**
 * record_merge_json() on the contents of a file, or of standard input when
 * path is "-". At most RECORD_JSON_MAX bytes are read: a longer input is
 * refused, never cut.
 * @param[in] path  a file name, or "-".
 * @return the codes of record_merge_json(), whose messages are then
 *         prefixed with the file's name ("case.json: JSON text line 3 ...");
 *         -errno when the file cannot be opened or read (-ENOENT,
 *         -EACCES, -EISDIR...), with the path and the cause in err;
 *         LH_ETOOBIG beyond RECORD_JSON_MAX bytes.
 */
int record_merge_json_file(Liuhen__Entry *e, const char *path, lh_err *err);

/**
 * Append an entry id to e->refs (the entries this record concerns).
 * @param[in,out] e     the record.
 * @param[in]     hash  the entry id; copied.
 * @return 0; LH_EEXIST (already referred to); LH_EFIELD (ENTRY_REPEATED_MAX
 *         refs already); LH_EINVAL (NULL argument); LH_ENOMEM. e is
 *         unchanged on error.
 */
int record_add_ref(Liuhen__Entry *e, const uint8_t hash[32]);

/**
 * Check a record before it is signed: validate_entry() on its packed bytes,
 * with the header fields that lh_append() fills (origin, author_key,
 * author_seq, author_prev, case_prev, and recorded_at when 0) given
 * placeholders of their largest size in a copy. So every error this
 * reports is one in what the caller gave, named by its dotted path, and an
 * entry that passes fits a leaf with any real header.
 * @param[in]  e       the record; not modified.
 * @param[in]  origin  the log's origin (lh_origin()), or NULL to use a
 *                     placeholder (the size check then assumes a short one).
 * @param[out] err     optional detail.
 * @return 0, or a code of validate_entry(); LH_EINVAL (NULL e); LH_ENOMEM.
 */
int record_check(const Liuhen__Entry *e, const char *origin, lh_err *err);

/** @name For the modules that fill a record (record_set.c, record_attach.c)
 *  The error sentences all three write, and the record's body as the JSON
 *  object that record_merge_json() and record_set() change. */
/**@{*/

/** Room in which record_err() composes a sentence before it is cut to
 *  LH_ERR_MSG_MAX (lists of field names can be long). */
#define RECORD_ERR_MAX 1024

/** Bytes of outside text quoted in an error message: enough to recognise a
 *  value, bounded against hostile input. Paths get more room. */
#define RECORD_QUOTE_MAX      64
#define RECORD_QUOTE_PATH_MAX 160
/** Room for what record_quote() and record_quote_path() write. */
#define RECORD_QUOTE_CAP      (RECORD_QUOTE_MAX * 4 + 8)
#define RECORD_QUOTE_PATH_CAP (RECORD_QUOTE_PATH_MAX * 4 + 8)

/**
 * Set err to a sentence (printf format), cut at a UTF-8 character boundary
 * with a visible "..." when it is longer than lh_err holds (paths and values
 * may be Chinese): quote_err_set().
 * @param[out] err  may be NULL.
 * @return code.
 */
int record_err(lh_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/**
 * Set err to head, list and tail, one after the other, where list is a list
 * of names separated by ", " (what a field accepts): when the whole does not
 * fit lh_err, the list is cut after its last item that fits and ", ..."
 * marks the cut, so that the tail (a "did you mean" suggestion, a closing
 * parenthesis) is always read.
 * @return code.
 */
int record_err_list(lh_err *err, int code, const char *head, const char *list, const char *tail);

/**
 * A value of outside text, to be shown between quotes: at most
 * RECORD_QUOTE_MAX bytes of s, escaped by quote_escape().
 * @param[out] dst  RECORD_QUOTE_CAP bytes.
 * @return dst.
 */
const char *record_quote(char dst[RECORD_QUOTE_CAP], const char *s);

/**
 * A file name, or a parser's message that may quote the input, shown as it
 * is but made harmless: at most RECORD_QUOTE_PATH_MAX bytes of s, escaped
 * by quote_escape().
 * @param[out] dst  RECORD_QUOTE_PATH_CAP bytes.
 * @return dst.
 */
const char *record_quote_path(char dst[RECORD_QUOTE_PATH_CAP], const char *s);

/**
 * The member of Entry's body oneof that e's kind carries, with e's body
 * checked to be that one (or absent: the first change creates it).
 * @param[out] out  the field of liuhen__entry__descriptor; its name is the
 *                  body's ("interference") and its descriptor the body's
 *                  message type.
 * @return 0; LH_EKIND (a kind without a body, or a body of another kind).
 */
int record_body_field(const Liuhen__Entry *e, const ProtobufCFieldDescriptor **out, lh_err *err);

/**
 * e's body as a JSON object (pbjson_from_message()), {} when there is none
 * yet.
 * @param[in]  fb   record_body_field() of e.
 * @param[out] out  the new object; the caller releases it with
 *                  json_decref().
 * @return 0; LH_ENOMEM; a code of pbjson_from_message().
 */
int record_body_to_json(Liuhen__Entry *e, const ProtobufCFieldDescriptor *fb, json_t **out,
                        lh_err *err);

/**
 * Replace e's body by the one the JSON object j describes
 * (pbjson_set_field()), which checks it whole and names a wrong field by its
 * path ("interference.person.name").
 * @param[in] fb  record_body_field() of e.
 * @param[in] j   not modified.
 * @return 0, or a code of pbjson_set_field(); e is unchanged on error.
 */
int record_body_from_json(Liuhen__Entry *e, const ProtobufCFieldDescriptor *fb, const json_t *j,
                          lh_err *err);

/**
 * Whether f holds a time: an int64 whose name ends in "_at" (liuhen.proto:
 * "Times are unix milliseconds (int64)").
 */
bool record_is_time_field(const ProtobufCFieldDescriptor *f);

/**
 * Read the times of obj, a JSON object of message type d, in place: each
 * time field of obj and of the messages inside it, given as a string in any
 * form calendar_parse_time() reads, becomes an integer; an integer is held
 * to the same rule as typed digits (not negative, not what looks like
 * seconds). Keys that are not fields, and values of the wrong JSON type, are
 * left for pbjson to refuse with its own message.
 * @param[in,out] obj  changed only where a time is read; not an object: 0.
 * @param[in,out] p    the path of obj ("interference"), for messages;
 *                     as it was on return.
 * @return 0; LH_EFIELD (a time in no accepted form); LH_ENOMEM.
 */
int record_json_times(const ProtobufCMessageDescriptor *d, json_t *obj, fieldpath *p, lh_err *err);
/**@}*/

#endif
