// GMRP and MMRP as the switch runs them (the control thread's, pure; on a
// virtual clock). Per protocol, over the ports of each VLAN where it runs:
//  - a Registrar: what each port registered (mrp/registrar.h);
//  - a Participant: what the switch declares on each port, and when it sends
//    it (mrp/participant.h, mrp/applicant.h), LeaveAll timers included;
//  - the MAP (802.1Q 10.3): an attribute registered on some port of a VLAN is
//    declared on every other port of it, withdrawn when no other port has it.
// What the two protocols register is united per (VLAN, attribute) into
// forwarding state: a group MAC's ports (MulticastFdb::set_mac), the ports
// that registered Forward All Groups / Forward All Unregistered Groups
// (VlanTable). The control thread applies the actions and sends the PDUs;
// this file knows no table and no frame.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "fdb/port_set.h"
#include "fdb/times.h"
#include "mrp/participant.h"
#include "mrp/pdu.h"
#include "mrp/registrar.h"

namespace l2snoop::mrp {

struct MrpConfig {
    bool gmrp = false;  // in every VLAN unless vlan_gmrp says otherwise
    bool mmrp = false;
    std::map<VlanId, bool> vlan_gmrp, vlan_mmrp;
    // The leave timer: a registration a Leave (or LeaveAll) left stays this long
    // unless a Join comes (802.1Q 10.7.4.2: 600-1000 ms; GARP 600 ms).
    Duration leave_time = std::chrono::milliseconds(600);
    // Declarations are sent a join time after they became due (twice), and
    // every port sends a LeaveAll every leaveall time to 1.5 x it.
    Duration join_time = std::chrono::milliseconds(200);
    Duration leave_all_time = std::chrono::seconds(10);
    // PeriodicTransmission (802.1Q 10.7.10): every second each declaration is
    // sent again. Off by default: each is sent twice and again after every LeaveAll.
    bool periodic = false;
    // Ports where neither protocol runs: their PDUs are dropped (counted as
    // not_running) and nothing is declared to them. Registrations one port may
    // hold, over both protocols' VLANs each (0: no limit).
    PortSet excluded_ports;
    std::uint32_t max_per_port = 1024;

    bool on(Protocol p, VlanId v) const {
        const auto& m = p == Protocol::gmrp ? vlan_gmrp : vlan_mmrp;
        const auto it = m.find(v);
        return it == m.end() ? (p == Protocol::gmrp ? gmrp : mmrp) : it->second;
    }
    // VlanTable::mrp's bits: 1 GMRP, 2 MMRP.
    std::uint8_t protocols(VlanId v) const { return (on(Protocol::gmrp, v) ? 1 : 0) | (on(Protocol::mmrp, v) ? 2 : 0); }
    friend bool operator==(const MrpConfig&, const MrpConfig&) = default;
};

// Forwarding state to set (the control thread's to apply).
struct MacAction {
    VlanId vid;
    MacAddr mac;
    PortSet ports;  // empty: no longer registered
    friend bool operator==(const MacAction&, const MacAction&) = default;
};
struct ServiceAction {
    VlanId vid;
    Service service;
    PortSet ports;
    friend bool operator==(const ServiceAction&, const ServiceAction&) = default;
};
struct MrpActions {
    std::vector<MacAction> macs;
    std::vector<ServiceAction> services;
    std::vector<Tx> tx;  // PDUs to send: each to one port, in one VLAN
    void clear() {
        macs.clear();
        services.clear();
        tx.clear();
    }
    bool empty() const { return macs.empty() && services.empty() && tx.empty(); }
};

// Per protocol. Events are the attribute events received; rejected PDUs are
// the control thread's to count (it decodes them).
struct MrpCounters {
    std::uint64_t pdus = 0;
    std::uint64_t not_running = 0;  // a PDU from a port or VLAN where the protocol is off: ignored
    std::uint64_t leave_alls = 0;
    std::array<std::uint64_t, 6> events{};  // by wire value (GarpEvent: LeaveAll counts apart; MrpEvent)
    std::uint64_t registered = 0;           // attributes that became registered
    std::uint64_t deregistered = 0;         // ... and went (leave timer, port down, protocol off)
    std::uint64_t pdus_sent = 0;
    std::uint64_t leave_alls_sent = 0;
    std::uint64_t refused_limit = 0;  // Joins past --mrp-max-per-port (the Registrar's count)
};

class MrpEngine {
public:
    explicit MrpEngine(const MrpConfig& cfg);

    // The ports of `vid` that take part from `now` (members whose link is
    // up): a port that joins gets the VLAN's registrations declared to it;
    // one that leaves loses what it registered, and its declarations.
    void set_ports(VlanId vid, PortSet ports, Time now, MrpActions& out);
    // A PDU received on `port` in `vid` at `now`.
    void receive(VlanId vid, PortId port, const Pdu& pdu, Time now, MrpActions& out);
    // Leave timers, transmit opportunities and LeaveAll timers due by `now`.
    void on_timer(Time now, MrpActions& out);
    // A new configuration (live): registrations where a protocol stopped go,
    // where one started its ports take part. Timers apply from now on.
    void reconfigure(const MrpConfig& next, Time now, MrpActions& out);

    std::optional<Time> next_deadline() const;
    const MrpConfig& config() const { return cfg_; }
    MrpCounters counters(Protocol p) const {
        MrpCounters c = counters_[static_cast<int>(p)];
        c.refused_limit = reg_[static_cast<int>(p)].refused();
        return c;
    }
    const Registrar& registrar(Protocol p) const { return reg_[static_cast<int>(p)]; }
    const Participant& participant(Protocol p) const { return part_[static_cast<int>(p)]; }
    // The forwarding state of `attr` in `vid`, both protocols united.
    PortSet ports(VlanId vid, const AttrId& attr) const {
        return reg_[0].ports(vid, attr) | reg_[1].ports(vid, attr);
    }

private:
    // Forwarding actions for what changed, and the MAP's declarations.
    void publish(Protocol p, Time now, MrpActions& out);
    // Declares or withdraws `attr` on every port of `vid` as the MAP says.
    void propagate(Protocol p, VlanId vid, const AttrId& attr, Time now);
    // (vid, port) takes part in `p`, or no longer does.
    void join_port(Protocol p, VlanId vid, PortId port, Time now);
    void leave_port(Protocol p, VlanId vid, PortId port, Time now, MrpActions& out);
    void collect(Protocol p, std::vector<Tx>& tx, MrpActions& out);

    MrpConfig cfg_;
    Registrar reg_[2];  // by Protocol
    Participant part_[2];
    MrpCounters counters_[2];
    std::map<VlanId, PortSet> members_;  // set_ports, as given
    std::map<VlanId, PortSet> ports_;    // ... less the excluded ports: where the protocols run
    std::vector<Change> changes_;      // scratch
    std::vector<Tx> tx_;
    std::vector<std::pair<VlanId, PortId>> leave_alls_;
};

}  // namespace l2snoop::mrp
