#include "core/app/admission.hpp"

#include "core/api/auth.hpp"
#include "core/api/rate_limits.hpp"
#include "core/chain/watcher.hpp"

#include <array>

namespace paylinks::app {

using api::Limit;
using http::Access;
using http::LimitClass;

engine::Task<Admission> admit(engine::Context& ctx, http::Request& request,
                              http::RoutePolicy policy, std::string session_id) {
    Admission admission;
    std::optional<http::ApiError> auth_error;
    if (policy.access == Access::secret_key) {
        auth_error = api::authenticate(request, ctx.config());
        request.keyed = !auth_error;
    } else if (api::has_credentials(request)) {
        auto error = api::authenticate(request, ctx.config());
        request.keyed = !error;
        // Where a key changes what the call may do, a wrong one is refused rather than
        // silently taken for an anonymous call; elsewhere it only does not exempt.
        if (error && policy.access == Access::optional_key) auth_error = std::move(error);
    }
    if (request.keyed) co_return admission;

    // Anonymous, including a call refused for its key below: guessing keys is counted too.
    const std::string client = api::client_key(request);
    std::vector<api::LimitCheck> checks;
    checks.push_back({Limit::requests_per_client, client});
    if (!auth_error && policy.limits == LimitClass::verify) {
        checks.push_back({Limit::verify_per_client, client});
        checks.push_back({Limit::verify_per_session, session_id});
        checks.push_back({Limit::chain_checks_per_session, session_id});
    } else if (!auth_error && policy.limits == LimitClass::chain_checks &&
               chain::check_due(ctx, session_id)) {
        // Counted only when this instance would ask the chain: polls inside the check
        // interval repeat the last answer and cost the node nothing.
        checks.push_back({Limit::chain_checks_per_session, session_id});
    }
    // Sessions are counted by their handlers, only when one is about to be opened.
    auto verdict = co_await api::count_limits(ctx, std::move(checks));
    admission.limiter_fault = std::move(verdict.fault);

    static constexpr std::array kRefusing{Limit::requests_per_client, Limit::verify_per_client,
                                          Limit::verify_per_session};
    auto refused = verdict.first_refusal(kRefusing);
    // A verify is nothing but a chain check: without one it is refused. A poll or the page
    // answers from the stored state instead.
    if (!refused && policy.limits == LimitClass::verify &&
        verdict.refuses(Limit::chain_checks_per_session))
        refused = Limit::chain_checks_per_session;
    if (refused) {
        admission.refusal = api::limited_response(request, *refused);
    } else if (auth_error) {
        admission.refusal = http::error_response(*auth_error);
    } else if (verdict.refuses(Limit::chain_checks_per_session)) {
        request.chain_check_allowed = false;
    }
    if (admission.refusal) api::mark_limiter_fault(*admission.refusal, admission.limiter_fault);
    co_return admission;
}

engine::Task<Admission> admit_unrouted(engine::Context& ctx, http::Request& request) {
    // Scanners probing for paths that do not exist are anonymous requests like any other.
    // (Named, not temporaries in the co_await: GCC 12 destroys those twice.)
    constexpr http::RoutePolicy kUnrouted{Access::open, LimitClass::requests, {}};
    std::string no_session;
    co_return co_await admit(ctx, request, kUnrouted, std::move(no_session));
}

} // namespace paylinks::app
