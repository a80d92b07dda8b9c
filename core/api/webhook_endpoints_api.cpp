#include "core/api/webhook_endpoints_api.hpp"

#include "core/api/auth.hpp"
#include "core/api/list_query.hpp"
#include "core/api/request_body.hpp"
#include "core/api/validate.hpp"
#include "core/events/event.hpp"
#include "core/ids/ids.hpp"
#include "core/net/outbound_url.hpp"
#include "core/store/listing.hpp"
#include "core/webhooks/delivery.hpp"
#include "core/webhooks/endpoint.hpp"
#include "core/webhooks/registry.hpp"

#include <algorithm>

namespace paylinks::api {

using http::ApiError;
using http::ErrorCode;
using http::Response;

namespace {

ApiError endpoint_not_found(const std::string& id) {
    return ApiError{ErrorCode::resource_missing, "No such webhook endpoint: '" + id + "'", "id"};
}

Task<std::variant<std::optional<webhooks::Endpoint>, ApiError>> load_endpoint(Context& ctx,
                                                                              std::string id) {
    if (!ids::is_valid_id(id, ids::kWebhookEndpointPrefix))
        co_return std::optional<webhooks::Endpoint>{};
    auto stored =
        engine::read_kv_value(co_await ctx.perform(engine::kv_get(webhooks::endpoint_key(id))));
    if (!stored.ok) co_return store::storage_error(stored.error);
    if (!stored.value) co_return std::optional<webhooks::Endpoint>{};
    auto endpoint = webhooks::from_storage(*stored.value);
    if (!endpoint) co_return store::storage_error("webhook endpoint " + id + " is unreadable");
    co_return std::optional<webhooks::Endpoint>{std::move(*endpoint)};
}

constexpr std::array<std::string_view, 4> kEndpointFields = {"url", "enabledEvents", "active",
                                                             "description"};
constexpr std::array<std::string_view, 6> kEndpointImmutable = {
    "id", "object", "secret", "livemode", "createdAt", "updatedAt"};

MaybeError apply_endpoint_fields(webhooks::Endpoint& endpoint, const Json& body, bool creating,
                                 const Context& ctx) {
    if (auto url = body.find("url"); url != body.end()) {
        // The worker itself will POST here: the URL must stay on the public internet.
        if (!url->is_string())
            return invalid(ErrorCode::url_invalid, "url", "url must be a string: an https:// URL");
        const auto& text = url->get_ref<const std::string&>();
        if (auto refusal = net::check_outbound_url(text, !ctx.config().livemode))
            return invalid(ErrorCode::url_invalid, "url",
                           "url " + std::string(net::refusal_message(*refusal)));
        endpoint.url = text;
    } else if (creating) {
        return missing("url");
    }
    if (auto types = body.find("enabledEvents"); types != body.end()) {
        auto bad = invalid(ErrorCode::parameter_invalid, "enabledEvents",
                           "enabledEvents must be [\"*\"] or a list of event types such as "
                           "\"checkout_session.paid\"");
        if (!types->is_array() || types->empty() || types->size() > 32) return bad;
        std::vector<std::string> chosen;
        for (const auto& type : *types) {
            if (!type.is_string()) return bad;
            const auto& name = type.get_ref<const std::string&>();
            if (name != "*" && !events::is_event_type(name)) return bad;
            if (std::find(chosen.begin(), chosen.end(), name) == chosen.end())
                chosen.push_back(name);
        }
        endpoint.enabled_events = std::move(chosen);
    } else if (creating) {
        endpoint.enabled_events = {"*"};
    }
    if (auto active = body.find("active"); active != body.end()) {
        if (!active->is_boolean())
            return invalid(ErrorCode::parameter_invalid, "active", "active must be true or false");
        endpoint.active = active->get<bool>();
    }
    if (auto description = body.find("description"); description != body.end()) {
        if (auto error = check_description(*description, "description")) return error;
        endpoint.description = description->is_string()
                                   ? std::optional(description->get<std::string>())
                                   : std::nullopt;
    }
    return std::nullopt;
}

std::string new_secret(Context& ctx) {
    std::array<std::uint8_t, 24> random{};
    ctx.random_bytes(random);
    return webhooks::make_secret(random);
}

Task<Response> write_endpoint(Context& ctx, const webhooks::Endpoint& endpoint, int status,
                              bool with_secret) {
    // The registry first: a change it refuses (a second change within KV's second) is then not
    // made at all, and the merchant's retry makes it; never a saved endpoint that receives
    // nothing until the cron's heal.
    if (auto failed = co_await webhooks::update_registry(ctx, endpoint, false))
        co_return http::error_response(store::storage_error(*failed));
    auto written = co_await ctx.perform(
        engine::kv_put(webhooks::endpoint_key(endpoint.id), webhooks::to_storage(endpoint)));
    if (!engine::succeeded(written))
        co_return http::error_response(store::storage_error(engine::failure_message(written)));
    co_return http::json_response(status, webhooks::to_api_json(endpoint, with_secret));
}

} // namespace

Task<Response> create_webhook_endpoint(Context& ctx, const http::Request& request) {
    auto body = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body)) co_return http::error_response(*error);
    const Json& fields = std::get<Json>(body);
    if (auto error = reject_unknown_fields(fields, kEndpointFields))
        co_return http::error_response(*error);
    webhooks::Endpoint endpoint;
    if (auto error = apply_endpoint_fields(endpoint, fields, true, ctx))
        co_return http::error_response(*error);
    std::array<std::uint8_t, ids::kIdRandomBytes> random{};
    ctx.random_bytes(random);
    endpoint.id = ids::make_id(ids::kWebhookEndpointPrefix, ctx.now_ms(), random);
    endpoint.secret = new_secret(ctx);
    endpoint.livemode = ctx.config().livemode;
    endpoint.created_at_ms = endpoint.updated_at_ms = ctx.now_ms();
    co_return co_await write_endpoint(ctx, endpoint, 201, true);
}

Task<Response> list_webhook_endpoints(Context& ctx, const http::Request& request) {
    auto query_or_error = read_list_query(request, ids::kWebhookEndpointPrefix, {});
    if (auto* error = std::get_if<ApiError>(&query_or_error))
        co_return http::error_response(*error);
    const auto& page = std::get<ListQuery>(query_or_error).page;
    // Endpoints are few (a handful per merchant): list them all, newest first.
    auto records = co_await webhooks::list_endpoint_records(ctx);
    if (!records.complete)
        co_return http::error_response(
            store::storage_error("the webhook endpoint records could not all be read"));
    auto& endpoints = records.all;
    std::sort(endpoints.begin(), endpoints.end(),
              [](const auto& a, const auto& b) { return a.id > b.id; });
    std::vector<std::string> data;
    bool has_more = false;
    bool started = page.starting_after.empty();
    for (const auto& endpoint : endpoints) {
        if (!page.ending_before.empty() && endpoint.id >= page.ending_before) continue;
        if (!started) {
            started = endpoint.id == page.starting_after || endpoint.id < page.starting_after;
            if (endpoint.id == page.starting_after) continue;
            if (!started) continue;
        }
        if (static_cast<int>(data.size()) == page.limit) {
            has_more = true;
            break;
        }
        data.push_back(dump_json(webhooks::to_api_json(endpoint, false)));
    }
    co_return http::json_response(200, list_text("/api/v1/webhook_endpoints", data, has_more));
}

Task<Response> retrieve_webhook_endpoint(Context& ctx, const http::Request& /*request*/,
                                         std::string id) {
    auto loaded = co_await load_endpoint(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& endpoint = std::get<std::optional<webhooks::Endpoint>>(loaded);
    if (!endpoint) co_return http::error_response(endpoint_not_found(id));
    co_return http::json_response(200, webhooks::to_api_json(*endpoint, false));
}

Task<Response> update_webhook_endpoint(Context& ctx, const http::Request& request, std::string id) {
    auto body = read_json_body(request);
    if (auto* error = std::get_if<ApiError>(&body)) co_return http::error_response(*error);
    const Json& fields = std::get<Json>(body);
    if (auto error = reject_unknown_fields(fields, kEndpointFields, kEndpointImmutable))
        co_return http::error_response(*error);
    auto loaded = co_await load_endpoint(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& endpoint = std::get<std::optional<webhooks::Endpoint>>(loaded);
    if (!endpoint) co_return http::error_response(endpoint_not_found(id));
    if (auto error = apply_endpoint_fields(*endpoint, fields, false, ctx))
        co_return http::error_response(*error);
    endpoint->updated_at_ms = std::max(ctx.now_ms(), endpoint->created_at_ms);
    co_return co_await write_endpoint(ctx, *endpoint, 200, false);
}

Task<Response> delete_webhook_endpoint(Context& ctx, const http::Request& /*request*/,
                                       std::string id) {
    auto loaded = co_await load_endpoint(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& endpoint = std::get<std::optional<webhooks::Endpoint>>(loaded);
    if (!endpoint) co_return http::error_response(endpoint_not_found(id));
    if (auto failed = co_await webhooks::update_registry(ctx, *endpoint, true))
        co_return http::error_response(store::storage_error(*failed));
    auto deleted = co_await ctx.perform(engine::kv_delete(webhooks::endpoint_key(id)));
    if (!engine::succeeded(deleted))
        co_return http::error_response(store::storage_error(engine::failure_message(deleted)));
    co_return http::json_response(
        200, Json{{"id", id}, {"object", "webhook_endpoint"}, {"deleted", true}});
}

Task<Response> rotate_webhook_secret(Context& ctx, const http::Request& /*request*/,
                                     std::string id) {
    auto loaded = co_await load_endpoint(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& endpoint = std::get<std::optional<webhooks::Endpoint>>(loaded);
    if (!endpoint) co_return http::error_response(endpoint_not_found(id));
    endpoint->secret = new_secret(ctx);
    endpoint->updated_at_ms = std::max(ctx.now_ms(), endpoint->created_at_ms);
    co_return co_await write_endpoint(ctx, *endpoint, 200, true);
}

} // namespace paylinks::api
