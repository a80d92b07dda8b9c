#include "core/catalog/catalog.hpp"

#include "core/config/config.hpp"
#include "core/events/event.hpp"
#include "core/money/fiat.hpp"
#include "core/sessions/session.hpp"
#include "core/util/json.hpp"

namespace paylinks::catalog {
namespace {

Json build_catalog(bool prose) {
    Json statuses = Json::array();
    for (const auto& info : sessions::status_table()) {
        statuses.push_back(Json{{"name", std::string(info.name)},
                                {"label", std::string(info.label)},
                                {"tone", std::string(info.tone)},
                                {"fulfilled", sessions::is_fulfilled(info.status)},
                                {"refund", false}});
        if (prose) statuses.back()["meaning"] = std::string(info.meaning);
    }
    for (const auto& info : sessions::refund_status_table()) {
        statuses.push_back(Json{{"name", std::string(info.name)},
                                {"label", std::string(info.label)},
                                {"tone", std::string(info.tone)},
                                {"fulfilled", false},
                                {"refund", true}});
        if (prose) statuses.back()["meaning"] = std::string(info.meaning);
    }
    Json event_types = Json::array();
    for (const auto& info : events::event_type_table())
        event_types.push_back(
            prose ? Json{{"type", std::string(info.type)}, {"when", std::string(info.when)}}
                  : Json{{"type", std::string(info.type)}});
    Json currencies = Json::array();
    for (const auto& currency : money::kCurrencies)
        currencies.push_back(Json{{"code", std::string(currency.code)},
                                  {"exponent", static_cast<std::int64_t>(currency.exponent)}});
    Json networks = Json::array();
    for (const auto& network : config::built_in_networks())
        networks.push_back(Json{{"name", std::string(network.name)},
                                {"displayName", std::string(network.display_name)},
                                {"chainId", static_cast<std::int64_t>(network.chain_id)},
                                {"usdc", std::string(network.usdc)},
                                {"explorerTxUrl", std::string(network.explorer_tx_url)},
                                {"confirmations", network.default_confirmations}});
    return Json{{"statuses", std::move(statuses)},
                {"eventTypes", std::move(event_types)},
                {"currencies", std::move(currencies)},
                {"defaultCurrency", std::string(money::kDefaultCurrency)},
                {"networks", std::move(networks)}};
}

} // namespace

const std::string& catalog_json() {
    static const std::string kText = dump_json(build_catalog(true));
    return kText;
}

const std::string& page_catalog_json() {
    static const std::string kText = dump_json(build_catalog(false));
    return kText;
}

} // namespace paylinks::catalog
