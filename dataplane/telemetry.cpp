#include "dataplane/telemetry.h"

#include <rte_telemetry.h>

#include <mutex>
#include <shared_mutex>
#include <string>

#include "dataplane/switch.h"

namespace l2snoop {

namespace {

// Written by: main (register_telemetry), under the exclusive lock. Read by:
// the telemetry threads' callbacks, under the shared lock for the whole call,
// so once register_telemetry(nullptr) returns no callback uses the switch.
std::shared_mutex g_mu;
Switch* g_switch = nullptr;

std::string ms(Duration d) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); }

// Params must be empty: these commands take none.
bool no_params(const char* params) { return g_switch != nullptr && (params == nullptr || *params == '\0'); }

// A counters struct into a telemetry dict, from its table (fdb/names.h CounterRow).
template <class S, std::size_t N, class T>
void add_counters(rte_tel_data* d, const CounterRow<S> (&rows)[N], const T& c) {
    for (const auto& r : rows) rte_tel_data_add_dict_u64(d, std::string(r.name).c_str(), c.*r.field);
}

int cmd_stats(const char*, const char* params, rte_tel_data* d) {
    if (!no_params(params)) return -1;
    rte_tel_data_start_dict(d);
    for (PortId p : g_switch->ports()) {
        const auto s = g_switch->port_stats(p);
        rte_tel_data* c = rte_tel_data_alloc();
        if (c == nullptr) return -1;
        rte_tel_data_start_dict(c);
        rte_tel_data_add_dict_u64(c, "rx", s.rx);
        rte_tel_data_add_dict_u64(c, "tx", s.sent());
        rte_tel_data_add_dict_u64(c, "flooded", s.flooded);
        rte_tel_data_add_dict_u64(c, "punted", s.punted);
        for (int i = 0; i < static_cast<int>(Drop::kCount); ++i)
            if (s.drops[i]) rte_tel_data_add_dict_u64(c, ("drop_" + std::string(to_string(static_cast<Drop>(i)))).c_str(), s.drops[i]);
        rte_tel_data_add_dict_container(d, ("port" + std::to_string(p)).c_str(), c, 0);
    }
    const auto cs = g_switch->stream_stats();
    rte_tel_data* sc = rte_tel_data_alloc();
    if (sc == nullptr) return -1;
    rte_tel_data_start_dict(sc);
    rte_tel_data_add_dict_u64(sc, "entries", cs.entries);
    rte_tel_data_add_dict_u64(sc, "hits", cs.hits);
    rte_tel_data_add_dict_u64(sc, "misses", cs.misses);
    rte_tel_data_add_dict_container(d, "stream_cache", sc, 0);
    rte_tel_data_add_dict_u64(d, "locked_tx_bursts", g_switch->locked_tx_bursts());
    const auto snap = g_switch->snapshot();
    if (!snap) return 0;
    rte_tel_data* sn = rte_tel_data_alloc();
    if (sn == nullptr) return -1;
    rte_tel_data_start_dict(sn);
    add_counters(sn, kSnoopCounters, snap->snoop);
    for (int i = 1; i < static_cast<int>(DecodeError::kCount); ++i)
        rte_tel_data_add_dict_u64(sn, ("rejected_" + std::string(to_string(static_cast<DecodeError>(i)))).c_str(),
                                  snap->control.decode_errors[i]);
    rte_tel_data_add_dict_container(d, "snooping", sn, 0);
    // The control thread's counters, named as in `l2snoopctl stats` ("control").
    rte_tel_data* ctl = rte_tel_data_alloc();
    if (ctl == nullptr) return -1;
    rte_tel_data_start_dict(ctl);
    add_counters(ctl, kControlCounters, snap->control);
    rte_tel_data_add_dict_u64(ctl, "link_interrupts", g_switch->link_events());
    rte_tel_data_add_dict_container(d, "control", ctl, 0);
    return 0;
}

// A command answering one string per row of a snapshot collection.
template <class Row, class Format>
int string_rows(const char* params, rte_tel_data* d, std::vector<Row> Switch::Snapshot::*rows, Format format) {
    if (!no_params(params)) return -1;
    const auto snap = g_switch->snapshot();
    rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
    if (!snap) return 0;
    for (const Row& r : (*snap).*rows)
        if (rte_tel_data_add_array_string(d, format(r).c_str()) != 0) break;  // telemetry output is bounded
    return 0;
}

// "10/igmp", "10/mld": the key of per-VLAN, per-family answers.
std::string family_key(const QuerierView& q) {
    return std::to_string(q.vid) + (q.family == IpFamily::v4 ? "/igmp" : "/mld");
}

int cmd_mdb(const char*, const char* params, rte_tel_data* d) {
    // One line per (VLAN, group, port): "vid group port P mode timer_ms T vN [source/timer ...]".
    return string_rows(params, d, &Switch::Snapshot::memberships, [](const MembershipView& m) {
        std::string line = std::to_string(m.vid) + " " + m.group.to_string() + " port " + std::to_string(m.port) +
                           (m.exclude ? " exclude " : " include ") + "timer_ms " + ms(m.group_timer_left) + " v" +
                           std::to_string(m.compat_version);
        for (const auto& [s, t] : m.sources) line += " " + s.to_string() + (t.count() ? "/" + ms(t) : "/blocked");
        return line;
    });
}

int cmd_routers(const char*, const char* params, rte_tel_data* d) {
    if (!no_params(params)) return -1;
    const auto snap = g_switch->snapshot();
    rte_tel_data_start_dict(d);
    if (!snap) return 0;
    for (const auto& q : snap->queriers) {
        rte_tel_data_add_dict_string(d, family_key(q).c_str(), q.router_ports.to_string().c_str());
    }
    return 0;
}

int cmd_querier(const char*, const char* params, rte_tel_data* d) {
    if (!no_params(params)) return -1;
    const auto snap = g_switch->snapshot();
    rte_tel_data_start_dict(d);
    if (!snap) return 0;
    for (const auto& q : snap->queriers) {
        std::string v = !q.querier_present ? "none (no querier: memberships will time out)"
                        : q.we_are_querier ? "self " + q.querier.to_string()
                                           : q.querier.to_string() + " expires_ms " + ms(q.other_querier_left);
        // Where another switch's proxy querier (0.0.0.0 / ::) speaks: reports go there too.
        if (!q.proxy_querier_ports.empty()) v += " proxy_queriers_on " + q.proxy_querier_ports.to_string();
        rte_tel_data_add_dict_string(d, family_key(q).c_str(), v.c_str());
    }
    return 0;
}

int cmd_fdb(const char*, const char* params, rte_tel_data* d) {
    return string_rows(params, d, &Switch::Snapshot::macs, [](const UnicastFdb::View& m) {
        return std::to_string(m.vid) + " " + m.mac.to_string() + " port " + std::to_string(m.port) +
               (m.is_static ? " static" : "");
    });
}

int cmd_mrp(const char*, const char* params, rte_tel_data* d) {
    return string_rows(params, d, &Switch::Snapshot::mrp_registrations, [](const ControlSnapshot::MrpRegistration& r) {
        const mrp::AttrId& a = r.v.attr;
        return std::string(r.protocol == mrp::Protocol::gmrp ? "gmrp " : "mmrp ") + std::to_string(r.v.vid) + " " +
               (a.type == mrp::AttrType::group_mac ? a.mac.to_string()
                : a.service == mrp::Service::all_groups ? std::string("forward-all-groups")
                                                        : std::string("forward-unregistered-groups")) +
               " port " + std::to_string(r.v.port) + (r.v.leaving ? " leaving" : "");
    });
}

int cmd_ports(const char*, const char* params, rte_tel_data* d) {
    if (!no_params(params)) return -1;
    rte_tel_data_start_dict(d);
    for (PortId p : g_switch->ports()) {
        const PortConfig pc = g_switch->config().port(p);
        std::string v = g_switch->port_up(p) ? "up " : "down ";
        if (pc.mode == PortConfig::Mode::access) {
            v += "access " + std::to_string(pc.access_vid);
        } else {
            v += "trunk";
            for (VlanId vid : pc.trunk_vids) v += " " + std::to_string(vid);
            if (pc.native) v += " native " + std::to_string(*pc.native);
        }
        rte_tel_data_add_dict_string(d, ("port" + std::to_string(p)).c_str(), v.c_str());
    }
    return 0;
}

// Every command: the switch, if there is one, held for the whole call; no
// exception leaves a telemetry thread (a failed allocation answers -1).
template <int (*Command)(const char*, const char*, rte_tel_data*)>
int guarded(const char* cmd, const char* params, rte_tel_data* d) {
    std::shared_lock lock(g_mu);
    if (g_switch == nullptr) return -1;
    try {
        return Command(cmd, params, d);
    } catch (...) {
        return -1;
    }
}

}  // namespace

void register_telemetry(Switch* sw) {
    {
        std::unique_lock lock(g_mu);  // waits for the callbacks in flight
        g_switch = sw;
    }
    static bool registered = false;  // main thread only
    if (registered || sw == nullptr) return;
    registered = true;
    rte_telemetry_register_cmd("/l2snoop/stats", guarded<cmd_stats>, "Per-port counters and drops by reason, snooping counters");
    rte_telemetry_register_cmd("/l2snoop/mdb", guarded<cmd_mdb>, "Memberships: VLAN, group, port, mode, timers, sources");
    rte_telemetry_register_cmd("/l2snoop/routers", guarded<cmd_routers>, "Multicast router ports per VLAN and family");
    rte_telemetry_register_cmd("/l2snoop/querier", guarded<cmd_querier>, "Elected querier per VLAN and family");
    rte_telemetry_register_cmd("/l2snoop/fdb", guarded<cmd_fdb>, "Unicast MAC table");
    rte_telemetry_register_cmd("/l2snoop/ports", guarded<cmd_ports>, "Ports: link, mode, VLANs");
    rte_telemetry_register_cmd("/l2snoop/mrp", guarded<cmd_mrp>, "GMRP/MMRP registrations: VLAN, MAC or service requirement, port");
}

}  // namespace l2snoop
