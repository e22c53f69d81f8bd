#include <gtest/gtest.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

#include "tests/unit/fdb/eal_env.h"

namespace l2snoop::test {

void init_eal(const char* prog) {
    std::string name = prog;
    // --no-huge excludes --in-memory in DPDK 22.11; --no-shconf and a per-process
    // prefix give the same isolation.
    const std::string prefix = "--file-prefix=l2snoop_test_" + std::to_string(getpid());
    const char* argv[] = {name.c_str(), "--no-huge", "-m", "256", "--no-pci", "--no-shconf", prefix.c_str(),
                          "--no-telemetry", "-l", "0", "--log-level=*:warning"};
    if (rte_eal_init(static_cast<int>(std::size(argv)), const_cast<char**>(argv)) < 0) {
        std::fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
        std::exit(1);
    }
}

}  // namespace l2snoop::test

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    l2snoop::test::init_eal(argv[0]);
    const int rc = RUN_ALL_TESTS();
    rte_eal_cleanup();
    return rc;
}
