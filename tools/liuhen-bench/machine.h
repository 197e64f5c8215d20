/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * machine.h — what a benchmark's figures were measured on, so that they
 * can be compared across machines: the CPU, its cores, the kernel, the
 * memory, the file system of the data directory, and the source's commit.
 */
#ifndef LIUHEN_BENCH_MACHINE_H
#define LIUHEN_BENCH_MACHINE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct machine {
    char cpu[128];    /**< /proc/cpuinfo's model name, else the architecture */
    long cores;       /**< online processors */
    char kernel[160]; /**< "Linux 6.1.0-18-amd64" */
    uint64_t memory_mib;
    char dir[PATH_MAX];  /**< the data directory measured */
    char fs_type[32];    /**< "ext4", "xfs", "tmpfs"...; "unknown" */
    char fs_source[256]; /**< the device or source of that mount */
    char fs_mount[PATH_MAX];
    char commit[48]; /**< `git rev-parse HEAD` in the working directory, or "unknown" */
    bool dirty;      /**< the working tree has uncommitted changes to tracked files */
    char date[32];   /**< when, UTC, ISO 8601 */
} machine;

/**
 * Describe this machine, with `dir` as the data directory whose file
 * system is reported (from /proc/self/mountinfo: the mount holding it).
 * Whatever cannot be found is "unknown"; this never fails.
 */
void machine_describe(const char *dir, machine *out);

#endif
