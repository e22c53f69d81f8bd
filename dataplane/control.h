// The control thread's work (docs/architecture.md, The seam): the single writer of every table the
// workers read. Per iteration it drains the workers' punt and learn rings,
// feeds control frames to the snooping engine, applies the engine's actions
// (FDB entries, router ports, floods, frames to send), runs timers and aging,
// reclaims what readers can no longer see, follows links, and refreshes the
// telemetry snapshot. Frames it sends go through Handoff to the workers.
#pragma once

#include <rte_mempool.h>

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dataplane/clock.h"
#include "dataplane/counters.h"
#include "dataplane/ctl_proto.h"
#include "dataplane/drr.h"
#include "dataplane/egress.h"
#include "dataplane/options.h"
#include "dataplane/ports.h"
#include "dataplane/rings.h"
#include "dataplane/tx.h"
#include "dataplane/worker.h"
#include "fdb/mcast_fdb.h"
#include "fdb/ucast_fdb.h"
#include "fdb/vlan_table.h"
#include "mrp/engine.h"
#include "snooping/snooper.h"

namespace l2snoop {

// What telemetry shows of the control plane, copied by the control thread
// every 250 ms (telemetry threads never read live control state).
struct ControlSnapshot {
    struct VlanView {
        VlanId vid;
        PortSet members, untagged, flood_ports;
        PortSet forward_all, forward_unregistered;  // GMRP/MMRP service requirements
        UnregisteredPolicy unregistered;
        bool snooping;
    };
    Time taken{0};
    Config config;  // the live configuration
    std::vector<VlanView> vlans;
    std::vector<Ports::Info> ports;
    std::vector<MembershipView> memberships;
    std::vector<QuerierView> queriers;
    std::vector<MulticastFdb::GroupView> groups;
    std::vector<UnicastFdb::View> macs;
    SnoopCounters snoop;
    // GMRP/MMRP: every registration (both protocols), the layer-2 entries of
    // the multicast FDB, the counters by protocol.
    struct MrpRegistration {
        mrp::Protocol protocol;
        mrp::Registrar::View v;
    };
    std::vector<MrpRegistration> mrp_registrations;
    struct MrpDeclaration {
        mrp::Protocol protocol;
        mrp::Participant::View v;
    };
    std::vector<MrpDeclaration> mrp_declarations;
    std::vector<std::tuple<VlanId, MacAddr, PortSet>> mrp_macs;
    std::array<mrp::MrpCounters, 2> mrp;
    std::map<PortId, ProtoCounters> port_counters;
    std::map<VlanId, ProtoCounters> vlan_counters;
    ControlCounters control;
};

class ControlPlane {
public:
    ControlPlane(const Config& cfg, VlanTable& vlans, MulticastFdb& mfdb, UnicastFdb& ufdb, Ports& ports,
                 const Clock& clock, rte_mempool* pool);

    // The VLANs, static groups and links as configured, the hand-off rings of
    // `workers`; the engine's start-up actions applied (start-up queries).
    bool init(const std::vector<Worker*>& workers, const QueueMap& map, std::string& error);
    // One pass over everything; returns the rings' work done (0: idle).
    unsigned iteration();

    // The control channel: any thread posts a request that changes state;
    // the control thread executes it between iterations and calls `done`
    // with the reply (one JSON object) on its own thread.
    void post(ctl::Request r, std::function<void(std::string)> done);
    // Executes a change now (control thread; tests).
    nlohmann::json execute(const ctl::Request& r);
    // Applies the difference between the live configuration and `next`
    // (control thread): false with `error` when only a restart can change
    // something in it, or it names ports/VLANs that do not exist (then nothing
    // changed). `changed`: the configuration lines that went and came.
    bool reconfigure(const Config& next, std::vector<std::string>& changed, std::string& error);
    const Config& live_config() const { return live_; }
    // The snapshot rebuilt now rather than within 250 ms (control thread; tests).
    void refresh_snapshot() { build_snapshot(); }
    // Every 10 s the control thread calls `fn` with a one-line summary (the
    // service manager's STATUS). Before the control thread starts. The
    // summary comes from the snapshot: any thread may call status_line().
    void on_status(std::function<void(const std::string&)> fn) { status_fn_ = std::move(fn); }
    std::string status_line() const;
    // SIGHUP: when `flag` is set the control thread clears it, parses `args`
    // again (--config re-read) and reconfigures to the result; live changes
    // not in the file go. A file with an error changes nothing (logged).
    void reload_on(std::atomic<bool>& flag, std::vector<std::string> args) {
        reload_flag_ = &flag;
        reload_args_ = std::move(args);
    }

    const Snooper& snooper() const { return snooper_; }
    const mrp::MrpEngine& mrp() const { return mrp_; }
    const ControlCounters& counters() const { return ctl_; }
    const Handoff& handoff() const { return handoff_; }
    // Thread-safe: the latest snapshot (telemetry threads).
    std::shared_ptr<const ControlSnapshot> snapshot() const {
        std::lock_guard lock(snapshot_mu_);
        return snapshot_;
    }

private:
    void handle(const PuntedFrame& pf);
    void handle_mrp(const PuntedFrame& pf);
    void apply(Actions& a);
    void apply_mrp();
    void send_mrp(const mrp::Tx& tx);
    void send(const SendAction& s);
    void send(const SendAction& s, const MacAddr& src_mac);
    void check_links();
    void build_snapshot();
    void run_requests();
    void set_vlan_policies(VlanId vid, const Config& c);

    const Config& cfg_;
    VlanTable& vlans_;
    MulticastFdb& mfdb_;
    UnicastFdb& ufdb_;
    Ports& ports_;
    const Clock& clock_;
    rte_mempool* pool_;
    std::vector<Worker*> workers_;
    // Punted frames: per port (a DRR flow) the punt rings of the workers polling it.
    std::vector<std::vector<rte_ring*>> punt_rings_;
    DeficitRoundRobin drr_{0, 0, 1};
    unsigned serve_punts();
    Handoff handoff_;
    Egress<Handoff> egress_;

    Snooper snooper_;
    Actions actions_;
    mrp::MrpEngine mrp_;
    mrp::MrpActions mrp_actions_;
    ControlCounters ctl_;
    MacAddr switch_mac_;
    Time next_link_check_{0}, next_snapshot_{0}, next_status_{0};
    std::function<void(const std::string&)> status_fn_;

    void reload();
    Config live_;                     // the configuration as changed live (control thread)
    // Set by a signal handler (main's), taken by the control thread.
    std::atomic<bool>* reload_flag_ = nullptr;
    std::vector<std::string> reload_args_;
    std::vector<VlanId> vlan_ids_;    // the VLANs some port carries
    struct Posted {
        ctl::Request req;
        std::function<void(std::string)> done;
    };
    std::mutex inbox_mu_;  // the control channel's thread <-> the control thread
    std::vector<Posted> inbox_;

    mutable std::mutex snapshot_mu_;  // control thread <-> telemetry threads only
    std::shared_ptr<const ControlSnapshot> snapshot_;
};

}  // namespace l2snoop
