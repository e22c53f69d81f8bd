// The control thread's GMRP/MMRP glue (docs/architecture.md, The seam): punted PDUs decoded and
// given to the engine (mrp/engine.h), its actions applied to the multicast
// FDB and the VLAN table, its PDUs sent. Control thread only.
#include <cstring>

#include "dataplane/control.h"
#include "dataplane/log.h"

namespace l2snoop {

// A GMRP/MMRP frame ends here: the switch is a participant, not a relay.
void ControlPlane::handle_mrp(const PuntedFrame& pf) {
    const auto* data = rte_pktmbuf_mtod(pf.m, const std::uint8_t*);
    mrp::Pdu pdu;
    const mrp::PduError e = mrp::decode_frame({data, rte_pktmbuf_data_len(pf.m)}, pdu);
    rte_pktmbuf_free(pf.m);
    const int proto = pf.kind == ControlKind::gmrp ? 0 : 1;
    if (e != mrp::PduError::none) {
        ++ctl_.mrp_rejected[proto][static_cast<int>(e)];
        return;
    }
    mrp_.receive(pf.vid, pf.port, pdu, clock_.now(), mrp_actions_);
    apply_mrp();
}

// GMRP/MMRP registrations as forwarding state: a group MAC's ports in the
// multicast FDB, the service requirements as port roles of the VLAN.
void ControlPlane::apply_mrp() {
    for (const auto& m : mrp_actions_.macs) {
        const FdbStatus s = mfdb_.set_mac(m.vid, m.mac, m.ports);
        if (s == FdbStatus::ok) {
            L2S_LOG(snooping, DEBUG, "VLAN %u MAC %s registered on ports %s\n", m.vid, m.mac.to_string().c_str(),
                    m.ports.empty() ? "(none)" : m.ports.to_string().c_str());
        } else if (s != FdbStatus::not_found) {  // not_found: a deregistration of what never fitted
            ++ctl_.fdb_errors;
            L2S_LOG(snooping, WARNING, "multicast FDB refused MAC %s in VLAN %u: %s\n", m.mac.to_string().c_str(), m.vid,
                    std::string(to_string(s)).c_str());
        }
    }
    for (const auto& tx : mrp_actions_.tx) send_mrp(tx);
    for (const auto& s : mrp_actions_.services) {
        const PortSet ports = s.ports & vlans_.members(s.vid);
        if (s.service == mrp::Service::all_groups)
            vlans_.set_forward_all(s.vid, ports);
        else
            vlans_.set_forward_unregistered(s.vid, ports);
        L2S_LOG(snooping, INFO, "VLAN %u %s ports: %s\n", s.vid,
                s.service == mrp::Service::all_groups ? "Forward All Groups" : "Forward All Unregistered Groups",
                ports.to_string().c_str());
    }
    mrp_actions_.clear();
}

// A GMRP/MMRP PDU of the switch's, to one port in one VLAN (tagged or not as
// the port carries the VLAN).
void ControlPlane::send_mrp(const mrp::Tx& tx) {
    const std::vector<std::uint8_t> f = mrp::build_frame(tx.pdu, switch_mac_);
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    if (m == nullptr) {
        handoff_.no_mbuf(PortSet::of({tx.port}));
        return;
    }
    if (f.size() > rte_pktmbuf_tailroom(m)) {  // never: PDUs hold at most Participant::kAttrsPerPdu attributes
        ++ctl_.unsendable;
        rte_pktmbuf_free(m);
        return;
    }
    std::memcpy(rte_pktmbuf_append(m, static_cast<std::uint16_t>(f.size())), f.data(), f.size());
    ++ctl_.sent;
    egress_.send(m, false, tx.vid,
                 plan(PortSet::of({tx.port}) & vlans_.members(tx.vid), tx.vid, Arrival::untagged, ports_.up(), vlans_));
}

}  // namespace l2snoop
