//! The demo picker: a `<select name="demo">` grouped by the guide's sections, and the demo's
//! description.

use crate::state::Action;
use baton_demos::DemoId;
use yew::prelude::*;

/// The picker's props.
#[derive(Properties, PartialEq)]
pub struct PickerProps {
    /// The demo shown.
    pub demo: DemoId,
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
    // Sections in the guide's order, each with its demos.
    let mut groups: Vec<(&'static str, Vec<DemoId>)> = Vec::new();
    for &demo in DemoId::ALL {
        let title = demo.info().section.title();
        match groups.iter_mut().find(|(t, _)| *t == title) {
            Some((_, demos)) => demos.push(demo),
            None => groups.push((title, vec![demo])),
        }
    }
    html! {
        <div class="picker">
            <label for="demo-picker">{ "Demo" }</label>
            <select id="demo-picker" name="demo" onchange={onchange}>
                { for groups.into_iter().map(|(title, demos)| html! {
                    <optgroup label={title}>
                        { for demos.into_iter().map(|d| {
                            let info = d.info();
                            let text = if info.in_guide { info.title.to_string() } else { format!("{} (variant)", info.title) };
                            html! { <option value={info.id} selected={d == props.demo}>{ text }</option> }
                        }) }
                    </optgroup>
                }) }
            </select>
        </div>
    }
}
