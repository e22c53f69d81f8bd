// The Applicant state machine of MRP (IEEE 802.1Q 10.7.7, Table 10-3): per
// port, VLAN and attribute, what this participant declares and when it sends
// it. Pure: a state and an event in, the next state and what to send out.
//
// States: V (very anxious: has not sent), A (anxious: sent once), Q (quiet:
// sent enough, or heard another participant declare) × N (new), A/P/O
// (declaring, declaring passively i.e. not yet sent, observing), and LA
// (leaving: sends a Leave). The switch declares an attribute on a port when
// another port of the VLAN has it registered (MAP, 802.1Q 10.3); each
// declaration is sent twice (VP -> AA -> QA) and again after every LeaveAll.
// Sends the standard marks optional are left out (the encoding it allows).
#pragma once

#include <cstdint>
#include <string_view>

namespace l2snoop::mrp {

enum class ApState : std::uint8_t { vo, vp, vn, an, aa, qa, la, ao, qo, ap, qp, kCount };
enum class ApEvent : std::uint8_t {
    new_,       // New!: declare, as new (not used by the MAP: propagation joins)
    join,       // Join!: declare
    lv,         // Lv!: withdraw the declaration
    r_new,      // received New
    r_join_in,  // received JoinIn
    r_in,       // received In
    r_join_mt,  // received JoinMt
    r_mt,       // received Mt
    r_lv,       // received Lv
    r_la,       // received LeaveAll (or this participant's own LeaveAll: txLA!)
    periodic,   // periodic!
    tx,         // a transmit opportunity
    kCount,
};
// What a transmit opportunity sends for the attribute.
enum class TxWhat : std::uint8_t { nothing, new_, join, leave };

struct ApStep {
    ApState next;
    TxWhat send;  // on ApEvent::tx only
};
ApStep applicant_step(ApState s, ApEvent e);
// A state that wants a transmit opportunity.
bool wants_tx(ApState s);
// A state in which the attribute is declared (VP..QA, AP, QP; not LA).
bool declaring(ApState s);
std::string_view to_string(ApState s);

}  // namespace l2snoop::mrp
