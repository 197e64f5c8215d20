/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cmd_proof.c — what lets anyone check the log: `liuhen checkpoint` (the
 * latest signed tree head), `prove` (an RFC 6962 inclusion proof) and
 * `consistency` (an RFC 6962 consistency proof). The library verifies each
 * against a checkpoint signed by the log key before it is printed; the JSON
 * forms use RFC 6962's names so that other tools can check them again.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "entry.h"
#include "fileio.h"
#include "render.h"
#include "text.h"

/* Print the hashes of a proof, one a line in base64, under its heading. */
static void print_hashes(const uint8_t (*hashes)[LH_HASH_SIZE], size_t n)
{
    char b64[TEXT_B64_LEN(LH_HASH_SIZE)];
    for (size_t i = 0; i < n; i++) {
        text_b64_encode(b64, hashes[i], LH_HASH_SIZE);
        printf("    %s\n", b64);
    }
}

/* ------------------------------------------------------------------------
 * checkpoint
 */

static const char checkpoint_help[] =
    N_("Usage: liuhen checkpoint [--save FILE]\n"
       "\n"
       "Fetch the log's latest checkpoint (a C2SP signed note: origin, tree size, root\n"
       "hash, the log's signature), verify its signature with the log's key and its\n"
       "consistency with the last checkpoint this machine saw (the state file), and\n"
       "print it. Keep checkpoints: each one commits the log to everything before it.\n"
       "\n"
       "Options:\n"
       "  --save FILE   also write the signed note to FILE (replaced atomically), for\n"
       "                liuhen-verify or an inspector\n"
       "\n"
       "With --witness-key (a common option), the witnesses' cosignatures are verified;\n"
       "with --min-cosignatures N, the checkpoint shown is the latest that N of them\n"
       "cosigned.\n"
       "\n"
       "With --json: {\"origin\", \"tree_size\", \"root_hash\", \"checkpoint\",\n"
       "\"cosignatures\": [{\"witness\", \"time\", \"time_rfc3339\", \"verified\"}]}.\n"
       "\n"
       "Example:\n"
       "  liuhen checkpoint --save checkpoints/2026-05-20.txt\n");

static int run_checkpoint(cli *c, int argc, char **argv)
{
    const char *save = NULL;
    const cli_option opts[] = {{"save", &save, NULL}, {NULL, NULL, NULL}};
    int st = cli_options(c, &cli_cmd_checkpoint, argc, argv, opts);
    if ((st = cli_no_operands(c, st, argc, argv)) >= 0)
        return st;
    if ((save != NULL && (st = cli_check_output(c, "--save", save)) != 0) ||
        (st = cli_connect(c)) != 0)
        return st;
    lh_checkpoint cp;
    lh_err err = {{0}};
    int rc = lh_get_checkpoint(c->conn, &cp, &err);
    if (rc != 0)
        return cli_fail_rc(c, rc, &err, err.msg[0] ? NULL : "checkpoint");
    if (save != NULL &&
        (rc = fileio_replace(save, 0644, cp.note, cp.note_len, "checkpoint file", &err)) != 0) {
        lh_checkpoint_free(&cp);
        return cli_fail(c, CLI_EXIT_IO, _("--save: %s"), err.msg);
    }
    char root[TEXT_B64_LEN(LH_HASH_SIZE)];
    text_b64_encode(root, cp.root, LH_HASH_SIZE);
    if (c->json) {
        json_t *o = json_object();
        bool ok = o != NULL;
        render_json_set(o, "origin", json_string(lh_origin(c->conn)), &ok);
        render_json_set(o, "tree_size", json_integer((json_int_t)cp.size), &ok);
        render_json_set(o, "root_hash", json_string(root), &ok);
        render_json_set(o, "checkpoint", json_stringn((const char *)cp.note, cp.note_len), &ok);
        render_json_set(o, "cosignatures",
                        render_cosignatures_json(cp.note, cp.note_len, &c->log_vkey, c->witnesses,
                                                 c->nwitnesses),
                        &ok);
        st = cli_print_json(c, o, ok, NULL);
    } else {
        printf(_("checkpoint: %s\n"), lh_origin(c->conn));
        printf(_("  tree size: %" PRIu64 "\n"), cp.size);
        printf(_("  root hash: %s\n"), root);
        fputs(_("  verified: the log's signature, consistent with the last checkpoint seen\n"),
              stdout);
        render_cosignatures(stdout, cp.note, cp.note_len, &c->log_vkey, c->witnesses,
                            c->nwitnesses);
        if (c->min_cosignatures > 0)
            printf(_("  witness policy: at least %u cosignatures (met)\n"), c->min_cosignatures);
        if (save != NULL)
            printf(_("  saved to: %s\n"), save);
        printf("\n%.*s", (int)cp.note_len, (const char *)cp.note);
        st = CLI_EXIT_OK;
    }
    lh_checkpoint_free(&cp);
    return st;
}

const cli_command cli_cmd_checkpoint = {"checkpoint", run_checkpoint,
                                        N_("fetch and verify the latest signed checkpoint"),
                                        checkpoint_help, NULL};

/* ------------------------------------------------------------------------
 * prove
 */

static const char prove_help[] =
    N_("Usage: liuhen prove (--index I | --hash B64) [--size N]\n"
       "\n"
       "Fetch the RFC 6962 inclusion proof of an entry (its audit path) and verify it\n"
       "against the log's signed checkpoint of tree size N: proof that the log holds the\n"
       "entry, which no later change can undo.\n"
       "\n"
       "Options:\n"
       "  --index I    the entry's index in the log\n"
       "  --hash B64   or its leaf hash, standard base64 (a receipt's leaf_hash)\n"
       "  --size N     the tree size of a checkpoint the log signed (default: the latest)\n"
       "\n"
       "With --json, as RFC 6962 names it: {\"leaf_index\", \"tree_size\", \"leaf_hash\",\n"
       "\"audit_path\": [...]}, hashes in base64.\n"
       "\n"
       "Example:\n"
       "  liuhen prove --index 3\n");

static int run_prove(cli *c, int argc, char **argv)
{
    enum { O_INDEX = CLI_OPT_FIRST_COMMAND, O_HASH, O_SIZE };
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"index", required_argument, NULL, O_INDEX},
                                         {"hash", required_argument, NULL, O_HASH},
                                         {"size", required_argument, NULL, O_SIZE},
                                         {NULL, 0, NULL, 0}};
    const char *index_arg = NULL, *hash_arg = NULL;
    uint64_t index = 0, size = 0;
    uint8_t hash[LH_HASH_SIZE];
    int opt, st = -1;
    while (st < 0 && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case O_INDEX:
            index_arg = optarg;
            if (!cli_parse_u64(optarg[0] == '#' ? optarg + 1 : optarg, &index))
                st = cli_usage(c, _("--index %s: give an entry index (0, 1, 2...)"), optarg);
            break;
        case O_HASH: {
            size_t n;
            hash_arg = optarg;
            if (text_b64_decode(hash, sizeof hash, &n, optarg, strlen(optarg), sizeof hash) != 0)
                st = cli_usage(c, _("--hash %s: give a leaf hash in standard base64 (32 bytes)"),
                               optarg);
            break;
        }
        case O_SIZE:
            if (!cli_parse_u64(optarg, &size) || size == 0)
                st = cli_usage(c, _("--size %s: give the tree size of a signed checkpoint (>= 1)"),
                               optarg);
            break;
        default: st = cli_common_option(c, &cli_cmd_prove, opt, optarg); break;
        }
    }
    if ((st = cli_no_operands(c, st, argc, argv)) >= 0)
        return st;
    if ((index_arg == NULL) == (hash_arg == NULL))
        return cli_usage(c, _("give either --index I or --hash B64"));
    if ((st = cli_connect(c)) != 0)
        return st;
    lh_inclusion p;
    lh_err err = {{0}};
    char what[96];
    int rc;
    if (index_arg != NULL) {
        snprintf(what, sizeof what, "inclusion proof of entry %" PRIu64, index);
        rc = lh_inclusion_proof(c->conn, index, size, &p, &err);
    } else {
        snprintf(what, sizeof what, "inclusion proof of leaf %s", hash_arg);
        rc = lh_inclusion_proof_by_hash(c->conn, hash, size, &p, &err);
    }
    if (rc != 0)
        return cli_fail_rc(c, rc, &err, err.msg[0] ? NULL : what);
    const uint8_t(*path)[LH_HASH_SIZE] = (const uint8_t(*)[LH_HASH_SIZE])p.audit_path;
    if (c->json) {
        json_t *o = json_object();
        bool ok = o != NULL;
        render_json_set(o, "leaf_index", json_integer((json_int_t)p.leaf_index), &ok);
        render_json_set(o, "tree_size", json_integer((json_int_t)p.tree_size), &ok);
        render_json_set(o, "leaf_hash", render_json_b64(p.leaf_hash, LH_HASH_SIZE), &ok);
        render_json_set(o, "audit_path", render_json_hashes(path, p.audit_path_len), &ok);
        st = cli_print_json(c, o, ok, NULL);
    } else {
        char b64[TEXT_B64_LEN(LH_HASH_SIZE)];
        printf(_("inclusion proof: entry %" PRIu64 " in the tree of size %" PRIu64 "\n"),
               p.leaf_index, p.tree_size);
        text_b64_encode(b64, p.leaf_hash, LH_HASH_SIZE);
        printf(_("  leaf hash: %s\n"), b64);
        printf(_("  audit path: %zu hashes, leaf to root\n"), p.audit_path_len);
        print_hashes(path, p.audit_path_len);
        text_b64_encode(b64, p.checkpoint.root, LH_HASH_SIZE);
        printf(_("  root hash: %s\n"), b64);
        printf(_("  verified: the inclusion proof, against the checkpoint of tree size %" PRIu64
                 ", signed by the log\n"),
               p.checkpoint.size);
        st = CLI_EXIT_OK;
    }
    lh_inclusion_free(&p);
    return st;
}

const cli_command cli_cmd_prove = {
    "prove", run_prove, N_("inclusion proof of an entry, verified (RFC 6962)"), prove_help, NULL};

/* ------------------------------------------------------------------------
 * consistency
 */

static const char consistency_help[] =
    N_("Usage: liuhen consistency --from M [--to N]\n"
       "\n"
       "Fetch the RFC 6962 consistency proof between the log's signed checkpoints of\n"
       "tree sizes M and N, and verify it: proof that the tree of N entries extends the\n"
       "tree of M entries, so nothing logged before M was changed or removed.\n"
       "\n"
       "Options:\n"
       "  --from M    the older tree size, that of a checkpoint the log signed (required)\n"
       "  --to N      the newer tree size (default: the latest checkpoint)\n"
       "\n"
       "With --json, as RFC 6962 names it: {\"first\", \"second\", \"consistency\": [...]},\n"
       "hashes in base64.\n"
       "\n"
       "Example:\n"
       "  liuhen consistency --from 1 --to 12\n");

static int run_consistency(cli *c, int argc, char **argv)
{
    enum { O_FROM = CLI_OPT_FIRST_COMMAND, O_TO };
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"from", required_argument, NULL, O_FROM},
                                         {"to", required_argument, NULL, O_TO},
                                         {NULL, 0, NULL, 0}};
    uint64_t first = 0, second = 0;
    bool have_from = false;
    int opt, st = -1;
    while (st < 0 && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case O_FROM:
            have_from = cli_parse_u64(optarg, &first);
            if (!have_from)
                st = cli_usage(c, _("--from %s: give a tree size"), optarg);
            break;
        case O_TO:
            if (!cli_parse_u64(optarg, &second) || second == 0)
                st = cli_usage(c, _("--to %s: give a tree size of at least 1"), optarg);
            break;
        default: st = cli_common_option(c, &cli_cmd_consistency, opt, optarg); break;
        }
    }
    if ((st = cli_no_operands(c, st, argc, argv)) >= 0)
        return st;
    if (!have_from)
        return cli_usage(c, _("--from M is required"));
    if (second != 0 && first > second)
        return cli_usage(c, _("--from %" PRIu64 " is larger than --to %" PRIu64), first, second);
    if ((st = cli_connect(c)) != 0)
        return st;
    lh_consistency p;
    lh_err err = {{0}};
    int rc = lh_consistency_proof(c->conn, first, second, &p, &err);
    if (rc != 0) {
        char to[32], what[96];
        if (second != 0)
            snprintf(to, sizeof to, "%" PRIu64, second);
        else
            snprintf(to, sizeof to, "the latest checkpoint");
        snprintf(what, sizeof what, "consistency proof from %" PRIu64 " to %s", first, to);
        return cli_fail_rc(c, rc, &err, err.msg[0] ? NULL : what);
    }
    const uint8_t(*proof)[LH_HASH_SIZE] = (const uint8_t(*)[LH_HASH_SIZE])p.proof;
    if (c->json) {
        json_t *o = json_object();
        bool ok = o != NULL;
        render_json_set(o, "first", json_integer((json_int_t)p.first), &ok);
        render_json_set(o, "second", json_integer((json_int_t)p.second), &ok);
        render_json_set(o, "consistency", render_json_hashes(proof, p.proof_len), &ok);
        st = cli_print_json(c, o, ok, NULL);
    } else {
        char b64[TEXT_B64_LEN(LH_HASH_SIZE)];
        printf(_("consistency proof: tree size %" PRIu64 " → %" PRIu64 "\n"), p.first, p.second);
        text_b64_encode(b64, p.first_root, LH_HASH_SIZE);
        printf(_("  root at %" PRIu64 ": %s\n"), p.first, b64);
        text_b64_encode(b64, p.second_root, LH_HASH_SIZE);
        printf(_("  root at %" PRIu64 ": %s\n"), p.second, b64);
        printf(_("  proof: %zu hashes\n"), p.proof_len);
        print_hashes(proof, p.proof_len);
        printf(_("  verified: the tree of %" PRIu64 " entries extends the tree of %" PRIu64
                 ", both checkpoints signed by the log\n"),
               p.second, p.first);
        st = CLI_EXIT_OK;
    }
    lh_consistency_free(&p);
    return st;
}

const cli_command cli_cmd_consistency = {"consistency", run_consistency,
                                         N_("consistency proof between two tree sizes, verified"),
                                         consistency_help, NULL};
