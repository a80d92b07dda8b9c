#pragma once
// The list endpoints' query string: limit (1–100, default 10), starting_after,
// ending_before (ids of the listed kind, not both), plus per-endpoint filters.
#include "core/api/validate.hpp"
#include "core/http/message.hpp"
#include "core/store/listing.hpp"

#include <initializer_list>
#include <map>
#include <variant>

namespace paylinks::api {

struct ListQuery {
    store::PageQuery page;
    std::map<std::string, std::string> filters;
};

[[nodiscard]] std::variant<ListQuery, ApiError>
read_list_query(const http::Request& request, std::string_view id_prefix,
                std::initializer_list<std::string_view> filter_names);

/// {"object":"list","url":…,"data":[…],"has_more":…} around the objects' JSON texts.
[[nodiscard]] std::string list_text(std::string_view url, const std::vector<std::string>& objects,
                                    bool has_more);

} // namespace paylinks::api
