// EAL set-up for test binaries that need DPDK memory (rte_hash, rte_rcu),
// and a QSBR variable with registered reader threads.
#pragma once

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <chrono>
#include <thread>

namespace l2snoop::test {

// Initialises the EAL once: no PCI, no shared config, so test binaries can run
// side by side. Without hugepages (tests) it reserves `memory_mb`; with
// `hugepages` (benchmarks) it uses the hugetlbfs mount. Aborts on failure.
void init_eal(const char* prog, const char* memory_mb = "256", bool hugepages = false);
// rte_eal_cleanup() and removal of this process's runtime directory.
void cleanup_eal();

class Qsbr {
public:
    explicit Qsbr(unsigned readers) {
        const std::size_t sz = rte_rcu_qsbr_get_memsize(readers);
        v_ = static_cast<rte_rcu_qsbr*>(rte_zmalloc("test_qsbr", sz, RTE_CACHE_LINE_SIZE));
        if (v_ == nullptr || rte_rcu_qsbr_init(v_, readers) != 0) throw std::runtime_error("rcu init");
    }
    ~Qsbr() { rte_free(v_); }
    Qsbr(const Qsbr&) = delete;
    Qsbr& operator=(const Qsbr&) = delete;
    rte_rcu_qsbr* get() const { return v_; }
    // A reader `id` that is online and has not reported quiescent blocks reclamation.
    void online(unsigned id) {
        rte_rcu_qsbr_thread_register(v_, id);
        rte_rcu_qsbr_thread_online(v_, id);
    }
    void quiescent(unsigned id) { rte_rcu_qsbr_quiescent(v_, id); }
    void offline(unsigned id) {
        rte_rcu_qsbr_thread_offline(v_, id);
        rte_rcu_qsbr_thread_unregister(v_, id);
    }

private:
    rte_rcu_qsbr* v_ = nullptr;
};

// EAL pins the main thread to its lcore and new threads inherit that; a test
// reader thread must run beside the writer, not behind it.
inline void run_on_any_cpu() {
    cpu_set_t all;
    CPU_ZERO(&all);
    for (int c = 0; c < CPU_SETSIZE; ++c) CPU_SET(c, &all);
    pthread_setaffinity_np(pthread_self(), sizeof all, &all);
}

// The reader side of a writer/reader stress test: a thread that is QSBR
// reader `id`, calls `probe()` until stop() and reports quiescent after each
// call. What `probe` counts may be read once stop() has joined the thread.
class StressReader {
public:
    template <class Probe>
    StressReader(Qsbr& qsbr, unsigned id, Probe probe)
        : thread_([this, &qsbr, id, probe]() mutable {
              run_on_any_cpu();
              qsbr.online(id);
              while (!stop_.load(std::memory_order_relaxed)) {
                  probe();
                  ++probes_;
                  qsbr.quiescent(id);
              }
              qsbr.offline(id);
          }) {}
    ~StressReader() {
        if (thread_.joinable()) stop();
    }
    StressReader(const StressReader&) = delete;
    StressReader& operator=(const StressReader&) = delete;
    // Joins the thread; returns how many probes it made.
    std::uint64_t stop() {
        stop_.store(true, std::memory_order_relaxed);
        thread_.join();
        return probes_;
    }

private:
    std::atomic<bool> stop_{false};
    std::uint64_t probes_ = 0;
    std::thread thread_;  // last: starts once the members above exist
};

// What the control thread does when a table is full only because retired
// entries await a grace period: let readers run, reclaim, try again. Bounded
// by time (10 s), not attempts: on a loaded 2-core machine a reader thread can
// be descheduled for a long while, and only a reader that never passes a
// quiescent state should make this fail.
template <class Fdb, class Op>
bool retry_while_reclaiming(Fdb& fdb, Op&& op) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!op()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(20));
        fdb.reclaim();
    }
    return true;
}

}  // namespace l2snoop::test
