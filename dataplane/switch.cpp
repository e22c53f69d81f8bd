#include "dataplane/switch.h"

#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include <algorithm>
#include <ctime>
#include <numeric>

#include "dataplane/log.h"

namespace l2snoop {

namespace {
constexpr long kIdleSleepNs = 100'000;  // control thread idle: <= 100 us

std::vector<unsigned> first_lcores(unsigned n) {
    std::vector<unsigned> v(std::max(1u, n));
    std::iota(v.begin(), v.end(), 0u);
    return v;
}
}  // namespace

Switch::Switch(Config cfg, std::vector<PortId> ports, std::vector<unsigned> lcores)
    : cfg_(std::move(cfg)), lcores_(lcores.empty() ? first_lcores(1) : std::move(lcores)), ports_(std::move(ports)) {}

Switch::Switch(Config cfg, std::vector<PortId> ports, unsigned workers)
    : Switch(std::move(cfg), std::move(ports), first_lcores(workers)) {}

void Switch::WorkerDelete::operator()(Worker* w) const {
    w->~Worker();
    rte_free(w);
}

Switch::~Switch() {
    stop();
    // Workers and the control plane return their mbufs before the pool goes.
    control_.reset();
    workers_.clear();
    mfdb_.reset();
    ufdb_.reset();
    rte_free(qsbr_);
    if (pool_) rte_mempool_free(pool_);
}

bool Switch::init(std::string& error) {
    const unsigned nworkers = static_cast<unsigned>(lcores_.size());
    if (ports_.ids().size() > kMaxPorts) {
        error = "at most " + std::to_string(kMaxPorts) + " ports";
        return false;
    }
    if (error = check_against_ports(cfg_, ports_.ids()); !error.empty()) return false;
    for (PortId p : ports_.ids()) admission_.set_port(p, cfg_.port(p));

    std::vector<PortQueues> queues;
    if (!ports_.probe(cfg_, nworkers, queues, error) ||
        !build_queue_map(queues, nworkers, lcores_, cfg_.queue_map, map_, error))
        return false;

    // Mempool: every rx descriptor filled, every tx descriptor of every queue
    // in flight, per worker a burst with fan-out headroom (a header + clone
    // per port per frame: tag rewrites), its tx buffers, its hand-off ring
    // and punt queues full; plus slack.
    const std::size_t nports = ports_.ids().size();
    std::size_t need = 4096;
    for (const PortQueues& q : queues) need += std::size_t{q.rx} * kRxDesc + std::size_t{map_.tx_queues[q.port]} * kTxDesc;
    need += nworkers * (kMaxBurst * (1 + 2 * nports) + nports * kMaxBurst + kRingSize);
    need += nworkers * (std::size_t{cfg_.punt_queue} + nports * cfg_.punt_reserve);  // punt queues full (punt_queues.h)
    std::uint32_t n = cfg_.mbufs ? cfg_.mbufs : static_cast<std::uint32_t>(need);
    n = static_cast<std::uint32_t>(rte_align32pow2(n + 1) - 1);
    pool_ = rte_pktmbuf_pool_create("l2snoop_mbufs", n, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(rte_socket_id()));
    if (pool_ == nullptr) {
        error = "mbuf pool of " + std::to_string(n) + " mbufs: " + rte_strerror(rte_errno) +
                " (give the EAL more memory: -m, or hugepages)";
        return false;
    }

    const std::size_t qsz = rte_rcu_qsbr_get_memsize(nworkers);
    qsbr_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("l2snoop_qsbr", qsz, RTE_CACHE_LINE_SIZE));
    if (qsbr_ == nullptr || rte_rcu_qsbr_init(qsbr_, nworkers) != 0) {
        error = "RCU QSBR variable: out of memory";
        return false;
    }
    McastFdbConfig mc;
    mc.max_groups = cfg_.mdb_size;
    mc.max_sources = cfg_.mdb_sources;
    UcastFdbConfig uc;
    uc.capacity = cfg_.fdb_size;
    uc.max_per_port = cfg_.fdb_per_port;
    uc.max_age = cfg_.mac_aging;
    try {
        mfdb_ = std::make_unique<MulticastFdb>(qsbr_, mc);
        ufdb_ = std::make_unique<UnicastFdb>(qsbr_, uc);
        locks_ = std::make_unique<TxLocks>();
    } catch (const std::bad_alloc&) {
        error = "forwarding tables: out of memory (reduce --mdb-size/--fdb-size or give the EAL more memory)";
        return false;
    }
    if (!mfdb_->init(error) || !ufdb_->init(error)) {
        error = "forwarding tables (--mdb-size " + std::to_string(cfg_.mdb_size) + ", --fdb-size " +
                std::to_string(cfg_.fdb_size) + "): " + error + " (lower them or give the EAL more memory)";
        return false;
    }

    const SharedTables tables{&vlans_, mfdb_.get(), ufdb_.get(), &ports_, &admission_};
    const WorkerSettings ws = worker_settings(cfg_);
    std::vector<Worker*> raw;
    for (unsigned i = 0; i < nworkers; ++i) {
        void* mem = rte_zmalloc_socket("l2s_worker", sizeof(Worker), alignof(Worker), static_cast<int>(rte_socket_id()));
        if (mem == nullptr) {
            error = "worker " + std::to_string(i) + ": out of DPDK memory (give the EAL more: -m, or hugepages)";
            return false;
        }
        workers_.emplace_back(new (mem) Worker(i, ws, tables, clock_, pool_, qsbr_));
        if (!workers_.back()->init(map_, *locks_, error)) return false;
        rte_rcu_qsbr_thread_register(qsbr_, i);
        raw.push_back(workers_.back().get());
    }
    if (!ports_.start(map_, pool_, error)) return false;
    control_ = std::make_unique<ControlPlane>(cfg_, vlans_, *mfdb_, *ufdb_, ports_, clock_, pool_);
    return control_->init(raw, map_, error);
}

namespace {
void* control_main(void* arg) {
    auto* sw = static_cast<Switch*>(arg);
    while (!sw->stopping()) {
        if (sw->control_iteration() == 0) {
            // Idle: sleep briefly (<= 100 us) so the control thread needs no core of its own.
            const timespec ts{0, kIdleSleepNs};
            nanosleep(&ts, nullptr);
        }
    }
    return nullptr;
}
}  // namespace

bool Switch::start_control_thread(std::string& error) {
    if (int rc = rte_ctrl_thread_create(&control_thread_, "l2snoop-ctl", nullptr, control_main, this); rc != 0) {
        error = std::string("control thread: ") + std::strerror(rc);
        return false;
    }
    control_started_ = true;
    return true;
}

void Switch::stop() {
    stop_->store(true);
    if (control_started_) {
        pthread_join(control_thread_, nullptr);
        control_started_ = false;
    }
}

Switch::StreamStats Switch::stream_stats() const {
    StreamStats s;
    for (const auto& w : workers_) {
        s.hits += w->counters().stream_hits.load(std::memory_order_relaxed);
        s.misses += w->counters().stream_misses.load(std::memory_order_relaxed);
        s.entries += w->cache_entries();
    }
    return s;
}

std::uint64_t Switch::locked_tx_bursts() const {
    std::uint64_t n = 0;
    for (const auto& w : workers_) n += w->counters().tx_locked.load(std::memory_order_relaxed);
    return n;
}

PortStats Switch::port_stats(PortId p) const {
    PortStats s;
    for (const auto& w : workers_) {
        const WorkerCounters& c = w->counters();
        s.rx += c.rx[p].load(std::memory_order_relaxed);
        s.tx += c.tx[p].load(std::memory_order_relaxed);
        s.flooded += c.flooded[p].load(std::memory_order_relaxed);
        s.punted += c.punted[p].load(std::memory_order_relaxed);
        for (int d = 0; d < kDrops; ++d) s.drops[d] += c.drops[p][d].load(std::memory_order_relaxed);
    }
    if (control_) {
        s.drops[static_cast<int>(Drop::handoff_full)] += control_->handoff().full_drops(p);
        s.drops[static_cast<int>(Drop::no_mbuf)] += control_->handoff().no_mbuf_drops(p);
    }
    return s;
}

}  // namespace l2snoop
