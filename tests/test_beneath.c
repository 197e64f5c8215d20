/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_beneath.c — beneath.h: a client's path, checked as text, names a
 * place inside the configured directory or is refused with the fault; a
 * lookup from the directory's descriptor never follows a symbolic link,
 * in the middle of the path or at its end, and never leaves it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "beneath.h"
#include "testutil.h"

static char dir[] = "/tmp/liuhen-beneath-XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(dir);
    return 0;
}

/* The relative path a client's path gives, or its fault. */
static void expect_rel(const char *path, const char *want)
{
    char rel[PATH_MAX];
    beneath_fault f = beneath_relative(path, "/srv/exports", rel, sizeof rel);
    if (f != BENEATH_OK)
        fail_msg("%s: %s", path, beneath_fault_text(f));
    assert_string_equal(rel, want);
}

static void expect_fault(const char *path, beneath_fault want)
{
    char rel[PATH_MAX];
    beneath_fault f = beneath_relative(path, "/srv/exports", rel, sizeof rel);
    if (f != want)
        fail_msg("%s: got \"%s\", want \"%s\"", path, beneath_fault_text(f),
                 beneath_fault_text(want));
}

static void test_relative(void **state)
{
    (void)state;
    expect_rel("2026-q1", "2026-q1");
    expect_rel("inspection/2026-q1/", "inspection/2026-q1");
    expect_rel("/srv/exports/2026-q1", "2026-q1");
    expect_rel("/srv/exports//a/b", "a/b");
    expect_rel("留痕-导出", "留痕-导出");
    expect_rel("..hidden", "..hidden");

    expect_fault("", BENEATH_EMPTY);
    expect_fault("/", BENEATH_OUTSIDE);
    expect_fault("../x", BENEATH_DOT_DOT);
    expect_fault("a/../../x", BENEATH_DOT_DOT);
    expect_fault("/srv/exports/../etc", BENEATH_DOT_DOT);
    expect_fault("a/./b", BENEATH_DOT);
    expect_fault(".", BENEATH_DOT);
    expect_fault("a//b", BENEATH_EMPTY_PART);
    expect_fault("/srv/exports", BENEATH_IS_BASE);
    expect_fault("/srv/exports/", BENEATH_IS_BASE);
    expect_fault("/srv/exports-other/x", BENEATH_OUTSIDE);
    expect_fault("/srv/export", BENEATH_OUTSIDE);
    expect_fault("/etc/cron.d/x", BENEATH_OUTSIDE);
    expect_fault("a\nb", BENEATH_CONTROL);
    expect_fault("a\x7f", BENEATH_CONTROL);
    expect_fault("\xc3\x28", BENEATH_NOT_UTF8);

    char name[NAME_MAX + 2];
    memset(name, 'n', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    expect_fault(name, BENEATH_TOO_LONG);
    char *longp = malloc(PATH_MAX + 1);
    assert_non_null(longp);
    for (size_t i = 0; i < PATH_MAX; i++)
        longp[i] = i % 10 == 9 ? '/' : 'p';
    longp[PATH_MAX] = '\0';
    expect_fault(longp, BENEATH_TOO_LONG);
    free(longp);
}

static void make(const char *rel, bool is_dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    if (is_dir)
        assert_int_equal(mkdir(path, 0700), 0);
    else
        tu_create_file(path, "x", 0600);
}

static void link_to(const char *target, const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    assert_int_equal(symlink(target, path), 0);
}

/* The lookups every kernel must answer alike, from root; the number of
 * wrong answers (so that a child without cmocka can report them). */
static int check_lookups(int root)
{
    int wrong = 0;
    int fd = beneath_open(root, "a/file", O_RDONLY, 0);
    wrong += fd < 0;
    if (fd >= 0)
        close(fd);
    fd = beneath_open(root, "", O_RDONLY | O_DIRECTORY, 0);
    wrong += fd < 0;
    if (fd >= 0)
        close(fd);
    /* A link in the middle, at the end, relative, as a directory or not. */
    wrong += beneath_open(root, "mid/x", O_RDONLY, 0) != -ELOOP;
    wrong += beneath_open(root, "mid", O_RDONLY | O_DIRECTORY, 0) != -ELOOP;
    wrong += beneath_open(root, "a/end", O_RDONLY | O_DIRECTORY, 0) != -ELOOP;
    wrong += beneath_open(root, "a/rel", O_RDONLY, 0) != -ELOOP;
    wrong += beneath_open(root, "mid/new", O_WRONLY | O_CREAT | O_EXCL, 0600) != -ELOOP;
    char made[PATH_MAX];
    snprintf(made, sizeof made, "%s/outside/new", dir);
    wrong += access(made, F_OK) == 0;
    /* Out of the directory. */
    wrong += beneath_open(root, "../outside", O_RDONLY | O_DIRECTORY, 0) != -EXDEV;
    wrong += beneath_open(root, "/etc", O_RDONLY | O_DIRECTORY, 0) != -EXDEV;
    /* A file on the way; nothing there. */
    wrong += beneath_open(root, "a/file/x", O_RDONLY, 0) != -ENOTDIR;
    wrong += beneath_open(root, "a/none", O_RDONLY, 0) != -ENOENT;
    const char *base;
    fd = beneath_open_parent(root, "a/new", &base);
    wrong += fd < 0 || strcmp(base, "new") != 0;
    if (fd >= 0)
        close(fd);
    wrong += beneath_open_parent(root, "mid/new", &base) != -ELOOP;
    return wrong;
}

/* A kernel without openat2(2) (before 5.6), as a seccomp filter makes it:
 * the call answers ENOSYS, and the walk with O_NOFOLLOW takes over. */
static int without_openat2(void)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {.len = sizeof filter / sizeof filter[0], .filter = filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
        return -1;
    return 0;
}

static void test_open(void **state)
{
    (void)state;
    make("root", true);
    make("root/a", true);
    make("root/a/file", false);
    make("outside", true);
    char outside[PATH_MAX];
    snprintf(outside, sizeof outside, "%s/outside", dir);
    link_to(outside, "root/mid");
    link_to(outside, "root/a/end");
    link_to("../../outside", "root/a/rel");

    char rootp[PATH_MAX];
    snprintf(rootp, sizeof rootp, "%s/root", dir);
    char *real = NULL;
    int root = beneath_dir_open(rootp, &real);
    assert_true(root >= 0);
    assert_non_null(real);
    free(real);

    assert_int_equal(check_lookups(root), 0);

    /* The same without openat2(2), in a child that cannot call it. */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (without_openat2() != 0)
            _exit(100);
        long r = syscall(SYS_openat2, root, "a", NULL, 0);
        if (r != -1 || errno != ENOSYS)
            _exit(101);
        _exit(check_lookups(root) == 0 ? 0 : 1);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_relative),
        cmocka_unit_test(test_open),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
