/**
 * The microphone's audio thread: downmix to mono, cut 20 ms frames, convert to PCM16 and
 * post them (with a meter level) to the page, which sends them on the socket.
 *
 * This file runs in the AudioWorkletGlobalScope, not the page. Vite bundles it on its own
 * (`?worker&url` in microphone.ts), so it ships with the app and never comes from a CDN.
 */
import { floatToPcm16, meterLevel } from "./pcm16";

// The AudioWorklet scope's globals; TypeScript's DOM library does not describe them.
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
  constructor(options?: unknown);
}
declare function registerProcessor(
  name: string,
  processor: new (options: { processorOptions?: CaptureOptions }) => AudioWorkletProcessor,
): void;

export interface CaptureOptions {
  frameMs: number;
  /** Average this many input samples into one (1 = none): keeps the sent rate ≤ 48 kHz. */
  decimation: number;
}

export interface CaptureFrame {
  pcm: ArrayBuffer;
  level: number;
}

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly decimation: number;
  private readonly frame: Float32Array;
  private filled = 0;
  private pending = 0; // decimation: sum of the samples not yet averaged
  private pendingCount = 0;
  private stopped = false;

  constructor(options: { processorOptions?: CaptureOptions }) {
    super(options);
    const { frameMs = 20, decimation = 1 } = options.processorOptions ?? {};
    this.decimation = Math.max(1, Math.floor(decimation));
    this.frame = new Float32Array(Math.round(((sampleRate / this.decimation) * frameMs) / 1000));
    this.port.onmessage = (event: MessageEvent) => {
      if (event.data === "stop") this.stopped = true;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false; // lets the browser collect the node
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true; // no input connected yet
    const length = channels[0].length;
    for (let i = 0; i < length; i++) {
      let sum = 0;
      for (const channel of channels) sum += channel[i];
      this.pending += sum / channels.length;
      if (++this.pendingCount < this.decimation) continue;
      this.frame[this.filled++] = this.pending / this.pendingCount;
      this.pending = 0;
      this.pendingCount = 0;
      if (this.filled === this.frame.length) this.flush();
    }
    return true;
  }

  private flush(): void {
    const pcm = floatToPcm16(this.frame);
    const message: CaptureFrame = { pcm: pcm.buffer, level: meterLevel(this.frame) };
    // Transfer the buffer instead of copying it: this runs 50 times a second.
    this.port.postMessage(message, [pcm.buffer]);
    this.filled = 0;
  }
}

registerProcessor("frontdesk-capture", CaptureProcessor);
