//! The demo's Rust source, highlighted (as escaped text: never HTML). The pane shows the program
//! itself first (from its first documented item that is not the catalog entry), and folds the
//! module docs, imports and the demo's catalog entry (`INFO`, `PARAMS`) away below it.

use crate::highlight::{highlight, Class};
use baton_demos::DemoId;
use yew::prelude::*;

/// The source pane's props.
#[derive(Properties, PartialEq)]
pub struct SourceProps {
    /// Whose source.
    pub demo: DemoId,
}

/// The source pane: the program first; the demo's catalog entry (module docs, imports,
/// `INFO` and `PARAMS`, which the playground and the CLI read) folded away below it.
#[component(Source)]
pub fn source(props: &SourceProps) -> Html {
    let info = props.demo.info();
    let file = format!("crates/baton-demos/src/{}.rs", info.id.replace('-', "_"));
    let split = program_start(info.source).unwrap_or(0);
    let (head, program) = info.source.split_at(split);
    html! {
        <>
            <p class="file"><code>{ file }</code></p>
            <pre class="source" tabindex="0" role="region" aria-label={format!("Rust source of {}", info.title)}>
                <code>{ code(program) }</code>
            </pre>
            if !head.is_empty() {
                <details class="catalog">
                    <summary>{ "Catalog entry: module docs, imports, INFO and PARAMS" }</summary>
                    <pre class="source" tabindex="0" role="region" aria-label={format!("Catalog entry of {}", info.title)}>
                        <code>{ code(head) }</code>
                    </pre>
                </details>
            }
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
