/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * i18n.c — the locale, the text domain and the language of the messages
 * (i18n.h).
 */
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Where `make install` puts the catalogues: PREFIX/share/locale. The
 * Makefile defines it; a build without it still finds the build tree's. */
#ifndef LH_LOCALEDIR
#define LH_LOCALEDIR "/usr/local/share/locale"
#endif

/* The longest language part taken from LANG ("zh_CN", "sr_RS@latin" cut
 * at the '@'). */
#define I18N_LANG_MAX 32

/*
 * The build tree's catalogues, BUILD/locale, when this program's binary is
 * in a directory of the build tree beside it (BUILD/bin, BUILD/tests); an
 * installed binary's PREFIX/bin has no PREFIX/locale beside it.
 * @return whether out holds that directory.
 */
static bool i18n_tree_dir(char out[PATH_MAX])
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    int len = snprintf(out, PATH_MAX, "%s/../locale", exe);
    if (len < 0 || len >= PATH_MAX)
        return false;
    struct stat st;
    return stat(out, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The first of LC_ALL, LC_MESSAGES and LANG that is set and not empty: the
 * variable that chooses the language of the messages (POSIX, XBD 8.2). */
static const char *i18n_messages_env(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v != NULL && v[0] != '\0')
            return v;
    }
    return NULL;
}

/*
 * setlocale(LC_ALL, "") failed: the locale named is not installed. Take
 * C.UTF-8, and give gettext the language through LANGUAGE unless the user
 * set it: "zh_CN" of "zh_CN.UTF-8". Only letters, digits and '_' are
 * taken, so that the environment cannot name a path.
 */
static void i18n_fallback(void)
{
    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        return; /* "C": glibc would ignore LANGUAGE; English it is. */
    const char *l = getenv("LANGUAGE");
    if (l != NULL && l[0] != '\0')
        return;
    const char *v = i18n_messages_env();
    if (v == NULL)
        return;
    char lang[I18N_LANG_MAX];
    size_t n = 0;
    for (; v[n] != '\0' && v[n] != '.' && v[n] != '@'; n++) {
        char c = v[n];
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok || n + 1 >= sizeof lang)
            return;
        lang[n] = c;
    }
    lang[n] = '\0';
    if (n == 0 || strcmp(lang, "C") == 0 || strcmp(lang, "POSIX") == 0)
        return;
    setenv("LANGUAGE", lang, 1);
}

void i18n_init(void)
{
    if (setlocale(LC_ALL, "") == NULL)
        i18n_fallback();
    char dir[PATH_MAX];
    bindtextdomain(I18N_DOMAIN, i18n_tree_dir(dir) ? dir : LH_LOCALEDIR);
    /* The catalogues are UTF-8, and so is every output of liuhen (its
     * records are): never converted to the locale's character set, which
     * in "C" would turn the Chinese into question marks. */
    bind_textdomain_codeset(I18N_DOMAIN, "UTF-8");
    textdomain(I18N_DOMAIN);
}

bool i18n_zh(void)
{
    /* gettext("") is the header of the catalogue found, "" when none was. */
    for (const char *p = gettext(""); p != NULL && *p != '\0';) {
        if (strncmp(p, "Language: zh", 12) == 0)
            return true;
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    return false;
}

const char *i18n_pick(const char *zh, const char *en)
{
    bool want_zh = i18n_zh();
    const char *first = want_zh ? zh : en, *other = want_zh ? en : zh;
    return first != NULL && first[0] != '\0' ? first : other != NULL ? other : "";
}
