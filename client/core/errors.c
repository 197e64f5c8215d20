/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * errors.c — descriptions and names for the LH_E* code space.
 */
#define _GNU_SOURCE /* strerrorname_np */
#include "errors.h"
#include "i18n.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *lh_strerror(int code)
{
    if (code == 0)
        return _("success");
    switch (code) {
#define LH_ERR_DESC(name, value, desc)                                                             \
    case value: return _(desc);
        LH_ERRNO_MAP(LH_ERR_DESC)
#undef LH_ERR_DESC
    default: break;
    }
    if (code < 0 && code > -1000)
        return strerror(-code);
    return _("unknown error");
}

const char *lh_errname(int code)
{
    if (code == 0)
        return "OK";
    switch (code) {
#define LH_ERR_NAME(name, value, desc)                                                             \
    case value: return "LH_" #name;
        LH_ERRNO_MAP(LH_ERR_NAME)
#undef LH_ERR_NAME
    default: break;
    }
    if (code < 0 && code > -1000) {
        /* glibc names every errno value ("ENOSPC", "EISDIR"...). */
        const char *name = strerrorname_np(-code);
        return name != NULL ? name : "ERRNO";
    }
    return "UNKNOWN";
}

/* A message cut by vsnprintf() may end inside a UTF-8 character (a
 * translation is mostly three-byte characters): drop that partial one. */
static void cut_partial_char(char *s)
{
    size_t len = strlen(s), i = len;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (i - 1 + need > len)
        s[i - 1] = '\0';
}

int lh_err_set(lh_err *err, int code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(err->msg, sizeof err->msg, _(fmt), ap);
        va_end(ap);
        if (n >= (int)sizeof err->msg)
            cut_partial_char(err->msg);
    }
    return code;
}
