#include "core/api/events_api.hpp"

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

ApiError event_not_found(const std::string& id) {
    return ApiError{ErrorCode::resource_missing, "No such event: '" + id + "'", "id"};
}
Task<std::variant<std::optional<events::Event>, ApiError>> load_event(Context& ctx,
                                                                      std::string id) {
    if (!ids::is_valid_id(id, ids::kEventPrefix)) co_return std::optional<events::Event>{};
    auto stored =
        engine::read_kv_value(co_await ctx.perform(engine::kv_get(events::event_key(id))));
    if (!stored.ok) co_return store::storage_error(stored.error);
    if (!stored.value) co_return std::optional<events::Event>{};
    auto event = events::from_storage(*stored.value);
    if (!event) co_return store::storage_error("event " + id + " is unreadable");
    co_return std::optional<events::Event>{std::move(*event)};
}

Task<Response> event_with_deliveries(Context& ctx, const events::Event& event) {
    Json object = events::to_api_json(event);
    Json deliveries = Json::array();
    for (const auto& delivery : co_await webhooks::load_deliveries(ctx, event.id))
        deliveries.push_back(webhooks::to_api_json(delivery));
    object["deliveries"] = std::move(deliveries);
    co_return http::json_response(200, object);
}

} // namespace

Task<Response> list_events(Context& ctx, const http::Request& request) {
    auto query_or_error = read_list_query(request, ids::kEventPrefix, {"type"});
    if (auto* error = std::get_if<ApiError>(&query_or_error))
        co_return http::error_response(*error);
    auto& query = std::get<ListQuery>(query_or_error);
    store::IndexFilter filter = nullptr;
    if (auto it = query.filters.find("type"); it != query.filters.end()) {
        if (!events::is_event_type(it->second))
            co_return http::error_response(
                invalid(ErrorCode::parameter_invalid, "type", "type must be an event type"));
        filter = [type = it->second](const store::IndexEntry& entry) {
            return string_or(entry.metadata, "t") == type;
        };
    }
    auto page = co_await store::list_index_page(ctx, std::string(events::kEventKeyPrefix),
                                                std::string(ids::kEventPrefix), query.page,
                                                std::move(filter));
    if (auto* error = std::get_if<ApiError>(&page)) co_return http::error_response(*error);
    auto& entries = std::get<store::Page>(page);
    std::vector<engine::Effect> reads;
    for (const auto& entry : entries.entries)
        reads.push_back(engine::kv_get(events::event_key(entry.id)));
    std::vector<std::string> data;
    for (const auto& result : co_await ctx.perform(std::move(reads))) {
        auto stored = engine::read_kv_value(result);
        if (!stored.ok) co_return http::error_response(store::storage_error(stored.error));
        if (!stored.value) continue;
        if (auto event = events::from_storage(*stored.value))
            data.push_back(dump_json(events::to_api_json(*event)));
    }
    co_return http::json_response(200, list_text("/api/v1/events", data, entries.has_more));
}

Task<Response> retrieve_event(Context& ctx, const http::Request& /*request*/, std::string id) {
    auto loaded = co_await load_event(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& event = std::get<std::optional<events::Event>>(loaded);
    if (!event) co_return http::error_response(event_not_found(id));
    co_return co_await event_with_deliveries(ctx, *event);
}

Task<Response> resend_event(Context& ctx, const http::Request& /*request*/, std::string id) {
    auto loaded = co_await load_event(ctx, id);
    if (auto* error = std::get_if<ApiError>(&loaded)) co_return http::error_response(*error);
    auto& event = std::get<std::optional<events::Event>>(loaded);
    if (!event) co_return http::error_response(event_not_found(id));
    (void)co_await webhooks::deliver_event(ctx, event->id, std::nullopt, true);
    co_return co_await event_with_deliveries(ctx, *event);
}

} // namespace paylinks::api
