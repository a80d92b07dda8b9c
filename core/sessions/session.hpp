#pragma once
// The checkout session: one customer's attempt to pay, with its own deposit address.
#include "core/eth/address.hpp"
#include "core/num/uint256.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace paylinks::sessions {

enum class Status : std::uint8_t { open, detected, paid, underpaid, overpaid, paid_late, expired };

[[nodiscard]] std::string_view to_string(Status status) noexcept;
[[nodiscard]] std::optional<Status> parse_status(std::string_view text) noexcept;
/// paid, overpaid, paid_late: the merchant fulfils, and the state never goes back.
[[nodiscard]] constexpr bool is_fulfilled(Status status) noexcept {
    return status == Status::paid || status == Status::overpaid || status == Status::paid_late;
}

/// One Transfer log that paid into the session's deposit address.
struct Payment {
    std::string transaction_hash; ///< lower case
    std::uint64_t log_index = 0;
    eth::Address from{};
    num::uint256 amount = 0;
    std::uint64_t block_number = 0;
    std::int64_t time_ms = 0; ///< the block's time when the log said, else when first seen
    std::uint64_t confirmations = 0;
    bool confirmed = false;
};

struct Session {
    std::string id;
    bool link_mode = false;
    std::optional<std::string> link_id;
    std::string title;
    std::optional<std::string> description;
    std::int64_t fiat_amount = 0; ///< minor units
    std::string fiat_currency;
    std::string exchange_rate;   ///< token per fiat unit, locked at creation
    num::uint256 amount_due = 0; ///< token base units
    eth::Address deposit_address{};
    Status status = Status::open;
    std::vector<Payment> payments;
    Json metadata = Json::object();
    std::optional<std::string> customer_email;
    std::optional<std::string> success_url;
    std::optional<std::string> cancel_url;
    std::int64_t expires_at_ms = 0;
    std::optional<std::int64_t> paid_at_ms;
    bool livemode = false;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;

    [[nodiscard]] num::uint256 amount_received() const;
};

} // namespace paylinks::sessions
