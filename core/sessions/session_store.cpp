#include "core/sessions/session_store.hpp"

#include "core/ids/ids.hpp"
#include "core/sessions/session_json.hpp"
#include "core/store/listing.hpp"

namespace paylinks::sessions {

StateRules state_rules(const config::Config& config) {
    return StateRules{config.confirmations, config.late_window_seconds * 1000};
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

std::vector<engine::Effect> session_writes(const Session& session, const StateRules& rules,
                                           std::int64_t now_ms) {
    std::vector<engine::Effect> writes;
    writes.push_back(engine::kv_put(session_key(session.id), to_storage(session)));
    writes.push_back(engine::kv_put(session_index_key(session.id), "", list_metadata(session)));
    if (needs_watching(session, rules, now_ms))
        writes.push_back(engine::kv_put(watch_index_key(session.id), "", watch_metadata(session)));
    else
        writes.push_back(engine::kv_delete(watch_index_key(session.id)));
    return writes;
}

engine::Task<std::optional<http::ApiError>> save_session(engine::Context& ctx,
                                                         const Session& session) {
    auto results = co_await ctx.perform(
        session_writes(session, state_rules(ctx.config()), ctx.now_ms()));
    for (const auto& result : results)
        if (!engine::succeeded(result))
            co_return store::storage_error(engine::failure_message(result));
    co_return std::nullopt;
}

} // namespace paylinks::sessions
