#include "core/app/app.hpp"

#include "core/api/checkout_routes.hpp"
#include "core/api/events_api.hpp"
#include "core/api/links_api.hpp"
#include "core/api/openapi_document.hpp"
#include "core/api/rate_limits.hpp"
#include "core/api/refunds_api.hpp"
#include "core/api/sessions_api.hpp"
#include "core/api/sweeps_api.hpp"
#include "core/api/webhook_endpoints_api.hpp"
#include "core/app/admission.hpp"
#include "core/chain/watcher.hpp"
#include "core/http/router.hpp"
#include "core/pages/dashboard_page.hpp"
#include "core/refunds/refund_watcher.hpp"
#include "core/webhooks/delivery.hpp"
#include "core/webhooks/registry.hpp"

namespace paylinks::app {

using http::ApiError;
using http::ErrorCode;
using http::Response;

namespace {

Response route_missing(const http::Request& request) {
    if (!http::is_api_path(request.path))
        return api::page_error(404, "Page not found", "There is nothing at this address.");
    return http::error_response(
        ApiError{ErrorCode::route_missing,
                 "Unrecognized request URL (" + request.method + ": " + request.path + ")", ""});
}

engine::Task<Response> run_handler(engine::Context& ctx, const http::Request& request,
                                   const http::RouteMatch& match);

engine::Task<Response> dispatch(engine::Context& ctx, http::Request& request) {
    auto matched = http::match_route(request.method, request.path);
    if (auto* miss = std::get_if<http::RouteMiss>(&matched)) {
        auto admission = co_await admit_unrouted(ctx, request);
        if (admission.refusal) co_return std::move(*admission.refusal);
        Response response;
        if (!miss->path_exists) {
            response = route_missing(request);
        } else {
            response = http::error_response(
                ApiError{ErrorCode::method_not_allowed,
                         request.method + " is not allowed here; use " + miss->allow, ""});
            response.headers.emplace_back("allow", miss->allow);
        }
        api::mark_limiter_fault(response, admission.limiter_fault);
        co_return response;
    }
    auto& match = std::get<http::RouteMatch>(matched);
    std::string subject = match.params.empty() ? std::string{} : match.params.front();
    auto admission = co_await admit(ctx, request, match.policy, std::move(subject));
    if (admission.refusal) co_return std::move(*admission.refusal);
    auto response = co_await run_handler(ctx, request, match);
    api::mark_limiter_fault(response, admission.limiter_fault);
    co_return response;
}

// Handlers run admitted: authenticated as their route requires (request.keyed says whether
// the caller is the merchant) and within the anonymous limits counted so far.
engine::Task<Response> run_handler(engine::Context& ctx, const http::Request& request,
                                   const http::RouteMatch& match) {
    auto param = [&](std::size_t i) { return match.params.at(i); };
    switch (match.route) {
    case http::Route::healthz:
        co_return http::json_response(200, Json{{"ok", true}, {"livemode", ctx.config().livemode}});
    case http::Route::links_create:
        co_return co_await api::create_link(ctx, request);
    case http::Route::links_list:
        co_return co_await api::list_links(ctx, request);
    case http::Route::link_retrieve:
        co_return co_await api::retrieve_link(ctx, request, param(0));
    case http::Route::link_update:
        co_return co_await api::update_link(ctx, request, param(0));
    case http::Route::link_delete:
        co_return co_await api::delete_link(ctx, request, param(0));
    case http::Route::sessions_create:
        co_return co_await api::create_session(ctx, request);
    case http::Route::sessions_list:
        co_return co_await api::list_sessions(ctx, request);
    case http::Route::session_retrieve:
        co_return co_await api::retrieve_session(ctx, request, param(0));
    case http::Route::session_expire:
        co_return co_await api::expire_session(ctx, request, param(0));
    case http::Route::link_visit:
        co_return co_await api::visit_link(ctx, request, param(0));
    case http::Route::checkout_page:
        co_return co_await api::checkout_page(ctx, request, param(0));
    case http::Route::checkout_status:
        co_return co_await api::checkout_status(ctx, request, param(0));
    case http::Route::checkout_verify:
        co_return co_await api::verify_payment(ctx, request, param(0));
    case http::Route::asset:
        co_return api::serve_asset(request, param(0));
    case http::Route::openapi_document:
        co_return api::serve_openapi_document(request);
    case http::Route::dashboard:
        co_return api::page_response(200, pages::render_dashboard_page());
    case http::Route::events_list:
        co_return co_await api::list_events(ctx, request);
    case http::Route::event_retrieve:
        co_return co_await api::retrieve_event(ctx, request, param(0));
    case http::Route::event_resend:
        co_return co_await api::resend_event(ctx, request, param(0));
    case http::Route::webhook_endpoints_create:
        co_return co_await api::create_webhook_endpoint(ctx, request);
    case http::Route::webhook_endpoints_list:
        co_return co_await api::list_webhook_endpoints(ctx, request);
    case http::Route::webhook_endpoint_retrieve:
        co_return co_await api::retrieve_webhook_endpoint(ctx, request, param(0));
    case http::Route::webhook_endpoint_update:
        co_return co_await api::update_webhook_endpoint(ctx, request, param(0));
    case http::Route::webhook_endpoint_delete:
        co_return co_await api::delete_webhook_endpoint(ctx, request, param(0));
    case http::Route::webhook_endpoint_rotate:
        co_return co_await api::rotate_webhook_secret(ctx, request, param(0));
    case http::Route::sweeps_create:
        co_return co_await api::record_sweep(ctx, request);
    case http::Route::sweeps_list:
        co_return co_await api::list_sweeps(ctx, request);
    case http::Route::sweep_retrieve:
        co_return co_await api::retrieve_sweep(ctx, request, param(0));
    case http::Route::balances:
        co_return co_await api::show_balances(ctx, request);
    case http::Route::session_refunds_create:
        co_return co_await api::create_refund(ctx, request, param(0));
    case http::Route::session_refunds_list:
        co_return co_await api::list_session_refunds(ctx, request, param(0));
    case http::Route::refunds_list:
        co_return co_await api::list_refunds(ctx, request);
    case http::Route::refund_retrieve:
        co_return co_await api::retrieve_refund(ctx, request, param(0));
    case http::Route::refund_verify:
        co_return co_await api::verify_refund(ctx, request, param(0));
    default:
        co_return route_missing(request);
    }
}

} // namespace

engine::Task<Json> serve_http(engine::Context& ctx, http::Request request) {
    Response response;
    if (!ctx.config().error.empty()) {
        response = http::error_response(
            ApiError{ErrorCode::configuration_invalid,
                     "The service is misconfigured: " + ctx.config().error, ""});
    } else {
        response = co_await dispatch(ctx, request);
    }
    response.headers.emplace_back("x-content-type-options", "nosniff");
    if (request.method == "HEAD") response.body.clear();
    co_return http::to_outcome(std::move(response));
}

engine::Task<Json> run_scheduled(engine::Context& ctx, std::string cron) {
    if (!ctx.config().error.empty())
        co_return Json{{"result", {{"cron", cron}, {"error", ctx.config().error}}}};
    auto scan = co_await chain::scan_watched_sessions(ctx);
    auto refund_scan = co_await refunds::check_pending_refunds(ctx);
    for (auto& fault : refund_scan.faults)
        scan.faults.push_back(std::move(fault));
    // Webhook retries after the scan: a slow merchant endpoint never delays detection.
    auto retries = co_await webhooks::deliver_due_retries(ctx);
    auto registry = co_await webhooks::heal_registry(ctx);
    if (registry.fault) scan.faults.push_back(*registry.fault);
    co_return Json{{"result",
                    {{"cron", cron},
                     {"webhooksDelivered", retries.succeeded},
                     {"webhooksFailed", retries.failed},
                     {"watched", scan.watched},
                     {"updated", scan.updated},
                     {"kvLists", scan.kv_lists + refund_scan.kv_lists},
                     {"rpcCalls", scan.rpc_calls + refund_scan.rpc_calls},
                     {"refundsPending", refund_scan.pending},
                     {"refundsSucceeded", refund_scan.succeeded},
                     {"endpointRegistry",
                      registry.rewritten ? "rebuilt" : (registry.checked ? "checked" : "cached")},
                     {"fault", scan.faults.empty() ? Json(nullptr) : Json(scan.faults.front())},
                     {"faults", Json(scan.faults)}}}};
}

engine::Task<Json> run_delivery(engine::Context& ctx, std::string event_id) {
    if (!ctx.config().error.empty()) co_return Json{{"result", {{"error", ctx.config().error}}}};
    auto report = co_await webhooks::deliver_event(ctx, std::move(event_id), std::nullopt);
    co_return Json{{"result", {{"delivered", report.succeeded}, {"failed", report.failed}}}};
}

} // namespace paylinks::app
