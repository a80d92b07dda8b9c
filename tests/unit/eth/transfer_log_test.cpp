#include "core/crypto/hex.hpp"
#include "core/crypto/keccak.hpp"
#include "core/eth/transfer_log.hpp"
#include "tests/unit/num/catch_uint256.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <string>

using namespace paylinks;
using namespace paylinks::eth;

namespace {

constexpr const char* kToken = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";
constexpr const char* kFromTopic =
    "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
constexpr const char* kToTopic =
    "0x0000000000000000000000009f38c4e8322ce4a298344f0a90379b9774751682";
constexpr const char* kTxHash =
    "0x9e0e7b5c3a2f6d4b8c1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c";

/// A USDC transfer of 150.000000 as eth_getLogs returns it.
Json good_log() {
    const auto parsed = parse_json(R"({
        "address": "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913",
        "topics": [
            "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
            "0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266",
            "0x0000000000000000000000009f38c4e8322ce4a298344f0a90379b9774751682"
        ],
        "data": "0x0000000000000000000000000000000000000000000000000000000008f0d180",
        "blockNumber": "0x1a2b3c",
        "transactionHash": "0x9e0e7b5c3a2f6d4b8c1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c",
        "transactionIndex": "0x3",
        "blockHash": "0x4b1c6f2a0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a",
        "logIndex": "0x1f",
        "removed": false
    })");
    REQUIRE(parsed.has_value());
    return *parsed;
}

const TransferLog& expect_log(const std::variant<TransferLog, LogError>& result) {
    if (const auto* error = std::get_if<LogError>(&result)) FAIL(to_string(*error));
    return std::get<TransferLog>(result);
}

} // namespace

TEST_CASE("the Transfer topic is keccak256 of the event signature", "[eth][log]") {
    CHECK("0x" + crypto::hex_encode(crypto::keccak256("Transfer(address,address,uint256)")) ==
          kTransferTopic);
}

TEST_CASE("parse_transfer_log reads an eth_getLogs entry", "[eth][log]") {
    const auto result = parse_transfer_log(good_log());
    const TransferLog& log = expect_log(result);
    CHECK(to_lower_hex(log.token) == kToken);
    CHECK(topic_for(log.from) == kFromTopic);
    CHECK(topic_for(log.to) == kToTopic);
    CHECK(to_checksum_address(log.from) == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    CHECK(log.value == 150000000);
    CHECK(num::format_units(log.value, 6) == "150.000000");
    CHECK(log.transaction_hash == kTxHash);
    CHECK(log.block_number == 0x1a2b3c);
    CHECK(log.log_index == 0x1f);
    CHECK_FALSE(log.removed);
}

TEST_CASE("parse_transfer_log variants that are still valid", "[eth][log]") {
    SECTION("a receipt log without `removed`, with anvil's numeric blockTimestamp") {
        Json log = good_log();
        log.erase("removed");
        log["blockTimestamp"] = 1795000000;
        const auto result = parse_transfer_log(log);
        CHECK_FALSE(expect_log(result).removed);
    }
    SECTION("a removed log (reorg)") {
        Json log = good_log();
        log["removed"] = true;
        const auto result = parse_transfer_log(log);
        CHECK(expect_log(result).removed);
    }
    SECTION("upper-case hex digits everywhere; the hash is normalised to lower case") {
        Json log = good_log();
        log["address"] = "0x833589FCD6EDB6E08F4C7C32D4F71B54BDA02913";
        log["topics"][0] = "0xDDF252AD1BE2C89B69C2B068FC378DAA952BA7F163C4A11628F55A4DF523B3EF";
        log["topics"][2] = "0x0000000000000000000000009F38C4E8322CE4A298344F0A90379B9774751682";
        log["transactionHash"] =
            "0x9E0E7B5C3A2F6D4B8C1A0F9E8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A2F1E0D9C";
        log["blockNumber"] = "0x1A2B3C";
        const auto result = parse_transfer_log(log);
        const TransferLog& parsed = expect_log(result);
        CHECK(to_lower_hex(parsed.token) == kToken);
        CHECK(topic_for(parsed.to) == kToTopic);
        CHECK(parsed.transaction_hash == kTxHash);
        CHECK(parsed.block_number == 0x1a2b3c);
    }
    SECTION("a checksummed address") {
        Json log = good_log();
        log["address"] = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913";
        const auto result = parse_transfer_log(log);
        CHECK(to_lower_hex(expect_log(result).token) == kToken);
    }
    SECTION("the largest value, block 0, log index 0") {
        Json log = good_log();
        log["data"] = "0x" + std::string(64, 'f');
        log["blockNumber"] = "0x0";
        log["logIndex"] = "0x0";
        const auto result = parse_transfer_log(log);
        const TransferLog& parsed = expect_log(result);
        CHECK(parsed.value == ~num::uint256(0));
        CHECK(parsed.block_number == 0);
        CHECK(parsed.log_index == 0);
    }
}

TEST_CASE("parse_transfer_log rejects malformed logs with a specific error", "[eth][log]") {
    struct Case {
        const char* what;
        std::function<void(Json&)> mutate;
        LogError error;
    };
    const std::string word(64, '0');
    const Case cases[] = {
        {"array instead of object",
         [](Json& l) {
             l = Json::array({1, 2});
         },
         LogError::not_an_object},
        {"null", [](Json& l) { l = nullptr; }, LogError::not_an_object},
        {"string", [](Json& l) { l = "log"; }, LogError::not_an_object},
        {"no address", [](Json& l) { l.erase("address"); }, LogError::address_missing},
        {"address is a number", [](Json& l) { l["address"] = 42; }, LogError::address_invalid},
        {"address null", [](Json& l) { l["address"] = nullptr; }, LogError::address_invalid},
        {"address 19 bytes",
         [](Json& l) { l["address"] = "0x833589fcd6edb6e08f4c7c32d4f71b54bda029"; },
         LogError::address_invalid},
        {"address bad checksum",
         [](Json& l) { l["address"] = "0x833589FCD6eDb6E08f4c7C32D4f71b54bdA02913"; },
         LogError::address_invalid},
        {"address padded like a topic", [](Json& l) { l["address"] = kFromTopic; },
         LogError::address_invalid},
        {"no topics", [](Json& l) { l.erase("topics"); }, LogError::topics_missing},
        {"topics is a string", [](Json& l) { l["topics"] = kFromTopic; }, LogError::topics_invalid},
        {"topics is an object", [](Json& l) { l["topics"] = Json::object(); },
         LogError::topics_invalid},
        {"topic is a number", [](Json& l) { l["topics"][1] = 5; }, LogError::topics_invalid},
        {"topic is null", [](Json& l) { l["topics"][2] = nullptr; }, LogError::topics_invalid},
        {"topic bad hex",
         [](Json& l) {
             l["topics"][1] = "0x00000000000000000000000zf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
         },
         LogError::topics_invalid},
        {"topic without 0x", [](Json& l) { l["topics"][1] = std::string(kFromTopic).substr(2); },
         LogError::topics_invalid},
        {"topic 31 bytes", [](Json& l) { l["topics"][1] = std::string(kFromTopic).substr(0, 64); },
         LogError::topics_invalid},
        {"no topics at all", [](Json& l) { l["topics"] = Json::array(); }, LogError::topic_count},
        {"2 topics", [](Json& l) { l["topics"].erase(2); }, LogError::topic_count},
        {"4 topics (ERC-721 Transfer)",
         [](Json& l) { l["topics"].push_back("0x" + std::string(63, '0') + "7"); },
         LogError::topic_count},
        {"anonymous event / other event",
         [](Json& l) {
             // Approval(address,address,uint256)
             l["topics"][0] = "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925";
         },
         LogError::not_transfer_event},
        {"from topic has non-zero high bytes",
         [](Json& l) {
             l["topics"][1] = "0x000000000000000000000001f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
         },
         LogError::topic_not_address},
        {"to topic has non-zero high bytes",
         [](Json& l) {
             l["topics"][2] = "0xff0000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266";
         },
         LogError::topic_not_address},
        {"no data", [](Json& l) { l.erase("data"); }, LogError::data_missing},
        {"data is a number", [](Json& l) { l["data"] = 150000000; }, LogError::data_invalid},
        {"data 31 bytes", [&](Json& l) { l["data"] = "0x" + word.substr(2); },
         LogError::data_invalid},
        {"data 33 bytes", [&](Json& l) { l["data"] = "0x00" + word; }, LogError::data_invalid},
        {"data empty", [](Json& l) { l["data"] = "0x"; }, LogError::data_invalid},
        {"data odd length", [&](Json& l) { l["data"] = "0x0" + word; }, LogError::data_invalid},
        {"data bad hex", [&](Json& l) { l["data"] = "0x" + word.substr(1) + "g"; },
         LogError::data_invalid},
        {"data without 0x", [&](Json& l) { l["data"] = word; }, LogError::data_invalid},
        {"no transactionHash", [](Json& l) { l.erase("transactionHash"); },
         LogError::transaction_hash_missing},
        {"transactionHash is an array", [](Json& l) { l["transactionHash"] = Json::array(); },
         LogError::transaction_hash_invalid},
        {"transactionHash 20 bytes",
         [](Json& l) { l["transactionHash"] = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913"; },
         LogError::transaction_hash_invalid},
        {"no blockNumber", [](Json& l) { l.erase("blockNumber"); }, LogError::block_number_missing},
        {"blockNumber is a number", [](Json& l) { l["blockNumber"] = 1715004; },
         LogError::block_number_invalid},
        {"blockNumber decimal string", [](Json& l) { l["blockNumber"] = "1715004"; },
         LogError::block_number_invalid},
        {"blockNumber leading zero", [](Json& l) { l["blockNumber"] = "0x01a2b3c"; },
         LogError::block_number_invalid},
        {"blockNumber empty quantity", [](Json& l) { l["blockNumber"] = "0x"; },
         LogError::block_number_invalid},
        {"blockNumber above 2^64", [](Json& l) { l["blockNumber"] = "0x10000000000000000"; },
         LogError::block_number_invalid},
        {"no logIndex", [](Json& l) { l.erase("logIndex"); }, LogError::log_index_missing},
        {"logIndex is a number", [](Json& l) { l["logIndex"] = 31; }, LogError::log_index_invalid},
        {"logIndex is a boolean", [](Json& l) { l["logIndex"] = true; },
         LogError::log_index_invalid},
        {"removed is a string", [](Json& l) { l["removed"] = "false"; }, LogError::removed_invalid},
        {"removed is a number", [](Json& l) { l["removed"] = 0; }, LogError::removed_invalid},
        {"removed is null", [](Json& l) { l["removed"] = nullptr; }, LogError::removed_invalid},
        {"pending: blockNumber null", [](Json& l) { l["blockNumber"] = nullptr; },
         LogError::pending},
        {"pending: all positions null",
         [](Json& l) {
             l["blockNumber"] = nullptr;
             l["transactionHash"] = nullptr;
             l["logIndex"] = nullptr;
         },
         LogError::pending},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        Json log = good_log();
        c.mutate(log);
        const auto result = parse_transfer_log(log);
        const auto* error = std::get_if<LogError>(&result);
        REQUIRE(error != nullptr);
        CHECK(*error == c.error);
    }
}

TEST_CASE("LogError names are stable and distinct", "[eth][log]") {
    const LogError all[] = {
        LogError::not_an_object,
        LogError::address_missing,
        LogError::address_invalid,
        LogError::topics_missing,
        LogError::topics_invalid,
        LogError::topic_count,
        LogError::not_transfer_event,
        LogError::topic_not_address,
        LogError::data_missing,
        LogError::data_invalid,
        LogError::transaction_hash_missing,
        LogError::transaction_hash_invalid,
        LogError::block_number_missing,
        LogError::block_number_invalid,
        LogError::log_index_missing,
        LogError::log_index_invalid,
        LogError::removed_invalid,
        LogError::pending,
    };
    CHECK(to_string(LogError::topic_count) == "topic_count");
    CHECK(to_string(LogError::not_transfer_event) == "not_transfer_event");
    for (const LogError a : all) {
        CHECK_FALSE(to_string(a).empty());
        CHECK(to_string(a) != "unknown");
        for (const LogError b : all)
            if (a != b) CHECK(to_string(a) != to_string(b));
    }
}
