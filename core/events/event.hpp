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
inline constexpr std::string_view kEventIndexPrefix = "idx/evt/";

struct Event {
    std::string id;
    std::string type; ///< e.g. "checkout_session.paid"
    Json object;      ///< the API object as it was when the event happened
    bool livemode = false;
    std::int64_t created_at_ms = 0;
};

[[nodiscard]] std::string event_key(std::string_view id);
[[nodiscard]] std::string event_index_key(std::string_view id);

/// The event types there are (for validating filters and endpoint subscriptions).
[[nodiscard]] bool is_event_type(std::string_view type) noexcept;
[[nodiscard]] const std::vector<std::string_view>& event_types() noexcept;

/// Creates an event of the API object whose JSON text is `object_json` (the text the
/// response carries too, serialised once): returns the KV writes that store it, and asks
/// for its delivery as a follow-up of the current exchange.
[[nodiscard]] std::vector<engine::Effect> record_event(engine::Context& ctx, std::string type,
                                                       std::string object_json);

[[nodiscard]] Json to_api_json(const Event& event);
[[nodiscard]] std::optional<Event> from_storage(std::string_view text);

} // namespace paylinks::events
