// The Registrar of GARP (IEEE 802.1D-2004 12.8.3) and MRP (IEEE 802.1Q
// 10.7.8, Table 10-4), per port, VLAN and attribute, on a virtual clock:
// what a port has registered — group MACs and the service requirements —
// from the PDUs it receives. Pure code.
//
//   received Join (MRP New, JoinIn, JoinMt; GARP JoinIn, JoinEmpty)  -> IN
//   received Leave (MRP Lv; GARP LeaveIn, LeaveEmpty), or a LeaveAll
//     for the attribute's type, while IN                              -> LV, leave timer started
//   a Join while LV                                                   -> IN, the timer stopped
//   the leave timer expires                                           -> MT: deregistered
//   MRP In, Mt; GARP Empty                                            -> no change
//   the port goes down                                                -> MT at once
//
// An attribute stays registered while IN or LV; each change of that is
// reported once (Change), for the forwarding table and for propagation.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "fdb/port_set.h"
#include "fdb/times.h"
#include "mrp/pdu.h"

namespace l2snoop::mrp {

// One attribute: a group MAC, or a service requirement (mac unused).
struct AttrId {
    AttrType type = AttrType::group_mac;
    MacAddr mac{};
    Service service = Service::all_groups;
    friend auto operator<=>(const AttrId& a, const AttrId& b) {
        return std::tie(a.type, a.mac.b, a.service) <=> std::tie(b.type, b.mac.b, b.service);
    }
    friend bool operator==(const AttrId&, const AttrId&) = default;
};
inline AttrId id_of(const Attr& a) {
    return a.type == AttrType::group_mac ? AttrId{a.type, a.mac, Service::all_groups} : AttrId{a.type, MacAddr{}, a.service};
}

struct Change {
    VlanId vid;
    PortId port;
    AttrId attr;
    bool registered;  // true: now registered; false: deregistered
    friend bool operator==(const Change&, const Change&) = default;
};

class Registrar {
public:
    // `max_per_port`: registrations one port may hold over all VLANs (0: no
    // limit); a Join past it registers nothing and is counted (refused()).
    explicit Registrar(Duration leave_time = 600ms, std::uint32_t max_per_port = 0)
        : leave_time_(leave_time), max_per_port_(max_per_port) {}

    // A PDU received on `port` in `vid` at `now`; registrations that changed go to `out`.
    void receive(VlanId vid, PortId port, const Pdu& pdu, Time now, std::vector<Change>& out);
    // Leave timers that expired by `now`.
    void on_timer(Time now, std::vector<Change>& out);
    // Everything registered on `port` goes at once.
    void port_down(PortId port, std::vector<Change>& out);
    // Everything registered in `vid` goes at once (the protocol stopped there),
    // or everything `port` registered in `vid` (it left the VLAN, or went down).
    void flush_vlan(VlanId vid, std::vector<Change>& out);
    void drop(VlanId vid, PortId port, std::vector<Change>& out);
    // This participant's own LeaveAll went out on (vid, port): every
    // registration there waits for a re-declaration (802.1Q 10.7.8, rLA!).
    void leave_all(VlanId vid, PortId port, Time now);
    // The attributes registered on some port of `vid`, with their ports.
    template <class F>
    void for_each_in(VlanId vid, F&& fn) const {
        for (auto it = ports_.lower_bound({vid, AttrId{}}); it != ports_.end() && it->first.first == vid; ++it)
            fn(it->first.second, it->second);
    }
    // For leaves from now on; the limit for joins from now on.
    void set_leave_time(Duration d) { leave_time_ = d; }
    void set_max_per_port(std::uint32_t n) { max_per_port_ = n; }
    std::uint64_t refused() const { return refused_; }

    bool registered(VlanId vid, PortId port, const AttrId& a) const { return states_.count({vid, port, a}) != 0; }
    // Ports registering `a` in `vid`.
    PortSet ports(VlanId vid, const AttrId& a) const;
    std::optional<Time> next_deadline() const;
    std::size_t size() const { return states_.size(); }

    struct View {
        VlanId vid;
        PortId port;
        AttrId attr;
        bool leaving;         // LV: the leave timer runs
        Time leave_at{0};     // when it expires (leaving)
    };
    std::vector<View> view() const;

private:
    using Key = std::tuple<VlanId, PortId, AttrId>;
    struct State {
        bool leaving = false;
        Time leave_at{0};
    };
    void join(const Key& k, std::vector<Change>& out);
    void leave(const Key& k, Time now);
    void leave_all(VlanId vid, PortId port, AttrType type, Time now);
    // Removes a registration (MT), with its indexes; returns the next state.
    std::map<Key, State>::iterator erase(std::map<Key, State>::iterator it, std::vector<Change>& out);

    Duration leave_time_;
    std::uint32_t max_per_port_;
    std::uint64_t refused_ = 0;
    std::map<Key, State> states_;  // IN or LV; MT is absence
    std::map<PortId, std::uint32_t> per_port_;  // registrations per port
    // Indexes over states_: the ports per (VLAN, attribute), and the running
    // leave timers in deadline order (timers and lookups never scan).
    std::map<std::pair<VlanId, AttrId>, PortSet> ports_;
    std::set<std::pair<Time, Key>> leaving_;
};

}  // namespace l2snoop::mrp
