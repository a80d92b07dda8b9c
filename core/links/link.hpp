#pragma once
// The payment link: a fixed price and a title that any number of customers can pay through
// `/l/{slug}`, each in a checkout session of their own.
#include "core/money/fiat.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace paylinks::links {

struct Link {
    std::string id;
    std::string slug;
    std::string title;
    std::optional<std::string> description;
    std::int64_t fiat_amount = 0; ///< minor units of fiat_currency
    std::string fiat_currency;    ///< a code from money::kCurrencies
    std::optional<std::string> success_url;
    std::optional<std::string> cancel_url;
    bool active = true;
    std::optional<std::int64_t> expires_at_ms;
    /// Sessions that may be fulfilled before the link sells out (link_sales.hpp); none: no limit.
    std::optional<std::int64_t> max_payments;
    /// The merchant's metadata, copied into each of its sessions' (merchant) metadata.
    Json metadata = Json::object();
    bool livemode = false;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;

    /// Whether a customer can open a session from it at `now_ms`.
    [[nodiscard]] bool open_for_sessions(std::int64_t now_ms) const noexcept {
        return active && (!expires_at_ms || *expires_at_ms > now_ms);
    }
};

/// The public API object (the PaymentLink schema of docs/openapi.yaml) as JSON text; `base_url`
/// makes checkoutUrl absolute. `completed_sessions` is the link's counted sales, shown for a
/// link with maxPayments (null otherwise, and when not counted).
[[nodiscard]] std::string to_api_text(const Link& link, std::string_view base_url,
                                      std::optional<std::size_t> completed_sessions = std::nullopt);

/// The stored form, and its strict reader: a corrupt record is reported, never trusted.
[[nodiscard]] std::string to_storage(const Link& link);
[[nodiscard]] std::optional<Link> from_storage(std::string_view text);

[[nodiscard]] std::string link_key(std::string_view id);
[[nodiscard]] std::string slug_key(std::string_view slug);
inline constexpr std::string_view kLinkIndexPrefix = "idx/link/";

} // namespace paylinks::links
