// Every frame scapy built in scripts/gen_vectors.py, parsed and decoded by us,
// must show each fact scapy's construction implies.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/unit/facts.h"

namespace l2snoop::test {
namespace {

struct Vector {
    std::string name;
    std::vector<std::uint8_t> frame;
    Facts expected;
};

std::vector<Vector> load_vectors() {
    std::vector<Vector> out;
    std::ifstream in(L2SNOOP_VECTORS_FILE);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto t1 = line.find('\t');
        const auto t2 = line.find('\t', t1 + 1);
        out.push_back({line.substr(0, t1), from_hex(line.substr(t1 + 1, t2 - t1 - 1)), parse_facts(line.substr(t2 + 1))});
    }
    return out;
}

class ScapyVector : public ::testing::TestWithParam<Vector> {};

TEST_P(ScapyVector, parser_and_codec_agree_with_scapy) {
    const Vector& v = GetParam();
    const Facts ours = frame_facts(v.frame);
    for (const auto& [key, want] : v.expected) {
        const auto it = ours.find(key);
        ASSERT_NE(it, ours.end()) << "we report no '" << key << "' (expected " << want << ")";
        EXPECT_EQ(it->second, want) << "fact '" << key << "'";
    }
}

INSTANTIATE_TEST_SUITE_P(Frames, ScapyVector, ::testing::ValuesIn(load_vectors()),
                         [](const ::testing::TestParamInfo<Vector>& info) { return info.param.name; });

TEST(ScapyVectors, file_is_present_and_complete) {
    // Guards against a missing or empty file silently running zero vectors.
    EXPECT_GE(load_vectors().size(), 90u);
}

}  // namespace
}  // namespace l2snoop::test
