//! Python mode's editor: prism-code-editor (bundled from npm at build time, `crates/baton-py/editor`),
//! loaded when Python mode opens. Yew renders an empty host and the editor lives inside it;
//! the text goes to the reducer on each change ([`Action::EditCode`]), and a new program from
//! the reducer (an example picked, a link opened) replaces the editor's text.

use crate::components::worker::mount_editor;
use crate::state::Action;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

/// The editor's props.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The program (the reducer's `code`).
    pub code: String,
    /// The line to mark as the error's, if any.
    pub error_line: Option<u32>,
    /// Where edits go.
    pub dispatch: Callback<Action>,
}

/// The mounted editor and the callback it calls.
struct Mounted {
    handle: JsValue,
    _on_change: Closure<dyn FnMut(String)>,
}

/// Calls `handle.name(args…)`, ignoring failures (the editor is a nicety over the text).
fn call(handle: &JsValue, name: &str, args: &[JsValue]) -> JsValue {
    let Ok(f) = js_sys::Reflect::get(handle, &JsValue::from_str(name)) else { return JsValue::UNDEFINED };
    let Ok(f) = f.dyn_into::<js_sys::Function>() else { return JsValue::UNDEFINED };
    f.apply(handle, &args.iter().collect::<js_sys::Array>()).unwrap_or(JsValue::UNDEFINED)
}

/// Brings the editor in line with the props: the text, then the error mark.
fn apply(handle: &JsValue, code: &str, error_line: Option<u32>) {
    if call(handle, "getText", &[]).as_string().as_deref() != Some(code) {
        call(handle, "setText", &[JsValue::from_str(code)]);
    }
    let line = error_line.map_or(JsValue::NULL, JsValue::from);
    call(handle, "markError", &[line]);
}

/// The editor.
#[component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let host = use_node_ref();
    let mounted: Rc<RefCell<Option<Mounted>>> = use_mut_ref(|| None);
    let latest = use_mut_ref(|| (String::new(), None::<u32>));
    *latest.borrow_mut() = (props.code.clone(), props.error_line);
    let failed = use_state(|| None::<String>);
    let ready = use_state(|| false);
    {
        let (host, mounted, latest, failed, dispatch, ready) =
            (host.clone(), mounted.clone(), latest.clone(), failed.clone(), props.dispatch.clone(), ready.clone());
        use_effect_with((), move |_| {
            let cleanup = mounted.clone();
            if let Some(el) = host.cast::<web_sys::Element>() {
                wasm_bindgen_futures::spawn_local(async move {
                    let on_change =
                        Closure::<dyn FnMut(String)>::new(move |text: String| dispatch.emit(Action::EditCode(text)));
                    let code = latest.borrow().0.clone();
                    match mount_editor(&el, &code, on_change.as_ref().unchecked_ref()).await {
                        Ok(handle) => {
                            let (code, line) = latest.borrow().clone();
                            apply(&handle, &code, line);
                            *mounted.borrow_mut() = Some(Mounted { handle, _on_change: on_change });
                            ready.set(true);
                        }
                        Err(e) => failed.set(Some(format!("The editor could not load: {e:?}"))),
                    }
                });
            }
            move || {
                if let Some(m) = cleanup.borrow_mut().take() {
                    call(&m.handle, "destroy", &[]);
                }
            }
        });
    }
    {
        let mounted = mounted.clone();
        use_effect_with((props.code.clone(), props.error_line), move |(code, line)| {
            if let Some(m) = mounted.borrow().as_ref() {
                apply(&m.handle, code, *line);
            }
        });
    }
    let loading = !*ready;
    html! {
        <>
            if let Some(why) = &*failed {
                <p class="editor-note" role="alert">{ why.clone() }</p>
            } else if loading {
                <p class="editor-note">{ "Loading the editor…" }</p>
            }
            <div class="editor-host" data-part="editor" ref={host}></div>
            // Tab indents inside the editor, so a keyboard user needs to know the way out.
            <p class="editor-note editor-keys" data-part="editor-keys">
                { "Tab indents. To leave the editor: Esc, then Tab; or Ctrl-M (Ctrl-Shift-M on a Mac) to let Tab move the focus." }
            </p>
        </>
    }
}
