//! The frame decoder against random bytes, damaged frames and frames cut short: it never
//! panics, every rejection is an error value that explains itself, damage never decodes as a
//! different message, and the reader is in step again at the next frame.

use baton_link::{decode_board, decode_host, encode, BoardMessage, Deframer, Pin, TurnState, MAX_FRAME_ON_WIRE};
use proptest::prelude::*;

/// Feeds `bytes`; for each frame, decodes it both ways and checks that an error explains itself.
/// Returns the board messages decoded, in their Debug form.
fn read_all(bytes: &[u8]) -> Vec<String> {
    let mut reader = Deframer::<1100>::new();
    let mut ok = Vec::new();
    for &b in bytes {
        match reader.push(b) {
            None => {}
            Some(Err(e)) => assert!(!e.to_string().is_empty()),
            Some(Ok(raw)) => {
                match decode_board(raw) {
                    Ok(m) => ok.push(format!("{m:?}")),
                    Err(e) => assert!(e.to_string().len() > 10, "{e:?}"),
                }
                if let Err(e) = decode_host(raw) {
                    assert!(e.to_string().len() > 10, "{e:?}");
                }
            }
        }
    }
    ok
}

fn message() -> impl Strategy<Value = (u64, u8, bool, String, Vec<u8>)> {
    (any::<u64>(), 0u8..22, any::<bool>(), "[ -~]{0,80}", proptest::collection::vec(any::<u8>(), 0..90))
}

fn build(kind: u8, (t, pin, level, text, colours): &(u64, u8, bool, String, Vec<u8>)) -> BoardMessage<'_> {
    let pin = baton_link::pin_code::pin(*pin).unwrap_or(Pin::Led);
    match kind % 6 {
        0 => BoardMessage::PinChange { t_us: *t, pin, level: *level },
        1 => BoardMessage::Print { t_us: *t, text },
        2 => BoardMessage::Pixels { t_us: *t, pin, colours },
        3 => {
            let state = match *t % 6 {
                0 => TurnState::Ready,
                1 => TurnState::Sleeping { until_us: *t },
                2 => TurnState::Waiting,
                3 => TurnState::Done,
                4 => TurnState::Cancelled,
                _ => TurnState::Failed,
            };
            BoardMessage::Turn { task: *t >> 3, start_us: *t >> 1, end_us: *t, state }
        }
        4 => BoardMessage::Press { t_us: *t, pin, pressed: *level },
        _ => BoardMessage::ConfigResult { result: if *level { Ok(*t as u32) } else { Err(text) } },
    }
}

fn wire(m: &BoardMessage<'_>) -> Vec<u8> {
    let mut out = [0u8; MAX_FRAME_ON_WIRE];
    let n = encode(m, &mut out).unwrap();
    out[..n].to_vec()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_and_every_refusal_explains_itself(bytes in proptest::collection::vec(any::<u8>(), 0..1500)) {
        read_all(&bytes);
    }

    #[test]
    fn random_bytes_between_zeros_never_panic(chunks in proptest::collection::vec(proptest::collection::vec(1u8.., 0..80), 0..20)) {
        let mut bytes = Vec::new();
        for c in chunks {
            bytes.push(0);
            bytes.extend(c);
        }
        bytes.push(0);
        read_all(&bytes);
    }

    #[test]
    fn a_damaged_frame_is_refused_and_the_next_one_arrives(kind in 0u8..6, m in message(), at in any::<prop::sample::Index>(), to in 1u8.., op in 0u8..3) {
        let first = build(kind, &m);
        let mut bytes = wire(&first);
        let i = 1 + at.index(bytes.len() - 2); // a byte inside the frame (not its 0x00s)
        match op {
            0 => { if bytes[i] == to { return Ok(()); } bytes[i] = to; }
            1 => { bytes.remove(i); }
            _ => bytes.insert(i, to),
        }
        let next = BoardMessage::Lost { count: 7 };
        bytes.extend(wire(&next));
        let got = read_all(&bytes);
        // The damage is caught (CRC), and never read as another message; the next frame is intact.
        prop_assert_eq!(got, vec![format!("{next:?}")]);
    }

    #[test]
    fn a_frame_cut_short_costs_only_itself(kind in 0u8..6, m in message(), keep in any::<prop::sample::Index>()) {
        let first = build(kind, &m);
        let whole = wire(&first);
        let mut bytes = whole[..keep.index(whole.len() - 1)].to_vec();
        let next = BoardMessage::PinChange { t_us: 5, pin: Pin::D(2), level: true };
        bytes.extend(wire(&next));
        prop_assert_eq!(read_all(&bytes), vec![format!("{next:?}")]);
    }

    #[test]
    fn any_message_round_trips(kind in 0u8..6, m in message()) {
        let msg = build(kind, &m);
        prop_assert_eq!(read_all(&wire(&msg)), vec![format!("{msg:?}")]);
    }
}
