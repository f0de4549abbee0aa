/* host_hw.c - derived quantities of a host's hardware (see host_hw.h). */
#include "models/host/host_hw.h"

uint32_t host_cores(const host_spec *h) { return h->sockets * h->cores_per_socket; }

double host_cpu_capacity_mhz(const host_spec *h) { return (double)host_cores(h) * h->cpu_mhz; }
