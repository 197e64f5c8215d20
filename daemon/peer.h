/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * peer.h — who is at the other end of a connection (SO_PEERCRED), and
 * whether that process may ask for the calls that write files on the
 * daemon's machine (Export, Backup).
 *
 * Those calls are an operator's, not a ledger user's: the socket's group
 * lets handlers append and read, but a copy of the whole ledger leaves the
 * daemon's control once written. A socket admin is uid 0, the daemon's own
 * uid, or a member (primary or supplementary group, as the system's group
 * database has it for that uid's passwd entry) of liuhend --admin-group.
 */
#ifndef LIUHEN_PEER_H
#define LIUHEN_PEER_H

#include <stdbool.h>
#include <sys/types.h>

/** A connection's peer, as the kernel gave it at accept. */
typedef struct peer_cred {
    bool known; /**< false when SO_PEERCRED failed: never an admin */
    uid_t uid;
    gid_t gid;
    pid_t pid;
} peer_cred;

/** Who the daemon counts as socket admins. */
typedef struct peer_admins {
    uid_t self;     /**< the daemon's own uid (getuid()) */
    bool has_group; /**< --admin-group given */
    gid_t group;    /**< its gid */
} peer_admins;

/**
 * Whether peer p is a socket admin: uid 0, admins->self, or a member of
 * admins->group (p's own gid, the primary group of p's passwd entry, or
 * one of that entry's supplementary groups, getgrouplist(3)). A uid with
 * no passwd entry is a member only through its gid. Thread-safe; it may
 * block on the system's user database, so call it off the event loop.
 */
bool peer_is_admin(const peer_cred *p, const peer_admins *admins);

#endif
