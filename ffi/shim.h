/* Non-inline entry points for DPDK's static-inline fast-path functions,
 * so Rust can call them. Bodies are in shim.c. */
#ifndef VTEP_SHIM_H
#define VTEP_SHIM_H
#include <rte_config.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_cycles.h>
#include <rte_version.h>
#include <rte_dev.h>
#include <rte_bus.h>

uint16_t vtep_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n);
uint16_t vtep_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n);
struct rte_mbuf *vtep_pktmbuf_alloc(struct rte_mempool *mp);
int vtep_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, unsigned n);
void vtep_pktmbuf_free(struct rte_mbuf *m);
void vtep_pktmbuf_free_bulk(struct rte_mbuf **mbufs, unsigned n);
char *vtep_pktmbuf_prepend(struct rte_mbuf *m, uint16_t len);
char *vtep_pktmbuf_adj(struct rte_mbuf *m, uint16_t len);
char *vtep_pktmbuf_append(struct rte_mbuf *m, uint16_t len);
struct rte_mbuf *vtep_pktmbuf_clone(struct rte_mbuf *md, struct rte_mempool *mp);
void vtep_pktmbuf_attach(struct rte_mbuf *mi, struct rte_mbuf *m);
int vtep_pktmbuf_chain(struct rte_mbuf *head, struct rte_mbuf *tail);
uint16_t vtep_mbuf_refcnt_read(const struct rte_mbuf *m);
uint16_t vtep_mbuf_refcnt_update(struct rte_mbuf *m, int16_t v);
unsigned vtep_mempool_in_use_count(const struct rte_mempool *mp);
unsigned vtep_mempool_avail_count(const struct rte_mempool *mp);
unsigned vtep_lcore_id(void);
int vtep_errno(void);
uint64_t vtep_rdtsc(void);
uint64_t vtep_tsc_hz(void);
#endif
