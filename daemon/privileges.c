/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * privileges.c — dropping root at start (privileges.h).
 */
#define _GNU_SOURCE /* initgroups */
#include "privileges.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

int privileges_drop(const char *user, lh_err *err)
{
    bool root = geteuid() == 0 || getuid() == 0;
    if (user == NULL) {
        if (root)
            return lh_err_set(err, LH_EPERM,
                              _("liuhend does not run as root: give --user USER (an unprivileged "
                                "user that owns the data directory, e.g. --user liuhen) to drop to "
                                "at start, or start it as that user"));
        return 0;
    }
    struct passwd pw, *found = NULL;
    char buf[16384];
    int rc = getpwnam_r(user, &pw, buf, sizeof buf, &found);
    if (rc != 0)
        return lh_err_set(err, -rc, _("--user %s: cannot look it up: %s"), user, strerror(rc));
    if (found == NULL)
        return lh_err_set(err, LH_EINVAL, _("--user %s: no such user"), user);
    if (pw.pw_uid == 0)
        return lh_err_set(err, LH_EINVAL, _("--user %s: uid 0 is root: name an unprivileged user"),
                          user);
    if (!root) {
        if (pw.pw_uid == geteuid())
            return 0;
        return lh_err_set(err, LH_EPERM,
                          _("--user %s: only root can become another user; liuhend runs as uid "
                            "%u"),
                          user, (unsigned)geteuid());
    }
    /* Groups first: once the uid is dropped, they can no longer change. */
    if (initgroups(pw.pw_name, pw.pw_gid) != 0)
        return lh_err_set(err, -errno, _("--user %s: initgroups: %s"), user, strerror(errno));
    if (setgid(pw.pw_gid) != 0)
        return lh_err_set(err, -errno, _("--user %s: setgid %u: %s"), user, (unsigned)pw.pw_gid,
                          strerror(errno));
    if (setuid(pw.pw_uid) != 0)
        return lh_err_set(err, -errno, _("--user %s: setuid %u: %s"), user, (unsigned)pw.pw_uid,
                          strerror(errno));
    /* setuid() as root sets the real, effective and saved uid alike: none
     * is left to go back to. Check it rather than trust it. */
    if (setuid(0) == 0 || seteuid(0) == 0 || getuid() != pw.pw_uid || geteuid() != pw.pw_uid ||
        getgid() != pw.pw_gid || getegid() != pw.pw_gid)
        return lh_err_set(err, LH_EINTERNAL,
                          _("--user %s: root could be regained after dropping to uid %u: refusing "
                            "to run"),
                          user, (unsigned)pw.pw_uid);
    return 0;
}
