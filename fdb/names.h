// Enum names from one list per enum: the list gives to_string(), parsing of
// option values and the "a, b or c" of error messages, so the three never
// disagree. Pure code.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace l2snoop {

template <class E, std::size_t N>
struct NameList {
    std::array<std::pair<E, std::string_view>, N> items;

    constexpr std::string_view name(E e) const {
        for (const auto& [v, n] : items)
            if (v == e) return n;
        return "?";
    }
    constexpr std::optional<E> parse(std::string_view s) const {
        for (const auto& [v, n] : items)
            if (n == s) return v;
        return std::nullopt;
    }
    // "flood, router or drop"
    std::string alternatives() const {
        std::string s;
        for (std::size_t i = 0; i < N; ++i)
            s += std::string(i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(items[i].second);
        return s;
    }
};

// names<E>({{E::a, "a"}, {E::b, "b"}}): the list of E's names.
template <class E, std::size_t N>
constexpr NameList<E, N> names(const std::pair<E, std::string_view> (&items)[N]) {
    NameList<E, N> l{};
    for (std::size_t i = 0; i < N; ++i) l.items[i] = items[i];
    return l;
}

// One counter of a counters struct S, named and explained once. A struct's
// table of these is the only list of its counters: `stats`, telemetry and the
// exporter (which reads `stats`) all iterate it. A table covers its struct
// when the struct holds nothing else (static_assert on the sizes beside it).
template <class S>
struct CounterRow {
    std::string_view name;
    std::uint64_t S::*field;
    std::string_view help;
};

}  // namespace l2snoop
