// FDB micro-benchmarks: what a worker pays per frame to find where a frame
// goes, by table size, single vs bulk, hit vs miss; and the writer's rate.
//   build/tests/bench/fdb_bench --benchmark-samples 100
// Per-key cost = reported time / kBatch (single) or / 32 (one bulk call).
#include "tests/bench/catch.h"

#include <cstdlib>
#include <random>
#include <vector>

#include "fdb/mcast_fdb.h"
#include "fdb/ucast_fdb.h"
#include "tests/unit/fdb/eal_env.h"
#include "tests/unit/frames.h"

using namespace l2snoop;
using namespace l2snoop::test;

namespace {

constexpr unsigned kBatch = 32;
const IpAddr kSource = Ipv4Addr{{192, 0, 2, 1}};

IpAddr group(std::uint32_t i) { return Ipv4Addr::from_host(0xe1000000u + i); }  // 225.0.0.0 + i: distinct MACs

struct Populated {
    Qsbr qsbr{1};
    std::unique_ptr<MulticastFdb> fdb;
    std::vector<IpAddr> probe_groups;  // random registered groups, in probe order
    std::vector<VlanId> vids;

    Populated(std::uint32_t n, const char* name) {
        McastFdbConfig cfg;
        cfg.max_groups = n;
        cfg.max_sources = 16;
        cfg.name = name;
        fdb = std::make_unique<MulticastFdb>(qsbr.get(), cfg);
        std::string err;
        if (!fdb->init(err)) throw std::runtime_error(err);
        for (std::uint32_t i = 0; i < n; ++i) fdb->set_group(10, group(i), PortSet::of({1, 2}));
        std::mt19937 rng(n);
        for (unsigned i = 0; i < 4096; ++i) probe_groups.push_back(group(rng() % n));
        vids.assign(kBatch, 10);
    }
};

void bench_size(std::uint32_t n, const char* name) {
    Populated t(n, name);
    REQUIRE(t.fdb->group_count() == n);
    unsigned cursor = 0;
    const std::string sz = std::to_string(n);

    BENCHMARK("single lookup, hit, " + sz + " groups (x32)") {
        std::uint64_t acc = 0;
        for (unsigned i = 0; i < kBatch; ++i) {
            const auto p = t.fdb->lookup(10, t.probe_groups[cursor++ & 4095], kSource);
            acc += p ? p->bits() : 0;
        }
        return acc;
    };
    BENCHMARK("single lookup, miss, " + sz + " groups (x32)") {
        std::uint64_t acc = 0;
        for (unsigned i = 0; i < kBatch; ++i) {
            const auto p = t.fdb->lookup(11, t.probe_groups[cursor++ & 4095], kSource);
            acc += p ? p->bits() : 1;
        }
        return acc;
    };
    const IpAddr* gp[kBatch];
    const IpAddr* sp[kBatch];
    PortSet out[kBatch];
    std::vector<VlanId> miss_vids(kBatch, 11);
    BENCHMARK("bulk lookup of 32, hit, " + sz + " groups") {
        for (unsigned i = 0; i < kBatch; ++i) {
            gp[i] = &t.probe_groups[cursor++ & 4095];
            sp[i] = &kSource;
        }
        return t.fdb->lookup_bulk(kBatch, t.vids.data(), gp, sp, out);
    };
    BENCHMARK("bulk lookup of 32, miss, " + sz + " groups") {
        for (unsigned i = 0; i < kBatch; ++i) {
            gp[i] = &t.probe_groups[cursor++ & 4095];
            sp[i] = &kSource;
        }
        return t.fdb->lookup_bulk(kBatch, miss_vids.data(), gp, sp, out);
    };
}

}  // namespace

TEST_CASE("multicast FDB lookups, 1 group") { bench_size(1, "b1"); }
TEST_CASE("multicast FDB lookups, 1K groups") { bench_size(1024, "b1k"); }
TEST_CASE("multicast FDB lookups, 64K groups") { bench_size(65536, "b64k"); }
TEST_CASE("multicast FDB lookups, 1M groups") { bench_size(1 << 20, "b1m"); }

TEST_CASE("multicast FDB writer") {
    Populated t(65536, "bw");
    std::uint32_t i = 0;
    BENCHMARK("port set update of an existing group (x32)") {
        for (unsigned k = 0; k < kBatch; ++k, ++i) t.fdb->set_group(10, group(i & 65535), PortSet::from_bits(i));
        return i;
    };
    // Churn: a group joins and leaves; slots come back through QSBR reclaim.
    std::uint32_t j = 0;
    BENCHMARK("group add + remove + reclaim, 64K table (x32)") {
        for (unsigned k = 0; k < kBatch; ++k) {
            const IpAddr g = Ipv4Addr::from_host(0xe8000000u + (j++ & 0xffff));
            t.fdb->remove_group(10, group(j & 65535));
            t.fdb->set_group(10, g, PortSet::of({3}));
            t.fdb->remove_group(10, g);
            t.fdb->set_group(10, group(j & 65535), PortSet::of({1, 2}));
            t.fdb->reclaim();
        }
        return j;
    };
}

TEST_CASE("unicast FDB lookups, 64K MACs") {
    Qsbr qsbr(1);
    UcastFdbConfig cfg;
    cfg.capacity = 65536;
    cfg.max_per_port = 65536;
    cfg.name = "ub";
    UnicastFdb fdb(qsbr.get(), cfg);
    std::string err;
    REQUIRE(fdb.init(err));
    const auto mac = unicast_mac;
    for (std::uint32_t i = 0; i < 65536; ++i) REQUIRE(fdb.learn(1, mac(i), static_cast<PortId>(i % 8), Time{0}) == LearnResult::learned);
    std::vector<MacAddr> probes;
    std::mt19937 rng(5);
    for (int i = 0; i < 4096; ++i) probes.push_back(mac(rng() % 65536));
    std::vector<VlanId> vids(kBatch, 1);
    const MacAddr* mp[kBatch];
    PortId ports[kBatch];
    unsigned cursor = 0;
    BENCHMARK("bulk lookup of 32, hit") {
        for (unsigned i = 0; i < kBatch; ++i) mp[i] = &probes[cursor++ & 4095];
        return fdb.lookup_bulk(kBatch, vids.data(), mp, ports);
    };
}

// EAL for the whole run, before Catch2's main (tests/bench/catch_main.cpp)
// starts and after it returns. Hugepages when the machine has them mounted
// (as a deployment would):
//   echo 1024 > /proc/sys/vm/nr_hugepages; mount -t hugetlbfs none /dev/hugepages
struct Eal {
    Eal() {
        const char* huge = std::getenv("L2SNOOP_BENCH_HUGEPAGES");
        init_eal("fdb_bench", "2048", huge != nullptr && huge[0] == '1');
    }
    ~Eal() { cleanup_eal(); }
};
const Eal eal;
