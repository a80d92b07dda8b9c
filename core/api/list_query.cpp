#include "core/api/list_query.hpp"

#include "core/ids/ids.hpp"

namespace paylinks::api {

using http::ErrorCode;

std::variant<ListQuery, ApiError>
read_list_query(const http::Request& request, std::string_view id_prefix,
                std::initializer_list<std::string_view> filter_names) {
    ListQuery out;
    std::map<std::string, bool> seen;
    for (const auto& [name, value] : request.query) {
        if (seen[name])
            return invalid(ErrorCode::parameter_invalid, name, name + " is given more than once");
        seen[name] = true;
        if (name == "limit") {
            bool digits = !value.empty() && value.size() <= 3;
            int limit = 0;
            for (char c : value) {
                digits = digits && c >= '0' && c <= '9';
                if (digits) limit = limit * 10 + (c - '0');
            }
            if (!digits || limit < 1 || limit > 100)
                return invalid(ErrorCode::limit_invalid, "limit",
                               "limit must be an integer from 1 to 100");
            out.page.limit = limit;
        } else if (name == "starting_after" || name == "ending_before") {
            if (!ids::is_valid_id(value, id_prefix))
                return invalid(ErrorCode::cursor_invalid, name,
                               name + " must be an id starting with " + std::string(id_prefix));
            (name == "starting_after" ? out.page.starting_after : out.page.ending_before) = value;
        } else {
            bool is_filter = false;
            for (auto filter : filter_names)
                is_filter = is_filter || filter == name;
            if (!is_filter)
                return invalid(ErrorCode::parameter_unknown, name, "Unknown parameter: " + name);
            out.filters[name] = value;
        }
    }
    if (!out.page.starting_after.empty() && !out.page.ending_before.empty())
        return invalid(ErrorCode::parameter_invalid, "ending_before",
                       "starting_after and ending_before cannot be combined");
    return out;
}

std::string list_text(std::string_view url, const std::vector<std::string>& objects,
                      bool has_more) {
    std::string data = "[";
    for (const auto& object : objects) {
        if (data.size() > 1) data.push_back(',');
        data.append(object);
    }
    data.push_back(']');
    return JsonObjectWriter()
        .string("object", "list")
        .string("url", url)
        .raw("data", data)
        .boolean("has_more", has_more)
        .finish();
}

} // namespace paylinks::api
