// Egress: a frame's copies to their ports, each in the tag form it needs
// (docs/architecture.md, The path of a frame), for one sender.
//
// Replication policy (DPDK ipv4_multicast's, plus in-place rewrites):
//   - every port wants the frame's bytes as they are: the one mbuf is shared
//     by reference count (rte_pktmbuf_refcnt_update), no copy;
//   - every port wants the same other form (all untagged, all tagged with the
//     VLAN): the frame's own mbuf is rewritten in place (tag popped by moving
//     the MACs, pushed into the headroom, or its VID replaced keeping PCP) and
//     shared — when no one else holds it; otherwise as below;
//   - mixed forms: each form other than the frame's own gets one small header
//     mbuf (MACs [+ tag]) chained to an indirect clone of the frame past its
//     old MACs [+ tag], shared by that form's ports. Payloads are never copied.
// An allocation that fails is a counted no_mbuf drop for the copies it would
// have carried.
//
// `Out` is where copies go: a worker's TxBuffers (tx queues) or the control
// thread's Handoff (rings to the workers that send for it). It has
// put(PortId, rte_mbuf*) — one reference per call — and no_mbuf(PortSet).
#pragma once

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include <optional>

#include "dataplane/forward.h"

namespace l2snoop {

// A header mbuf (MACs [+ a tag of `tag`]) chained to a clone of `pkt` past
// its MACs [+ outer tag when `tagged`]; null when the pool is empty. `pkt`
// stays the caller's.
rte_mbuf* retag(rte_mempool* pool, rte_mbuf* pkt, bool tagged, std::optional<VlanId> tag);
// Rewrites the frame's outer tag per `r` in its own mbuf; false (frame
// untouched) when the mbuf is shared, indirect, chained or lacks headroom.
bool rewrite_in_place(rte_mbuf* m, bool tagged, Rewrite r, VlanId vid);

template <class Out>
class Egress {
public:
    Egress(Out& out, rte_mempool* pool) : out_(out), pool_(pool) {}

    // `pkt` (consumed) to the plan's ports in the plan's forms. `tagged`: the
    // frame has an outer tag at byte 12; `vid`: the VLAN it is switched in.
    void send(rte_mbuf* pkt, bool tagged, VlanId vid, const Plan& p) {
        if (const auto r = p.uniform()) [[likely]] {
            send_uniform(pkt, tagged, *r, vid, p.ports());
            return;
        }
        send_variant(pkt, tagged, std::nullopt, p.untag);
        send_variant(pkt, tagged, vid, p.tag);
        fan_out(pkt, p.as_is);  // none: freed (the variants hold their own references)
    }

    // `pkt` (consumed) to every port of `to`, each copy in form `r`: rewritten
    // in place and shared, or (when it cannot be) one header+clone variant.
    void send_uniform(rte_mbuf* pkt, bool tagged, Rewrite r, VlanId vid, PortSet to) {
        if (r == Rewrite::none || to.empty() || rewrite_in_place(pkt, tagged, r, vid)) {
            fan_out(pkt, to);
            return;
        }
        send_variant(pkt, tagged, r == Rewrite::tag ? std::optional<VlanId>(vid) : std::nullopt, to);
        rte_pktmbuf_free(pkt);  // the variant holds its own reference
    }

    // `m` (consumed) to every port of `to` by reference count; freed when `to` is empty.
    void fan_out(rte_mbuf* m, PortSet to) {
        if (to.empty()) {
            rte_pktmbuf_free(m);
            return;
        }
        // Every segment: rte_pktmbuf_free() releases a chain segment by segment.
        if (to.size() > 1) rte_pktmbuf_refcnt_update(m, static_cast<std::int16_t>(to.size() - 1));
        for (PortId p : to) out_.put(p, m);  // inline: a call per copy was 19 % of a fan-out-4 worker
    }

private:
    // One header+clone variant of `pkt` shared by `to`; `pkt` stays the caller's.
    void send_variant(rte_mbuf* pkt, bool tagged, std::optional<VlanId> tag, PortSet to) {
        if (to.empty()) return;
        rte_mbuf* v = retag(pool_, pkt, tagged, tag);
        if (v == nullptr) {
            out_.no_mbuf(to);
            return;
        }
        fan_out(v, to);
    }

    Out& out_;
    rte_mempool* pool_;
};

}  // namespace l2snoop
