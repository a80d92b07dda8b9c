#pragma once
// Events: an immutable record of something that happened to a link or a session, kept 30
// days, listable, and delivered to webhook endpoints (webhooks/delivery.hpp).
#include "core/engine/context.hpp"
#include "core/util/json.hpp"

#include <optional>
#include <string>
#include <vector>

namespace paylinks::events {

inline constexpr std::int64_t kRetentionSeconds = 35 * 24 * 60 * 60; // at least 30 days
/// An event is one key, `evt/<inverted id>`: listing the prefix is newest first, and the
/// key's metadata {"t": type} serves the type filter.
inline constexpr std::string_view kEventKeyPrefix = "evt/";

struct Event {
    std::string id;
    std::string type; ///< e.g. "checkout_session.paid"
    Json object;      ///< the API object as it was when the event happened
    bool livemode = false;
    std::int64_t created_at_ms = 0;
};

[[nodiscard]] std::string event_key(std::string_view id);

/// The event types there are (for validating filters and endpoint subscriptions).
[[nodiscard]] bool is_event_type(std::string_view type) noexcept;
[[nodiscard]] const std::vector<std::string_view>& event_types() noexcept;
/// Every event type with what it records (Markdown), in one table: README's webhook table
/// and the dashboard's filters are generated from it (core/catalog).
struct EventTypeInfo {
    std::string_view type;
    std::string_view when;
};
[[nodiscard]] const std::vector<EventTypeInfo>& event_type_table() noexcept;

/// What an event is the record of. Many writers race on KV with no compare-and-set (polls,
/// verifies and the cron may all see one payment confirm), so an event's id is derived from
/// the fact rather than drawn at random: every writer of the same fact writes the same keys
/// under the same id, and a consumer deduplicating on webhook-id acts once.
struct Fact {
    std::string_view subject;       ///< the session or link id
    std::string_view discriminator; ///< names this fact among the subject's facts of a type
    std::int64_t at_ms = 0;         ///< a time every writer of the fact agrees on
};

/// evt_ + the fact's time + the first 80 bits of SHA-256(type, subject, discriminator).
[[nodiscard]] std::string event_id(std::string_view type, const Fact& fact);

/// Creates the event of `fact`, of the API object whose JSON text is `object_json`: returns
/// the KV writes that store it. Its delivery is asked for by request_deliveries once KV has
/// stored it.
[[nodiscard]] std::vector<engine::Effect> record_event(engine::Context& ctx, std::string type,
                                                       std::string object_json, const Fact& fact);

/// Whether `effect` is one of the writes record_event returns: a second writer of the same
/// fact may be refused by KV's one write per second per key, and that refusal loses nothing.
[[nodiscard]] bool is_event_write(const engine::Effect& effect);

/// Asks (as follow-ups of the exchange) for the delivery of every event among `writes` that
/// KV stored, `results[i]` answering `writes[i]`. An event refused as busy was stored by
/// another writer of the same fact within the second, and that writer asks for it: one
/// delivery, not one per writer.
void request_deliveries(engine::Context& ctx, const std::vector<engine::Effect>& writes,
                        const std::vector<Json>& results);

[[nodiscard]] Json to_api_json(const Event& event);
[[nodiscard]] std::optional<Event> from_storage(std::string_view text);

} // namespace paylinks::events
