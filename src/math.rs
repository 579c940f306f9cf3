//! The few transcendental functions the page uses (the speed slider's logarithmic scale, the
//! timeline's round steps, the ring's pixel positions).
//!
//! In the browser they are JavaScript's `Math`, which the browser has anyway: Rust's own
//! (libm, compiled into the wasm) would add 3.9 KB gzipped to every visitor's download for
//! four functions. Natively (the reducer's and the view's tests) they are the standard
//! library's. Either is exact to within an ulp or so, and every caller rounds its result.

/// log₁₀ `x`.
pub fn log10(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Math::log10(x);
    #[cfg(not(target_arch = "wasm32"))]
    return x.log10();
}

/// 10 to the power `x`.
pub fn pow10(x: f64) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return js_sys::Math::pow(10.0, x);
    #[cfg(not(target_arch = "wasm32"))]
    return 10f64.powf(x);
}

/// The sine and the cosine of `x` (radians).
pub fn sin_cos(x: f64) -> (f64, f64) {
    #[cfg(target_arch = "wasm32")]
    return (js_sys::Math::sin(x), js_sys::Math::cos(x));
    #[cfg(not(target_arch = "wasm32"))]
    return x.sin_cos();
}
