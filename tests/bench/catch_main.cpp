// Catch2's implementation and main(), compiled once for every benchmark.
#define CATCH_CONFIG_MAIN
#include "tests/bench/catch.h"
