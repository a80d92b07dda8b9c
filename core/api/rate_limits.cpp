#include "core/api/rate_limits.hpp"

#include "core/api/checkout_routes.hpp"
#include "core/http/router.hpp"

#include <array>

namespace paylinks::api {

using http::ApiError;
using http::ErrorCode;
using http::Response;

namespace {

struct LimitText {
    std::string_view binding;
    std::string_view what; ///< completes "Too many …"
};

// In Limit order (checked below).
constexpr std::array<LimitText, 6> kLimits{{
    {"LIMIT_REQUESTS_PER_CLIENT", "requests from your network"},
    {"LIMIT_SESSIONS_PER_CLIENT", "checkouts opened from your network"},
    {"LIMIT_SESSIONS_PER_LINK", "checkouts opened from this payment link"},
    {"LIMIT_VERIFY_PER_CLIENT", "payment verifications from your network"},
    {"LIMIT_VERIFY_PER_SESSION", "payment verifications for this checkout"},
    {"LIMIT_CHAIN_CHECKS_PER_SESSION", "chain checks of this checkout"},
}};
static_assert(kLimits.size() == static_cast<std::size_t>(Limit::chain_checks_per_session) + 1);

const LimitText& text(Limit limit) noexcept {
    return kLimits[static_cast<std::size_t>(limit)];
}

} // namespace

std::string_view limit_binding(Limit limit) noexcept {
    return text(limit).binding;
}

std::optional<Limit> LimitVerdict::first_refusal(std::span<const Limit> order) const noexcept {
    for (auto limit : order)
        if (refuses(limit)) return limit;
    return std::nullopt;
}

std::string client_key(const http::Request& request) {
    const auto* address = request.header(http::RequestHeader::cf_connecting_ip);
    return address && !address->empty() ? *address : std::string("unknown");
}

engine::Task<LimitVerdict> count_limits(engine::Context& ctx, std::vector<LimitCheck> checks) {
    LimitVerdict verdict;
    if (checks.empty()) co_return verdict;
    std::vector<engine::Effect> effects;
    effects.reserve(checks.size());
    for (auto& check : checks)
        effects.push_back(
            engine::rate_limit(std::string(limit_binding(check.limit)), std::move(check.key)));
    auto results = co_await ctx.perform(std::move(effects));
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto answer = engine::read_limit(i < results.size() ? results[i] : Json(nullptr));
        if (!answer.ok) {
            // Fail open: a missing binding or a failing limiter must never turn customers
            // away; the response says the limit was not applied.
            if (!verdict.fault.empty()) verdict.fault += "; ";
            verdict.fault += std::string(limit_binding(checks[i].limit)) + ": " + answer.error;
        } else if (!answer.allowed) {
            verdict.refused |=
                static_cast<std::uint8_t>(1U << static_cast<unsigned>(checks[i].limit));
        }
    }
    co_return verdict;
}

Response limited_response(const http::Request& request, Limit limit) {
    const auto& limit_text = text(limit);
    const std::string seconds = std::to_string(kLimitPeriodSeconds);
    Response response;
    if (http::is_api_path(request.path)) {
        response = http::error_response(
            ApiError{ErrorCode::rate_limited,
                     "Too many " + std::string(limit_text.what) + " in the last minute (" +
                         std::string(limit_text.binding) + "); retry after " + seconds + " seconds",
                     ""});
    } else {
        response = page_error(429, "Too many attempts",
                              "There were too many " + std::string(limit_text.what) +
                                  " in the last minute. Please wait a minute and try again.");
    }
    response.headers.emplace_back("retry-after", seconds);
    return response;
}

void mark_limiter_fault(Response& response, const std::string& fault) {
    if (fault.empty()) return;
    for (const auto& header : response.headers)
        if (header.first == "paylinks-rate-limit") return;
    response.headers.emplace_back("paylinks-rate-limit", "unavailable");
}

engine::Task<std::optional<Response>> admit_session(engine::Context& ctx,
                                                    const http::Request& request,
                                                    std::string link_id,
                                                    std::string& limiter_fault) {
    if (request.keyed) co_return std::nullopt;
    // The client's own limit first, and the link's only for a client within it: the link's
    // budget is shared by every customer, and a flood refused for its own must not spend it.
    std::vector<LimitCheck> own;
    own.push_back({Limit::sessions_per_client, client_key(request)});
    auto verdict = co_await count_limits(ctx, std::move(own));
    limiter_fault = verdict.fault;
    if (verdict.refuses(Limit::sessions_per_client)) {
        auto response = limited_response(request, Limit::sessions_per_client);
        mark_limiter_fault(response, limiter_fault);
        co_return response;
    }
    std::vector<LimitCheck> shared;
    shared.push_back({Limit::sessions_per_link, std::move(link_id)});
    auto link_verdict = co_await count_limits(ctx, std::move(shared));
    if (!link_verdict.fault.empty())
        limiter_fault += (limiter_fault.empty() ? "" : "; ") + link_verdict.fault;
    if (link_verdict.refuses(Limit::sessions_per_link)) {
        auto response = limited_response(request, Limit::sessions_per_link);
        mark_limiter_fault(response, limiter_fault);
        co_return response;
    }
    co_return std::nullopt;
}

} // namespace paylinks::api
