/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * errors.c — descriptions and names for the LH_E* code space.
 */
#define _GNU_SOURCE /* strerrorname_np */
#include "errors.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *lh_strerror(int code)
{
    if (code == 0)
        return "success";
    switch (code) {
#define LH_ERR_DESC(name, value, desc)                                                             \
    case value: return desc;
        LH_ERRNO_MAP(LH_ERR_DESC)
#undef LH_ERR_DESC
    default: break;
    }
    if (code < 0 && code > -1000)
        return strerror(-code);
    return "unknown error";
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

int lh_err_set(lh_err *err, int code, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
