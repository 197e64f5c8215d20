/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * record_set.h — the `--set FIELD=VALUE` path language of `liuhen append`:
 * one field of a record's body (record.h) set from what a person types,
 * through the protobuf-c descriptors, so that a field added to
 * liuhen.proto can be set without a change here.
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
 *                    (pbjson_find_enum_value(), pbjson_enum.h);
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
 * The body is changed as JSON: record_set() reads it into a JSON object
 * (record_body_to_json()), walks the path in that object, sets the value
 * the mapping of pbjson.h reads for what was typed, and builds the whole
 * new body from it (record_body_from_json()), so the record is never
 * half-changed. Errors and codes are those of record.h, each message naming
 * the full dotted path ("interference.responsible[1].person.name").
 *
 * Thread safety: no state; record_set() may run in several threads on
 * distinct records (a time in local time reads TZ through mktime()).
 */
#ifndef LIUHEN_RECORD_SET_H
#define LIUHEN_RECORD_SET_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "liuhen.pb-c.h"

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
 * the top of this file).
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
 * Whether field f of message d holds the entry id of another record of the
 * log (reply.complaint, notification.approval...), which "#INDEX" may name;
 * the other bytes fields hold keys or hashes.
 */
bool record_is_entry_id_field(const ProtobufCMessageDescriptor *d,
                              const ProtobufCFieldDescriptor *f);

#endif
