// Renders what our parser and codec concluded about a frame as key=value
// facts, in the vocabulary of scripts/gen_vectors.py, so a vector written by a
// peer (scapy) can be compared fact by fact.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <span>
#include <string>

#include "dataplane/parse.h"
#include "snooping/codec.h"

namespace l2snoop::test {

using Facts = std::map<std::string, std::string>;

// Parses `frame` and, for IGMP/MLD/MRD control frames, decodes the message.
Facts frame_facts(std::span<const std::uint8_t> frame);

// The facts of a decoded message alone (type, version, group, codes, records).
void add_message_facts(const Message& m, Facts& out);

// "k=v;k=v" <-> Facts.
Facts parse_facts(const std::string& text);

std::string to_hex(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> from_hex(const std::string& hex);

}  // namespace l2snoop::test

namespace l2snoop {
// gtest prints messages as their facts when an assertion fails.
void PrintTo(const Message& m, std::ostream* os);
}  // namespace l2snoop
