#include "core/chain/rpc.hpp"

#include "core/crypto/hex.hpp"
#include "core/eth/transfer_log.hpp"
#include "core/num/uint256.hpp"

#include <algorithm>

namespace paylinks::chain {

engine::Effect eth_chain_id() {
    return engine::rpc_call("eth_chainId", Json::array());
}
engine::Effect eth_block_number() {
    return engine::rpc_call("eth_blockNumber", Json::array());
}

engine::Effect eth_get_transfer_logs(const eth::Address& token,
                                     const std::vector<eth::Address>& recipients,
                                     std::uint64_t from_block,
                                     std::optional<std::uint64_t> to_block) {
    return eth_get_transfer_logs(std::vector<eth::Address>(1, token), recipients, from_block,
                                 to_block);
}

engine::Effect eth_get_transfer_logs(const std::vector<eth::Address>& tokens,
                                     const std::vector<eth::Address>& recipients,
                                     std::uint64_t from_block,
                                     std::optional<std::uint64_t> to_block) {
    // One token as a string, as every node has always accepted; several as an array.
    Json address = Json::array();
    for (const auto& token : tokens)
        address.push_back(eth::to_lower_hex(token));
    if (tokens.size() == 1) address = Json(eth::to_lower_hex(tokens.front()));
    Json to_topics = Json::array();
    for (const auto& recipient : recipients)
        to_topics.push_back(eth::topic_for(recipient));
    Json filter{
        {"address", std::move(address)},
        {"fromBlock", num::to_hex_quantity(from_block)},
        {"toBlock", to_block ? Json(num::to_hex_quantity(*to_block)) : Json("latest")},
        {"topics", Json::array({std::string(eth::kTransferTopic), nullptr, std::move(to_topics)})}};
    return engine::rpc_call("eth_getLogs", Json::array({std::move(filter)}));
}

engine::Effect eth_get_transaction_receipt(const std::string& transaction_hash) {
    return engine::rpc_call("eth_getTransactionReceipt", Json::array({transaction_hash}));
}

engine::Effect eth_get_block_by_number(std::uint64_t number) {
    return engine::rpc_call("eth_getBlockByNumber",
                            Json::array({num::to_hex_quantity(number), false}));
}

engine::Effect eth_get_block_by_tag(std::string_view tag) {
    return engine::rpc_call("eth_getBlockByNumber", Json::array({std::string(tag), false}));
}

engine::Effect eth_call_view(const eth::Address& contract, std::string_view selector) {
    return engine::rpc_call("eth_call", Json::array({Json{{"to", eth::to_lower_hex(contract)},
                                                          {"data", std::string(selector)}},
                                                     "latest"}));
}

std::variant<std::optional<BlockHeader>, Fault> read_block_header(const Json& result) {
    if (!engine::succeeded(result))
        return Fault{"eth_getBlockByNumber failed: " + engine::failure_message(result)};
    auto value = result.find("value");
    if (value == result.end() || value->is_null()) return std::optional<BlockHeader>{};
    if (!value->is_object()) return Fault{"eth_getBlockByNumber answered a non-object"};
    BlockHeader header;
    auto number = value->find("number");
    auto hash = value->find("hash");
    auto timestamp = value->find("timestamp");
    std::optional<std::uint64_t> parsed_number, seconds;
    if (number != value->end() && number->is_string())
        parsed_number = num::parse_hex_u64(number->get<std::string>());
    if (timestamp != value->end() && timestamp->is_string())
        seconds = num::parse_hex_u64(timestamp->get<std::string>());
    if (!parsed_number || !seconds || *seconds > 253402300799ull || hash == value->end() ||
        !hash->is_string() || !crypto::hex_decode_fixed<32>(hash->get<std::string>()))
        return Fault{"eth_getBlockByNumber answered a malformed block"};
    header.number = *parsed_number;
    header.hash = hash->get<std::string>();
    for (auto& c : header.hash)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    header.time_ms = static_cast<std::int64_t>(*seconds) * 1000;
    return std::optional<BlockHeader>{std::move(header)};
}

namespace {

// The bytes of an eth_call answer ("0x" + hex), or nullopt.
std::optional<std::vector<std::uint8_t>> call_bytes(const Json& result) {
    auto text = engine::read_string_value(result);
    if (!text || text->size() < 2 || text->size() % 2 != 0 || text->compare(0, 2, "0x") != 0)
        return std::nullopt;
    return crypto::hex_decode(std::string_view(*text).substr(2));
}

std::uint64_t word_u64(const std::vector<std::uint8_t>& bytes, std::size_t offset, bool& ok) {
    std::uint64_t value = 0;
    if (offset + 32 > bytes.size()) {
        ok = false;
        return 0;
    }
    for (std::size_t i = 0; i < 24; ++i)
        if (bytes[offset + i] != 0) ok = false;
    for (std::size_t i = 24; i < 32; ++i)
        value = value << 8 | bytes[offset + i];
    return value;
}

bool printable_symbol(std::string_view text) {
    if (text.empty() || text.size() > 32) return false;
    return std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

bool contains_ci(std::string_view text, std::string_view word) {
    if (word.size() > text.size()) return false;
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i) {
        bool match = true;
        for (std::size_t j = 0; j < word.size() && match; ++j) {
            char c = text[i + j];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            match = c == word[j];
        }
        if (match) return true;
    }
    return false;
}

} // namespace

std::variant<unsigned, Fault> read_decimals(const Json& result) {
    if (!engine::succeeded(result))
        return Fault{"decimals() could not be read: " + engine::failure_message(result)};
    auto bytes = call_bytes(result);
    bool ok = bytes.has_value();
    std::uint64_t value = ok ? word_u64(*bytes, 0, ok) : 0;
    if (!ok || bytes->size() != 32 || value > 77)
        return Fault{"decimals() answered something other than a number from 0 to 77 (is "
                     "TOKEN_ADDRESS an ERC-20 token on this chain?)"};
    return static_cast<unsigned>(value);
}

std::optional<std::string> read_symbol(const Json& result) {
    if (!engine::succeeded(result)) return std::nullopt;
    auto bytes = call_bytes(result);
    if (!bytes) return std::nullopt;
    std::string text;
    if (bytes->size() == 32) { // bytes32, zero-padded
        for (auto byte : *bytes)
            if (byte != 0) text.push_back(static_cast<char>(byte));
    } else {
        bool ok = true;
        auto offset = word_u64(*bytes, 0, ok);
        auto length = ok && offset <= bytes->size() ? word_u64(*bytes, offset, ok) : 0;
        if (!ok || offset + 32 + length > bytes->size() || length > 32) return std::nullopt;
        text.assign(bytes->begin() + static_cast<std::ptrdiff_t>(offset + 32),
                    bytes->begin() + static_cast<std::ptrdiff_t>(offset + 32 + length));
    }
    if (!printable_symbol(text)) return std::nullopt;
    return text;
}

std::optional<RangeRefusal> read_range_refusal(const Json& result, std::uint64_t asked_span) {
    if (engine::succeeded(result)) return std::nullopt;
    auto error = result.find("rpcError");
    if (error == result.end() || !error->is_object()) return std::nullopt;
    const std::string message = error->value("message", "");
    // A rate limit is not a range limit: splitting would only ask more often.
    if (contains_ci(message, "rate limit") || contains_ci(message, "rate-limit") ||
        contains_ci(message, "request count") || contains_ci(message, "too many requests") ||
        contains_ci(message, "credits") || contains_ci(message, "compute units") ||
        contains_ci(message, "per second"))
        return std::nullopt;
    static constexpr std::string_view kWords[] = {
        "block range", "range",     "limited to", "more than",     "too many",
        "exceed",      "too large", "too wide",   "response size", "results"};
    if (std::none_of(std::begin(kWords), std::end(kWords),
                     [&](std::string_view word) { return contains_ci(message, word); }))
        return std::nullopt;
    RangeRefusal refusal;
    if (contains_ci(message, "result") || contains_ci(message, "response size")) return refusal;
    // The span the message names: the largest decimal number (commas allowed) below the span
    // asked for. Hex numbers (suggested ranges) are not spans.
    for (std::size_t i = 0; i < message.size();) {
        if (message[i] < '0' || message[i] > '9' ||
            (i + 1 < message.size() && message[i] == '0' && (message[i + 1] == 'x'))) {
            ++i;
            continue;
        }
        if (i > 0 && ((message[i - 1] >= 'a' && message[i - 1] <= 'f') || message[i - 1] == 'x')) {
            ++i;
            continue;
        }
        std::uint64_t value = 0;
        bool overflow = false;
        while (i < message.size() && ((message[i] >= '0' && message[i] <= '9') ||
                                      (message[i] == ',' && i + 1 < message.size() &&
                                       message[i + 1] >= '0' && message[i + 1] <= '9'))) {
            if (message[i] != ',') {
                if (value > 1'000'000'000'000ull) overflow = true;
                value = value * 10 + static_cast<std::uint64_t>(message[i] - '0');
            }
            ++i;
        }
        if (!overflow && value > 0 && value < asked_span &&
            (!refusal.limit || value > *refusal.limit))
            refusal.limit = value;
    }
    return refusal;
}

std::variant<std::uint64_t, Fault> read_quantity(const Json& result, const char* what) {
    if (!engine::succeeded(result))
        return Fault{std::string(what) + " failed: " + engine::failure_message(result)};
    auto value = result.find("value");
    if (value == result.end() || !value->is_string())
        return Fault{std::string(what) + " answered a non-string"};
    auto quantity = num::parse_hex_u64(value->get<std::string>());
    if (!quantity) return Fault{std::string(what) + " answered a malformed quantity"};
    return *quantity;
}

std::optional<std::int64_t> block_time_ms(const Json& object) {
    auto it = object.find("blockTimestamp");
    if (it == object.end()) return std::nullopt;
    std::optional<std::uint64_t> seconds;
    if (it->is_string())
        seconds = num::parse_hex_u64(it->get<std::string>());
    else if (it->is_number_unsigned())
        seconds = it->get<std::uint64_t>();
    if (!seconds || *seconds > 253402300799ull) return std::nullopt;
    return static_cast<std::int64_t>(*seconds) * 1000;
}

std::variant<std::vector<sessions::ObservedTransfer>, Fault>
read_transfer_logs(const Json& result, const eth::Address& token,
                   const std::set<eth::Address>& recipients) {
    return read_transfer_logs(result, std::vector<eth::Address>(1, token), recipients);
}

std::variant<std::vector<sessions::ObservedTransfer>, Fault>
read_transfer_logs(const Json& result, const std::vector<eth::Address>& tokens,
                   const std::set<eth::Address>& recipients) {
    if (!engine::succeeded(result))
        return Fault{"eth_getLogs failed: " + engine::failure_message(result)};
    auto value = result.find("value");
    if (value == result.end() || !value->is_array())
        return Fault{"eth_getLogs answered something other than an array"};
    std::vector<sessions::ObservedTransfer> transfers;
    for (const auto& item : *value) {
        auto parsed = eth::parse_transfer_log(item);
        if (auto* error = std::get_if<eth::LogError>(&parsed))
            return Fault{"eth_getLogs answered a malformed log (" +
                         std::string(eth::to_string(*error)) + ")"};
        auto& log = std::get<eth::TransferLog>(parsed);
        if (std::find(tokens.begin(), tokens.end(), log.token) == tokens.end() ||
            !recipients.count(log.to))
            return Fault{"eth_getLogs answered a log that does not match the filter"};
        // Removed logs, zero-value transfers (address-poisoning spam) and logs without a block
        // hash (nothing to check them against) never pay anything.
        if (log.removed || log.value == 0 || log.block_hash.empty()) continue;
        transfers.push_back({std::move(log), block_time_ms(item)});
    }
    return transfers;
}

std::variant<ReceiptVerdict, Fault> read_receipt(const Json& result, const eth::Address& token,
                                                 const eth::Address& recipient) {
    return read_receipt(result, std::vector<eth::Address>(1, token), recipient);
}

std::variant<ReceiptVerdict, Fault> read_receipt(const Json& result,
                                                 const std::vector<eth::Address>& tokens,
                                                 const eth::Address& recipient) {
    if (!engine::succeeded(result))
        return Fault{"eth_getTransactionReceipt failed: " + engine::failure_message(result)};
    ReceiptVerdict verdict;
    auto value = result.find("value");
    if (value == result.end() || value->is_null()) return verdict; // unknown or pending
    if (!value->is_object()) return Fault{"eth_getTransactionReceipt answered a non-object"};
    const Json& receipt = *value;
    auto block_number = receipt.find("blockNumber");
    if (block_number == receipt.end() || block_number->is_null()) return verdict; // pending
    auto mined_in = block_number->is_string() ? num::parse_hex_u64(block_number->get<std::string>())
                                              : std::nullopt;
    if (!mined_in) return Fault{"the receipt's blockNumber is malformed"};
    verdict.block_number = *mined_in;
    verdict.found = true;
    auto status = receipt.find("status");
    if (status == receipt.end() || !status->is_string())
        return Fault{"the receipt has no status (pre-Byzantium receipts are not accepted)"};
    auto status_value = num::parse_hex_u64(status->get<std::string>());
    if (!status_value || *status_value > 1) return Fault{"the receipt's status is malformed"};
    verdict.succeeded = *status_value == 1;
    auto logs = receipt.find("logs");
    if (logs == receipt.end() || !logs->is_array()) return Fault{"the receipt has no logs array"};
    auto receipt_time = block_time_ms(receipt);
    std::string receipt_block_hash;
    if (auto hash = receipt.find("blockHash");
        hash != receipt.end() && hash->is_string() &&
        crypto::hex_decode_fixed<32>(hash->get<std::string>())) {
        receipt_block_hash = hash->get<std::string>();
        for (auto& c : receipt_block_hash)
            if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    for (const auto& item : *logs) {
        // Other events in the same transaction are none of our business; only a Transfer
        // from the configured token to this session's address counts.
        auto parsed = eth::parse_transfer_log(item);
        auto* log = std::get_if<eth::TransferLog>(&parsed);
        if (!log || log->removed ||
            std::find(tokens.begin(), tokens.end(), log->token) == tokens.end() ||
            log->to != recipient || log->value == 0)
            continue;
        if (log->block_hash.empty()) log->block_hash = receipt_block_hash;
        auto time = block_time_ms(item);
        verdict.transfers.push_back({std::move(*log), time ? time : receipt_time});
    }
    return verdict;
}

} // namespace paylinks::chain
