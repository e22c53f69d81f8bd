// The application options after `--` (docs/deployment.md, Options), from the command line and
// an INI file with the same names. Parsing and validation are pure: no EAL, so
// every bad option has a unit test.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "fdb/addr.h"
#include "fdb/port_set.h"
#include "dataplane/queue_map.h"
#include "fdb/vlan_table.h"
#include "mrp/engine.h"
#include "snooping/config.h"

namespace l2snoop {

struct PortConfig {
    enum class Mode : std::uint8_t { access, trunk } mode = Mode::access;
    VlanId access_vid = 1;
    std::vector<VlanId> trunk_vids;
    std::optional<VlanId> native;  // trunk: untagged frames belong to this VLAN

    // The VLAN an untagged (or priority-tagged) frame arriving here belongs to.
    std::optional<VlanId> untagged_vid() const { return mode == Mode::access ? std::optional(access_vid) : native; }
    bool carries(VlanId v) const;
    bool egress_untagged(VlanId v) const { return mode == Mode::access ? v == access_vid : native == v; }
    friend bool operator==(const PortConfig&, const PortConfig&) = default;
};

struct Config {
    std::map<PortId, PortConfig> ports;  // ports not named: access in VLAN 1
    bool snooping = true;
    std::map<VlanId, bool> vlan_snooping;
    SnoopConfig snoop;
    PortSet flood_ports;  // always receive unregistered multicast (RFC 4541 §2.1.2-3)
    // Static memberships (VLAN, group) -> ports, kept whatever snooping learns
    // (like `bridge mdb add ... permanent`).
    std::map<std::pair<VlanId, IpAddr>, PortSet> static_groups;
    // Static (S,G) memberships (VLAN, group, source) -> ports: that source only.
    std::map<std::tuple<VlanId, IpAddr, IpAddr>, PortSet> static_sources;
    UnregisteredPolicy unregistered = UnregisteredPolicy::flood;
    // GMRP/MMRP: where they run and their leave time (off by default: see docs/mrp.md).
    mrp::MrpConfig mrp;
    std::map<VlanId, UnregisteredPolicy> vlan_unregistered;  // per VLAN, over `unregistered`
    // Static unicast MACs (VLAN, MAC) -> port: never learned elsewhere, never aged.
    std::map<std::pair<VlanId, MacAddr>, PortId> static_macs;

    // Engine.
    std::uint32_t mdb_size = 16384;
    std::uint32_t mdb_sources = 16384;
    std::uint32_t fdb_size = 65536;
    std::uint32_t fdb_per_port = 8192;
    Duration mac_aging = std::chrono::seconds(300);
    std::uint16_t burst = 32;
    // A worker whose poll found nothing sleeps this long (0: polls without
    // pause, a core to itself); for cores shared with other work.
    Duration idle_sleep{0};
    // Stream cache entries per worker (stream.h), a power of two; 0: off.
    std::uint32_t stream_cache = 131072;
    std::uint32_t mbufs = 0;        // 0: sized by formula (see switch.cpp)
    std::uint32_t punt_rate = 20000;    // policer: control frames per second per port (0: none)
    std::uint32_t punt_burst = 16384;   // the policer's depth: control frames a port may send back to back
    std::uint32_t punt_queue = 16384;   // punted frames a worker holds for the control thread, all ports together
    std::uint32_t punt_reserve = 256;   // of which each port may always hold
    // Rx queues per port, spread by RSS on IP addresses (a stream stays on one
    // queue, in order); 0: one per worker where the port has RSS, else one.
    std::uint16_t rx_queues = 0;
    // At most this many tx queues per port; 0: one per worker where the port has them.
    std::uint16_t tx_queues = 0;
    // Which lcore polls which (port, rx queue), like l3fwd's --config;
    // empty: the (port, queue) pairs are dealt round-robin to the workers.
    using QueueMap = RxAssignment;
    std::vector<QueueMap> queue_map;
    // The group whose members may use the control socket besides root; empty: root only.
    std::string control_group;

    PortConfig port(PortId p) const {
        auto it = ports.find(p);
        return it == ports.end() ? PortConfig{} : it->second;
    }
    bool vlan_snooping_on(VlanId v) const {
        auto it = vlan_snooping.find(v);
        return it == vlan_snooping.end() ? snooping : it->second;
    }
    UnregisteredPolicy unregistered_in(VlanId v) const {
        auto it = vlan_unregistered.find(v);
        return it == vlan_unregistered.end() ? unregistered : it->second;
    }
    friend bool operator==(const Config&, const Config&) = default;
};

// Parsed options, or one line saying what is wrong (naming the option or the
// config file line). `help` is set when --help was asked for.
struct ParseResult {
    std::optional<Config> config;
    std::string error;
    std::string help;
};

ParseResult parse_options(const std::vector<std::string>& args);

// Every option as --help describes it, in --help's order (the man page's
// OPTIONS section is generated from these).
struct OptionDoc {
    std::string name;           // without the dashes
    std::string default_value;  // as --help shows it; empty: none or derived
    std::string help;
};
std::vector<OptionDoc> option_docs();

// Checks `c` against the ports that exist (DPDK's port ids): every option
// naming a port names one of them, every option naming a VLAN names one some
// port carries. Empty when all is well, else one line naming the option.
std::string check_against_ports(const Config& c, const std::vector<PortId>& ports);

// The configuration as an INI file that parse_options reads back to the same
// Config (`config show`, `config save`): every option whose value is set,
// derived defaults (0 in their field) left out.
std::string to_ini(const Config& c);

// "125s", "500ms", "2m", "10us", "1h"; a bare number means seconds.
std::optional<Duration> parse_duration(const std::string& text);

}  // namespace l2snoop
