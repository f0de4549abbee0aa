/* spill.h - blocks of a run's records parked on disk until the end.
 *
 * A model that must keep records for a table written at the end (DRS's
 * migrations for /tables/vmotions) parks the records it no longer changes
 * here instead of in memory, so its memory stops growing with run length
 * (issue 18, item 4; docs/clusters.md "Memory, fifth pass").
 *
 * Contract
 *  - The store is an unlinked temporary file in $TMPDIR (else /tmp): it
 *    disappears with the process, whatever happens; nothing else sees it.
 *  - spill_put may be called concurrently from several threads (handlers of
 *    LPs on different threads): each call reserves its own byte range. The
 *    ranges' order in the file depends on the threads' timing, so callers
 *    keep the returned offsets and read by offset: what is read back never
 *    depends on the timing.
 *  - Failure is never fatal: spill_open returns NULL and spill_put -1 (no
 *    space, no temporary directory), and the caller keeps the block in
 *    memory as if there were no store. spill_get fails only if the file was
 *    damaged behind our back.
 */
#ifndef VDCSIM_SIM_SPILL_H
#define VDCSIM_SIM_SPILL_H

#include <stddef.h>
#include <stdint.h>

typedef struct spill spill;

/* A new empty store, or NULL (no temporary file could be made). */
spill *spill_open(void);

/* Appends len bytes; returns their offset (>= 0), or -1 when they could not
 * all be written (the caller keeps its copy). Thread-safe. */
int64_t spill_put(spill *s, const void *data, size_t len);

/* Reads back len bytes put at offset into data. 0, or -1. */
int spill_get(const spill *s, int64_t offset, void *data, size_t len);

/* Bytes put so far (the file's size). */
int64_t spill_bytes(const spill *s);

/* Closes (and so deletes) the store. NULL is a no-op. */
void spill_close(spill *s);

#endif
