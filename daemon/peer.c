/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * peer.c — socket admins by peer credentials (peer.h).
 */
#define _GNU_SOURCE /* getgrouplist */
#include "peer.h"

#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

/* Whether the user of passwd entry uid is in group g (primary or
 * supplementary). */
static bool peer_user_in_group(uid_t uid, gid_t g)
{
    long cap = sysconf(_SC_GETPW_R_SIZE_MAX);
    if (cap < 1024)
        cap = 16384;
    char *buf = malloc((size_t)cap);
    if (buf == NULL)
        return false;
    struct passwd pw, *found = NULL;
    bool in = false;
    if (getpwuid_r(uid, &pw, buf, (size_t)cap, &found) == 0 && found != NULL) {
        if (pw.pw_gid == g) {
            in = true;
        } else {
            int n = 64;
            for (int attempt = 0; attempt < 4 && !in; attempt++) {
                gid_t *groups = malloc((size_t)n * sizeof *groups);
                if (groups == NULL)
                    break;
                int got = n;
                int rc = getgrouplist(pw.pw_name, pw.pw_gid, groups, &got);
                if (rc >= 0) {
                    for (int i = 0; i < got; i++)
                        in = in || groups[i] == g;
                    free(groups);
                    break;
                }
                free(groups);
                n = got > n ? got : n * 4; /* -1: got holds the count needed */
            }
        }
    }
    free(buf);
    return in;
}

bool peer_is_admin(const peer_cred *p, const peer_admins *admins)
{
    if (p == NULL || !p->known)
        return false;
    if (p->uid == 0 || p->uid == admins->self)
        return true;
    if (!admins->has_group)
        return false;
    return p->gid == admins->group || peer_user_in_group(p->uid, admins->group);
}
