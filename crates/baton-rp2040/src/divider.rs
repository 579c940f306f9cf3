//! 32-bit division on the SIO hardware divider.
//!
//! rp2040-hal's `disable-intrinsics` feature (see Cargo.toml: it keeps the
//! boot ROM's floating-point routines out, so the firmware runs on an
//! emulator without a boot ROM) also keeps the HAL from exporting its
//! hardware-divider routines as the compiler's division intrinsics, and
//! every `/` and `%` on `u32`/`i32` would fall back to compiler-builtins'
//! shift-and-subtract loop (~100+ cycles instead of ~20).
//!
//! The HAL still assembles those routines with the feature on
//! (`_rphal_unsigned_divmod`, `_rphal_signed_divmod`: they save and restore
//! the divider's state when an interrupt handler divides in the middle of
//! another division), so this module exports the EABI names as tail calls to
//! them. Their calling convention is the EABI one: dividend in r0, divisor in
//! r1, quotient back in r0 and remainder in r1; r2 and r3 are scratch.
//!
//! 64-bit unsigned division (`__aeabi_uldivmod`) takes the same divider when
//! both operands fit in 32 bits — the common case here: Baton turns the
//! timer's µs into 1 ms ticks with a `u64` division on every turn, and the
//! timer stays below 2³² µs for the first 71 minutes — and compiler-builtins'
//! `__udivmoddi4` otherwise (~150 cycles against ~35, as pico-sdk's divider
//! does it).

core::arch::global_asm!(
    ".section .text.baton_divider, \"ax\", %progbits",
    ".p2align 2",
    ".global __aeabi_uidiv",
    ".type __aeabi_uidiv, %function",
    ".global __aeabi_uidivmod",
    ".type __aeabi_uidivmod, %function",
    ".thumb_func",
    "__aeabi_uidiv:",
    ".thumb_func",
    "__aeabi_uidivmod:",
    "    ldr r3, 1f",
    "    bx r3",
    ".p2align 2",
    "1: .word _rphal_unsigned_divmod",
    ".global __aeabi_idiv",
    ".type __aeabi_idiv, %function",
    ".global __aeabi_idivmod",
    ".type __aeabi_idivmod, %function",
    ".thumb_func",
    "__aeabi_idiv:",
    ".thumb_func",
    "__aeabi_idivmod:",
    "    ldr r3, 2f",
    "    bx r3",
    ".p2align 2",
    "2: .word _rphal_signed_divmod",
    ".global __aeabi_uldivmod",
    ".type __aeabi_uldivmod, %function",
    ".thumb_func",
    "__aeabi_uldivmod:",
    // r0:r1 dividend, r2:r3 divisor; quotient back in r0:r1, remainder in r2:r3.
    "    push {{r4, lr}}",
    "    movs r4, r1",
    "    orrs r4, r3",
    "    bne 3f",
    "    movs r1, r2",
    "    bl _rphal_unsigned_divmod",
    "    movs r2, r1",
    "    movs r1, #0",
    "    movs r3, #0",
    "    pop {{r4, pc}}",
    "3:",
    // As compiler-builtins' own wrapper: __udivmoddi4(n, d, &mut rem) -> quotient.
    "    sub sp, #16",
    "    add r4, sp, #8",
    "    str r4, [sp]",
    "    bl __udivmoddi4",
    "    ldr r2, [sp, #8]",
    "    ldr r3, [sp, #12]",
    "    add sp, #16",
    "    pop {{r4, pc}}",
);
