#include "mrp/registrar.h"

namespace l2snoop::mrp {

namespace {
enum class Kind { join, leave, none };

Kind kind(Protocol p, std::uint8_t ev) {
    if (p == Protocol::gmrp) {
        switch (static_cast<GarpEvent>(ev)) {
            case GarpEvent::join_in:
            case GarpEvent::join_empty: return Kind::join;
            case GarpEvent::leave_in:
            case GarpEvent::leave_empty: return Kind::leave;
            default: return Kind::none;  // Empty (LeaveAll travels apart)
        }
    }
    switch (static_cast<MrpEvent>(ev)) {
        case MrpEvent::new_:
        case MrpEvent::join_in:
        case MrpEvent::join_mt: return Kind::join;
        case MrpEvent::lv: return Kind::leave;
        default: return Kind::none;  // In, Mt
    }
}
}  // namespace

void Registrar::join(const Key& k, std::vector<Change>& out) {
    const PortId port = std::get<1>(k);
    if (max_per_port_ && !states_.count(k) && per_port_[port] >= max_per_port_) {
        ++refused_;
        return;
    }
    auto [it, added] = states_.try_emplace(k);
    if (added) {
        ++per_port_[port];
        ports_[{std::get<0>(k), std::get<2>(k)}].add(std::get<1>(k));
        out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), true});
    } else if (it->second.leaving) {  // a Join while LV stops the leave timer
        leaving_.erase({it->second.leave_at, k});
        it->second.leaving = false;
    }
}

void Registrar::leave(const Key& k, Time now) {
    const auto it = states_.find(k);
    if (it == states_.end() || it->second.leaving) return;  // MT stays MT; a running timer is not restarted
    it->second.leaving = true;
    it->second.leave_at = now + leave_time_;
    leaving_.insert({it->second.leave_at, k});
}

std::map<Registrar::Key, Registrar::State>::iterator Registrar::erase(std::map<Key, State>::iterator it,
                                                                      std::vector<Change>& out) {
    const auto& [vid, port, attr] = it->first;
    out.push_back({vid, port, attr, false});
    if (it->second.leaving) leaving_.erase({it->second.leave_at, it->first});
    const auto p = ports_.find({vid, attr});
    p->second.remove(port);
    if (p->second.empty()) ports_.erase(p);
    if (--per_port_[port] == 0) per_port_.erase(port);
    return states_.erase(it);
}

void Registrar::leave_all(VlanId vid, PortId port, AttrType t, Time now) {
    for (auto it = states_.lower_bound({vid, port, AttrId{t, MacAddr{}, Service::all_groups}});
         it != states_.end() && std::get<0>(it->first) == vid && std::get<1>(it->first) == port &&
         std::get<2>(it->first).type == t;
         ++it)
        leave(it->first, now);
}

void Registrar::leave_all(VlanId vid, PortId port, Time now) {
    for (AttrType t : {AttrType::group_mac, AttrType::service}) leave_all(vid, port, t, now);
}

void Registrar::receive(VlanId vid, PortId port, const Pdu& pdu, Time now, std::vector<Change>& out) {
    // LeaveAll first (802.1Q 10.7.8: rLA! moves every IN attribute of the type to LV); the
    // PDU's own declarations then rejoin what is still wanted.
    for (AttrType t : {AttrType::group_mac, AttrType::service})
        if (pdu.leave_all[static_cast<int>(t)]) leave_all(vid, port, t, now);
    for (const Attr& a : pdu.attrs) {
        const Key k{vid, port, id_of(a)};
        switch (kind(pdu.protocol, a.event)) {
            case Kind::join: join(k, out); break;
            case Kind::leave: leave(k, now); break;
            case Kind::none: break;
        }
    }
}

void Registrar::on_timer(Time now, std::vector<Change>& out) {
    while (!leaving_.empty() && leaving_.begin()->first <= now) erase(states_.find(leaving_.begin()->second), out);
}

void Registrar::port_down(PortId port, std::vector<Change>& out) {
    for (auto it = states_.begin(); it != states_.end();)
        it = std::get<1>(it->first) == port ? erase(it, out) : std::next(it);
}

void Registrar::flush_vlan(VlanId vid, std::vector<Change>& out) {
    for (auto it = states_.lower_bound({vid, PortId{0}, AttrId{}}); it != states_.end() && std::get<0>(it->first) == vid;)
        it = erase(it, out);
}

void Registrar::drop(VlanId vid, PortId port, std::vector<Change>& out) {
    for (auto it = states_.lower_bound({vid, port, AttrId{}});
         it != states_.end() && std::get<0>(it->first) == vid && std::get<1>(it->first) == port;)
        it = erase(it, out);
}

PortSet Registrar::ports(VlanId vid, const AttrId& a) const {
    const auto it = ports_.find({vid, a});
    return it == ports_.end() ? PortSet{} : it->second;
}

std::optional<Time> Registrar::next_deadline() const {
    if (leaving_.empty()) return std::nullopt;
    return leaving_.begin()->first;
}

std::vector<Registrar::View> Registrar::view() const {
    std::vector<View> v;
    for (const auto& [k, st] : states_) v.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), st.leaving, st.leave_at});
    return v;
}

}  // namespace l2snoop::mrp
