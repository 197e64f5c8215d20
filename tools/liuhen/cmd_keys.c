/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * cmd_keys.c — keys and who holds them: `liuhen keygen` (a key pair, no
 * daemon needed), `enroll` and `revoke` (an admin's KEY_ENROLL and
 * KEY_REVOKE records: keys and roles exist only in the ledger, docs/design.md
 * "Kinds"), and `keys` (the enrolled keys as the daemon replays them).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "entry.h"
#include "labels.h"
#include "note.h"
#include "passphrase.h"
#include "pbjson.h"
#include "render.h"
#include "role.h"
#include "text.h"
#include "tty.h"

/* ------------------------------------------------------------------------
 * keygen
 */

static const char keygen_help[] =
    N_("Usage: liuhen keygen --out PREFIX [--holder NAME] [--no-passphrase]\n"
       "                     [--passphrase-file FILE]\n"
       "\n"
       "Make an Ed25519 key pair for one holder: PREFIX.key, the secret key (mode 0600,\n"
       "encrypted with a passphrase by Argon2id and XChaCha20-Poly1305), and PREFIX.pub,\n"
       "the public key (mode 0644) to give to an administrator for `liuhen enroll`.\n"
       "Existing files are never overwritten. No daemon is needed.\n"
       "\n"
       "Options:\n"
       "  --out PREFIX            where to write PREFIX.key and PREFIX.pub (required)\n"
       "  --holder NAME           the key's name, usually the holder's (default: the last\n"
       "                          part of PREFIX). A note key name: no spaces, no '+', at\n"
       "                          most 128 bytes; Chinese is fine (张三)\n"
       "  --no-passphrase         write PREFIX.key unencrypted, protected by its file mode\n"
       "                          alone (service keys and demonstrations only)\n"
       "  --passphrase-file FILE  the new passphrase, first line of FILE (mode 0600)\n"
       "                          (default: $LIUHEN_PASSPHRASE, else asked twice on the\n"
       "                          terminal)\n"
       "\n"
       "Example:\n"
       "  liuhen keygen --out keys/zhangsan --holder 张三\n");

/* Strip a ".key" or ".pub" the user may have typed into PREFIX. */
static char *prefix_of(const char *out)
{
    size_t n = strlen(out);
    if (n > 4 && (strcmp(out + n - 4, ".key") == 0 || strcmp(out + n - 4, ".pub") == 0))
        n -= 4;
    char *p = malloc(n + 1);
    if (p != NULL) {
        memcpy(p, out, n);
        p[n] = '\0';
    }
    return p;
}

static char *concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (s != NULL) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}

static int run_keygen(cli *c, int argc, char **argv)
{
    const char *out = NULL, *holder = NULL, *passfile = NULL;
    bool no_pass = false;
    const cli_option opts[] = {{"out", &out, NULL},
                               {"holder", &holder, NULL},
                               {"no-passphrase", NULL, &no_pass},
                               {"passphrase-file", &passfile, NULL},
                               {NULL, NULL, NULL}};
    int st = cli_options(c, &cli_cmd_keygen, argc, argv, opts);
    if ((st = cli_no_operands(c, st, argc, argv)) >= 0)
        return st;
    if (out == NULL || out[0] == '\0')
        return cli_usage(c, _("--out PREFIX is required"));
    if (no_pass && passfile != NULL)
        return cli_usage(c, _("--no-passphrase and --passphrase-file contradict each other"));

    char *prefix = prefix_of(out);
    char *key_path = prefix != NULL ? concat(prefix, ".key") : NULL;
    char *pub_path = prefix != NULL ? concat(prefix, ".pub") : NULL;
    char *pass = NULL;
    keyfile_key *key = NULL;
    lh_err err = {{0}};
    int rc;
    if (key_path == NULL || pub_path == NULL) {
        st = cli_fail(c, CLI_EXIT_IO, _("out of memory"));
        goto out;
    }
    if (holder == NULL) {
        const char *slash = strrchr(prefix, '/');
        holder = slash != NULL ? slash + 1 : prefix;
    }
    if (holder[0] == '\0' || strlen(holder) > KEYFILE_NAME_MAX ||
        !note_name_valid(holder, strlen(holder))) {
        st = cli_usage(c,
                       _("holder name '%s' is not a valid key name: 1 to %d bytes of UTF-8 without "
                         "spaces, '+' or control characters (give --holder NAME, e.g. 张三)"),
                       holder, KEYFILE_NAME_MAX);
        goto out;
    }
    /* Both files are checked before a passphrase is asked for. */
    if (access(key_path, F_OK) == 0 || access(pub_path, F_OK) == 0) {
        st = cli_fail(c, CLI_EXIT_IO, _("%s already exists: keys are never overwritten"),
                      access(key_path, F_OK) == 0 ? key_path : pub_path);
        goto out;
    }
    if (!no_pass && (rc = passphrase_get(passfile, true, key_path, &pass, &err)) != 0) {
        st = cli_fail(c, rc == LH_EPASSPHRASE ? CLI_EXIT_USAGE : CLI_EXIT_IO, "%s", err.msg);
        goto out;
    }
    if ((rc = keyfile_generate(holder, &key, &err)) != 0) {
        st = cli_fail_rc(c, rc, &err, "keygen");
        goto out;
    }
    if ((rc = keyfile_write_secret(key_path, key, pass, KEYFILE_KDF_INTERACTIVE, &err)) != 0) {
        if (err.msg[0] != '\0')
            st = cli_fail(c, CLI_EXIT_IO, "%s", err.msg);
        else
            st = cli_fail(c, CLI_EXIT_IO, "%s: %s", key_path, lh_strerror(rc));
        goto out;
    }
    if ((rc = keyfile_write_public(pub_path, key, &err)) != 0) {
        /* Half a key pair is no use: remove the secret half written above. */
        unlink(key_path);
        if (err.msg[0] != '\0')
            st = cli_fail(c, CLI_EXIT_IO, "%s", err.msg);
        else
            st = cli_fail(c, CLI_EXIT_IO, "%s: %s", pub_path, lh_strerror(rc));
        goto out;
    }
    char vkey[KEYFILE_VKEY_MAX];
    keyfile_key_vkey(key, vkey);
    char keyid[9];
    snprintf(keyid, sizeof keyid, "%08" PRIx32, keyfile_key_id(key));
    if (c->json) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "holder", holder, "key_file",
                              key_path, "pub_file", pub_path, "vkey", vkey, "key_id", keyid,
                              "encrypted", pass != NULL);
        if (render_print_json(o) != 0)
            st = cli_fail(c, CLI_EXIT_IO, _("out of memory"));
        else
            st = CLI_EXIT_OK;
    } else {
        printf(_("key pair generated for %s\n"), holder);
        printf(_("  secret key: %s (0600, %s)\n"), key_path,
               pass != NULL ? _("encrypted with the passphrase") : _("NOT encrypted"));
        printf(_("  public key: %s (0644)\n"), pub_path);
        printf(_("  verifier key: %s\n"), vkey);
        printf(_("Give %s to an administrator: liuhen enroll --pub %s --roles ROLE,... --holder "
                 "%s\n"),
               pub_path, pub_path, holder);
        st = CLI_EXIT_OK;
    }
    if (pass == NULL)
        cli_warn(c, _("%s is NOT encrypted: anyone who can read it can sign as %s"), key_path,
                 holder);
out:
    passphrase_free(pass);
    keyfile_key_free(key);
    free(prefix);
    free(key_path);
    free(pub_path);
    return st;
}

const cli_command cli_cmd_keygen = {"keygen", run_keygen,
                                    N_("make a key pair: PREFIX.key (0600) and PREFIX.pub"),
                                    keygen_help, NULL};

/* ------------------------------------------------------------------------
 * enroll and revoke
 */

static const char enroll_help[] =
    N_("Usage: liuhen enroll --key ADMIN.key --pub USER.pub --roles ROLE[,ROLE...]\n"
       "                     [--holder NAME] [--position P] [--unit U]\n"
       "                     [--receipt FILE] [--passphrase-file FILE]\n"
       "\n"
       "Enrol a holder's public key with its roles: a KEY_ENROLL record signed by an\n"
       "administrator. From the next entry on, the key may append the kinds its roles\n"
       "allow (`liuhen help kinds` lists them). When the holder already has an active\n"
       "key, or the key is already enrolled, you are asked on a terminal whether to go\n"
       "on (the default is no); otherwise a warning is printed and it goes on.\n"
       "\n"
       "Options:\n"
       "  --key ADMIN.key         the administrator's secret key file (required)\n"
       "  --pub USER.pub          the holder's public key (required): a file from\n"
       "                          `liuhen keygen`, or a verifier key name+keyid+base64\n"
       "  --roles ROLE,...        one or more of (required):\n"
       "                            handler (办案人员), legal (法规部门), leader (局领导),\n"
       "                            principal (局主要负责人), investigator (调查组成员),\n"
       "                            admin (系统管理员)\n"
       "  --holder NAME           the holder's name as the ledger records it (default: the\n"
       "                          name in USER.pub)\n"
       "  --position P            the holder's position (职务), e.g. 执法大队队员\n"
       "  --unit U                the holder's unit (单位), e.g. 区应急管理局执法支队\n"
       "  --receipt FILE          also save the receipt as JSON\n"
       "  --passphrase-file FILE  the admin key's passphrase, first line of FILE (mode 0600)\n"
       "                          (default: $LIUHEN_PASSPHRASE, else asked on the terminal)\n"
       "\n"
       "Example:\n"
       "  liuhen enroll --key var/admin.key --pub keys/zhangsan.pub --roles handler \\\n"
       "      --holder 张三 --position 执法队员 --unit 执法支队\n");

static const char revoke_help[] =
    N_("Usage: liuhen revoke --key ADMIN.key --pub USER.pub --reason TEXT\n"
       "                     [--receipt FILE] [--passphrase-file FILE]\n"
       "\n"
       "Revoke a holder's key: a KEY_REVOKE record signed by an administrator. The key\n"
       "may append nothing from the next entry on; what it signed before stays valid.\n"
       "\n"
       "Options:\n"
       "  --key ADMIN.key         the administrator's secret key file (required)\n"
       "  --pub USER.pub          the key to revoke (required): a public key file, or a\n"
       "                          verifier key name+keyid+base64\n"
       "  --reason TEXT           why (required), e.g. 调离执法岗位 or 私钥遗失\n"
       "  --receipt FILE          also save the receipt as JSON\n"
       "  --passphrase-file FILE  the admin key's passphrase, first line of FILE (mode 0600)\n"
       "\n"
       "Example:\n"
       "  liuhen revoke --key var/admin.key --pub keys/zhangsan.pub --reason 调离执法岗位\n");

/* One role by its English name ("handler", "ROLE_LEGAL") or its Chinese
 * label (办案人员, 系统管理员: the schema's, role_label_zh()). */
static Liuhen__Role role_from_text(const char *s)
{
    Liuhen__Role r = role_from_name(s);
    if (r != LIUHEN__ROLE__ROLE_UNSPECIFIED)
        return r;
    for (unsigned i = 0; i < liuhen__role__descriptor.n_values; i++) {
        Liuhen__Role cand = (Liuhen__Role)liuhen__role__descriptor.values[i].value;
        if (cand != LIUHEN__ROLE__ROLE_UNSPECIFIED && strcmp(s, role_label_zh(cand)) == 0)
            return cand;
    }
    return LIUHEN__ROLE__ROLE_UNSPECIFIED;
}

/* Split --roles at ',' (or the full-width '，') and blanks. */
static int parse_roles(cli *c, const char *arg, Liuhen__Role **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    char *copy = strdup(arg);
    Liuhen__Role *roles = calloc(liuhen__role__descriptor.n_values, sizeof *roles);
    if (copy == NULL || roles == NULL) {
        free(copy);
        free(roles);
        return cli_fail(c, CLI_EXIT_IO, _("out of memory"));
    }
    /* Replace the full-width comma (U+FF0C, EF BC 8C) by ASCII ones. */
    for (char *p = copy; (p = strstr(p, "\xef\xbc\x8c")) != NULL;)
        memcpy(p, ",  ", 3);
    size_t count = 0;
    int st = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ", \t", &save); tok != NULL;
         tok = strtok_r(NULL, ", \t", &save)) {
        Liuhen__Role r = role_from_text(tok);
        if (r == LIUHEN__ROLE__ROLE_UNSPECIFIED) {
            st = cli_usage(
                c,
                _("--roles: unknown role '%s': give handler (办案人员), legal (法规部门), "
                  "leader (局领导), principal (局主要负责人), investigator (调查组成员) or "
                  "admin (系统管理员)"),
                tok);
            break;
        }
        bool dup = false;
        for (size_t i = 0; i < count; i++)
            dup = dup || roles[i] == r;
        if (!dup)
            roles[count++] = r;
    }
    free(copy);
    if (st == 0 && count == 0)
        st = cli_usage(c, _("--roles: give at least one role"));
    if (st != 0) {
        free(roles);
        return st;
    }
    *out = roles;
    *n = count;
    return 0;
}

/* The public key named by --pub, with the message a reader needs. */
static int read_pub(cli *c, const char *arg, keyfile_pub *pub)
{
    lh_err err = {{0}};
    int rc = cli_parse_pub(arg, pub, &err);
    if (rc == LH_ENOTFOUND)
        return cli_usage(c, _("--pub: %s"), err.msg);
    if (rc != 0)
        return cli_fail(c, CLI_EXIT_IO, _("--pub %s: %s"), arg,
                        err.msg[0] ? err.msg : lh_strerror(rc));
    return 0;
}

/*
 * Before a key is enrolled: whether its holder already has an active key
 * (GetKeys), or the key itself is enrolled. Two active keys for one person
 * is rarely meant (a lost key is revoked first, `liuhen revoke`): on a
 * terminal the admin is asked (default no); otherwise a warning is printed
 * and the enrolment goes on.
 * @return 0 to go on, or the exit status (reported).
 */
static int check_enrolled(cli *c, const char *holder, const keyfile_pub *pub)
{
    lh_keys keys;
    int st = cli_connect(c);
    if (st != 0 || (st = cli_get_keys(c, &keys)) != 0)
        return st;
    bool found = false;
    char t[RENDER_TIME_MAX];
    for (size_t i = 0; i < keys.count; i++) {
        const Liuhen__KeyInfo *k = keys.keys[i];
        bool same_key = k->public_key.len == sizeof pub->pubkey &&
                        memcmp(k->public_key.data, pub->pubkey, sizeof pub->pubkey) == 0;
        if (k->revoked || (!same_key && strcmp(k->holder, holder) != 0))
            continue;
        char roles[128] = "";
        size_t o = 0;
        char rb[RENDER_ROLE_MAX];
        for (size_t j = 0; j < k->n_roles && o < sizeof roles; j++)
            o += (size_t)snprintf(roles + o, sizeof roles - o, "%s%s", j > 0 ? ", " : "",
                                  render_role(k->roles[j], rb));
        if (same_key)
            cli_warn(c,
                     _("this key is already enrolled and active, for %s (entry %" PRIu64
                       ", %s; roles %s)"),
                     k->holder, k->enrolled_index, render_time(k->enrolled_at, t), roles);
        else
            cli_warn(c,
                     _("%s is already enrolled and active with another key (entry %" PRIu64
                       ", %s; roles %s): enrolling this one gives %s two keys"),
                     holder, k->enrolled_index, render_time(k->enrolled_at, t), roles, holder);
        found = true;
    }
    lh_keys_free(&keys);
    if (!found)
        return 0;
    if (tty_interactive()) {
        if (tty_confirm(_("Enrol it anyway?")))
            return 0;
        return cli_fail(c, CLI_EXIT_USAGE,
                        _("not enrolled (a key that is lost or replaced is revoked first: liuhen "
                          "revoke --pub OLD.pub --reason ...)"));
    }
    fprintf(stderr, _("  Enrolled anyway (no terminal to ask); `liuhen revoke` revokes a key that "
                      "is no longer used.\n"));
    return 0;
}

/* The options enroll and revoke share: the admin's key file and its
 * passphrase, the holder's public key, where to save the receipt. */
typedef struct admin_args {
    const char *key_path, *pub_arg, *receipt, *passfile;
} admin_args;

/* The most options of its own enroll or revoke gives admin_options(). */
#define ADMIN_OWN_MAX 8

/*
 * Parse enroll's or revoke's options, in the order their help lists them:
 * --key and --pub, the command's own (own, at most ADMIN_OWN_MAX, ending
 * in {NULL, NULL, NULL}), --receipt and --passphrase-file. No operand.
 * @return -1 to go on; otherwise the exit status to return at once.
 */
static int admin_options(cli *c, const cli_command *cmd, int argc, char **argv, admin_args *a,
                         const cli_option *own)
{
    cli_option opts[ADMIN_OWN_MAX + 5] = {{"key", &a->key_path, NULL}, {"pub", &a->pub_arg, NULL}};
    size_t n = 2;
    for (; own->name != NULL && n < 2 + ADMIN_OWN_MAX; own++)
        opts[n++] = *own;
    opts[n++] = (cli_option){"receipt", &a->receipt, NULL};
    opts[n++] = (cli_option){"passphrase-file", &a->passfile, NULL};
    opts[n] = (cli_option){NULL, NULL, NULL};
    return cli_no_operands(c, cli_options(c, cmd, argc, argv, opts), argc, argv);
}

/* Before anything is asked of the daemon: the receipt can be saved, and
 * --pub names a public key. */
static int admin_read_pub(cli *c, const admin_args *a, keyfile_pub *pub)
{
    int st;
    if ((a->receipt != NULL && (st = cli_check_output(c, "--receipt", a->receipt)) != 0) ||
        (st = read_pub(c, a->pub_arg, pub)) != 0)
        return st;
    return 0;
}

/* Connect, load the admin's key and append the key-management record
 * whose body is enroll (a KEY_ENROLL), else revoke (a KEY_REVOKE). */
static int admin_append(cli *c, const admin_args *a, Liuhen__KeyEnroll *enroll,
                        Liuhen__KeyRevoke *revoke)
{
    Liuhen__Entry e = LIUHEN__ENTRY__INIT;
    bool enrolling = enroll != NULL;
    e.kind = enrolling ? LIUHEN__KIND__KIND_KEY_ENROLL : LIUHEN__KIND__KIND_KEY_REVOKE;
    e.body_case = enrolling ? LIUHEN__ENTRY__BODY_KEY_ENROLL : LIUHEN__ENTRY__BODY_KEY_REVOKE;
    if (enrolling)
        e.key_enroll = enroll;
    else
        e.key_revoke = revoke;
    keyfile_key *key = NULL;
    int st = cli_connect(c);
    if (st == 0 && (st = cli_load_key(c, a->key_path, a->passfile, &key)) == 0)
        st = cli_append_entry(c, key, &e, a->receipt);
    keyfile_key_free(key);
    return st;
}

static int run_enroll(cli *c, int argc, char **argv)
{
    admin_args a = {0};
    const char *roles_arg = NULL, *holder = NULL, *position = NULL, *unit = NULL;
    const cli_option own[] = {{"roles", &roles_arg, NULL},
                              {"holder", &holder, NULL},
                              {"position", &position, NULL},
                              {"unit", &unit, NULL},
                              {NULL, NULL, NULL}};
    int st = admin_options(c, &cli_cmd_enroll, argc, argv, &a, own);
    if (st >= 0)
        return st;
    if (a.key_path == NULL || a.pub_arg == NULL || roles_arg == NULL)
        return cli_usage(c, _("--key, --pub and --roles are required"));
    keyfile_pub pub;
    Liuhen__Role *roles = NULL;
    size_t nroles = 0;
    if ((st = admin_read_pub(c, &a, &pub)) != 0 ||
        (st = parse_roles(c, roles_arg, &roles, &nroles)) != 0)
        return st;
    if (holder == NULL)
        holder = pub.name;
    if (holder[0] == '\0') {
        free(roles);
        return cli_usage(c, _("--holder NAME is required when --pub gives no name"));
    }
    Liuhen__KeyEnroll body = LIUHEN__KEY_ENROLL__INIT;
    body.public_key = (ProtobufCBinaryData){sizeof pub.pubkey, pub.pubkey};
    body.holder = (char *)holder;
    if (position != NULL)
        body.position = (char *)position;
    if (unit != NULL)
        body.unit = (char *)unit;
    body.roles = roles;
    body.n_roles = nroles;
    if ((st = check_enrolled(c, holder, &pub)) != 0) {
        free(roles);
        return st;
    }
    st = admin_append(c, &a, &body, NULL);
    if (st == CLI_EXIT_OK && !c->json) {
        printf(_("enrolled: %s, roles:"), holder);
        char rb[RENDER_ROLE_MAX];
        for (size_t i = 0; i < nroles; i++)
            printf("%s %s", i > 0 ? "," : "", render_role(roles[i], rb));
        printf("\n");
    }
    free(roles);
    return st;
}

static int run_revoke(cli *c, int argc, char **argv)
{
    admin_args a = {0};
    const char *reason = NULL;
    const cli_option own[] = {{"reason", &reason, NULL}, {NULL, NULL, NULL}};
    int st = admin_options(c, &cli_cmd_revoke, argc, argv, &a, own);
    if (st >= 0)
        return st;
    if (a.key_path == NULL || a.pub_arg == NULL || reason == NULL || reason[0] == '\0')
        return cli_usage(c, _("--key, --pub and --reason are required"));
    keyfile_pub pub;
    if ((st = admin_read_pub(c, &a, &pub)) != 0)
        return st;
    Liuhen__KeyRevoke body = LIUHEN__KEY_REVOKE__INIT;
    body.public_key = (ProtobufCBinaryData){sizeof pub.pubkey, pub.pubkey};
    body.reason = (char *)reason;
    st = admin_append(c, &a, NULL, &body);
    if (st == CLI_EXIT_OK && !c->json)
        printf(_("revoked: %s\n"), pub.name[0] ? pub.name : a.pub_arg);
    return st;
}

const cli_command cli_cmd_enroll = {
    "enroll", run_enroll, N_("enrol a holder's public key with roles (admin)"), enroll_help, NULL};
const cli_command cli_cmd_revoke = {"revoke", run_revoke, N_("revoke a holder's key (admin)"),
                                    revoke_help, NULL};

/* ------------------------------------------------------------------------
 * keys
 */

static const char keys_help[] =
    N_("Usage: liuhen keys\n"
       "\n"
       "List the keys enrolled in the log, as liuhend replays the KEY_ENROLL and\n"
       "KEY_REVOKE records: holder, roles, status (有效 active / 已注销 revoked), since\n"
       "when (the entry that enrolled it and its time), and the public key.\n"
       "With --json: {\"keys\": [{public_key, holder, position, unit, roles,\n"
       "enrolled_index, enrolled_at, revoked, revoked_index, revoked_at,\n"
       "revoke_reason}]}; beside enrolled_at and revoked_at (unix ms), their\n"
       "KEY_rfc3339: the same time in RFC 3339 (UTC), or null when there is none.\n"
       "\n"
       "Example:\n"
       "  liuhen keys\n");

static int run_keys(cli *c, int argc, char **argv)
{
    lh_keys keys;
    int st = cli_plain_options(c, &cli_cmd_keys, argc, argv, NULL);
    if (st >= 0 || (st = cli_connect(c)) != 0 || (st = cli_get_keys(c, &keys)) != 0)
        return st;
    if (c->json) {
        json_t *o = json_object(), *a = json_array();
        bool ok = o != NULL && a != NULL;
        for (size_t i = 0; ok && i < keys.count; i++) {
            json_t *k = NULL;
            ok = pbjson_from_message(&keys.keys[i]->base, PBJSON_EMIT_DEFAULTS, &k) == 0 &&
                 render_json_add_rfc3339(k) && json_array_append_new(a, k) == 0;
        }
        if (ok) {
            /* json_object_set_new() takes the array's reference either way. */
            ok = json_object_set_new(o, "keys", a) == 0;
            a = NULL;
        }
        json_decref(a);
        st = cli_print_json(c, o, ok, NULL);
        lh_keys_free(&keys);
        return st;
    }
    char t[RENDER_TIME_MAX];
    printf(_("enrolled keys: %zu\n"), keys.count);
    for (size_t i = 0; i < keys.count; i++) {
        const Liuhen__KeyInfo *k = keys.keys[i];
        char *b64 = render_b64(k->public_key.data, k->public_key.len);
        printf("\n%s  [%s]\n", k->holder, k->revoked ? _("revoked") : _("active"));
        printf(_("  roles:"));
        char rb[RENDER_ROLE_MAX];
        for (size_t j = 0; j < k->n_roles; j++)
            printf("%s %s", j > 0 ? "," : "", render_role(k->roles[j], rb));
        printf("\n");
        if (k->position[0] != '\0')
            printf(_("  position: %s\n"), k->position);
        if (k->unit[0] != '\0')
            printf(_("  unit: %s\n"), k->unit);
        printf(_("  since: entry %" PRIu64 ", %s\n"), k->enrolled_index,
               render_time(k->enrolled_at, t));
        if (k->revoked)
            printf(_("  revoked: entry %" PRIu64 ", %s%s%s\n"), k->revoked_index,
                   render_time(k->revoked_at, t), k->revoke_reason[0] ? ": " : "",
                   k->revoke_reason);
        printf(_("  public key: %s\n"), b64 != NULL ? b64 : "?");
        free(b64);
    }
    lh_keys_free(&keys);
    return CLI_EXIT_OK;
}

const cli_command cli_cmd_keys = {
    "keys", run_keys, N_("list the enrolled keys: holders, roles, status, since"), keys_help, NULL};
