import { pcm16ToFloat } from "./pcm16";

/**
 * Time allowed between the first chunk's arrival and its start after the queue ran dry:
 * chunks arrive in bursts, and a later one must be in hand before the one ahead finishes.
 */
const START_LEAD_S = 0.08;

/**
 * Plays the agent's PCM16 chunks back to back. Each chunk becomes an AudioBuffer scheduled
 * to start exactly where the previous one ends, so there are no gaps or clicks between them;
 * `clear()` stops everything scheduled at once (the caller barged in).
 */
export class Playback {
  private readonly context: AudioContext;
  private readonly sources = new Set<AudioBufferSourceNode>();
  private nextStart = 0;
  private odd: Uint8Array | null = null; // a byte split from its sample by the transport

  constructor(private readonly sampleRate: number) {
    // A context at the stream's own rate: chunk boundaries fall on whole samples, and the
    // browser resamples one continuous output instead of every chunk on its own.
    try {
      this.context = new AudioContext({ sampleRate, latencyHint: "interactive" });
    } catch {
      this.context = new AudioContext({ latencyHint: "interactive" });
    }
    void this.context.resume();
  }

  enqueue(data: ArrayBuffer): void {
    let bytes = new Uint8Array(data);
    if (this.odd) {
      const joined = new Uint8Array(this.odd.length + bytes.length);
      joined.set(this.odd);
      joined.set(bytes, this.odd.length);
      bytes = joined;
      this.odd = null;
    }
    if (bytes.length % 2) {
      this.odd = bytes.slice(bytes.length - 1);
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    if (bytes.length === 0) return;
    const samples = pcm16ToFloat(bytes);
    const buffer = this.context.createBuffer(1, samples.length, this.sampleRate);
    buffer.copyToChannel(samples, 0);
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.context.destination);
    const now = this.context.currentTime;
    if (this.nextStart < now) this.nextStart = now + START_LEAD_S;
    source.start(this.nextStart);
    this.nextStart += buffer.duration;
    this.sources.add(source);
    source.onended = () => {
      this.sources.delete(source);
      source.disconnect();
    };
  }

  /** Seconds of audio still to play. */
  get remaining(): number {
    return Math.max(0, this.nextStart - this.context.currentTime);
  }

  clear(): void {
    for (const source of this.sources) {
      source.onended = null;
      source.stop();
      source.disconnect();
    }
    this.sources.clear();
    this.nextStart = 0;
    this.odd = null;
  }

  close(): void {
    this.clear();
    void this.context.close();
  }
}
