// GMRP/MMRP attributes and PDUs for the tests, built field by field.
#pragma once

#include <vector>

#include "mrp/pdu.h"

namespace l2snoop::mrp {

inline Attr mac_attr(const MacAddr& m, std::uint8_t event) {
    Attr a;
    a.mac = m;
    a.event = event;
    return a;
}
inline Attr service_attr(Service s, std::uint8_t event) {
    Attr a;
    a.type = AttrType::service;
    a.service = s;
    a.event = event;
    return a;
}
inline Pdu make_pdu(Protocol p, std::vector<Attr> attrs) {
    Pdu d;
    d.protocol = p;
    d.attrs = std::move(attrs);
    return d;
}

}  // namespace l2snoop::mrp
