/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cmd_evidence.c — `liuhen evidence INDEX --out FILE`: an evidence package,
 * one self-contained file that proves one record of the log to a third
 * party, offline (`liuhen-verify --evidence FILE --log-key LOG.vkey`).
 *
 * The format, liuhen-evidence/v1, is text:
 *
 *     liuhen-evidence/v1
 *     <empty line>
 *     <a C2SP tlog-proof of the record>
 *     <empty line>
 *     <a C2SP tlog-proof of the KEY_ENROLL that enrolled the record's author>
 *
 * Each part is a standalone c2sp.org/tlog-proof@v1 (tlogproof.h):
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64 of the entry's Leaf bytes, exactly as the log hashes
 *            them: its leaf hash is SHA-256(0x00 || extra), RFC 6962>
 *     index <the entry's index>
 *     <the inclusion proof of that leaf, one base64 hash a line>
 *     <empty line>
 *     <the signed checkpoint, verbatim, with the cosignatures the log holds>
 *
 * Both parts carry the same checkpoint, byte for byte: the one
 * lh_get_checkpoint() gives when the package is made (the log's latest, or,
 * under a witness policy, the latest the required witnesses cosigned), with
 * every cosignature the log serves with it. Everything a verifier needs is
 * inside but the log's verifier key (and the witnesses' keys), which it
 * must have from elsewhere: a key that came with the package would prove
 * nothing.
 *
 * Which enrolment. A key may be enrolled more than once (enrolling it again
 * replaces its roles, keyring.h). The package carries the latest KEY_ENROLL
 * of the author's key at an index below the record's: its roles are those
 * the log checked the record against (a key change takes effect from the
 * next entry, docs/design.md "The acceptance rules"), so it is the
 * enrolment that shows the author was allowed to make the record; an
 * earlier one may have given other roles, a later one did not exist yet.
 * The key list (lh_get_keys()) names each key's latest enrolment; when that
 * one is after the record, the log is read backwards from the record for
 * the one before it.
 *
 * Refused: an index beyond the log; entry 0 and the other key management
 * entries (a package proves a record of a case and who made it; the key
 * history is proved by the whole log); a record whose author's key was
 * revoked before it (the log should never have taken it: a package would
 * present it as rightful).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "cli.h"
#include "entry.h"
#include "fileio.h"
#include "kind.h"
#include "merkle.h"
#include "render.h"
#include "role.h"
#include "text.h"
#include "tlogproof.h"

#define EVIDENCE_HEADER TLOGPROOF_EVIDENCE_HEADER "\n\n"
/* Entries read at a time when the log is read backwards for an enrolment. */
#define EVIDENCE_PAGE 256

static const char evidence_help[] =
    N_("Usage: liuhen evidence INDEX --out FILE\n"
       "\n"
       "Write an evidence package: one file that proves the record at INDEX to anyone\n"
       "holding the log's verifier key, offline, without this machine or the daemon:\n"
       "that the log holds the record (its inclusion in the latest signed checkpoint,\n"
       "with the witnesses' cosignatures the log holds), that its author signed it,\n"
       "and that the author's key was enrolled before it, by a KEY_ENROLL also in\n"
       "the log, with roles allowing its kind. It is checked with\n"
       "  liuhen-verify --evidence FILE --log-key LOG.vkey\n"
       "\n"
       "The file is text: the line liuhen-evidence/v1, an empty line, a C2SP\n"
       "tlog-proof of the record (its leaf as the extra data), an empty line, a\n"
       "tlog-proof of the author's enrolment (the latest KEY_ENROLL of the key before\n"
       "the record: the roles the log checked the record against), both against the\n"
       "same checkpoint. It holds the whole record: it is written with mode 0600.\n"
       "Entry 0 and other key management entries have no package (the whole log\n"
       "proves the key history: liuhen-verify DIR); nor has a record whose author's\n"
       "key was revoked before it.\n"
       "\n"
       "Options:\n"
       "  --out FILE   where to write the package (replaced atomically; required)\n"
       "\n"
       "With --json: {\"file\", \"index\", \"kind\", \"case_id\", \"entry_id\", \"leaf_hash\",\n"
       "\"integrated_at\", \"integrated_at_rfc3339\", \"author_key\", \"holder\", \"roles\",\n"
       "\"enrolled_index\", \"tree_size\", \"root_hash\", \"signature_lines\", \"bytes\"}.\n"
       "\n"
       "Example:\n"
       "  liuhen evidence 42 --out qj-2026-7-entry-42.evidence\n");

/* One entry of the package, with its proof at the package's checkpoint. */
typedef struct evidence_part {
    lh_entries got;    /* the entry, as lh_get_entries() verified it */
    lh_inclusion incl; /* its inclusion proof at the checkpoint's size */
} evidence_part;

static const lh_logged_entry *part_entry(const evidence_part *p)
{
    return &p->got.items[0];
}

/* Fetch entry `index` and its inclusion proof in the tree of cp; the proof
 * must be for that very leaf, against cp's root. */
static int fetch_part(cli *c, uint64_t index, const lh_checkpoint *cp, evidence_part *p)
{
    lh_err err = {{0}};
    char what[64];
    snprintf(what, sizeof what, "entry %" PRIu64, index);
    int rc = lh_get_entries(c->conn, index, 1, &p->got, &err);
    if (rc != 0)
        return cli_fail_rc(c, rc, &err, what);
    if (p->got.count != 1 || p->got.items[0].index != index)
        return cli_fail(c, CLI_EXIT_REFUSED, _("%s: the log did not return it"), what);
    snprintf(what, sizeof what, "inclusion proof of entry %" PRIu64, index);
    if ((rc = lh_inclusion_proof(c->conn, index, cp->size, &p->incl, &err)) != 0)
        return cli_fail_rc(c, rc, &err, what);
    if (p->incl.tree_size != cp->size ||
        memcmp(p->incl.checkpoint.root, cp->root, LH_HASH_SIZE) != 0 ||
        memcmp(p->incl.leaf_hash, part_entry(p)->leaf_hash, LH_HASH_SIZE) != 0)
        return cli_fail(c, CLI_EXIT_REFUSED,
                        _("%s: it is not for the leaf the log returned, or not against the "
                          "checkpoint of tree size %" PRIu64),
                        what, cp->size);
    return 0;
}

static void part_free(evidence_part *p)
{
    lh_entries_free(&p->got);
    lh_inclusion_free(&p->incl);
}

static bool is_enrolment_of(const Liuhen__Entry *e, const uint8_t key[LH_HASH_SIZE])
{
    return e->kind == LIUHEN__KIND__KIND_KEY_ENROLL && e->key_enroll != NULL &&
           e->key_enroll->public_key.len == LH_HASH_SIZE &&
           memcmp(e->key_enroll->public_key.data, key, LH_HASH_SIZE) == 0;
}

/*
 * The latest KEY_ENROLL of key at an index below `below`, reading the log
 * backwards a page at a time: for a key enrolled again after the record,
 * which the key list does not show.
 */
static int find_enrolment(cli *c, const uint8_t key[LH_HASH_SIZE], uint64_t below, uint64_t *found)
{
    lh_err err = {{0}};
    for (uint64_t hi = below; hi > 0;) {
        uint64_t lo = hi > EVIDENCE_PAGE ? hi - EVIDENCE_PAGE : 0;
        bool have = false;
        for (uint64_t at = lo; at < hi;) {
            lh_entries es = {0};
            int rc = lh_get_entries(c->conn, at, (uint32_t)(hi - at), &es, &err);
            if (rc != 0)
                return cli_fail_rc(c, rc, &err, "reading the log for the author's enrolment");
            if (es.count == 0) {
                lh_entries_free(&es);
                return cli_fail(
                    c, CLI_EXIT_REFUSED,
                    _("reading the log for the author's enrolment: no entry at %" PRIu64), at);
            }
            for (size_t i = 0; i < es.count && es.items[i].index < hi; i++) {
                if (is_enrolment_of(es.items[i].entry, key)) {
                    *found = es.items[i].index;
                    have = true;
                }
            }
            at = es.items[es.count - 1].index + 1;
            lh_entries_free(&es);
        }
        if (have)
            return 0;
        hi = lo;
    }
    return cli_fail(c, CLI_EXIT_REFUSED,
                    _("entry %" PRIu64
                      ": the log holds no KEY_ENROLL of its author's key before it, "
                      "though it took the record: check the whole log (liuhen-verify DIR)"),
                    below);
}

/* One part: a tlog-proof of p's entry (its leaf as the extra data) against
 * the checkpoint note, appended to buf at *len, with room left for one byte
 * more. */
static int put_part(cli *c, const evidence_part *p, const lh_checkpoint *cp, uint8_t **buf,
                    size_t *len, size_t *cap)
{
    tlogproof tp;
    const lh_logged_entry *le = part_entry(p);
    memset(&tp, 0, sizeof tp);
    tp.has_extra = true;
    tp.extra = le->leaf;
    tp.extra_len = le->leaf_len;
    tp.index = le->index;
    if (p->incl.audit_path_len > TLOGPROOF_HASHES_MAX)
        return cli_fail(c, CLI_EXIT_REFUSED,
                        _("entry %" PRIu64 ": an inclusion proof of %zu hashes"), le->index,
                        p->incl.audit_path_len);
    tp.nhashes = p->incl.audit_path_len;
    memcpy(tp.hashes, p->incl.audit_path, tp.nhashes * LH_HASH_SIZE);
    tp.checkpoint = cp->note;
    tp.checkpoint_len = cp->note_len;
    lh_err err = {{0}};
    size_t need = 0;
    int rc = tlogproof_format(NULL, 0, &need, &tp, &err);
    if (rc != LH_ELENGTH)
        return cli_fail(c, CLI_EXIT_REFUSED, _("entry %" PRIu64 ": %s"), le->index, err.msg);
    /* One byte more than the part: the empty line after it. */
    if (*cap - *len < need + 1) {
        size_t ncap = *len + need + 1;
        uint8_t *grown = realloc(*buf, ncap);
        if (grown == NULL)
            return cli_fail(c, CLI_EXIT_IO, _("out of memory"));
        *buf = grown;
        *cap = ncap;
    }
    size_t wrote;
    if ((rc = tlogproof_format(*buf + *len, need, &wrote, &tp, &err)) != 0)
        return cli_fail(c, CLI_EXIT_REFUSED, _("entry %" PRIu64 ": %s"), le->index, err.msg);

    /* Read back what was written and prove it again, as a verifier will:
     * the leaf of the extra line, in the tree of the checkpoint. */
    tlogproof back;
    uint8_t *extra = malloc(le->leaf_len);
    size_t end = 0;
    uint8_t leaf[MERKLE_HASH_SIZE];
    bool ok = extra != NULL &&
              tlogproof_parse(*buf + *len, wrote, extra, le->leaf_len, &back, &end, &err) == 0 &&
              end == wrote && back.extra_len == le->leaf_len &&
              memcmp(back.extra, le->leaf, le->leaf_len) == 0 && back.index == le->index &&
              back.checkpoint_len == cp->note_len;
    if (ok) {
        merkle_leaf_hash(leaf, back.extra, back.extra_len);
        ok = merkle_verify_inclusion(back.hashes[0], back.nhashes, back.index, cp->size, leaf,
                                     cp->root) == 0;
    }
    free(extra);
    if (!ok)
        return cli_fail(c, CLI_EXIT_REFUSED,
                        _("entry %" PRIu64 ": the proof written does not read back as a proof of "
                          "its leaf in the checkpoint of tree size %" PRIu64),
                        le->index, cp->size);
    *len += wrote;
    return 0;
}

/* Say what the package proves, for people or as JSON. */
static int report(cli *c, const char *out, size_t bytes, const lh_checkpoint *cp,
                  const evidence_part *rec, const evidence_part *enr, const Liuhen__KeyInfo *ki)
{
    const lh_logged_entry *r = part_entry(rec), *m = part_entry(enr);
    const Liuhen__Entry *e = r->entry;
    const Liuhen__KeyEnroll *ke = m->entry->key_enroll;
    uint32_t roles = role_mask(ke->roles, ke->n_roles);
    char roles_zh[128], roles_en[128], t[RENDER_TIME_MAX];
    role_text(roles, true, roles_zh, sizeof roles_zh);
    role_text(roles, false, roles_en, sizeof roles_en);
    /* The signature lines of the checkpoint, the log's and the witnesses'. */
    size_t lines = 0;
    checkpoint_opened *o = malloc(sizeof *o);
    if (o != NULL && checkpoint_open(cp->note, cp->note_len, &c->log_vkey, NULL, 0, o, NULL) == 0)
        lines = o->note.nsigs;
    free(o);
    char *root = render_b64(cp->root, LH_HASH_SIZE);
    char *key = render_b64(e->author_key.data, e->author_key.len);
    if (c->json) {
        json_t *j = json_object(), *jr = json_array();
        bool ok = j != NULL && jr != NULL && root != NULL && key != NULL;
        render_json_set(j, "file", json_string(out), &ok);
        render_json_set(j, "index", json_integer((json_int_t)r->index), &ok);
        render_json_set(j, "kind", json_string(kind_name(e->kind)), &ok);
        render_json_set(j, "case_id", json_string(e->case_id), &ok);
        render_json_set(j, "entry_id", render_json_b64(r->entry_id, LH_HASH_SIZE), &ok);
        render_json_set(j, "leaf_hash", render_json_b64(r->leaf_hash, LH_HASH_SIZE), &ok);
        render_json_time(j, "integrated_at", (int64_t)r->integrated_at, &ok);
        render_json_set(j, "author_key", json_string(key != NULL ? key : ""), &ok);
        render_json_set(j, "holder", json_string(ke->holder), &ok);
        for (size_t i = 0; i < ke->n_roles && jr != NULL; i++)
            if (json_array_append_new(jr, json_string(role_name(ke->roles[i]))) != 0)
                ok = false;
        render_json_set(j, "roles", jr, &ok);
        render_json_set(j, "enrolled_index", json_integer((json_int_t)m->index), &ok);
        render_json_set(j, "tree_size", json_integer((json_int_t)cp->size), &ok);
        render_json_set(j, "root_hash", json_string(root != NULL ? root : ""), &ok);
        render_json_set(j, "signature_lines", json_integer((json_int_t)lines), &ok);
        render_json_set(j, "bytes", json_integer((json_int_t)bytes), &ok);
        free(root);
        free(key);
        return cli_print_json(c, j, ok, "the summary");
    }
    printf(
        ngettext("evidence written: %s (%zu byte)\n", "evidence written: %s (%zu bytes)\n", bytes),
        out, bytes);
    printf(_("  record: entry %" PRIu64 " · %s · case %s\n"), r->index,
           i18n_pick(kind_label_zh(e->kind), kind_name(e->kind)), e->case_id);
    printf(_("    integrated at: %s\n"), render_time(r->integrated_at, t));
    printf(_("  author: %s · %s\n"), ke->holder, i18n_pick(roles_zh, roles_en));
    printf(_("    key: %s\n"), key != NULL ? key : "?");
    printf(_("    enrolled: entry %" PRIu64 ", KEY_ENROLL\n"), m->index);
    if (ki->revoked)
        printf(_("    note: the key was revoked later, at entry %" PRIu64
                 "; the record was made before\n"),
               ki->revoked_index);
    printf(ngettext("  checkpoint: %s · tree size %" PRIu64 " · root %s · %zu signature line\n",
                    "  checkpoint: %s · tree size %" PRIu64 " · root %s · %zu signature lines\n",
                    lines),
           lh_origin(c->conn), cp->size, root != NULL ? root : "?", lines);
    fputs(_("  it proves: that the log's signed checkpoint includes this record, that its author "
            "signed it, and that the author's key was enrolled before it, by a KEY_ENROLL in the "
            "log, with roles allowing its kind\n"),
          stdout);
    printf(_("  verify offline: liuhen-verify --evidence %s --log-key LOG.vkey "
             "[--witness-key FILE --min-cosignatures N]\n"),
           out);
    free(root);
    free(key);
    return CLI_EXIT_OK;
}

static int run_evidence(cli *c, int argc, char **argv)
{
    const char *out = NULL;
    const cli_option opts[] = {{"out", &out, NULL}, {NULL, NULL, NULL}};
    int st = cli_options(c, &cli_cmd_evidence, argc, argv, opts);
    if (st >= 0)
        return st;
    if (argc - optind != 1)
        return cli_usage(c, _("give one INDEX: the entry to prove"));
    const char *arg = argv[optind];
    uint64_t index;
    if (!cli_parse_u64(arg[0] == '#' ? arg + 1 : arg, &index))
        return cli_usage(c, _("'%s' is not an entry index (1, 2, 3...)"), arg);
    if (out == NULL)
        return cli_usage(c, _("--out FILE is required: where to write the package"));
    if (index == 0)
        return cli_fail(c, CLI_EXIT_REFUSED,
                        _("entry 0 is the log's genesis, the log key's enrolment of the first "
                          "admin: an evidence package proves a record of a case and who made it; "
                          "the key history is proved by the whole log (liuhen-verify DIR)"));
    if ((st = cli_check_output(c, "--out", out)) != 0 || (st = cli_connect(c)) != 0)
        return st;

    lh_checkpoint cp = {0};
    evidence_part rec = {0}, enr = {0};
    lh_keys keys = {0};
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0;
    lh_err err = {{0}};
    int rc = lh_get_checkpoint(c->conn, &cp, &err);
    if (rc != 0) {
        st = cli_fail_rc(c, rc, &err, err.msg[0] ? NULL : "checkpoint");
        goto out;
    }
    if (index >= cp.size) {
        st = cli_fail(c, CLI_EXIT_REFUSED,
                      _("entry %" PRIu64 " is beyond the log: its latest checkpoint holds %" PRIu64
                        " entries, 0 to %" PRIu64 " (a record appended since is proved once a "
                        "checkpoint includes it)"),
                      index, cp.size, cp.size - 1);
        goto out;
    }
    if ((st = fetch_part(c, index, &cp, &rec)) != 0)
        goto out;
    const Liuhen__Entry *e = part_entry(&rec)->entry;
    if (!kind_in_case(e->kind)) {
        st = cli_fail(c, CLI_EXIT_REFUSED,
                      _("entry %" PRIu64 " is a %s (%s), key management: an evidence package "
                        "proves a record of a case and who made it; the key history is proved by "
                        "the whole log (liuhen-verify DIR)"),
                      index, kind_name(e->kind), kind_label_zh(e->kind));
        goto out;
    }

    /* The author's key, as the log has replayed its enrolments. */
    if ((st = cli_get_keys(c, &keys)) != 0)
        goto out;
    const Liuhen__KeyInfo *ki = NULL;
    for (size_t i = 0; i < keys.count; i++)
        if (keys.keys[i]->public_key.len == LH_HASH_SIZE &&
            memcmp(keys.keys[i]->public_key.data, e->author_key.data, LH_HASH_SIZE) == 0)
            ki = keys.keys[i];
    if (ki == NULL) {
        st = cli_fail(c, CLI_EXIT_REFUSED,
                      _("entry %" PRIu64 ": its author's key is not in the log's key list, though "
                        "the log took the record: check the whole log (liuhen-verify DIR)"),
                      index);
        goto out;
    }
    if (ki->revoked && ki->revoked_index < index) {
        st = cli_fail(c, CLI_EXIT_REFUSED,
                      _("entry %" PRIu64 ": its author's key (%s) was revoked at entry %" PRIu64
                        ", before this record: the log should not have taken it, and a package "
                        "would present it as rightful. No package is written; check the whole log "
                        "(liuhen-verify DIR)"),
                      index, ki->holder, ki->revoked_index);
        goto out;
    }
    uint64_t enrolled = ki->enrolled_index;
    if (enrolled >= index && (st = find_enrolment(c, e->author_key.data, index, &enrolled)) != 0)
        goto out;
    if ((st = fetch_part(c, enrolled, &cp, &enr)) != 0)
        goto out;
    if (!is_enrolment_of(part_entry(&enr)->entry, e->author_key.data)) {
        st = cli_fail(c, CLI_EXIT_REFUSED,
                      _("entry %" PRIu64 ", which the log names as the enrolment of the author of "
                        "entry %" PRIu64 ", is not a KEY_ENROLL of that key"),
                      enrolled, index);
        goto out;
    }

    /* liuhen-evidence/v1: the header, the record's proof, an empty line,
     * the enrolment's proof. */
    cap = sizeof EVIDENCE_HEADER;
    if ((buf = malloc(cap)) == NULL) {
        st = cli_fail(c, CLI_EXIT_IO, _("out of memory"));
        goto out;
    }
    memcpy(buf, EVIDENCE_HEADER, sizeof EVIDENCE_HEADER - 1);
    len = sizeof EVIDENCE_HEADER - 1;
    if ((st = put_part(c, &rec, &cp, &buf, &len, &cap)) != 0)
        goto out;
    buf[len++] = '\n'; /* put_part() left room for it */
    if ((st = put_part(c, &enr, &cp, &buf, &len, &cap)) != 0)
        goto out;
    if ((rc = fileio_replace(out, 0600, buf, len, "evidence package", &err)) != 0) {
        st = cli_fail(c, CLI_EXIT_IO, _("--out: %s"), err.msg);
        goto out;
    }
    st = report(c, out, len, &cp, &rec, &enr, ki);
out:
    free(buf);
    part_free(&rec);
    part_free(&enr);
    lh_keys_free(&keys);
    lh_checkpoint_free(&cp);
    return st;
}

const cli_command cli_cmd_evidence = {"evidence", run_evidence,
                                      N_("write an evidence package: one record, proved offline"),
                                      evidence_help, NULL};
