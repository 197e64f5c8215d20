/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * harden.h — what liuhend does to itself so that a flaw in what parses the
 * socket's input yields as little as possible:
 *
 *   harden_process()  at start, before the log key is read: no core files
 *                     (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0:
 *                     no ptrace by other processes of the same user, no
 *                     /proc/PID/mem); the key itself lives in libsodium's
 *                     guarded, locked memory (keyfile.h), never swapped.
 *   harden_seccomp()  once every thread and file liuhend needs at start is
 *                     in place, just before the event loop runs: a seccomp
 *                     filter (libseccomp) on every thread that allows the
 *                     system calls liuhend makes while it runs, kills the
 *                     process on those an intruder wants (execve, ptrace,
 *                     process_vm_*, mount, module and kexec calls, bpf,
 *                     perf_event_open...) and answers any other with
 *                     EPERM, so that a call forgotten here is an error
 *                     that liuhend reports, not a crash.
 *
 * A --publish-hook runs a program after each publication; its child would
 * inherit the filter, so with a hook liuhend installs none and says so.
 */
#ifndef LIUHEN_HARDEN_H
#define LIUHEN_HARDEN_H

#include <stdbool.h>

#include "errors.h"

/**
 * No core dumps, not dumpable. Logs a warning for what fails (a process
 * that cannot harden itself still runs).
 */
void harden_process(void);

/**
 * Install the seccomp filter on every thread of the process.
 * @param[out] err  detail.
 * @return 0; LH_EINTERNAL when libseccomp refuses (the detail names the step).
 */
int harden_seccomp(lh_err *err);

#endif
