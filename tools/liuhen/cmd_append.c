/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cmd_append.c — `liuhen append`: build a record from --json, --set,
 * --attach and --ref (record.h), sign it with the author's key, append it
 * and print the verified receipt; and the append-and-report step that
 * `enroll` and `revoke` share.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "entry.h"
#include "fileio.h"
#include "jsonstream.h"
#include "kind.h"
#include "record.h"
#include "record_attach.h"
#include "record_set.h"
#include "render.h"
#include "role.h"
#include "text.h"
#include "tty.h"

static const char append_help[] =
    N_("Usage: liuhen append --key KEY --kind KIND --case CASE [--json FILE|-]\n"
       "                     [--set FIELD=VALUE ...] [--attach FILE ...] [--ref INDEX ...]\n"
       "                     [--receipt FILE] [--passphrase-file FILE] [--strict]\n"
       "       liuhen append --key KEY --json FILE|- [--kind KIND] [--case CASE] ...\n"
       "\n"
       "Sign a record with KEY, append it to the log, and print the receipt once it is\n"
       "verified: the log's signed checkpoint and the proof that it holds the record.\n"
       "\n"
       "Many records at once: when --json holds more than one JSON object (JSON Lines:\n"
       "one record per line), each is a record, appended in order, pipelined, each\n"
       "chained to the one before. A record may name its own \"kind\" and \"case_id\";\n"
       "--kind and --case are the default for those that do not, and every --set,\n"
       "--attach and --ref applies to each record. One line is printed per record (with\n"
       "`liuhen --json append`, one receipt per line), and --receipt names a directory\n"
       "where each receipt is saved as INDEX.json. A record that is refused stops the\n"
       "import there: those before it are logged, and the message names its line.\n"
       "\n");

/* TRANSLATORS: "@kinds@" is replaced by the list of kinds: keep it on a line of its own. */
static const char append_help_options[] = N_(
    "Options:\n"
    "  --key KEY               the author's secret key file (required); its passphrase\n"
    "                          is asked only if it is encrypted\n"
    "  --kind KIND             the record's kind (required), one of:\n"
    "@kinds@\n"
    "                          (`liuhen help KIND` lists its fields and what is required)\n"
    "  --case CASE             the case it belongs to (required), e.g. QJ-2026-7\n"
    "  --json FILE|-           the record's body as JSON, the schema's field names\n"
    "                          (proto/liuhen.proto), from FILE or standard input;\n"
    "                          or many records, one JSON object per line\n"
    "  --set FIELD=VALUE       set one field of the body, after --json; repeat it.\n"
    "                          FIELD is a dotted path: place, person.name,\n"
    "                          responsible.sanctions. A list gets one item per --set;\n"
    "                          'responsible+.person.name=...' starts a new item of a list\n"
    "                          of records, 'responsible[0].leniency=...' changes item 0.\n"
    "                          Enums by name (phone, MANNER_PHONE), times as\n"
    "                          '2026-05-20 14:30' (Beijing time), ISO 8601 or unix ms,\n"
    "                          booleans as true/false. Fields that name another entry\n"
    "                          (reply.complaint, notification.approval, ...: man liuhen)\n"
    "                          take '#INDEX' for the log's entry INDEX, or an entry id\n"
    "  --attach FILE           record an evidence file's SHA-256, size and media type\n"
    "                          (the file itself stays outside the ledger); repeat it.\n"
    "                          'FILE;type=image/tiff' sets the media type\n"
    "  --ref INDEX|ENTRY_ID    refer to the log's entry INDEX, or to the entry with\n"
    "                          that base64 entry id (`liuhen get` shows it); repeat it\n"
    "  --receipt FILE          also save the receipt as JSON, for liuhen-verify --receipts\n"
    "                          (replaced atomically if it exists)\n"
    "  --strict                refuse a record that lacks what the regulations require of\n"
    "                          its kind (exit status 2), instead of warning\n"
    "  --passphrase-file FILE  the key's passphrase, first line of FILE (mode 0600)\n"
    "                          (default: $LIUHEN_PASSPHRASE, else asked on the terminal)\n"
    "\n"
    "Before anything is signed, the record is checked against what the regulations\n"
    "require of its kind (`liuhen help KIND` marks it 必填 required): an interference's\n"
    "time, place, person, manner and content, and to whom and when it was reported\n"
    "(B§3); a complaint's receipt, 受理 and jurisdiction (A§10(1)); a decision's\n"
    "collective discussion (A§10(3))... What is missing is named in the regulation's\n"
    "words. On a terminal you are asked whether to record it anyway (the default is\n"
    "no); otherwise a warning is printed and the record is appended, since not\n"
    "recording is worse than recording incompletely; --strict refuses it. In a stream\n"
    "of records nothing is asked: each incomplete one is warned about, or refused.\n"
    "\n"
    "The receipt is printed for people, or as JSON with `liuhen --json append ...`:\n"
    "{\"leaf_index\", \"leaf_hash\", \"integrated_at\", \"tree_size\", \"audit_path\",\n"
    "\"checkpoint\"}.\n"
    "\n"
    "Example:\n"
    "  liuhen append --key zhangsan.key --kind interference --case QJ-2026-7 \\\n"
    "      --set 'occurred_at=2026-05-20 09:30' --set place=办公室 \\\n"
    "      --set person.name=李某 --set person.relation=retired --set manner=phone \\\n"
    "      --set content='为当事人说情' --set categories=pleading-spying \\\n"
    "      --set response=refused --set reported_to=legal-section \\\n"
    "      --receipt receipt-QJ-2026-7.json\n"
    "  liuhen --json append --key zhangsan.key --kind investigation-step --json - \\\n"
    "      < steps.jsonl > receipts.jsonl\n"
    "  where each line of steps.jsonl is one record, e.g.\n"
    "  {\"case_id\":\"QJ-2026-7\",\"method\":\"question-officer\",\"summary\":\"询问执法人员\"}\n");

/* "#INDEX" and --ref INDEX: the entry id of the log's entry INDEX, from the
 * entry itself (its signature checked) and an inclusion proof of its leaf
 * that verifies against a signed checkpoint, so that the entry named is one
 * the log is committed to. */
typedef struct resolver {
    cli *c;
    int status; /* an exit status already reported, or 0 */
    lh_err err; /* the library's detail of the last failure */
} resolver;

static int resolve_index(void *ctx, uint64_t index, uint8_t id[32])
{
    resolver *r = ctx;
    if ((r->status = cli_connect(r->c)) != 0)
        return LH_ECLOSED;
    lh_entries got;
    int rc = lh_get_entries(r->c->conn, index, 1, &got, &r->err);
    if (rc != 0)
        return rc;
    lh_inclusion p;
    if (got.count != 1)
        rc = lh_err_set(&r->err, LH_ENOTFOUND, "the log has no entry %" PRIu64, index);
    else
        rc = lh_inclusion_proof(r->c->conn, index, 0, &p, &r->err);
    if (rc == 0) {
        if (memcmp(p.leaf_hash, got.items[0].leaf_hash, LH_HASH_SIZE) != 0)
            rc = lh_err_set(&r->err, LH_EPROOF,
                            "the log's inclusion proof for entry %" PRIu64
                            " is for another leaf than the entry it sent",
                            index);
        else
            memcpy(id, got.items[0].entry_id, LH_HASH_SIZE);
        lh_inclusion_free(&p);
    }
    lh_entries_free(&got);
    return rc;
}

/* The exit status of a record error: a usage error when what was given is
 * wrong, else that of the code (a file, the connection). */
static int record_status(int rc)
{
    switch (rc) {
    case LH_EFIELD:
    case LH_EUNKNOWNFIELD:
    case LH_EJSON:
    case LH_EUTF8:
    case LH_ECTRL:
    case LH_EKIND:
    case LH_ETOOBIG:
    case LH_EEXIST:
    case LH_EINVAL:
    case LH_ENOTFOUND:
    case LH_ERANGE: return CLI_EXIT_USAGE;
    default: return cli_exit_for(rc);
    }
}

/* Report a failed record_* call, preferring the resolver's own words. */
static int record_fail(cli *c, const resolver *r, int rc, const lh_err *err)
{
    if (r->status != 0)
        return r->status;
    if (r->err.msg[0] != '\0')
        return cli_fail(c,
                        rc == LH_ENOTFOUND || rc == LH_ERANGE ? CLI_EXIT_USAGE : cli_exit_for(rc),
                        "%s (%s)", err->msg, r->err.msg);
    return cli_fail(c, record_status(rc), "%s", err->msg[0] ? err->msg : lh_strerror(rc));
}

/* --ref: an index (or #index), or a base64 entry id the log must hold. */
static int add_ref(cli *c, resolver *r, Liuhen__Entry *e, const char *arg)
{
    uint8_t hash[LH_HASH_SIZE];
    uint64_t index;
    const char *digits = arg[0] == '#' ? arg + 1 : arg;
    int rc;
    lh_err err = {{0}};
    if (cli_parse_u64(digits, &index)) {
        rc = resolve_index(r, index, hash);
        if (r->status != 0)
            return r->status;
        if (rc != 0)
            return cli_fail(c, rc == LH_ENOTFOUND ? CLI_EXIT_USAGE : cli_exit_for(rc),
                            "--ref %s: %s", arg, r->err.msg[0] ? r->err.msg : lh_strerror(rc));
    } else {
        size_t n;
        if (text_b64_decode(hash, sizeof hash, &n, arg, strlen(arg), sizeof hash) != 0)
            return cli_fail(c, CLI_EXIT_USAGE,
                            _("--ref %s: give the index of a log entry, or its entry id in "
                              "base64 (32 bytes)"),
                            arg);
        if ((r->status = cli_connect(c)) != 0)
            return r->status;
        lh_logged_entry found;
        rc = lh_find_entry(c->conn, hash, &found, &err);
        if (rc != 0)
            return cli_fail(c, rc == LH_ENOTFOUND ? CLI_EXIT_USAGE : cli_exit_for(rc),
                            "--ref %s: %s", arg, err.msg[0] ? err.msg : lh_strerror(rc));
        lh_logged_entry_free(&found);
    }
    rc = record_add_ref(e, hash);
    if (rc == LH_EEXIST)
        return cli_fail(c, CLI_EXIT_USAGE, _("--ref %s: the record already refers to that entry"),
                        arg);
    if (rc != 0)
        return cli_fail(c, record_status(rc), "--ref %s: %s", arg,
                        rc == LH_EFIELD ? "too many refs" : lh_strerror(rc));
    return 0;
}

/* Who may append a kind, in words, from the role table of entry.c. */
static void who_may(Liuhen__Kind kind)
{
    static const Liuhen__Role roles[] = {
        LIUHEN__ROLE__ROLE_ADMIN,  LIUHEN__ROLE__ROLE_HANDLER,   LIUHEN__ROLE__ROLE_LEGAL,
        LIUHEN__ROLE__ROLE_LEADER, LIUHEN__ROLE__ROLE_PRINCIPAL, LIUHEN__ROLE__ROLE_INVESTIGATOR};
    /* The roles, in both languages: --roles takes their names. */
    char list[8 * RENDER_ROLE_MAX] = "";
    char rb[RENDER_ROLE_MAX];
    size_t o = 0;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (kind_allowed(kind, ROLE_BIT(roles[i]), true) && o < sizeof list)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o > 0 ? ", " : "",
                                  render_role(roles[i], rb));
    const char *what = i18n_pick(kind_label_zh(kind), kind_name(kind));
    if (o == 0)
        fprintf(stderr, _("Who may append %s: none.\n"), what);
    else if (kind == LIUHEN__KIND__KIND_CORRECTION)
        fprintf(stderr, _("Who may append %s: %s (only the author of the corrected entry).\n"),
                what, list);
    else
        fprintf(stderr, _("Who may append %s: %s.\n"), what, list);
}

int cli_append_entry(cli *c, const keyfile_key *key, const Liuhen__Entry *e,
                     const char *receipt_path)
{
    int st = cli_connect(c);
    if (st != 0)
        return st;
    lh_receipt r;
    lh_err err = {{0}};
    int rc = lh_append(c->conn, key, e, &r, &err);
    /* LH_ECOMMITTED: logged, with a receipt whose checkpoint could not be
     * checked against the one seen before; asking again gets it checked. */
    bool transport = rc == LH_ETIMEOUT || rc == LH_ECLOSED || rc == LH_EPROTO ||
                     rc == LH_ECOMMITTED || (rc > -1000 && rc < 0 && r.checkpoint == NULL);
    if (transport && r.signed_entry != NULL) {
        /* The entry may have been logged: send the very same signed bytes
         * again on a new connection. The log answers DUPLICATE with the
         * existing receipt if it has them, so this never logs it twice. */
        cli_fail(c, 0, "%s; sending the same signed entry again (a duplicate is recognised)",
                 cli_unprefixed(c, err.msg[0] ? err.msg : lh_strerror(rc)));
        uint8_t *signed_entry = r.signed_entry;
        size_t len = r.signed_entry_len;
        r.signed_entry = NULL;
        /* A receipt received is never thrown away: it stands if asking
         * again fails. */
        lh_receipt first = r;
        bool committed = rc == LH_ECOMMITTED;
        if (!committed)
            lh_receipt_free(&first);
        lh_close(c->conn);
        c->conn = NULL;
        st = cli_connect(c);
        if (st == 0) {
            memset(&err, 0, sizeof err);
            rc = lh_append_signed(c->conn, signed_entry, len, &r, &err);
        }
        if (committed && (st != 0 || (rc != 0 && r.checkpoint == NULL))) {
            lh_receipt_free(&r);
            r = first;
            r.signed_entry = signed_entry;
            r.signed_entry_len = len;
            cli_warn(c,
                     _("the entry is logged as entry %" PRIu64 " (its receipt follows), but its "
                       "checkpoint could not yet be checked against the one seen before; do "
                       "not append it again"),
                     r.leaf_index);
            rc = 0;
            st = 0;
        } else {
            if (committed)
                lh_receipt_free(&first);
            free(signed_entry);
        }
        if (st != 0) {
            fprintf(stderr, _("The entry may or may not have been logged: look for it with "
                              "`liuhen case CASE` before appending it again.\n"));
            return st;
        }
    }
    bool logged = rc == 0 || (rc > -1000 && r.checkpoint != NULL);
    if (!logged) {
        lh_receipt_free(&r);
        st = cli_fail_rc(c, rc, &err, NULL);
        switch (rc) {
        case LH_EPERM: who_may(e->kind); break;
        case LH_EUNKNOWNKEY:
            fprintf(stderr,
                    _("The key %s is not enrolled in this log: an administrator enrols it "
                      "with `liuhen enroll --pub PUB --roles ...`.\n"),
                    keyfile_key_name(key));
            break;
        case LH_EREVOKED:
            fprintf(stderr, _("The key %s was revoked (`liuhen keys` says when and why).\n"),
                    keyfile_key_name(key));
            break;
        case LH_ECONFLICT:
            fprintf(stderr, _("Other entries kept moving the chain heads; nothing was logged. "
                              "Try again.\n"));
            break;
        default: break;
        }
        return st;
    }
    if (rc != 0)
        /* lh_append(): -errno only for the state file, after the entry was
         * logged and its receipt verified. The append stands. */
        cli_warn(c, _("the entry is logged, but the state file could not be updated: %s"),
                 cli_unprefixed(c, err.msg[0] ? err.msg : lh_strerror(rc)));

    char *json = NULL;
    rc = lh_receipt_to_json(&r, &json, &err);
    if (rc != 0) {
        lh_receipt_free(&r);
        return cli_fail_rc(c, rc, &err, "receipt");
    }
    st = CLI_EXIT_OK;
    if (receipt_path != NULL) {
        lh_err werr = {{0}};
        rc = fileio_replace(receipt_path, 0644, json, strlen(json), "receipt file", &werr);
        if (rc != 0) {
            /* The entry is logged: still show its receipt, so it is not lost. */
            st = cli_fail(c, CLI_EXIT_IO,
                          _("the entry is logged, but its receipt cannot be saved: %s"), werr.msg);
            receipt_path = NULL;
        }
    }
    if (c->json)
        fputs(json, stdout);
    else
        render_receipt(stdout, &r, e, receipt_path);
    free(json);
    lh_receipt_free(&r);
    return st;
}

/* The lists given by repeated options, in the order given. */
typedef struct strlist {
    const char **v;
    size_t n;
} strlist;

static int strlist_add(strlist *l, const char *s)
{
    const char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (v == NULL)
        return LH_ENOMEM;
    v[l->n++] = s;
    l->v = v;
    return 0;
}

/* What `liuhen append` was given. */
typedef struct append_args {
    const char *key_path, *kind_name, *case_id, *json_path, *receipt, *passfile;
    strlist sets, attach, refs;
    bool strict; /* --strict: refuse an incomplete record */
} append_args;

/* A string member of a record's JSON ("kind", "case_id"), taken out of it
 * so that the rest is the body; *out stays NULL when there is none. The
 * value is kept alive in *hold. */
static int take_member(json_t *obj, const char *name, const char **out, json_t **hold, lh_err *err)
{
    *out = NULL;
    *hold = NULL;
    json_t *v = obj != NULL ? json_object_get(obj, name) : NULL;
    if (v == NULL)
        return 0;
    if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
        return lh_err_set(err, LH_EFIELD, "\"%s\" must be a string without NUL", name);
    *hold = json_incref(v);
    *out = json_string_value(v);
    json_object_del(obj, name);
    return 0;
}

/* The paths a record misses, grouped by rule: "interference.place,
 * interference.person (R1, B§3); interference.reported_at (R2, B§3)". */
static void missing_paths(char *out, size_t cap, const lh_missing *m, size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        bool last = i + 1 == n || strcmp(m[i + 1].rule, m[i].rule) != 0;
        int w = last ? snprintf(out + o, cap - o, "%s (%s, %s)%s", m[i].path, m[i].rule,
                                m[i].article, i + 1 < n ? "; " : "")
                     : snprintf(out + o, cap - o, "%s, ", m[i].path);
        /* What does not fit is left out; out stays a whole sentence so far. */
        if (w < 0 || (size_t)w >= cap - o) {
            out[o] = '\0';
            break;
        }
        o += (size_t)w;
    }
}

/*
 * What the regulations require of the record's kind (lh_record_check()),
 * before it is signed: with --strict an incomplete record is refused; on a
 * terminal, and when may_ask, the person is asked whether to record it
 * anyway (default no); otherwise a warning is printed and it is recorded,
 * since not recording is worse than recording incompletely.
 * @return 0 to go on, or the exit status (reported).
 */
static int check_complete(cli *c, const append_args *a, const Liuhen__Entry *e, const char *pre,
                          bool may_ask)
{
    char zh[1024];
    int n = lh_record_check(e, zh, sizeof zh);
    if (n <= 0)
        return 0;
    lh_missing m[16];
    int k = lh_record_missing(e, m, sizeof m / sizeof m[0]);
    char en[1024];
    missing_paths(en, sizeof en, m, k > 16 ? 16 : (size_t)(k > 0 ? k : 0));
    if (a->strict) {
        cli_fail(c, CLI_EXIT_USAGE, "%s%s", pre, zh);
        fprintf(stderr, _("  missing: %s. Not recorded (--strict).\n"), en);
        return CLI_EXIT_USAGE;
    }
    if (may_ask && tty_interactive()) {
        cli_fail(c, 0, "%s%s", pre, zh);
        fprintf(stderr, _("  missing: %s.\n"), en);
        if (tty_confirm(_("Record it anyway?")))
            return 0;
        return cli_fail(c, CLI_EXIT_USAGE,
                        _("not recorded: add what is missing with --set (liuhen help %s lists "
                          "the fields)"),
                        record_kind_cli_name(e->kind));
    }
    cli_warn(c, "%s%s", pre, zh);
    fprintf(stderr,
            _("  missing: %s. Recorded anyway: not recording is worse than recording "
              "incompletely (--strict refuses such a record).\n"),
            en);
    return 0;
}

/*
 * Build one record: its kind and case (the JSON's "kind" and "case_id"
 * members, else --kind and --case), the rest of the JSON as its body, then
 * every --set, --attach and --ref, and the final check. `where` prefixes
 * the messages of a record of a stream ("standard input line 3"), or is
 * NULL. On error, the exit status (reported) is returned.
 */
static int build_record(cli *c, const append_args *a, resolver *res, json_t *obj, const char *where,
                        bool may_ask, Liuhen__Entry **out)
{
    *out = NULL;
    char pre[160] = "";
    if (where != NULL)
        snprintf(pre, sizeof pre, "%s: ", where);
    lh_err err = {{0}};
    json_t *hold_kind, *hold_case;
    const char *kind_name, *case_id;
    int rc = take_member(obj, "kind", &kind_name, &hold_kind, &err);
    if (rc == 0)
        rc = take_member(obj, "case_id", &case_id, &hold_case, &err);
    else
        hold_case = NULL;
    Liuhen__Entry *e = NULL;
    Liuhen__Kind kind;
    int st = 0;
    if (rc != 0) {
        st = cli_fail(c, CLI_EXIT_USAGE, "%s%s", pre, err.msg);
        goto out;
    }
    if (kind_name == NULL)
        kind_name = a->kind_name;
    if (case_id == NULL)
        case_id = a->case_id;
    if (kind_name == NULL || case_id == NULL) {
        st = cli_usage(c, "%s%s", pre,
                       "--kind and --case are required, unless each record of --json names its "
                       "own \"kind\" and \"case_id\"");
        goto out;
    }
    if (record_kind_from_cli(kind_name, &kind) != 0) {
        Liuhen__Kind near;
        if (record_kind_suggest(kind_name, &near) == 0)
            st = cli_usage(c, _("%sunknown kind '%s'; did you mean '%s' (%s)? (liuhen help kinds)"),
                           pre, kind_name, record_kind_cli_name(near), kind_label_zh(near));
        else
            st = cli_usage(c, _("%sunknown kind '%s': give one of %s (liuhen help kinds)"), pre,
                           kind_name, record_kinds_list());
        goto out;
    }
    if ((rc = record_new(kind, case_id, &e, &err)) != 0) {
        st = cli_fail(c, record_status(rc), "%scase %s: %s", pre, case_id, err.msg);
        goto out;
    }
    /* JSON first, then each --set in order, so that a --set refines the file. */
    if (obj != NULL && (rc = record_merge_json_value(e, obj, &err)) != 0) {
        st = cli_fail(c, record_status(rc), "%s%s", pre, err.msg);
        goto out;
    }
    for (size_t i = 0; i < a->sets.n; i++) {
        memset(&res->err, 0, sizeof res->err);
        record_opts ropts = {.resolve_index = resolve_index, .ctx = res};
        if ((rc = record_set(e, a->sets.v[i], &ropts, &err)) != 0) {
            st = record_fail(c, res, rc, &err);
            goto out;
        }
    }
    for (size_t i = 0; i < a->attach.n; i++) {
        if ((rc = record_attach_file(e, a->attach.v[i], &err)) != 0) {
            st = cli_fail(c, rc > -1000 ? CLI_EXIT_IO : record_status(rc), "--attach: %s",
                          err.msg[0] ? err.msg : lh_strerror(rc));
            goto out;
        }
    }
    for (size_t i = 0; i < a->refs.n; i++) {
        memset(&res->err, 0, sizeof res->err);
        if ((st = add_ref(c, res, e, a->refs.v[i])) != 0)
            goto out;
    }
    if ((st = cli_read_log_key(c)) != 0)
        goto out;
    if ((rc = record_check(e, c->log_vkey.name, &err)) != 0)
        st = cli_fail(c, record_status(rc), "%s%s", pre, err.msg[0] ? err.msg : lh_strerror(rc));
    else
        st = check_complete(c, a, e, pre, may_ask);
out:
    json_decref(hold_kind);
    json_decref(hold_case);
    if (st != 0 && e != NULL) {
        liuhen__entry__free_unpacked(e, NULL);
        e = NULL;
    }
    *out = e;
    return st;
}

/* Records appended by one lh_append_many() call of a stream. */
#define STREAM_RUN 1024

/* Print a stream's receipt: a JSON line, or one line for people. */
static int stream_print(cli *c, const lh_receipt *r, const Liuhen__Entry *e)
{
    if (!c->json) {
        printf(_("logged entry %" PRIu64 "  %s  case %s\n"), r->leaf_index,
               i18n_pick(kind_label_zh(e->kind), kind_name(e->kind)), e->case_id);
        return 0;
    }
    char *text = NULL;
    lh_err err = {{0}};
    int rc = lh_receipt_to_json(r, &text, &err);
    json_t *j = rc == 0 ? json_loads(text, 0, NULL) : NULL;
    char *line = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (line != NULL)
        printf("%s\n", line);
    free(line);
    json_decref(j);
    free(text);
    return line != NULL
               ? 0
               : cli_fail(c, CLI_EXIT_IO, _("receipt %" PRIu64 ": out of memory"), r->leaf_index);
}

/* Save a stream's receipt as DIR/INDEX.json (liuhen-verify --receipts DIR). */
static int stream_save(cli *c, const char *dir, const lh_receipt *r)
{
    char *text = NULL;
    lh_err err = {{0}};
    int rc = lh_receipt_to_json(r, &text, &err);
    if (rc != 0)
        return cli_fail_rc(c, rc, &err, "receipt");
    char path[4096];
    snprintf(path, sizeof path, "%s/%" PRIu64 ".json", dir, r->leaf_index);
    rc = fileio_replace(path, 0644, text, strlen(text), "receipt file", &err);
    free(text);
    if (rc != 0)
        return cli_fail(c, CLI_EXIT_IO,
                        _("the entry is logged, but its receipt cannot be saved: %s"), err.msg);
    return 0;
}

/*
 * Append one run of a stream's records with lh_append_many() and report
 * each receipt. *logged counts the records logged so far.
 */
static int stream_run(cli *c, const keyfile_key *key, const append_args *a, Liuhen__Entry **e,
                      const unsigned long *lines, size_t n, size_t *logged)
{
    lh_receipt *out = calloc(n, sizeof *out);
    if (out == NULL)
        return cli_fail(c, CLI_EXIT_IO, _("out of memory"));
    size_t done = 0;
    lh_err err = {{0}};
    int rc = lh_append_many(c->conn, key, (const Liuhen__Entry *const *)e, n, out, &done, &err);
    int st = 0;
    for (size_t i = 0; i < done && st == 0; i++) {
        st = stream_print(c, &out[i], e[i]);
        if (st == 0 && a->receipt != NULL)
            st = stream_save(c, a->receipt, &out[i]);
    }
    *logged += done;
    if (rc != 0 && st == 0) {
        st = cli_fail_rc(c, rc, &err, NULL);
        if (done < n)
            fprintf(stderr,
                    _("The record of line %lu and those after it were not logged with a receipt "
                      "(%zu records before it were); it may or may not be in the log: look for it "
                      "with `liuhen case %s` before appending it again.\n"),
                    lines[done], *logged, e[done]->case_id);
        if (rc == LH_EPERM && done < n)
            who_may(e[done]->kind);
    }
    for (size_t i = 0; i < n; i++)
        lh_receipt_free(&out[i]);
    free(out);
    return st;
}

/* The records of --json FILE|- that come after the first two, in runs. */
static int append_stream(cli *c, const append_args *a, jsonstream *js, json_t *first,
                         unsigned long first_line, json_t *second, unsigned long second_line)
{
    Liuhen__Entry **e = calloc(STREAM_RUN, sizeof *e);
    unsigned long *lines = calloc(STREAM_RUN, sizeof *lines);
    keyfile_key *key = NULL;
    resolver res = {.c = c};
    size_t n = 0, logged = 0;
    int st = 0;
    if (e == NULL || lines == NULL) {
        st = cli_fail(c, CLI_EXIT_IO, _("out of memory"));
        goto out;
    }
    if (a->receipt != NULL && (st = cli_check_output_dir(c, "--receipt", a->receipt)) != 0)
        goto out;
    if ((st = cli_read_log_key(c)) != 0 || (st = cli_connect(c)) != 0 ||
        (st = cli_load_key(c, a->key_path, a->passfile, &key)) != 0)
        goto out;
    json_t *obj = first;
    unsigned long line = first_line;
    first = NULL;
    for (;;) {
        if (obj != NULL) {
            char where[128];
            snprintf(where, sizeof where, "%s line %lu", js->name, line);
            st = build_record(c, a, &res, obj, where, false, &e[n]);
            json_decref(obj);
            obj = NULL;
            if (st != 0)
                break;
            lines[n++] = line;
        }
        if (second != NULL) {
            obj = second;
            line = second_line;
            second = NULL;
        } else {
            lh_err err = {{0}};
            int rc = jsonstream_next(js, &obj, &line, &err);
            if (rc < 0) {
                st = cli_fail(
                    c, rc == LH_EJSON || rc == LH_ETOOBIG ? CLI_EXIT_USAGE : cli_exit_for(rc), "%s",
                    err.msg);
                break;
            }
        }
        if (n == STREAM_RUN || (obj == NULL && n > 0)) {
            st = stream_run(c, key, a, e, lines, n, &logged);
            for (size_t i = 0; i < n; i++)
                liuhen__entry__free_unpacked(e[i], NULL);
            n = 0;
            if (st != 0)
                break;
        }
        if (obj == NULL)
            break;
    }
    json_decref(obj);
    if (st != 0 && logged > 0)
        fprintf(stderr, _("%zu records were logged before the failure.\n"), logged);
    if (st == 0 && !c->json)
        printf(ngettext("%zu record logged\n", "%zu records logged\n", logged), logged);
out:
    json_decref(first);
    json_decref(second);
    for (size_t i = 0; i < n; i++)
        liuhen__entry__free_unpacked(e[i], NULL);
    free(e);
    free(lines);
    keyfile_key_free(key);
    return st;
}

/* Open --json FILE|-: standard input, or the file. */
static int open_json(cli *c, const char *path, FILE **f, const char **name)
{
    if (strcmp(path, "-") == 0) {
        *f = stdin;
        *name = "standard input";
        return 0;
    }
    *name = path;
    *f = fopen(path, "rb");
    if (*f == NULL)
        return cli_fail(c, errno == ENOENT ? CLI_EXIT_USAGE : CLI_EXIT_IO, "--json %s: %s", path,
                        strerror(errno));
    return 0;
}

static int run_append(cli *c, int argc, char **argv)
{
    enum {
        O_KEY = CLI_OPT_FIRST_COMMAND,
        O_KIND,
        O_CASE,
        O_JSON_FILE,
        O_SET,
        O_ATTACH,
        O_REF,
        O_RECEIPT,
        O_PASSFILE,
        O_STRICT
    };
    static const struct option opts[] = {CLI_COMMON_OPTIONS_NO_JSON,
                                         {"key", required_argument, NULL, O_KEY},
                                         {"kind", required_argument, NULL, O_KIND},
                                         {"case", required_argument, NULL, O_CASE},
                                         {"json", required_argument, NULL, O_JSON_FILE},
                                         {"set", required_argument, NULL, O_SET},
                                         {"attach", required_argument, NULL, O_ATTACH},
                                         {"ref", required_argument, NULL, O_REF},
                                         {"receipt", required_argument, NULL, O_RECEIPT},
                                         {"passphrase-file", required_argument, NULL, O_PASSFILE},
                                         {"strict", no_argument, NULL, O_STRICT},
                                         {NULL, 0, NULL, 0}};
    append_args a = {0};
    int st = -1, opt;
    while (st < 0 && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case O_KEY: a.key_path = optarg; break;
        case O_KIND: a.kind_name = optarg; break;
        case O_CASE: a.case_id = optarg; break;
        case O_JSON_FILE:
            if (a.json_path != NULL)
                st = cli_usage(c, _("--json is given twice: give one file of records"));
            a.json_path = optarg;
            break;
        case O_SET: rc = strlist_add(&a.sets, optarg); break;
        case O_ATTACH: rc = strlist_add(&a.attach, optarg); break;
        case O_REF: rc = strlist_add(&a.refs, optarg); break;
        case O_RECEIPT: a.receipt = optarg; break;
        case O_PASSFILE: a.passfile = optarg; break;
        case O_STRICT: a.strict = true; break;
        default: st = cli_common_option(c, &cli_cmd_append, opt, optarg); break;
        }
        if (rc != 0)
            st = cli_fail(c, CLI_EXIT_IO, _("out of memory"));
    }
    Liuhen__Entry *e = NULL;
    keyfile_key *key = NULL;
    resolver res = {.c = c};
    FILE *f = NULL;
    const char *name = NULL;
    jsonstream js;
    json_t *first = NULL, *second = NULL;
    unsigned long first_line = 0, second_line = 0;
    if (st >= 0)
        goto out;
    if (optind < argc) {
        st = cli_usage(c, _("unexpected argument '%s' (values of fields go in --set FIELD=VALUE)"),
                       argv[optind]);
        goto out;
    }
    if (a.key_path == NULL) {
        st = cli_usage(c, _("--key is required"));
        goto out;
    }
    if (a.json_path == NULL && (a.kind_name == NULL || a.case_id == NULL)) {
        st = cli_usage(c, _("--key, --kind and --case are required"));
        goto out;
    }
    if (a.json_path != NULL) {
        /* One record, or a stream of them (JSON Lines): which one shows
         * when a second record follows the first. */
        if ((st = open_json(c, a.json_path, &f, &name)) != 0)
            goto out;
        jsonstream_init(&js, f, name, RECORD_JSON_MAX);
        lh_err err = {{0}};
        int rc = jsonstream_next(&js, &first, &first_line, &err);
        if (rc == 1)
            rc = jsonstream_next(&js, &second, &second_line, &err);
        if (rc < 0) {
            st = cli_fail(c, rc == LH_EJSON || rc == LH_ETOOBIG ? CLI_EXIT_USAGE : cli_exit_for(rc),
                          "%s", err.msg);
            goto out;
        }
        if (first == NULL) {
            st = cli_usage(c, _("--json %s: no record: the input holds no JSON object"), name);
            goto out;
        }
        if (second != NULL) {
            st = append_stream(c, &a, &js, first, first_line, second, second_line);
            first = second = NULL;
            goto out;
        }
    }
    if ((st = build_record(c, &a, &res, first, first != NULL ? name : NULL, true, &e)) != 0)
        goto out;
    /* Every error in what was given is reported before a passphrase is
     * asked for, and before the daemon is needed. */
    if (a.receipt != NULL && (st = cli_check_output(c, "--receipt", a.receipt)) != 0)
        goto out;
    if ((st = cli_connect(c)) != 0)
        goto out;
    if ((st = cli_load_key(c, a.key_path, a.passfile, &key)) != 0)
        goto out;
    st = cli_append_entry(c, key, e, a.receipt);
out:
    json_decref(first);
    json_decref(second);
    if (f != NULL && f != stdin)
        fclose(f);
    keyfile_key_free(key);
    if (e != NULL)
        liuhen__entry__free_unpacked(e, NULL);
    free(a.sets.v);
    free(a.attach.v);
    free(a.refs.v);
    return st;
}

const cli_command cli_cmd_append = {"append", run_append,
                                    N_("sign and append a record; print the verified receipt"),
                                    append_help, append_help_options};
