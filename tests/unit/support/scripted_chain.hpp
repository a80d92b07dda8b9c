#pragma once
// A scripted chain for engine scenarios (chain id 31337): a head, blocks with hashes and
// timestamps, Transfer logs of the configured token, the token's decimals() and symbol(), and
// the ways hosted providers differ from anvil — no blockTimestamp in logs, capped eth_getLogs
// ranges, a node that is down. Blocks at or above `fork_from` carry the hashes of fork
// `fork`: bumping it is a reorg of those blocks. It answers rpc effects exactly as the shim
// would pass the node's answers on.
#include "core/util/json.hpp"

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace paylinks::testing {

inline constexpr const char* kTransferTopic =
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";
inline constexpr const char* kTestToken = "0x5fbdb2315678afecb367f032d93f642f64180aa3";
inline constexpr const char* kTestCustomer = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

inline std::string hex_quantity(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

inline std::string lower_hex(std::string text) {
    for (auto& c : text)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

inline std::string address_topic(const std::string& address) {
    return "0x000000000000000000000000" + lower_hex(address).substr(2);
}

inline std::uint64_t parse_quantity(const Json& value) {
    return std::stoull(value.get<std::string>(), nullptr, 16);
}

struct ScriptedChain {
    std::uint64_t head = 100;
    std::int64_t genesis_s = 1'795'000'000 - 100; ///< block n is mined at genesis_s + n
    std::map<std::uint64_t, std::int64_t> block_times_s;
    std::vector<Json> logs;
    bool down = false;
    std::string chain_id = "0x7a69"; ///< 31337
    bool log_timestamps = false; ///< anvil adds blockTimestamp to logs; hosted providers don't
    std::optional<std::uint64_t> max_range; ///< eth_getLogs wider than this is refused
    unsigned decimals = 6;
    std::string symbol = "USDC";
    std::uint64_t fork = 0; ///< blocks >= fork_from have this fork's hashes
    std::uint64_t fork_from = 0;
    std::map<std::string, int> calls_by_method;
    int calls = 0;

    std::int64_t time_of(std::uint64_t block) const {
        auto it = block_times_s.find(block);
        return it != block_times_s.end() ? it->second
                                         : genesis_s + static_cast<std::int64_t>(block);
    }
    std::string hash_of(std::uint64_t block) const {
        char text[67];
        std::snprintf(text, sizeof text, "0x%032llx%032llx",
                      static_cast<unsigned long long>(block >= fork_from ? fork : 0),
                      static_cast<unsigned long long>(block));
        return text;
    }

    /// A Transfer of `base_units` to `to` in `block` (mined at `block_time_s` when given);
    /// returns its transaction hash.
    std::string pay(const std::string& to, std::uint64_t base_units, std::uint64_t block,
                    std::optional<std::int64_t> block_time_s = std::nullopt) {
        char data[67];
        std::snprintf(data, sizeof data, "0x%064llx", static_cast<unsigned long long>(base_units));
        char tx[67];
        std::snprintf(tx, sizeof tx, "0x%064zx", logs.size() + 1);
        if (block_time_s) block_times_s[block] = *block_time_s;
        Json log{{"address", kTestToken},
                 {"topics",
                  Json::array({kTransferTopic, address_topic(kTestCustomer), address_topic(to)})},
                 {"data", data},
                 {"transactionHash", tx},
                 {"blockNumber", hex_quantity(block)},
                 {"logIndex", "0x0"},
                 {"removed", false}};
        logs.push_back(std::move(log));
        return tx;
    }

    /// Removes the transfer (a reorg that dropped its transaction) and re-hashes its block
    /// and all later ones.
    void reorg_out(const std::string& transaction_hash) {
        std::erase_if(logs, [&](const Json& log) {
            if (log["transactionHash"].get<std::string>() != transaction_hash) return false;
            fork_from = parse_quantity(log["blockNumber"]);
            return true;
        });
        ++fork;
    }

    Json shown(const Json& log) const {
        Json out = log;
        const auto block = parse_quantity(log["blockNumber"]);
        out["blockHash"] = hash_of(block);
        if (log_timestamps)
            out["blockTimestamp"] = hex_quantity(static_cast<std::uint64_t>(time_of(block)));
        return out;
    }

    static Json ok(Json value) { return Json{{"ok", true}, {"value", std::move(value)}}; }
    static Json rpc_error(int code, const std::string& message) {
        return Json{{"ok", false},
                    {"error", "RPC error " + std::to_string(code) + ": " + message},
                    {"rpcError", {{"code", code}, {"message", message}}}};
    }

    std::uint64_t resolve(const Json& tag) const {
        const std::string text = tag.get<std::string>();
        if (text == "latest") return head;
        if (text == "finalized") return head > 64 ? head - 64 : 0;
        if (text == "safe") return head > 32 ? head - 32 : 0;
        return parse_quantity(tag);
    }

    Json block(std::uint64_t number) const {
        if (number > head) return ok(nullptr);
        return ok(Json{{"number", hex_quantity(number)},
                       {"hash", hash_of(number)},
                       {"timestamp", hex_quantity(static_cast<std::uint64_t>(time_of(number)))}});
    }

    Json answer(const Json& effect) {
        ++calls;
        const std::string method = effect.value("method", "");
        ++calls_by_method[method];
        if (down) return Json{{"ok", false}, {"error", "connect ECONNREFUSED 127.0.0.1:8545"}};
        const Json& params = effect["params"];
        if (method == "eth_chainId") return ok(chain_id);
        if (method == "eth_blockNumber") return ok(hex_quantity(head));
        if (method == "eth_call") {
            const std::string data = params[0].value("data", "");
            if (data == "0x313ce567") {
                char word[67];
                std::snprintf(word, sizeof word, "0x%064x", decimals);
                return ok(word);
            }
            if (data == "0x95d89b41") {
                std::string out = "0x" + std::string(62, '0') + "20";
                char length[65];
                std::snprintf(length, sizeof length, "%064zx", symbol.size());
                out += length;
                std::string bytes;
                for (unsigned char c : symbol) {
                    char pair[3];
                    std::snprintf(pair, sizeof pair, "%02x", c);
                    bytes += pair;
                }
                bytes.resize(64, '0');
                return ok(out + bytes);
            }
            return rpc_error(3, "execution reverted");
        }
        if (method == "eth_getBlockByNumber") return block(resolve(params[0]));
        if (method == "eth_getLogs") {
            const Json& filter = params[0];
            const auto from = resolve(filter["fromBlock"]);
            const auto to = std::min(resolve(filter["toBlock"]), head);
            if (max_range && to >= from && to - from + 1 > *max_range)
                return rpc_error(-32600, "You can make eth_getLogs requests with up to a " +
                                             std::to_string(*max_range) + " block range.");
            Json out = Json::array();
            for (const auto& log : logs) {
                bool asked = false;
                // A sender topic, when asked for, must match too.
                if (filter["topics"][1].is_string() && filter["topics"][1] != log["topics"][1])
                    continue;
                for (const auto& recipient : filter["topics"][2])
                    if (recipient == log["topics"][2]) asked = true;
                const auto at = parse_quantity(log["blockNumber"]);
                if (asked && at >= from && at <= to) out.push_back(shown(log));
            }
            return ok(out);
        }
        if (method == "eth_getTransactionReceipt") {
            for (const auto& log : logs) {
                const auto at = parse_quantity(log["blockNumber"]);
                if (log["transactionHash"] == params[0] && at <= head)
                    return ok(Json{{"transactionHash", log["transactionHash"]},
                                   {"blockNumber", log["blockNumber"]},
                                   {"blockHash", hash_of(at)},
                                   {"status", "0x1"},
                                   {"logs", Json::array({shown(log)})}});
            }
            return ok(nullptr);
        }
        return ok(nullptr);
    }
};

} // namespace paylinks::testing
