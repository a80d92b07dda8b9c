#pragma once
// Pure functions of the core exposed for tests and benchmarks, so that JavaScript can check
// the shipped binary's answers against independent implementations. Input and output are
// JSON: {"tool":"…", …} → {"ok":true, …} or {"ok":false,"error":"…"}.
#include <string>
#include <string_view>

namespace paylinks::tools {

[[nodiscard]] std::string run_tool(std::string_view input_json);

} // namespace paylinks::tools
