#include "core/eth/transfer_log.hpp"

#include "core/crypto/hex.hpp"

namespace paylinks::eth {

namespace {

/// The member `key` if `object` has it.
const Json* member(const Json& object, const char* key) noexcept {
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

/// The string value of `value`, or nullptr if it is not a string.
const std::string* string_of(const Json* value) noexcept {
    return value != nullptr && value->is_string() ? value->get_ptr<const std::string*>() : nullptr;
}

constexpr char ascii_lower(char c) noexcept {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// True for 32 bytes of "0x" hex (either case).
bool is_word(const std::string& text) noexcept {
    return crypto::hex_decode_fixed<32>(text).has_value();
}

bool is_transfer_topic(const std::string& topic) noexcept {
    if (topic.size() != kTransferTopic.size()) return false;
    for (std::size_t i = 0; i < topic.size(); ++i)
        if (ascii_lower(topic[i]) != kTransferTopic[i]) return false;
    return true;
}

std::string lower_case(std::string text) {
    for (char& c : text)
        c = ascii_lower(c);
    return text;
}

} // namespace

std::string_view to_string(LogError error) noexcept {
    switch (error) {
    case LogError::not_an_object:
        return "not_an_object";
    case LogError::address_missing:
        return "address_missing";
    case LogError::address_invalid:
        return "address_invalid";
    case LogError::topics_missing:
        return "topics_missing";
    case LogError::topics_invalid:
        return "topics_invalid";
    case LogError::topic_count:
        return "topic_count";
    case LogError::not_transfer_event:
        return "not_transfer_event";
    case LogError::topic_not_address:
        return "topic_not_address";
    case LogError::data_missing:
        return "data_missing";
    case LogError::data_invalid:
        return "data_invalid";
    case LogError::transaction_hash_missing:
        return "transaction_hash_missing";
    case LogError::transaction_hash_invalid:
        return "transaction_hash_invalid";
    case LogError::block_number_missing:
        return "block_number_missing";
    case LogError::block_number_invalid:
        return "block_number_invalid";
    case LogError::log_index_missing:
        return "log_index_missing";
    case LogError::log_index_invalid:
        return "log_index_invalid";
    case LogError::removed_invalid:
        return "removed_invalid";
    case LogError::block_hash_invalid:
        return "block_hash_invalid";
    case LogError::pending:
        return "pending";
    }
    return "unknown";
}

std::variant<TransferLog, LogError> parse_transfer_log(const Json& log) {
    if (!log.is_object()) return LogError::not_an_object;

    // A pending log (eth_getLogs with toBlock "pending") has nulls where a mined one has
    // its position in the chain.
    for (const char* key : {"blockNumber", "transactionHash", "logIndex", "blockHash"}) {
        const Json* value = member(log, key);
        if (value != nullptr && value->is_null()) return LogError::pending;
    }

    TransferLog out;

    const Json* address = member(log, "address");
    if (address == nullptr) return LogError::address_missing;
    const std::string* address_text = string_of(address);
    const auto token = address_text ? parse_address(*address_text) : std::nullopt;
    if (!token) return LogError::address_invalid;
    out.token = *token;

    const Json* topics = member(log, "topics");
    if (topics == nullptr) return LogError::topics_missing;
    if (!topics->is_array()) return LogError::topics_invalid;
    for (const Json& topic : *topics) {
        const std::string* text = string_of(&topic);
        if (text == nullptr || !is_word(*text)) return LogError::topics_invalid;
    }
    if (topics->size() != 3) return LogError::topic_count;
    if (!is_transfer_topic((*topics)[0].get_ref<const std::string&>()))
        return LogError::not_transfer_event;
    const auto from = address_from_topic((*topics)[1].get_ref<const std::string&>());
    const auto to = address_from_topic((*topics)[2].get_ref<const std::string&>());
    if (!from || !to) return LogError::topic_not_address;
    out.from = *from;
    out.to = *to;

    const Json* data = member(log, "data");
    if (data == nullptr) return LogError::data_missing;
    const std::string* data_text = string_of(data);
    const auto value = data_text ? crypto::hex_decode_fixed<32>(*data_text) : std::nullopt;
    if (!value) return LogError::data_invalid;
    out.value = num::from_be_bytes(*value);

    const Json* hash = member(log, "transactionHash");
    if (hash == nullptr) return LogError::transaction_hash_missing;
    const std::string* hash_text = string_of(hash);
    if (hash_text == nullptr || !is_word(*hash_text)) return LogError::transaction_hash_invalid;
    out.transaction_hash = lower_case(*hash_text);

    const Json* block = member(log, "blockNumber");
    if (block == nullptr) return LogError::block_number_missing;
    const std::string* block_text = string_of(block);
    const auto block_number = block_text ? num::parse_hex_u64(*block_text) : std::nullopt;
    if (!block_number) return LogError::block_number_invalid;
    out.block_number = *block_number;

    const Json* index = member(log, "logIndex");
    if (index == nullptr) return LogError::log_index_missing;
    const std::string* index_text = string_of(index);
    const auto log_index = index_text ? num::parse_hex_u64(*index_text) : std::nullopt;
    if (!log_index) return LogError::log_index_invalid;
    out.log_index = *log_index;

    if (const Json* block_hash = member(log, "blockHash")) {
        const std::string* text = string_of(block_hash);
        if (text == nullptr || !is_word(*text)) return LogError::block_hash_invalid;
        out.block_hash = lower_case(*text);
    }

    if (const Json* removed = member(log, "removed")) {
        if (!removed->is_boolean()) return LogError::removed_invalid;
        out.removed = removed->get<bool>();
    }
    return out;
}

} // namespace paylinks::eth
