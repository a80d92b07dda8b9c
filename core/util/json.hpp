#pragma once
// nlohmann::json as the core uses it: no exceptions (JSON_NOEXCEPTION is set by the build),
// parse without throwing and check types before reading.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paylinks {

// Insertion-ordered, so API objects read in the order the contract lists their fields.
using Json = nlohmann::ordered_json;

/// Parses `text`; nullopt for anything that is not exactly one JSON value.
/// (Defined in json.cpp, which is built with inlining: see CMakeLists.txt.)
[[nodiscard]] std::optional<Json> parse_json(std::string_view text) noexcept;

/// The string member `key` of an untrusted object, else `fallback` (also when `object` is not
/// an object or the member has another type, where nlohmann's value() would abort).
[[nodiscard]] inline std::string string_or(const Json& object, const char* key,
                                           std::string fallback = {}) {
    if (!object.is_object()) return fallback;
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

/// The integer member `key` of an untrusted object, else `fallback` (as string_or).
[[nodiscard]] inline std::int64_t integer_or(const Json& object, const char* key,
                                             std::int64_t fallback) {
    if (!object.is_object()) return fallback;
    auto it = object.find(key);
    return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

/// Serialises with invalid UTF-8 replaced, so dumping never aborts. (Defined in json.cpp.)
[[nodiscard]] std::string dump_json(const Json& value);

} // namespace paylinks
