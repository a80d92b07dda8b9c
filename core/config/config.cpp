#include "core/config/config.hpp"

namespace paylinks::config {
namespace {

std::string read_var(const Json& env, const char* name) {
    auto it = env.find(name);
    if (it == env.end() || !it->is_string()) return {};
    return it->get<std::string>();
}

} // namespace

Config load_config(const Json& env) {
    Config config;
    config.api_key = read_var(env, "API_KEY");
    if (config.api_key.empty()) {
        config.error = "API_KEY is not set: put it in .dev.vars locally or run "
                       "`wrangler secret put API_KEY` before deploying";
        return config;
    }
    if (config.api_key.rfind("sk_test_", 0) == 0) {
        config.livemode = false;
    } else if (config.api_key.rfind("sk_live_", 0) == 0) {
        config.livemode = true;
    } else {
        config.error = "API_KEY must start with sk_test_ or sk_live_";
        return config;
    }
    if (config.api_key.size() < 12) {
        config.error = "API_KEY is too short: use at least 4 characters after the prefix";
        return config;
    }

    config.public_base_url = read_var(env, "PUBLIC_BASE_URL");
    while (!config.public_base_url.empty() && config.public_base_url.back() == '/')
        config.public_base_url.pop_back();
    if (!config.public_base_url.empty() && config.public_base_url.rfind("https://", 0) != 0 &&
        config.public_base_url.rfind("http://", 0) != 0) {
        config.error = "PUBLIC_BASE_URL must be an http:// or https:// URL";
        return config;
    }
    return config;
}

} // namespace paylinks::config
