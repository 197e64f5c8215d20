/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * errors.h — the single error code space of liuhen.
 *
 * Every function of the library returns 0 on success or a negative code:
 * either one of the LH_E* codes below (all <= -1000) or -errno for a system
 * error. lh_strerror() describes both; lh_errname() gives the symbolic name.
 *
 * Functions that can say more than a code (which field is wrong, which line
 * of a note is malformed) take an optional `lh_err *` into which they write
 * a sentence naming the object and the cause. It may be NULL.
 */
#ifndef LIUHEN_ERRORS_H
#define LIUHEN_ERRORS_H

#include <stddef.h>

/* X-macro: name, value, description. Values are stable: they may be stored
 * or sent over the wire, so new codes are only ever appended. */
#define LH_ERRNO_MAP(X)                                                                            \
    X(EINVAL, -1000, "invalid argument")                                                           \
    X(EPARSE, -1001, "malformed input")                                                            \
    X(ETOOBIG, -1002, "input too large")                                                           \
    X(EUTF8, -1003, "invalid UTF-8")                                                               \
    X(ECTRL, -1004, "control character in text")                                                   \
    X(EBASE64, -1005, "invalid base64")                                                            \
    X(ELENGTH, -1006, "wrong length")                                                              \
    X(EBADSIG, -1007, "signature verification failed")                                             \
    X(ENOKEY, -1008, "no signature by a known key")                                                \
    X(ETOOMANYSIGS, -1009, "too many signatures")                                                  \
    X(EPROOF, -1010, "proof verification failed")                                                  \
    X(ERANGE, -1011, "index or size out of range")                                                 \
    X(ENOMEM, -1012, "out of memory")                                                              \
    X(EPASSPHRASE, -1013, "wrong passphrase or corrupted key file")                                \
    X(EKEYFILE, -1014, "malformed key file")                                                       \
    X(EFIELD, -1015, "invalid field")                                                              \
    X(EKIND, -1016, "record kind and body disagree")                                               \
    X(EORIGIN, -1017, "wrong log origin")                                                          \
    X(EJSON, -1018, "malformed JSON")                                                              \
    X(EUNKNOWNFIELD, -1019, "unknown field")                                                       \
    X(EALGO, -1020, "unsupported algorithm")                                                       \
    X(ESTORE, -1021, "store error")                                                                \
    X(ECONFLICT, -1022, "chain head moved (conflict)")                                             \
    X(EDUPLICATE, -1023, "entry already logged")                                                   \
    X(EUNKNOWNKEY, -1024, "key not enrolled")                                                      \
    X(EREVOKED, -1025, "key revoked")                                                              \
    X(EPERM, -1026, "role may not append this kind")                                               \
    X(EUNAVAILABLE, -1027, "service unavailable")                                                  \
    X(EINTERNAL, -1028, "internal error")                                                          \
    X(ETIMEOUT, -1029, "timed out")                                                                \
    X(EFORK, -1030, "log fork: checkpoints are inconsistent")                                      \
    X(ECLOSED, -1031, "connection closed")                                                         \
    X(EPROTO, -1032, "protocol error")                                                             \
    X(ENOTFOUND, -1033, "not found")                                                               \
    X(EEXIST, -1034, "already exists")                                                             \
    X(EPERMFILE, -1035, "file permissions too open")                                               \
    X(ECOMMITTED, -1036, "entry logged; receipt not yet checked against the last checkpoint")

enum {
#define LH_ERR_ENUM(name, value, desc) LH_##name = (value),
    LH_ERRNO_MAP(LH_ERR_ENUM)
#undef LH_ERR_ENUM
};

/**
 * Describe an error code.
 * @param[in] code  0, a negative LH_E* code, or -errno.
 * @return a static string; never NULL.
 */
const char *lh_strerror(int code);

/**
 * The symbolic name of an error code ("LH_EPROOF", "ENOENT", "OK").
 * @return a static string; never NULL ("UNKNOWN" for unknown codes).
 */
const char *lh_errname(int code);

/** Room for one sentence of detail about an error. */
#define LH_ERR_MSG_MAX 512

/** Detail about the last error of a call: a sentence naming the object. */
typedef struct lh_err {
    char msg[LH_ERR_MSG_MAX];
} lh_err;

/**
 * Set the detail of an error and return the code, so that a failing path
 * reads `return lh_err_set(err, LH_EFIELD, "field %s: ...", name);`.
 * The format is translated by the locale (i18n.h) before it is filled in:
 * `make pot` collects every lh_err_set() format for the translators. A
 * detail longer than LH_ERR_MSG_MAX - 1 bytes is cut at a character
 * boundary.
 * @param[out] err  may be NULL, then only the code is returned.
 * @return code, unchanged.
 */
int lh_err_set(lh_err *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
