#pragma once
// A sweep: one transaction that flushed deposit addresses (forwarders) to the treasury, as
// `make sweep` sends them through ForwarderFactory.flushMany. The caller names the
// transaction and the sessions it swept; what was collected is read from the transaction's
// receipt, never from the request: the Transfer logs of the configured token from each named
// session's deposit address (derived here, as for the session) to the treasury.
//
// Stored as one key, `sweep/<inverted id>`, whose metadata is its own list entry (balances and
// lists read no records). The id is derived from the fact, not drawn at random: its time is
// the sweep's block time and its other 80 bits are SHA-256 of the chain id and the transaction
// hash, so the same transaction recorded twice (or by two writers at once) is one key.
#include "core/eth/address.hpp"
#include "core/http/error.hpp"
#include "core/num/uint256.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace paylinks::sweeps {

inline constexpr std::string_view kSweepPrefix = "sw_";
inline constexpr std::string_view kSweepKeyPrefix = "sweep/";
/// More than `make sweep` puts in one transaction (SWEEP_BATCH ≤ 500), and a record that
/// stays far below KV's value limit.
inline constexpr std::size_t kMaxSessionsPerSweep = 500;

/// The body of POST /api/v1/sweeps: {"transactionHash": "0x…", "sessions": ["cs_…", …],
/// "network": "…"}.
struct SweepRequest {
    std::string transaction_hash; ///< lower case
    std::vector<std::string> session_ids;
    std::string network; ///< empty: the primary network
};

/// Strict: transactionHash and sessions required, `network` optional (a non-empty string of at
/// most 64 characters; whether the deployment has it is the caller's to check), nothing else; the
/// hash is 32 bytes of hex; the sessions are 1…kMaxSessionsPerSweep distinct session ids. Errors
/// name the field (`sessions[3]`).
[[nodiscard]] std::variant<SweepRequest, http::ApiError> read_sweep_request(const Json& body);

struct SweptSession {
    std::string id;
    eth::Address deposit_address{};
    num::uint256 amount = 0; ///< base units that left the deposit address for the treasury
};

/// What a receipt says about a sweep of the named sessions.
struct ReceiptSweep {
    std::uint64_t block_number = 0;
    std::string block_hash;                    ///< lower case
    std::optional<std::int64_t> block_time_ms; ///< when the node sent blockTimestamp
    std::vector<SweptSession> sessions;        ///< in the request's order
    num::uint256 total = 0;
};

/// Reads an eth_getTransactionReceipt result (the effect's result object). A transaction the
/// node does not know (or not yet mined) is transaction_not_found; a reverted one, or one in
/// which a named session's address sent nothing to the treasury, is transaction_not_sweep
/// (param `sessions[i]` for the session); a node that fails or answers malformed JSON is
/// upstream_unavailable. Only Transfer logs of `token`, from a named address, to `treasury`,
/// not removed and of a non-zero value count; every other log is ignored.
[[nodiscard]] std::variant<ReceiptSweep, http::ApiError>
read_sweep_receipt(const Json& result, std::string_view transaction_hash, const eth::Address& token,
                   const eth::Address& treasury,
                   const std::vector<std::pair<std::string, eth::Address>>& named);

struct Sweep {
    std::string id; ///< sw_…
    std::string transaction_hash;
    std::uint64_t chain_id = 0;
    std::string network; ///< empty in records from before several networks: the primary
    std::uint64_t block_number = 0;
    std::string block_hash;
    std::int64_t swept_at_ms = 0; ///< the block's time
    eth::Address token{};
    std::string token_symbol;
    unsigned token_decimals = 0;
    eth::Address treasury{};
    num::uint256 amount = 0; ///< the sum of the sessions' amounts
    std::vector<SweptSession> sessions;
    bool livemode = false;
};

/// The id of the sweep of `transaction_hash` (lower case) on `chain_id` mined at `time_ms`.
[[nodiscard]] std::string sweep_id(std::uint64_t chain_id, std::string_view transaction_hash,
                                   std::int64_t time_ms);
[[nodiscard]] std::string sweep_key(std::string_view id);

[[nodiscard]] std::string to_storage(const Sweep& sweep);
[[nodiscard]] std::optional<Sweep> from_storage(std::string_view text);
/// The list entry: {"x": hash, "t": token, "a": amount (decimal base units), "d": decimals,
/// "y": symbol, "b": block, "n": sessions, "w": network (absent: the primary)} — about 300
/// bytes, within KV's 1024.
[[nodiscard]] Json sweep_metadata(const Sweep& sweep);

/// What a list entry tells without reading the record.
struct SweepEntry {
    std::string id;
    std::string transaction_hash;
    eth::Address token{};
    num::uint256 amount = 0;
    unsigned token_decimals = 0;
    std::string token_symbol;
    std::uint64_t block_number = 0;
    std::uint64_t session_count = 0;
    std::string network; ///< empty: the primary
};
[[nodiscard]] std::optional<SweepEntry> read_sweep_metadata(std::string id, const Json& metadata);

/// The API object: amounts as decimal strings of the token (like a session's amountDue). A
/// record without a network is shown on `primary_network`, where every sweep used to be.
[[nodiscard]] Json to_api_json(const Sweep& sweep, std::string_view primary_network);

} // namespace paylinks::sweeps
