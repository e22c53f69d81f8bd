// The control thread's live changes: requests of the control channel that
// change state, and reconfigure(), which they and SIGHUP share. Each request
// edits a copy of the live configuration; the difference is applied between
// two iterations of the control thread, the only writer. A request that is
// refused changes nothing.
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "dataplane/control.h"
#include "dataplane/log.h"

namespace l2snoop {

namespace {

std::set<std::string> lines_of(const std::string& text) {
    std::set<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
        if (!l.empty() && l[0] != '#') out.insert(l);
    return out;
}

// What only a restart changes: the ports' VLANs, table and pool sizes,
// queues, the control socket's group. The options that differ between `a` and `b`; with
// `into`, their values are copied from `b` into it instead.
std::string restart_only(const Config& a, const Config& b, Config* into = nullptr) {
    std::string names;
    const auto same = [&](auto Config::*field, const char* opt) {
        if (a.*field == b.*field) return;
        names += std::string(names.empty() ? "" : ", ") + "--" + opt;
        if (into) into->*field = b.*field;
    };
    same(&Config::ports, "port");
    same(&Config::mdb_size, "mdb-size");
    same(&Config::mdb_sources, "mdb-sources");
    same(&Config::fdb_size, "fdb-size");
    same(&Config::fdb_per_port, "fdb-per-port");
    same(&Config::mac_aging, "mac-aging");
    same(&Config::burst, "burst");
    same(&Config::idle_sleep, "idle-sleep");
    same(&Config::stream_cache, "stream-cache");
    same(&Config::mbufs, "mbufs");
    same(&Config::punt_rate, "punt-rate");
    same(&Config::punt_burst, "punt-burst");
    same(&Config::punt_queue, "punt-queue");
    same(&Config::punt_reserve, "punt-reserve");
    same(&Config::rx_queues, "rx-queues");
    same(&Config::tx_queues, "tx-queues");
    same(&Config::queue_map, "queue-map");
    same(&Config::control_group, "control-group");
    return names;
}

}  // namespace

void ControlPlane::post(ctl::Request r, std::function<void(std::string)> done) {
    std::lock_guard lock(inbox_mu_);
    inbox_.push_back({std::move(r), std::move(done)});
}

void ControlPlane::run_requests() {
    std::vector<Posted> jobs;
    {
        std::lock_guard lock(inbox_mu_);
        if (inbox_.empty()) return;
        jobs.swap(inbox_);
    }
    for (auto& j : jobs) j.done(execute(j.req).dump());
}

void ControlPlane::reload() {
    const ParseResult p = parse_options(reload_args_);
    std::vector<std::string> changed;
    std::string error;
    if (!p.config) {
        L2S_LOG(snooping, ERR, "reload: %s: nothing changed\n", p.error.c_str());
        return;
    }
    // What a restart would change is kept as it runs, and said.
    Config next = *p.config;
    if (const std::string fixed = restart_only(next, live_, &next); !fixed.empty())
        L2S_LOG(snooping, WARNING, "reload: only a restart changes %s: kept as running\n", fixed.c_str());
    if (!reconfigure(next, changed, error)) {
        L2S_LOG(snooping, ERR, "reload: %s%s\n", error.c_str(), changed.empty() ? ": nothing changed" : "");
    } else {
        L2S_LOG(snooping, NOTICE, "reload: %zu configuration line(s) changed\n", changed.size());
    }
    apply(actions_);
    build_snapshot();
}

bool ControlPlane::reconfigure(const Config& next, std::vector<std::string>& changed, std::string& error) {
    if (const std::string fixed = restart_only(next, live_); !fixed.empty()) {
        error = "only a restart changes " + fixed;
        return false;
    }
    if (const auto problems = validate(next.snoop); !problems.empty()) {
        error = problems.front();
        return false;
    }
    if (const std::string bad = check_against_ports(next, ports_.ids()); !bad.empty()) {
        error = bad;
        return false;
    }
    for (const auto& [key, port] : next.static_macs)
        if (!vlans_.members(key.first).contains(port)) {
            error = "--static-mac: port " + std::to_string(port) + " is not in VLAN " + std::to_string(key.first);
            return false;
        }

    const Time t = clock_.now();
    snooper_.reconfigure(next.snoop, t, actions_);
    mrp_.reconfigure(next.mrp, t, mrp_actions_);
    for (VlanId vid : vlan_ids_) {
        if (next.vlan_snooping_on(vid) != live_.vlan_snooping_on(vid)) {
            vlans_.set_snooping(vid, next.vlan_snooping_on(vid));
            snooper_.set_vlan_snooping(vid, next.vlan_snooping_on(vid), t, actions_);
        }
        set_vlan_policies(vid, next);
    }
    apply_mrp();
    // Static memberships that changed (only those: each is a publish in the engine).
    const auto changed_in = [](const auto& table, const auto& key, PortSet ports) {
        const auto it = table.find(key);
        return it == table.end() || it->second != ports;
    };
    for (const auto& [key, ps] : live_.static_groups)
        if (!next.static_groups.count(key)) snooper_.set_static(key.first, key.second, {}, t, actions_);
    for (const auto& [key, ps] : next.static_groups)
        if (changed_in(live_.static_groups, key, ps)) snooper_.set_static(key.first, key.second, ps, t, actions_);
    for (const auto& [key, ps] : live_.static_sources)
        if (!next.static_sources.count(key))
            snooper_.set_static_source(std::get<0>(key), std::get<1>(key), std::get<2>(key), {}, t, actions_);
    for (const auto& [key, ps] : next.static_sources)
        if (changed_in(live_.static_sources, key, ps))
            snooper_.set_static_source(std::get<0>(key), std::get<1>(key), std::get<2>(key), ps, t, actions_);
    for (const auto& [key, port] : live_.static_macs)
        if (!next.static_macs.count(key)) ufdb_.remove(key.first, key.second);
    for (const auto& [key, port] : next.static_macs) {
        if (const auto old = live_.static_macs.find(key); old != live_.static_macs.end() && old->second == port) continue;
        if (const FdbStatus st = ufdb_.add_static(key.first, key.second, port); st != FdbStatus::ok)
            error = "static MAC " + key.second.to_string() + ": " + std::string(to_string(st));
    }
    apply(actions_);

    // What changed, as the lines of the configuration file that went and came.
    const auto before = lines_of(to_ini(live_)), after = lines_of(to_ini(next));
    for (const auto& l : before)
        if (!after.count(l)) changed.push_back("- " + l);
    for (const auto& l : after)
        if (!before.count(l)) changed.push_back("+ " + l);
    live_ = next;
    for (const auto& c : changed) L2S_LOG(snooping, INFO, "configuration: %s\n", c.c_str());
    return error.empty();
}

nlohmann::json ControlPlane::execute(const ctl::Request& r) {
    using ctl::Option;
    using ctl::Verb;
    nlohmann::json reply = {{"ok", true}};
    std::vector<std::string> changed;
    std::string error;
    Config next = live_;
    const Time t = clock_.now();
    const auto vlan_ok = [&](VlanId v) {
        if (vlans_.members(v).empty()) error = "VLAN " + std::to_string(v) + " is on no port";
        return error.empty();
    };
    const auto port_ok = [&](PortId p) {
        const auto& ids = ports_.ids();
        if (std::find(ids.begin(), ids.end(), p) == ids.end())
            error = "port " + std::to_string(p) + ": no such port (" + std::to_string(ids.size()) + " ports)";
        return error.empty();
    };
    const auto member_ok = [&](PortId p, VlanId v) {
        if (port_ok(p) && !vlans_.members(v).contains(p))
            error = "port " + std::to_string(p) + " is not in VLAN " + std::to_string(v);
        return error.empty();
    };
    const auto set_bit = [](PortSet& s, PortId p, bool on) { on ? s.add(p) : s.remove(p); };

    switch (r.verb) {
        case Verb::mdb_add:
        case Verb::mdb_del: {
            const VlanId v = *r.vlan;
            if (!vlan_ok(v)) break;
            for (PortId p : r.ports)
                if (!member_ok(p, v)) break;
            if (!error.empty()) break;
            PortSet* cur = r.source ? &next.static_sources[{v, *r.group, *r.source}] : &next.static_groups[{v, *r.group}];
            if (r.verb == Verb::mdb_add) {
                *cur |= r.ports;
                break;
            }
            const PortSet was = *cur & r.ports;
            *cur -= r.ports;
            if (cur->empty()) {
                if (r.source)
                    next.static_sources.erase({v, *r.group, *r.source});
                else
                    next.static_groups.erase({v, *r.group});
            }
            std::size_t learned = 0;  // like `bridge mdb del`, learned memberships go too (until the next report)
            if (!r.source)
                for (PortId p : r.ports) learned += snooper_.flush(v, p, *r.group, t, actions_);
            if (learned) changed.push_back("forgot " + std::to_string(learned) + " learned membership(s)");
            if (was.empty() && learned == 0)
                error = "no entry for " + r.group->to_string() + (r.source ? " from " + r.source->to_string() : "") +
                        " on ports " + r.ports.to_string() + " of VLAN " + std::to_string(v);
            break;
        }
        case Verb::mdb_flush: {
            if (r.vlan && !vlan_ok(*r.vlan)) break;
            if (r.port && !port_ok(*r.port)) break;
            const auto flush_statics = [&](auto& table, auto vid_of) {
                for (auto it = table.begin(); it != table.end();) {
                    if (r.vlan && vid_of(it->first) != *r.vlan) {
                        ++it;
                        continue;
                    }
                    if (r.port) it->second.remove(*r.port);
                    it = (!r.port || it->second.empty()) ? table.erase(it) : std::next(it);
                }
            };
            flush_statics(next.static_groups, [](const auto& k) { return k.first; });
            flush_statics(next.static_sources, [](const auto& k) { return std::get<0>(k); });
            const std::size_t n = snooper_.flush(r.vlan, r.port, std::nullopt, t, actions_);
            changed.push_back("forgot " + std::to_string(n) + " learned membership(s)");
            break;
        }
        case Verb::router_add:
        case Verb::router_del: {
            if (!vlan_ok(*r.vlan) || !member_ok(*r.port, *r.vlan)) break;
            if (r.verb == Verb::router_del && next.snoop.static_router_ports.contains(*r.port)) {
                error = "port " + std::to_string(*r.port) + " is a router port of every VLAN (--router-ports)";
                break;
            }
            PortSet& s = next.snoop.vlan_router_ports[*r.vlan];
            if (r.verb == Verb::router_del && !s.contains(*r.port)) {
                error = "port " + std::to_string(*r.port) + " is not a static router port of VLAN " +
                        std::to_string(*r.vlan);
                break;
            }
            set_bit(s, *r.port, r.verb == Verb::router_add);
            if (s.empty()) next.snoop.vlan_router_ports.erase(*r.vlan);
            break;
        }
        case Verb::port_set:
            if (!port_ok(*r.port)) break;
            if (r.option == Option::fast_leave) set_bit(next.snoop.fast_leave, *r.port, r.on);
            if (r.option == Option::router_learning) set_bit(next.snoop.no_router_learning, *r.port, !r.on);
            if (r.option == Option::flood) set_bit(next.flood_ports, *r.port, r.on);
            break;
        case Verb::vlan_set:
            if (!vlan_ok(*r.vlan)) break;
            if (r.option == Option::snooping) next.vlan_snooping[*r.vlan] = r.on;
            if (r.option == Option::querier) {
                next.snoop.vlan_querier[*r.vlan] = r.on;
                if (r.address && r.address->is_v4()) next.snoop.querier_address4[*r.vlan] = r.address->v4();
                if (r.address && !r.address->is_v4()) next.snoop.querier_address6[*r.vlan] = r.address->v6();
            }
            if (r.option == Option::unregistered) next.vlan_unregistered[*r.vlan] = r.policy;
            break;
        case Verb::fdb_add:
            if (vlan_ok(*r.vlan) && member_ok(*r.port, *r.vlan)) next.static_macs[{*r.vlan, *r.mac}] = *r.port;
            break;
        case Verb::fdb_del:
            if (next.static_macs.erase({*r.vlan, *r.mac}) == 0) {
                if (ufdb_.remove(*r.vlan, *r.mac) == FdbStatus::ok)
                    changed.push_back("forgot learned " + r.mac->to_string() + " in VLAN " + std::to_string(*r.vlan));
                else
                    error = "no entry for " + r.mac->to_string() + " in VLAN " + std::to_string(*r.vlan);
            }
            break;
        case Verb::fdb_flush: {
            if ((r.vlan && !vlan_ok(*r.vlan)) || (r.port && !port_ok(*r.port))) break;
            std::vector<std::pair<VlanId, MacAddr>> gone;  // learned entries only, like `bridge fdb flush`
            ufdb_.for_each([&](const UnicastFdb::View& e) {
                if (!e.is_static && (!r.vlan || e.vid == *r.vlan) && (!r.port || e.port == *r.port))
                    gone.emplace_back(e.vid, e.mac);
            });
            for (const auto& [v, m] : gone) ufdb_.remove(v, m);
            changed.push_back("forgot " + std::to_string(gone.size()) + " learned MAC(s)");
            break;
        }
        case Verb::config_save: {
            std::ofstream out(r.path);
            out << "# l2snoop configuration, written by `l2snoopctl config save`\n" << to_ini(live_);
            out.close();
            if (!out) error = "cannot write " + r.path;
            else changed.push_back("wrote " + r.path);
            break;
        }
        default: error = std::string(ctl::name(r.verb)) + " changes nothing"; break;
    }
    if (error.empty() && !(next == live_)) reconfigure(next, changed, error);
    apply(actions_);
    build_snapshot();  // a show right after this reply sees the change
    if (!error.empty()) return {{"ok", false}, {"error", error}};
    reply["changed"] = changed;
    return reply;
}

}  // namespace l2snoop
