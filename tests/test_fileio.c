/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * test_fileio.c — fileio.h: bounded reads that refuse what is not a
 * regular file (a FIFO without waiting on it), what is too large, secrets
 * others may read and state others may write; new files never overwrite
 * anything; replaced files are never seen half written and never written
 * through a link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "testutil.h"

static char dir[] = "/tmp/liuhen-fileio-XXXXXX";

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

/* dir/name into buf. */
static const char *at(char buf[PATH_MAX], const char *name)
{
    snprintf(buf, PATH_MAX, "%s/%s", dir, name);
    return buf;
}

/* The number of entries of dir whose name starts with prefix. */
static int count_prefixed(const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void test_read(void **state)
{
    (void)state;
    char p[PATH_MAX];
    lh_err err = {{0}};
    uint8_t *data = NULL;
    size_t len = 99;

    tu_write_file(at(p, "ten"), "0123456789", 0644);
    assert_int_equal(fileio_read(p, 0, "test file", 10, &data, &len, &err), 0);
    assert_int_equal(len, 10);
    assert_memory_equal(data, "0123456789", 11); /* NUL-terminated */
    free(data);

    /* One byte over the limit: refused, naming the object and the path. */
    assert_int_equal(fileio_read(p, 0, "test file", 9, &data, &len, &err), LH_ETOOBIG);
    assert_null(data);
    assert_int_equal(len, 0);
    assert_non_null(strstr(err.msg, "test file"));
    assert_non_null(strstr(err.msg, p));
    assert_non_null(strstr(err.msg, "larger than 9 bytes"));

    /* An empty file is read as empty. */
    tu_write_file(at(p, "empty"), "", 0644);
    assert_int_equal(fileio_read(p, 0, "test file", 10, &data, &len, &err), 0);
    assert_int_equal(len, 0);
    assert_int_equal(data[0], '\0');
    free(data);

    /* Missing: -ENOENT, said plainly. */
    assert_int_equal(fileio_read(at(p, "missing"), 0, "test file", 10, &data, &len, &err), -ENOENT);
    assert_non_null(strstr(err.msg, "does not exist"));

    /* A directory is not a regular file, stream or not. */
    assert_int_equal(fileio_read(dir, 0, "test file", 10, &data, &len, &err), -EISDIR);
    assert_non_null(strstr(err.msg, "directory"));
    assert_int_equal(fileio_read(dir, FILEIO_STREAM, "test file", 10, &data, &len, &err), -EISDIR);

    /* A FIFO is refused at once, never waited on (this test would hang). */
    assert_int_equal(mkfifo(at(p, "fifo"), 0600), 0);
    assert_int_equal(fileio_read(p, 0, "test file", 10, &data, &len, &err), LH_EINVAL);
    assert_non_null(strstr(err.msg, "not a regular file"));
    char buf[16];
    assert_int_equal(fileio_read_into(p, FILEIO_PRIVATE, "test file", buf, 10, &len, &err),
                     LH_EINVAL);

    /* Through a dirfd. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    assert_int_equal(fileio_read_at(dfd, "ten", 0, "test file", 100, &data, &len, &err), 0);
    assert_int_equal(len, 10);
    free(data);
    close(dfd);
}

static void test_read_into(void **state)
{
    (void)state;
    char p[PATH_MAX], buf[8];
    lh_err err = {{0}};
    size_t len = 0;
    tu_write_file(at(p, "seven"), "abcdefg", 0600);
    assert_int_equal(fileio_read_into(p, 0, "test file", buf, 7, &len, &err), 0);
    assert_int_equal(len, 7);
    assert_string_equal(buf, "abcdefg");
    assert_int_equal(fileio_read_into(p, 0, "test file", buf, 6, &len, &err), LH_ETOOBIG);

    /* PREFIX: the first max bytes, the rest ignored. */
    assert_int_equal(fileio_read_into(p, FILEIO_PREFIX, "test file", buf, 3, &len, &err), 0);
    assert_int_equal(len, 3);
    assert_string_equal(buf, "abc");
}

static void test_modes(void **state)
{
    (void)state;
    char p[PATH_MAX], buf[16];
    lh_err err = {{0}};
    size_t len = 0;
    tu_write_file(at(p, "secret"), "s", 0600);
    assert_int_equal(fileio_read_into(p, FILEIO_PRIVATE, "secret file", buf, 8, &len, &err), 0);

    /* A secret others may read: refused before it is read. */
    static const mode_t open_modes[] = {0640, 0604, 0620, 0602, 0610};
    for (size_t i = 0; i < sizeof open_modes / sizeof open_modes[0]; i++) {
        assert_int_equal(chmod(p, open_modes[i]), 0);
        assert_int_equal(fileio_read_into(p, FILEIO_PRIVATE, "secret file", buf, 8, &len, &err),
                         LH_EPERMFILE);
        assert_non_null(strstr(err.msg, "accessible by group or others"));
        assert_non_null(strstr(err.msg, "chmod 600"));
    }

    /* State others may read but not write is fine; writable is refused. */
    assert_int_equal(chmod(p, 0644), 0);
    assert_int_equal(fileio_read_into(p, FILEIO_UNSHARED, "state file", buf, 8, &len, &err), 0);
    assert_int_equal(chmod(p, 0664), 0);
    assert_int_equal(fileio_read_into(p, FILEIO_UNSHARED, "state file", buf, 8, &len, &err),
                     LH_EPERMFILE);
    assert_non_null(strstr(err.msg, "writable by group or others"));
    assert_int_equal(chmod(p, 0646), 0);
    assert_int_equal(fileio_read_into(p, FILEIO_UNSHARED, "state file", buf, 8, &len, &err),
                     LH_EPERMFILE);

    /* NOFOLLOW: a link at the path is refused; without it, followed. */
    assert_int_equal(chmod(p, 0600), 0);
    char link[PATH_MAX];
    assert_int_equal(symlink(p, at(link, "link")), 0);
    assert_int_equal(fileio_read_into(link, FILEIO_NOFOLLOW, "test file", buf, 8, &len, &err),
                     -ELOOP);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(fileio_read_into(link, 0, "test file", buf, 8, &len, &err), 0);
    assert_string_equal(buf, "s");
}

static void test_write_new(void **state)
{
    (void)state;
    char p[PATH_MAX];
    lh_err err = {{0}};
    mode_t old = umask(0);
    assert_int_equal(fileio_write_new(at(p, "new"), 0600, "hello", 5, "key file", &err), 0);
    umask(old);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    size_t len;
    uint8_t *data = tu_read_file(p, &len);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "hello", 5);
    free(data);

    /* Never overwritten. */
    assert_int_equal(fileio_write_new(p, 0600, "other", 5, "key file", &err), -EEXIST);
    assert_non_null(strstr(err.msg, "already exists"));
    data = tu_read_file(p, &len);
    assert_memory_equal(data, "hello", 5);
    free(data);

    /* Not through a link either, dangling or not. */
    char link[PATH_MAX], target[PATH_MAX];
    assert_int_equal(symlink(at(target, "target"), at(link, "dangling")), 0);
    assert_int_equal(fileio_write_new(link, 0600, "x", 1, "key file", &err), -EEXIST);
    assert_int_equal(access(target, F_OK), -1);

    /* A directory that does not exist: the cause, and nothing left. */
    assert_int_equal(fileio_write_new(at(p, "nodir/new"), 0600, "x", 1, "key file", &err), -ENOENT);
    assert_non_null(strstr(err.msg, "cannot create key file"));

    /* The mode is the one asked for whatever the umask takes away... */
    old = umask(077);
    assert_int_equal(fileio_write_new(at(p, "public"), 0644, "pub", 3, "key file", &err), 0);
    umask(old);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
}

static void test_replace(void **state)
{
    (void)state;
    char p[PATH_MAX];
    lh_err err = {{0}};
    assert_int_equal(fileio_replace(at(p, "state"), 0600, "one", 3, "state file", &err), 0);
    assert_int_equal(fileio_replace(p, 0600, "second", 6, "state file", &err), 0);
    size_t len;
    uint8_t *data = tu_read_file(p, &len);
    assert_int_equal(len, 6);
    assert_memory_equal(data, "second", 6);
    free(data);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    /* No temporary file is left beside it. */
    assert_int_equal(count_prefixed(".state."), 0);

    /* A link at the target is replaced itself, its target left alone. */
    char link[PATH_MAX], target[PATH_MAX];
    tu_write_file(at(target, "elsewhere"), "untouched", 0644);
    assert_int_equal(symlink(target, at(link, "linked")), 0);
    assert_int_equal(fileio_replace(link, 0644, "new", 3, "receipt file", &err), 0);
    data = tu_read_file(target, &len);
    assert_string_equal((char *)data, "untouched");
    free(data);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));

    /* A directory that does not exist: an error naming the file. */
    assert_int_not_equal(fileio_replace(at(p, "nodir/x"), 0644, "x", 1, "receipt file", &err), 0);
    assert_non_null(strstr(err.msg, "receipt file"));

    /* No file name at all. */
    assert_int_equal(fileio_replace(at(p, "sub/"), 0644, "x", 1, "receipt file", &err), LH_EINVAL);
}

static void test_replace_fixed_temp(void **state)
{
    (void)state;
    char p[PATH_MAX];
    lh_err err = {{0}};
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);

    /* The leftover of a crash is reused, and so gone afterwards. */
    tu_write_file(at(p, ".tile.tmp"), "half a til", 0644);
    assert_int_equal(
        fileio_replace_at(dfd, "tile", FILEIO_FIXED_TEMP, 0644, "tile", 4, "dir/tile", &err), 0);
    assert_int_equal(access(p, F_OK), -1);
    size_t len;
    uint8_t *data = tu_read_file(at(p, "tile"), &len);
    assert_string_equal((char *)data, "tile");
    free(data);
    assert_int_equal(fileio_sync_dir_at(dfd, "", "dir", &err), 0);

    /* A link planted at the temporary name is never written through. */
    char target[PATH_MAX];
    tu_write_file(at(target, "victim"), "untouched", 0644);
    assert_int_equal(symlink(target, at(p, ".tile.tmp")), 0);
    assert_int_equal(
        fileio_replace_at(dfd, "tile", FILEIO_FIXED_TEMP, 0644, "evil", 4, "dir/tile", &err),
        -ELOOP);
    assert_non_null(strstr(err.msg, "dir/tile"));
    data = tu_read_file(target, &len);
    assert_string_equal((char *)data, "untouched");
    free(data);
    data = tu_read_file(at(p, "tile"), &len);
    assert_string_equal((char *)data, "tile");
    free(data);
    close(dfd);
}

static void test_sync(void **state)
{
    (void)state;
    lh_err err = {{0}};
    char p[PATH_MAX];
    assert_int_equal(fileio_sync_parent(at(p, "anything"), &err), 0);
    assert_int_equal(fileio_sync_parent("relative-name", &err), 0);
    assert_int_equal(fileio_sync_parent(at(p, "nodir/x"), &err), -ENOENT);
    assert_non_null(strstr(err.msg, "nodir"));
}

/* A path opened beneath a directory one component at a time: a symbolic
 * link on the way or at the end is ELOOP, "..", "." or an empty component
 * EXDEV, and a plain path opens. */
static void test_open_walk(void **state)
{
    (void)state;
    char p[PATH_MAX], q[PATH_MAX];
    assert_int_equal(mkdir(at(p, "walk"), 0700), 0);
    assert_int_equal(mkdir(at(p, "walk/sub"), 0700), 0);
    int fd = open(at(p, "walk/sub/f"), O_WRONLY | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(symlink(at(q, "walk/sub"), at(p, "walk/link")), 0);
    assert_int_equal(symlink("f", at(p, "walk/sub/flink")), 0);
    int root = open(at(p, "walk"), O_RDONLY | O_DIRECTORY);
    assert_true(root >= 0);
    fd = fileio_open_walk(root, "sub/f", O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(fileio_open_walk(root, "link/f", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    assert_int_equal(fileio_open_walk(root, "sub/flink", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
    assert_int_equal(fileio_open_walk(root, "sub/../sub/f", O_RDONLY | O_NOFOLLOW, 0), -EXDEV);
    assert_int_equal(fileio_open_walk(root, "./sub/f", O_RDONLY | O_NOFOLLOW, 0), -EXDEV);
    assert_int_equal(fileio_open_walk(root, "sub//f", O_RDONLY | O_NOFOLLOW, 0), -EXDEV);
    assert_int_equal(fileio_open_walk(root, "sub/none", O_RDONLY | O_NOFOLLOW, 0), -ENOENT);
    close(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read),    cmocka_unit_test(test_read_into),
        cmocka_unit_test(test_modes),   cmocka_unit_test(test_write_new),
        cmocka_unit_test(test_replace), cmocka_unit_test(test_replace_fixed_temp),
        cmocka_unit_test(test_sync),    cmocka_unit_test(test_open_walk),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
