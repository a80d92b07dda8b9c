#include "core/config/config.hpp"
#include "support/driver.hpp"

#include <catch2/catch.hpp>

using paylinks::Json;
using paylinks::config::load_config;
using paylinks::testing::Driver;

TEST_CASE("API_KEY: the prefix says the mode, and something must follow it", "[config]") {
    struct Row {
        const char* key;
        bool usable;
        bool livemode;
    };
    for (auto [key, usable, livemode] :
         {Row{"sk_test_local", true, false}, Row{"sk_live_abc", true, true},
          Row{"sk_test_x", true, false}, Row{"sk_test_", false, false},
          Row{"sk_live_", false, false}, Row{"pk_test_local", false, false},
          Row{"SK_TEST_local", false, false}, Row{"", false, false}}) {
        INFO(key);
        auto env = Driver::default_env();
        env["API_KEY"] = key;
        env["PUBLIC_BASE_URL"] = "https://pay.example.com";
        const auto config = load_config(env);
        CHECK(config.error.empty() == usable);
        if (usable) CHECK(config.livemode == livemode);
        if (!usable) CHECK(config.error.find("API_KEY") != std::string::npos);
    }
}

TEST_CASE("the chain settings: several RPC URLs, finalized, the token's declared decimals",
          "[config]") {
    struct Row {
        const char* name;
        const char* value;
        bool usable;
    };
    for (auto [name, value, usable] :
         {Row{"RPC_URL", "http://127.0.0.1:9, https://node.example/v1/key", true},
          Row{"RPC_URL", "https://a.example,,https://b.example", true},
          Row{"RPC_URL", "https://a.example,ftp://b.example", false}, Row{"RPC_URL", " , ", false},
          Row{"CONFIRMATIONS", "finalized", true}, Row{"CONFIRMATIONS", "final", false},
          Row{"CONFIRMATIONS", "0", false}, Row{"TOKEN_DECIMALS", "18", true},
          Row{"TOKEN_DECIMALS", "0", true}, Row{"TOKEN_DECIMALS", "78", false},
          Row{"TOKEN_DECIMALS", "six", false}}) {
        INFO(name << "=" << value);
        auto env = Driver::default_env();
        env[name] = value;
        const auto config = load_config(env);
        CHECK(config.error.empty() == usable);
        if (!usable) CHECK(config.error.find(name) != std::string::npos);
    }
    auto env = Driver::default_env();
    env["RPC_URL"] = "http://127.0.0.1:9, https://node.example";
    env["CONFIRMATIONS"] = "finalized";
    auto config = load_config(env);
    REQUIRE(config.error.empty());
    CHECK(config.rpc_urls ==
          std::vector<std::string>{"http://127.0.0.1:9", "https://node.example"});
    CHECK(config.finalized);

    // The network's own USDC has 6 decimals: declaring another number is refused at once.
    env = Driver::default_env();
    env["NETWORK"] = "base";
    env.erase("TOKEN_ADDRESS");
    env["TOKEN_DECIMALS"] = "18";
    config = load_config(env);
    CHECK(config.error.find("TOKEN_DECIMALS") != std::string::npos);
    env.erase("TOKEN_DECIMALS");
    config = load_config(env);
    REQUIRE(config.error.empty());
    CHECK(config.declared_decimals == std::optional<unsigned>(6));
}

TEST_CASE("a live key needs PUBLIC_BASE_URL: live URLs never come from a request's Host",
          "[config]") {
    auto env = Driver::default_env();
    env["API_KEY"] = "sk_live_abc";
    env.erase("PUBLIC_BASE_URL");
    auto refused = load_config(env);
    CHECK(refused.error.find("PUBLIC_BASE_URL is required") != std::string::npos);
    env["PUBLIC_BASE_URL"] = "https://pay.example.com/";
    auto accepted = load_config(env);
    CHECK(accepted.error.empty());
    CHECK(accepted.public_base_url == "https://pay.example.com");
    env["API_KEY"] = "sk_test_local";
    env.erase("PUBLIC_BASE_URL");
    CHECK(load_config(env).error.empty());
}
