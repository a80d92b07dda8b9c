// NETWORKS: the networks beyond the primary one, strictly validated (config/config.hpp).
#include "core/config/config.hpp"
#include "support/driver.hpp"

#include <catch2/catch.hpp>

using paylinks::Json;
using paylinks::config::load_config;
using paylinks::testing::Driver;

namespace {

constexpr const char* kSecondUsdc = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

paylinks::config::Config with_networks(const std::string& networks) {
    auto env = Driver::default_env();
    env["NETWORKS"] = networks;
    return load_config(env);
}

} // namespace

TEST_CASE("NETWORKS unset: the primary network is the only chain", "[config][networks]") {
    const auto config = load_config(Driver::default_env());
    REQUIRE(config.error.empty());
    REQUIRE(config.chains.size() == 1);
    CHECK(config.chains[0].name == "local");
    CHECK(config.chains[0].chain_id == 31337);
    CHECK(config.chains[0].confirmations == 2);
    REQUIRE(config.chains[0].tokens.size() == 1);
    CHECK(config.chains[0].tokens[0].address == config.token);
    CHECK(config.chains[0].tokens[0].declared_decimals == 6u);
    CHECK(config.tokens == std::vector{config.token});
}

TEST_CASE("NETWORKS adds a second local chain and a built-in network", "[config][networks]") {
    const auto config = with_networks(
        R"([{"network":"local-b","chainId":31338,"rpcUrl":"http://127.0.0.1:8546, http://127.0.0.1:8547",
             "confirmations":1,"blockTimeMs":1000,
             "tokens":[{"symbol":"USDC","address":")" +
        std::string(kSecondUsdc) + R"(","decimals":6},
                       {"symbol":"DAI","address":"0x000000000000000000000000000000000000dA10","decimals":18}]},
            {"network":"base-sepolia","rpcUrl":"https://sepolia.base.org","confirmations":"finalized"}])");
    REQUIRE(config.error.empty());
    REQUIRE(config.chains.size() == 3);
    const auto& b = config.chains[1];
    CHECK(b.name == "local-b");
    CHECK(b.display_name == "local-b");
    CHECK(b.chain_id == 31338);
    CHECK(b.rpc_urls == std::vector<std::string>{"http://127.0.0.1:8546", "http://127.0.0.1:8547"});
    CHECK(b.confirmations == 1);
    CHECK(b.block_time_ms == 1000);
    REQUIRE(b.tokens.size() == 2);
    CHECK(b.tokens[1].symbol == "DAI");
    CHECK(b.tokens[1].declared_decimals == 18u);
    CHECK(b.tokens[1].text == "0x000000000000000000000000000000000000dA10");
    // A built-in network brings its chain id, name and USDC.
    const auto& sepolia = config.chains[2];
    CHECK(sepolia.chain_id == 84532);
    CHECK(sepolia.display_name == "Base Sepolia");
    CHECK(sepolia.finalized);
    REQUIRE(sepolia.tokens.size() == 1);
    CHECK(sepolia.tokens[0].text == "0x036CbD53842c5426634e7929541eC2318f3dCF7e");
    CHECK(sepolia.tokens[0].declared_decimals == 6u);

    // The watcher's view of local-b: its URLs, confirmations and tokens.
    const auto scoped = paylinks::config::scoped_to_chain(config, 1);
    CHECK(scoped.chain_index == 1);
    CHECK(scoped.rpc_urls == b.rpc_urls);
    CHECK(scoped.confirmations == 1);
    CHECK(scoped.token == b.tokens[0].address);
    CHECK(scoped.tokens.size() == 2);
    CHECK(scoped.declared_decimals == 6u);
    // The primary stays as it was.
    CHECK(config.chain_index == 0);
    CHECK(config.confirmations == 2);
}

TEST_CASE("NETWORKS: every mistake is a configuration error naming it", "[config][networks]") {
    const std::string usdc =
        R"({"symbol":"USDC","address":")" + std::string(kSecondUsdc) + R"(","decimals":6})";
    const std::string rpc = R"("rpcUrl":"http://127.0.0.1:8546")";
    struct Row {
        std::string networks;
        const char* says;
    };
    const std::vector<Row> rows{
        {"{}", "NETWORKS must be a JSON array"},
        {"[1]", "NETWORKS[0] must be an object"},
        {"not json", "NETWORKS must be a JSON array"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc + R"(,"tokens":[)" + usdc +
             R"(],"colour":"red"}])",
         "unknown member \"colour\""},
        {R"([{"network":"Local B","chainId":31338,)" + rpc + R"(,"tokens":[)" + usdc + "]}]",
         ".network must be a name"},
        {R"([{"network":"local","chainId":31337,)" + rpc + R"(,"tokens":[)" + usdc + "]}]",
         "configured twice"},
        {R"([{"network":"local-b","chainId":31337,)" + rpc + R"(,"tokens":[)" + usdc + "]}]",
         "chain id 31337 is already configured as local"},
        {R"([{"network":"local-b",)" + rpc + R"(,"tokens":[)" + usdc + "]}]",
         "chainId is required"},
        {R"([{"network":"base","chainId":1,)" + rpc + "}]", "is not Base's (8453)"},
        {R"([{"network":"local-b","chainId":31338,"tokens":[)" + usdc + "]}]", ".rpcUrl must be"},
        {R"([{"network":"local-b","chainId":31338,"rpcUrl":"ftp://node","tokens":[)" + usdc + "]}]",
         "(got \"ftp://node\")"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc + "}]", ".tokens is required"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc + R"(,"tokens":[]}])",
         ".tokens must be an array of 1 to 4"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc + R"(,"tokens":[)" + usdc + "," + usdc +
             "]}]",
         "listed twice"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc +
             R"(,"tokens":[{"symbol":"USDC","address":"0x1234"}]}])",
         ".address is not a valid address"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc +
             R"(,"tokens":[{"symbol":"USDC","address":")" + kSecondUsdc + R"("}]}])",
         ".decimals is required"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc +
             R"(,"tokens":[{"symbol":"USDC","address":")" + kSecondUsdc + R"(","decimals":"6"}]}])",
         ".decimals is required"},
        {R"([{"network":"base",)" + rpc +
             R"(,"tokens":[{"symbol":"USDC","address":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","decimals":18}]}])",
         "Base USDC has 6 decimals"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc + R"(,"confirmations":0,"tokens":[)" +
             usdc + "]}]",
         ".confirmations must be"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc + R"(,"blockTimeMs":5,"tokens":[)" +
             usdc + "]}]",
         ".blockTimeMs must be"},
        {R"([{"network":"local-b","chainId":31338,)" + rpc +
             R"(,"tokens":[{"symbol":"US DC","address":")" + kSecondUsdc + R"(","decimals":6}]}])",
         ".symbol must be"},
        {R"([{"network":"a","chainId":1001,)" + rpc + R"(,"tokens":[)" + usdc +
             R"(]},{"network":"b","chainId":1002,)" + rpc + R"(,"tokens":[)" + usdc +
             R"(]},{"network":"c","chainId":1003,)" + rpc + R"(,"tokens":[)" + usdc +
             R"(]},{"network":"d","chainId":1004,)" + rpc + R"(,"tokens":[)" + usdc +
             R"(]},{"network":"e","chainId":1005,)" + rpc + R"(,"tokens":[)" + usdc +
             R"(]},{"network":"f","chainId":1006,)" + rpc + R"(,"tokens":[)" + usdc + "]}]",
         "at most 5 networks"},
    };
    for (const auto& row : rows) {
        INFO(row.networks);
        const auto config = with_networks(row.networks);
        CHECK(config.error.find(row.says) != std::string::npos);
        INFO(config.error);
        CHECK(!config.error.empty());
    }
}

TEST_CASE("NETWORKS: built-in tokens by symbol, checked decimals", "[config][networks]") {
    const auto config = with_networks(
        R"([{"network":"ethereum","rpcUrl":"https://eth.example","tokens":["USDC","USDT"]}])");
    REQUIRE(config.error.empty());
    const auto& tokens = config.chains[1].tokens;
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].text == "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
    CHECK(tokens[1].symbol == "USDT");
    CHECK(tokens[1].text == "0xdAC17F958D2ee523a2206206994597C13D831ec7");
    CHECK(tokens[1].declared_decimals == 6u);

    CHECK(with_networks(R"([{"network":"base","rpcUrl":"https://b.example","tokens":["USDT"]}])")
              .error.find("\"USDT\" is not a built-in token of Base") != std::string::npos);
    CHECK(
        with_networks(R"([{"network":"ethereum","rpcUrl":"https://e.example","tokens":["USDT",)"
                      R"({"symbol":"USDT","address":"0xdAC17F958D2ee523a2206206994597C13D831ec7",)"
                      R"("decimals":6}]}])")
            .error.find("listed twice") != std::string::npos);
    CHECK(
        with_networks(R"([{"network":"ethereum","rpcUrl":"https://e.example","tokens":[)"
                      R"({"symbol":"USDT","address":"0xdAC17F958D2ee523a2206206994597C13D831ec7",)"
                      R"("decimals":18}]}])")
            .error.find("Ethereum USDT has 6 decimals") != std::string::npos);
}
