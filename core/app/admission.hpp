#pragma once
// Admission: what happens to a request between routing and its handler, in one place for
// every route. The route's policy says who may call it and which anonymous limits it
// counts against; authentication and the limits' first batch happen here.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/message.hpp"
#include "core/http/router.hpp"

#include <optional>
#include <string>

namespace paylinks::app {

struct Admission {
    std::optional<http::Response> refusal; ///< set: answer this, do not run the handler
    std::string limiter_fault;             ///< non-empty: a limiter did not answer and was let pass
};

/// Authenticates `request` as its route's policy says (setting request.keyed) and counts an
/// anonymous one against its limits in one batch (clearing request.chain_check_allowed
/// when the session's chain checks are spent and the route can answer without one).
/// `session_id` is the session a per-session limit counts (the route's first parameter).
[[nodiscard]] engine::Task<Admission> admit(engine::Context& ctx, http::Request& request,
                                            http::RoutePolicy policy, std::string session_id);

/// For a path no route matches (404, 405): an anonymous request still counts.
[[nodiscard]] engine::Task<Admission> admit_unrouted(engine::Context& ctx, http::Request& request);

} // namespace paylinks::app
