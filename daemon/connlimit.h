/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * connlimit.h — who may open one more connection to liuhend (docs/design.md
 * "Connections and memory"): the admission decision as a pure function,
 * and the count of open connections per user that it needs.
 *
 * Three limits, so that no one user can lock the others out:
 *  - at most max_total connections in all;
 *  - the last `reserved` of them only for an administrator (uid 0, the
 *    daemon's own uid, or a member of --admin-group: peer.h), so that the operator can
 *    always reach `liuhen status` while the daemon is full;
 *  - at most max_per_user connections of one uid that is not an
 *    administrator.
 *
 * The user is the peer's uid as the kernel gives it (SO_PEERCRED), which a
 * client cannot choose. Nothing here does I/O or keeps a global.
 */
#ifndef LIUHEN_CONNLIMIT_H
#define LIUHEN_CONNLIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/** Slots kept for administrators unless configured (at most a quarter of the total). */
#define CONNLIMIT_DEFAULT_RESERVED 4

/** The limits; connlimit_policy_init() fills the defaults. */
typedef struct connlimit_policy {
    unsigned max_total;    /**< connections in all, at least 1 */
    unsigned reserved;     /**< of which only administrators may take, < max_total */
    unsigned max_per_user; /**< connections of one uid that is not an administrator */
} connlimit_policy;

/**
 * The policy for a daemon serving max_total connections: `reserved` is
 * CONNLIMIT_DEFAULT_RESERVED, but at most max_total / 4; max_per_user as
 * given, or when 0 a quarter of max_total (at least 1), never above what
 * a user may take (max_total - reserved).
 */
void connlimit_policy_init(connlimit_policy *p, unsigned max_total, unsigned max_per_user);

enum connlimit_verdict {
    CONNLIMIT_ADMIT,
    CONNLIMIT_FULL, /**< every slot open to this peer is taken */
    CONNLIMIT_USER, /**< this uid holds max_per_user connections already */
};

/**
 * Whether one more connection may be served.
 * @param[in] open       connections open now, of everyone.
 * @param[in] open_user  connections open now of the peer's uid.
 * @param[in] admin      connlimit_is_admin() of the peer.
 * @param[out] limit     optional: the limit that applies to this peer for
 *                       the verdict given (the total open to it for
 *                       CONNLIMIT_FULL, max_per_user for CONNLIMIT_USER).
 */
enum connlimit_verdict connlimit_decide(const connlimit_policy *p, unsigned open,
                                        unsigned open_user, bool admin, unsigned *limit);

/**
 * Open connections counted by uid: a small array, since the users of one
 * daemon are few. Zero-initialise it; free with connlimit_users_free().
 */
typedef struct connlimit_users {
    struct connlimit_user {
        uid_t uid;
        unsigned open;
    } * v;
    size_t n, cap;
} connlimit_users;

/** Connections open of uid (0 when none). */
unsigned connlimit_users_count(const connlimit_users *u, uid_t uid);

/** Count one more connection of uid. @return 0, or LH_ENOMEM (nothing counted). */
int connlimit_users_add(connlimit_users *u, uid_t uid);

/** Count one connection of uid less; a uid left with none is forgotten. */
void connlimit_users_remove(connlimit_users *u, uid_t uid);

/** Free the counts and zero them. Accepts a zeroed one. */
void connlimit_users_free(connlimit_users *u);

#endif
