/* Thin, out-of-line wrappers: DPDK's fast path is static inline in its
 * headers, which bindgen cannot bind. Compiled with pkg-config's cflags so
 * the inline code sees the same rte_config.h and ISA as the library. */
#include "shim.h"

uint16_t vtep_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{ return rte_eth_rx_burst(port, queue, pkts, n); }
uint16_t vtep_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n)
{ return rte_eth_tx_burst(port, queue, pkts, n); }
struct rte_mbuf *vtep_pktmbuf_alloc(struct rte_mempool *mp) { return rte_pktmbuf_alloc(mp); }
int vtep_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, unsigned n)
{ return rte_pktmbuf_alloc_bulk(mp, mbufs, n); }
void vtep_pktmbuf_free(struct rte_mbuf *m) { rte_pktmbuf_free(m); }
void vtep_pktmbuf_free_bulk(struct rte_mbuf **mbufs, unsigned n) { rte_pktmbuf_free_bulk(mbufs, n); }
char *vtep_pktmbuf_prepend(struct rte_mbuf *m, uint16_t len) { return rte_pktmbuf_prepend(m, len); }
char *vtep_pktmbuf_adj(struct rte_mbuf *m, uint16_t len) { return rte_pktmbuf_adj(m, len); }
char *vtep_pktmbuf_append(struct rte_mbuf *m, uint16_t len) { return rte_pktmbuf_append(m, len); }
struct rte_mbuf *vtep_pktmbuf_clone(struct rte_mbuf *md, struct rte_mempool *mp)
{ return rte_pktmbuf_clone(md, mp); }
void vtep_pktmbuf_attach(struct rte_mbuf *mi, struct rte_mbuf *m) { rte_pktmbuf_attach(mi, m); }
int vtep_pktmbuf_chain(struct rte_mbuf *head, struct rte_mbuf *tail) { return rte_pktmbuf_chain(head, tail); }
uint16_t vtep_mbuf_refcnt_read(const struct rte_mbuf *m) { return rte_mbuf_refcnt_read(m); }
uint16_t vtep_mbuf_refcnt_update(struct rte_mbuf *m, int16_t v) { return rte_mbuf_refcnt_update(m, v); }
unsigned vtep_mempool_in_use_count(const struct rte_mempool *mp) { return rte_mempool_in_use_count(mp); }
unsigned vtep_mempool_avail_count(const struct rte_mempool *mp) { return rte_mempool_avail_count(mp); }
unsigned vtep_lcore_id(void) { return rte_lcore_id(); }
int vtep_errno(void) { return rte_errno; }
uint64_t vtep_rdtsc(void) { return rte_rdtsc(); }
uint64_t vtep_tsc_hz(void) { return rte_get_tsc_hz(); }
