/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cmd_read.c — reading the ledger: `liuhen get` (one entry), `case` (a
 * case's whole timeline, verified as a chain) and `author` (every entry of
 * one author, verified as a chain). Every entry shown has had its
 * signature checked and its inclusion in a signed checkpoint proved.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "entry.h"
#include "grow.h"
#include "render.h"
#include "text.h"

/* Parse an index given as "42" or "#42". */
static bool parse_index(const char *s, uint64_t *out)
{
    return cli_parse_u64(s[0] == '#' ? s + 1 : s, out);
}

/* ------------------------------------------------------------------------
 * get
 */

static const char get_help[] =
    N_("Usage: liuhen get INDEX|ENTRY_ID\n"
       "\n"
       "Show one entry of the log, by its index (0 is the first) or by its entry id\n"
       "(the base64 SHA-256 of its signed bytes, as refs, author_prev, case_prev and\n"
       "correction.corrects name it): its kind, case, author and roles, the times it\n"
       "was recorded and integrated, every field with its Chinese label, references\n"
       "and attachments. The author's signature is checked and the entry's inclusion\n"
       "in the latest signed checkpoint is proved before it is shown.\n"
       "With --json: {\"index\", \"entry_id\", \"leaf_hash\", \"integrated_at\",\n"
       "\"integrated_at_rfc3339\", \"author\", \"entry\", \"signature\", \"tree_size\",\n"
       "\"audit_path\"}, the entry with the schema's field names and enum value names;\n"
       "integrated_at in unix ms, integrated_at_rfc3339 the same time in RFC 3339 (UTC).\n"
       "\n"
       "Examples:\n"
       "  liuhen get 3\n"
       "  liuhen get 2fWq3Yd2lM0Qv3u0dYI1sYc9nZkq4cB2hY7m0kq9wEc=\n");

static int run_get(cli *c, int argc, char **argv)
{
    int st = cli_plain_options(c, &cli_cmd_get, argc, argv, "INDEX|ENTRY_ID");
    if (st >= 0)
        return st;
    const char *arg = argv[optind];
    uint64_t index;
    uint8_t id[LH_HASH_SIZE];
    size_t idlen;
    bool by_index = parse_index(arg, &index);
    if (!by_index && text_b64_decode(id, sizeof id, &idlen, arg, strlen(arg), sizeof id) != 0)
        return cli_usage(c,
                         _("'%s' is neither an entry index (0, 1, 2...) nor an entry id (32 bytes "
                           "in standard base64)"),
                         arg);
    if ((st = cli_connect(c)) != 0)
        return st;

    lh_logged_entry le = {0};
    lh_keys keys = {0};
    lh_err err = {{0}};
    int rc =
        by_index ? lh_get_entry(c->conn, index, &le, &err) : lh_find_entry(c->conn, id, &le, &err);
    if (rc != 0) {
        st = cli_fail_rc(c, rc, &err, NULL);
        goto out;
    }
    char what[64];
    snprintf(what, sizeof what, "entry %" PRIu64, le.index);
    if ((st = cli_get_keys(c, &keys)) != 0)
        goto out;
    render_ctx rc_ctx = {.keys = &keys, .log_pubkey = c->log_vkey.pubkey};
    if (c->json) {
        json_t *o = render_entry_json(&rc_ctx, &le);
        bool ok = o != NULL;
        render_json_set(o, "tree_size", json_integer((json_int_t)le.tree_size), &ok);
        st = cli_print_json(c, o, ok, what);
    } else {
        render_entry(stdout, &rc_ctx, &le);
        printf(_("verified: the author's signature, the inclusion in the checkpoint of tree size "
                 "%" PRIu64 "\n"),
               le.tree_size);
        st = CLI_EXIT_OK;
    }
out:
    lh_logged_entry_free(&le);
    lh_keys_free(&keys);
    return st;
}

const cli_command cli_cmd_get = {
    "get", run_get, N_("show an entry, by index or entry id, verified"), get_help, NULL};

/* ------------------------------------------------------------------------
 * case
 */

static const char case_help[] =
    N_("Usage: liuhen case CASE_ID\n"
       "\n"
       "Show a case's whole timeline: one block per entry with its index, the times it\n"
       "was recorded (author's clock) and integrated (the log's clock), its kind, who\n"
       "recorded it with their roles, its fields with their Chinese labels, references\n"
       "and attachments. The timeline is verified as a chain: every entry's signature,\n"
       "its inclusion in the latest signed checkpoint, and each entry's case_prev\n"
       "linking to the one before, so that no entry between the first and the last can\n"
       "be missing.\n"
       "With --json: {\"case_id\", \"tree_size\", \"checkpoint\", \"chain_verified\",\n"
       "\"entries\": [...]}, each entry as `liuhen get --json` gives it, with its\n"
       "audit_path against that checkpoint.\n"
       "\n"
       "Example:\n"
       "  liuhen case QJ-2026-7\n");

static int run_case(cli *c, int argc, char **argv)
{
    int st = cli_plain_options(c, &cli_cmd_case, argc, argv, "CASE_ID");
    if (st >= 0)
        return st;
    const char *case_id = argv[optind];
    if (case_id[0] == '\0' || strlen(case_id) > ENTRY_CASE_ID_MAX)
        return cli_usage(c, _("CASE_ID must be 1 to %d bytes"), ENTRY_CASE_ID_MAX);
    if ((st = cli_connect(c)) != 0)
        return st;
    lh_case cs = {0};
    lh_keys keys = {0};
    lh_err err = {{0}};
    char what[ENTRY_CASE_ID_MAX + 16];
    snprintf(what, sizeof what, "case %s", case_id);
    int rc = lh_get_case(c->conn, case_id, &cs, &err);
    if (rc != 0) {
        st = cli_fail_rc(c, rc, &err, NULL);
        goto out;
    }
    if ((st = cli_get_keys(c, &keys)) != 0)
        goto out;
    render_ctx ctx = {
        .keys = &keys, .log_pubkey = c->log_vkey.pubkey, .known = cs.items, .nknown = cs.count};
    if (c->json) {
        json_t *o = json_object(), *a = render_entries_json(&ctx, cs.items, cs.count);
        bool ok = o != NULL && a != NULL;
        render_json_set(o, "case_id", json_string(case_id), &ok);
        render_json_set(o, "tree_size", json_integer((json_int_t)cs.checkpoint.size), &ok);
        render_json_set(o, "checkpoint",
                        json_stringn((const char *)cs.checkpoint.note, cs.checkpoint.note_len),
                        &ok);
        render_json_set(o, "chain_verified", json_true(), &ok);
        render_json_set(o, "entries", a, &ok);
        st = cli_print_json(c, o, ok, what);
        goto out;
    }
    printf(_("case %s · %zu entries · checkpoint of tree size %" PRIu64 "\n"), case_id, cs.count,
           cs.checkpoint.size);
    for (size_t i = 0; i < cs.count; i++) {
        printf("\n");
        render_entry(stdout, &ctx, &cs.items[i]);
    }
    printf(_("\nchain verified: %zu entries, each signed by its author, linked to the one "
             "before, and included in the checkpoint of tree size %" PRIu64 "\n"),
           cs.count, cs.checkpoint.size);
    st = CLI_EXIT_OK;
out:
    lh_case_free(&cs);
    lh_keys_free(&keys);
    return st;
}

const cli_command cli_cmd_case = {
    "case", run_case, N_("show a case's whole timeline, verified as a chain"), case_help, NULL};

/* ------------------------------------------------------------------------
 * author
 */

static const char author_help[] =
    N_("Usage: liuhen author [--limit N] PUB\n"
       "\n"
       "Show every entry one author signed, oldest first, verified as a chain: each\n"
       "entry's signature and inclusion in the latest signed checkpoint, and each\n"
       "entry's author_prev linking to the author's entry before (author_seq 1, 2,\n"
       "3...), so that no entry of the author can be missing.\n"
       "PUB is a public key file (PREFIX.pub), a verifier key name+keyid+base64, the\n"
       "base64 public key, or a holder's name as `liuhen keys` lists it.\n"
       "\n"
       "Options:\n"
       "  --limit N   show only the author's last N entries (default: all)\n"
       "\n"
       "With --json: {\"public_key\", \"holder\", \"author_seq\", \"chain_verified\",\n"
       "\"entries\": [...]}, each entry as `liuhen get --json` gives it.\n"
       "\n"
       "Example:\n"
       "  liuhen author keys/zhangsan.pub\n");

/* PUB as a key, or as a holder's name in the key list. */
static int find_author(cli *c, const char *arg, const lh_keys *keys, uint8_t key[LH_HASH_SIZE])
{
    keyfile_pub pub;
    lh_err err = {{0}};
    int rc = cli_parse_pub(arg, &pub, &err);
    if (rc == 0) {
        memcpy(key, pub.pubkey, LH_HASH_SIZE);
        return 0;
    }
    if (rc != LH_ENOTFOUND)
        return cli_fail(c, CLI_EXIT_IO, "%s", err.msg[0] ? err.msg : lh_strerror(rc));
    size_t found = 0;
    for (size_t i = 0; i < keys->count; i++) {
        if (strcmp(keys->keys[i]->holder, arg) == 0 &&
            keys->keys[i]->public_key.len == LH_HASH_SIZE) {
            if (found++ == 0)
                memcpy(key, keys->keys[i]->public_key.data, LH_HASH_SIZE);
        }
    }
    if (found == 1)
        return 0;
    if (found > 1)
        return cli_usage(c, _("%zu keys are enrolled for '%s': give the public key file instead"),
                         found, arg);
    return cli_usage(c, _("%s; nor is it the name of an enrolled holder (see `liuhen keys`)"),
                     err.msg);
}

static int run_author(cli *c, int argc, char **argv)
{
    enum { O_LIMIT = CLI_OPT_FIRST_COMMAND };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"limit", required_argument, NULL, O_LIMIT}, {NULL, 0, NULL, 0}};
    uint64_t limit = 0;
    int opt, st = -1;
    while (st < 0 && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == O_LIMIT) {
            if (!cli_parse_u64(optarg, &limit) || limit == 0)
                st = cli_usage(c, _("--limit %s: give a number of entries, at least 1"), optarg);
        } else {
            st = cli_common_option(c, &cli_cmd_author, opt, optarg);
        }
    }
    if (st >= 0)
        return st;
    if (argc - optind != 1)
        return cli_usage(c,
                         _("give one PUB: a public key file, a verifier key or a holder's name"));
    if ((st = cli_connect(c)) != 0)
        return st;

    lh_keys keys = {0};
    lh_logged_entry *owned = NULL; /* one per step of the walk, newest first */
    lh_logged_entry *items = NULL; /* the same entries, oldest first; borrowed from owned */
    size_t n = 0, cap = 0;
    lh_err err = {{0}};
    uint8_t key[LH_HASH_SIZE];
    lh_heads heads;
    int rc;
    if ((st = cli_get_keys(c, &keys)) != 0 || (st = find_author(c, argv[optind], &keys, key)) != 0)
        goto out;
    if ((rc = lh_author_head(c->conn, key, NULL, &heads, &err)) != 0) {
        st = cli_fail_rc(c, rc, &err, "author head");
        goto out;
    }
    /* Walk the chain back from the head: each step finds the entry of the
     * entry id named (lh_find_entry(): included in the log, signed, of
     * that id), checks that it is the author's entry of the expected seq;
     * its author_prev is the next id to follow. The array grows as the
     * walk goes: author_seq is the daemon's claim, not a size to trust. */
    uint8_t id[LH_HASH_SIZE];
    memcpy(id, heads.author_head, LH_HASH_SIZE);
    for (uint64_t seq = heads.author_seq; seq >= 1 && (limit == 0 || n < limit); seq--) {
        if (n == cap) {
            size_t was = cap;
            if (grow_room(&owned, &cap, n + 1, sizeof *owned, 16, 0) != 0) {
                st = cli_fail(c, CLI_EXIT_IO, _("out of memory"));
                goto out;
            }
            memset(owned + was, 0, (cap - was) * sizeof *owned);
        }
        char what[64];
        snprintf(what, sizeof what, "author's entry seq %" PRIu64, seq);
        lh_logged_entry *le = &owned[n];
        if ((rc = lh_find_entry(c->conn, id, le, &err)) != 0) {
            st = cli_fail_rc(c, rc, &err, what);
            goto out;
        }
        const Liuhen__Entry *e = le->entry;
        const char *broken = NULL;
        if (e->author_key.len != LH_HASH_SIZE || memcmp(e->author_key.data, key, LH_HASH_SIZE) != 0)
            broken = "it was signed by another key";
        else if (e->author_seq != seq)
            broken = "its author_seq is not the expected one";
        else if ((seq == 1) != (e->author_prev.len == 0))
            broken = "its author_prev does not fit its author_seq";
        if (broken != NULL) {
            st = cli_fail(c, CLI_EXIT_REFUSED,
                          _("author chain broken at entry %" PRIu64 " (seq %" PRIu64 "): %s"),
                          le->index, seq, broken);
            goto out;
        }
        if (e->author_prev.len == LH_HASH_SIZE)
            memcpy(id, e->author_prev.data, LH_HASH_SIZE);
        n++;
    }
    if ((items = calloc(n > 0 ? n : 1, sizeof *items)) == NULL) {
        st = cli_fail(c, CLI_EXIT_IO, _("out of memory"));
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = owned[n - 1 - i];
    const Liuhen__KeyInfo *k = render_find_key(&(render_ctx){.keys = &keys}, key);
    render_ctx ctx = {.keys = &keys, .log_pubkey = c->log_vkey.pubkey, .known = items, .nknown = n};
    char *b64 = render_b64(key, LH_HASH_SIZE);
    if (c->json) {
        json_t *o = json_object(), *a = render_entries_json(&ctx, items, n);
        bool ok = o != NULL && a != NULL && b64 != NULL;
        render_json_set(o, "public_key", json_string(b64 != NULL ? b64 : ""), &ok);
        if (k != NULL)
            render_json_set(o, "holder", json_string(k->holder), &ok);
        render_json_set(o, "author_seq", json_integer((json_int_t)heads.author_seq), &ok);
        render_json_set(o, "chain_verified", json_true(), &ok);
        render_json_set(o, "entries", a, &ok);
        st = cli_print_json(c, o, ok, "the entries");
    } else {
        printf(_("author: %s (%s) · %" PRIu64 " entries\n"),
               k != NULL ? k->holder : _("not enrolled"), b64 != NULL ? b64 : "?",
               heads.author_seq);
        for (size_t i = 0; i < n; i++) {
            printf("\n");
            render_entry(stdout, &ctx, &items[i]);
        }
        if (n == 0)
            printf(_("\n(no entries)\n"));
        else
            printf(_("\nauthor chain verified: seq %" PRIu64 " to %" PRIu64
                     ", each signed, linked to the one before, and included in the log\n"),
                   heads.author_seq - n + 1, heads.author_seq);
        st = CLI_EXIT_OK;
    }
    free(b64);
out:
    for (size_t i = 0; i < cap; i++)
        lh_logged_entry_free(&owned[i]);
    free(owned);
    free(items);
    lh_keys_free(&keys);
    return st;
}

const cli_command cli_cmd_author = {"author", run_author,
                                    N_("show every entry of an author, verified as a chain"),
                                    author_help, NULL};
