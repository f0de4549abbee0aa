/* grow.h - the one way an array that only grows gets room for more.
 *
 * sim_grow(&items, &cap, need, sizeof *items, first): makes *cap at least
 * need, doubling from `first` (or from *cap when it is not 0) and moving
 * the items with realloc. Returns 0, or -1 when the size would overflow
 * or memory runs out (items and cap unchanged). Arrays of event handlers
 * (queues, waiting lists) call it with need = n + 1 before an append and
 * abort on -1: a handler cannot report failure.
 */
#ifndef VDCSIM_SIM_GROW_H
#define VDCSIM_SIM_GROW_H

#include <stddef.h>
#include <stdint.h>

int sim_grow(void **items, uint32_t *cap, uint32_t need, size_t item_size, uint32_t first);

#endif
