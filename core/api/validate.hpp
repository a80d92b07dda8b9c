#pragma once
// Field rules shared by every resource (their constraints are in docs/openapi.yaml). Each check
// answers an ApiError naming the parameter, or nothing when the value is acceptable.
#include "core/config/config.hpp"
#include "core/http/error.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace paylinks::api {

using http::ApiError;
using MaybeError = std::optional<ApiError>;

/// Number of Unicode code points in valid UTF-8 (parse_json has already validated it).
[[nodiscard]] std::size_t utf8_length(std::string_view text) noexcept;
/// C0 controls, DEL and C1 controls (U+0080–U+009F); `allow_newlines` lets \n, \r, \t in.
[[nodiscard]] bool has_control_characters(std::string_view text, bool allow_newlines) noexcept;

/// Absolute https:// URL ≤ 2048 characters, no credentials, printable ASCII; http://localhost
/// and http://127.0.0.1 only when `allow_local_http` (test keys).
[[nodiscard]] bool is_acceptable_redirect_url(std::string_view url, bool allow_local_http) noexcept;

/// Rejects any member of `body` not in `allowed`; members in `immutable` get their own code.
[[nodiscard]] MaybeError reject_unknown_fields(const Json& body,
                                               std::span<const std::string_view> allowed,
                                               std::span<const std::string_view> immutable = {});

[[nodiscard]] MaybeError check_title(const Json& value, const char* param,
                                     bool required_nonempty = true);
[[nodiscard]] MaybeError check_description(const Json& value, const char* param);
[[nodiscard]] MaybeError check_redirect_url(const Json& value, const char* param,
                                            bool allow_local_http);

/// Merchant or customer metadata: an object of at most 50 string values, keys 1 to 40
/// characters without control characters, values at most 500 characters.
[[nodiscard]] MaybeError check_metadata(const Json& value, const char* param = "metadata");

/// A link's maxPayments: an integer from 1 to kMaxPaymentsLimit, or null (no limit).
inline constexpr std::int64_t kMaxPaymentsLimit = 1000;
[[nodiscard]] MaybeError check_max_payments(const Json& value, const char* param = "maxPayments");

/// Refuses a price in `code` (a supported currency) when nothing can convert it: not USD or
/// USDC, not in RATES, not in RATE_FEEDS (issue 17: refuse at creation what every visit
/// would fail to price). Whether a feed answers is not checked here.
[[nodiscard]] MaybeError check_priced_currency(const config::Config& config,
                                               const std::string& code, const char* param);

/// Reads an optional timestamp (ISO 8601 string or integer Unix seconds); `null` clears it.
struct TimestampField {
    bool present = false;
    std::optional<std::int64_t> unix_ms; ///< nullopt when the value was null
};
[[nodiscard]] std::optional<TimestampField> read_timestamp(const Json& body, const char* param);

[[nodiscard]] ApiError missing(const char* param);
[[nodiscard]] ApiError invalid(http::ErrorCode code, std::string param, std::string message);

} // namespace paylinks::api
