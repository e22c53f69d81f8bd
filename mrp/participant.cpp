#include "mrp/participant.h"

#include <algorithm>

namespace l2snoop::mrp {

namespace {
// A received attribute event, as the Applicant sees it.
ApEvent received_event(Protocol p, std::uint8_t ev) {
    if (p == Protocol::gmrp) {
        switch (static_cast<GarpEvent>(ev)) {
            case GarpEvent::join_in: return ApEvent::r_join_in;
            case GarpEvent::join_empty: return ApEvent::r_join_mt;
            case GarpEvent::leave_in:
            case GarpEvent::leave_empty: return ApEvent::r_lv;
            default: return ApEvent::r_mt;  // Empty
        }
    }
    switch (static_cast<MrpEvent>(ev)) {
        case MrpEvent::new_: return ApEvent::r_new;
        case MrpEvent::join_in: return ApEvent::r_join_in;
        case MrpEvent::in: return ApEvent::r_in;
        case MrpEvent::join_mt: return ApEvent::r_join_mt;
        case MrpEvent::mt: return ApEvent::r_mt;
        default: return ApEvent::r_lv;
    }
}

// The wire event for what the Applicant sends; In or Mt by whether the port
// registered the attribute (802.1Q 10.7.6.2: sJ is JoinIn or JoinMt).
std::uint8_t wire_event(Protocol p, TxWhat what, bool registered) {
    if (p == Protocol::gmrp) {  // GARP has no New: a new declaration is a join
        if (what == TxWhat::leave) return static_cast<std::uint8_t>(registered ? GarpEvent::leave_in : GarpEvent::leave_empty);
        return static_cast<std::uint8_t>(registered ? GarpEvent::join_in : GarpEvent::join_empty);
    }
    switch (what) {
        case TxWhat::new_: return static_cast<std::uint8_t>(MrpEvent::new_);
        case TxWhat::leave: return static_cast<std::uint8_t>(MrpEvent::lv);
        default: return static_cast<std::uint8_t>(registered ? MrpEvent::join_in : MrpEvent::join_mt);
    }
}

// Not declared and nothing to send: as good as absent (VO).
bool forgettable(ApState s) { return s == ApState::vo || s == ApState::ao || s == ApState::qo; }
}  // namespace

Time Participant::leave_all_deadline(Time now) {
    const auto spread = std::max<std::int64_t>(1, (timers_.leave_all / 2).count());
    return now + timers_.leave_all + Duration(static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(spread)));
}

void Participant::recompute_next() {
    next_.reset();
    for (const auto& [c, t] : ctx_) {
        Time d = t.leave_all_at;
        if (t.tx_at.count() && t.tx_at < d) d = t.tx_at;
        if (t.periodic_at.count() && t.periodic_at < d) d = t.periodic_at;
        if (!next_ || d < *next_) next_ = d;
    }
}

void Participant::set_port(VlanId vid, PortId port, bool on, Time now) {
    const Ctx c{vid, port};
    if (on) {
        if (ctx_.count(c)) return;
        Timer& t = ctx_[c];
        t.leave_all_at = leave_all_deadline(now);
        lower_next(t.leave_all_at);
        if (timers_.periodic.count()) lower_next(t.periodic_at = now + timers_.periodic);
    } else {  // next_ may now be early: harmless, on_timer finds nothing due and recomputes it
        if (!ctx_.erase(c)) return;
        for (auto it = states_.lower_bound({vid, port, AttrId{}});
             it != states_.end() && std::get<0>(it->first) == vid && std::get<1>(it->first) == port;)
            it = states_.erase(it);
    }
}

void Participant::step(std::map<Key, ApState>::iterator it, ApEvent e) {
    it->second = applicant_step(it->second, e).next;
    if (forgettable(it->second)) states_.erase(it);
}

void Participant::schedule(const Ctx& c, Time now) {
    Timer& t = ctx_.at(c);
    if (t.tx_at.count()) return;
    lower_next(t.tx_at = now + timers_.join);
}

void Participant::declare(VlanId vid, PortId port, const AttrId& attr, bool on, Time now) {
    const Ctx c{vid, port};
    if (!ctx_.count(c)) return;
    const Key k{vid, port, attr};
    auto it = states_.find(k);
    if (it == states_.end()) {
        if (!on) return;
        it = states_.emplace(k, ApState::vo).first;
    }
    step(it, on ? ApEvent::join : ApEvent::lv);
    if (const auto s = states_.find(k); s != states_.end() && wants_tx(s->second)) schedule(c, now);
}

void Participant::received(VlanId vid, PortId port, const Pdu& pdu, Time now) {
    const Ctx c{vid, port};
    const auto ct = ctx_.find(c);
    if (ct == ctx_.end()) return;
    bool due = false;
    for (AttrType type : {AttrType::group_mac, AttrType::service}) {
        if (!pdu.leave_all[static_cast<int>(type)]) continue;
        // Another participant's LeaveAll: re-declare, and ours waits a full period (10.7.9: passive).
        for (auto it = states_.lower_bound({vid, port, AttrId{type, MacAddr{}, Service::all_groups}});
             it != states_.end() && std::get<0>(it->first) == vid && std::get<1>(it->first) == port &&
             std::get<2>(it->first).type == type;) {
            const auto next = std::next(it);
            step(it, ApEvent::r_la);
            it = next;
        }
        ct->second.leave_all = false;
        ct->second.leave_all_at = leave_all_deadline(now);
        due = true;
    }
    for (const Attr& a : pdu.attrs) {
        const auto it = states_.find({vid, port, id_of(a)});
        if (it == states_.end()) continue;  // not declared here: nothing to track
        step(it, received_event(pdu.protocol, a.event));
        due = true;
    }
    if (due) {
        for (auto it = states_.lower_bound({vid, port, AttrId{}});
             it != states_.end() && std::get<0>(it->first) == vid && std::get<1>(it->first) == port; ++it)
            if (wants_tx(it->second)) {
                schedule(c, now);
                break;
            }
    }
}

void Participant::transmit(const Ctx& c, Timer& t, Time now, const Registrar& reg, std::vector<Tx>& out) {
    const VlanId vid = c.first;
    const PortId port = c.second;
    const auto in_ctx = [&](std::map<Key, ApState>::iterator it) {
        return it != states_.end() && std::get<0>(it->first) == vid && std::get<1>(it->first) == port;
    };
    if (t.leave_all)  // txLA!: our LeaveAll, and every declaration with it (rLA! then tx!)
        for (auto it = states_.lower_bound({vid, port, AttrId{}}); in_ctx(it);) {
            const auto next = std::next(it);
            step(it, ApEvent::r_la);
            it = next;
        }
    std::vector<Attr> attrs[2];  // by AttrType
    bool pending = false;
    for (auto it = states_.lower_bound({vid, port, AttrId{}}); in_ctx(it);) {
        const auto next = std::next(it);
        const AttrId attr = std::get<2>(it->first);
        if (const ApStep s = applicant_step(it->second, ApEvent::tx); s.send != TxWhat::nothing) {
            Attr a;
            a.type = attr.type;
            a.mac = attr.mac;
            a.service = attr.service;
            a.event = wire_event(protocol_, s.send, reg.registered(vid, port, attr));
            attrs[static_cast<int>(attr.type)].push_back(a);
        }
        step(it, ApEvent::tx);
        if (const auto st = states_.find({vid, port, attr}); st != states_.end() && wants_tx(st->second)) pending = true;
        it = next;
    }
    // PDUs of at most kAttrsPerPdu attributes. MMRP: one attribute type (one
    // message) per PDU, which every MRP dissector reads; GARP: both in one.
    const auto emit = [&](std::vector<Attr> list, bool leave_all_mac, bool leave_all_service) {
        std::size_t k = 0;
        do {
            Tx tx{vid, port, {}};
            tx.pdu.protocol = protocol_;
            if (k == 0) {
                tx.pdu.leave_all[0] = leave_all_mac;
                tx.pdu.leave_all[1] = leave_all_service;
            }
            const std::size_t n = std::min(kAttrsPerPdu, list.size() - k);
            tx.pdu.attrs.assign(list.begin() + static_cast<std::ptrdiff_t>(k), list.begin() + static_cast<std::ptrdiff_t>(k + n));
            k += n;
            if (!tx.pdu.attrs.empty() || tx.pdu.leave_all[0] || tx.pdu.leave_all[1]) out.push_back(std::move(tx));
        } while (k < list.size());
    };
    if (protocol_ == Protocol::gmrp) {
        attrs[0].insert(attrs[0].end(), attrs[1].begin(), attrs[1].end());
        emit(std::move(attrs[0]), t.leave_all, t.leave_all);
    } else {
        emit(std::move(attrs[0]), t.leave_all, false);
        emit(std::move(attrs[1]), false, t.leave_all);
    }
    t.leave_all = false;
    t.tx_at = pending ? now + timers_.join : Time{0};
}

void Participant::on_timer(Time now, const Registrar& reg, std::vector<Tx>& out,
                           std::vector<std::pair<VlanId, PortId>>& leave_alls) {
    if (!next_ || now < *next_) return;
    for (auto& [c, t] : ctx_) {
        if (t.periodic_at.count() && t.periodic_at <= now) {  // periodic!: quiet declarations become anxious
            t.periodic_at = timers_.periodic.count() ? now + timers_.periodic : Time{0};
            const auto [vid, port] = c;
            bool due = false;
            for (auto it = states_.lower_bound({vid, port, AttrId{}});
                 it != states_.end() && std::get<0>(it->first) == vid && std::get<1>(it->first) == port;) {
                const auto next = std::next(it);
                step(it, ApEvent::periodic);
                it = next;
                due = true;
            }
            if (due && !t.tx_at.count()) t.tx_at = now;  // the periodic send goes at once
        }
        if (t.leave_all_at <= now) {
            t.leave_all = true;
            t.leave_all_at = leave_all_deadline(now);
            leave_alls.push_back(c);
        }
        if (t.leave_all || (t.tx_at.count() && t.tx_at <= now)) transmit(c, t, now, reg, out);
    }
    recompute_next();
}

std::vector<Participant::View> Participant::view() const {
    std::vector<View> v;
    for (const auto& [k, s] : states_) v.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), s});
    return v;
}

}  // namespace l2snoop::mrp
