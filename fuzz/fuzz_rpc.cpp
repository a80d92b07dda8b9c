// JSON-RPC answers from an untrusted node: the input is one JSON value, read as a Transfer log,
// as the effect result itself, and as the value of a successful (or failed) rpc result by
// read_quantity, read_transfer_logs, read_receipt and the price feed readers. Whatever is accepted
// must say only what was asked: the configured token, the session's own addresses, mined logs, a
// strict hash.
#include "core/chain/price_feed.hpp"
#include "core/chain/rpc.hpp"
#include "core/crypto/hex.hpp"
#include "core/eth/transfer_log.hpp"
#include "core/num/uint256.hpp"
#include "fuzz/fuzz_support.hpp"

#include <set>
#include <string>

using namespace paylinks;

namespace {

const eth::Address kToken = *eth::parse_address("0x5FbDB2315678afecb367f032d93F642f64180aa3");
// Two deposit addresses the answers may pay (the seed logs use them), and one they may not.
const eth::Address kRecipient = *eth::parse_address("0x00000000000000000000000000000000000000aa");
const eth::Address kOther = *eth::parse_address("0x1111111111111111111111111111111111111111");
const eth::Address kNotWatched = *eth::parse_address("0x00000000000000000000000000000000000000bb");

bool is_lower_hash(const std::string& text) {
    if (text.size() != 66 || text.rfind("0x", 0) != 0) return false;
    for (std::size_t i = 2; i < text.size(); ++i) {
        const char c = text[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

/// The log as a node would write it, in canonical form.
Json to_json(const eth::TransferLog& log) {
    const auto value = crypto::hex_encode(num::to_be_bytes(log.value));
    return Json{{"address", eth::to_checksum_address(log.token)},
                {"topics", Json::array({std::string(eth::kTransferTopic), eth::topic_for(log.from),
                                        eth::topic_for(log.to)})},
                {"data", "0x" + value},
                {"transactionHash", log.transaction_hash},
                {"blockNumber", num::to_hex_quantity(log.block_number)},
                {"logIndex", num::to_hex_quantity(log.log_index)},
                {"removed", log.removed}};
}

void check_log(const Json& input) {
    auto parsed = eth::parse_transfer_log(input);
    if (auto* error = std::get_if<eth::LogError>(&parsed)) {
        FUZZ_CHECK(eth::to_string(*error) != "unknown", dump_json(input));
        return;
    }
    const auto& log = std::get<eth::TransferLog>(parsed);
    FUZZ_CHECK(input.is_object(), dump_json(input));
    FUZZ_CHECK(is_lower_hash(log.transaction_hash), log.transaction_hash);
    // Reading is lossless: the canonical form of what was read reads back the same.
    auto again = eth::parse_transfer_log(to_json(log));
    FUZZ_CHECK(std::holds_alternative<eth::TransferLog>(again), dump_json(to_json(log)));
    const auto& back = std::get<eth::TransferLog>(again);
    FUZZ_CHECK(back.token == log.token && back.from == log.from && back.to == log.to &&
                   back.value == log.value && back.transaction_hash == log.transaction_hash &&
                   back.block_number == log.block_number && back.log_index == log.log_index &&
                   back.removed == log.removed,
               dump_json(input));
}

void check_transfers(const std::vector<sessions::ObservedTransfer>& transfers,
                     const std::set<eth::Address>& recipients, const Json& input) {
    for (const auto& transfer : transfers) {
        FUZZ_CHECK(transfer.log.token == kToken, dump_json(input));
        FUZZ_CHECK(recipients.count(transfer.log.to) == 1, dump_json(input));
        FUZZ_CHECK(!transfer.log.removed, dump_json(input));
        FUZZ_CHECK(is_lower_hash(transfer.log.transaction_hash), dump_json(input));
        if (transfer.block_time_ms) {
            FUZZ_CHECK(*transfer.block_time_ms >= 0 &&
                           *transfer.block_time_ms <= 253402300799LL * 1000,
                       dump_json(input));
        }
    }
}

void check_result(const Json& result) {
    // eth_chainId / eth_blockNumber.
    auto quantity = chain::read_quantity(result, "eth_blockNumber");
    if (auto* value = std::get_if<std::uint64_t>(&quantity)) {
        FUZZ_CHECK(engine::succeeded(result), dump_json(result));
        const auto& text = result["value"];
        FUZZ_CHECK(text.is_string() && num::parse_hex_u64(text.get<std::string>()) == *value,
                   dump_json(result));
    }

    // eth_getLogs for two watched addresses.
    const std::set<eth::Address> recipients{kRecipient, kOther};
    auto logs = chain::read_transfer_logs(result, kToken, recipients);
    if (auto* transfers = std::get_if<std::vector<sessions::ObservedTransfer>>(&logs)) {
        FUZZ_CHECK(engine::succeeded(result) && result["value"].is_array(), dump_json(result));
        check_transfers(*transfers, recipients, result);
        // Every log of the answer was checked, not just the ones kept.
        for (const auto& item : result["value"]) {
            auto parsed = eth::parse_transfer_log(item);
            FUZZ_CHECK(std::holds_alternative<eth::TransferLog>(parsed), dump_json(item));
        }
    }

    // eth_getTransactionReceipt for one session.
    auto receipt = chain::read_receipt(result, kToken, kRecipient);
    if (auto* verdict = std::get_if<chain::ReceiptVerdict>(&receipt)) {
        FUZZ_CHECK(engine::succeeded(result), dump_json(result));
        if (!verdict->found)
            FUZZ_CHECK(!verdict->succeeded && verdict->transfers.empty(), dump_json(result));
        check_transfers(verdict->transfers, {kRecipient}, result);
        for (const auto& transfer : verdict->transfers)
            FUZZ_CHECK(transfer.log.to != kNotWatched && transfer.log.to == kRecipient,
                       dump_json(result));
    }
    if (result.is_object()) (void)chain::block_time_ms(result);

    // A price feed's latestRoundData() and decimals(): what is read is exactly the ABI words
    // the node sent, and a round is used only if positive and within the age limit.
    auto round = chain::read_round_data(result);
    if (auto* data = std::get_if<chain::RoundData>(&round)) {
        FUZZ_CHECK(engine::succeeded(result) && result["value"].is_string(), dump_json(result));
        const auto answer = data->answer_negative ? num::uint256(~data->answer_magnitude + 1)
                                                  : data->answer_magnitude;
        std::string words = "0x";
        for (const auto& word : {data->round_id, answer, num::uint256(data->started_at),
                                 num::uint256(data->updated_at), data->answered_in_round})
            words += crypto::hex_encode(num::to_be_bytes(word));
        std::string sent = result["value"].get<std::string>();
        for (auto& c : sent)
            if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
        FUZZ_CHECK(sent == words, dump_json(result));
        constexpr std::int64_t kNow = 1'795'000'000;
        auto accepted = chain::accept_round(kToken, *data, 8, kNow, 3600);
        if (auto* rate = std::get_if<chain::FeedRate>(&accepted)) {
            FUZZ_CHECK(!data->answer_negative && rate->answer > 0, dump_json(result));
            FUZZ_CHECK(rate->updated_at >= kNow - 3600 &&
                           rate->updated_at <= kNow + chain::kFeedClockSkewSeconds,
                       dump_json(result));
        }
    }
    auto decimals = chain::read_feed_decimals(result);
    if (auto* value = std::get_if<unsigned>(&decimals))
        FUZZ_CHECK(*value <= 77 && engine::succeeded(result), dump_json(result));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 65536) return 0;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_json(text);
    // Not JSON: the bytes as a string value, which every reader must refuse politely.
    Json input = parsed ? std::move(*parsed) : Json(std::string(text));

    check_log(input);
    if (input.is_array())
        for (const auto& item : input)
            check_log(item);
    if (input.is_object()) (void)chain::block_time_ms(input);

    check_result(input);
    check_result(Json{{"ok", true}, {"value", input}});
    check_result(Json{{"ok", false}, {"error", input}});
    // A receipt's logs and an eth_getLogs array are the same log objects.
    if (input.is_object() && input.contains("logs"))
        check_result(Json{{"ok", true}, {"value", input["logs"]}});
    if (input.is_array()) {
        Json receipt{{"status", "0x1"}, {"blockNumber", "0x10"}, {"logs", input}};
        check_result(Json{{"ok", true}, {"value", receipt}});
    }
    return 0;
}
