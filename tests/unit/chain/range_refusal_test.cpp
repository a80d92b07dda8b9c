// read_range_refusal: how eth_getLogs failures of the common providers read — a range or
// result-set refusal (with the block span the message names, when it names one below the
// span asked for), or anything else (rate limits, successes).
#include "core/chain/rpc.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

using namespace paylinks;

namespace {

Json failure(int code, const std::string& message) {
    const std::string error = "RPC error " + std::to_string(code) + ": " + message;
    return Json{
        {"ok", false}, {"error", error}, {"rpcError", Json{{"code", code}, {"message", message}}}};
}

struct Row {
    const char* provider;
    int code;
    const char* message;
    std::uint64_t asked_span;
    bool refusal;
    std::optional<std::uint64_t> limit;
};

} // namespace

TEST_CASE("provider messages read as range refusals or not", "[chain][rpc]") {
    const Row rows[] = {
        {"Alchemy free plan", -32600,
         "You can make eth_getLogs requests with up to a 10 block range. Based on your "
         "parameters, this block range should work: [0x1, 0xa]",
         5000, true, 10},
        {"Infura result cap", -32005,
         "query returned more than 10000 results. Try with this block range [0x1, 0x2].", 5000,
         true, std::nullopt},
        {"QuickNode", -32614, "eth_getLogs is limited to a 10,000 range", 50000, true, 10000},
        {"maximum block range", -32000, "exceed maximum block range: 5000", 10000, true, 5000},
        {"too wide", -32602, "block range is too wide (maximum 2000)", 5000, true, 2000},
        {"limit above the span asked", -32000, "query exceeds max block range 100000", 5000, true,
         std::nullopt},
        {"daily rate limit", -32005, "daily request count exceeded, request rate limited", 5000,
         false, std::nullopt},
        {"compute units", 429, "Your app has exceeded its compute units per second capacity", 5000,
         false, std::nullopt},
    };
    for (const auto& row : rows) {
        CAPTURE(row.provider, row.message, row.asked_span);
        const auto refusal =
            chain::read_range_refusal(failure(row.code, row.message), row.asked_span);
        REQUIRE(refusal.has_value() == row.refusal);
        if (refusal) CHECK(refusal->limit == row.limit);
    }
}

TEST_CASE("successful answers are not range refusals", "[chain][rpc]") {
    CHECK_FALSE(chain::read_range_refusal(Json{{"ok", true}, {"value", Json::array({})}}, 5000));
    CHECK_FALSE(chain::read_range_refusal(Json{{"ok", true}, {"value", "0x10"}}, 5000));
    // A failure without an rpcError (transport) says nothing about ranges either.
    CHECK_FALSE(
        chain::read_range_refusal(Json{{"ok", false}, {"error", "fetch failed: timeout"}}, 5000));
}
