#pragma once
// /api/v1/checkout_sessions — create (ad-hoc with the key, or from a link, also without a
// key), list, retrieve, expire (docs/openapi.yaml).
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"
#include "core/links/link.hpp"
#include "core/sessions/session.hpp"

#include <variant>

namespace paylinks::api {

using engine::Context;
using engine::Task;

[[nodiscard]] Task<http::Response> create_session(Context& ctx, const http::Request& request);
[[nodiscard]] Task<http::Response> list_sessions(Context& ctx, const http::Request& request);
[[nodiscard]] Task<http::Response> retrieve_session(Context& ctx, const http::Request& request,
                                                    std::string id);
[[nodiscard]] Task<http::Response> expire_session(Context& ctx, const http::Request& request,
                                                  std::string id);

/// What a new session is made of, once validated.
struct SessionDraft {
    std::optional<links::Link> link; ///< link mode
    std::string title;
    std::optional<std::string> description;
    std::int64_t fiat_amount = 0;
    std::string fiat_currency;
    std::optional<std::string> success_url;
    std::optional<std::string> cancel_url;
    Json metadata = Json::object();          ///< the merchant's: the link's, then the request's
    Json customer_metadata = Json::object(); ///< an anonymous caller's
    std::optional<std::string> customer_email;
    /// The caller had no secret key: metadata and email are the customer's word.
    bool from_customer = false;
    std::optional<std::int64_t> expires_at_ms;
};

[[nodiscard]] SessionDraft draft_from_link(const links::Link& link);

/// Prices, addresses and stores a new session. The error, if any, is ready to answer.
[[nodiscard]] Task<std::variant<sessions::Session, http::ApiError>>
open_session(Context& ctx, SessionDraft draft);

/// What `chain_fault` says when the session's chain checks are rate limited.
inline constexpr std::string_view kChainChecksLimited =
    "chain checks of this session are rate limited";

/// Loads a session and brings it up to date with the chain (throttled); a chain fault
/// leaves the stored state, reported through `chain_fault`. Without `chain_allowed` the
/// chain is not asked at all (the session's chain-check limit is spent).
[[nodiscard]] Task<std::variant<std::optional<sessions::Session>, http::ApiError>>
load_fresh_session(Context& ctx, std::string id, std::string* chain_fault,
                   bool chain_allowed = true);

} // namespace paylinks::api
