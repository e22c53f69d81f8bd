// One EAL for every in-process switch test of this binary.
#include <gtest/gtest.h>

#include "tests/unit/fdb/eal_env.h"

int main(int argc, char** argv) {
    ::testing::InitGoogleTest(&argc, argv);
    l2snoop::test::init_eal(argv[0], "512");
    const int rc = RUN_ALL_TESTS();
    l2snoop::test::cleanup_eal();
    return rc;
}
