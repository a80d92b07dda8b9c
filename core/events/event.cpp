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

const std::vector<EventTypeInfo>& event_type_table() noexcept {
    static const std::vector<EventTypeInfo> kTypes = {
        {"checkout_session.created", "a session was opened (API or `/l/{slug}`)"},
        {"checkout_session.detected",
         "a transfer to its deposit address was seen, not yet confirmed"},
        {"checkout_session.paid",
         "confirmed transfers add up to exactly `amountDue`, in time: **fulfil**"},
        {"checkout_session.underpaid",
         "confirmed transfers fall short before expiry; the page asks for the rest"},
        {"checkout_session.overpaid",
         "confirmed transfers exceed `amountDue`: **fulfil**, refund the difference if you wish"},
        {"checkout_session.paid_late",
         "fully paid by a transfer mined after `expiresAt` but within `LATE_WINDOW_SECONDS`: "
         "**fulfil** (or refund)"},
        {"checkout_session.expired",
         "`expiresAt` passed without full payment (or the merchant expired it)"},
        {"checkout_session.reorged",
         "a fulfilled session lost its payment to a chain reorganisation: **hold** fulfilment; "
         "a replacement payment makes it paid again (a new event)"},
        {"payment_link.created", "the merchant created a link"},
        {"payment_link.updated", "the merchant changed a link"},
        {"payment_link.deleted", "the merchant deleted a link"},
        {"checkout_session.partially_refunded",
         "a refund of part of what it received was proven on chain"},
        {"checkout_session.refunded",
         "refunds proven on chain add up to everything it received: final"},
        {"refund.created",
         "a refund was asked for; `data.object.paymentUri` is the transfer for the treasury "
         "to sign"},
        {"refund.succeeded",
         "the refund's transfer (from the treasury or `REFUND_SENDER`, of exactly its amount, "
         "to its address) is confirmed on chain"}};
    return kTypes;
}

const std::vector<std::string_view>& event_types() noexcept {
    static const std::vector<std::string_view> kNames = [] {
        std::vector<std::string_view> names;
        for (const auto& info : event_type_table())
            names.push_back(info.type);
        return names;
    }();
    return kNames;
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
