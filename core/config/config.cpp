#include "core/config/config.hpp"

#include "core/money/fiat.hpp"

#include <algorithm>
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

// Tokens beside each network's USDC whose address and decimals were checked against
// published token lists (the Ethereum Optimism token list, Blockscout's Ethereum explorer):
// NETWORKS may name them by symbol. Only USD-pegged stablecoins.
struct KnownToken {
    std::string_view network;
    std::string_view symbol;
    std::string_view address;
    unsigned decimals;
};
constexpr std::array kKnownTokens{
    KnownToken{"ethereum", "USDT", "0xdAC17F958D2ee523a2206206994597C13D831ec7", 6},
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

// RPC_URL's form: one or more http(s) URLs separated by commas; false on a bad one.
bool split_rpc_urls(const std::string& text, std::vector<std::string>& out, std::string& bad) {
    for (std::size_t start = 0; start <= text.size();) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        auto url = text.substr(start, comma - start);
        while (!url.empty() && url.front() == ' ')
            url.erase(url.begin());
        while (!url.empty() && url.back() == ' ')
            url.pop_back();
        if (!url.empty()) {
            if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
                bad = url;
                return false;
            }
            out.push_back(std::move(url));
        }
        start = comma + 1;
    }
    return true;
}

bool valid_network_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 32 || name.front() == '-' || name.back() == '-') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

bool valid_symbol(std::string_view symbol) noexcept {
    if (symbol.empty() || symbol.size() > 11) return false;
    return std::all_of(symbol.begin(), symbol.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '.';
    });
}

// An integer member within [low, high]; nullopt when absent, `bad` when present but not one.
std::optional<std::uint64_t> integer_member(const Json& object, const char* name, std::uint64_t low,
                                            std::uint64_t high, bool& bad) {
    auto it = object.find(name);
    if (it == object.end()) return std::nullopt;
    if (!fits<std::uint64_t>(*it) || it->get<std::uint64_t>() < low ||
        it->get<std::uint64_t>() > high) {
        bad = true;
        return std::nullopt;
    }
    return it->get<std::uint64_t>();
}

bool only_members(const Json& object, std::initializer_list<std::string_view> allowed,
                  std::string& unknown) {
    for (const auto& [key, value] : object.items()) {
        (void)value;
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            unknown = key;
            return false;
        }
    }
    return true;
}

// One NETWORKS entry; false with `error` set.
bool parse_chain(const Json& entry, std::size_t index, const Config& config, Chain& chain,
                 std::string& error) {
    const std::string where = "NETWORKS[" + std::to_string(index) + "]";
    if (!entry.is_object()) {
        error =
            where + " must be an object such as {\"network\":\"base\",\"rpcUrl\":\"https://…\"}";
        return false;
    }
    std::string unknown;
    if (!only_members(entry,
                      {"network", "chainId", "displayName", "rpcUrl", "confirmations",
                       "blockTimeMs", "explorerTxUrl", "tokens"},
                      unknown)) {
        error = where + " has an unknown member \"" + unknown +
                "\" (allowed: network, chainId, displayName, rpcUrl, confirmations, "
                "blockTimeMs, explorerTxUrl, tokens)";
        return false;
    }
    auto name = entry.find("network");
    if (name == entry.end() || !name->is_string() ||
        !valid_network_name(name->get<std::string>())) {
        error = where + ".network must be a name of 1 to 32 characters a-z, 0-9 and -";
        return false;
    }
    chain.name = name->get<std::string>();
    for (const auto& other : config.chains)
        if (other.name == chain.name) {
            error = where + ".network \"" + chain.name + "\" is configured twice";
            return false;
        }
    const Network* known = find_network(chain.name);
    bool bad = false;
    auto chain_id = integer_member(entry, "chainId", 1, (1ull << 53) - 1, bad);
    if (bad) {
        error = where + ".chainId must be a positive integer";
        return false;
    }
    if (known) {
        if (chain_id && *chain_id != known->chain_id) {
            error = where + ".chainId " + std::to_string(*chain_id) + " is not " +
                    std::string(known->display_name) + "'s (" + std::to_string(known->chain_id) +
                    ")";
            return false;
        }
        chain.chain_id = known->chain_id;
        chain.display_name = known->display_name;
        chain.explorer_tx_url = known->explorer_tx_url;
        chain.block_time_ms = known->block_time_ms;
        chain.confirmations = known->default_confirmations;
    } else {
        if (!chain_id) {
            error = where + ".chainId is required for a network that is not built in (" +
                    chain.name + "; built in: base, base-sepolia, ethereum, local)";
            return false;
        }
        chain.chain_id = *chain_id;
        chain.display_name = chain.name;
        chain.confirmations = 3;
    }
    for (const auto& other : config.chains)
        if (other.chain_id == chain.chain_id) {
            error = where + ": chain id " + std::to_string(chain.chain_id) +
                    " is already configured as " + other.name;
            return false;
        }
    if (auto display = entry.find("displayName"); display != entry.end()) {
        if (!display->is_string() || display->get<std::string>().empty() ||
            display->get<std::string>().size() > 64) {
            error = where + ".displayName must be a string of 1 to 64 characters";
            return false;
        }
        chain.display_name = display->get<std::string>();
    }
    if (auto explorer = entry.find("explorerTxUrl"); explorer != entry.end()) {
        const bool ok =
            explorer->is_string() && explorer->get<std::string>().rfind("https://", 0) == 0;
        if (!ok) {
            error = where + ".explorerTxUrl must be an https:// URL the transaction hash is "
                            "appended to";
            return false;
        }
        chain.explorer_tx_url = explorer->get<std::string>();
    }
    auto rpc = entry.find("rpcUrl");
    std::string bad_url;
    if (rpc == entry.end() || !rpc->is_string() ||
        !split_rpc_urls(rpc->get<std::string>(), chain.rpc_urls, bad_url) ||
        chain.rpc_urls.empty()) {
        error = where + ".rpcUrl must be one or more http:// or https:// URLs separated by commas" +
                (bad_url.empty() ? std::string{} : " (got \"" + bad_url + "\")");
        return false;
    }
    if (auto block_time = integer_member(entry, "blockTimeMs", 100, 600'000, bad))
        chain.block_time_ms = static_cast<std::int64_t>(*block_time);
    if (bad) {
        error = where + ".blockTimeMs must be an integer from 100 to 600000";
        return false;
    }
    if (auto confirmations = entry.find("confirmations"); confirmations != entry.end()) {
        if (confirmations->is_string() && confirmations->get<std::string>() == "finalized") {
            chain.finalized = true;
        } else if (fits<std::int64_t>(*confirmations) && confirmations->get<std::int64_t>() >= 1 &&
                   confirmations->get<std::int64_t>() <= 1000) {
            chain.confirmations = static_cast<int>(confirmations->get<std::int64_t>());
        } else {
            error = where + ".confirmations must be an integer from 1 to 1000 or \"finalized\"";
            return false;
        }
    }
    auto tokens = entry.find("tokens");
    if (tokens == entry.end()) {
        if (!known || known->usdc.empty()) {
            error = where + ".tokens is required: " + chain.display_name +
                    " has no built-in USDC (e.g. [{\"symbol\":\"USDC\",\"address\":\"0x…\","
                    "\"decimals\":6}])";
            return false;
        }
        chain.tokens.push_back(
            AcceptedToken{*eth::parse_address(known->usdc),
                          eth::to_checksum_address(*eth::parse_address(known->usdc)), "USDC", 6});
        return true;
    }
    if (!tokens->is_array() || tokens->empty() || tokens->size() > kMaxTokensPerNetwork) {
        error = where + ".tokens must be an array of 1 to " + std::to_string(kMaxTokensPerNetwork) +
                " tokens";
        return false;
    }
    std::size_t t = 0;
    for (const auto& item : *tokens) {
        const std::string at = where + ".tokens[" + std::to_string(t++) + "]";
        // A symbol alone names a built-in token of a built-in network.
        if (item.is_string()) {
            const std::string symbol = item.get<std::string>();
            std::optional<AcceptedToken> named;
            if (known && symbol == "USDC" && !known->usdc.empty()) {
                const auto address = *eth::parse_address(known->usdc);
                named = AcceptedToken{address, eth::to_checksum_address(address), "USDC", 6};
            }
            for (const auto& token : kKnownTokens)
                if (known && token.network == known->name && token.symbol == symbol) {
                    const auto address = *eth::parse_address(token.address);
                    named = AcceptedToken{address, eth::to_checksum_address(address),
                                          std::string(token.symbol), token.decimals};
                }
            if (!named) {
                error = at + " \"" + symbol + "\" is not a built-in token of " +
                        chain.display_name +
                        " (built in: each network's USDC, and USDT on Ethereum); give "
                        "{\"symbol\", \"address\", \"decimals\"}";
                return false;
            }
            for (const auto& other : chain.tokens)
                if (other.address == named->address) {
                    error = at + " is listed twice";
                    return false;
                }
            chain.tokens.push_back(std::move(*named));
            continue;
        }
        if (!item.is_object() || !only_members(item, {"symbol", "address", "decimals"}, unknown)) {
            error = at +
                    " must be a built-in symbol (\"USDC\") or an object with symbol, address and "
                    "decimals only";
            return false;
        }
        AcceptedToken token;
        auto symbol = item.find("symbol");
        if (symbol == item.end() || !symbol->is_string() ||
            !valid_symbol(symbol->get<std::string>())) {
            error = at + ".symbol must be 1 to 11 letters, digits or dots";
            return false;
        }
        token.symbol = symbol->get<std::string>();
        auto address = item.find("address");
        auto parsed = address != item.end() && address->is_string()
                          ? eth::parse_address(address->get<std::string>())
                          : std::nullopt;
        if (!parsed) {
            error = at + ".address is not a valid address (0x + 40 hex digits, EIP-55 checksum "
                         "if mixed case)";
            return false;
        }
        token.address = *parsed;
        token.text = eth::to_checksum_address(token.address);
        // Required: a network's tokens are priced without asking its chain, so one network
        // that is down never stops a session from being created (the chain still has the
        // last word: decimals() must agree before anything is counted).
        auto decimals = integer_member(item, "decimals", 0, 36, bad);
        if (!decimals) {
            error = at + ".decimals is required: an integer from 0 to 36";
            return false;
        }
        token.declared_decimals = static_cast<unsigned>(*decimals);
        if (known && !known->usdc.empty() && token.address == *eth::parse_address(known->usdc) &&
            *decimals != 6) {
            error = at + ": " + chain.display_name + " USDC has 6 decimals";
            return false;
        }
        for (const auto& builtin : kKnownTokens)
            if (known && builtin.network == known->name &&
                token.address == *eth::parse_address(builtin.address) &&
                *decimals != builtin.decimals) {
                error = at + ": " + chain.display_name + " " + std::string(builtin.symbol) +
                        " has " + std::to_string(builtin.decimals) + " decimals";
                return false;
            }
        for (const auto& other : chain.tokens)
            if (other.address == token.address) {
                error = at + ".address is listed twice";
                return false;
            }
        chain.tokens.push_back(std::move(token));
    }
    return true;
}

} // namespace

std::span<const Network> built_in_networks() noexcept {
    return kNetworks;
}

bool parse_networks(std::string_view text, Config& config) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_array() || parsed->size() > kMaxExtraNetworks) {
        config.error = "NETWORKS must be a JSON array of at most " +
                       std::to_string(kMaxExtraNetworks) +
                       " networks, such as [{\"network\":\"base\",\"rpcUrl\":\"https://…\"}]";
        return false;
    }
    std::size_t index = 0;
    for (const auto& entry : *parsed) {
        Chain chain;
        if (!parse_chain(entry, index++, config, chain, config.error)) return false;
        config.chains.push_back(std::move(chain));
    }
    return true;
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

Config scoped_to_chain(const Config& config, std::size_t index) {
    Config scoped = config;
    const Chain& chain = config.chains[index];
    scoped.chain_index = index;
    scoped.network = nullptr;
    scoped.rpc_urls = chain.rpc_urls;
    scoped.confirmations = chain.confirmations;
    scoped.finalized = chain.finalized;
    scoped.token = chain.tokens.front().address;
    scoped.token_text = chain.tokens.front().text;
    scoped.token_symbol = chain.tokens.front().symbol;
    scoped.declared_decimals = chain.tokens.front().declared_decimals;
    scoped.tokens.clear();
    for (const auto& token : chain.tokens)
        scoped.tokens.push_back(token.address);
    return scoped;
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

    std::string bad_url;
    if (!split_rpc_urls(read_var(env, "RPC_URL"), config.rpc_urls, bad_url)) {
        config.error = "RPC_URL must be one or more http:// or https:// URLs separated "
                       "by commas (got \"" +
                       bad_url + "\")";
        return config;
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

    // The primary network is chains[0]; NETWORKS adds the others.
    Chain primary;
    primary.name = config.network->name;
    primary.display_name = config.network->display_name;
    primary.chain_id = config.network->chain_id;
    primary.explorer_tx_url = config.network->explorer_tx_url;
    primary.block_time_ms = config.network->block_time_ms;
    primary.rpc_urls = config.rpc_urls;
    primary.confirmations = config.confirmations;
    primary.finalized = config.finalized;
    primary.tokens.push_back(AcceptedToken{config.token, config.token_text, config.token_symbol,
                                           config.declared_decimals});
    config.chains.push_back(std::move(primary));
    config.tokens.push_back(config.token);
    if (auto networks = read_var(env, "NETWORKS"); !networks.empty())
        if (!parse_networks(networks, config)) return config;
    return config;
}

} // namespace paylinks::config
