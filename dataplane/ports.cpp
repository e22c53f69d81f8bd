#include "dataplane/ports.h"

#include <rte_errno.h>

#include <algorithm>
#include <cstdio>

#include <net/if.h>

#include "dataplane/log.h"

namespace l2snoop {

bool Ports::probe(const Config& cfg, unsigned workers, std::vector<PortQueues>& out, std::string& error) {
    out.clear();
    for (PortId p : ids_) {
        const std::string name = "port " + std::to_string(p);
        Device& d = dev_[p];
        const rte_eth_dev_info& info = d.info;
        if (int rc = rte_eth_dev_info_get(p, &d.info); rc != 0) {
            error = name + ": cannot get device info: " + rte_strerror(-rc);
            return false;
        }
        d.driver = info.driver_name;
        const std::uint16_t max_tx = cfg.tx_queues ? std::min(cfg.tx_queues, info.max_tx_queues) : info.max_tx_queues;
        const std::uint16_t txq = static_cast<std::uint16_t>(std::min<unsigned>(workers, max_tx));  // as the queue map
        // net_af_packet spreads received frames over all of its qpairs (a
        // PACKET_FANOUT group) whether we poll them or not: every queue is
        // polled. A multi-queue net_tap spreads them too, and wants as many
        // rx queues as tx queues. Elsewhere: --rx-queues, or --queue-map's
        // queues, or one per worker where the port hashes IP addresses (RSS), or one.
        const bool fanout = d.driver == "net_af_packet";
        const bool tap = d.driver == "net_tap";
        const std::uint64_t rss = info.flow_type_rss_offloads & RTE_ETH_RSS_IP;
        std::uint16_t mapped = 0;  // queues --queue-map names for this port
        for (const auto& m : cfg.queue_map)
            if (m.port == p) mapped = std::max<std::uint16_t>(mapped, static_cast<std::uint16_t>(m.queue + 1));
        if (fanout || tap) {
            d.rx = fanout ? std::max<std::uint16_t>(1, info.max_rx_queues) : txq;
            if (cfg.rx_queues && cfg.rx_queues != d.rx)
                L2S_LOG(dataplane, WARNING, "%s (%s): --rx-queues %u ignored: the PMD spreads frames over its own %u queue%s%s\n",
                        name.c_str(), d.driver.c_str(), cfg.rx_queues, d.rx, d.rx == 1 ? "" : "s",
                        fanout ? " (set them with the vdev's qpairs=N)" : "");
        } else if (cfg.rx_queues) {
            d.rx = cfg.rx_queues;
        } else if (mapped) {
            d.rx = mapped;
        } else if (rss && info.max_rx_queues > 1) {
            d.rx = static_cast<std::uint16_t>(std::min<unsigned>(workers, info.max_rx_queues));
        } else {
            d.rx = 1;
        }
        if (d.rx > info.max_rx_queues) {
            error = name + " (" + d.driver + "): " + std::to_string(d.rx) + " rx queues wanted (--rx-queues/--queue-map), it has " +
                    std::to_string(info.max_rx_queues);
            return false;
        }
        if (d.rx > 1 && !fanout && !tap) {
            if (rss == 0) {
                error = name + " (" + d.driver + "): cannot spread frames over " + std::to_string(d.rx) +
                        " rx queues: no RSS on IP addresses";
                return false;
            }
            d.rss = true;
        }
        d.if_index = fanout ? info.if_index : 0;
        out.push_back({p, d.rx, max_tx});
    }
    return true;
}

bool Ports::start(const QueueMap& map, rte_mempool* pool, std::string& error) {
    for (PortId p : ids_) {
        const std::string name = "port " + std::to_string(p);
        const Device& d = dev_[p];
        const rte_eth_dev_info& info = d.info;
        const std::uint16_t txq = map.tx_queues[p];
        rte_eth_conf conf{};
        if (d.rss) {
            conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
            // A stream (same addresses) stays on one queue, in order.
            conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads & RTE_ETH_RSS_IP;
        }
        const bool lsc = info.dev_flags != nullptr && (*info.dev_flags & RTE_ETH_DEV_INTR_LSC);
        if (lsc) {
            conf.intr_conf.lsc = 1;
            if (int rc = rte_eth_dev_callback_register(p, RTE_ETH_EVENT_INTR_LSC, &Ports::on_link_event, this); rc != 0) {
                error = name + ": link state callback: " + rte_strerror(-rc);
                return false;
            }
            lsc_ports_.add(p);
        }
        // No RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE: multicast shares mbufs (refcnt > 1).
        if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
        if (int rc = rte_eth_dev_configure(p, d.rx, txq, &conf); rc != 0) {
            error = name + ": configure: " + rte_strerror(-rc);
            return false;
        }
        std::uint16_t nrx = kRxDesc, ntx = kTxDesc;
        rte_eth_dev_adjust_nb_rx_tx_desc(p, &nrx, &ntx);
        for (std::uint16_t q = 0; q < d.rx; ++q)
            if (int rc = rte_eth_rx_queue_setup(p, q, nrx, rte_eth_dev_socket_id(p), nullptr, pool); rc != 0) {
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
        L2S_LOG(dataplane, INFO, "port %u (%s): %s; link state by %s\n", p, d.driver.c_str(), map.describe(p).c_str(),
                lsc ? "LSC interrupt and a 100 ms poll" : d.if_index ? "a 100 ms poll of the kernel carrier" : "a 100 ms poll");
    }
    return true;
}

void Ports::stop() {
    unregister_link_events();
    for (PortId p : ids_) {
        rte_eth_dev_stop(p);
        rte_eth_dev_close(p);
    }
}

MacAddr Ports::mac(PortId p) const {
    rte_ether_addr a{};
    rte_eth_macaddr_get(p, &a);
    MacAddr m;
    std::copy(std::begin(a.addr_bytes), std::end(a.addr_bytes), m.b.begin());
    return m;
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

PortSet Ports::refresh() {
    PortSet now_up;
    for (PortId p : ids_) {
        rte_eth_link link{};
        const bool got = rte_eth_link_get_nowait(p, &link) == 0;
        if (got && link.link_status == RTE_ETH_LINK_UP && (dev_[p].if_index == 0 || kernel_carrier(dev_[p].if_index)))
            now_up.add(p);
        dev_[p].speed_mbps = got && link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN ? link.link_speed : 0;
    }
    const PortSet before = up();
    if (now_up == before) return {};
    up_mask_.store(now_up.bits(), std::memory_order_relaxed);
    version_.fetch_add(1, std::memory_order_release);
    return (now_up - before) | (before - now_up);
}

Ports::Info Ports::info(PortId p) const {
    char name[RTE_ETH_NAME_MAX_LEN] = "";
    rte_eth_dev_get_name_by_port(p, name);
    return {p, name, dev_[p].driver, mac(p), up().contains(p), dev_[p].speed_mbps};
}

int Ports::on_link_event(std::uint16_t, rte_eth_event_type, void* self, void*) {
    // EAL interrupt thread: only flag it; the control thread owns the snooper.
    auto* ports = static_cast<Ports*>(self);
    ports->link_events_.fetch_add(1, std::memory_order_relaxed);
    ports->link_event_.store(true, std::memory_order_release);
    return 0;
}

void Ports::unregister_link_events() {
    for (PortId p : lsc_ports_) rte_eth_dev_callback_unregister(p, RTE_ETH_EVENT_INTR_LSC, &Ports::on_link_event, this);
    lsc_ports_ = {};
}

}  // namespace l2snoop
