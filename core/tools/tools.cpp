#include "core/tools/tools.hpp"

#include "core/util/json.hpp"

namespace paylinks::tools {

std::string run_tool(std::string_view input_json) {
    auto input = parse_json(input_json);
    if (!input || !input->is_object() || !input->contains("tool") || !(*input)["tool"].is_string())
        return dump_json(Json{{"ok", false}, {"error", "expected {\"tool\":…}"}});
    const auto& tool = (*input)["tool"].get_ref<const std::string&>();
    if (tool == "echo") return dump_json(Json{{"ok", true}, {"input", *input}});
    return dump_json(Json{{"ok", false}, {"error", "unknown tool: " + tool}});
}

} // namespace paylinks::tools
