//! The program picker: the language (`<select name="language">`: the demo's Rust, or the
//! guide's CircuitPython `code.py` run by Python mode) and the demo (`<select name="demo">`,
//! grouped by the guide's sections; in Python mode the guide's programs and "your program"; in
//! Rust mode your own crate's `main`, when `cargo xtask serve --program` staged one).

use crate::examples;
use crate::state::{Action, Language};
use baton_demos::DemoId;
use yew::prelude::*;

/// The picker's props.
#[derive(Properties, PartialEq)]
pub struct PickerProps {
    /// The demo shown.
    pub demo: DemoId,
    /// The language shown.
    pub language: Language,
    /// "Your program" rather than the demo's.
    pub yours: bool,
    /// Your own Rust program's name, if the page has one (`src/js/program.js` reads it; empty
    /// without one, and until the manifest is read: the page re-renders at every frame of a run).
    pub program: String,
    /// Where the choice goes.
    pub dispatch: Callback<Action>,
}

/// The picker.
#[component(Picker)]
pub fn picker(props: &PickerProps) -> Html {
    let onchange = props.dispatch.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Action::SelectDemo(select.value())
    });
    let on_language = props.dispatch.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Action::SetLanguage(select.value())
    });
    let python = props.language == Language::Python;
    // Sections in the guide's order, each with its demos (in Python mode, those the guide
    // has a program for).
    let mut groups: Vec<(&'static str, Vec<DemoId>)> = Vec::new();
    for &demo in DemoId::ALL {
        if python && !examples::in_guide(demo) {
            continue;
        }
        let title = demo.info().section.title();
        match groups.iter_mut().find(|(t, _)| *t == title) {
            Some((_, demos)) => demos.push(demo),
            None => groups.push((title, vec![demo])),
        }
    }
    let selected = |d: DemoId| d == props.demo && !props.yours;
    html! {
        <div class="picker">
            <label for="language-picker">{ "Language" }</label>
            <select id="language-picker" name="language" onchange={on_language}>
                <option value="rust" selected={!python}>{ "Rust (Baton)" }</option>
                <option value="python" selected={python}>{ "Python (code.py)" }</option>
            </select>
            <label for="demo-picker">{ if python { "Program" } else { "Demo" } }</label>
            <select id="demo-picker" name="demo" onchange={onchange}>
                { for groups.into_iter().map(|(title, demos)| html! {
                    <optgroup label={title}>
                        { for demos.into_iter().map(|d| {
                            let info = d.info();
                            let text = if info.in_guide { info.title.to_string() } else { format!("{} (variant)", info.title) };
                            html! { <option value={info.id} selected={selected(d)}>{ text }</option> }
                        }) }
                    </optgroup>
                }) }
                if python || !props.program.is_empty() {
                    <optgroup label="Yours">
                        <option value={examples::YOURS} selected={props.yours}>
                            { if python { "Your program".into() } else { format!("Your program: {}", props.program) } }
                        </option>
                    </optgroup>
                }
            </select>
        </div>
    }
}
