#pragma once
// Strict readers for the members of stored objects (links, sessions): each checks the type
// before reading, so a corrupt record is reported as unreadable instead of aborting.
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
    if (it == object.end() || !it->is_number_integer()) return false;
    out = it->get<std::int64_t>();
    return true;
}

} // namespace paylinks::stored
