#include "mrp/engine.h"

#include <algorithm>

namespace l2snoop::mrp {

namespace {
Participant::Timers timers_of(const MrpConfig& c) {
    return {c.join_time, c.leave_all_time, c.periodic ? Duration(std::chrono::seconds(1)) : Duration(0)};
}
constexpr Protocol kBoth[] = {Protocol::gmrp, Protocol::mmrp};
int ix(Protocol p) { return static_cast<int>(p); }
}  // namespace

MrpEngine::MrpEngine(const MrpConfig& cfg)
    : cfg_(cfg),
      reg_{Registrar(cfg.leave_time, cfg.max_per_port), Registrar(cfg.leave_time, cfg.max_per_port)},
      part_{Participant(Protocol::gmrp, timers_of(cfg), 1), Participant(Protocol::mmrp, timers_of(cfg), 2)} {}

void MrpEngine::propagate(Protocol p, VlanId vid, const AttrId& attr, Time now) {
    const PortSet registered = reg_[ix(p)].ports(vid, attr);
    const auto it = ports_.find(vid);
    if (it == ports_.end() || !cfg_.on(p, vid)) return;
    for (PortId x : it->second) part_[ix(p)].declare(vid, x, attr, !(registered - PortSet::of({x})).empty(), now);
}

// Each changed (VLAN, attribute) once: its forwarding state as both
// protocols now register it, and its declarations on the VLAN's other ports.
void MrpEngine::publish(Protocol p, Time now, MrpActions& out) {
    MrpCounters& c = counters_[ix(p)];
    std::sort(changes_.begin(), changes_.end(), [](const Change& a, const Change& b) {
        return std::tie(a.vid, a.attr) < std::tie(b.vid, b.attr);
    });
    for (std::size_t i = 0; i < changes_.size(); ++i) {
        const Change& ch = changes_[i];
        ++(ch.registered ? c.registered : c.deregistered);
        if (i + 1 < changes_.size() && changes_[i + 1].vid == ch.vid && changes_[i + 1].attr == ch.attr) continue;
        const PortSet now_ports = ports(ch.vid, ch.attr);
        if (ch.attr.type == AttrType::group_mac)
            out.macs.push_back({ch.vid, ch.attr.mac, now_ports});
        else
            out.services.push_back({ch.vid, ch.attr.service, now_ports});
        propagate(p, ch.vid, ch.attr, now);
    }
    changes_.clear();
}

void MrpEngine::join_port(Protocol p, VlanId vid, PortId port, Time now) {
    Participant& part = part_[ix(p)];
    if (part.participates(vid, port)) return;
    part.set_port(vid, port, true, now);
    // What the VLAN's other ports registered is declared to the newcomer.
    reg_[ix(p)].for_each_in(vid, [&](const AttrId& a, PortSet regs) {
        if (!(regs - PortSet::of({port})).empty()) part.declare(vid, port, a, true, now);
    });
}

void MrpEngine::leave_port(Protocol p, VlanId vid, PortId port, Time now, MrpActions& out) {
    part_[ix(p)].set_port(vid, port, false, now);
    reg_[ix(p)].drop(vid, port, changes_);
    publish(p, now, out);
}

void MrpEngine::set_ports(VlanId vid, PortSet ports, Time now, MrpActions& out) {
    members_[vid] = ports;
    ports -= cfg_.excluded_ports;
    const PortSet before = ports_[vid];
    ports_[vid] = ports;
    for (Protocol p : kBoth) {
        if (!cfg_.on(p, vid)) continue;
        for (PortId x : before - ports) leave_port(p, vid, x, now, out);
        for (PortId x : ports - before) join_port(p, vid, x, now);
    }
}

void MrpEngine::receive(VlanId vid, PortId port, const Pdu& pdu, Time now, MrpActions& out) {
    MrpCounters& c = counters_[ix(pdu.protocol)];
    const auto it = ports_.find(vid);
    if (!cfg_.on(pdu.protocol, vid) || it == ports_.end() || !it->second.contains(port)) {
        ++c.not_running;
        return;
    }
    ++c.pdus;
    c.leave_alls += pdu.leave_all[0] + pdu.leave_all[1];
    for (const Attr& a : pdu.attrs)
        if (a.event < c.events.size()) ++c.events[a.event];
    reg_[ix(pdu.protocol)].receive(vid, port, pdu, now, changes_);
    part_[ix(pdu.protocol)].received(vid, port, pdu, now);
    publish(pdu.protocol, now, out);
}

void MrpEngine::collect(Protocol p, std::vector<Tx>& tx, MrpActions& out) {
    counters_[ix(p)].pdus_sent += tx.size();
    for (Tx& t : tx) {
        counters_[ix(p)].leave_alls_sent += t.pdu.leave_all[0];
        out.tx.push_back(std::move(t));
    }
    tx.clear();
}

void MrpEngine::on_timer(Time now, MrpActions& out) {
    for (Protocol p : kBoth) {
        reg_[ix(p)].on_timer(now, changes_);
        publish(p, now, out);
        part_[ix(p)].on_timer(now, reg_[ix(p)], tx_, leave_alls_);
        // Our own LeaveAll: every registration on that port must be declared again.
        for (const auto& [vid, port] : leave_alls_) reg_[ix(p)].leave_all(vid, port, now);
        leave_alls_.clear();
        collect(p, tx_, out);
    }
}

void MrpEngine::reconfigure(const MrpConfig& next, Time now, MrpActions& out) {
    const MrpConfig before = cfg_;
    cfg_ = next;
    for (Protocol p : kBoth) {
        reg_[ix(p)].set_leave_time(next.leave_time);
        reg_[ix(p)].set_max_per_port(next.max_per_port);
        part_[ix(p)].set_timers(timers_of(next));
        for (const auto& [vid, ports] : ports_) {
            if (before.on(p, vid) && !next.on(p, vid)) {
                for (PortId x : ports) part_[ix(p)].set_port(vid, x, false, now);
                reg_[ix(p)].flush_vlan(vid, changes_);
                publish(p, now, out);
            } else if (!before.on(p, vid) && next.on(p, vid)) {
                for (PortId x : ports) join_port(p, vid, x, now);
            }
        }
    }
    // Ports excluded or let in: the members again, less the excluded.
    if (before.excluded_ports != next.excluded_ports)
        for (const auto& [vid, members] : std::map<VlanId, PortSet>(members_)) set_ports(vid, members, now, out);
}

std::optional<Time> MrpEngine::next_deadline() const {
    std::optional<Time> t;
    for (Protocol p : kBoth)
        for (const auto d : {reg_[ix(p)].next_deadline(), part_[ix(p)].next_deadline()})
            if (d && (!t || *d < *t)) t = d;
    return t;
}

}  // namespace l2snoop::mrp
