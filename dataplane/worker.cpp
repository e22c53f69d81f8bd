#include "dataplane/worker.h"

#include <rte_errno.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <ctime>
#include <cstring>

namespace l2snoop {

namespace {
constexpr unsigned kPrefetchAhead = 4;           // frames whose headers are fetched ahead of the chain pass
enum Kind : std::uint8_t { kGone, kMcast, kCached, kUnicast, kFlood };

// IPv4 (untagged or one 802.1Q tag) to a multicast MAC, protocol IGMP: what
// the parser would most likely punt. Only for dropping over the policer.
inline bool looks_like_igmp(const std::uint8_t* d, std::uint16_t len) {
    if (len < 38 || d[0] != 0x01) return false;
    const std::size_t l3 = d[12] == 0x81 && d[13] == 0x00 ? 18 : 14;
    return d[l3 - 2] == 0x08 && d[l3 - 1] == 0x00 && d[l3 + 9] == 2;
}
}  // namespace

Worker::Worker(unsigned id, const WorkerSettings& s, const SharedTables& t, const Clock& clock, rte_mempool* pool,
               rte_rcu_qsbr* qsbr)
    : id_(id), s_(s), t_(t), clock_(clock), qsbr_(qsbr), egress_(tx_, pool), policer_(s.punt_rate, s.punt_burst) {}

Worker::~Worker() {
    // Frames still in flight to this worker go back to the pool (PuntQueues frees its own).
    if (handoff_ != nullptr) {
        HandedFrame h;
        while (rte_ring_sc_dequeue_elem(handoff_, &h, sizeof h) == 0) rte_pktmbuf_free(h.m);
        rte_ring_free(handoff_);
    }
    rte_ring_free(learn_);
}

bool Worker::init(const QueueMap& map, TxLocks& locks, std::string& error) {
    try {
        cache_ = StreamCache(s_.stream_cache);
    } catch (const std::bad_alloc&) {
        error = "stream cache (--stream-cache " + std::to_string(s_.stream_cache) + "): out of memory for worker " +
                std::to_string(id_) + " (lower it, or 0 to turn the cache off)";
        return false;
    }
    const auto ring = [&](const char* what, unsigned esize) {
        const std::string name = std::string("l2s_") + what + std::to_string(id_);
        return rte_ring_create_elem(name.c_str(), esize, kRingSize, static_cast<int>(rte_socket_id()),
                                    RING_F_SP_ENQ | RING_F_SC_DEQ);
    };
    learn_ = ring("learn", sizeof(LearnEvent));
    handoff_ = ring("handoff", sizeof(HandedFrame));
    if (learn_ == nullptr || handoff_ == nullptr) {
        error = "worker rings: " + std::string(rte_strerror(rte_errno));
        return false;
    }
    rx_ = map.rx[id_];
    std::vector<PortId> polled;
    for (const auto& pq : rx_) polled.push_back(pq.first);
    if (!punts_.init(id_, polled, s_.punt_queue, s_.punt_reserve, error)) return false;
    tx_.init(id_, map, locks, s_.burst, c_);
    return true;
}

unsigned Worker::iteration() {
    // Quiescent once per iteration: no table entry is held across iterations.
    rte_rcu_qsbr_quiescent(qsbr_, id_);
    unsigned total = 0;
    rte_mbuf* pkts[kMaxBurst];
    for (const auto& [p, q] : rx_) {
        const std::uint16_t n = rte_eth_rx_burst(p, q, pkts, s_.burst);
        if (n == 0) continue;
        total += n;
        bump(c_.rx[p], n);
        process_burst(p, pkts, n);
    }
    send_handed();
    tx_.flush_all();
    return total;
}

void Worker::run(const std::atomic<bool>& stop) {
    rte_rcu_qsbr_thread_online(qsbr_, id_);
    while (!stop.load(std::memory_order_relaxed)) {
        if (iteration() != 0 || s_.idle_sleep_ns == 0) continue;
        // Nothing arrived: give the core away for a while (--idle-sleep).
        // Offline meanwhile, so the control thread's grace periods never wait
        // for a sleeping worker. Never with traffic: a poll that found any
        // frame is followed at once by the next.
        rte_rcu_qsbr_thread_offline(qsbr_, id_);
        const timespec ts{static_cast<time_t>(s_.idle_sleep_ns / 1000000000), static_cast<long>(s_.idle_sleep_ns % 1000000000)};
        nanosleep(&ts, nullptr);
        rte_rcu_qsbr_thread_online(qsbr_, id_);
    }
    rte_rcu_qsbr_thread_offline(qsbr_, id_);
}

void Worker::send_handed() {
    HandedFrame h[32];
    const unsigned n = rte_ring_sc_dequeue_burst_elem(handoff_, h, sizeof h[0], 32, nullptr);
    for (unsigned i = 0; i < n; ++i) tx_.put(h[i].port, h[i].m);
}

inline void Worker::learn(PortId in, VlanId vid, const std::uint8_t* src, Time now) {
    // Group MACs are never sources.
    if (src[0] & 1) return;
    const std::uint64_t w = vlan_mac_word(vid, src);
    if (!learned_.fresh(w, in, LearnCache::units(now))) learn_lookup(in, vid, src, w, now);
}

// A known source on this port refreshes its age in place; anything else is
// an event for the control thread. Either way the cache holds it for a while.
void Worker::learn_lookup(PortId in, VlanId vid, const std::uint8_t* src, std::uint64_t word, Time now) {
    const LearnCache::Units t = LearnCache::units(now);
    UnicastFdb::Entry* e = t_.ufdb->find(word);
    if (e != nullptr && e->port.load(std::memory_order_relaxed) == in) {
        UnicastFdb::touch(*e, now);
        learned_.remember(word, in, t + LearnCache::kConfirmedHold);
        return;
    }
    LearnEvent ev{};
    std::memcpy(ev.mac, src, 6);
    ev.vid = vid;
    ev.port = in;
    if (rte_ring_sp_enqueue_elem(learn_, &ev, sizeof ev) == 0) {
        bump(c_.learn_events);
        learned_.remember(word, in, t + LearnCache::kAskedHold);
    } else {
        bump(c_.learn_ring_full);
    }
}

// The burst's control frames to the port's punt queue, in one enqueue; what
// it refuses is counted and freed.
void Worker::punt(PortId in, unsigned n) {
    const unsigned taken = punts_.offer(in, b_.punts, n);
    if (taken) bump(c_.punted[in], taken);
    if (taken == n) return;
    bump(c_.drops[in][static_cast<int>(Drop::punt_ring_full)], n - taken);
    for (unsigned i = taken; i < n; ++i) rte_pktmbuf_free(b_.punts[i].m);
}

void Worker::process_burst(PortId in, rte_mbuf** pkts, unsigned n) {
    Burst& b = b_;
    // One clock read per burst: learning ages and the punt bucket both use it.
    const Time now = clock_.now();
    // Cached decisions hold while no table they were made from changes.
    const bool caching = cache_.size() != 0;
    const std::uint64_t version = caching ? t_.version() : 0;
    const VlanTable& vlans = *t_.vlans;

    policer_.refill(in, now);

    // Stage 0: a frame with the same stream bytes as the frame before it
    // joins that frame's chain (stream.h); a chain's first frame gets its
    // stream key, and the cache bucket the key indexes is fetched.
    for (unsigned i = 0; i < std::min(n, kPrefetchAhead); ++i) rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));
    {
        const std::uint8_t* prev = nullptr;
        std::uint16_t prev_len = 0;
        std::uint8_t prev_l3 = 0;  // 0: the frame before has no stream key
        for (unsigned i = 0; i < n; ++i) {
            if (i + kPrefetchAhead < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + kPrefetchAhead], void*));
            const auto* data = rte_pktmbuf_mtod(pkts[i], const std::uint8_t*);
            const std::uint16_t len = rte_pktmbuf_data_len(pkts[i]);
            Burst::Frame& fr = b.f[i];
            if (prev_l3 != 0 && same_stream_bytes(prev, prev_len, prev_l3, data, len)) {
                fr.head = b.f[i - 1].head;
                fr.keyed = false;
            } else {
                fr.head = static_cast<std::uint8_t>(i);
                fr.keyed = make_stream_key(data, len, in, b.keys[i]);
                prev_l3 = fr.keyed && !b.keys[i].v6 ? b.keys[i].l3 : 0;  // runs by bytes: IPv4
                if (fr.keyed && caching) cache_.prefetch(b.keys[i]);
            }
            prev = data;
            prev_len = len;
        }
    }

    // Stage 1: parse, admit and classify the whole burst; queue lookups.
    int run = -1;  // a chain whose first frame was forwarded as a stream: its frames take that decision unparsed
    unsigned hits = 0, misses = 0, nm = 0, nu = 0, np = 0, nd = 0;
    for (unsigned i = 0; i < n; ++i) {
        rte_mbuf* m = pkts[i];
        const auto* data = rte_pktmbuf_mtod(m, const std::uint8_t*);
        Burst::Frame& fr = b.f[i];
        if (fr.head != i) {
            if (fr.head == run && ipv4_header_checksum_ok(data + b.keys[run].l3, 20)) {
                // The first frame's admission, learning and lookup stand (parsed[i] stays unwritten).
                fr.kind = b.f[run].kind;
                fr.slot = b.f[run].slot;
                fr.vid = b.f[run].vid;
                continue;
            }
        } else if (fr.keyed && caching) {
            if (cache_.find(b.keys[i], version, b.cached[i]) &&
                (b.keys[i].v6 || ipv4_header_checksum_ok(data + b.keys[i].l3, 20))) {
                fr.kind = kCached;
                fr.slot = static_cast<std::uint8_t>(i);  // cached[i] holds the decision
                fr.vid = b.cached[i].vid;
                learn(in, fr.vid, data + 6, now);
                run = static_cast<int>(i);
                ++hits;
                continue;
            }
            ++misses;
        }
        fr.kind = kGone;
        // A port whose policer is empty drops what looks like IGMP before
        // parsing it: a flood costs the worker less than a parse per frame.
        if (policer_.empty(in) && looks_like_igmp(data, rte_pktmbuf_data_len(m))) {
            bump(c_.drops[in][static_cast<int>(Drop::punt_rate)]);
            b.dead[nd++] = m;
            continue;
        }
        ParsedFrame& f = b.parsed[i];
        parse_frame(data, rte_pktmbuf_data_len(m), f);
        if (f.cls == FrameClass::malformed || f.cls == FrameClass::reserved) {
            const Drop d = f.cls == FrameClass::reserved ? Drop::reserved : malformed_drop(f.reason);
            bump(c_.drops[in][static_cast<int>(d)]);
            b.dead[nd++] = m;
            continue;
        }
        const auto vid = t_.admission->vlan(f, in);
        if (!vid) {
            const Drop d = f.tag_count && f.outer.vid ? Drop::vlan_not_allowed : Drop::untagged_not_allowed;
            bump(c_.drops[in][static_cast<int>(d)]);
            b.dead[nd++] = m;
            continue;
        }
        fr.vid = *vid;
        learn(in, *vid, f.src_mac.b.data(), now);
        // GMRP/MMRP frames are control frames where the protocol runs.
        const ControlKind ck = f.cls == FrameClass::other_multicast ? mrp_control(f, vlans.mrp(*vid)) : f.control;
        if (f.cls == FrameClass::control || ck != ControlKind::none) {
            if (!policer_.take(in)) {
                bump(c_.drops[in][static_cast<int>(Drop::punt_rate)]);
                b.dead[nd++] = m;
                continue;
            }
            // What the control thread needs of the parse travels with the frame
            // (GMRP/MMRP: the PDU after the EtherType or length, to the frame's end).
            const bool mrp = f.cls != FrameClass::control;
            const auto l4_length = mrp ? static_cast<std::uint16_t>(rte_pktmbuf_data_len(m) - f.l3_offset) : f.l4_length;
            b.punts[np++] = {m,      in,           *vid,  ck, arrival(f, *vid), f.ttl, f.router_alert,
                             mrp ? f.l3_offset : f.l4_offset, l4_length, f.src, f.group};
            continue;
        }
        if (f.cls == FrameClass::mcast_data) {
            fr.kind = kMcast;
            if (fr.keyed && opens_stream(f)) run = static_cast<int>(i);
            // A frame of the same stream as the last one queued shares its
            // lookup and decision (a run the bytes alone could not show:
            // IPv6, IP options, a changed length or tag priority).
            if (nm > 0 && b.mvids[nm - 1] == *vid && *b.groups[nm - 1] == f.group && *b.sources[nm - 1] == f.src &&
                b.parsed[b.mfirst[nm - 1]].tag_count == f.tag_count && b.parsed[b.mfirst[nm - 1]].outer == f.outer) {
                fr.slot = static_cast<std::uint8_t>(nm - 1);
                continue;
            }
            fr.slot = static_cast<std::uint8_t>(nm);
            b.mfirst[nm] = static_cast<std::uint8_t>(i);
            b.mvids[nm] = *vid;
            b.groups[nm] = &f.group;
            b.sources[nm] = &f.src;
            ++nm;
        } else if (f.cls == FrameClass::unicast) {
            fr.kind = kUnicast;
            fr.slot = static_cast<std::uint8_t>(nu);
            b.uvids[nu] = *vid;
            b.umacs[nu] = &f.dst_mac;
            ++nu;
        } else {
            fr.kind = kFlood;
        }
    }
    if (np) punt(in, np);
    if (nd) rte_pktmbuf_free_bulk(b.dead, nd);  // dropped frames (counted above), back to the pool at once
    if (hits) bump(c_.stream_hits, hits);
    if (misses) bump(c_.stream_misses, misses);

    // Stage 2: bulk lookups for the whole burst, one forwarding decision per stream.
    const PortSet up = t_.ports->up();
    const std::uint64_t mhits = nm ? t_.mfdb->lookup_bulk(nm, b.mvids, b.groups, b.sources, b.mports) : 0;
    const std::uint64_t uhits = nu ? t_.ufdb->lookup_bulk(nu, b.uvids, b.umacs, b.uports) : 0;
    for (unsigned k = 0; k < nm; ++k) {
        const bool hit = mhits >> k & 1;
        const unsigned r = b.mfirst[k];
        const ParsedFrame& f = b.parsed[r];
        const PortSet to = egress_ports(f, in, b.mvids[k], hit ? &b.mports[k] : nullptr, vlans);
        const Plan& p = b.mplans[k] = plan(to, b.mvids[k], arrival(f, b.mvids[k]), up, vlans);
        // Streams whose frames all leave in one form are remembered (at the
        // version the lookups above saw at the latest).
        if (const auto rw = p.uniform(); caching && b.f[r].keyed && opens_stream(f) && rw)
            cache_.insert(b.keys[r], version, {p.ports().bits(), b.mvids[k], static_cast<std::int8_t>(p.single), !hit, *rw});
    }

    // Stage 3: send.
    for (unsigned i = 0; i < n; ++i) {
        const Burst::Frame& fr = b.f[i];
        PortSet to;
        switch (fr.kind) {
            case kGone: continue;
            case kCached: {
                const StreamCache::Decision& d = b.cached[fr.slot];
                if (d.flooded) bump(c_.flooded[in]);
                if (d.single >= 0)
                    tx_.put(static_cast<PortId>(d.single), pkts[i]);
                else
                    egress_.send_uniform(pkts[i], b.keys[fr.slot].l3 == 18, d.rewrite, d.vid, PortSet::from_bits(d.ports));
                continue;
            }
            case kMcast: {
                const unsigned k = fr.slot;
                if (!(mhits >> k & 1)) bump(c_.flooded[in]);
                if (const int p = b.mplans[k].single; p >= 0) {  // one port, frame as is
                    tx_.put(static_cast<PortId>(p), pkts[i]);
                    continue;
                }
                // The stream's first frame: a run's later frames were never parsed.
                egress_.send(pkts[i], b.parsed[b.mfirst[k]].tag_count != 0, fr.vid, b.mplans[k]);
                continue;
            }
            case kUnicast:
                if (uhits >> fr.slot & 1) {
                    to = unicast_ports(b.uports[fr.slot], in, fr.vid, vlans);
                    break;
                }
                [[fallthrough]];  // unknown unicast floods
            default: {
                // Non-IP multicast in a VLAN running GMRP/MMRP: its MAC's registration, if any.
                const ParsedFrame& f = b.parsed[i];
                std::optional<PortSet> reg;
                if (f.cls == FrameClass::other_multicast && vlans.mrp(fr.vid)) reg = t_.mfdb->lookup_mac(fr.vid, f.dst_mac);
                to = egress_ports(f, in, fr.vid, reg ? &*reg : nullptr, vlans);
                if (!reg) bump(c_.flooded[in]);
                break;
            }
        }
        const ParsedFrame& f = b.parsed[i];
        egress_.send(pkts[i], f.tag_count != 0, fr.vid, plan(to, fr.vid, arrival(f, fr.vid), up, vlans));
    }
}

}  // namespace l2snoop
