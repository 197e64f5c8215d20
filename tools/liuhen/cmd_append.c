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
#include "kind.h"
#include "record.h"
#include "record_attach.h"
#include "record_set.h"
#include "render.h"
#include "role.h"
#include "text.h"

static const char append_help[] =
    "Usage: liuhen append --key KEY --kind KIND --case CASE [--json FILE|-]\n"
    "                     [--set FIELD=VALUE ...] [--attach FILE ...] [--ref INDEX ...]\n"
    "                     [--receipt FILE] [--passphrase-file FILE]\n"
    "\n"
    "Sign a record with KEY, append it to the log, and print the receipt once it is\n"
    "verified: the log's signed checkpoint and the proof that it holds the record.\n"
    "\n"
    "Options:\n"
    "  --key KEY               the author's secret key file (required); its passphrase\n"
    "                          is asked only if it is encrypted\n"
    "  --kind KIND             the record's kind (required), one of:\n" CLI_HELP_KINDS
    "  --case CASE             the case it belongs to (required), e.g. QJ-2026-7\n"
    "  --json FILE|-           the record's body as JSON, the schema's field names\n"
    "                          (proto/liuhen.proto), from FILE or standard input\n"
    "  --set FIELD=VALUE       set one field of the body, after --json; repeat it.\n"
    "                          FIELD is a dotted path: place, person.name,\n"
    "                          responsible.sanctions. A list gets one item per --set;\n"
    "                          'responsible+.person.name=...' starts a new item of a list\n"
    "                          of records, 'responsible[0].leniency=...' changes item 0.\n"
    "                          Enums by name (phone, MANNER_PHONE), times as\n"
    "                          '2026-05-20 14:30' (local), ISO 8601 or unix ms, booleans\n"
    "                          as true/false. Fields that name another entry by its\n"
    "                          entry id (correction.corrects, reply.complaint,\n"
    "                          transfer.complaint, review_order.decision,\n"
    "                          appeal.decision, notification.concerns) take '#INDEX'\n"
    "                          for the log's entry INDEX, or the base64 entry id\n"
    "  --attach FILE           record an evidence file's SHA-256, size and media type\n"
    "                          (the file itself stays outside the ledger); repeat it.\n"
    "                          'FILE;type=image/tiff' sets the media type\n"
    "  --ref INDEX|ENTRY_ID    refer to the log's entry INDEX, or to the entry with\n"
    "                          that base64 entry id (`liuhen get` shows it); repeat it\n"
    "  --receipt FILE          also save the receipt as JSON, for liuhen-verify --receipts\n"
    "                          (replaced atomically if it exists)\n"
    "  --passphrase-file FILE  the key's passphrase, first line of FILE (mode 0600)\n"
    "                          (default: $LIUHEN_PASSPHRASE, else asked on the terminal)\n"
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
    "      --receipt receipt-QJ-2026-7.json\n";

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
                            "--ref %s: give the index of a log entry, or its entry id in "
                            "base64 (32 bytes)",
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
        return cli_fail(c, CLI_EXIT_USAGE, "--ref %s: the record already refers to that entry",
                        arg);
    if (rc != 0)
        return cli_fail(c, record_status(rc), "--ref %s: %s", arg,
                        rc == LH_EFIELD ? "too many refs" : lh_strerror(rc));
    return 0;
}

/* Who may append a kind, in words, from the role table of entry.c. */
static void who_may(Liuhen__Kind kind)
{
    static const Liuhen__Role roles[] = {LIUHEN__ROLE__ROLE_ADMIN, LIUHEN__ROLE__ROLE_HANDLER,
                                         LIUHEN__ROLE__ROLE_LEGAL, LIUHEN__ROLE__ROLE_LEADER,
                                         LIUHEN__ROLE__ROLE_INVESTIGATOR};
    fprintf(stderr, "Who may append %s %s:", kind_label_zh(kind), kind_name(kind));
    char rb[RENDER_ROLE_MAX];
    bool any = false;
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        if (kind_allowed(kind, ROLE_BIT(roles[i]), true)) {
            fprintf(stderr, "%s %s", any ? "," : "", render_role(roles[i], rb));
            any = true;
        }
    }
    if (kind == LIUHEN__KIND__KIND_CORRECTION)
        fprintf(stderr, " (only the author of the corrected entry)");
    fprintf(stderr, "%s\n", any ? "." : " none.");
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
    bool transport = rc == LH_ETIMEOUT || rc == LH_ECLOSED || rc == LH_EPROTO ||
                     (rc > -1000 && rc < 0 && r.checkpoint == NULL);
    if (transport && r.signed_entry != NULL) {
        /* The entry may have been logged: send the very same signed bytes
         * again on a new connection. The log answers DUPLICATE with the
         * existing receipt if it has them, so this never logs it twice. */
        fprintf(stderr,
                "%s %s: %s; sending the same signed entry again (a duplicate is recognised)\n",
                c->prog, c->command, err.msg[0] ? err.msg : lh_strerror(rc));
        uint8_t *signed_entry = r.signed_entry;
        size_t len = r.signed_entry_len;
        r.signed_entry = NULL;
        lh_receipt_free(&r);
        lh_close(c->conn);
        c->conn = NULL;
        st = cli_connect(c);
        if (st != 0) {
            free(signed_entry);
            fprintf(stderr, "The entry may or may not have been logged: look for it with "
                            "`liuhen case CASE` before appending it again.\n");
            return st;
        }
        memset(&err, 0, sizeof err);
        rc = lh_append_signed(c->conn, signed_entry, len, &r, &err);
        free(signed_entry);
    }
    bool logged = rc == 0 || (rc > -1000 && r.checkpoint != NULL);
    if (!logged) {
        lh_receipt_free(&r);
        st = cli_fail_rc(c, rc, &err, NULL);
        switch (rc) {
        case LH_EPERM: who_may(e->kind); break;
        case LH_EUNKNOWNKEY:
            fprintf(stderr,
                    "The key %s is not enrolled in this log: an administrator enrols it "
                    "with `liuhen enroll --pub PUB --roles ...`.\n",
                    keyfile_key_name(key));
            break;
        case LH_EREVOKED:
            fprintf(stderr, "The key %s was revoked (`liuhen keys` says when and why).\n",
                    keyfile_key_name(key));
            break;
        case LH_ECONFLICT:
            fprintf(stderr, "Other entries kept moving the chain heads; nothing was logged. "
                            "Try again.\n");
            break;
        default: break;
        }
        return st;
    }
    if (rc != 0)
        /* lh_append(): -errno only for the state file, after the entry was
         * logged and its receipt verified. The append stands. */
        fprintf(stderr,
                "%s %s: warning: the entry is logged, but the state file could not be "
                "updated: %s\n",
                c->prog, c->command, err.msg[0] ? err.msg : lh_strerror(rc));

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
                          "the entry is logged, but its receipt cannot be saved: %s", werr.msg);
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
        O_PASSFILE
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
                                         {NULL, 0, NULL, 0}};
    const char *key_path = NULL, *kind_name = NULL, *case_id = NULL, *json_path = NULL;
    const char *receipt = NULL, *passfile = NULL;
    strlist sets = {0}, attach = {0}, refs = {0};
    int st = -1, opt;
    while (st < 0 && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case O_KEY: key_path = optarg; break;
        case O_KIND: kind_name = optarg; break;
        case O_CASE: case_id = optarg; break;
        case O_JSON_FILE:
            if (json_path != NULL)
                st = cli_usage(c, "--json is given twice: one JSON body per record");
            json_path = optarg;
            break;
        case O_SET: rc = strlist_add(&sets, optarg); break;
        case O_ATTACH: rc = strlist_add(&attach, optarg); break;
        case O_REF: rc = strlist_add(&refs, optarg); break;
        case O_RECEIPT: receipt = optarg; break;
        case O_PASSFILE: passfile = optarg; break;
        default: st = cli_common_option(c, &cli_cmd_append, opt, optarg); break;
        }
        if (rc != 0)
            st = cli_fail(c, CLI_EXIT_IO, "out of memory");
    }
    Liuhen__Entry *e = NULL;
    keyfile_key *key = NULL;
    resolver res = {.c = c};
    record_opts ropts = {.resolve_index = resolve_index, .ctx = &res};
    lh_err err = {{0}};
    Liuhen__Kind kind;
    int rc;
    if (st >= 0)
        goto out;
    if (optind < argc) {
        st = cli_usage(c, "unexpected argument '%s' (values of fields go in --set FIELD=VALUE)",
                       argv[optind]);
        goto out;
    }
    if (key_path == NULL || kind_name == NULL || case_id == NULL) {
        st = cli_usage(c, "--key, --kind and --case are required");
        goto out;
    }
    if (record_kind_from_cli(kind_name, &kind) != 0) {
        st = cli_usage(c, "unknown kind '%s': give one of %s", kind_name, record_kinds_list());
        goto out;
    }
    rc = record_new(kind, case_id, &e, &err);
    if (rc != 0) {
        st = cli_fail(c, record_status(rc), "--case %s: %s", case_id, err.msg);
        goto out;
    }
    /* JSON first, then each --set in order, so that a --set refines the file. */
    if (json_path != NULL && (rc = record_merge_json_file(e, json_path, &err)) != 0) {
        st = record_fail(c, &res, rc, &err);
        goto out;
    }
    for (size_t i = 0; i < sets.n; i++) {
        memset(&res.err, 0, sizeof res.err);
        if ((rc = record_set(e, sets.v[i], &ropts, &err)) != 0) {
            st = record_fail(c, &res, rc, &err);
            goto out;
        }
    }
    for (size_t i = 0; i < attach.n; i++) {
        if ((rc = record_attach_file(e, attach.v[i], &err)) != 0) {
            st = cli_fail(c, rc > -1000 ? CLI_EXIT_IO : record_status(rc), "--attach: %s",
                          err.msg[0] ? err.msg : lh_strerror(rc));
            goto out;
        }
    }
    for (size_t i = 0; i < refs.n; i++) {
        memset(&res.err, 0, sizeof res.err);
        if ((st = add_ref(c, &res, e, refs.v[i])) != 0)
            goto out;
    }
    /* Every error in what was given is reported before a passphrase is
     * asked for, and before the daemon is needed. */
    if (receipt != NULL && (st = cli_check_output(c, "--receipt", receipt)) != 0)
        goto out;
    if ((st = cli_read_log_key(c)) != 0)
        goto out;
    if ((rc = record_check(e, c->log_vkey.name, &err)) != 0) {
        st = cli_fail(c, record_status(rc), "%s", err.msg[0] ? err.msg : lh_strerror(rc));
        goto out;
    }
    if ((st = cli_connect(c)) != 0)
        goto out;
    if ((st = cli_load_key(c, key_path, passfile, &key)) != 0)
        goto out;
    st = cli_append_entry(c, key, e, receipt);
out:
    keyfile_key_free(key);
    if (e != NULL)
        liuhen__entry__free_unpacked(e, NULL);
    free(sets.v);
    free(attach.v);
    free(refs.v);
    return st;
}

const cli_command cli_cmd_append = {
    "append", run_append, "sign and append a record; print the verified receipt", append_help};
