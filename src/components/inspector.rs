//! The inspector: the scheduler's task table, live — the guide's "running / ready / waiting"
//! diagram as the tasks move through it.

use crate::view::TaskView;
use yew::prelude::*;

/// The inspector's props.
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The rows, by task id.
    pub rows: Vec<TaskView>,
    /// The scheduler's idle share, per mille.
    pub idle_permille: u32,
    /// The display time, as shown.
    pub time: String,
}

/// The inspector.
#[component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let column = |title: &'static str, hint: &'static str, states: &[&str], class: &'static str| {
        let tasks: Vec<&TaskView> = props.rows.iter().filter(|r| states.contains(&r.state)).collect();
        html! {
            <div class={classes!("lane", class)} role="group" aria-label={title}>
                <h3>{ title }</h3>
                <p class="hint">{ hint }</p>
                <ul>
                    { for tasks.iter().map(|t| html! {
                        <li class={classes!("chip", t.state)}>
                            <span class="name">{ t.name.clone() }<span class="id">{ format!(" #{}", t.id) }</span></span>
                            if let Some(until) = &t.until {
                                <span class="until">{ format!("until {until}") }</span>
                            }
                        </li>
                    }) }
                    if tasks.is_empty() && class == "running" {
                        <li class="chip idle">{ "nobody: the scheduler waits" }</li>
                    }
                </ul>
            </div>
        }
    };
    html! {
        <>
            <div class="lanes">
                { column("Running", "has the CPU", &["running"], "running") }
                { column("Ready", "waits for its turn", &["ready"], "ready") }
                { column("Waiting", "sleeps, or waits for something else", &["sleeping", "waiting"], "waiting") }
            </div>
            // Scrolls sideways on a narrow screen: the keyboard can reach it and it has a name.
            <div class="table-wrap" role="region" aria-label="Task table" tabindex="0">
                <table class="tasks">
                    <caption>{ format!("Tasks at {}", props.time) }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Task" }</th>
                            <th scope="col">{ "State" }</th>
                            <th scope="col">{ "Asleep until" }</th>
                            <th scope="col" class="num">{ "Polls" }</th>
                            <th scope="col" class="num">{ "Share of time" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for props.rows.iter().map(|r| html! {
                            <tr class={r.state}>
                                <th scope="row"><code>{ r.name.clone() }</code><span class="id">{ format!(" #{}", r.id) }</span></th>
                                <td><span class={classes!("badge", r.state)}>{ r.state }</span></td>
                                <td>{ r.until.clone().unwrap_or_default() }</td>
                                <td class="num">{ r.polls }</td>
                                <td class="num">{ share(r.share_permille) }</td>
                            </tr>
                        }) }
                        <tr class="idle">
                            <th scope="row"><em>{ "(idle)" }</em></th>
                            <td colspan="3">{ "nothing ready: time jumps to the next timer" }</td>
                            <td class="num">{ share(props.idle_permille) }</td>
                        </tr>
                    </tbody>
                </table>
            </div>
        </>
    }
}

fn share(permille: u32) -> Html {
    let pct = format!("{}.{}%", permille / 10, permille % 10);
    let bar = permille.min(1000);
    html! {
        <span class="share">
            <span class="bar" style={format!("width:{}.{}%", bar / 10, bar % 10)}></span>
            <span class="pct">{ pct }</span>
        </span>
    }
}
