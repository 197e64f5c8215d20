/*
 * corpus.h — the records liuhen-bench appends: one author's stream of
 * realistic entries (docs/design.md "Kinds and roles"), in cases that
 * follow the regulations (interferences with their five elements,
 * complaints answered, investigated and decided after the leadership's
 * collective discussion, guidance in writing, corrections by their author,
 * notifications, closings), with Chinese texts, each entry of 300 to 1,000
 * bytes, and author and case chains that are correct from the first entry.
 *
 * A stream belongs to one author and opens its own cases (their ids carry
 * a prefix of the caller's, unique to the run), so that its entries can be
 * signed long before they are sent: no other writer moves its heads. The
 * author's key must be enrolled with the roles corpus_roles() lists.
 *
 * Two ways to use a stream:
 *  - corpus_next(), then the record is appended (lh_append(), which fills
 *    the chain links itself), then corpus_logged() with its entry id;
 *  - corpus_sign_next(): the same, signed here at once into SignedEntry
 *    bytes, for entries signed before a benchmark's clock starts.
 *
 * A stream is used by one thread at a time; streams are independent.
 */
#ifndef LIUHEN_BENCH_CORPUS_H
#define LIUHEN_BENCH_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "entry.h"
#include "errors.h"
#include "liuhen.pb-c.h"

/** The smallest and largest entry the stream makes, in bytes of Entry. */
#define CORPUS_ENTRY_MIN 300
#define CORPUS_ENTRY_MAX 1000

/** One author's stream. Opaque. */
typedef struct corpus corpus;

/** The roles an author key needs for every kind a stream makes. */
const Liuhen__Role *corpus_roles(size_t *n);

/**
 * Make a stream.
 * @param[in] origin       the log's origin, copied into every entry; borrowed
 *                         for the life of the stream.
 * @param[in] author_key   the author's Ed25519 public key; copied.
 * @param[in] case_prefix  the start of the stream's case ids ("QJ-3f9a-07"):
 *                         printable, no spaces, at most 40 bytes; copied.
 * @param[in] seed         the stream's random generator: the same seed
 *                         gives the same records.
 * @param[out] out         free with corpus_free().
 * @return 0; LH_EINVAL; LH_ENOMEM.
 */
int corpus_new(const char *origin, const uint8_t author_key[ENTRY_KEY_BYTES],
               const char *case_prefix, uint64_t seed, corpus **out);

/** Free a stream (its records included). @param[in] c  may be NULL. */
void corpus_free(corpus *c);

/**
 * The author's next record: kind, case, body, recorded_at (a few seconds
 * to two minutes before now), and the chain links as the stream knows
 * them (origin, author_key, author_seq, author_prev, case_prev).
 * @return the record, owned by the stream and valid until the next call.
 */
const Liuhen__Entry *corpus_next(corpus *c);

/**
 * Whether the stream may stop here: no complaint of its cases waits for
 * its answer. A log whose streams all stopped at such points breaks no
 * rule that liuhen-verify --rules applies to what is still open (R4: a
 * decided complaint whose result was not told). The result REPLY comes
 * right after the DECISION, and a TRANSFER right after a complaint for
 * another authority, so at most one more record settles a stream.
 */
bool corpus_settled(const corpus *c);

/**
 * The record corpus_next() returned was logged (or signed) with entry id
 * `id`: the author's and its case's heads move to it, and the later
 * records of the case refer to it where they must (a REPLY to its
 * complaint...).
 */
void corpus_logged(corpus *c, const uint8_t id[ENTRY_ID_BYTES]);

/**
 * The next record, signed with sk (libsodium Ed25519 secret key, seed ||
 * public key, of the stream's author), as SignedEntry bytes; the stream
 * then moves on as corpus_logged() does.
 * @param[out] out  room for cap bytes; ENTRY_SIGNED_SIZE(CORPUS_ENTRY_MAX)
 *                  is enough.
 * @param[out] len  bytes written.
 * @return 0; LH_ELENGTH (cap too small); LH_EINTERNAL (the record does not
 *         validate: a bug of the generator, with err naming the field).
 */
int corpus_sign_next(corpus *c, const uint8_t sk[ENTRY_SK_BYTES], uint8_t *out, size_t cap,
                     size_t *len, lh_err *err);

/** Room corpus_sign_next() needs for one signed entry. */
#define CORPUS_SIGNED_MAX ENTRY_SIGNED_SIZE(CORPUS_ENTRY_MAX)

#endif
