import type { CaptureFrame, CaptureOptions } from "./capture-worklet";
import workletUrl from "./capture-worklet.ts?worker&url";

/** The most the server accepts (it takes 8–48 kHz); faster devices are decimated to fit. */
const MAX_SEND_RATE = 48_000;
const FRAME_MS = 20;

/** Fails with a readable reason where the browser offers no microphone API at all. */
export function requireMicrophoneApi(): void {
  if (!navigator.mediaDevices?.getUserMedia) {
    // Browsers hide the microphone API outside secure contexts.
    throw new Error("This browser cannot use the microphone here: open the page over https or on localhost.");
  }
}

/**
 * The caller's microphone, captured by an AudioWorklet into PCM16 frames at the device's own
 * rate (announced to the server, which resamples with a proper filter; doing it here would
 * need one too).
 */
export class Microphone {
  /** The rate of the frames handed to `onFrame`. */
  readonly sampleRate: number;

  private constructor(
    private readonly context: AudioContext,
    private readonly stream: MediaStream,
    private readonly node: AudioWorkletNode,
    decimation: number,
  ) {
    this.sampleRate = Math.round(context.sampleRate / decimation);
  }

  static async open(onFrame: (frame: CaptureFrame) => void): Promise<Microphone> {
    requireMicrophoneApi();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: {
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
        channelCount: { ideal: 1 },
      },
    });
    // The device's own rate: Firefox refuses to connect a microphone to a context whose rate
    // differs from the track's.
    const context = new AudioContext({ latencyHint: "interactive" });
    try {
      await context.resume();
      await context.audioWorklet.addModule(workletUrl);
      const decimation = Math.ceil(context.sampleRate / MAX_SEND_RATE);
      const options: CaptureOptions = { frameMs: FRAME_MS, decimation };
      const node = new AudioWorkletNode(context, "frontdesk-capture", {
        numberOfInputs: 1,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions: options,
      });
      node.port.onmessage = (event: MessageEvent<CaptureFrame>) => onFrame(event.data);
      context.createMediaStreamSource(stream).connect(node);
      // The node writes only silence, but a node connected to the destination is pulled by
      // the audio thread in every browser; one with no path there may never run.
      node.connect(context.destination);
      return new Microphone(context, stream, node, decimation);
    } catch (error) {
      stream.getTracks().forEach((track) => track.stop());
      void context.close();
      throw error;
    }
  }

  /** Muting disables the track too, so the browser's "microphone in use" light reflects it. */
  setEnabled(enabled: boolean): void {
    for (const track of this.stream.getAudioTracks()) track.enabled = enabled;
  }

  close(): void {
    this.node.port.postMessage("stop");
    this.node.port.onmessage = null;
    this.node.disconnect();
    this.stream.getTracks().forEach((track) => track.stop());
    void this.context.close();
  }
}
