// One protocol's declarations (GMRP or MMRP) on every (VLAN, port) where the
// switch participates: an Applicant per declared attribute (mrp/applicant.h),
// a transmit opportunity a join time after something became due, and a
// LeaveAll timer per (VLAN, port) (802.1Q 10.7.9: LeaveAllTime to 1.5 x it,
// random), and optionally the PeriodicTransmission timer (10.7.10: every
// second each declaration is re-sent). Out come the PDUs to send and the LeaveAlls sent (the Registrar
// applies each to itself). Pure, on a virtual clock.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <tuple>
#include <vector>

#include "fdb/port_set.h"
#include "fdb/times.h"
#include "mrp/applicant.h"
#include "mrp/pdu.h"
#include "mrp/registrar.h"

namespace l2snoop::mrp {

// A PDU for one port in one VLAN.
struct Tx {
    VlanId vid;
    PortId port;
    Pdu pdu;
};

class Participant {
public:
    struct Timers {
        Duration join = std::chrono::milliseconds(200);
        Duration leave_all = std::chrono::seconds(10);
        Duration periodic{0};  // PeriodicTransmission (802.1Q 10.7.10: 1 s); 0: off
    };
    // Attributes per PDU: a frame stays under 1,500 bytes (GARP: 8 bytes each).
    static constexpr std::size_t kAttrsPerPdu = 150;

    Participant(Protocol p, Timers t, std::uint32_t seed = 1) : protocol_(p), timers_(t), rng_(seed) {}

    // (vid, port) takes part from `now` (its LeaveAll timer starts) or no
    // longer does (everything of it forgotten, nothing sent).
    void set_port(VlanId vid, PortId port, bool on, Time now);
    bool participates(VlanId vid, PortId port) const { return ctx_.count({vid, port}) != 0; }
    // The MAP's word: declare `attr` on (vid, port), or withdraw it.
    void declare(VlanId vid, PortId port, const AttrId& attr, bool on, Time now);
    // A PDU received on (vid, port): what it says of the attributes this
    // participant declares there, and its LeaveAll.
    void received(VlanId vid, PortId port, const Pdu& pdu, Time now);
    // Transmit opportunities and LeaveAll timers due by `now`: PDUs to `out`,
    // the (vid, port) whose own LeaveAll went to `leave_alls`. `reg` says
    // whether a port registered an attribute (JoinIn or JoinMt).
    void on_timer(Time now, const Registrar& reg, std::vector<Tx>& out,
                  std::vector<std::pair<VlanId, PortId>>& leave_alls);
    std::optional<Time> next_deadline() const { return next_; }
    void set_timers(Timers t) { timers_ = t; }

    // What is declared where, for telemetry.
    struct View {
        VlanId vid;
        PortId port;
        AttrId attr;
        ApState state;
    };
    std::vector<View> view() const;
    std::size_t size() const { return states_.size(); }

private:
    using Ctx = std::pair<VlanId, PortId>;
    using Key = std::tuple<VlanId, PortId, AttrId>;
    struct Timer {
        Time tx_at{0};         // 0: no transmit opportunity scheduled
        Time leave_all_at{0};
        Time periodic_at{0};     // 0: PeriodicTransmission off
        bool leave_all = false;  // our LeaveAll goes with the next PDU
    };
    void step(std::map<Key, ApState>::iterator it, ApEvent e);
    void schedule(const Ctx& c, Time now);
    void transmit(const Ctx& c, Timer& t, Time now, const Registrar& reg, std::vector<Tx>& out);
    Time leave_all_deadline(Time now);
    void recompute_next();  // O(contexts): on_timer only
    void lower_next(Time t) {
        if (!next_ || t < *next_) next_ = t;
    }

    Protocol protocol_;
    Timers timers_;
    std::minstd_rand rng_;
    std::map<Ctx, Timer> ctx_;
    std::map<Key, ApState> states_;  // absent: VO
    std::optional<Time> next_;       // no later than the earliest timer of ctx_ (early is harmless)
};

}  // namespace l2snoop::mrp
