// The switch's DPDK ports: how many queues each gets, bring-up one step at a
// time with a precise error each (l2fwd's sequence, plus promiscuous and
// all-multicast for a switch), and link watching.
//
// Links: an LSC interrupt where the PMD has one (the EAL interrupt thread
// only flags it), a 100 ms poll by the control thread everywhere (and the
// kernel carrier of net_af_packet interfaces, which the PMD does not report).
#pragma once

#include <rte_ethdev.h>
#include <rte_mempool.h>

#include <atomic>
#include <string>
#include <vector>

#include "dataplane/options.h"
#include "dataplane/queue_map.h"
#include "fdb/addr.h"

namespace l2snoop {

inline constexpr std::uint16_t kRxDesc = 1024;
inline constexpr std::uint16_t kTxDesc = 1024;

class Ports {
public:
    explicit Ports(std::vector<PortId> ids) : ids_(std::move(ids)) {}
    ~Ports() { unregister_link_events(); }
    Ports(const Ports&) = delete;
    Ports& operator=(const Ports&) = delete;

    // Reads every device and decides its rx queues (--rx-queues, --queue-map,
    // RSS, or what the PMD itself needs) for `workers` workers. Settings a
    // PMD would ignore are logged as ignored, never silently dropped.
    bool probe(const Config& cfg, unsigned workers, std::vector<PortQueues>& out, std::string& error);
    // Configures and starts every port with the queue counts of `map`.
    bool start(const QueueMap& map, rte_mempool* pool, std::string& error);
    // Stops and closes every port (workers stopped first).
    void stop();

    const std::vector<PortId>& ids() const { return ids_; }
    MacAddr mac(PortId p) const;

    // Control thread: reads every link now; publishes the up set and returns
    // the ports whose state changed.
    PortSet refresh();
    // Control thread: whether an LSC interrupt arrived since the last call.
    bool take_link_event() { return link_event_.exchange(false, std::memory_order_acquire); }

    // Written by: the control thread (refresh). Read by: workers, relaxed, per
    // burst or frame: a frame in flight may still go to a port that just went
    // down; nothing is sent to it from the next burst on.
    PortSet up() const { return PortSet::from_bits(up_mask_.load(std::memory_order_relaxed)); }
    // Bumped (release) after every change of up(): the stream caches' clock.
    std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
    std::uint64_t link_events() const { return link_events_.load(std::memory_order_relaxed); }
    bool link_interrupts(PortId p) const { return lsc_ports_.contains(p); }

    // What `port show` says of a port (control thread: link speed as of the last refresh).
    struct Info {
        PortId id;
        std::string name;    // DPDK's device name: PCI address or vdev name
        std::string driver;  // PMD
        MacAddr mac;
        bool up;
        std::uint32_t speed_mbps;  // 0: unknown
    };
    Info info(PortId p) const;

private:
    struct Device {
        rte_eth_dev_info info{};  // read once, by probe()
        std::string driver;
        std::uint16_t rx = 1;
        bool rss = false;              // spread rx by RSS on IP addresses
        std::uint32_t if_index = 0;    // kernel interface whose carrier we follow, 0: none
        std::uint32_t speed_mbps = 0;  // written by refresh (control thread)
    };
    static int on_link_event(std::uint16_t port, rte_eth_event_type type, void* self, void* unused);
    void unregister_link_events();

    std::vector<PortId> ids_;
    std::array<Device, kMaxPorts> dev_{};
    std::atomic<PortSet::Bits> up_mask_{0};
    std::atomic<std::uint64_t> version_{0};
    std::atomic<bool> link_event_{false};        // set by on_link_event, taken by the control thread
    std::atomic<std::uint64_t> link_events_{0};  // LSC interrupts received
    PortSet lsc_ports_;                          // ports whose PMD reports link changes by interrupt
};

}  // namespace l2snoop
