//! Baton's in-browser playground.
//!
//! This is a placeholder page: the real playground (a virtual board that shows Baton's tasks
//! taking turns) comes later. It is a web app, built for `wasm32-unknown-unknown` by Trunk
//! from `index.html`; run `cargo xtask serve` and open <http://127.0.0.1:8080>.

#[cfg(target_arch = "wasm32")]
mod app {
    use yew::prelude::*;

    /// The playground's root component.
    #[component(App)]
    pub fn app() -> Html {
        html! {
            <main class="playground">
                <h1>{ "Baton playground" }</h1>
                <p>
                    { "Baton is cooperative multitasking for Rust in the style of CircuitPython's \
                       asyncio. This page will become a virtual board that shows Baton's tasks \
                       taking turns; for now it only proves that the web build works." }
                </p>
            </main>
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("The Baton playground is a web app: run `cargo xtask serve` and open http://127.0.0.1:8080");
}
