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
        const auto config = load_config(env);
        CHECK(config.error.empty() == usable);
        if (usable) CHECK(config.livemode == livemode);
        if (!usable) CHECK(config.error.find("API_KEY") != std::string::npos);
    }
}
