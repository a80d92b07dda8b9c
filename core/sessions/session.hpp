#pragma once
// The checkout session: one customer's attempt to pay, with its own deposit address.
#include "core/eth/address.hpp"
#include "core/num/uint256.hpp"
#include "core/sessions/rate_source.hpp"
#include "core/util/json.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace paylinks::sessions {

/// `reorged`: the session was fulfilled, and a chain reorganisation removed the payment that
/// fulfilled it; it is fulfilled again only if a replacement payment is confirmed.
enum class Status : std::uint8_t {
    open,
    detected,
    paid,
    underpaid,
    overpaid,
    paid_late,
    expired,
    reorged
};

/// What each status is called and means, in one table: the API's names, the dashboard's
/// labels and tones, the documentation's meaning (all generated from it: core/catalog).
struct StatusInfo {
    Status status;
    std::string_view name;    ///< the API's `status`
    std::string_view label;   ///< short, for people ("Paid late")
    std::string_view tone;    ///< ok (fulfil), live (waiting), warn (act), muted (over)
    std::string_view meaning; ///< for the merchant (Markdown)
};
[[nodiscard]] const std::array<StatusInfo, 8>& status_table() noexcept;

/// What refunds proven on chain make of a fulfilled session in the merchant's API object
/// (session_json.hpp's api_status): shown, never stored as its payment state nor listed by.
struct RefundStatusInfo {
    std::string_view name;
    std::string_view label;
    std::string_view tone;
    std::string_view meaning;
};
/// partially_refunded, then refunded.
[[nodiscard]] const std::array<RefundStatusInfo, 2>& refund_status_table() noexcept;

[[nodiscard]] std::string_view to_string(Status status) noexcept;
[[nodiscard]] std::optional<Status> parse_status(std::string_view text) noexcept;
/// paid, overpaid, paid_late: the merchant fulfils, and the state never goes back.
[[nodiscard]] constexpr bool is_fulfilled(Status status) noexcept {
    return status == Status::paid || status == Status::overpaid || status == Status::paid_late;
}

/// One Transfer log that paid into the session's deposit address.
struct Payment {
    /// The network it is on (config::Chain::name); empty in records from before several
    /// networks, which mean the primary one.
    std::string network;
    eth::Address token{}; ///< the token transferred (zero in those records: the primary's)
    /// `amount`'s decimals: the token's (those records: the session's token_decimals).
    std::optional<unsigned> decimals;
    std::string transaction_hash; ///< lower case
    std::uint64_t log_index = 0;
    eth::Address from{};
    num::uint256 amount = 0;
    std::uint64_t block_number = 0;
    std::string block_hash;          ///< the block's hash as the node reported it at block_number
    std::int64_t time_ms = 0;        ///< the block's timestamp: on time or late is decided by it
    std::uint64_t confirmations = 0; ///< never decreases while the block hash is the same
    bool confirmed = false;
};

/// A refund of the session as its record says (refunds/refund.hpp): applied when the session
/// is loaded, never stored in the session's own record.
struct RefundSummary {
    std::string id;
    num::uint256 amount = 0;
    bool succeeded = false;
};

/// One way to pay a session: a token on a network, priced in its own decimals. Locked at
/// creation, like the rate.
struct PaymentOption {
    std::string network;
    std::uint64_t chain_id = 0;
    eth::Address token{};
    std::string symbol;
    unsigned decimals = 6;
    num::uint256 amount_due = 0; ///< in `decimals`: never less than the session's amount_due
};

/// How far a session's logs were read on one network (the primary's are Session's own
/// start_block, scanned_to and head_seen).
struct ChainCursor {
    std::optional<std::uint64_t> start_block;
    std::uint64_t scanned_to = 0;
    std::uint64_t head_seen = 0;
};

struct Session {
    std::string id;
    bool link_mode = false;
    std::optional<std::string> link_id;
    std::string title;
    std::optional<std::string> description;
    std::int64_t fiat_amount = 0; ///< minor units
    std::string fiat_currency;
    std::string exchange_rate;             ///< token per fiat unit, locked at creation
    std::optional<RateSource> rate_source; ///< nullopt: USD or USDC, nothing converted
    /// In base units of token_decimals: the finest decimals among the options, in which
    /// payments of every option are added up exactly.
    num::uint256 amount_due = 0;
    /// The token as the chain described it when the session was priced (with several
    /// options: the finest decimals among them).
    unsigned token_decimals = 6;
    std::string token_symbol = "USDC";
    /// The first block the session's payments can be in (the head when it was created, less
    /// a reorg margin); nullopt for sessions created while the head was unknown.
    std::optional<std::uint64_t> start_block;
    /// Logs up to this block have been read (0: none yet); later checks start near it.
    std::uint64_t scanned_to = 0;
    /// The highest head any check of this session has seen.
    std::uint64_t head_seen = 0;
    /// The networks beyond the primary, by name.
    std::map<std::string, ChainCursor> other_chains;
    /// Every way to pay it; empty for records from before several networks (then the primary
    /// token alone, at amount_due).
    std::vector<PaymentOption> options;
    eth::Address deposit_address{};
    Status status = Status::open;
    std::vector<Payment> payments;
    Json metadata = Json::object(); ///< set by the merchant (secret key)
    /// Set by an anonymous caller of the public create: kept apart from the merchant's,
    /// so that a webhook consumer never mistakes a customer's claim for its own data.
    Json customer_metadata = Json::object();
    std::optional<std::string> customer_email;
    bool customer_email_from_customer = false; ///< typed by the customer, not the merchant
    std::optional<std::string> success_url;
    std::optional<std::string> cancel_url;
    std::int64_t expires_at_ms = 0;
    std::optional<std::int64_t> paid_at_ms;
    bool livemode = false;
    std::int64_t created_at_ms = 0;
    std::int64_t updated_at_ms = 0;
    /// The merchant's refunds of it, oldest first (ids from its decisions, `csd/`); their
    /// states are read from their own records when the session is loaded with them.
    std::vector<std::string> refund_ids;
    std::vector<RefundSummary> refunds;

    /// A payment's amount in token_decimals (exact: no option has finer decimals).
    [[nodiscard]] num::uint256 accounted(const Payment& payment) const;
    /// Every payment seen, confirmed or not (the API's amountReceived; late ones included,
    /// as they are listed for refunds).
    [[nodiscard]] num::uint256 amount_seen() const;
    /// Confirmed payments only.
    [[nodiscard]] num::uint256 amount_confirmed() const;
    /// What is left to pay: amount_due less the confirmed total, or 0.
    [[nodiscard]] num::uint256 amount_remaining() const;
};

} // namespace paylinks::sessions
