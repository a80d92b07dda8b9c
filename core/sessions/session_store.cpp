#include "core/sessions/session_store.hpp"

#include "core/events/event.hpp"
#include "core/ids/ids.hpp"
#include "core/links/link_sales.hpp"
#include "core/refunds/refund.hpp"
#include "core/sessions/payment_state.hpp"
#include "core/sessions/session_json.hpp"
#include "core/store/listing.hpp"

#include <algorithm>

namespace paylinks::sessions {
namespace {

// What names a status change of `session` as a fact, and a time its writers agree on. Every
// writer that reaches the same status from the same chain evidence derives the same pair;
// evidence in other blocks (a reorg and a replacement) is a different fact.
struct SessionFact {
    std::string discriminator;
    std::int64_t at_ms = 0;
};

SessionFact session_fact(const Session& session, const StateRules& rules, bool created) {
    SessionFact fact{std::string(to_string(session.status)), session.created_at_ms};
    if (created) return SessionFact{"created", session.created_at_ms};
    if (session.status == Status::expired) {
        fact.discriminator += "|" + std::to_string(session.expires_at_ms);
        fact.at_ms = session.expires_at_ms;
        return fact;
    }
    // The payments that decide the status: for a fulfilled one, those counted up to the one
    // that completed it (a later top-up seen by one writer only does not make a second paid);
    // otherwise every payment held (detected, underpaid and reorged are judged on them all).
    const Payment* completing =
        is_fulfilled(session.status) ? completing_payment(session, rules) : nullptr;
    const std::int64_t closes_at_ms = session.expires_at_ms + rules.late_window_ms;
    std::vector<std::string> evidence;
    std::int64_t newest_ms = 0;
    for (const auto& payment : session.payments) {
        if (completing && (!payment.confirmed || payment.time_ms > closes_at_ms)) continue;
        evidence.push_back(payment.transaction_hash + ":" + std::to_string(payment.log_index) +
                           "@" + payment.block_hash);
        newest_ms = std::max(newest_ms, payment.time_ms);
        if (&payment == completing) break;
    }
    std::sort(evidence.begin(), evidence.end());
    for (const auto& item : evidence)
        fact.discriminator += "|" + item;
    if (completing && session.paid_at_ms)
        fact.at_ms = *session.paid_at_ms;
    else if (newest_ms > 0)
        fact.at_ms = newest_ms;
    return fact;
}

} // namespace

StateRules state_rules(const config::Config& config) {
    return StateRules{config.confirmations, config.finalized, config.late_window_seconds * 1000};
}

std::string decision_key(std::string_view id) {
    return "csd/" + ids::newest_first_key(id, ids::kSessionPrefix);
}

engine::Effect decision_write(engine::Context& ctx, const Session& session) {
    // Kept while the session can still matter: its late window, and a week for the record.
    const auto ttl_seconds =
        std::max<std::int64_t>(60, (session.expires_at_ms - ctx.now_ms()) / 1000 +
                                       ctx.config().late_window_seconds + 7 * 24 * 3600);
    Json decision{{"expiresAt", session.expires_at_ms}};
    if (session.refund_ids.empty())
        return engine::kv_put(decision_key(session.id), dump_json(decision), std::nullopt,
                              ttl_seconds);
    // Refunds are decisions too, and their records outlive the late window: kept as long as
    // the session's own record.
    decision["refunds"] = Json(session.refund_ids);
    return engine::kv_put(decision_key(session.id), dump_json(decision));
}

std::vector<engine::Effect> session_reads(const std::vector<std::string>& ids) {
    std::vector<engine::Effect> reads;
    reads.reserve(ids.size() * kReadsPerSession);
    for (const auto& id : ids) {
        reads.push_back(engine::kv_get(session_key(id)));
        reads.push_back(engine::kv_get(decision_key(id)));
    }
    return reads;
}

LoadedSession read_loaded_session(const std::vector<Json>& results, std::size_t i) {
    LoadedSession loaded;
    const auto at = i * kReadsPerSession;
    if (at + 1 >= results.size()) return LoadedSession{false, false, std::nullopt, "no result"};
    auto stored = engine::read_kv_value(results[at]);
    auto decided = engine::read_kv_value(results[at + 1]);
    if (!stored.ok || !decided.ok)
        return LoadedSession{false, false, std::nullopt, stored.ok ? decided.error : stored.error};
    if (!stored.value) return loaded;
    auto session = from_storage(*stored.value);
    if (!session) return LoadedSession{false, true, std::nullopt, "the record is unreadable"};
    if (decided.value) {
        // A decision of another shape is not one: the record stands.
        auto decision = parse_json(*decided.value);
        if (decision && decision->is_object()) {
            auto expires = decision->find("expiresAt");
            if (expires != decision->end() && fits<std::int64_t>(*expires))
                session->expires_at_ms =
                    std::min(session->expires_at_ms, expires->get<std::int64_t>());
            auto refunds = decision->find("refunds");
            if (refunds != decision->end() && refunds->is_array())
                for (const auto& item : *refunds)
                    if (item.is_string() &&
                        ids::is_valid_id(item.get_ref<const std::string&>(), ids::kRefundPrefix))
                        session->refund_ids.push_back(item.get<std::string>());
        }
    }
    loaded.session = std::move(*session);
    return loaded;
}

engine::Task<std::variant<std::optional<Session>, http::ApiError>>
load_session(engine::Context& ctx, std::string id) {
    if (!ids::is_valid_id(id, ids::kSessionPrefix)) co_return std::optional<Session>{};
    std::vector<std::string> wanted(1, id);
    auto loaded = read_loaded_session(co_await ctx.perform(session_reads(wanted)), 0);
    if (loaded.unreadable)
        co_return store::storage_error("checkout session " + id + " is unreadable");
    if (!loaded.ok) co_return store::storage_error(loaded.error);
    // Only a session with refunds reads more: their records, in one batch.
    if (loaded.session && !loaded.session->refund_ids.empty()) {
        auto applied = co_await refunds::apply_refunds(ctx, *loaded.session);
        if (applied) co_return std::move(*applied);
    }
    co_return std::move(loaded.session);
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
        const auto fact = session_fact(session, rules, !previous);
        writes = events::record_event(
            ctx, std::move(type),
            dump_json(to_api_json(session, ctx.config(), object_base_url(ctx))),
            events::Fact{session.id, fact.discriminator, fact.at_ms});
    }
    // A link's sale is counted by a marker of its own, written with the save that fulfils it.
    if (links::records_sale(session, previous)) writes.push_back(links::sale_write(session));
    auto metadata = record_metadata(session);
    // A new session is one key (two with its created event): the scanner finds it among the
    // recent records. Later saves keep it in the watch index for as long as the chain needs
    // watching, which outlasts the recent ones: late payments, confirmations, reorgs.
    const bool recent_covers_it =
        session.expires_at_ms - session.created_at_ms <= ctx.config().session_ttl_seconds * 1000;
    if (previous || !recent_covers_it) {
        if (needs_watching(session, rules, now_ms))
            writes.push_back(engine::kv_put(watch_index_key(session.id), "", metadata));
        else if (previous)
            writes.push_back(engine::kv_delete(watch_index_key(session.id)));
    }
    writes.push_back(
        engine::kv_put(session_key(session.id), to_storage(session), std::move(metadata)));
    return writes;
}

engine::Task<std::optional<http::ApiError>> save_session(engine::Context& ctx,
                                                         const Session& session,
                                                         std::optional<Status> previous,
                                                         SaveKind kind) {
    auto writes = session_writes(ctx, session, previous);
    auto results = co_await ctx.perform(writes);
    events::request_deliveries(ctx, writes, results);
    // An event key refused as busy was written by another writer of the same fact (its id is
    // the fact's): nothing is lost. Any other failure, or a busy session key, is an error.
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        if (engine::succeeded(result)) continue;
        if (engine::is_busy(result) && i < writes.size() &&
            (events::is_event_write(writes[i]) || links::is_sale_write(writes[i]) ||
             kind == SaveKind::derived_from_chain))
            continue;
        co_return store::storage_error(engine::failure_message(result));
    }
    co_return std::nullopt;
}

} // namespace paylinks::sessions
