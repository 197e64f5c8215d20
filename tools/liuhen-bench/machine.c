/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * machine.c — the description of the machine a run measured (machine.h),
 * from /proc, uname(2), sysconf(3) and git.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "machine.h"

static void machine_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

/* Strip the blanks around s, in place. */
static char *machine_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static void machine_cpu(machine *m)
{
    struct utsname u;
    machine_copy(m->cpu, sizeof m->cpu, uname(&u) == 0 ? u.machine : "unknown");
    FILE *fp = fopen("/proc/cpuinfo", "r");
    if (fp == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, fp) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            machine_copy(m->cpu, sizeof m->cpu, machine_trim(colon + 1));
            break;
        }
    }
    fclose(fp);
}

/* The mount holding dir: the longest mount point of /proc/self/mountinfo
 * that is a prefix of its real path. A line reads
 * "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw". */
static void machine_fs(machine *m, const char *dir)
{
    machine_copy(m->fs_type, sizeof m->fs_type, "unknown");
    machine_copy(m->fs_source, sizeof m->fs_source, "unknown");
    char real[PATH_MAX];
    if (realpath(dir, real) == NULL)
        machine_copy(real, sizeof real, dir);
    machine_copy(m->dir, sizeof m->dir, real);
    FILE *fp = fopen("/proc/self/mountinfo", "r");
    if (fp == NULL)
        return;
    char line[4096];
    size_t best = 0;
    while (fgets(line, sizeof line, fp) != NULL) {
        char *save = NULL, *fields[5] = {0};
        char *tok = strtok_r(line, " ", &save);
        for (int i = 0; i < 5 && tok != NULL; i++, tok = strtok_r(NULL, " ", &save))
            fields[i] = tok;
        char *mount = fields[4];
        if (mount == NULL)
            continue;
        while (tok != NULL && strcmp(tok, "-") != 0)
            tok = strtok_r(NULL, " ", &save);
        char *type = tok != NULL ? strtok_r(NULL, " ", &save) : NULL;
        char *source = type != NULL ? strtok_r(NULL, " ", &save) : NULL;
        if (type == NULL || source == NULL)
            continue;
        size_t n = strlen(mount);
        bool holds = strcmp(mount, "/") == 0 ||
                     (strncmp(real, mount, n) == 0 && (real[n] == '/' || real[n] == '\0'));
        if (holds && n >= best) {
            best = n;
            machine_copy(m->fs_type, sizeof m->fs_type, type);
            machine_copy(m->fs_source, sizeof m->fs_source, source);
            machine_copy(m->fs_mount, sizeof m->fs_mount, mount);
        }
    }
    fclose(fp);
}

/* The first line a shell command prints, or "" when it fails. */
static void machine_command(const char *cmd, char *out, size_t cap)
{
    out[0] = '\0';
    FILE *fp = popen(cmd, "r");
    if (fp == NULL)
        return;
    if (fgets(out, (int)cap, fp) == NULL)
        out[0] = '\0';
    /* The rest is read so that the command does not die of SIGPIPE. */
    char rest[256];
    while (fgets(rest, sizeof rest, fp) != NULL) {
    }
    if (pclose(fp) != 0)
        out[0] = '\0';
    machine_trim(out);
}

void machine_describe(const char *dir, machine *out)
{
    memset(out, 0, sizeof *out);
    machine_cpu(out);
    out->cores = sysconf(_SC_NPROCESSORS_ONLN);
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(out->kernel, sizeof out->kernel, "%s %s", u.sysname, u.release);
    else
        machine_copy(out->kernel, sizeof out->kernel, "unknown");
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0)
        out->memory_mib = (uint64_t)pages * (uint64_t)page / (1024u * 1024u);
    machine_fs(out, dir);
    machine_command("git rev-parse HEAD 2>/dev/null", out->commit, sizeof out->commit);
    if (out->commit[0] == '\0') {
        machine_copy(out->commit, sizeof out->commit, "unknown");
    } else {
        char changes[64];
        machine_command("git status --porcelain --untracked-files=no 2>/dev/null | head -n 1",
                        changes, sizeof changes);
        out->dirty = changes[0] != '\0';
    }
    time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) != NULL)
        strftime(out->date, sizeof out->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
