#pragma once
// Maps (method, path) to a route. The table is the single list of the service's endpoints;
// a path that exists under other methods answers 405 with an Allow header.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace paylinks::http {

enum class Route : std::uint8_t {
    healthz,
    links_create,
    links_list,
    link_retrieve,
    link_update,
    link_delete,
    sessions_create,
    sessions_list,
    session_retrieve,
    session_expire,
    link_visit,
    checkout_page,
    checkout_status,
    checkout_verify,
    events_list,
    event_retrieve,
    event_resend,
    webhook_endpoints_create,
    webhook_endpoints_list,
    webhook_endpoint_retrieve,
    webhook_endpoint_update,
    webhook_endpoint_delete,
    webhook_endpoint_rotate,
    sweeps_create,
    sweeps_list,
    sweep_retrieve,
    balances,
    session_refunds_create,
    session_refunds_list,
    refunds_list,
    refund_retrieve,
    refund_verify,
    dashboard,
    asset,
    openapi_document,
};

/// Who may call a route.
enum class Access : std::uint8_t {
    secret_key,   ///< the merchant only: 401 without a valid key
    optional_key, ///< anyone; a key, if sent, must be valid (it changes what the call may do)
    open,         ///< anyone; an Authorization header only matters for the rate limits
};

/// The anonymous rate limits a route is held to beyond the per-client request limit, which
/// every anonymous request counts against.
enum class LimitClass : std::uint8_t {
    requests,     ///< only the per-client request limit
    sessions,     ///< opens sessions: per client and per link, counted when one is opened
    chain_checks, ///< may check a session against the chain: per session
    verify,       ///< a customer's verify: per client, per session, and a chain check
};

/// The most effects one call of a route issues (KV reads and writes, KV lists, JSON-RPC
/// calls), on the worst path its handler has today: what a request can cost the account.
/// `rpc_calls` is per network a session can be paid on (NETWORKS): a check reads each.
struct Budget {
    std::uint16_t kv_reads = 0;
    std::uint16_t kv_writes = 0; ///< puts and deletes
    std::uint16_t kv_lists = 0;
    std::uint16_t rpc_calls = 0;
};

struct RoutePolicy {
    Access access = Access::secret_key;
    LimitClass limits = LimitClass::requests;
    Budget budget;
};

struct RouteSpec {
    std::string_view method;
    std::string_view pattern; ///< "{}" matches one non-empty segment
    Route route;
    RoutePolicy policy;
};

struct RouteMatch {
    Route route;
    RoutePolicy policy;
    std::vector<std::string> params; ///< the path's {} segments, percent-decoded
};

struct RouteMiss {
    bool path_exists = false; ///< true: 405, false: 404
    std::string allow;        ///< methods the path accepts, for the Allow header
};

/// `method` upper case; HEAD matches GET routes.
[[nodiscard]] std::variant<RouteMatch, RouteMiss> match_route(std::string_view method,
                                                              std::string_view path);

/// Every route of the service, in matching order.
[[nodiscard]] std::span<const RouteSpec> route_table() noexcept;

/// The policy of a route (of its first row, for a route with several methods).
[[nodiscard]] RoutePolicy route_policy(Route route) noexcept;

/// Whether the route belongs to the JSON API (errors as JSON) rather than the HTML pages.
[[nodiscard]] bool is_api_path(std::string_view path) noexcept;

} // namespace paylinks::http
