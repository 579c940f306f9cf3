//! The demo's Rust source, highlighted (as escaped text: never HTML). The pane opens scrolled
//! to the program itself (its first function and the comment above it), past the imports and
//! the demo's description block.

use crate::highlight::{highlight, Class};
use baton_demos::DemoId;
use yew::prelude::*;

/// The source pane's props.
#[derive(Properties, PartialEq)]
pub struct SourceProps {
    /// Whose source.
    pub demo: DemoId,
}

/// The source pane.
#[component(Source)]
pub fn source(props: &SourceProps) -> Html {
    let info = props.demo.info();
    let file = format!("crates/baton-demos/src/{}.rs", info.id.replace('-', "_"));
    let pre = use_node_ref();
    {
        let pre = pre.clone();
        use_effect_with(props.demo, move |_| {
            if let Some(pre) = pre.cast::<web_sys::HtmlElement>() {
                let top = pre
                    .query_selector("[data-anchor]")
                    .ok()
                    .flatten()
                    .and_then(|a| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(a).ok())
                    .map_or(0, |a| a.offset_top() - 12);
                pre.set_scroll_top(top.max(0));
            }
        });
    }
    let anchor = program_start(info.source);
    let mut offset = 0;
    html! {
        <>
            <p class="file"><code>{ file }</code></p>
            <pre class="source" tabindex="0" role="region" aria-label={format!("Rust source of {}", info.title)} ref={pre}><code>
                { for highlight(info.source).into_iter().map(|(class, text)| {
                    let at = offset;
                    offset += text.len();
                    let mark = (Some(at) == anchor).then_some("");
                    match class {
                        Class::Plain if mark.is_none() => html! { { text } },
                        c => html! { <span class={c.css()} data-anchor={mark}>{ text }</span> },
                    }
                }) }
            </code></pre>
        </>
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
