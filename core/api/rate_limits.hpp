#pragma once
// Anonymous callers are held to the Workers Rate Limiting bindings (wrangler.toml
// [[ratelimits]]); the core decides what to count and what a refusal says, the shim only
// asks the binding. A limiter that is absent or fails never blocks a customer: the request
// goes on, marked `paylinks-rate-limit: unavailable` so the gap shows.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paylinks::api {

enum class Limit : std::uint8_t {
    requests_per_client,
    sessions_per_client,
    sessions_per_link,
    verify_per_client,
    verify_per_session,
    chain_checks_per_session,
};

/// The binding's name in wrangler.toml, e.g. LIMIT_SESSIONS_PER_CLIENT.
[[nodiscard]] std::string_view limit_binding(Limit limit) noexcept;

/// Every binding's period, as configured in wrangler.toml: what Retry-After promises.
inline constexpr int kLimitPeriodSeconds = 60;

struct LimitCheck {
    Limit limit;
    std::string key;
};

struct LimitVerdict {
    std::uint8_t refused = 0; ///< bit per Limit: over that limit
    std::string fault;        ///< non-empty: a limiter did not answer and was let pass

    [[nodiscard]] bool refuses(Limit limit) const noexcept {
        return (refused >> static_cast<unsigned>(limit)) & 1U;
    }
    /// The first refusing limit of `order`, or none.
    [[nodiscard]] std::optional<Limit> first_refusal(std::span<const Limit> order) const noexcept;
};

/// The key a client is counted under: its CF-Connecting-IP, or "unknown" without one (a
/// request that did not come through Cloudflare's edge, e.g. a test).
[[nodiscard]] std::string client_key(const http::Request& request);

/// Counts one use against each limit, all in one batch (one round trip).
[[nodiscard]] engine::Task<LimitVerdict> count_limits(engine::Context& ctx,
                                                      std::vector<LimitCheck> checks);

/// 429 with Retry-After: the API's rate_limit_error for API paths, an HTML page otherwise.
[[nodiscard]] http::Response limited_response(const http::Request& request, Limit limit);

/// Marks a response served although a limiter could not be asked.
void mark_limiter_fault(http::Response& response, const std::string& fault);

/// Counts a session about to be opened against the per-client and per-link limits; a
/// refusal when either is spent. Keyed requests are not counted.
[[nodiscard]] engine::Task<std::optional<http::Response>>
admit_session(engine::Context& ctx, const http::Request& request, std::string link_id,
              std::string& limiter_fault);

} // namespace paylinks::api
