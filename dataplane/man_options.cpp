// Build tool: the l2snoop(8) man page source with its OPTIONS section written
// from the options themselves (options.h option_docs), so the page cannot
// leave one out or disagree with --help. Reads the .scd.in named by argv[1],
// writes scdoc on stdout with @OPTIONS@ replaced.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "dataplane/options.h"

namespace {

// scdoc formatting characters in plain text.
std::string escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\' || c == '*' || c == '_') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: l2snoop-man-options PAGE.scd.in\n";
        return 2;
    }
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "l2snoop-man-options: cannot read " << argv[1] << "\n";
        return 1;
    }
    std::ostringstream opts;
    for (const auto& o : l2snoop::option_docs()) {
        if (o.name == "help") continue;
        opts << "*--" << escaped(o.name) << "* _value_\n\t" << escaped(o.help);
        if (!o.default_value.empty()) opts << " (default: " << escaped(o.default_value) << ")";
        opts << "\n\n";
    }
    for (std::string line; std::getline(in, line);) std::cout << (line == "@OPTIONS@" ? opts.str() : line + "\n");
    return 0;
}
