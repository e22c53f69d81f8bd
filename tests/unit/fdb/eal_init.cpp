#include <rte_eal.h>
#include <rte_errno.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "tests/unit/fdb/eal_env.h"

namespace l2snoop::test {

void init_eal(const char* prog, const char* memory_mb, bool hugepages) {
    std::string name = prog;
    // --no-huge excludes --in-memory in DPDK 22.11; --no-shconf and a per-process
    // prefix give the same isolation.
    const std::string prefix = "--file-prefix=l2snoop_test_" + std::to_string(getpid());
    std::vector<const char*> argv = {name.c_str(), "--no-pci", "--no-telemetry", "-l", "0", "--log-level=*:warning"};
    if (hugepages) {
        argv.push_back("--in-memory");
    } else {
        for (const char* a : {"--no-huge", "-m", memory_mb, "--no-shconf", prefix.c_str()}) argv.push_back(a);
    }
    if (rte_eal_init(static_cast<int>(argv.size()), const_cast<char**>(argv.data())) < 0) {
        std::fprintf(stderr, "rte_eal_init failed: %s\n", rte_strerror(rte_errno));
        std::exit(1);
    }
}

void cleanup_eal() {
    const std::string dir = rte_eal_get_runtime_dir();
    rte_eal_cleanup();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);  // /var/run/dpdk/<prefix>: ours alone
}

}  // namespace l2snoop::test

