/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 liuhen contributors */
/*
 * record_attach.h — evidence files attached to a record of `liuhen append`
 * (record.h): `--attach FILE[;type=MEDIA/TYPE]` binds a file to the record
 * by its name, size, SHA-256 and media type. The file itself is never
 * stored: the ledger keeps only what binds it (docs/design.md "Entries"), and
 * whoever holds the file can show that it is the one the record names.
 *
 * Errors and codes are those of record.h, each message naming the file.
 *
 * Thread safety: no state; distinct records in any thread.
 */
#ifndef LIUHEN_RECORD_ATTACH_H
#define LIUHEN_RECORD_ATTACH_H

#include "errors.h"
#include "liuhen.pb-c.h"

/**
 * The media type a file name's extension suggests (ASCII case ignored):
 * pdf, jpg/jpeg, png, txt, doc, docx, xls, xlsx, mp3, mp4, wav, zip, json,
 * xml; "application/octet-stream" for any other.
 * @return a static string, never NULL.
 */
const char *record_media_type(const char *name);

/**
 * Attach an evidence file: append to e->attachments its name (the last
 * component of path), SHA-256 and size, and its media type
 * (record_media_type(), or the override). The file is hashed as a stream
 * (libsodium crypto_hash_sha256 over 64 KiB reads), never loaded whole, and
 * is not stored: the ledger keeps only what binds it (docs/design.md "Entries").
 *
 * An argument ending in ";type=MEDIA/TYPE" gives the media type explicitly
 * ("scan.bin;type=image/tiff"); everything before the last ";type=" is the
 * path.
 *
 * @param[in,out] e     the record.
 * @param[in]     path  a regular file (a FIFO or a device is refused: its
 *                      contents could not be read again to check the hash).
 * @param[out]    err   optional detail naming the file.
 * @return 0;
 *         -errno when the file cannot be opened or read (-ENOENT,
 *         -EACCES...); -EAGAIN when its size changed while it was read
 *         (evidence still being written);
 *         LH_EFIELD (not a regular file, a name that is not a valid
 *         attachment name: empty, ".", "..", not UTF-8, a control
 *         character, over ENTRY_SHORT_TEXT_MAX bytes; a media type that is
 *         not type/subtype; ENTRY_ATTACHMENTS_MAX attachments already);
 *         LH_EEXIST (the same file, by name and hash, is already attached);
 *         LH_EINVAL (NULL argument); LH_EINTERNAL (libsodium cannot be
 *         initialised); LH_ENOMEM. e is unchanged on error.
 */
int record_attach_file(Liuhen__Entry *e, const char *path, lh_err *err);

#endif
