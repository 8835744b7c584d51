import { meterLevel } from "./pcm16";

/** As often as the capture worklet reports a frame: about 50 levels a second. */
const INTERVAL_MS = 20;
/** Samples read each time: a power of two covering 20 ms up to 48 kHz. */
const WINDOW = 1024;

/**
 * The meter level (0..1) of a live microphone track, for transports that do not capture the
 * audio themselves (LiveKit sends the track as it is). An AnalyserNode reads the latest
 * samples and `meterLevel` maps them, so the meter reads the same as on a WebSocket call.
 */
export class LevelMeter {
  private readonly context = new AudioContext({ latencyHint: "interactive" });
  private readonly analyser: AnalyserNode;
  private readonly samples = new Float32Array(WINDOW);
  private source: MediaStreamAudioSourceNode | null = null;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(track: MediaStreamTrack, onLevel: (level: number) => void) {
    void this.context.resume();
    this.analyser = this.context.createAnalyser();
    this.analyser.fftSize = WINDOW;
    this.follow(track);
    // An analyser needs no path to the destination: it is read here, never heard.
    this.timer = setInterval(() => {
      this.analyser.getFloatTimeDomainData(this.samples);
      onLevel(meterLevel(this.samples));
    }, INTERVAL_MS);
  }

  /** Measure another track (the SDK replaces it when the microphone restarts). */
  follow(track: MediaStreamTrack): void {
    this.source?.disconnect();
    this.source = this.context.createMediaStreamSource(new MediaStream([track]));
    this.source.connect(this.analyser);
  }

  close(): void {
    clearInterval(this.timer);
    this.source?.disconnect();
    this.source = null;
    void this.context.close();
  }
}
