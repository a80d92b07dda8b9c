#pragma once
// ERC-20 `Transfer(address indexed from, address indexed to, uint256 value)` logs (EIP-20),
// read strictly from the log objects of eth_getLogs and eth_getTransactionReceipt (Ethereum
// JSON-RPC: DATA and QUANTITY hex encodings).
#include "core/eth/address.hpp"
#include "core/num/uint256.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace paylinks::eth {

/// topics[0] of a Transfer log: keccak256("Transfer(address,address,uint256)").
inline constexpr std::string_view kTransferTopic =
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

struct TransferLog {
    Address token; ///< the emitting contract (`address`)
    Address from;  ///< topics[1]
    Address to;    ///< topics[2]
    num::uint256 value;
    std::string transaction_hash; ///< "0x" + 64 lower-case hex digits
    std::uint64_t block_number = 0;
    std::uint64_t log_index = 0;
    /// "0x" + 64 lower-case hex digits, or empty when the node sent none. A payment is only
    /// counted once this matches the block the node reports at `block_number`.
    std::string block_hash;
    bool removed = false; ///< true when a reorg removed the log (eth_getLogs / filters)
};

/// Why a log object is not a well-formed ERC-20 Transfer log. Each has a stable snake_case
/// name (to_string).
enum class LogError {
    not_an_object,            ///< the log is not a JSON object
    address_missing,          ///< no `address`
    address_invalid,          ///< `address` not a string of "0x" + 40 hex digits
    topics_missing,           ///< no `topics`
    topics_invalid,           ///< `topics` not an array of 32-byte "0x" hex strings
    topic_count,              ///< not exactly 3 topics (ERC-721 has 4, anonymous events vary)
    not_transfer_event,       ///< topics[0] is not the Transfer event signature
    topic_not_address,        ///< topics[1] or topics[2] has non-zero high 12 bytes
    data_missing,             ///< no `data`
    data_invalid,             ///< `data` not exactly 32 bytes of "0x" hex
    transaction_hash_missing, ///< no `transactionHash`
    transaction_hash_invalid, ///< `transactionHash` not 32 bytes of "0x" hex
    block_number_missing,     ///< no `blockNumber`
    block_number_invalid,     ///< `blockNumber` not a QUANTITY string up to 2^64 − 1
    log_index_missing,        ///< no `logIndex`
    log_index_invalid,        ///< `logIndex` not a QUANTITY string up to 2^64 − 1
    removed_invalid,          ///< `removed` present but not a boolean
    block_hash_invalid,       ///< `blockHash` present but not 32 bytes of "0x" hex
    pending,                  ///< a pending log: blockNumber/transactionHash/logIndex null
};

/// The stable name of an error, e.g. "topic_count".
[[nodiscard]] std::string_view to_string(LogError error) noexcept;

/// Validates and reads one log object: `address`, `topics` (exactly [Transfer topic, from,
/// to], hex of either case), `data` (the 32-byte value), `transactionHash`, `blockNumber`,
/// `logIndex` (strict QUANTITY), optional `blockHash` (32 bytes) and optional `removed` (bool,
/// default false). Other fields
/// are ignored. Never aborts: every type is checked before it is read.
[[nodiscard]] std::variant<TransferLog, LogError> parse_transfer_log(const Json& log);

} // namespace paylinks::eth
