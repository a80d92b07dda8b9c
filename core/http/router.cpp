#include "core/http/router.hpp"

#include "core/http/message.hpp"

#include <array>

namespace paylinks::http {
namespace {

using enum Access;
using enum LimitClass;

constexpr RoutePolicy merchant(Budget budget) noexcept {
    return RoutePolicy{secret_key, requests, budget};
}
constexpr RoutePolicy anyone(LimitClass limits, Budget budget) noexcept {
    return RoutePolicy{open, limits, budget};
}

// Budgets are {KV reads, KV writes, KV lists, RPC calls}: upper bounds read off what the
// handlers do today on their worst path, not yet enforced at run time
// (tests/unit/http/route_table_test.cpp holds twenty routes' ordinary paths to them). A list
// reads each listed object (limit ≤ 100; a session is its record and its decisions); a
// visit is the session's record and its event; a chain check is at most the chain
// verification, a head, kCheckLogCalls log queries, block headers and receipts; writes
// include the events a change records, and the sale marker of a link's session it fulfils
// (links/link_sales.hpp). Only a link with maxPayments is listed: one list of its markers on
// a visit, a link-mode create and each of its API objects; a link without lists nothing.
constexpr std::array kRoutes{
    RouteSpec{"GET", "/healthz", Route::healthz, anyone(requests, {})},
    RouteSpec{"POST", "/api/v1/payment_links", Route::links_create, merchant({4, 8, 0, 0})},
    RouteSpec{"GET", "/api/v1/payment_links", Route::links_list, merchant({101, 0, 101, 0})},
    RouteSpec{"GET", "/api/v1/payment_links/{}", Route::link_retrieve, merchant({1, 0, 1, 0})},
    RouteSpec{"PATCH", "/api/v1/payment_links/{}", Route::link_update, merchant({3, 8, 1, 0})},
    RouteSpec{"POST", "/api/v1/payment_links/{}", Route::link_update, merchant({3, 8, 1, 0})},
    RouteSpec{"DELETE", "/api/v1/payment_links/{}", Route::link_delete, merchant({2, 8, 0, 0})},
    RouteSpec{"POST", "/api/v1/checkout_sessions", Route::sessions_create,
              RoutePolicy{optional_key, sessions, {4, 4, 1, 8}}},
    // A listed session with refunds also reads their records (at most 20 each).
    RouteSpec{"GET", "/api/v1/checkout_sessions", Route::sessions_list, merchant({2201, 0, 1, 0})},
    RouteSpec{"GET", "/api/v1/checkout_sessions/{}", Route::session_retrieve,
              merchant({2, 4, 0, 24})},
    RouteSpec{"POST", "/api/v1/checkout_sessions/{}/expire", Route::session_expire,
              merchant({2, 4, 0, 24})},
    RouteSpec{"GET", "/l/{}", Route::link_visit, anyone(sessions, {4, 2, 1, 8})},
    RouteSpec{"GET", "/c/{}", Route::checkout_page, anyone(chain_checks, {2, 4, 0, 24})},
    RouteSpec{"GET", "/c/{}/status", Route::checkout_status, anyone(chain_checks, {2, 4, 0, 24})},
    RouteSpec{"POST", "/c/{}/verify", Route::checkout_verify, anyone(verify, {2, 4, 0, 25})},
    RouteSpec{"GET", "/api/v1/events", Route::events_list, merchant({101, 0, 1, 0})},
    RouteSpec{"GET", "/api/v1/events/{}", Route::event_retrieve, merchant({2, 0, 1, 0})},
    RouteSpec{"POST", "/api/v1/events/{}/resend", Route::event_resend, merchant({4, 4, 1, 0})},
    RouteSpec{"POST", "/api/v1/webhook_endpoints", Route::webhook_endpoints_create,
              merchant({1, 2, 0, 0})},
    RouteSpec{"GET", "/api/v1/webhook_endpoints", Route::webhook_endpoints_list,
              merchant({101, 0, 1, 0})},
    RouteSpec{"GET", "/api/v1/webhook_endpoints/{}", Route::webhook_endpoint_retrieve,
              merchant({1, 0, 0, 0})},
    RouteSpec{"PATCH", "/api/v1/webhook_endpoints/{}", Route::webhook_endpoint_update,
              merchant({1, 2, 0, 0})},
    RouteSpec{"DELETE", "/api/v1/webhook_endpoints/{}", Route::webhook_endpoint_delete,
              merchant({1, 2, 0, 0})},
    RouteSpec{"POST", "/api/v1/webhook_endpoints/{}/rotate_secret", Route::webhook_endpoint_rotate,
              merchant({1, 2, 0, 0})},
    // A sweep record, on its network: the tokens' description (eth_chainId and 2 per token,
    // ≤ 4 tokens, when the instance has not verified the chain lately, plus the head), the
    // receipt and treasury() in one batch, the block's time when the receipt has none; one read
    // (already recorded?) and the record.
    RouteSpec{"POST", "/api/v1/sweeps", Route::sweeps_create, merchant({1, 1, 0, 13})},
    RouteSpec{"GET", "/api/v1/sweeps", Route::sweeps_list, merchant({101, 0, 1, 0})},
    RouteSpec{"GET", "/api/v1/sweeps/{}", Route::sweep_retrieve, merchant({1, 0, 0, 0})},
    // Balances read no records: list metadata of up to 5000 sweeps and 5000 sessions (5 lists
    // each), then at most 500 balanceOf calls over every network and token, 100 to a JSON-RPC
    // batch, beside each of the ≤ 6 networks' token description (≤ 10 each).
    RouteSpec{"GET", "/api/v1/balances", Route::balances, merchant({0, 0, 10, 560})},
    // Refunds. A create: the session and its refunds' records (≤ 20) and the idempotency
    // record; the record, its pending entry, the session's decision, the marker, the event and
    // the idempotency answer; the token's description (4) and treasury() when not configured.
    // A retrieve of a pending one: its record, the claim of a matching transfer, the record
    // again, the session with its refunds; the success writes (claim, record, pending entry,
    // two events); the head, the finalized block and one eth_getLogs.
    RouteSpec{"POST", "/api/v1/checkout_sessions/{}/refunds", Route::session_refunds_create,
              merchant({23, 6, 0, 5})},
    RouteSpec{"GET", "/api/v1/checkout_sessions/{}/refunds", Route::session_refunds_list,
              merchant({42, 0, 0, 0})},
    RouteSpec{"GET", "/api/v1/refunds", Route::refunds_list, merchant({100, 0, 1, 0})},
    RouteSpec{"GET", "/api/v1/refunds/{}", Route::refund_retrieve, merchant({25, 5, 0, 3})},
    // A verify: the same as a retrieve that proves it, the receipt instead of the logs.
    RouteSpec{"POST", "/api/v1/refunds/{}/verify", Route::refund_verify, merchant({25, 5, 0, 3})},
    // The dashboard's HTML holds no data: everything it shows comes through the keyed API.
    RouteSpec{"GET", "/dashboard", Route::dashboard, anyone(requests, {})},
    RouteSpec{"GET", "/assets/{}", Route::asset, anyone(requests, {})},
    // The API's own description (docs/openapi.yaml), embedded by the build.
    RouteSpec{"GET", "/api/v1/openapi.json", Route::openapi_document, anyone(requests, {})},
};

/// Takes the next segment of a path (after its leading '/'); false at the end.
bool next_segment(std::string_view& rest, std::string_view& segment) noexcept {
    if (rest.empty() || rest.front() != '/') return false;
    rest.remove_prefix(1);
    const auto slash = rest.find('/');
    segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    return true;
}

/// Whether `path` has the pattern's shape; with `params`, the decoded "{}" segments.
/// Walks both strings in place: routing allocates nothing until a route matches.
bool match_pattern(std::string_view pattern, std::string_view path,
                   std::vector<std::string>* params) {
    if (path.empty() || path.front() != '/') return false;
    std::string_view expected, segment;
    for (;;) {
        const bool more_expected = next_segment(pattern, expected);
        const bool more_path = next_segment(path, segment);
        if (more_expected != more_path) return false;
        if (!more_expected) return true;
        if (expected == "{}") {
            if (segment.empty()) return false;
            // A malformed escape is still an id, just one that names nothing: the handler
            // answers 404 resource_missing for it like for any other unknown id.
            if (params) {
                auto decoded = percent_decode(segment, false);
                params->push_back(decoded ? std::move(*decoded) : std::string(segment));
            }
        } else if (expected != segment) {
            return false;
        }
    }
}

} // namespace

std::variant<RouteMatch, RouteMiss> match_route(std::string_view method, std::string_view path) {
    std::string_view effective = method == "HEAD" ? std::string_view("GET") : method;
    // The request's own method first: a hit only compares the paths of that method's routes.
    for (const auto& spec : kRoutes) {
        if (spec.method != effective || !match_pattern(spec.pattern, path, nullptr)) continue;
        RouteMatch match{spec.route, spec.policy, {}};
        match_pattern(spec.pattern, path, &match.params);
        return match;
    }
    // A miss: which methods the path has, for a 405's Allow header.
    RouteMiss miss;
    for (const auto& spec : kRoutes) {
        if (!match_pattern(spec.pattern, path, nullptr)) continue;
        miss.path_exists = true;
        if (miss.allow.find(spec.method) == std::string::npos) {
            if (!miss.allow.empty()) miss.allow += ", ";
            miss.allow += spec.method;
            if (spec.method == "GET") miss.allow += ", HEAD";
        }
    }
    return miss;
}

std::span<const RouteSpec> route_table() noexcept {
    return kRoutes;
}

RoutePolicy route_policy(Route route) noexcept {
    for (const auto& spec : kRoutes)
        if (spec.route == route) return spec.policy;
    return RoutePolicy{}; // unreachable for a Route in the table: the strictest policy
}

bool is_api_path(std::string_view path) noexcept {
    return path.rfind("/api/", 0) == 0 || path == "/api" || path == "/healthz" ||
           (path.rfind("/c/", 0) == 0 &&
            (path.size() > 7 && (path.ends_with("/status") || path.ends_with("/verify"))));
}

} // namespace paylinks::http
