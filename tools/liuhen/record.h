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
 * Everything works through the protobuf-c descriptors of liuhen.proto and
 * pbjson (client/pbjson.h), so a field added to the schema can be set
 * without a change here. Paths and error messages use the .proto field
 * names, with the body's name first ("interference.person.name"), as
 * entry_validate() and pbjson do.
 *
 * --set FIELD=VALUE (record_set()):
 *
 *   FIELD   a dotted path relative to the body: "place", "person.name",
 *           "decision.responsible.person.name" (a leading body name, the
 *           one of the record's kind, is accepted and ignored). '-' may be
 *           written for '_' and ASCII case is ignored ("occurred-at").
 *           Submessages on the way are created as needed.
 *   lists   A repeated scalar or enum field gets one more item per --set:
 *           `--set categories=pleading-spying --set categories=other` gives
 *           two. `categories[0]=other` replaces item 0 instead.
 *           A path through a repeated MESSAGE field goes to its LAST item,
 *           which is created when the list is empty; "NAME+" starts a new
 *           item and "NAME[N]" (0-based) goes to an existing one:
 *               --set responsible.person.name=王某      item 0 (created)
 *               --set responsible.sanctions=circulated-criticism   item 0
 *               --set responsible+.person.name=李某     item 1 (new)
 *               --set responsible.leniency=lighter     item 1 (the last)
 *               --set responsible[0].leniency=exempt   item 0
 *           A repeated message field itself takes a JSON object, which is
 *           appended (or replaces item N): `present={"name":"张某"}`.
 *   VALUE   by the field's type:
 *           string   UTF-8 text, as given ("" for empty);
 *           enum     a value's short name ("third-party") or full name
 *                    ("MANNER_THIRD_PARTY"), ASCII case ignored
 *                    (pbjson_find_enum_value());
 *           bool     true/false, 1/0, yes/no, 是/否;
 *           time     (an int64 field whose name ends in "_at") unix
 *                    milliseconds, or a date and time: see
 *                    calendar_parse_time();
 *           integer  decimal, checked against the field's range;
 *           bytes    standard base64 of 32 bytes (every bytes field of a
 *                    body is an entry id or an Ed25519 key), or, for the
 *                    fields that hold an entry id (transfer.complaint,
 *                    reply.complaint, review_order.decision,
 *                    appeal.decision, notification.concerns,
 *                    correction.corrects), "#INDEX": the entry id of the
 *                    log's entry INDEX, found through record_opts;
 *           message  a JSON object of the message's fields, as --json takes.
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
 * Errors: every function that takes an lh_err writes a sentence that names
 * the object (the field's dotted path, or the file) and what is accepted:
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

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "errors.h"
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
 * "case-closed"), by its Chinese label (entry_kind_label_zh(): "干预插手记录";
 * for a label with a '/', each part too: "投诉举报", "立案"), or by its proto
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
 * What record_set() needs from outside.
 */
typedef struct record_opts {
    /**
     * Resolve "#INDEX" to the entry id of the log's entry INDEX (the CLI
     * asks the daemon, verifying what it answers). Optional: without it,
     * "#INDEX" is refused with LH_EINVAL. It returns 0 and fills hash, or a
     * negative code of errors.h (LH_ENOTFOUND, LH_ERANGE, a transport code),
     * which record_set() returns unchanged.
     */
    int (*resolve_index)(void *ctx, uint64_t index, uint8_t hash[32]);
    /** Passed to resolve_index. */
    void *ctx;
} record_opts;

/**
 * Set one field of the record's body from a "FIELD=VALUE" assignment (see
 * "--set" at the top of this file).
 * @param[in,out] e           a record with a body, as for
 *                            record_merge_json().
 * @param[in]     assignment  "dotted.path=value"; the value is everything
 *                            after the first '=' and may be empty.
 * @param[in]     opts        NULL, or the resolver of "#INDEX".
 * @param[out]    err         optional detail, naming the full dotted path.
 * @return 0;
 *         LH_EFIELD (no '=', a malformed path, '+' or [N] on a field that
 *         is not repeated, [N] beyond the list, a path through a field that
 *         is not a message, a value the field does not accept, a list
 *         already at ENTRY_REPEATED_MAX items);
 *         LH_EUNKNOWNFIELD (a name that is not a field: the message lists
 *         the known ones);
 *         LH_EUTF8 (a string that is not UTF-8);
 *         LH_EJSON (a message field's value that is not a JSON object);
 *         LH_EKIND (e's body is not that of its kind);
 *         LH_EINVAL ("#INDEX" without a resolver, or a NULL argument);
 *         the resolver's code; LH_ENOMEM.
 *         e is unchanged on error.
 */
int record_set(Liuhen__Entry *e, const char *assignment, const record_opts *opts, lh_err *err);

/**
 * The media type a file name's extension suggests (ASCII case ignored):
 * pdf, jpg/jpeg, png, txt, doc, docx, xls, xlsx, mp3, mp4, wav, zip, json,
 * xml; "application/octet-stream" for any other.
 * @return a static string, never NULL.
 */
const char *record_media_type(const char *name);

/**
 * Attach an evidence file: append to e->attachments its name (the last
 * component of path), SHA-256 and size, and its media type
 * (record_media_type(), or the override). The file is hashed as a stream
 * (libsodium crypto_hash_sha256 over 64 KiB reads), never loaded whole, and
 * is not stored: the ledger keeps only what binds it (DESIGN.md "Entries").
 *
 * An argument ending in ";type=MEDIA/TYPE" gives the media type explicitly
 * ("scan.bin;type=image/tiff"); everything before the last ";type=" is the
 * path.
 *
 * @param[in,out] e     the record.
 * @param[in]     path  a regular file (a FIFO or a device is refused: its
 *                      contents could not be read again to check the hash).
 * @param[out]    err   optional detail naming the file.
 * @return 0;
 *         -errno when the file cannot be opened or read (-ENOENT,
 *         -EACCES...); -EAGAIN when its size changed while it was read
 *         (evidence still being written);
 *         LH_EFIELD (not a regular file, a name that is not a valid
 *         attachment name: empty, ".", "..", not UTF-8, a control
 *         character, over ENTRY_SHORT_TEXT_MAX bytes; a media type that is
 *         not type/subtype; ENTRY_ATTACHMENTS_MAX attachments already);
 *         LH_EEXIST (the same file, by name and hash, is already attached);
 *         LH_EINVAL (NULL argument); LH_EINTERNAL (libsodium cannot be
 *         initialised); LH_ENOMEM. e is unchanged on error.
 */
int record_attach_file(Liuhen__Entry *e, const char *path, lh_err *err);

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
 * Check a record before it is signed: entry_validate() on its packed bytes,
 * with the header fields that lh_append() fills (origin, author_key,
 * author_seq, author_prev, case_prev, and recorded_at when 0) given
 * placeholders of their largest size in a copy. So every error this
 * reports is one in what the caller gave, named by its dotted path, and an
 * entry that passes fits a leaf with any real header.
 * @param[in]  e       the record; not modified.
 * @param[in]  origin  the log's origin (lh_origin()), or NULL to use a
 *                     placeholder (the size check then assumes a short one).
 * @param[out] err     optional detail.
 * @return 0, or a code of entry_validate(); LH_EINVAL (NULL e); LH_ENOMEM.
 */
int record_check(const Liuhen__Entry *e, const char *origin, lh_err *err);

#endif
