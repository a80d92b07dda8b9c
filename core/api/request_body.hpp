#pragma once
// Reading a JSON request body: media type (415), size (413), nesting depth and syntax (400),
// and that it is an object. The limits are checked before the parser ever sees the text, so
// a hostile body cannot exhaust the stack of the wasm instance.
#include "core/http/message.hpp"

#include <variant>

namespace paylinks::api {

inline constexpr std::size_t kMaxBodyBytes = 64 * 1024;
inline constexpr int kMaxJsonDepth = 32;

/// An empty body reads as {} (a POST with nothing to say, such as /expire).
[[nodiscard]] std::variant<Json, http::ApiError> read_json_body(const http::Request& request);

/// Deepest nesting of arrays/objects in `text`, ignoring brackets inside strings; stops
/// counting once `limit` is exceeded.
[[nodiscard]] int json_nesting_depth(std::string_view text, int limit) noexcept;

} // namespace paylinks::api
