/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * kindhelp.h — help at the moment of recording: `liuhen help kinds` (every
 * kind of record, its Chinese label, its articles, who may append it) and
 * `liuhen help KIND` (every field of a kind: its path, its Chinese label,
 * its type, the values it accepts with their Chinese terms, whether the
 * regulations require it and by which article, and an example), and the
 * RECORD KINDS section of docs/liuhen.1.
 *
 * Nothing here is written by hand: it is generated at run time from the
 * protobuf-c descriptors of liuhen.proto, the labels taken from its
 * comments (labels.h), the roles of each kind (kind.h) and what the
 * regulations require of a record (required.h), so that the help says what
 * `liuhen append` accepts and checks, and cannot drift from it.
 *
 * Thread safety: no state; the output goes to the FILE given.
 */
#ifndef LIUHEN_KINDHELP_H
#define LIUHEN_KINDHELP_H

#include <stdio.h>

#include <jansson.h>

#include "liuhen.pb-c.h"

/** `liuhen help kinds`: one line per kind of record `append` takes. */
void kindhelp_list(FILE *f);

/**
 * `liuhen help KIND`: what the regulations require of the kind, then every
 * field of its body, nested fields and lists included, then an example of
 * a complete record as --set options and as one line of JSON.
 * @param[in] kind  a kind record_kind_cli_name() names.
 */
void kindhelp_kind(FILE *f, Liuhen__Kind kind);

/**
 * The same as JSON, for `liuhen --json help KIND`: {"kind", "name",
 * "label", "articles", "roles", "opens_case", "fields": [{"path", "label",
 * "articles", "type" (time, text, enum, bool, entry_id, bytes, integer,
 * number, message), "repeated", "values": [{"name", "label", "articles"}]
 * (enums), "required": [{"rule", "article", "ask", "when", "limit"}],
 * "example"}], "example_set", "example_json"}.
 * @return a new object, or NULL when out of memory.
 */
json_t *kindhelp_kind_json(Liuhen__Kind kind);

/**
 * The RECORD KINDS section of docs/liuhen.1, in roff, between the marker
 * comments that tests/test_cli.c looks for (`liuhen help --man kinds`).
 */
void kindhelp_man(FILE *f);

/** The most --set options an example of a complete record takes. */
#define KINDHELP_SETS_MAX 24
/** Room for one of them. */
#define KINDHELP_SET_MAX 224

/** An example of a record of a kind that holds what the regulations require. */
typedef struct kindhelp_example {
    char sets[KINDHELP_SETS_MAX][KINDHELP_SET_MAX]; /**< "place=<地点>", as --set takes them */
    size_t nsets;
    json_t *json; /**< the same body as --json takes it; owned */
} kindhelp_example;

/**
 * Build the example of kindhelp_kind(): every requirement of required.h
 * met (conditional ones with their condition set: a decision with
 * wrongful_case=true), texts as "<label>", times as "2026-05-20 14:30",
 * enums by their first short name that meets the requirement, entries as
 * "#12" in --set and a base64 entry id in JSON.
 * @param[out] ex  free ex->json with json_decref().
 * @return 0, or LH_ENOMEM.
 */
int kindhelp_example_of(Liuhen__Kind kind, kindhelp_example *ex);

#endif
