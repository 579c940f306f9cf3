//! The console: one element per printed line, with its virtual time.
//!
//! Test hook: the element with `data-console` holds one child per line; each child has
//! `data-t-us`, the line's virtual time in µs.

use crate::view;
use std::rc::Rc;
use yew::prelude::*;

/// The console's lines, shared; equal when they are the same run and count.
#[derive(Clone, Debug)]
pub struct Lines {
    /// The run (lines of a new run are new).
    pub run_id: u64,
    /// Lines printed so far (kept or not).
    pub total: usize,
    /// The kept lines: (µs, text).
    pub lines: Rc<Vec<(u64, String)>>,
}

impl PartialEq for Lines {
    fn eq(&self, other: &Self) -> bool {
        self.run_id == other.run_id && self.total == other.total
    }
}

/// The console's props.
#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    /// The lines.
    pub lines: Lines,
}

/// The console.
#[component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.lines.clone(), move |_| {
            if let Some(el) = node.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let hidden = props.lines.total - props.lines.lines.len();
    html! {
        <>
            <div class="console" data-console="" role="log" aria-live="polite" aria-label="Console output"
                tabindex="0" ref={node}>
                { for props.lines.lines.iter().map(|(t, text)| html! {
                    <div class="line" data-t-us={t.to_string()}>
                        <time>{ view::seconds_exact(*t) }</time>
                        <span class="text">{ text.clone() }</span>
                    </div>
                }) }
            </div>
            if hidden > 0 {
                <p class="hint">{ format!("{hidden} earlier lines scrolled away.") }</p>
            }
        </>
    }
}
