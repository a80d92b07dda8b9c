#include "core/sessions/session_store.hpp"

#include "core/events/event.hpp"
#include "core/ids/ids.hpp"
#include "core/sessions/session_json.hpp"
#include "core/store/listing.hpp"

namespace paylinks::sessions {

StateRules state_rules(const config::Config& config) {
    return StateRules{config.confirmations, config.finalized, config.late_window_seconds * 1000};
}

engine::Task<std::variant<std::optional<Session>, http::ApiError>>
load_session(engine::Context& ctx, std::string id) {
    if (!ids::is_valid_id(id, ids::kSessionPrefix)) co_return std::optional<Session>{};
    auto stored = engine::read_kv_value(co_await ctx.perform(engine::kv_get(session_key(id))));
    if (!stored.ok) co_return store::storage_error(stored.error);
    if (!stored.value) co_return std::optional<Session>{};
    auto session = from_storage(*stored.value);
    if (!session) co_return store::storage_error("checkout session " + id + " is unreadable");
    co_return std::optional<Session>{std::move(*session)};
}

std::string object_base_url(engine::Context& ctx) {
    // Never a request's Host: these objects reach webhooks and other customers. Without
    // PUBLIC_BASE_URL (test mode only) their URLs are paths on the service.
    return ctx.config().public_base_url;
}

std::vector<engine::Effect> session_writes(engine::Context& ctx, const Session& session,
                                           std::optional<Status> previous) {
    const auto rules = state_rules(ctx.config());
    const auto now_ms = ctx.now_ms();
    std::vector<engine::Effect> writes;
    // open is where a session starts, and where a reorg takes it back: no event of its own.
    if (!previous || (*previous != session.status && session.status != Status::open)) {
        auto type = std::string("checkout_session.") +
                    (previous ? std::string(to_string(session.status)) : std::string("created"));
        writes = events::record_event(
            ctx, std::move(type),
            dump_json(to_api_json(session, ctx.config(), object_base_url(ctx))));
    }
    writes.push_back(engine::kv_put(session_key(session.id), to_storage(session)));
    writes.push_back(engine::kv_put(session_index_key(session.id), "", list_metadata(session)));
    if (needs_watching(session, rules, now_ms))
        writes.push_back(engine::kv_put(watch_index_key(session.id), "", watch_metadata(session)));
    else
        writes.push_back(engine::kv_delete(watch_index_key(session.id)));
    return writes;
}

engine::Task<std::optional<http::ApiError>>
save_session(engine::Context& ctx, const Session& session, std::optional<Status> previous) {
    auto results = co_await ctx.perform(session_writes(ctx, session, previous));
    for (const auto& result : results)
        if (!engine::succeeded(result))
            co_return store::storage_error(engine::failure_message(result));
    co_return std::nullopt;
}

} // namespace paylinks::sessions
