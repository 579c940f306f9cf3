// A USB host with a terminal program, for the emulated firmware's CDC serial port: it
// enumerates the device (rp2040js's USBCDC), then opens and closes the port as a terminal
// does — SET_LINE_CODING (the baud rate), SET_CONTROL_LINE_STATE (DTR) — and collects what
// the firmware sends, per session. It also reads string descriptors (the serial number).
//
// Everything is scheduled on the emulated clock: `at(ms, action)` runs an action at an
// emulated time (ms since reset). Control transfers go one at a time, as a host sends them.
//
// What the device sends while no session is open is kept apart (`leaked`): Baton's firmware
// must send nothing then (its console is gated on DTR).

import { DataDirection, SetupRecipient, SetupType, USBCDC, createSetupPacket } from 'rp2040js';

const SET_LINE_CODING = 0x20;
const SET_CONTROL_LINE_STATE = 0x22;
const GET_DESCRIPTOR = 0x06;
const STRING = 3;
const EN_US = 0x0409;

/** The 7-byte CDC line coding: rate (LE), 1 stop bit, no parity, 8 data bits. */
function lineCoding(baud) {
  const b = new Uint8Array(7);
  new DataView(b.buffer).setUint32(0, baud, true);
  b[6] = 8;
  return b;
}

export class Terminal {
  /** Attaches a host to `mcu`'s USB controller (call before the firmware runs). */
  constructor(mcu) {
    this.mcu = mcu;
    this.cdc = new USBCDC(mcu.usbCtrl);
    this.connectedNs = null;
    /** One entry per open: `{ openedNs, baud, text }`. */
    this.sessions = [];
    this.leaked = '';
    this.strings = new Map();
    this.queue = [];
    this.busy = null; // { kind, data?, index? }
    this.cdc.onDeviceConnected = () => {
      this.connectedNs = mcu.clock.nanos;
      this.next();
    };
    this.cdc.onSerialData = (bytes) => {
      const text = Buffer.from(bytes).toString('latin1');
      const s = this.sessions.at(-1);
      if (s && s.open) s.text += text;
      else this.leaked += text;
    };
    // Control transfers of ours: the data stage host → device (line coding), and the
    // string descriptors device → host, which USBCDC would take for configuration data.
    const usb = mcu.usbCtrl;
    const read = usb.onEndpointRead;
    usb.onEndpointRead = (endpoint, size) => {
      if (endpoint === 0 && this.busy?.data) {
        const data = this.busy.data;
        this.busy.data = null;
        usb.endpointReadDone(0, data.subarray(0, size));
        return;
      }
      read(endpoint, size);
    };
    const write = usb.onEndpointWrite;
    usb.onEndpointWrite = (endpoint, buffer) => {
      if (endpoint === 0 && this.busy) {
        if (this.busy.kind === 'string' && buffer.length > 0) {
          this.strings.set(this.busy.index, Buffer.from(buffer.subarray(2, buffer[0])).toString('utf16le'));
        }
        // The status stage (or the data we asked for): the transfer is over.
        this.busy = null;
        this.later(() => this.next(), 0.2);
        return;
      }
      write(endpoint, buffer);
    };
  }

  /** Runs `action` at `ms` after reset (emulated time). */
  at(ms, action) {
    this.later(action, ms - this.mcu.clock.nanos / 1e6);
    return this;
  }

  later(action, ms) {
    const alarm = this.mcu.clock.createAlarm(action);
    alarm.schedule(Math.max(ms, 0) * 1e6);
  }

  /** Queues a control transfer; sent once enumeration is done and the last one finished. */
  control(kind, setup, extra = {}) {
    this.queue.push({ kind, setup, ...extra });
    this.next();
  }

  next() {
    if (this.busy || this.connectedNs === null || !this.queue.length) return;
    this.busy = this.queue.shift();
    if (this.busy.onSend) this.busy.onSend();
    this.mcu.usbCtrl.sendSetupPacket(this.busy.setup);
  }

  /** A terminal opens the port at `baud`. */
  open(baud = 115200) {
    const classRequest = (bRequest, wValue, wLength) =>
      createSetupPacket({
        dataDirection: DataDirection.HostToDevice,
        type: SetupType.Class,
        recipient: SetupRecipient.Interface,
        bRequest,
        wValue,
        wIndex: 0,
        wLength,
      });
    this.control('line coding', classRequest(SET_LINE_CODING, 0, 7), { data: lineCoding(baud) });
    this.control('dtr', classRequest(SET_CONTROL_LINE_STATE, 0b11, 0), {
      onSend: () => this.sessions.push({ openedNs: this.mcu.clock.nanos, baud, text: '', open: true }),
    });
  }

  /** The terminal closes the port (DTR and RTS drop). */
  close() {
    const setup = createSetupPacket({
      dataDirection: DataDirection.HostToDevice,
      type: SetupType.Class,
      recipient: SetupRecipient.Interface,
      bRequest: SET_CONTROL_LINE_STATE,
      wValue: 0,
      wIndex: 0,
      wLength: 0,
    });
    this.control('no dtr', setup, {
      onSend: () => {
        const s = this.sessions.at(-1);
        if (s) s.open = false;
      },
    });
  }

  /** Reads string descriptor `index` (3: the serial number) into `strings`. */
  readString(index) {
    const setup = createSetupPacket({
      dataDirection: DataDirection.DeviceToHost,
      type: SetupType.Standard,
      recipient: SetupRecipient.Device,
      bRequest: GET_DESCRIPTOR,
      wValue: (STRING << 8) | index,
      wIndex: EN_US,
      wLength: 255,
    });
    this.control('string', setup, { index });
  }
}
