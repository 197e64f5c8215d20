/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * harden.c — harden.h.
 *
 * The allowed system calls are those liuhend was seen to make while it
 * runs (strace -f of the integration suite: appends, queries, export,
 * backup, publication, witnesses over HTTP, the drain at SIGTERM) and
 * those glibc, libuv, LMDB and libcurl may use for the same work on
 * another kernel or load (clone for clone3, poll for epoll, the *at
 * forms). Arguments are not filtered: the point is to take away what an
 * intruder needs next (a shell, another process's memory, the kernel's
 * rarer interfaces), not to describe liuhend's behaviour call by call.
 */
#include "harden.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <seccomp.h>

#include "i18n.h"
#include "log.h"

void harden_process(void)
{
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        log_warn(_("cannot turn off core files (RLIMIT_CORE): %s"), strerror(errno));
#if !defined(__SANITIZE_ADDRESS__)
    /* (Not in ASan builds: LeakSanitizer ptraces the process at exit.) */
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        log_warn(_("cannot make the process undumpable (PR_SET_DUMPABLE): %s"), strerror(errno));
#endif
}

/* What liuhend does while it runs. */
static const char *const allowed[] = {
    /* memory */
    "brk",
    "mmap",
    "munmap",
    "mremap",
    "mprotect",
    "madvise",
    "mlock",
    "munlock",
    "msync",
    "membarrier",
    /* threads, signals, time */
    "clone",
    "futex",
    "set_robust_list",
    "get_robust_list",
    "rseq",
    "set_tid_address",
    "exit",
    "exit_group",
    "gettid",
    "getpid",
    "getppid",
    "tgkill",
    "rt_sigaction",
    "rt_sigprocmask",
    "rt_sigreturn",
    "rt_sigtimedwait",
    "sigaltstack",
    "restart_syscall",
    "sched_yield",
    "sched_getaffinity",
    "sched_setattr",
    "sched_getattr",
    "setpriority",
    "getpriority",
    "nanosleep",
    "clock_nanosleep",
    "clock_gettime",
    "clock_getres",
    "gettimeofday",
    "time",
    "getrusage",
    "prlimit64",
    "getrlimit",
    "sysinfo",
    "uname",
    "prctl",
    "arch_prctl",
    "getuid",
    "geteuid",
    "getgid",
    "getegid",
    "getgroups",
    "getrandom",
    /* event loop */
    "epoll_create1",
    "epoll_ctl",
    "epoll_wait",
    "epoll_pwait",
    "epoll_pwait2",
    "eventfd2",
    "pipe2",
    "poll",
    "ppoll",
    "select",
    "pselect6",
    "timerfd_create",
    "timerfd_settime",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    /* files: the store, publication, export, backup, state */
    "read",
    "write",
    "readv",
    "writev",
    "pread64",
    "pwrite64",
    "preadv",
    "pwritev",
    "preadv2",
    "pwritev2",
    "lseek",
    "openat",
    "openat2",
    "open",
    "close",
    "close_range",
    "dup",
    "dup2",
    "dup3",
    "fcntl",
    "flock",
    "ioctl",
    "fstat",
    "newfstatat",
    "statx",
    "stat",
    "lstat",
    "fstatfs",
    "statfs",
    "access",
    "faccessat",
    "faccessat2",
    "readlink",
    "readlinkat",
    "getdents64",
    "getcwd",
    "fsync",
    "fdatasync",
    "sync_file_range",
    "syncfs",
    "ftruncate",
    "fallocate",
    "fadvise64",
    "mkdir",
    "mkdirat",
    "rename",
    "renameat",
    "renameat2",
    "unlink",
    "unlinkat",
    "rmdir",
    "link",
    "linkat",
    "chmod",
    "fchmod",
    "fchmodat",
    "fchown",
    "fchownat",
    "umask",
    "utimensat",
    "copy_file_range",
    "sendfile",
    /* the socket, and HTTP to witnesses */
    "socket",
    "socketpair",
    "bind",
    "listen",
    "accept",
    "accept4",
    "connect",
    "shutdown",
    "getsockname",
    "getpeername",
    "getsockopt",
    "setsockopt",
    "sendto",
    "recvfrom",
    "sendmsg",
    "recvmsg",
    "sendmmsg",
    "recvmmsg",
#if defined(__SANITIZE_ADDRESS__)
    /* LeakSanitizer's check at exit: a tracer thread stops the others
     * with ptrace and waits for them. */
    "ptrace",
    "wait4",
    "waitid",
    "kill",
    "getdents",
#endif
};

/* What an intruder wants next: the process is killed. */
static const char *const fatal[] = {
    "execve",
    "execveat",
    "fork",
    "vfork",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "bpf",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "userfaultfd",
    "unshare",
    "setns",
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "setgroups",
    "personality",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
#if !defined(__SANITIZE_ADDRESS__)
    /* LeakSanitizer stops the world with ptrace at exit. */
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
#endif
};

static int add_rules(scmp_filter_ctx ctx, const char *const *names, size_t n, uint32_t action,
                     lh_err *err)
{
    for (size_t i = 0; i < n; i++) {
        int nr = seccomp_syscall_resolve_name(names[i]);
        if (nr == __NR_SCMP_ERROR)
            continue; /* not a system call of this architecture */
        int rc = seccomp_rule_add(ctx, action, nr, 0);
        if (rc != 0)
            return lh_err_set(err, LH_EINTERNAL, "seccomp: rule for %s: %s", names[i],
                              strerror(-rc));
    }
    return 0;
}

int harden_seccomp(lh_err *err)
{
    /* clone3 answers ENOSYS, so that glibc falls back to clone. */
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
    if (ctx == NULL)
        return lh_err_set(err, LH_EINTERNAL, "seccomp: cannot create a filter");
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc != 0) {
        seccomp_release(ctx);
        return lh_err_set(err, LH_EINTERNAL, "seccomp: cannot apply to every thread: %s",
                          strerror(-rc));
    }
    if ((rc = add_rules(ctx, allowed, sizeof allowed / sizeof allowed[0], SCMP_ACT_ALLOW, err)) !=
            0 ||
        (rc = add_rules(ctx, fatal, sizeof fatal / sizeof fatal[0], SCMP_ACT_KILL_PROCESS, err)) !=
            0) {
        seccomp_release(ctx);
        return rc;
    }
    int nr = seccomp_syscall_resolve_name("clone3");
    if (nr != __NR_SCMP_ERROR && (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0)) != 0) {
        seccomp_release(ctx);
        return lh_err_set(err, LH_EINTERNAL, "seccomp: rule for %s: %s", "clone3", strerror(-rc));
    }
    rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc != 0)
        return lh_err_set(err, LH_EINTERNAL, "seccomp: cannot load the filter: %s", strerror(-rc));
    return 0;
}
