#include "dataplane/control.h"

#include <cstring>
#include <map>

#include "dataplane/log.h"

namespace l2snoop {

namespace {
constexpr Duration kLinkCheck = 100ms;  // link polling
constexpr Duration kSnapshot = 250ms;   // telemetry snapshot
constexpr Duration kStatus = 10s;       // the service manager's STATUS line
constexpr unsigned kPuntBatch = 32;          // punted frames taken from a ring at once
// A port's turn in a round is worth kQuantum cost units; a punted frame costs
// kFrameCost plus its IGMP/MLD message's length (decoding is per byte and per
// record as much as per frame): ~28 IGMPv2 reports or one 1,400-byte MLDv2 report.
constexpr std::int64_t kFrameCost = 64;
constexpr std::int64_t kQuantum = 2048;
constexpr unsigned kLearnBatch = 64;         // learn events taken from a worker's ring per iteration
}  // namespace

ControlPlane::ControlPlane(const Config& cfg, VlanTable& vlans, MulticastFdb& mfdb, UnicastFdb& ufdb, Ports& ports,
                           const Clock& clock, rte_mempool* pool)
    : cfg_(cfg), vlans_(vlans), mfdb_(mfdb), ufdb_(ufdb), ports_(ports), clock_(clock), pool_(pool),
      egress_(handoff_, pool), snooper_(cfg.snoop), mrp_(cfg.mrp) {}

bool ControlPlane::init(const std::vector<Worker*>& workers, const QueueMap& map, std::string& error) {
    workers_ = workers;
    std::array<rte_ring*, kMaxWorkers> rings{};
    for (Worker* w : workers) rings[w->id()] = w->handoff_ring();
    handoff_.init(map, rings);
    for (PortId p : ports_.ids()) {
        std::vector<rte_ring*> r;
        for (Worker* w : workers)
            if (rte_ring* ring = w->punt_queues().ring(p)) r.push_back(ring);
        punt_rings_.push_back(std::move(r));
    }
    drr_ = DeficitRoundRobin(punt_rings_.size(), kQuantum, kFrameCost);

    switch_mac_ = ports_.ids().empty() ? MacAddr{} : ports_.mac(ports_.ids()[0]);
    switch_mac_.b[0] = (switch_mac_.b[0] | 0x02) & 0xfe;  // locally administered, unicast
    snooper_.set_switch_mac(switch_mac_);

    // Each VLAN's members and untagged egress ports: vid -> (members, untagged).
    std::map<VlanId, std::pair<PortSet, PortSet>> vl;
    for (PortId p : ports_.ids()) {
        const PortConfig pc = cfg_.port(p);
        for (VlanId v = 1; v <= kMaxVlanId; ++v)
            if (pc.carries(v)) {
                vl[v].first.add(p);
                if (pc.egress_untagged(v)) vl[v].second.add(p);
            }
    }
    live_ = cfg_;
    const Time t0 = clock_.now();
    check_links();
    for (const auto& [vid, sets] : vl) {
        vlan_ids_.push_back(vid);
        vlans_.set_members(vid, sets.first);
        vlans_.set_untagged(vid, sets.second);
        vlans_.set_snooping(vid, cfg_.vlan_snooping_on(vid));
        set_vlan_policies(vid, cfg_);
        snooper_.add_vlan(vid, sets.first, cfg_.vlan_snooping_on(vid), t0, actions_);
        mrp_.set_ports(vid, sets.first & ports_.up(), t0, mrp_actions_);
    }
    // Static memberships are the engine's (it keeps (*,G) and (S,G) entries consistent with them).
    for (const auto& [key, ps] : cfg_.static_groups)
        if (!snooper_.set_static(key.first, key.second, ps, t0, actions_)) {
            error = "--static-group " + std::to_string(key.first) + ":" + key.second.to_string() + ": refused";
            return false;
        }
    for (const auto& [key, ps] : cfg_.static_sources) {
        const auto& [vid, group, source] = key;
        if (!snooper_.set_static_source(vid, group, source, ps, t0, actions_)) {
            error = "--static-group " + std::to_string(vid) + ":" + group.to_string() + ":source=" + source.to_string() +
                    ": refused";
            return false;
        }
    }
    for (const auto& [key, port] : cfg_.static_macs) {
        const std::string what = "--static-mac " + std::to_string(key.first) + ":" + key.second.to_string() + ":" +
                                 std::to_string(port) + ": ";
        if (!vlans_.members(key.first).contains(port)) {
            error = what + "port " + std::to_string(port) + " is not in VLAN " + std::to_string(key.first);
            return false;
        }
        if (const FdbStatus st = ufdb_.add_static(key.first, key.second, port); st != FdbStatus::ok) {
            error = what + std::string(to_string(st)) + " (raise --fdb-size)";
            return false;
        }
    }
    apply(actions_);
    if (ctl_.fdb_errors != 0) {  // nothing is learned yet: the static groups did not fit
        error = "--static-group: multicast FDB full (raise --mdb-size)";
        return false;
    }
    build_snapshot();
    return true;
}

// What the data plane reads of a VLAN's configuration besides its ports and
// snooping switch (at start-up and on every live change).
void ControlPlane::set_vlan_policies(VlanId vid, const Config& c) {
    vlans_.set_flood_link_scope6(vid, on_for(c.snoop.flood_link_scope6, vid));
    vlans_.set_flood_solicited_node6(vid, on_for(c.snoop.flood_solicited_node6, vid));
    vlans_.set_unregistered(vid, c.unregistered_in(vid));
    vlans_.set_flood_ports(vid, c.flood_ports & vlans_.members(vid));
    vlans_.set_mrp(vid, c.mrp.protocols(vid));
}

void ControlPlane::apply(Actions& a) {
    for (const auto& f : a.fdb) {
        FdbStatus s = FdbStatus::ok;
        switch (f.kind) {
            case FdbAction::Kind::set_group: s = mfdb_.set_group(f.vid, f.group, f.ports); break;
            case FdbAction::Kind::remove_group: s = mfdb_.remove_group(f.vid, f.group); break;
            case FdbAction::Kind::set_source: s = mfdb_.set_source(f.vid, f.group, f.source, f.ports); break;
            case FdbAction::Kind::remove_source: s = mfdb_.remove_source(f.vid, f.group, f.source); break;
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
    for (const auto& q : a.querier)
        L2S_LOG(snooping, WARNING, "VLAN %u: %s querier %s\n", q.vid, q.family == IpFamily::v4 ? "IGMP" : "MLD",
                q.present ? "present" : "lost: no query heard for the other-querier-present interval; memberships will time out");
    for (const auto& s : a.send) send(s);
    a.clear();
}

void ControlPlane::send(const SendAction& s) { send(s, switch_mac_); }

void ControlPlane::send(const SendAction& s, const MacAddr& src_mac) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    if (m == nullptr) {
        if (!s.ports.empty()) handoff_.no_mbuf(s.ports);
        return;
    }
    // Encoded straight into the mbuf's data room.
    const std::span<std::uint8_t> room{rte_pktmbuf_mtod(m, std::uint8_t*), rte_pktmbuf_tailroom(m)};
    const std::size_t len = build_frame(s.msg, src_mac, s.src, s.dst, room);
    if (len > room.size()) {  // larger than a buffer: never for the queries we build
        ++ctl_.unsendable;
        rte_pktmbuf_free(m);
        return;
    }
    rte_pktmbuf_append(m, static_cast<std::uint16_t>(len));
    ++ctl_.sent;
    egress_.send(m, false, s.vid, plan(s.ports & vlans_.members(s.vid), s.vid, Arrival::untagged, ports_.up(), vlans_));
}

void ControlPlane::handle(const PuntedFrame& pf) {
    ++ctl_.control_frames;
    if (pf.kind == ControlKind::gmrp || pf.kind == ControlKind::mmrp) return handle_mrp(pf);
    const auto* data = rte_pktmbuf_mtod(pf.m, const std::uint8_t*);
    const std::span<const std::uint8_t> l4{data + pf.l4_offset, pf.l4_length};
    const Time t = clock_.now();
    Disposition d;
    if (pf.kind == ControlKind::pim_hello) {
        d = snooper_.on_pim_hello(pf.port, pf.vid, pf.group.family(), pim_hello_holdtime(l4), t, actions_);
    } else {
        Message msg;
        const IpContext ip{pf.src, pf.group, pf.ttl, pf.router_alert};
        const DecodeError e = decode(pf.group.family(), l4, ip, msg);
        if (e == DecodeError::unknown_type) {
            d = snooper_.on_unknown(pf.port, pf.vid);
        } else if (e != DecodeError::none) {
            ++ctl_.decode_errors[static_cast<int>(e)];  // never learned from, never flooded
            ++ctl_.rejected_on_port[pf.port][static_cast<int>(e)];
            ++ctl_.rejected_in_vlan[pf.vid][static_cast<int>(e)];
            rte_pktmbuf_free(pf.m);
            return;
        } else {
            d = snooper_.on_message(pf.port, pf.vid, msg, pf.src, t, actions_);
        }
    }
    apply(actions_);
    if (d.rewritten) {
        // A report a filtering profile cut: its permitted records go on from
        // the same host (MAC and IP source), to the same destination.
        MacAddr host;
        std::memcpy(host.b.data(), data + 6, 6);
        rte_pktmbuf_free(pf.m);
        send({pf.vid, d.forward, *d.rewritten, pf.src, pf.group}, host);
        return;
    }
    ++ctl_.forwarded;
    egress_.send(pf.m, pf.arrival != Arrival::untagged, pf.vid,
                 plan(d.forward & vlans_.members(pf.vid), pf.vid, pf.arrival, ports_.up(), vlans_));
}

void ControlPlane::check_links() {
    const PortSet changed = ports_.refresh();
    if (changed.empty()) return;
    const Time t = clock_.now();
    const PortSet up = ports_.up();
    for (PortId p : changed) {
        ++ctl_.link_changes;
        L2S_LOG(dataplane, INFO, "port %u link %s\n", p, up.contains(p) ? "up" : "down");
        snooper_.set_port_up(p, up.contains(p), t, actions_);
        if (!up.contains(p)) ufdb_.flush_port(p);
    }
    // GMRP/MMRP run on the members of each VLAN whose link is up.
    for (VlanId vid : vlan_ids_) mrp_.set_ports(vid, vlans_.members(vid) & up, t, mrp_actions_);
    apply(actions_);
    apply_mrp();
}

// One round of deficit round robin over the ports' punt queues.
unsigned ControlPlane::serve_punts() {
    const auto take = [&](std::size_t q, PuntedFrame* out, unsigned max) {
        unsigned n = 0;
        for (rte_ring* r : punt_rings_[q]) {
            if (n == max) break;
            n += rte_ring_sc_dequeue_burst_elem(r, out + n, sizeof *out, max - n, nullptr);
        }
        return n;
    };
    const auto cost = [](const PuntedFrame& f) { return kFrameCost + f.l4_length; };
    return drr_.round<PuntedFrame, kPuntBatch>(take, cost, [&](std::size_t, const PuntedFrame& f) { handle(f); });
}

unsigned ControlPlane::iteration() {
    unsigned work = serve_punts();
    for (Worker* w : workers_) {
        LearnEvent ev[kLearnBatch];
        const unsigned k = rte_ring_sc_dequeue_burst_elem(w->learn_ring(), ev, sizeof ev[0], kLearnBatch, nullptr);
        const Time t = clock_.now();
        for (unsigned i = 0; i < k; ++i) {
            MacAddr mac;
            std::memcpy(mac.b.data(), ev[i].mac, 6);
            const LearnResult r = ufdb_.learn(ev[i].vid, mac, ev[i].port, t);
            if (r == LearnResult::learned || r == LearnResult::moved) ++ctl_.learned;
        }
        work += k;
    }
    run_requests();
    if (reload_flag_ && reload_flag_->exchange(false, std::memory_order_relaxed)) reload();
    const Time t = clock_.now();
    snooper_.on_timer(t, actions_);
    apply(actions_);
    mrp_.on_timer(t, mrp_actions_);
    if (!mrp_actions_.empty()) apply_mrp();
    ufdb_.age(t);
    mfdb_.reclaim();
    ufdb_.reclaim();
    // An LSC interrupt is acted on at once; the poll covers PMDs without one
    // (and the kernel carrier of net_af_packet ports).
    if (ports_.take_link_event() || t >= next_link_check_) {
        check_links();
        next_link_check_ = t + kLinkCheck;
    }
    if (t >= next_snapshot_) {
        build_snapshot();
        next_snapshot_ = t + kSnapshot;
    }
    if (status_fn_ && t >= next_status_) {
        build_snapshot();
        status_fn_(status_line());
        next_status_ = t + kStatus;
    }
    return work;
}

// From the snapshot: any thread may ask (main at READY, the control thread every 10 s).
std::string ControlPlane::status_line() const {
    const auto s = snapshot();
    if (!s) return "starting";
    std::size_t up = 0, no_querier = 0;
    for (const auto& p : s->ports) up += p.up;
    for (const auto& q : s->queriers)
        for (const auto& v : s->vlans) no_querier += v.vid == q.vid && v.snooping && !q.querier_present;
    return "forwarding: " + std::to_string(up) + "/" + std::to_string(s->ports.size()) + " ports up, " +
           std::to_string(s->groups.size()) + " groups, " + std::to_string(s->vlans.size()) + " VLANs" +
           (no_querier ? ", " + std::to_string(no_querier) + " VLAN/family without a querier" : "");
}

void ControlPlane::build_snapshot() {
    auto s = std::make_shared<ControlSnapshot>();
    const Time t = clock_.now();
    s->taken = t;
    s->config = live_;
    for (VlanId v : vlan_ids_)
        s->vlans.push_back({v, vlans_.members(v), vlans_.untagged(v), vlans_.flood_ports(v), vlans_.forward_all(v),
                            vlans_.forward_unregistered(v), vlans_.unregistered(v), vlans_.snooping(v)});
    for (PortId p : ports_.ids()) s->ports.push_back(ports_.info(p));
    s->memberships = snooper_.memberships(t);
    s->queriers = snooper_.queriers(t);
    mfdb_.for_each_group([&](const MulticastFdb::GroupView& g) { s->groups.push_back(g); });
    ufdb_.for_each([&](const UnicastFdb::View& v) { s->macs.push_back(v); });
    s->snoop = snooper_.counters();
    s->port_counters = snooper_.port_counters();
    s->vlan_counters = snooper_.vlan_counters();
    s->control = ctl_;
    for (mrp::Protocol p : {mrp::Protocol::gmrp, mrp::Protocol::mmrp}) {
        for (const auto& v : mrp_.registrar(p).view()) s->mrp_registrations.push_back({p, v});
        for (const auto& v : mrp_.participant(p).view()) s->mrp_declarations.push_back({p, v});
        s->mrp[static_cast<int>(p)] = mrp_.counters(p);
    }
    mfdb_.for_each_mac([&](VlanId v, const MacAddr& m, PortSet ps) { s->mrp_macs.emplace_back(v, m, ps); });
    std::lock_guard lock(snapshot_mu_);
    snapshot_ = std::move(s);
}

}  // namespace l2snoop
