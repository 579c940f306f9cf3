//! The playground's components in a real browser: `wasm-bindgen-test` in headless Chromium
//! (through chromedriver), as `cargo xtask test` runs it:
//!
//! ```text
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
//!     cargo test -p baton-playground --test browser --target wasm32-unknown-unknown
//! ```
//!
//! These check what only a browser can: the app mounts, the SVG board carries its test hooks,
//! animation frames move the LEDs, the demo picker re-renders the board. (The logic behind
//! them — reducer, link codec, driver — is tested natively; whole-page flows are the
//! end-to-end tests in `tests/e2e`.) On native targets this file is empty.
#![cfg(target_arch = "wasm32")]

use baton_playground::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Waits `ms` of wall time (the app's animation frames keep running meanwhile).
async fn wait(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Mounts a fresh playground in its own element.
fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

fn led_on(root: &Element, pin: &str) -> Option<String> {
    root.query_selector(&format!("[data-part=led][data-pin={pin}]")).unwrap()?.get_attribute("data-on")
}

#[wasm_bindgen_test]
async fn the_board_mounts_with_its_test_hooks_and_blinks() {
    let root = mount();
    wait(200).await;
    // The default demo is the guide's two LEDs.
    let picker: HtmlSelectElement = root.query_selector("select[name=demo]").unwrap().unwrap().dyn_into().unwrap();
    assert_eq!(picker.value(), "blink-two");
    assert_eq!(all(&root, "select[name=demo] option").len(), 10, "every demo is offered");
    assert!(all(&root, "[data-console]").len() == 1, "one console");
    // Sample D2 (0.1 s on, 0.1 s off) for a while: it must change.
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..12 {
        seen.insert(led_on(&root, "D2").expect("D2 has data-on"));
        wait(50).await;
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), ["false", "true"], "D2 blinks");
    assert!(matches!(led_on(&root, "D1").as_deref(), Some("true" | "false")));
}

#[wasm_bindgen_test]
async fn picking_the_rainbow_draws_a_lit_ring_and_its_buttons() {
    let root = mount();
    wait(100).await;
    let picker: HtmlSelectElement = root.query_selector("select[name=demo]").unwrap().unwrap().dyn_into().unwrap();
    picker.set_value("rainbow");
    picker.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    wait(300).await;
    let ring = all(&root, "[data-part=pixel-ring]");
    assert_eq!(ring.len(), 1);
    assert_eq!(ring[0].get_attribute("data-pin").as_deref(), Some("A0"));
    let pixels = all(&ring[0], "[data-color]");
    assert_eq!(pixels.len(), 24, "the guide's 24-pixel ring");
    let colors: Vec<String> = pixels.iter().filter_map(|p| p.get_attribute("data-color")).collect();
    assert!(colors
        .iter()
        .all(|c| c.len() == 6 && c.chars().all(|ch| ch.is_ascii_hexdigit() && !ch.is_ascii_uppercase())));
    assert!(colors.iter().any(|c| c != "000000"), "the rainbow is lit: {colors:?}");
    let buttons: Vec<Option<String>> =
        all(&root, "button[data-part=button]").iter().map(|b| b.get_attribute("data-pin")).collect();
    assert_eq!(buttons, [Some("A1".into()), Some("A2".into()), Some("A3".into())]);
}
