// The wasm boundary: the core's C ABI, and nothing else.
//
// Strings cross as UTF-8 in linear memory: the shim allocates with pl_alloc, writes the
// input, calls an entry point with (pointer, length), reads the answer at the returned
// pointer for pl_output_len() bytes. The core never keeps the input, so one buffer may serve
// many calls; the shim frees it when it wants a bigger one. The answer stays valid until
// the next call.
#include "core/engine/engine.hpp"
#ifdef PAYLINKS_WITH_TOOLS
#include "core/tools/tools.hpp"
#endif

#include <cstdlib>
#include <string>
#include <string_view>

namespace {

paylinks::engine::Engine& engine() {
    static paylinks::engine::Engine instance;
    return instance;
}

std::string& output() {
    static std::string buffer;
    return buffer;
}

const char* answer(std::string text) {
    output() = std::move(text);
    return output().data();
}

} // namespace

extern "C" {

__attribute__((used)) void* pl_alloc(std::size_t size) {
    return std::malloc(size ? size : 1);
}
__attribute__((used)) void pl_free(void* pointer) {
    std::free(pointer);
}
__attribute__((used)) std::size_t pl_output_len() {
    return output().size();
}

__attribute__((used)) const char* pl_configure(const char* input, std::size_t length) {
    return answer(engine().configure(std::string_view(input, length)));
}

__attribute__((used)) const char* pl_start(const char* input, std::size_t length) {
    return answer(engine().start(std::string_view(input, length)));
}

__attribute__((used)) const char* pl_resume(const char* input, std::size_t length) {
    return answer(engine().resume(std::string_view(input, length)));
}

#ifdef PAYLINKS_WITH_TOOLS
/// Pure helper functions for tests and benchmarks (see core/tools/tools.hpp), in
/// dist/paylinks-tools.wasm only: the shipped module has no entry point the service does not
/// use.
__attribute__((used)) const char* pl_tool(const char* input, std::size_t length) {
    return answer(paylinks::tools::run_tool(std::string_view(input, length)));
}
#endif
}
