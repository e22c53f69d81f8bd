#include "dataplane/egress.h"

#include <cstring>

#include "dataplane/parse.h"
#include "fdb/bytes.h"

namespace l2snoop {

rte_mbuf* retag(rte_mempool* pool, rte_mbuf* pkt, bool tagged, std::optional<VlanId> tag) {
    rte_mbuf* hdr = rte_pktmbuf_alloc(pool);
    if (hdr == nullptr) return nullptr;
    rte_mbuf* body = rte_pktmbuf_clone(pkt, pool);
    if (body == nullptr) {
        rte_pktmbuf_free(hdr);
        return nullptr;
    }
    const std::uint16_t old_len = static_cast<std::uint16_t>(12 + (tagged ? 4 : 0));
    rte_pktmbuf_adj(body, old_len);
    const std::uint16_t new_len = static_cast<std::uint16_t>(12 + (tag ? 4 : 0));
    auto* h = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_append(hdr, new_len));
    const auto* d = rte_pktmbuf_mtod(pkt, const std::uint8_t*);
    std::memcpy(h, d, 12);
    if (tag) {
        store_be16(h + 12, kEtherTypeVlan);
        const std::uint16_t pcp = tagged ? d[14] >> 5 : 0;  // the outer tag's priority
        store_be16(h + 14, static_cast<std::uint16_t>((pcp << 13) | *tag));
    }
    hdr->next = body;
    hdr->nb_segs = static_cast<std::uint16_t>(body->nb_segs + 1);
    hdr->pkt_len = new_len + body->pkt_len;
    return hdr;
}

bool rewrite_in_place(rte_mbuf* m, bool tagged, Rewrite r, VlanId vid) {
    // Only a frame no one else holds, in one direct segment (every received
    // frame, in practice).
    if (!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 || m->nb_segs != 1) return false;
    auto* d = rte_pktmbuf_mtod(m, std::uint8_t*);
    if (r == Rewrite::untag) {
        if (!tagged) return false;
        std::memmove(d + 4, d, 12);  // the MACs over the outer tag
        rte_pktmbuf_adj(m, 4);
        return true;
    }
    if (tagged) {  // the outer tag becomes an 802.1Q tag of `vid`, its priority kept
        store_be16(d + 12, kEtherTypeVlan);
        store_be16(d + 14, static_cast<std::uint16_t>((d[14] >> 5) << 13 | vid));
        return true;
    }
    d = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_prepend(m, 4));
    if (d == nullptr) return false;  // no headroom
    std::memmove(d, d + 4, 12);
    store_be16(d + 12, kEtherTypeVlan);
    store_be16(d + 14, vid);
    return true;
}

}  // namespace l2snoop
