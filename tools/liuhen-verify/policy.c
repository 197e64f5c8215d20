/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * policy.c — a checkpoint held to the log key and the witness policy
 * (policy.h).
 */
#include "policy.h"

#include <stdio.h>
#include <string.h>

/* The signature line prefix of signed-note: an em dash and a space. */
#define SIG_PREFIX     "\xe2\x80\x94 "
#define SIG_PREFIX_LEN 4

bool policy_other_log(const uint8_t *note, size_t len, const note_verifier *log_key,
                      char origin[NOTE_NAME_MAX + 1])
{
    const char *s = (const char *)note;
    const char *nl = memchr(s, '\n', len);
    if (nl == NULL)
        return false;
    size_t olen = (size_t)(nl - s);
    size_t klen = strlen(log_key->name);
    if (olen == 0 || olen > NOTE_NAME_MAX || !note_name_valid(s, olen) ||
        (olen == klen && memcmp(s, log_key->name, klen) == 0))
        return false;
    /* A signature line by a key of the log key's name: the log signed it. */
    for (size_t i = 0; i + 1 < len; i++) {
        if (note[i] != '\n')
            continue;
        const char *line = s + i + 1;
        size_t rest = len - i - 1;
        if (rest > SIG_PREFIX_LEN + klen && memcmp(line, SIG_PREFIX, SIG_PREFIX_LEN) == 0 &&
            memcmp(line + SIG_PREFIX_LEN, log_key->name, klen) == 0 &&
            line[SIG_PREFIX_LEN + klen] == ' ')
            return false;
    }
    memcpy(origin, s, olen);
    origin[olen] = '\0';
    return true;
}

int policy_open(const uint8_t *note, size_t len, const note_verifier *log_key,
                const note_verifier *witnesses, size_t nwitnesses, size_t min,
                checkpoint_opened *out, char *zh, char *en, size_t cap)
{
    lh_err e = {{0}};
    if (checkpoint_open(note, len, log_key, NULL, 0, out, &e) != 0) {
        snprintf(zh, cap, "检查点无法以日志密钥 %s 验证：%s", log_key->name, e.msg);
        snprintf(en, cap, "the checkpoint does not verify with the log key %s: %s", log_key->name,
                 e.msg);
        return POLICY_LOG_KEY;
    }
    size_t ncosig = 0;
    if (nwitnesses > 0) {
        /* A witness line that fails rejects the note (signed-note: any
         * failing known signature); the log's own signature held above, so
         * this is a cosignature's failure, not the log's. The log-only
         * opening stays in out. */
        checkpoint_opened with;
        if (checkpoint_open(note, len, log_key, witnesses, nwitnesses, &with, &e) != 0) {
            snprintf(zh, cap, "检查点上的第三方见证签名无法验证：%s", e.msg);
            snprintf(en, cap, "a witness cosignature on the checkpoint does not verify: %s", e.msg);
            return POLICY_COSIGNATURE;
        }
        *out = with;
        ncosig = with.ncosigners;
    }
    if (ncosig < min) {
        snprintf(zh, cap, "检查点只有 %zu 个有效的第三方见证签名，要求至少 %zu 个", ncosig, min);
        snprintf(en, cap,
                 "the checkpoint has %zu valid cosignatures by the witnesses given, %zu "
                 "required",
                 ncosig, min);
        return POLICY_COSIGNATURE;
    }
    return POLICY_OK;
}
