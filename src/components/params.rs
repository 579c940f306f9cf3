//! The parameter form, built from the demo's `ParamSpec`s, with inline validation: a refused
//! value stays in its field with the reason under it, and the demo keeps running.

use crate::state::Action;
use crate::view::ParamField;
use baton_board::Pin;
use yew::prelude::*;

/// The form's props.
#[derive(Properties, PartialEq)]
pub struct ParamsProps {
    /// The fields.
    pub fields: Vec<ParamField>,
    /// Where edits go.
    pub dispatch: Callback<Action>,
}

/// The parameter form.
#[component(ParamsForm)]
pub fn params_form(props: &ParamsProps) -> Html {
    let pins: Vec<String> = Pin::all().map(|p| p.to_string()).collect();
    html! {
        <form class="params" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}
            aria-label="Parameters">
            { for props.fields.iter().map(|f| field(f, &pins, &props.dispatch)) }
            <p class="hint">{ "A valid change restarts the demo from 0 s, so a share link describes the whole run." }</p>
        </form>
    }
}

fn field(f: &ParamField, pins: &[String], dispatch: &Callback<Action>) -> Html {
    let id = format!("param-{}", f.key);
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-error");
    let key = f.key.to_string();
    let described = if f.error.is_some() { format!("{err_id} {hint_id}") } else { hint_id.clone() };
    let control = if f.is_pin {
        let onchange = {
            let key = key.clone();
            dispatch.reform(move |e: Event| {
                let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
                Action::SetParam { key: key.clone(), text: select.value() }
            })
        };
        html! {
            <select id={id.clone()} name={key.clone()} onchange={onchange} aria-describedby={described}
                aria-invalid={f.error.is_some().then_some("true")}>
                { for pins.iter().map(|p| html! { <option value={p.clone()} selected={*p == f.text}>{ p }</option> }) }
            </select>
        }
    } else {
        let onchange = {
            let key = key.clone();
            dispatch.reform(move |e: Event| {
                let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                Action::SetParam { key: key.clone(), text: input.value() }
            })
        };
        let onkeydown = {
            let key = key.clone();
            let dispatch = dispatch.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" {
                    e.prevent_default();
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    dispatch.emit(Action::SetParam { key: key.clone(), text: input.value() });
                }
            })
        };
        html! {
            <input id={id.clone()} name={key.clone()} type="text" inputmode="decimal" autocomplete="off"
                spellcheck="false" value={f.text.clone()} onchange={onchange} onkeydown={onkeydown}
                aria-describedby={described} aria-invalid={f.error.is_some().then_some("true")} />
        }
    };
    html! {
        <div class={classes!("field", f.error.is_some().then_some("invalid"))}>
            <label for={id.clone()}>{ f.label }</label>
            { control }
            <small class="hint" id={hint_id}>{ format!("{} · guide: {}", f.hint, f.default) }</small>
            if let Some(error) = &f.error {
                <p class="error" id={err_id} role="alert">{ error.clone() }</p>
            }
        </div>
    }
}
