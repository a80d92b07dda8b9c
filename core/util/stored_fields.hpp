#pragma once
// Strict readers for the members of stored objects (links, sessions, refunds, sweeps): each
// checks the type
// before reading, so a corrupt record is reported as unreadable instead of aborting.
#include "core/eth/address.hpp"
#include "core/num/uint256.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace paylinks::stored {

[[nodiscard]] inline Json optional_string(const std::optional<std::string>& value) {
    return value ? Json(*value) : Json(nullptr);
}

[[nodiscard]] inline bool read_string(const Json& object, const char* name, std::string& out) {
    auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}

/// Missing or null reads as nullopt; any other non-string is an error.
[[nodiscard]] inline bool read_optional_string(const Json& object, const char* name,
                                               std::optional<std::string>& out) {
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) {
        out.reset();
        return true;
    }
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}

[[nodiscard]] inline bool read_int(const Json& object, const char* name, std::int64_t& out) {
    auto it = object.find(name);
    if (it == object.end() || !fits<std::int64_t>(*it)) return false;
    out = it->get<std::int64_t>();
    return true;
}

/// A non-negative integer of the full 64-bit range (written from a std::uint64_t).
[[nodiscard]] inline bool read_u64(const Json& object, const char* name, std::uint64_t& out) {
    auto it = object.find(name);
    if (it == object.end() || !it->is_number_integer()) return false;
    if (!it->is_number_unsigned()) return false; // negative
    out = it->get<std::uint64_t>();
    return true;
}

/// The same, where an absent member reads as `fallback` (fields added in later versions).
[[nodiscard]] inline bool read_u64_or(const Json& object, const char* name, std::uint64_t& out,
                                      std::uint64_t fallback) {
    if (!object.contains(name)) {
        out = fallback;
        return true;
    }
    return read_u64(object, name, out);
}

/// A token amount stored as a decimal string of base units.
[[nodiscard]] inline bool read_u256(const Json& object, const char* name, num::uint256& out) {
    std::string text;
    if (!read_string(object, name, text)) return false;
    auto value = num::parse_decimal_u256(text);
    if (!value) return false;
    out = *value;
    return true;
}

/// An address stored as hex (any case).
[[nodiscard]] inline bool read_address(const Json& object, const char* name, eth::Address& out) {
    std::string text;
    if (!read_string(object, name, text)) return false;
    auto address = eth::parse_address(text);
    if (!address) return false;
    out = *address;
    return true;
}

} // namespace paylinks::stored
