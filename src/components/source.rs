//! The demo's Rust source, highlighted (as escaped text: never HTML). The pane shows the program
//! itself first (from its first documented item that is not the catalog entry), and folds the
//! module docs, imports and the demo's catalog entry (`INFO`, `PARAMS`) away below it.
//!
//! The sources are not in the page's wasm: Trunk copies `crates/baton-demos/src` into
//! `dist/sources/`, and the pane fetches a demo's file when it first shows it: the sources are
//! 5.6 KB gzipped, and the page's wasm is 3.0 KB smaller with the fetch than with them in it. A fetched source is kept for
//! the page's lifetime, so going back to a demo shows it at once.

use crate::highlight::{highlight, Class};
use baton_demos::DemoId;
use litemap::LiteMap;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// The source pane's props.
#[derive(Properties, PartialEq)]
pub struct SourceProps {
    /// Whose source.
    pub demo: DemoId,
    /// Your own program's instead (`src/lib.rs` of `cargo xtask serve --program`'s crate).
    #[prop_or_default]
    pub yours: bool,
}

/// Where a demo's source is, in the repository and under the page (`sources/`).
fn file_name(demo: DemoId) -> String {
    format!("{}.rs", demo.info().id.replace('-', "_"))
}

/// A source, or why it could not be fetched.
type Fetched = Result<Rc<str>, String>;

thread_local! {
    /// The sources fetched so far, by demo (`None`: your program).
    static FETCHED: RefCell<LiteMap<Option<DemoId>, Fetched>> = const { RefCell::new(LiteMap::new()) };
}

/// Fetches `sources/<file>` (your program's: [`crate::examples::PROGRAM_SOURCE`]) as text.
async fn fetch_source(demo: Option<DemoId>) -> Result<Rc<str>, String> {
    let url = demo.map_or(crate::examples::PROGRAM_SOURCE.into(), |d| format!("sources/{}", file_name(d)));
    let response = crate::fetch::fetch_ok(&url).await?;
    crate::fetch::text(&url, &response).await.map(Rc::from)
}

/// The source pane: the program first; the demo's catalog entry (module docs, imports,
/// `INFO` and `PARAMS`, which the playground and the CLI read) folded away below it.
#[component(Source)]
pub fn source(props: &SourceProps) -> Html {
    let demo = (!props.yours).then_some(props.demo);
    // Re-renders when a fetch for this demo ends; the text itself is in FETCHED.
    let arrived = use_state(|| 0u32);
    {
        let arrived = arrived.clone();
        use_effect_with(demo, move |&demo| {
            if FETCHED.with(|f| f.borrow().get(&demo).is_none()) {
                wasm_bindgen_futures::spawn_local(async move {
                    let got = fetch_source(demo).await;
                    FETCHED.with(|f| f.borrow_mut().insert(demo, got));
                    arrived.set(*arrived + 1);
                });
            }
        });
    }
    let title = if props.yours { "your program" } else { props.demo.info().title };
    let file = demo.map_or("src/lib.rs".into(), |d| format!("crates/baton-demos/src/{}", file_name(d)));
    let body = match FETCHED.with(|f| f.borrow().get(&demo).cloned()) {
        None => html! { <p class="source-note">{ "Loading the source …" }</p> },
        Some(Err(e)) => {
            html! { <p class="source-note" role="alert">{ format!("The source could not be loaded: {e}") }</p> }
        }
        Some(Ok(src)) => {
            // Your program has no catalog entry to fold away.
            let split = demo.and_then(|_| program_start(&src)).unwrap_or(0);
            let (head, program) = src.split_at(split);
            html! {
                <>
                    <pre class="source" tabindex="0" role="region" aria-label={format!("Rust source of {title}")}>
                        <code>{ code(program) }</code>
                    </pre>
                    if !head.is_empty() {
                        <details class="catalog">
                            <summary>{ "Catalog entry: module docs, imports, INFO and PARAMS" }</summary>
                            <pre class="source" tabindex="0" role="region" aria-label={format!("Catalog entry of {title}")}>
                                <code>{ code(head) }</code>
                            </pre>
                        </details>
                    }
                </>
            }
        }
    };
    html! {
        <>
            <p class="file"><code>{ file }</code></p>
            { body }
        </>
    }
}

/// Highlighted code, as escaped text (never HTML).
fn code(src: &str) -> Html {
    html! {
        { for highlight(src).into_iter().map(|(class, text)| match class {
            Class::Plain => html! { { text } },
            c => html! { <span class={c.css()}>{ text }</span> },
        }) }
    }
}

/// Where the program starts: the first documented item that is not the demo's `INFO` or
/// `PARAMS` (the program's first type or function), at its doc comment.
fn program_start(src: &str) -> Option<usize> {
    let mut line_starts = vec![0];
    line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
    let lines: Vec<&str> = src.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with("///") {
            let start = i;
            while i < lines.len() && lines[i].starts_with("///") {
                i += 1;
            }
            let item = lines.get(i).copied().unwrap_or("");
            if !(item.contains(" INFO") || item.contains("PARAMS")) {
                return line_starts.get(start).copied();
            }
        }
        i += 1;
    }
    None
}
