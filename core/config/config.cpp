#include "core/config/config.hpp"

#include "core/money/fiat.hpp"

#include <array>

namespace paylinks::config {
namespace {

constexpr std::array kNetworks{
    Network{"base", "Base", 8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
            "https://basescan.org/tx/", 2000, 3},
    Network{"base-sepolia", "Base Sepolia", 84532, "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
            "https://sepolia.basescan.org/tx/", 2000, 3},
    Network{"ethereum", "Ethereum", 1, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
            "https://etherscan.io/tx/", 12000, 6},
    Network{"local", "Local chain (anvil)", 31337, "", "", 1000, 1},
};

std::string read_var(const Json& env, const char* name) {
    auto it = env.find(name);
    if (it == env.end() || !it->is_string()) return {};
    std::string value = it->get<std::string>();
    while (!value.empty() && (value.back() == ' ' || value.back() == '\n'))
        value.pop_back();
    while (!value.empty() && value.front() == ' ')
        value.erase(value.begin());
    return value;
}

// Reads an integer var within [low, high]; false (with `error` set) when present but bad.
bool read_int(const Json& env, const char* name, std::int64_t low, std::int64_t high,
              std::int64_t& out, std::string& error) {
    auto text = read_var(env, name);
    if (text.empty()) return true;
    std::int64_t value = 0;
    bool ok = text.size() <= 12;
    for (char c : text) {
        ok = ok && c >= '0' && c <= '9';
        if (ok) value = value * 10 + (c - '0');
    }
    if (!ok || value < low || value > high) {
        error = std::string(name) + " must be an integer from " + std::to_string(low) + " to " +
                std::to_string(high) + " (got \"" + text + "\")";
        return false;
    }
    out = value;
    return true;
}

bool read_address(const Json& env, const char* name, bool required, eth::Address& out,
                  std::string& error) {
    auto text = read_var(env, name);
    if (text.empty()) {
        if (required) error = std::string(name) + " is not set";
        return !required;
    }
    auto address = eth::parse_address(text);
    if (!address) {
        error = std::string(name) +
                " is not a valid address (0x + 40 hex digits, EIP-55 "
                "checksum if mixed case): \"" +
                text + "\"";
        return false;
    }
    out = *address;
    return true;
}

} // namespace

std::span<const Network> built_in_networks() noexcept {
    return kNetworks;
}

const Network* find_network(std::string_view name) noexcept {
    for (const auto& network : kNetworks)
        if (network.name == name) return &network;
    return nullptr;
}

std::optional<Rate> parse_rate(std::string_view text) noexcept {
    auto dot = text.find('.');
    auto whole = text.substr(0, dot);
    auto fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    if (whole.empty() || whole.size() > 12 || fraction.size() > 12 ||
        (dot != std::string_view::npos && fraction.empty()))
        return std::nullopt;
    while (!fraction.empty() && fraction.back() == '0')
        fraction.remove_suffix(1);
    while (whole.size() > 1 && whole.front() == '0')
        whole.remove_prefix(1);
    // The numerator holds every significant digit: 19 always fit in 64 bits, 20 may not.
    if (whole.size() + fraction.size() > 19) return std::nullopt;
    Rate rate{{}, 0, 1};
    for (char c : whole) {
        if (c < '0' || c > '9') return std::nullopt;
        rate.numerator = rate.numerator * 10 + static_cast<std::uint64_t>(c - '0');
    }
    for (char c : fraction) {
        if (c < '0' || c > '9') return std::nullopt;
        rate.numerator = rate.numerator * 10 + static_cast<std::uint64_t>(c - '0');
        rate.denominator *= 10;
    }
    if (rate.numerator == 0) return std::nullopt;
    rate.text = std::string(whole);
    if (!fraction.empty()) rate.text += "." + std::string(fraction);
    return rate;
}

RateSourceKind rate_source_kind(const Config& config, const std::string& code) noexcept {
    if (auto rate = config.rates.find(code); rate != config.rates.end())
        return rate->second.par ? RateSourceKind::par : RateSourceKind::fixed;
    if (config.rate_feeds.contains(code)) return RateSourceKind::feed;
    return RateSourceKind::unavailable;
}

Config load_config(const Json& env) {
    Config config;
    config.api_key = read_var(env, "API_KEY");
    if (config.api_key.empty()) {
        config.error = "API_KEY is not set: put it in .dev.vars locally or run "
                       "`wrangler secret put API_KEY` before deploying";
        return config;
    }
    constexpr std::string_view kTestPrefix = "sk_test_", kLivePrefix = "sk_live_";
    static_assert(kTestPrefix.size() == kLivePrefix.size());
    if (config.api_key.starts_with(kTestPrefix)) {
        config.livemode = false;
    } else if (config.api_key.starts_with(kLivePrefix)) {
        config.livemode = true;
    } else {
        config.error = "API_KEY must start with sk_test_ or sk_live_";
        return config;
    }
    // The prefix alone is no key. Any suffix is the merchant's choice; README asks for a
    // long random one.
    if (config.api_key.size() == kTestPrefix.size()) {
        config.error = "API_KEY has nothing after its sk_test_ or sk_live_ prefix";
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
    // A live deployment's URLs (in webhooks, for other customers) must not come from
    // whatever Host a request claims.
    if (config.livemode && config.public_base_url.empty()) {
        config.error = "PUBLIC_BASE_URL is required with a live key (sk_live_…): set it to the "
                       "https:// origin customers open, e.g. https://pay.example.com";
        return config;
    }

    auto network_name = read_var(env, "NETWORK");
    if (network_name.empty()) network_name = "base";
    config.network = find_network(network_name);
    if (!config.network) {
        config.error = "NETWORK must be one of base, base-sepolia, ethereum, local (got \"" +
                       network_name + "\")";
        return config;
    }
    config.confirmations = config.network->default_confirmations;

    const auto rpc_text = read_var(env, "RPC_URL");
    for (std::size_t start = 0; start <= rpc_text.size();) {
        auto comma = rpc_text.find(',', start);
        if (comma == std::string::npos) comma = rpc_text.size();
        auto url = rpc_text.substr(start, comma - start);
        while (!url.empty() && url.front() == ' ')
            url.erase(url.begin());
        while (!url.empty() && url.back() == ' ')
            url.pop_back();
        if (!url.empty()) {
            if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
                config.error = "RPC_URL must be one or more http:// or https:// URLs separated "
                               "by commas (got \"" +
                               url + "\")";
                return config;
            }
            config.rpc_urls.push_back(std::move(url));
        }
        start = comma + 1;
    }
    if (config.rpc_urls.empty()) {
        config.error = "RPC_URL is not set: the JSON-RPC endpoint of your " +
                       std::string(config.network->display_name) +
                       " node (several, separated by commas, are tried in order)";
        return config;
    }

    const bool network_usdc =
        read_var(env, "TOKEN_ADDRESS").empty() && !config.network->usdc.empty();
    if (network_usdc) {
        config.token = *eth::parse_address(config.network->usdc);
    } else if (!read_address(env, "TOKEN_ADDRESS", true, config.token, config.error)) {
        return config;
    }
    config.token_text = eth::to_checksum_address(config.token);
    // The network's own USDC is known to have 6 decimals (checked against the chain anyway);
    // any other token is described by the chain alone unless TOKEN_DECIMALS declares it.
    if (!config.network->usdc.empty() && config.token == *eth::parse_address(config.network->usdc))
        config.declared_decimals = 6;
    else
        config.token_symbol = "TOKEN";
    std::int64_t declared = -1;
    if (!read_int(env, "TOKEN_DECIMALS", 0, 77, declared, config.error)) return config;
    if (declared >= 0) {
        if (config.declared_decimals && *config.declared_decimals != declared) {
            config.error = "TOKEN_DECIMALS=" + std::to_string(declared) + " but " +
                           std::string(config.network->display_name) + " USDC has 6 decimals";
            return config;
        }
        config.declared_decimals = static_cast<unsigned>(declared);
    }
    if (!read_address(env, "FORWARDER_FACTORY", true, config.forwarder_factory, config.error) ||
        !read_address(env, "FORWARDER_IMPLEMENTATION", true, config.forwarder_implementation,
                      config.error))
        return config;
    eth::Address treasury{};
    if (!read_address(env, "TREASURY", false, treasury, config.error)) return config;
    if (!read_var(env, "TREASURY").empty()) config.treasury = treasury;
    eth::Address refund_sender{};
    if (!read_address(env, "REFUND_SENDER", false, refund_sender, config.error)) return config;
    if (!read_var(env, "REFUND_SENDER").empty()) config.refund_sender = refund_sender;

    std::int64_t confirmations = config.confirmations;
    config.finalized = read_var(env, "CONFIRMATIONS") == "finalized";
    if (!config.finalized &&
        !read_int(env, "CONFIRMATIONS", 1, 1000, confirmations, config.error)) {
        config.error += " or \"finalized\" (a payment counts once its block is finalized)";
        return config;
    }
    if (!read_int(env, "SESSION_TTL_SECONDS", 300, 86400, config.session_ttl_seconds,
                  config.error) ||
        !read_int(env, "LATE_WINDOW_SECONDS", 0, 7 * 86400, config.late_window_seconds,
                  config.error))
        return config;
    config.confirmations = static_cast<int>(confirmations);

    // Static rates: USD and USDC at par unless RATES says otherwise.
    config.rates["USD"] = *parse_rate("1");
    config.rates["USDC"] = *parse_rate("1");
    config.rates["USD"].par = config.rates["USDC"].par = true;
    auto rates_text = read_var(env, "RATES");
    if (!rates_text.empty()) {
        auto rates = parse_json(rates_text);
        if (!rates || !rates->is_object()) {
            config.error = "RATES must be a JSON object such as {\"EUR\":\"1.08\"} (USDC per unit)";
            return config;
        }
        for (const auto& [code, value] : rates->items()) {
            auto currency = money::find_currency(code);
            auto rate = value.is_string() ? parse_rate(value.get<std::string>()) : std::nullopt;
            if (!currency || !rate) {
                config.error = "RATES has an unsupported currency or a rate that is not a "
                               "positive decimal string: " +
                               code;
                return config;
            }
            config.rates[std::string(currency->code)] = *rate;
        }
    }
    auto feeds_text = read_var(env, "RATE_FEEDS");
    if (!feeds_text.empty()) {
        auto feeds = parse_json(feeds_text);
        if (!feeds || !feeds->is_object()) {
            config.error = "RATE_FEEDS must be a JSON object such as {\"EUR\":\"0x…\"}: "
                           "Chainlink-compatible price feeds of each currency in USD";
            return config;
        }
        for (const auto& [code, value] : feeds->items()) {
            auto currency = money::find_currency(code);
            if (!currency) {
                config.error = "RATE_FEEDS has an unsupported currency: " + code;
                return config;
            }
            if (currency->code == "USD" || currency->code == "USDC") {
                config.error = "RATE_FEEDS cannot name " + std::string(currency->code) +
                               ": the token is priced at one USD";
                return config;
            }
            auto address =
                value.is_string() ? eth::parse_address(value.get<std::string>()) : std::nullopt;
            if (!address) {
                config.error = "RATE_FEEDS[" + code +
                               "] is not a valid address (0x + 40 hex digits, EIP-55 checksum "
                               "if mixed case)";
                return config;
            }
            config.rate_feeds[std::string(currency->code)] = *address;
        }
    }
    if (!read_int(env, "RATE_MAX_AGE_SECONDS", 60, 7 * 86400, config.rate_max_age_seconds,
                  config.error))
        return config;
    return config;
}

} // namespace paylinks::config
