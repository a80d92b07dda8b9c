// compiler-rt's 256-bit division references the stack protector symbols, which wasi-libc
// does not define. The guard value is arbitrary; a smashed stack simply traps.
#include <stdint.h>

uintptr_t __stack_chk_guard = 0x5061794cu;

_Noreturn void __stack_chk_fail(void) { __builtin_trap(); }
