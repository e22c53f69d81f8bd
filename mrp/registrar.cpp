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
    auto [it, added] = states_.try_emplace(k);
    it->second.leaving = false;  // a Join while LV stops the leave timer
    if (added) out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), true});
}

void Registrar::leave(const Key& k, Time now) {
    const auto it = states_.find(k);
    if (it == states_.end() || it->second.leaving) return;  // MT stays MT; a running timer is not restarted
    it->second.leaving = true;
    it->second.leave_at = now + leave_time_;
}

void Registrar::receive(VlanId vid, PortId port, const Pdu& pdu, Time now, std::vector<Change>& out) {
    // LeaveAll first (802.1Q 10.7.8: rLA! moves every IN attribute of the type to LV); the
    // PDU's own declarations then rejoin what is still wanted.
    for (AttrType t : {AttrType::group_mac, AttrType::service}) {
        if (!pdu.leave_all[static_cast<int>(t)]) continue;
        for (auto it = states_.lower_bound({vid, port, AttrId{t, MacAddr{}, Service::all_groups}});
             it != states_.end() && std::get<0>(it->first) == vid && std::get<1>(it->first) == port &&
             std::get<2>(it->first).type == t;
             ++it)
            leave(it->first, now);
    }
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
    for (auto it = states_.begin(); it != states_.end();) {
        if (it->second.leaving && it->second.leave_at <= now) {
            out.push_back({std::get<0>(it->first), std::get<1>(it->first), std::get<2>(it->first), false});
            it = states_.erase(it);
        } else {
            ++it;
        }
    }
}

void Registrar::port_down(PortId port, std::vector<Change>& out) {
    for (auto it = states_.begin(); it != states_.end();) {
        if (std::get<1>(it->first) == port) {
            out.push_back({std::get<0>(it->first), port, std::get<2>(it->first), false});
            it = states_.erase(it);
        } else {
            ++it;
        }
    }
}

PortSet Registrar::ports(VlanId vid, const AttrId& a) const {
    PortSet ps;
    for (const auto& [k, st] : states_)
        if (std::get<0>(k) == vid && std::get<2>(k) == a) ps.add(std::get<1>(k));
    return ps;
}

std::optional<Time> Registrar::next_deadline() const {
    std::optional<Time> t;
    for (const auto& [k, st] : states_)
        if (st.leaving && (!t || st.leave_at < *t)) t = st.leave_at;
    return t;
}

std::vector<Registrar::View> Registrar::view() const {
    std::vector<View> v;
    for (const auto& [k, st] : states_) v.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), st.leaving, st.leave_at});
    return v;
}

}  // namespace l2snoop::mrp
