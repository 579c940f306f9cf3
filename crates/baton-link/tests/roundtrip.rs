//! Every message through encode, the deframer and decode comes back equal; and the frame's
//! bytes are what docs/LINK.md says they are.

use baton_link::{decode_board, decode_host, encode, BoardMessage, Deframer, FrameError, HostMessage, Pin};
use baton_link::{TurnState, MAX_FRAME_ON_WIRE, VERSION};

/// The frames in `wire`, each as the deframer gives it (an owned copy), or its error.
fn frames(wire: &[u8]) -> Vec<Result<Vec<u8>, FrameError>> {
    let mut reader = Deframer::<1100>::new();
    wire.iter().filter_map(|&b| reader.push(b).map(|r| r.map(<[u8]>::to_vec))).collect()
}

fn wire_of<M: serde::Serialize>(m: &M) -> Vec<u8> {
    let mut out = [0u8; MAX_FRAME_ON_WIRE];
    let n = encode(m, &mut out).unwrap();
    out[..n].to_vec()
}

fn board_messages() -> Vec<BoardMessage<'static>> {
    vec![
        BoardMessage::HelloReply {
            protocol: VERSION,
            firmware: "0.1.0",
            board: "Raspberry Pi Pico",
            demo: "blink-two",
            params: vec![("interval1", "0.5"), ("led2", "D6")],
            safe_mode: None,
        },
        BoardMessage::HelloReply {
            protocol: VERSION,
            firmware: "0.1.0",
            board: "Adafruit QT Py RP2040",
            demo: "rainbow",
            params: vec![],
            safe_mode: Some("the watchdog restarted it after a panic: boom"),
        },
        BoardMessage::PinChange { t_us: 0, pin: Pin::D(0), level: true },
        BoardMessage::PinChange { t_us: u64::MAX, pin: Pin::NeoPixel, level: false },
        BoardMessage::Print { t_us: 1_250_017, text: "interval 0.25 s" },
        BoardMessage::Print { t_us: 3, text: "" },
        BoardMessage::Pixels { t_us: 40_000, pin: Pin::A(5), colours: &[255, 0, 0, 0, 0x80, 1] },
        BoardMessage::Turn {
            task: 1,
            start_us: 1_000,
            end_us: 1_009,
            state: TurnState::Sleeping { until_us: 251_000 },
        },
        BoardMessage::Turn { task: 2, start_us: 1_010, end_us: 1_019, state: TurnState::Ready },
        BoardMessage::Turn { task: 3, start_us: 1_020, end_us: 1_029, state: TurnState::Waiting },
        BoardMessage::Turn { task: 3, start_us: 1_030, end_us: 1_039, state: TurnState::Done },
        BoardMessage::Turn { task: u64::MAX, start_us: 0, end_us: u64::MAX, state: TurnState::Cancelled },
        BoardMessage::Press { t_us: 520_000, pin: Pin::D(3), pressed: true },
        BoardMessage::Press { t_us: 620_000, pin: Pin::Led, pressed: false },
        BoardMessage::ConfigResult { result: Ok(45_321) },
        BoardMessage::ConfigResult { result: Err("no parameter \"colour\" in blink-two") },
        BoardMessage::Lost { count: 12 },
        BoardMessage::Console { text: "baton: Raspberry Pi Pico, running blink-two\r\n" },
    ]
}

fn host_messages() -> Vec<HostMessage<'static>> {
    vec![
        HostMessage::Hello,
        HostMessage::StartStream,
        HostMessage::StopStream,
        HostMessage::SetConfig { demo: "blink-one", params: vec![("count", "4"), ("led", "D2")] },
        HostMessage::SetConfig { demo: "rainbow", params: vec![] },
    ]
}

#[test]
fn board_messages_round_trip_one_by_one_and_back_to_back() {
    let mut all = Vec::new();
    for m in board_messages() {
        let wire = wire_of(&m);
        all.extend_from_slice(&wire);
        let got = frames(&wire);
        assert_eq!(got.len(), 1, "{m:?}");
        let raw = got[0].as_ref().unwrap();
        assert_eq!(decode_board(raw).unwrap(), m);
    }
    let got = frames(&all);
    let decoded: Vec<_> = got.iter().map(|r| decode_board(r.as_ref().unwrap()).unwrap()).collect();
    assert_eq!(decoded, board_messages());
}

#[test]
fn host_messages_round_trip() {
    for m in host_messages() {
        let got = frames(&wire_of(&m));
        assert_eq!(decode_host(got[0].as_ref().unwrap()).unwrap(), m);
    }
}

#[test]
fn a_frame_is_zero_cobs_zero_with_version_and_crc_inside() {
    // Hello is variant 0: the frame before COBS is [VERSION, 0, crc32([VERSION, 0]) LE].
    let wire = wire_of(&HostMessage::Hello);
    assert_eq!((wire[0], *wire.last().unwrap()), (0, 0));
    assert!(!wire[1..wire.len() - 1].contains(&0));
    let mut raw = wire[1..wire.len() - 1].to_vec();
    let n = cobs::decode_in_place(&mut raw).unwrap();
    raw.truncate(n);
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&[VERSION, 0]);
    let mut want = vec![VERSION, 0];
    want.extend_from_slice(&crc.to_le_bytes());
    assert_eq!(raw, want);
}

#[test]
fn each_direction_refuses_the_others_messages_or_reads_them_as_its_own_variant() {
    // (The enums share variant numbers; a page never feeds its own frames back to itself.
    // What matters is that nothing panics and a board's reply is not a host's message.)
    let reply = wire_of(&board_messages()[0]);
    let raw = frames(&reply).remove(0).unwrap();
    assert!(decode_host(&raw).is_err());
}

#[test]
fn console_text_before_a_frame_is_one_refused_frame_and_the_frame_still_arrives() {
    let mut wire = b"baton: Raspberry Pi Pico, running blink-one\r\n".to_vec();
    wire.extend(wire_of(&BoardMessage::Lost { count: 1 }));
    let got = frames(&wire);
    assert_eq!(got.len(), 2);
    assert!(got[0].is_err() || decode_board(got[0].as_ref().unwrap()).is_err());
    assert_eq!(decode_board(got[1].as_ref().unwrap()).unwrap(), BoardMessage::Lost { count: 1 });
}

#[test]
fn another_version_is_refused_with_both_versions_named() {
    let mut raw = vec![VERSION + 1, 7];
    let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(&raw);
    raw.extend_from_slice(&crc.to_le_bytes());
    let err = decode_board(&raw).unwrap_err();
    assert_eq!(err, FrameError::Version { got: VERSION + 1, want: VERSION });
    assert!(err.to_string().contains(&format!("version {}", VERSION + 1)), "{err}");
}

#[test]
fn the_largest_print_fits_and_a_larger_one_is_refused() {
    let text = "x".repeat(1000);
    let m = BoardMessage::Print { t_us: u64::MAX, text: &text };
    let mut out = [0u8; MAX_FRAME_ON_WIRE];
    assert!(encode(&m, &mut out).is_ok());
    let text = "x".repeat(1030);
    assert!(encode(&BoardMessage::Print { t_us: 0, text: &text }, &mut out).is_err());
}
