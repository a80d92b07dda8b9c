#pragma once
// Maps (method, path) to a route. The table is the single list of the service's endpoints;
// a path that exists under other methods answers 405 with an Allow header.
#include <cstdint>
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
    dashboard,
    asset,
};

struct RouteMatch {
    Route route;
    std::vector<std::string> params; ///< the path's {} segments, percent-decoded
};

struct RouteMiss {
    bool path_exists = false; ///< true: 405, false: 404
    std::string allow;        ///< methods the path accepts, for the Allow header
};

/// `method` upper case; HEAD matches GET routes.
[[nodiscard]] std::variant<RouteMatch, RouteMiss> match_route(std::string_view method,
                                                              std::string_view path);

/// Whether the route belongs to the JSON API (errors as JSON) rather than the HTML pages.
[[nodiscard]] bool is_api_path(std::string_view path) noexcept;

} // namespace paylinks::http
