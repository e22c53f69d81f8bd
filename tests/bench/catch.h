// Catch2 (v2, single header) with BENCHMARK, for every micro-benchmark here.
// Its implementation and main() are compiled once, in catch_main.cpp (32 s of g++ per
// binary when each benchmark compiled its own).
#pragma once
#define CATCH_CONFIG_ENABLE_BENCHMARKING
#include <catch2/catch.hpp>
