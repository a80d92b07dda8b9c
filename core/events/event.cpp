#include "core/events/event.hpp"

#include "core/crypto/sha256.hpp"
#include "core/ids/ids.hpp"
#include "core/util/time.hpp"
#include "core/webhooks/registry.hpp"

#include <algorithm>

namespace paylinks::events {

std::string event_key(std::string_view id) {
    return std::string(kEventKeyPrefix) + ids::newest_first_key(id, ids::kEventPrefix);
}

const std::vector<std::string_view>& event_types() noexcept {
    static const std::vector<std::string_view> kTypes = {
        "checkout_session.created",  "checkout_session.detected",
        "checkout_session.paid",     "checkout_session.underpaid",
        "checkout_session.overpaid", "checkout_session.paid_late",
        "checkout_session.expired",  "checkout_session.reorged",
        "payment_link.created",      "payment_link.updated",
        "payment_link.deleted",      "checkout_session.partially_refunded",
        "checkout_session.refunded", "refund.created",
        "refund.succeeded"};
    return kTypes;
}

bool is_event_type(std::string_view type) noexcept {
    for (auto known : event_types())
        if (known == type) return true;
    return false;
}

std::string event_id(std::string_view type, const Fact& fact) {
    // Lengths first, so that no two (type, subject, discriminator) triples hash the same text.
    crypto::Sha256 hash;
    for (auto part : {type, fact.subject, fact.discriminator}) {
        hash.update(std::to_string(part.size()));
        hash.update(":");
        hash.update(part);
    }
    const auto digest = hash.finish();
    std::array<std::uint8_t, ids::kIdRandomBytes> bits{};
    std::copy_n(digest.begin(), bits.size(), bits.begin());
    return ids::make_id(ids::kEventPrefix, fact.at_ms, bits);
}

bool is_event_write(const engine::Effect& effect) {
    if (!effect.is_object() || effect.value("op", "") != "kv.put") return false;
    const auto key = effect.value("key", "");
    return key.starts_with(kEventKeyPrefix);
}

std::vector<engine::Effect> record_event(engine::Context& ctx, std::string type,
                                         std::string object_json, const Fact& fact) {
    auto id = event_id(type, fact);
    // The stored form of Event, written around the object's text rather than re-serialising it.
    auto stored = JsonObjectWriter()
                      .string("id", id)
                      .string("type", type)
                      .raw("object", object_json)
                      .boolean("livemode", ctx.config().livemode)
                      .integer("createdAt", fact.at_ms)
                      .finish();
    // One key: the record is its own newest-first list entry, its type in the metadata for
    // filters.
    std::vector<engine::Effect> writes;
    writes.push_back(
        engine::kv_put(event_key(id), std::move(stored), Json{{"t", type}}, kRetentionSeconds));
    return writes;
}

void request_deliveries(engine::Context& ctx, const std::vector<engine::Effect>& writes,
                        const std::vector<Json>& results) {
    for (std::size_t i = 0; i < writes.size() && i < results.size(); ++i) {
        if (!is_event_write(writes[i]) || !engine::succeeded(results[i])) continue;
        const auto& key = writes[i]["key"].get_ref<const std::string&>();
        const auto metadata = writes[i].find("metadata");
        const std::string type = metadata != writes[i].end() && metadata->is_object()
                                     ? metadata->value("t", "")
                                     : std::string{};
        // Delivery runs after the answer, and only if some endpoint may want the event.
        if (!webhooks::may_want(ctx, type)) continue;
        ctx.follow_up(Json{{"kind", "deliver"},
                           {"event", ids::id_from_newest_first_key(
                                         std::string_view(key).substr(kEventKeyPrefix.size()),
                                         ids::kEventPrefix)}});
    }
}

Json to_api_json(const Event& event) {
    return Json{{"id", event.id},
                {"object", "event"},
                {"type", event.type},
                {"livemode", event.livemode},
                {"createdAt", time::format_iso8601(event.created_at_ms)},
                {"data", {{"object", event.object}}}};
}

std::optional<Event> from_storage(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    const Json& stored = *parsed;
    auto id = stored.find("id");
    auto type = stored.find("type");
    auto object = stored.find("object");
    auto livemode = stored.find("livemode");
    auto created = stored.find("createdAt");
    if (id == stored.end() || !id->is_string() || type == stored.end() || !type->is_string() ||
        object == stored.end() || livemode == stored.end() || !livemode->is_boolean() ||
        created == stored.end() || !fits<std::int64_t>(*created))
        return std::nullopt;
    return Event{id->get<std::string>(), type->get<std::string>(), *object, livemode->get<bool>(),
                 created->get<std::int64_t>()};
}

} // namespace paylinks::events
