#pragma once
// nlohmann::json as the core uses it: no exceptions (JSON_NOEXCEPTION is set by the build),
// parse without throwing and check types before reading.
#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace paylinks {

// Insertion-ordered, so API objects read in the order the contract lists their fields.
using Json = nlohmann::ordered_json;

/// Parses `text`; nullopt for anything that is not exactly one JSON value.
[[nodiscard]] inline std::optional<Json> parse_json(std::string_view text) noexcept {
    Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return std::nullopt;
    return value;
}

/// Serialises with invalid UTF-8 replaced, so dumping never aborts.
[[nodiscard]] inline std::string dump_json(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace paylinks
