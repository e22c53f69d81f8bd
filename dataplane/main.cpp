// l2snoop [EAL options] -- [app options]
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_pdump.h>

#include <grp.h>
#include <systemd/sd-daemon.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <cstdio>
#include <string>
#include <vector>

#include "dataplane/ctl_server.h"
#include "dataplane/ctl_show.h"
#include "dataplane/log.h"
#include "dataplane/options.h"
#include "dataplane/switch.h"
#include "dataplane/telemetry.h"

using namespace l2snoop;

namespace {

// Set by SIGINT/SIGTERM, read by the switch's threads (Switch::stop_on) and
// main. A lock-free atomic of static storage: the handler may run at any
// moment, on any thread, and touches nothing else (async-signal-safe).
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_signal(int) { g_stop.store(true, std::memory_order_relaxed); }

// Set by SIGHUP, taken by the control thread (ControlPlane::reload_on).
std::atomic<bool> g_reload{false};
void on_hangup(int) { g_reload.store(true, std::memory_order_relaxed); }

int worker_main(void* arg) {
    auto* sw = static_cast<Switch*>(arg);
    return sw->worker_loop(rte_lcore_index(static_cast<int>(rte_lcore_id())));
}

void print_summary(const Switch& sw) {
    std::printf("l2snoop: stopped\n");
    for (PortId p : sw.ports()) {
        const auto s = sw.port_stats(p);
        std::printf("  port %u: rx %lu tx %lu flooded %lu punted %lu", p, static_cast<unsigned long>(s.rx),
                    static_cast<unsigned long>(s.sent()), static_cast<unsigned long>(s.flooded),
                    static_cast<unsigned long>(s.punted));
        for (int i = 0; i < static_cast<int>(Drop::kCount); ++i)
            if (s.drops[i]) std::printf(" drop_%s %lu", std::string(to_string(static_cast<Drop>(i))).c_str(), static_cast<unsigned long>(s.drops[i]));
        std::printf("\n");
    }
    const auto& k = sw.snooper().counters();
    std::printf("  snooping: queries %lu reports %lu leaves %lu v3_reports %lu queries_sent %lu groups %zu\n",
                static_cast<unsigned long>(k.queries), static_cast<unsigned long>(k.reports),
                static_cast<unsigned long>(k.leaves), static_cast<unsigned long>(k.v3_reports),
                static_cast<unsigned long>(k.queries_sent), sw.snooper().group_count());
    const auto cs = sw.stream_stats();
    std::printf("  stream cache: %lu entries, hits %lu, misses %lu\n", static_cast<unsigned long>(cs.entries),
                static_cast<unsigned long>(cs.hits), static_cast<unsigned long>(cs.misses));
    std::printf("  tx bursts on shared queues (locked): %lu\n", static_cast<unsigned long>(sw.locked_tx_bursts()));
    std::printf("  links: changes %lu, link-state interrupts %lu\n",
                static_cast<unsigned long>(sw.control_counters().link_changes),
                static_cast<unsigned long>(sw.link_events()));
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    // From the start a signal stops l2snoop cleanly at whatever stage it is in
    // (the stages below check the flag or hand it to the switch's threads).
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGHUP, on_hangup);  // before the control thread takes it: recorded, acted on once it runs
    const int eal = rte_eal_init(argc, argv);
    if (eal < 0) {
        std::fprintf(stderr, "l2snoop: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
        return 2;
    }
    register_log_types();
    std::vector<std::string> args(argv + eal + 1, argv + argc);
    const ParseResult opts = parse_options(args);
    if (!opts.help.empty()) {
        std::printf("usage: l2snoop [EAL options] -- [options]\n%s", opts.help.c_str());
        rte_eal_cleanup();
        return 0;
    }
    if (!opts.config) {
        std::fprintf(stderr, "l2snoop: %s\n", opts.error.c_str());
        rte_eal_cleanup();
        return 2;
    }
    std::optional<gid_t> group;  // who may use the control socket besides root
    if (!opts.config->control_group.empty()) {
        const struct group* g = getgrnam(opts.config->control_group.c_str());
        if (g == nullptr) {
            std::fprintf(stderr, "l2snoop: --control-group: no group '%s'\n", opts.config->control_group.c_str());
            rte_eal_cleanup();
            return 2;
        }
        group = g->gr_gid;
    }
    std::vector<PortId> ports;
    std::uint16_t pid;
    RTE_ETH_FOREACH_DEV(pid) ports.push_back(pid);
    if (ports.empty()) {
        std::fprintf(stderr, "l2snoop: no ports (bind NICs to DPDK or give --vdev=...)\n");
        rte_eal_cleanup();
        return 2;
    }
    // Every lcore of -l is a worker, the main one too; worker i runs on the
    // lcore whose rte_lcore_index() is i.
    std::vector<unsigned> lcores;
    unsigned lc;
    RTE_LCORE_FOREACH(lc) lcores.push_back(lc);
    const unsigned workers = static_cast<unsigned>(lcores.size());
    auto owned = std::make_unique<Switch>(*opts.config, ports, lcores);
    Switch* sw = owned.get();
    std::string error;
    if (!sw->init(error)) {
        std::fprintf(stderr, "l2snoop: %s\n", error.c_str());
        owned.reset();
        rte_eal_cleanup();
        return 2;
    }
    sw->stop_on(g_stop);
    sw->control().reload_on(g_reload, args);
    // systemd (Type=notify): a no-op without NOTIFY_SOCKET.
    sw->control().on_status([](const std::string& s) { sd_notifyf(0, "STATUS=%s", s.c_str()); });
    register_telemetry(sw);
    // The control channel (l2snoopctl): reads from the snapshot on its own
    // thread, changes through the control thread.
    ControlServer server([sw](const ctl::Request& r, ControlServer::Reply reply) { reply(show(r, *sw->snapshot(), *sw)); },
                         [sw](const ctl::Request& r, ControlServer::Reply reply) { sw->control().post(r, std::move(reply)); });
    // dpdk-dumpcap support; needs the multi-process shared config (hugepages).
    if (rte_pdump_init() != 0) L2S_LOG(dataplane, INFO, "packet capture (dpdk-dumpcap) unavailable: %s\n", rte_strerror(rte_errno));
    if (!sw->start_control_thread(error) ||
        !server.start(std::string(rte_eal_get_runtime_dir()) + "/l2snoop.ctl", group, error)) {
        std::fprintf(stderr, "l2snoop: %s\n", error.c_str());
        return 1;
    }
    // Ready when every port's link is up (the control thread polls links), or
    // after 5 s, naming the ports still down.
    std::string down;
    for (int i = 0; i < 50; ++i) {
        down.clear();
        for (PortId p : ports)
            if (!sw->port_up(p)) down += " " + std::to_string(p);
        if (down.empty() || g_stop.load()) break;
        rte_delay_ms(100);
    }
    std::printf("l2snoop: ready: %zu ports, %u workers (lcores", ports.size(), workers);
    RTE_LCORE_FOREACH(lc) std::printf(" %u", lc);
    std::printf(")%s\n", down.empty() ? "" : (", link down on ports" + down).c_str());
    std::fflush(stdout);
    sd_notifyf(0, "READY=1\nSTATUS=%s%s", sw->control().status_line().c_str(),
               down.empty() ? "" : ("; link down on ports" + down).c_str());
    // Every lcore of -l is a worker, the main one too.
    RTE_LCORE_FOREACH_WORKER(lc) rte_eal_remote_launch(worker_main, sw, lc);
    worker_main(sw);
    rte_eal_mp_wait_lcore();
    sd_notify(0, "STOPPING=1");
    server.stop();
    sw->stop();
    sw->stop_ports();
    print_summary(*sw);
    register_telemetry(nullptr);  // waits for callbacks in flight; later ones answer -1
    owned.reset();
    rte_eal_cleanup();
    return 0;
}
