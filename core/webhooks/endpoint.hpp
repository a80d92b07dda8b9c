#pragma once
// Webhook endpoints: where events are POSTed, which ones, and the secret that signs them.
#include "core/util/json.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace paylinks::webhooks {

struct Endpoint {
    std::string id;
    std::string url;
    std::vector<std::string> enabled_events; ///< event types, or the single entry "*"
    bool active = true;
    std::optional<std::string> description;
    std::string secret; ///< whsec_ + base64 of 24 random bytes
    bool livemode = false;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;

    [[nodiscard]] bool wants(std::string_view event_type) const noexcept;
};

inline constexpr std::string_view kEndpointPrefix = "we/";
[[nodiscard]] std::string endpoint_key(std::string_view id);

/// The API object; the secret only when `with_secret` (on create and rotation).
[[nodiscard]] Json to_api_json(const Endpoint& endpoint, bool with_secret);
[[nodiscard]] std::string to_storage(const Endpoint& endpoint);
[[nodiscard]] std::optional<Endpoint> from_storage(std::string_view text);

/// "whsec_" + base64 of the 24 bytes.
[[nodiscard]] std::string make_secret(std::span<const std::uint8_t, 24> random);

} // namespace paylinks::webhooks
