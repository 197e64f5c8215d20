/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * privileges.h — liuhend never serves as root. Started as root, it drops
 * to the user named by --user (initgroups, setgid, setuid) before it opens
 * anything, and checks that root cannot be regained; without --user it
 * refuses to run. A daemon that writes files where clients say, parses
 * their frames and runs a publish hook has no use for root, and every bug
 * in it would be root's.
 */
#ifndef LIUHEN_PRIVILEGES_H
#define LIUHEN_PRIVILEGES_H

#include <stdbool.h>

#include "errors.h"

/**
 * Become `user` when running as root; check `user` when not.
 * @param[in]  user  the --user option, or NULL.
 * @param[out] err   the reason, naming the option and what to do.
 * @return 0 (not root and no user; not root and user is this process's
 *         own user; root and the drop done and verified);
 *         LH_EPERM: running as root without a user (a usage error: the
 *         message says to give --user or to start as an unprivileged
 *         user), or a user that is not this one when not root;
 *         LH_EINVAL: no such user, or a user whose uid is 0;
 *         -errno: initgroups, setgid or setuid failed;
 *         LH_EINTERNAL: root could be regained after the drop.
 */
int privileges_drop(const char *user, lh_err *err);

#endif
