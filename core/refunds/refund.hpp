#pragma once
// A refund: the merchant's decision to return part or all of what a checkout session received,
// paid by the treasury's wallet (or REFUND_SENDER) with an ordinary ERC-20 transfer, and
// proven on chain: it succeeds once a Transfer of exactly its amount of the token, from the
// sender to its address, in a block after its creation, has the payments' confirmations.
//
// Keys (docs/architecture.md, "Keys"). A refund never shares a key with the session:
//   re/<inverted id>   the record; metadata {"s": status, "c": session} is the list entry.
//                      Written by the create (pending) and by the writer that proves it
//                      (succeeded), who derive it from the chain alike.
//   rp/<inverted id>   while pending: metadata holds all that matching needs (no record read
//                      until a transfer matches). Deleted once it succeeded.
//   rc/<chain>/<tx>/<log index>   the refund a transfer proved, so that one transfer never
//                      satisfies two refunds.
//   cfg/refunds_pending  a marker that pending refunds may exist: without it the cron tick
//                      lists nothing and asks the chain nothing for refunds.
//   csd/<session>      the session's decisions list its refund ids; loading a session with
//                      refunds reads their records (sessions without any read nothing more).
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/eth/address.hpp"
#include "core/eth/transfer_log.hpp"
#include "core/http/error.hpp"
#include "core/num/uint256.hpp"
#include "core/sessions/session.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace paylinks::refunds {

inline constexpr std::string_view kRefundKeyPrefix = "re/";
inline constexpr std::string_view kPendingKeyPrefix = "rp/";
inline constexpr std::string_view kClaimKeyPrefix = "rc/";
inline constexpr std::string_view kPendingMarkerKey = "cfg/refunds_pending";
/// A session's refunds are read whenever it is loaded: a bound keeps that one small batch.
inline constexpr std::size_t kMaxRefundsPerSession = 20;
/// A marker with no pending refund behind it is removed only once it is this old, so a
/// refund created elsewhere within KV's delay is not hidden from the tick.
inline constexpr std::int64_t kMarkerGraceMs = 10 * 60 * 1000;
inline constexpr std::size_t kMaxReasonLength = 500;

enum class Status : std::uint8_t { pending, succeeded };
[[nodiscard]] std::string_view to_string(Status status) noexcept;

struct Refund {
    std::string id; ///< re_…
    std::string session_id;
    std::string network; ///< the configured network's name
    std::uint64_t chain_id = 0;
    eth::Address token{};
    std::string token_symbol;
    unsigned token_decimals = 0;
    eth::Address to{};     ///< who is refunded
    eth::Address sender{}; ///< whose transfer counts: REFUND_SENDER, else the treasury
    num::uint256 amount = 0;
    /// The first block a transfer may be in: the head when the refund was created, plus one.
    std::uint64_t start_block = 0;
    std::optional<std::string> reason;
    Status status = Status::pending;
    std::string transaction_hash; ///< once succeeded
    std::uint64_t log_index = 0;
    std::uint64_t block_number = 0;
    std::int64_t created_at_ms = 0;
    std::optional<std::int64_t> succeeded_at_ms; ///< when a writer saw it confirmed
    bool livemode = false;
};

/// The body of POST /api/v1/checkout_sessions/{id}/refunds; every member optional.
struct RefundRequest {
    std::optional<std::string> amount; ///< token units, as amountDue ("12.5"), unparsed yet
    std::optional<eth::Address> address;
    std::optional<std::string> reason;
};
[[nodiscard]] std::variant<RefundRequest, http::ApiError> read_refund_request(const Json& body);

/// What the merchant may refund of `session` (its refunds applied): what its confirmed
/// payments brought less every refund already made or pending.
[[nodiscard]] num::uint256 refundable(const sessions::Session& session);

struct RefundTerms {
    num::uint256 amount = 0; ///< in `decimals`, the refunded token's: what is transferred
    eth::Address to{};
    /// What it is paid in: the network and token of the newest confirmed payment from `to`
    /// (else of the newest confirmed payment). An empty network or a zero token is the
    /// primary's (records from before several networks).
    std::string network;
    eth::Address token{};
    unsigned decimals = 6;
};
/// The amount (default: all that is refundable) and address (default: the one sender of
/// the confirmed payments), and what it is paid in, or why the refund is refused. Amounts
/// asked and left are in the session's decimals; a refund in a coarser token must be a whole
/// number of its base units.
[[nodiscard]] std::variant<RefundTerms, http::ApiError>
decide_terms(const sessions::Session& session, const RefundRequest& request);

/// The index in config.chains of the network named `network` (empty: the primary, 0), or
/// nullopt when the deployment no longer has it.
[[nodiscard]] std::optional<std::size_t> chain_index_of(const config::Config& config,
                                                        std::string_view network) noexcept;

[[nodiscard]] std::string refund_key(std::string_view id);
[[nodiscard]] std::string pending_key(std::string_view id);
[[nodiscard]] std::string claim_key(std::uint64_t chain_id, std::string_view transaction_hash,
                                    std::uint64_t log_index);

[[nodiscard]] std::string to_storage(const Refund& refund);
[[nodiscard]] std::optional<Refund> from_storage(std::string_view text);
[[nodiscard]] Json record_metadata(const Refund& refund);

/// A pending refund as its rp/ entry tells it.
struct PendingEntry {
    std::string id;
    std::string session_id;
    std::string network;
    eth::Address token{};
    eth::Address sender{};
    eth::Address to{};
    num::uint256 amount = 0;
    std::uint64_t start_block = 0;
};
[[nodiscard]] Json pending_metadata(const Refund& refund);
[[nodiscard]] std::optional<PendingEntry> read_pending_metadata(std::string id,
                                                                const Json& metadata);
[[nodiscard]] PendingEntry pending_entry(const Refund& refund);

/// EIP-681: the transfer the sender's wallet makes.
[[nodiscard]] std::string payment_uri(const Refund& refund);
/// The API object (docs/openapi.yaml Refund); `qr_svg` only where the answer carries it.
[[nodiscard]] Json to_api_json(const Refund& refund, std::optional<std::string> qr_svg = {});

/// One refund a transfer proves.
struct RefundMatch {
    std::string refund_id;
    std::size_t transfer = 0; ///< index into the transfers given
    bool confirmed = false;   ///< its block is at or below confirmed_through
};

/// Which pending refunds which transfers prove, deterministically, so every writer that sees
/// the same chain derives the same answer. Refunds are taken oldest first (by id); each takes
/// the earliest (block, log index) transfer not removed, of its token, from its sender, to its
/// address, of exactly its amount, at or after its start block, that no earlier refund took
/// and that `claims` (transfer "tx:logIndex" → refund id) does not give to another refund.
/// A refund with no such transfer is not in the answer; one whose transfer is not yet
/// confirmed is, with confirmed = false (it still holds the transfer, so no later refund
/// takes it meanwhile).
[[nodiscard]] std::vector<RefundMatch>
match_refunds(std::vector<PendingEntry> pending, const std::vector<eth::TransferLog>& transfers,
              const std::map<std::string, std::string>& claims, std::uint64_t confirmed_through);

/// "tx:logIndex", the name of a transfer in `claims`.
[[nodiscard]] std::string transfer_name(const eth::TransferLog& log);

/// Reads the records of session.refund_ids into session.refunds (one batch of reads).
[[nodiscard]] engine::Task<std::optional<http::ApiError>> apply_refunds(engine::Context& ctx,
                                                                        sessions::Session& session);
/// The same for many sessions (a list page), in one batch; sessions without refunds read
/// nothing.
[[nodiscard]] engine::Task<std::optional<http::ApiError>>
apply_refunds_to_all(engine::Context& ctx, std::vector<sessions::Session*> sessions);

} // namespace paylinks::refunds
