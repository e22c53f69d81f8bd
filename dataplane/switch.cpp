#include "dataplane/switch.h"

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include <algorithm>
#include <cstring>
#include <ctime>

#include <net/if.h>

#include "dataplane/log.h"
#include "fdb/bytes.h"

namespace l2snoop {

std::string_view to_string(Drop d) {
    const auto i = static_cast<std::uint8_t>(d);
    if (i <= static_cast<std::uint8_t>(Drop::malformed_last)) return to_string(static_cast<Malformed>(i));
    switch (d) {
        case Drop::reserved: return "reserved";
        case Drop::vlan_not_allowed: return "vlan_not_allowed";
        case Drop::untagged_not_allowed: return "untagged_not_allowed";
        case Drop::punt_rate: return "punt_rate";
        case Drop::punt_ring_full: return "punt_ring_full";
        case Drop::no_mbuf: return "no_mbuf";
        case Drop::tx_full: return "tx_full";
        default: return "?";
    }
}

namespace {

constexpr std::uint16_t kRxDesc = 1024;
constexpr std::uint16_t kTxDesc = 1024;
constexpr unsigned kRingSize = 1024;
constexpr std::uint64_t kLinkCheckNs = 100'000'000;  // link polling: 100 ms
constexpr std::uint64_t kSnapshotNs = 250'000'000;   // telemetry snapshot: 250 ms
constexpr long kIdleSleepNs = 100'000;               // control thread idle: <= 100 us
constexpr Nanos kLearnRefreshNs = 1'000'000'000;     // a confirmed source skips lookups for 1 s

}  // namespace

// Per worker: its rx queues, tx buffers, punt and learn rings, counters.
struct Switch::Worker {
    unsigned id = 0;
    std::vector<std::pair<PortId, std::uint16_t>> rx;  // (port, rx queue) pairs this worker polls
    rte_eth_dev_tx_buffer* txb[kMaxPorts] = {};
    PortSet pending;  // ports with buffered tx
    rte_ring* punt = nullptr;
    rte_ring* learn = nullptr;
    // Punt token buckets per ingress port (tokens scaled by 1e9 for integer math).
    std::uint64_t tokens[kMaxPorts] = {};
    Nanos last_refill[kMaxPorts] = {};  // when each port's punt bucket was last refilled
    // Per ingress port: the last source (vid << 48 | MAC) confirmed on that
    // port, and until when it needs no lookup. A stream's frames share their
    // source, so most frames skip the unicast table; age refreshes then come
    // at most once a second, against 300 s aging.
    std::uint64_t seen_key[kMaxPorts] = {};
    Nanos seen_until[kMaxPorts] = {};
    // process_burst's scratch, here so that no burst pays for initialising it.
    ParsedFrame frames[kMaxBurst];
    PortSet mports[kMaxBurst];  // per multicast lookup slot: the FDB's answer
    Plan mplans[kMaxBurst];     // per slot: where its frames go, by tagging
    StreamKey keys[kMaxBurst];  // per frame: its stream key where make_stream_key gave one
    StreamCache::Decision cached[kMaxBurst];  // per frame: the stream cache's answer
    StreamCache cache;
    WorkerCounters c;
};

Switch::Switch(Config cfg, std::vector<PortId> ports, unsigned workers)
    : cfg_(std::move(cfg)), ports_(std::move(ports)), nworkers_(std::max(1u, workers)), snooper_(cfg_.snoop) {}

Switch::~Switch() {
    stop();
    unregister_link_events();  // the EAL interrupt thread must not call into a Switch that is gone
    for (auto& w : workers_) {
        for (auto* b : w->txb) rte_free(b);
        rte_ring_free(w->punt);
        rte_ring_free(w->learn);
    }
    mfdb_.reset();
    ufdb_.reset();
    rte_free(qsbr_);
    if (pool_) rte_mempool_free(pool_);
}

Time Switch::now() const {
    // TSC cycles times ns per cycle in 32.32 fixed point: a multiply, not the
    // two 64-bit divisions a per-burst clock read cannot afford (perf: 2.4 %
    // of a worker's time); the 128-bit product cannot overflow.
    __extension__ using U128 = unsigned __int128;
    return Time(static_cast<std::int64_t>(U128{rte_get_tsc_cycles()} * ns_per_tsc_ >> 32));
}

bool Switch::init(std::string& error) {
    ns_per_tsc_ = (std::uint64_t{1'000'000'000} << 32) / rte_get_tsc_hz();
    if (ports_.size() > kMaxPorts) {
        error = "at most " + std::to_string(kMaxPorts) + " ports";
        return false;
    }
    // Per port: the workers' admission table, and each VLAN's members and
    // untagged egress ports (vid -> (members, untagged)).
    std::map<VlanId, std::pair<PortSet, PortSet>> vl;
    for (PortId p : ports_) {
        const PortConfig pc = cfg_.port(p);
        ingress_[p].untagged = pc.untagged_vid().value_or(0);
        for (VlanId v = 1; v <= kMaxVlanId; ++v)
            if (pc.carries(v)) {
                ingress_[p].tagged[v >> 6] |= std::uint64_t{1} << (v & 63);
                vl[v].first.add(p);
                if (pc.egress_untagged(v)) vl[v].second.add(p);
            }
    }
    for (const auto& [p, pc] : cfg_.ports)
        if (std::find(ports_.begin(), ports_.end(), p) == ports_.end()) {
            error = "--port " + std::to_string(p) + ": no such DPDK port (" + std::to_string(ports_.size()) + " found)";
            return false;
        }

    // Mempool: every rx descriptor filled, every tx descriptor of every queue
    // in flight, a burst per worker, both rings full, and fan-out headroom of a
    // header + clone per port per frame of a burst (tag rewrites), plus slack.
    const std::size_t nports = ports_.size();
    std::size_t need = nports * (kRxDesc + kTxDesc * (nworkers_ + 1)) +
                       nworkers_ * (kMaxBurst * (1 + 2 * nports) + kRingSize) + 4096;
    std::uint32_t n = cfg_.mbufs ? cfg_.mbufs : static_cast<std::uint32_t>(need);
    n = static_cast<std::uint32_t>(rte_align32pow2(n + 1) - 1);
    pool_ = rte_pktmbuf_pool_create("l2snoop_mbufs", n, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(rte_socket_id()));
    if (pool_ == nullptr) {
        error = "mbuf pool of " + std::to_string(n) + " mbufs: " + rte_strerror(rte_errno) +
                " (give the EAL more memory: -m, or hugepages)";
        return false;
    }

    const std::size_t qsz = rte_rcu_qsbr_get_memsize(nworkers_);
    qsbr_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("l2snoop_qsbr", qsz, RTE_CACHE_LINE_SIZE));
    if (qsbr_ == nullptr || rte_rcu_qsbr_init(qsbr_, nworkers_) != 0) {
        error = "RCU QSBR variable: out of memory";
        return false;
    }
    McastFdbConfig mc;
    mc.max_groups = cfg_.mdb_size;
    mc.max_sources = cfg_.mdb_sources;
    UcastFdbConfig uc;
    uc.capacity = cfg_.fdb_size;
    uc.max_per_port = cfg_.fdb_per_port;
    uc.max_age = static_cast<Nanos>(cfg_.mac_aging.count());
    try {
        mfdb_ = std::make_unique<MulticastFdb>(qsbr_, mc);
        ufdb_ = std::make_unique<UnicastFdb>(qsbr_, uc);
    } catch (const std::bad_alloc&) {
        error = "forwarding tables: out of memory (reduce --mdb-size/--fdb-size or give the EAL more memory)";
        return false;
    }
    if (!mfdb_->init(error) || !ufdb_->init(error)) {
        error = "forwarding tables (--mdb-size " + std::to_string(cfg_.mdb_size) + ", --fdb-size " +
                std::to_string(cfg_.fdb_size) + "): " + error + " (lower them or give the EAL more memory)";
        return false;
    }

    for (unsigned i = 0; i < nworkers_; ++i) {
        auto w = std::make_unique<Worker>();
        w->id = i;
        try {
            w->cache = StreamCache(cfg_.stream_cache);
        } catch (const std::bad_alloc&) {
            error = "stream cache (--stream-cache " + std::to_string(cfg_.stream_cache) + "): out of memory for worker " +
                    std::to_string(i) + " (lower it, or 0 to turn the cache off)";
            return false;
        }
        const std::string pn = "l2s_punt" + std::to_string(i), ln = "l2s_learn" + std::to_string(i);
        w->punt = rte_ring_create(pn.c_str(), kRingSize, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
        w->learn = rte_ring_create_elem(ln.c_str(), sizeof(LearnEvent), kRingSize, static_cast<int>(rte_socket_id()),
                                        RING_F_SP_ENQ | RING_F_SC_DEQ);
        if (w->punt == nullptr || w->learn == nullptr) {
            error = "control rings: " + std::string(rte_strerror(rte_errno));
            return false;
        }
        for (PortId p : ports_) {
            auto* b = static_cast<rte_eth_dev_tx_buffer*>(
                rte_zmalloc_socket("l2s_txb", RTE_ETH_TX_BUFFER_SIZE(kMaxBurst), 0, rte_eth_dev_socket_id(p)));
            if (b == nullptr) {
                error = "tx buffers: out of memory";
                return false;
            }
            rte_eth_tx_buffer_init(b, cfg_.burst);
            // Frames a full queue refuses are freed and counted (l3fwd send_burst).
            rte_eth_tx_buffer_set_err_callback(b, rte_eth_tx_buffer_count_callback,
                                               reinterpret_cast<std::uint64_t*>(&w->c.tx_unsent[p]));
            w->txb[p] = b;
            w->tokens[p] = std::uint64_t{cfg_.punt_burst} * 1'000'000'000u;
        }
        rte_rcu_qsbr_thread_register(qsbr_, i);
        workers_.push_back(std::move(w));
    }
    // Port bring-up, one step at a time with a precise error each (l2fwd).
    std::vector<std::pair<PortId, std::uint16_t>> rx_queues;
    for (PortId p : ports_) {
        const std::string name = "port " + std::to_string(p);
        rte_eth_dev_info info{};
        if (int rc = rte_eth_dev_info_get(p, &info); rc != 0) {
            error = name + ": cannot get device info: " + rte_strerror(-rc);
            return false;
        }
        const std::uint16_t txq = static_cast<std::uint16_t>(nworkers_ + 1);
        // Where the PMD spreads received frames over all of its queues whether
        // we poll them or not (net_af_packet's qpairs share a PACKET_FANOUT
        // group), every queue is polled. Elsewhere: --rx-queues, or one per
        // worker where the port hashes IP addresses (RSS), or one.
        const bool fanout = std::string_view(info.driver_name) == "net_af_packet";
        // net_tap: a multi-queue tap spreads frames over its queues, and it
        // wants as many rx queues as tx queues.
        const bool tap = std::string_view(info.driver_name) == "net_tap";
        const std::uint64_t rss = info.flow_type_rss_offloads & RTE_ETH_RSS_IP;
        std::uint16_t rxq = 1, mapped = 0;  // mapped: queues --queue-map names for this port
        for (const auto& m : cfg_.queue_map)
            if (m.port == p) mapped = std::max<std::uint16_t>(mapped, static_cast<std::uint16_t>(m.queue + 1));
        if (fanout)
            rxq = std::max<std::uint16_t>(1, info.max_rx_queues);
        else if (tap)
            rxq = txq;
        else if (cfg_.rx_queues)
            rxq = cfg_.rx_queues;
        else if (mapped)
            rxq = mapped;
        else if (rss && info.max_rx_queues > 1)
            rxq = static_cast<std::uint16_t>(std::min<unsigned>(nworkers_, info.max_rx_queues));
        if (rxq > info.max_rx_queues) {
            error = name + " (" + info.driver_name + "): " + std::to_string(rxq) + " rx queues wanted (--rx-queues/--queue-map), it has " +
                    std::to_string(info.max_rx_queues);
            return false;
        }
        for (std::uint16_t q = 0; q < rxq; ++q) rx_queues.emplace_back(p, q);
        if_index_[p] = fanout ? info.if_index : 0;
        if (info.max_tx_queues < txq) {
            error = name + " (" + info.driver_name + "): needs " + std::to_string(txq) + " tx queues (one per worker + control), has " +
                    std::to_string(info.max_tx_queues) + " (for net_af_packet add qpairs=" + std::to_string(txq) + ")";
            return false;
        }
        rte_eth_conf conf{};
        if (rxq > 1 && !fanout && !tap) {
            if (rss == 0) {
                error = name + " (" + info.driver_name + "): cannot spread frames over " + std::to_string(rxq) +
                        " rx queues: no RSS on IP addresses";
                return false;
            }
            conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
            conf.rx_adv_conf.rss_conf.rss_hf = rss;  // a stream (same addresses) stays on one queue, in order
        }
        // Link changes: an interrupt where the PMD has one (the EAL interrupt
        // thread calls on_link_event), polling otherwise (control_iteration).
        const bool lsc = info.dev_flags != nullptr && (*info.dev_flags & RTE_ETH_DEV_INTR_LSC);
        if (lsc) {
            conf.intr_conf.lsc = 1;
            if (int rc = rte_eth_dev_callback_register(p, RTE_ETH_EVENT_INTR_LSC, &Switch::on_link_event, this); rc != 0) {
                error = name + ": link state callback: " + rte_strerror(-rc);
                return false;
            }
            lsc_ports_.add(p);
        }
        L2S_LOG(dataplane, INFO, "port %u (%s): link state by %s\n", p, info.driver_name,
                lsc ? "LSC interrupt and a 100 ms poll" : fanout ? "a 100 ms poll of the kernel carrier" : "a 100 ms poll");
        // No RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE: multicast shares mbufs (refcnt > 1).
        if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
        if (int rc = rte_eth_dev_configure(p, rxq, txq, &conf); rc != 0) {
            error = name + ": configure: " + rte_strerror(-rc);
            return false;
        }
        std::uint16_t nrx = kRxDesc, ntx = kTxDesc;
        rte_eth_dev_adjust_nb_rx_tx_desc(p, &nrx, &ntx);
        for (std::uint16_t q = 0; q < rxq; ++q)
            if (int rc = rte_eth_rx_queue_setup(p, q, nrx, rte_eth_dev_socket_id(p), nullptr, pool_); rc != 0) {
                error = name + ": rx queue " + std::to_string(q) + ": " + rte_strerror(-rc);
                return false;
            }
        for (std::uint16_t q = 0; q < txq; ++q)
            if (int rc = rte_eth_tx_queue_setup(p, q, ntx, rte_eth_dev_socket_id(p), &info.default_txconf); rc != 0) {
                error = name + ": tx queue " + std::to_string(q) + ": " + rte_strerror(-rc);
                return false;
            }
        if (int rc = rte_eth_dev_start(p); rc != 0) {
            error = name + ": start: " + rte_strerror(-rc);
            return false;
        }
        // A switch sees every frame: promiscuous and all-multicast.
        if (int rc = rte_eth_promiscuous_enable(p); rc != 0 && rc != -ENOTSUP) {
            error = name + ": promiscuous mode: " + rte_strerror(-rc);
            return false;
        }
        rte_eth_allmulticast_enable(p);
    }
    if (cfg_.queue_map.empty()) {
        for (std::size_t i = 0; i < rx_queues.size(); ++i) workers_[i % nworkers_]->rx.push_back(rx_queues[i]);
    } else {
        // Every (port, queue) polled by exactly the lcore named for it.
        for (const auto& m : cfg_.queue_map) {
            const std::string what = "--queue-map (" + std::to_string(m.port) + "," + std::to_string(m.queue) + "," +
                                     std::to_string(m.lcore) + "): ";
            if (std::find(rx_queues.begin(), rx_queues.end(), std::pair{m.port, m.queue}) == rx_queues.end()) {
                error = what + "no such port or rx queue";
                return false;
            }
            const int wi = m.lcore < RTE_MAX_LCORE ? rte_lcore_index(static_cast<int>(m.lcore)) : -1;
            if (wi < 0 || static_cast<unsigned>(wi) >= nworkers_) {
                error = what + "lcore " + std::to_string(m.lcore) + " is not one of the EAL's -l lcores";
                return false;
            }
            workers_[static_cast<unsigned>(wi)]->rx.emplace_back(m.port, m.queue);
        }
        for (const auto& pq : rx_queues)
            if (std::none_of(cfg_.queue_map.begin(), cfg_.queue_map.end(),
                             [&](const Config::QueueMap& m) { return m.port == pq.first && m.queue == pq.second; })) {
                error = "--queue-map: port " + std::to_string(pq.first) + " rx queue " + std::to_string(pq.second) +
                        " is polled by no lcore (its frames would be lost)";
                return false;
            }
    }
    rte_ether_addr mac{};
    if (!ports_.empty()) rte_eth_macaddr_get(ports_[0], &mac);
    std::memcpy(switch_mac_.b.data(), mac.addr_bytes, 6);
    switch_mac_.b[0] = (switch_mac_.b[0] | 0x02) & 0xfe;  // locally administered, unicast
    // MLD queries need a link-local source: the switch MAC's modified EUI-64 (RFC 4291 App. A).
    const auto& m = switch_mac_.b;
    snooper_.set_default_querier_address6(Ipv6Addr{{0xfe, 0x80, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(m[0] ^ 0x02), m[1],
                                                    m[2], 0xff, 0xfe, m[3], m[4], m[5]}});

    const Time t0 = now();
    check_links();
    for (const auto& [vid, sets] : vl) {
        vlan_ids_.push_back(vid);
        vlans_.set_members(vid, sets.first);
        vlans_.set_untagged(vid, sets.second);
        vlans_.set_snooping(vid, cfg_.vlan_snooping_on(vid));
        auto ls = cfg_.snoop.flood_link_scope6.find(vid);
        vlans_.set_flood_link_scope6(vid, ls != cfg_.snoop.flood_link_scope6.end() && ls->second);
        snooper_.add_vlan(vid, sets.first, cfg_.vlan_snooping_on(vid), t0, actions_);
        refresh_vlan_floods(vid);
    }
    for (const auto& [key, ps] : cfg_.static_groups)
        if (mfdb_->set_group(key.first, key.second, ps & vlans_.members(key.first)) != FdbStatus::ok) {
            error = "--static-group " + std::to_string(key.first) + ":" + key.second.to_string() +
                    ": multicast FDB full (raise --mdb-size)";
            return false;
        }
    apply(actions_);
    build_snapshot();
    return true;
}

// ---- worker -------------------------------------------------------------------

unsigned Switch::worker_iteration(unsigned wi) {
    Worker& w = *workers_[wi];
    // Quiescent once per iteration: no table entry is held across iterations.
    rte_rcu_qsbr_quiescent(qsbr_, wi);
    unsigned total = 0;
    rte_mbuf* pkts[kMaxBurst];
    for (const auto& [p, q] : w.rx) {
        const std::uint16_t n = rte_eth_rx_burst(p, q, pkts, cfg_.burst);
        if (n == 0) continue;
        total += n;
        bump(w.c.rx[p], n);
        process_burst(w, p, pkts, n);
    }
    for (PortId p : w.pending) rte_eth_tx_buffer_flush(p, static_cast<std::uint16_t>(wi), w.txb[p]);
    w.pending = {};
    return total;
}

int Switch::worker_loop(unsigned wi) {
    rte_rcu_qsbr_thread_online(qsbr_, wi);
    while (!stopping()) worker_iteration(wi);
    rte_rcu_qsbr_thread_offline(qsbr_, wi);
    return 0;
}

inline void Switch::buffer_tx(Worker& w, PortId port, rte_mbuf* m) {
    rte_eth_tx_buffer(port, static_cast<std::uint16_t>(w.id), w.txb[port], m);
    w.pending.add(port);
    bump(w.c.tx[port]);
}

void Switch::send_one(Worker* w, PortId port, rte_mbuf* m) {
    if (w != nullptr) {
        buffer_tx(*w, port, m);
        return;
    }
    // The control thread's own queue, one frame at a time (rare).
    bump(control_tx_[port]);
    if (rte_eth_tx_burst(port, static_cast<std::uint16_t>(nworkers_), &m, 1) == 1) {
        ++ctl_.sent;
    } else {
        bump(control_tx_unsent_[port]);  // counted as the port's tx_full drops, like the workers'
        rte_pktmbuf_free(m);
    }
}

inline void Switch::fan_out(Worker* w, rte_mbuf* m, PortSet to) {
    if (to.empty()) {
        rte_pktmbuf_free(m);
        return;
    }
    // Every segment: rte_pktmbuf_free() releases a chain segment by segment.
    if (to.size() > 1) rte_pktmbuf_refcnt_update(m, static_cast<std::int16_t>(to.size() - 1));
    if (w != nullptr) {
        for (PortId p : to) buffer_tx(*w, p, m);  // inline: a call per copy was 19 % of a fan-out-4 worker
        return;
    }
    for (PortId p : to) send_one(nullptr, p, m);
}

rte_mbuf* Switch::retag(rte_mbuf* pkt, bool tagged, std::optional<VlanId> tag) {
    // A small header mbuf (MACs [+ new tag]) chained to an indirect clone of
    // the frame past its old MACs [+ outer tag]: the payload is never copied
    // (DPDK ipv4_multicast's approach).
    rte_mbuf* hdr = rte_pktmbuf_alloc(pool_);
    if (hdr == nullptr) return nullptr;
    rte_mbuf* body = rte_pktmbuf_clone(pkt, pool_);
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

bool Switch::rewrite_in_place(rte_mbuf* m, bool tagged, Rewrite r, VlanId vid) {
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

void Switch::send_variant(Worker* w, rte_mbuf* pkt, bool tagged, std::optional<VlanId> tag, PortSet to) {
    if (to.empty()) return;
    rte_mbuf* v = retag(pkt, tagged, tag);
    if (v == nullptr) {
        if (w) bump(w->c.drops[*to.begin()][static_cast<int>(Drop::no_mbuf)], to.size());
        return;
    }
    fan_out(w, v, to);
}

void Switch::send_rewritten(Worker* w, rte_mbuf* pkt, bool tagged, Rewrite r, VlanId vid, PortSet to) {
    if (r == Rewrite::none || to.empty() || rewrite_in_place(pkt, tagged, r, vid)) {
        fan_out(w, pkt, to);
        return;
    }
    send_variant(w, pkt, tagged, r == Rewrite::tag ? std::optional<VlanId>(vid) : std::nullopt, to);
    rte_pktmbuf_free(pkt);  // the variant holds its own reference
}

Switch::Plan Switch::plan(const ParsedFrame& f, VlanId vid, PortSet ports) const {
    ports &= PortSet::from_bits(up_mask_.load(std::memory_order_relaxed));  // never transmit to a down port
    // Which ports want the frame's bytes as they are, untagged, or tagged
    // with `vid` (transmit() decides how: in place or header+clone). The
    // original keeps its tag form iff it carries an 802.1Q tag of `vid`
    // (untagged stays untagged).
    const PortSet untagged = vlans_.untagged(vid) & ports;
    const PortSet tagged = ports - untagged;
    const bool orig_tagged = f.tag_count >= 1 && f.outer.vid == vid && f.outer.tpid == kEtherTypeVlan;
    const bool orig_untagged = f.tag_count == 0;
    Plan p;
    p.as_is = orig_tagged ? tagged : orig_untagged ? untagged : PortSet{};
    p.untag = orig_untagged ? PortSet{} : untagged;
    p.tag = orig_tagged ? PortSet{} : tagged;
    if (p.untag.empty() && p.tag.empty() && p.as_is.size() == 1) p.single = static_cast<std::int16_t>(*p.as_is.begin());
    return p;
}

void Switch::transmit(rte_mbuf* pkt, const ParsedFrame& f, VlanId vid, const Plan& plan, Worker* w) {
    if (const auto r = plan.uniform()) [[likely]] {  // every port gets the same form: no header+clone needed
        send_rewritten(w, pkt, f.tag_count != 0, *r, vid, plan.ports());
        return;
    }
    send_variant(w, pkt, f.tag_count != 0, std::nullopt, plan.untag);
    send_variant(w, pkt, f.tag_count != 0, vid, plan.tag);
    fan_out(w, pkt, plan.as_is);  // none: freed (the variants hold their own references)
}

PortSet Switch::egress(const ParsedFrame& f, PortId in, VlanId vid, const PortSet* fdb) const {
    const PortSet members = vlans_.members(vid) - PortSet::of({in});
    if (f.cls != FrameClass::mcast_data) return members;
    const IpFamily fam = f.group.family();
    if (!vlans_.snooping(vid) || vlans_.flood_all(vid, fam) || (f.ipv6_link_scope && vlans_.flood_link_scope6(vid)))
        return members;
    // Registered: members of the group plus the family's router ports
    // (RFC 4541 §2.1.2-1); unregistered: the VLAN's policy set plus routers.
    const PortSet routers = vlans_.router_ports(vid, fam);
    return ((fdb ? *fdb : vlans_.unregistered_flood(vid)) | routers) & members;
}

inline void Switch::learn(Worker& w, PortId in, VlanId vid, const std::uint8_t* src, Nanos now_ns) {
    // A known source on this port refreshes its age in place; anything else
    // is an event for the control thread. Group MACs are never sources.
    if (src[0] & 1) return;
    // Built in registers: six bytes stored piecewise and read back as a word
    // stall on store forwarding (perf: most of this function's time).
    std::uint32_t lo;
    std::uint16_t hi;
    std::memcpy(&lo, src, 4);
    std::memcpy(&hi, src + 4, 2);
    const std::uint64_t src_key = lo | std::uint64_t{hi} << 32 | std::uint64_t{vid} << 48;
    if (src_key != w.seen_key[in] || now_ns >= w.seen_until[in]) learn_lookup(w, in, vid, src, src_key, now_ns);
}

void Switch::learn_lookup(Worker& w, PortId in, VlanId vid, const std::uint8_t* src, std::uint64_t src_key,
                          Nanos now_ns) {
    MacAddr mac;
    std::memcpy(mac.b.data(), src, 6);
    UnicastFdb::Entry* e = ufdb_->find(vid, mac);
    if (e != nullptr && e->port.load(std::memory_order_relaxed) == in) {
        UnicastFdb::touch(*e, now_ns);
        w.seen_key[in] = src_key;
        w.seen_until[in] = now_ns + kLearnRefreshNs;
        return;
    }
    LearnEvent ev{};
    std::memcpy(ev.mac, src, 6);
    ev.vid = vid;
    ev.port = in;
    if (rte_ring_sp_enqueue_elem(w.learn, &ev, sizeof ev) == 0)
        bump(w.c.learn_events);
    else
        bump(w.c.learn_ring_full);
}

void Switch::process_burst(Worker& w, PortId in, rte_mbuf** pkts, unsigned n) {
    // Per frame: what stage 3 does with it, and the lookup slot it reads.
    enum : std::uint8_t { kGone, kMcast, kCached, kUnicast, kFlood };
    ParsedFrame* const frames = w.frames;  // worker scratch: nothing to initialise per burst
    StreamKey* const keys = w.keys;
    StreamCache::Decision* const cached = w.cached;
    VlanId vids[kMaxBurst];
    std::uint8_t kind[kMaxBurst], slot[kMaxBurst], head[kMaxBurst];
    bool keyed[kMaxBurst];
    // Multicast lookups, one per run of frames of the same stream (VLAN, group, source).
    unsigned nm = 0, nu = 0;
    VlanId mvids[kMaxBurst], uvids[kMaxBurst];
    const IpAddr* groups[kMaxBurst];
    const IpAddr* sources[kMaxBurst];
    std::uint8_t mfirst[kMaxBurst];  // slot -> the first frame of its run
    const MacAddr* umacs[kMaxBurst];
    // One clock read per burst: learning ages and the punt bucket both use it.
    const Nanos now_ns = static_cast<Nanos>(now().count());
    // Cached decisions hold while no table they were made from changes.
    const bool caching = w.cache.size() != 0;
    const std::uint64_t version = caching ? forwarding_version() : 0;

    // Refill the port's punt bucket (rate in frames/s, tokens scaled by 1e9).
    {
        // Per port: a busy port's bursts must not eat another port's refill time.
        const std::uint64_t dt_ns = w.last_refill[in] ? now_ns - w.last_refill[in] : 0;
        w.last_refill[in] = now_ns;
        const std::uint64_t cap = std::uint64_t{cfg_.punt_burst} * 1'000'000'000u;
        w.tokens[in] = std::min(cap, w.tokens[in] + dt_ns * cfg_.punt_rate);
    }

    // Stage 0: a frame with the same stream bytes as the frame before it
    // joins that frame's chain (stream.h); a chain's first frame gets its
    // stream key, and the cache bucket the key indexes is fetched.
    constexpr unsigned kPrefetchAhead = 4;
    for (unsigned i = 0; i < std::min(n, kPrefetchAhead); ++i) rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void*));
    {
        const std::uint8_t* prev = nullptr;
        std::uint16_t prev_len = 0;
        std::uint8_t prev_l3 = 0;  // 0: the frame before has no stream key
        for (unsigned i = 0; i < n; ++i) {
            if (i + kPrefetchAhead < n) rte_prefetch0(rte_pktmbuf_mtod(pkts[i + kPrefetchAhead], void*));
            const auto* data = rte_pktmbuf_mtod(pkts[i], const std::uint8_t*);
            const std::uint16_t len = rte_pktmbuf_data_len(pkts[i]);
            if (prev_l3 != 0 && same_stream_bytes(prev, prev_len, prev_l3, data, len)) {
                head[i] = head[i - 1];
                keyed[i] = false;
            } else {
                head[i] = static_cast<std::uint8_t>(i);
                keyed[i] = make_stream_key(data, len, in, keys[i]);
                prev_l3 = keyed[i] ? keys[i].l3 : 0;
                if (keyed[i] && caching) w.cache.prefetch(keys[i]);
            }
            prev = data;
            prev_len = len;
        }
    }

    // Stage 1: parse and classify the whole burst, queue lookups.
    int run = -1;  // a chain whose first frame was forwarded as a stream: its frames take that decision unparsed
    unsigned hits = 0, misses = 0;
    for (unsigned i = 0; i < n; ++i) {
        rte_mbuf* m = pkts[i];
        const auto* data = rte_pktmbuf_mtod(m, const std::uint8_t*);
        if (head[i] != i) {
            if (head[i] == run && ipv4_header_checksum_ok(data + keys[run].l3, 20)) {
                // The first frame's admission, learning and lookup stand (frames[i] stays unwritten).
                kind[i] = kind[run];
                slot[i] = slot[run];
                vids[i] = vids[run];
                continue;
            }
        } else if (keyed[i] && caching) {
            if (w.cache.find(keys[i], version, cached[i]) && ipv4_header_checksum_ok(data + keys[i].l3, 20)) {
                kind[i] = kCached;
                slot[i] = static_cast<std::uint8_t>(i);  // cached[i] holds the decision
                vids[i] = cached[i].vid;
                learn(w, in, vids[i], data + 6, now_ns);
                run = static_cast<int>(i);
                ++hits;
                continue;
            }
            ++misses;
        }
        ParsedFrame& f = frames[i];
        parse_frame(data, rte_pktmbuf_data_len(m), f);
        kind[i] = kGone;
        if (f.cls == FrameClass::malformed) {
            bump(w.c.drops[in][static_cast<int>(malformed_drop(f.reason))]);
            rte_pktmbuf_free(m);
            continue;
        }
        if (f.cls == FrameClass::reserved) {
            bump(w.c.drops[in][static_cast<int>(Drop::reserved)]);
            rte_pktmbuf_free(m);
            continue;
        }
        const auto vid = ingress_vlan(f, in);
        if (!vid) {
            const Drop d = f.tag_count && f.outer.vid ? Drop::vlan_not_allowed : Drop::untagged_not_allowed;
            bump(w.c.drops[in][static_cast<int>(d)]);
            rte_pktmbuf_free(m);
            continue;
        }
        vids[i] = *vid;
        learn(w, in, *vid, f.src_mac.b.data(), now_ns);
        if (f.cls == FrameClass::control) {
            if (w.tokens[in] < 1'000'000'000u) {
                bump(w.c.drops[in][static_cast<int>(Drop::punt_rate)]);
                rte_pktmbuf_free(m);
                continue;
            }
            w.tokens[in] -= 1'000'000'000u;
            m->hash.usr = in;
            if (rte_ring_sp_enqueue(w.punt, m) != 0) {
                bump(w.c.drops[in][static_cast<int>(Drop::punt_ring_full)]);
                rte_pktmbuf_free(m);
                continue;
            }
            bump(w.c.punted[in]);
            continue;
        }
        if (f.cls == FrameClass::mcast_data) {
            kind[i] = kMcast;
            if (keyed[i] && opens_ipv4_run(f)) run = static_cast<int>(i);
            // A frame of the same stream as the last one queued shares its
            // lookup and decision (a run the bytes alone could not show:
            // IPv6, IP options, a changed length or tag priority).
            if (nm > 0 && mvids[nm - 1] == *vid && *groups[nm - 1] == f.group && *sources[nm - 1] == f.src &&
                frames[mfirst[nm - 1]].tag_count == f.tag_count && frames[mfirst[nm - 1]].outer == f.outer) {
                slot[i] = static_cast<std::uint8_t>(nm - 1);
                continue;
            }
            slot[i] = static_cast<std::uint8_t>(nm);
            mfirst[nm] = static_cast<std::uint8_t>(i);
            mvids[nm] = *vid;
            groups[nm] = &f.group;
            sources[nm] = &f.src;
            ++nm;
        } else if (f.cls == FrameClass::unicast) {
            kind[i] = kUnicast;
            slot[i] = static_cast<std::uint8_t>(nu);
            uvids[nu] = *vid;
            umacs[nu] = &f.dst_mac;
            ++nu;
        } else {
            kind[i] = kFlood;
        }
    }
    if (hits) bump(w.c.stream_hits, hits);
    if (misses) bump(w.c.stream_misses, misses);

    // Stage 2: bulk lookups for the whole burst, one egress decision per stream.
    PortSet* const mports = w.mports;
    Plan* const mplans = w.mplans;
    PortId uports[kMaxBurst];
    const std::uint64_t mhits = nm ? mfdb_->lookup_bulk(nm, mvids, groups, sources, mports) : 0;
    const std::uint64_t uhits = nu ? ufdb_->lookup_bulk(nu, uvids, umacs, uports) : 0;
    for (unsigned k = 0; k < nm; ++k) {
        const bool hit = mhits >> k & 1;
        const unsigned r = mfirst[k];
        const ParsedFrame& f = frames[r];
        const Plan& p = mplans[k] = plan(f, mvids[k], egress(f, in, mvids[k], hit ? &mports[k] : nullptr));
        // Streams whose frames all leave in one form are remembered (at the
        // version the lookups above saw at the latest).
        if (const auto rw = p.uniform(); caching && keyed[r] && opens_ipv4_run(f) && rw)
            w.cache.insert(keys[r], version,
                           {p.ports().bits(), mvids[k], static_cast<std::int8_t>(p.single), !hit, *rw});
    }

    // Stage 3: send.
    for (unsigned i = 0; i < n; ++i) {
        PortSet out;
        switch (kind[i]) {
            case kGone: continue;
            case kCached: {
                const StreamCache::Decision& d = cached[slot[i]];
                if (d.flooded) bump(w.c.flooded[in]);
                if (d.single >= 0)
                    buffer_tx(w, static_cast<PortId>(d.single), pkts[i]);
                else if (d.rewrite == Rewrite::none)
                    fan_out(&w, pkts[i], PortSet::from_bits(d.ports));
                else
                    send_rewritten(&w, pkts[i], keys[slot[i]].l3 == 18, d.rewrite, d.vid, PortSet::from_bits(d.ports));
                continue;
            }
            case kMcast: {
                const unsigned k = slot[i];
                if (!(mhits >> k & 1)) bump(w.c.flooded[in]);
                if (const int p = mplans[k].single; p >= 0) {  // one port, frame as is
                    buffer_tx(w, static_cast<PortId>(p), pkts[i]);
                    continue;
                }
                // The stream's first frame: a run's later frames were never parsed.
                transmit(pkts[i], frames[mfirst[k]], vids[i], mplans[k], &w);
                continue;
            }
            case kUnicast:
                if (uhits >> slot[i] & 1) {
                    const PortId d = uports[slot[i]];
                    out = d == in ? PortSet{} : PortSet::of({d}) & vlans_.members(vids[i]);
                    break;
                }
                [[fallthrough]];  // unknown unicast floods
            default:
                out = egress(frames[i], in, vids[i], nullptr);
                bump(w.c.flooded[in]);
                break;
        }
        transmit(pkts[i], frames[i], vids[i], plan(frames[i], vids[i], out), &w);
    }
}

// ---- control thread ---------------------------------------------------------------

void Switch::refresh_vlan_floods(VlanId vid) {
    // Where unregistered multicast goes (routers are added by the worker).
    PortSet set = cfg_.flood_ports;
    if (cfg_.unregistered == UnregisteredPolicy::flood) set |= vlans_.members(vid);
    vlans_.set_unregistered_flood(vid, set & vlans_.members(vid));
}

void Switch::apply(Actions& a) {
    for (const auto& f : a.fdb) {
        FdbStatus s = FdbStatus::ok;
        // Static memberships ride on top of whatever snooping publishes.
        auto st = cfg_.static_groups.find({f.vid, f.group});
        const PortSet fixed = st == cfg_.static_groups.end() ? PortSet{} : st->second;
        switch (f.kind) {
            case FdbAction::Kind::set_group: s = mfdb_->set_group(f.vid, f.group, f.ports | fixed); break;
            case FdbAction::Kind::remove_group:
                s = fixed.empty() ? mfdb_->remove_group(f.vid, f.group) : mfdb_->set_group(f.vid, f.group, fixed);
                break;
            case FdbAction::Kind::set_source: s = mfdb_->set_source(f.vid, f.group, f.source, f.ports); break;
            case FdbAction::Kind::remove_source: s = mfdb_->remove_source(f.vid, f.group, f.source); break;
        }
        if (s != FdbStatus::ok) {
            ++ctl_.fdb_errors;
            L2S_LOG(snooping, WARNING, "multicast FDB refused %s in VLAN %u: %s\n", f.group.to_string().c_str(), f.vid,
                    std::string(to_string(s)).c_str());
        } else if (f.kind == FdbAction::Kind::set_group || f.kind == FdbAction::Kind::remove_group) {
            L2S_LOG(snooping, DEBUG, "VLAN %u group %s -> ports %s\n", f.vid, f.group.to_string().c_str(),
                    f.kind == FdbAction::Kind::remove_group ? "(removed)" : f.ports.to_string().c_str());
        }
    }
    for (const auto& r : a.routers) {
        vlans_.set_router_ports(r.vid, r.family, r.ports);
        L2S_LOG(snooping, INFO, "VLAN %u %s router ports: %s\n", r.vid, r.family == IpFamily::v4 ? "IGMP" : "MLD",
                r.ports.to_string().c_str());
    }
    for (const auto& f : a.flood) vlans_.set_flood_all(f.vid, f.family, f.flood);
    for (const auto& s : a.send) {
        const std::vector<std::uint8_t> frame = build_frame(s.msg, switch_mac_, s.src, s.dst);
        rte_mbuf* m = rte_pktmbuf_alloc(pool_);
        if (m == nullptr) continue;
        auto* p = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_append(m, static_cast<std::uint16_t>(frame.size())));
        if (p == nullptr) {
            rte_pktmbuf_free(m);
            continue;
        }
        std::memcpy(p, frame.data(), frame.size());
        const ParsedFrame pf = parse_frame(p, frame.size());
        transmit(m, pf, s.vid, plan(pf, s.vid, s.ports & vlans_.members(s.vid)), nullptr);
    }
    a.clear();
}

void Switch::handle_control_frame(rte_mbuf* pkt) {
    ++ctl_.control_frames;
    const PortId in = static_cast<PortId>(pkt->hash.usr);
    const auto* data = rte_pktmbuf_mtod(pkt, const std::uint8_t*);
    const ParsedFrame f = parse_frame(data, rte_pktmbuf_data_len(pkt));
    const auto vid = ingress_vlan(f, in);
    if (f.cls != FrameClass::control || !vid) {
        rte_pktmbuf_free(pkt);
        return;
    }
    const Time t = now();
    Disposition d;
    if (f.control == ControlKind::pim_hello) {
        // Holdtime option (type 1) if present, else the RFC 7761 default.
        Duration hold = kPimHelloHoldtime;
        const std::uint8_t* o = data + f.l4_offset + 4;
        const std::uint8_t* end = data + f.l4_offset + f.l4_length;
        while (end - o >= 4) {
            const std::uint16_t type = load_be16(o), len = load_be16(o + 2);
            if (type == 1 && len == 2 && end - o >= 6) hold = std::chrono::seconds(load_be16(o + 4));
            o += 4 + len;
        }
        d = snooper_.on_pim_hello(in, *vid, f.group.family(), hold, t, actions_);
    } else {
        Message m;
        const IpContext ip{f.src, f.group, f.ttl, f.router_alert};
        const DecodeError e = decode(f.group.family(), {data + f.l4_offset, f.l4_length}, ip, m);
        if (e == DecodeError::unknown_type) {
            d = snooper_.on_unknown(in, *vid);
        } else if (e != DecodeError::none) {
            ++ctl_.decode_errors[static_cast<int>(e)];  // never learned from, never flooded
            rte_pktmbuf_free(pkt);
            return;
        } else {
            d = snooper_.on_message(in, *vid, m, f.src, t, actions_);
        }
    }
    apply(actions_);
    ++ctl_.forwarded;
    transmit(pkt, f, *vid, plan(f, *vid, d.forward & vlans_.members(*vid)), nullptr);
}

// Kernel carrier of an interface (net_af_packet does not report it itself).
static bool kernel_carrier(std::uint32_t if_index) {
    char name[IF_NAMESIZE];
    if (if_indextoname(if_index, name) == nullptr) return false;
    const std::string path = std::string("/sys/class/net/") + name + "/carrier";
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr) return false;
    const int c = std::fgetc(f);
    std::fclose(f);
    return c == '1';
}

void Switch::check_links() {
    PortSet up;
    for (PortId p : ports_) {
        rte_eth_link link{};
        if (rte_eth_link_get_nowait(p, &link) == 0 && link.link_status == RTE_ETH_LINK_UP &&
            (if_index_[p] == 0 || kernel_carrier(if_index_[p])))
            up.add(p);
    }
    const PortSet before = PortSet::from_bits(up_mask_.load(std::memory_order_relaxed));
    if (up == before) return;
    up_mask_.store(up.bits(), std::memory_order_relaxed);
    links_version_.fetch_add(1, std::memory_order_release);
    const Time t = now();
    for (PortId p : ports_) {
        if (up.contains(p) == before.contains(p)) continue;
        ++ctl_.link_changes;
        L2S_LOG(dataplane, INFO, "port %u link %s\n", p, up.contains(p) ? "up" : "down");
        snooper_.set_port_up(p, up.contains(p), t, actions_);
        if (!up.contains(p)) ufdb_->flush_port(p);
    }
    apply(actions_);
}

unsigned Switch::control_iteration() {
    unsigned work = 0;
    for (auto& w : workers_) {
        rte_mbuf* pkts[32];
        const unsigned n = rte_ring_sc_dequeue_burst(w->punt, reinterpret_cast<void**>(pkts), 32, nullptr);
        for (unsigned i = 0; i < n; ++i) handle_control_frame(pkts[i]);
        LearnEvent ev[64];
        const unsigned k = rte_ring_sc_dequeue_burst_elem(w->learn, ev, sizeof(LearnEvent), 64, nullptr);
        const Nanos t = static_cast<Nanos>(now().count());
        for (unsigned i = 0; i < k; ++i) {
            MacAddr mac;
            std::memcpy(mac.b.data(), ev[i].mac, 6);
            const LearnResult r = ufdb_->learn(ev[i].vid, mac, ev[i].port, t);
            if (r == LearnResult::learned || r == LearnResult::moved) ++ctl_.learned;
        }
        work += n + k;
    }
    const Time t = now();
    snooper_.on_timer(t, actions_);
    apply(actions_);
    ufdb_->age(static_cast<Nanos>(t.count()));
    mfdb_->reclaim();
    ufdb_->reclaim();
    const auto tn = static_cast<std::uint64_t>(t.count());
    // An LSC interrupt is acted on at once; the poll covers PMDs without one
    // (and the kernel carrier of net_af_packet ports).
    if (link_event_.exchange(false, std::memory_order_acquire) || tn >= next_link_check_) {
        check_links();
        next_link_check_ = tn + kLinkCheckNs;
    }
    if (tn >= next_snapshot_) {
        build_snapshot();
        next_snapshot_ = tn + kSnapshotNs;
    }
    return work;
}

namespace {
void* control_main(void* arg) {
    auto* sw = static_cast<Switch*>(arg);
    while (!sw->stopping()) {
        if (sw->control_iteration() == 0) {
            // Idle: sleep briefly (<= 100 us) so the control thread needs no core of its own.
            const timespec ts{0, kIdleSleepNs};
            nanosleep(&ts, nullptr);
        }
    }
    return nullptr;
}
}  // namespace

bool Switch::start_control_thread(std::string& error) {
    if (int rc = rte_ctrl_thread_create(&control_thread_, "l2snoop-ctl", nullptr, control_main, this); rc != 0) {
        error = std::string("control thread: ") + std::strerror(rc);
        return false;
    }
    control_started_ = true;
    return true;
}

void Switch::stop() {
    stop_.store(true);
    if (control_started_) {
        pthread_join(control_thread_, nullptr);
        control_started_ = false;
    }
}

int Switch::on_link_event(std::uint16_t, rte_eth_event_type, void* self, void*) {
    // EAL interrupt thread: only flag it; the control thread owns the snooper.
    auto* sw = static_cast<Switch*>(self);
    sw->link_events_.fetch_add(1, std::memory_order_relaxed);
    sw->link_event_.store(true, std::memory_order_release);
    return 0;
}

void Switch::unregister_link_events() {
    for (PortId p : lsc_ports_) rte_eth_dev_callback_unregister(p, RTE_ETH_EVENT_INTR_LSC, &Switch::on_link_event, this);
    lsc_ports_ = {};
}

void Switch::stop_ports() {
    unregister_link_events();
    for (PortId p : ports_) {
        rte_eth_dev_stop(p);
        rte_eth_dev_close(p);
    }
}

Switch::StreamStats Switch::stream_stats() const {
    StreamStats s;
    for (const auto& w : workers_) {
        s.hits += w->c.stream_hits.load(std::memory_order_relaxed);
        s.misses += w->c.stream_misses.load(std::memory_order_relaxed);
        s.entries += w->cache.size();
    }
    return s;
}

Switch::PortStats Switch::port_stats(PortId p) const {
    PortStats s;
    s.tx = control_tx_[p].load(std::memory_order_relaxed);
    s.tx_unsent = control_tx_unsent_[p].load(std::memory_order_relaxed);
    for (const auto& w : workers_) {
        s.rx += w->c.rx[p].load(std::memory_order_relaxed);
        s.tx += w->c.tx[p].load(std::memory_order_relaxed);
        s.flooded += w->c.flooded[p].load(std::memory_order_relaxed);
        s.punted += w->c.punted[p].load(std::memory_order_relaxed);
        s.tx_unsent += w->c.tx_unsent[p].load(std::memory_order_relaxed);
        for (int d = 0; d < static_cast<int>(Drop::kCount); ++d) s.drops[d] += w->c.drops[p][d].load(std::memory_order_relaxed);
    }
    return s;
}

void Switch::build_snapshot() {
    auto s = std::make_shared<Snapshot>();
    const Time t = now();
    s->memberships = snooper_.memberships(t);
    s->queriers = snooper_.queriers(t);
    mfdb_->for_each_group([&](const MulticastFdb::GroupView& g) { s->groups.push_back(g); });
    ufdb_->for_each([&](const UnicastFdb::View& v) { s->macs.push_back(v); });
    s->snoop = snooper_.counters();
    s->control = ctl_;
    std::lock_guard lock(snapshot_mu_);
    snapshot_ = std::move(s);
}

std::shared_ptr<const Switch::Snapshot> Switch::snapshot() const {
    std::lock_guard lock(snapshot_mu_);
    return snapshot_;
}

}  // namespace l2snoop
