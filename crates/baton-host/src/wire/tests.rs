//! The wire's tests: what the page refuses and why (moved here with the decoder from the
//! page's `src/remote/wire.rs`, assertions unchanged), and round trips of every message kind
//! through the writers the worker uses.

use super::*;

/// A message as a tree.
#[derive(Clone, Debug)]
enum V {
    Num(f64),
    Str(&'static str),
    Bool(bool),
    List(Vec<V>),
    Floats(Vec<f64>),
    Obj(Vec<(&'static str, V)>),
}

impl Wire for V {
    fn field(&self, key: &str) -> Option<V> {
        match self {
            V::Obj(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()),
            _ => None,
        }
    }
    fn string(&self) -> Option<String> {
        if let V::Str(s) = self {
            Some((*s).to_owned())
        } else {
            None
        }
    }
    fn number(&self) -> Option<f64> {
        if let V::Num(n) = self {
            Some(*n)
        } else {
            None
        }
    }
    fn boolean(&self) -> Option<bool> {
        if let V::Bool(b) = self {
            Some(*b)
        } else {
            None
        }
    }
    fn items(&self) -> Option<Vec<V>> {
        if let V::List(l) = self {
            Some(l.clone())
        } else {
            None
        }
    }
    fn floats(&self) -> Option<Vec<f64>> {
        if let V::Floats(f) = self {
            Some(f.clone())
        } else {
            None
        }
    }
}

fn trace(fields: Vec<(&'static str, V)>) -> V {
    let mut all = vec![
        ("type", V::Str("trace")),
        ("events", V::List(vec![])),
        ("parts", V::Str("")),
        ("inputs", V::List(vec![])),
        ("turns", V::Floats(vec![])),
    ];
    for (k, v) in fields {
        all.retain(|(key, _)| *key != k);
        all.push((k, v));
    }
    V::Obj(all)
}

#[test]
fn the_runners_messages_are_read() {
    assert_eq!(decode(&V::Obj(vec![("type", V::Str("ready"))])), Ok(WorkerMsg::Ready));
    let spawn =
        V::Obj(vec![("type", V::Str("spawn")), ("id", V::Num(3.0)), ("task", V::Num(4.0)), ("name", V::Str("blink"))]);
    assert_eq!(decode(&spawn), Ok(WorkerMsg::Spawn { id: 3, task: 4, name: "blink".into() }));
    let msg = trace(vec![
        (
            "events",
            V::List(vec![
                V::Obj(vec![
                    ("t_us", V::Num(10.0)),
                    ("kind", V::Str("pin")),
                    ("pin", V::Str("D1")),
                    ("value", V::Bool(true)),
                ]),
                V::Obj(vec![
                    ("t_us", V::Num(20.0)),
                    ("kind", V::Str("pwm")),
                    ("pin", V::Str("D5")),
                    ("duty_cycle", V::Num(32768.0)),
                    ("frequency", V::Num(500.0)),
                ]),
                // A duty cycle out of range, a kind the page does not know: counted.
                V::Obj(vec![
                    ("t_us", V::Num(21.0)),
                    ("kind", V::Str("pwm")),
                    ("pin", V::Str("D5")),
                    ("duty_cycle", V::Num(70000.0)),
                ]),
                V::Obj(vec![("t_us", V::Num(22.0)), ("kind", V::Str("servo"))]),
            ]),
        ),
        (
            "inputs",
            V::List(vec![
                V::Obj(vec![("t_us", V::Num(11.0)), ("pin", V::Str("D3")), ("pressed", V::Bool(true))]),
                V::Obj(vec![
                    ("t_us", V::Num(12.0)),
                    ("pin", V::Str("A1")),
                    ("action", V::Str("analog")),
                    ("value", V::Num(9.0)),
                ]),
                V::Obj(vec![
                    ("t_us", V::Num(13.0)),
                    ("pin", V::Str("D8")),
                    ("action", V::Str("turn")),
                    ("steps", V::Num(-2.0)),
                ]),
            ]),
        ),
        ("turns", V::Floats(vec![0.0, 10.0, 1.0, 2.0, -1.0])),
        ("parts", V::Str("led D1")),
    ]);
    let Ok(WorkerMsg::Trace { events, bad, pwm, parts, inputs, turns }) = decode(&msg) else {
        panic!("{:?}", decode(&msg))
    };
    assert_eq!(events, [TraceEvent::Pin { t_us: 10, pin: Pin::D(1), value: true }]);
    assert_eq!(pwm, [Pwm { t_us: 20, pin: Pin::D(5), duty: 32768 }]);
    assert_eq!(bad, 2, "the duty cycle out of range and the unknown kind are counted");
    assert_eq!(parts, "led D1");
    assert_eq!(
        inputs,
        [
            Input::Button(InputEvent { t_us: 11, pin: Pin::D(3), pressed: true }),
            Input::Analog(LevelEvent { t_us: 12, pin: Pin::A(1), value: 9 }),
            Input::Turn(LevelEvent { t_us: 13, pin: Pin::D(8), value: -2 }),
        ]
    );
    assert_eq!(turns.len(), 5);
    let error = V::Obj(vec![
        ("type", V::Str("error")),
        ("text", V::Str("code.py line 2: ImportError: x")),
        ("t_us", V::Num(40.0)),
    ]);
    assert_eq!(decode(&error), Ok(WorkerMsg::Error { text: "code.py line 2: ImportError: x".into(), at_us: Some(40) }));
    assert_eq!(decode(&V::Obj(vec![("type", V::Str("done"))])), Ok(WorkerMsg::Done { at_us: None }));
}

#[test]
fn unknown_and_malformed_messages_are_refused_with_their_reason() {
    let refused = |msg: V, why: &str| {
        let got = decode(&msg);
        assert!(matches!(&got, Err(e) if e.contains(why)), "{msg:?}: {got:?}, not an error with `{why}`");
    };
    refused(V::Obj(vec![]), "without a type");
    refused(V::Str("ready"), "without a type");
    refused(V::Obj(vec![("type", V::Num(1.0))]), "without a type");
    refused(V::Obj(vec![("type", V::Str("setting")), ("demo", V::Str("x"))]), "unknown message `setting`");
    refused(V::Obj(vec![("type", V::Str("link"))]), "unknown message `link`");
    refused(V::Obj(vec![("type", V::Str("spawn")), ("id", V::Num(1.0)), ("task", V::Num(1.0))]), "`name` is missing");
    refused(
        V::Obj(vec![("type", V::Str("spawn")), ("id", V::Num(-1.0)), ("task", V::Num(1.0)), ("name", V::Str("x"))]),
        "`id` is not a whole number from 0 to 4294967295",
    );
    refused(
        V::Obj(vec![("type", V::Str("spawn")), ("id", V::Num(1.5)), ("task", V::Num(1.0)), ("name", V::Str("x"))]),
        "`id` is not a whole number",
    );
    refused(V::Obj(vec![("type", V::Str("error"))]), "`text` is missing");
    refused(V::Obj(vec![("type", V::Str("error")), ("text", V::Num(3.0))]), "`text` is missing or not a string");
    for t in [V::Str("soon"), V::Num(f64::NAN), V::Num(-0.25), V::Num(f64::INFINITY), V::Num(3e16)] {
        refused(V::Obj(vec![("type", V::Str("done")), ("t_us", t)]), "`t_us` is not a time");
    }
    refused(trace(vec![("turns", V::List(vec![]))]), "`turns` is not a Float64Array");
    refused(trace(vec![("turns", V::Floats(vec![1.0, 2.0]))]), "`turns` has 2 numbers");
    refused(trace(vec![("events", V::Str("[]"))]), "`events` is missing or not an array");
    refused(trace(vec![("events", V::List(vec![V::Num(1.0)]))]), "an event: `t_us`");
    refused(trace(vec![("parts", V::Num(1.0))]), "`parts` is missing");
    refused(
        trace(vec![("inputs", V::List(vec![V::Obj(vec![("t_us", V::Num(1.0)), ("pin", V::Str("Z9"))])]))]),
        "a pin of the board",
    );
    refused(
        trace(vec![("inputs", V::List(vec![V::Obj(vec![("t_us", V::Num(1.0)), ("pin", V::Str("D3"))])]))]),
        "a press without `pressed`",
    );
    refused(
        trace(vec![(
            "inputs",
            V::List(vec![V::Obj(vec![("t_us", V::Num(1.0)), ("pin", V::Str("D3")), ("action", V::Str("wipe"))])]),
        )]),
        "unknown action `wipe`",
    );
    // A reading or a turn the worker could not have scheduled.
    let level = |action, key, n| {
        trace(vec![(
            "inputs",
            V::List(vec![V::Obj(vec![
                ("t_us", V::Num(1.0)),
                ("pin", V::Str("A1")),
                ("action", V::Str(action)),
                (key, V::Num(n)),
            ])]),
        )])
    };
    refused(level("analog", "value", 65536.0), "`value` is not a whole number from 0 to 65535");
    refused(level("analog", "value", 0.5), "`value` is not a whole number");
    refused(level("analog", "steps", 3.0), "`value` is not");
    refused(level("turn", "steps", 1e7), "`steps` is not a whole number from -1000000 to 1000000");
}

/// JSON, as `worker.mjs`'s `JSON.parse` gives it to the page (a `Float64Array` is an array of
/// numbers here).
impl Wire for serde_json::Value {
    fn field(&self, key: &str) -> Option<Self> {
        self.as_object()?.get(key).cloned()
    }
    fn string(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn boolean(&self) -> Option<bool> {
        self.as_bool()
    }
    fn items(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
    fn floats(&self) -> Option<Vec<f64>> {
        self.as_array()?.iter().map(serde_json::Value::as_f64).collect()
    }
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// JavaScript's largest exact whole number: the times the page can get.
    const MAX_US: u64 = (1 << 53) - 1;
    /// The latest time an input script takes (docs/SIMULATOR.md: 10⁹ ms), which a link's
    /// recording is within.
    const MAX_SCRIPT_US: u64 = 1_000_000_000_000;

    fn pin() -> impl Strategy<Value = Pin> {
        prop_oneof![(0u8..=13).prop_map(Pin::D), (0u8..=5).prop_map(Pin::A)]
    }

    fn state() -> impl Strategy<Value = TaskState> {
        prop_oneof![
            Just(TaskState::Ready),
            Just(TaskState::Running),
            (0..=MAX_US).prop_map(|us| TaskState::Sleeping { until: baton::Instant::from_micros(us) }),
            Just(TaskState::Waiting),
            Just(TaskState::Done),
            Just(TaskState::Cancelled),
            Just(TaskState::Failed),
        ]
    }

    /// The events the board records and the page draws (a turn travels as numbers, not as an
    /// event).
    fn event() -> impl Strategy<Value = TraceEvent> {
        let color = any::<(u8, u8, u8)>().prop_map(|(r, g, b)| Color { r, g, b });
        prop_oneof![
            (0..=MAX_US, pin(), any::<bool>()).prop_map(|(t_us, pin, value)| TraceEvent::Pin { t_us, pin, value }),
            (0..=MAX_US, pin(), any::<bool>()).prop_map(|(t_us, pin, value)| TraceEvent::Input { t_us, pin, value }),
            (0..=MAX_US, any::<String>()).prop_map(|(t_us, text)| TraceEvent::Print { t_us, text }),
            (0..=MAX_US, pin(), 0.0f32..=1.0, prop::collection::vec(color, 0..8))
                .prop_map(|(t_us, pin, brightness, colors)| TraceEvent::Pixels { t_us, pin, brightness, colors }),
        ]
    }

    fn part() -> impl Strategy<Value = Part> {
        prop_oneof![
            pin().prop_map(Part::Led),
            pin().prop_map(Part::Button),
            (pin(), 0usize..=1024).prop_map(|(p, n)| Part::Pixels(p, n)),
            pin().prop_map(Part::Pwm),
            pin().prop_map(Part::Analog),
            (pin(), pin()).prop_map(|(a, b)| Part::Encoder(a, b)),
        ]
    }

    fn scheduled() -> impl Strategy<Value = Input> {
        scheduled_until(MAX_US)
    }

    /// An input at most `max_us` in.
    fn scheduled_until(max_us: u64) -> impl Strategy<Value = Input> {
        prop_oneof![
            (0..=max_us, pin(), any::<bool>()).prop_map(|(t_us, pin, pressed)| Input::Button(InputEvent {
                t_us,
                pin,
                pressed
            })),
            (0..=max_us, pin(), 0..=65535).prop_map(|(t_us, pin, value)| Input::Analog(LevelEvent {
                t_us,
                pin,
                value
            })),
            (0..=max_us, pin(), -MAX_STEPS..=MAX_STEPS).prop_map(|(t_us, pin, value)| Input::Turn(LevelEvent {
                t_us,
                pin,
                value
            })),
        ]
    }

    fn turn_of() -> impl Strategy<Value = Turn> {
        (0..=MAX_US, 0..=MAX_US, 0..=MAX_US, state()).prop_map(|(start_us, end_us, task, state)| Turn {
            start_us,
            end_us,
            task,
            state,
        })
    }

    /// An input as `worker.mjs` reports it once scheduled (`takeInputs`).
    fn reported(input: &Input) -> Value {
        match *input {
            Input::Button(e) => json!({"t_us": e.t_us, "pin": e.pin.to_string(), "pressed": e.pressed}),
            Input::Analog(e) => json!({"t_us": e.t_us, "pin": e.pin.to_string(), "action": "analog", "value": e.value}),
            Input::Turn(e) => json!({"t_us": e.t_us, "pin": e.pin.to_string(), "action": "turn", "steps": e.value}),
        }
    }

    proptest! {
        /// A `trace` message with every kind in it, written as the worker writes it (the
        /// simulator's JSON lines and [`pwm_line`], parsed; [`Part::line`]s; [`turn`]s), reads
        /// back as what was written.
        #[test]
        fn a_trace_message_reads_back_as_written(
            events in prop::collection::vec(event(), 0..6),
            pwm in prop::collection::vec((0..=MAX_US, pin(), any::<u16>(), 0.0f64..1e6), 0..4),
            parts in prop::collection::vec(part(), 0..6),
            inputs in prop::collection::vec(scheduled(), 0..6),
            turns in prop::collection::vec(turn_of(), 0..6),
        ) {
            let mut lines: Vec<String> = events.iter().map(TraceEvent::to_json).collect();
            lines.extend(pwm.iter().map(|&(t, pin, duty, hz)| pwm_line(t, pin, duty, hz)));
            let parsed: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).expect(l)).collect();
            let numbers: Vec<f64> = turns.iter().flat_map(|t| turn(t.start_us, t.end_us, t.task, t.state)).collect();
            let msg = json!({
                "type": "trace",
                "events": parsed,
                "parts": parts.iter().map(|p| p.line()).collect::<Vec<_>>().join("\n"),
                "inputs": inputs.iter().map(reported).collect::<Vec<_>>(),
                "turns": numbers,
            });
            let got = decode(&msg);
            let Ok(WorkerMsg::Trace { events: e, bad, pwm: p, parts: text, inputs: i, turns: n }) = got else {
                panic!("{got:?}");
            };
            prop_assert_eq!(e, events);
            prop_assert_eq!(bad, 0);
            let want: Vec<Pwm> = pwm.iter().map(|&(t_us, pin, duty, _)| Pwm { t_us, pin, duty }).collect();
            prop_assert_eq!(p, want);
            prop_assert_eq!(text.lines().map(Part::parse).collect::<Vec<_>>(), parts.into_iter().map(Some).collect::<Vec<_>>());
            prop_assert_eq!(i, inputs);
            let read: Vec<Option<Turn>> = n.chunks_exact(TURN_FIELDS).map(|c| Turn::read(c.try_into().unwrap())).collect();
            prop_assert_eq!(read, turns.into_iter().map(Some).collect::<Vec<_>>());
        }

        /// The other messages read back too (their times as the worker sends them).
        #[test]
        fn spawn_done_and_error_read_back(id in any::<u32>(), task in 0..=MAX_US, name in ".{0,40}", at in 0..=MAX_US) {
            let spawn = json!({"type": "spawn", "id": id, "task": task, "name": name});
            prop_assert_eq!(decode(&spawn), Ok(WorkerMsg::Spawn { id, task, name: name.clone() }));
            prop_assert_eq!(decode(&json!({"type": "done", "t_us": at})), Ok(WorkerMsg::Done { at_us: Some(at) }));
            let error = json!({"type": "error", "text": name, "t_us": at});
            prop_assert_eq!(decode(&error), Ok(WorkerMsg::Error { text: name, at_us: Some(at) }));
        }

        /// The inputs a link replays read back from the worker's input script as they were
        /// (the script's presses in time order, as a recording is).
        #[test]
        fn a_replayed_input_reads_back_from_the_script(mut inputs in prop::collection::vec(scheduled_until(MAX_SCRIPT_US), 0..8)) {
            inputs.sort_by_key(|i| match i {
                Input::Button(e) => e.t_us,
                Input::Analog(e) | Input::Turn(e) => e.t_us,
            });
            let script: String = inputs.iter().map(input_line).collect();
            let read = baton_sim::inputs::parse_inputs(&script);
            let Ok(read) = read else { panic!("{script}: {read:?}") };
            let split = |want: fn(&Input) -> Option<LevelEvent>| inputs.iter().filter_map(want).collect::<Vec<_>>();
            let presses: Vec<InputEvent> =
                inputs.iter().filter_map(|i| if let Input::Button(e) = i { Some(*e) } else { None }).collect();
            prop_assert_eq!(read.presses, presses);
            prop_assert_eq!(read.analog, split(|i| if let Input::Analog(e) = i { Some(*e) } else { None }));
            prop_assert_eq!(read.turns, split(|i| if let Input::Turn(e) = i { Some(*e) } else { None }));
        }

        /// A press, a reading or a turn keeps its pin, its kind and its value in its input
        /// slot, and the codes are the ones `worker.mjs` reads.
        #[test]
        fn an_input_slot_keeps_the_input(input in scheduled()) {
            let (pin, code, value) = slot(&input);
            let t_us = match input {
                Input::Button(e) => e.t_us,
                Input::Analog(e) | Input::Turn(e) => e.t_us,
            };
            let back = match code {
                SLOT_RELEASED | SLOT_PRESSED => Input::Button(InputEvent { t_us, pin, pressed: code == SLOT_PRESSED }),
                SLOT_ANALOG => Input::Analog(LevelEvent { t_us, pin, value }),
                SLOT_TURN => Input::Turn(LevelEvent { t_us, pin, value }),
                other => panic!("code {other}"),
            };
            prop_assert_eq!(back, input);
        }
    }

    /// A task's uncaught exception (baton-py's `exception` line) reads as a print, and a
    /// state code that is not one is no turn.
    #[test]
    fn an_exception_reads_as_a_print_and_a_bad_state_is_no_turn() {
        let line = baton_sim::trace::text_json(7, "exception", "Traceback…");
        let msg = json!({"type": "trace", "events": [serde_json::from_str::<Value>(&line).unwrap()],
            "parts": "", "inputs": [], "turns": []});
        let Ok(WorkerMsg::Trace { events, .. }) = decode(&msg) else { panic!() };
        assert_eq!(events, [TraceEvent::Print { t_us: 7, text: "Traceback…".into() }]);
        assert_eq!(Turn::read(&[0.0, 1.0, 2.0, 7.0, -1.0]), None);
        assert_eq!(
            Turn::read(&turn(1, 2, 3, TaskState::Done)),
            Some(Turn { start_us: 1, end_us: 2, task: 3, state: TaskState::Done })
        );
    }
}
