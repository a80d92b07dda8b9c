#include "core/util/json.hpp"

// The parser and serializer are the core's hottest code. The size-optimised wasm build
// turns inlining off, which leaves nlohmann's one-line helpers as calls; this file alone
// is built with inlining on (CMakeLists.txt), which costs almost no size.
namespace paylinks {

std::optional<Json> parse_json(std::string_view text) noexcept {
    Json value = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return std::nullopt;
    return value;
}

std::string dump_json(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

} // namespace paylinks
