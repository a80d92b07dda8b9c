#include "core/webhooks/endpoint.hpp"

#include "core/crypto/base64.hpp"
#include "core/util/time.hpp"

namespace paylinks::webhooks {

std::string endpoint_key(std::string_view id) {
    return std::string(kEndpointPrefix) + std::string(id);
}

bool Endpoint::wants(std::string_view event_type) const noexcept {
    for (const auto& type : enabled_events)
        if (type == "*" || type == event_type) return true;
    return false;
}

std::string make_secret(std::span<const std::uint8_t, 24> random) {
    return "whsec_" + crypto::base64_encode(random);
}

Json to_api_json(const Endpoint& endpoint, bool with_secret) {
    Json object{{"id", endpoint.id},
                {"object", "webhook_endpoint"},
                {"url", endpoint.url},
                {"enabledEvents", endpoint.enabled_events},
                {"active", endpoint.active},
                {"description", endpoint.description ? Json(*endpoint.description) : Json(nullptr)},
                {"livemode", endpoint.livemode},
                {"createdAt", time::format_iso8601(endpoint.created_at_ms)},
                {"updatedAt", time::format_iso8601(endpoint.updated_at_ms)}};
    if (with_secret) object["secret"] = endpoint.secret;
    return object;
}

std::string to_storage(const Endpoint& endpoint) {
    return dump_json(
        Json{{"id", endpoint.id},
             {"url", endpoint.url},
             {"events", endpoint.enabled_events},
             {"active", endpoint.active},
             {"description", endpoint.description ? Json(*endpoint.description) : Json(nullptr)},
             {"secret", endpoint.secret},
             {"livemode", endpoint.livemode},
             {"createdAt", endpoint.created_at_ms},
             {"updatedAt", endpoint.updated_at_ms}});
}

std::optional<Endpoint> from_storage(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    const Json& s = *parsed;
    Endpoint endpoint;
    auto get_string = [&](const char* name, std::string& out) {
        auto it = s.find(name);
        if (it == s.end() || !it->is_string()) return false;
        out = it->get<std::string>();
        return true;
    };
    auto events = s.find("events");
    auto active = s.find("active");
    auto livemode = s.find("livemode");
    auto created = s.find("createdAt");
    auto updated = s.find("updatedAt");
    auto description = s.find("description");
    if (!get_string("id", endpoint.id) || !get_string("url", endpoint.url) ||
        !get_string("secret", endpoint.secret) || events == s.end() || !events->is_array() ||
        active == s.end() || !active->is_boolean() || livemode == s.end() ||
        !livemode->is_boolean() || created == s.end() || !fits<std::int64_t>(*created) ||
        updated == s.end() || !fits<std::int64_t>(*updated))
        return std::nullopt;
    for (const auto& type : *events) {
        if (!type.is_string()) return std::nullopt;
        endpoint.enabled_events.push_back(type.get<std::string>());
    }
    if (description != s.end() && description->is_string())
        endpoint.description = description->get<std::string>();
    endpoint.active = active->get<bool>();
    endpoint.livemode = livemode->get<bool>();
    endpoint.created_at_ms = created->get<std::int64_t>();
    endpoint.updated_at_ms = updated->get<std::int64_t>();
    return endpoint;
}

} // namespace paylinks::webhooks
