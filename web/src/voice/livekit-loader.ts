import { CallFailure } from "./call-failure";
import type { CallTransport, TransportFactory } from "./types";

/**
 * The LiveKit transport, loaded on its first call: livekit-client is several times the size of
 * the rest of the client, and a local (WebSocket) call never needs it. Vite bundles it as a
 * chunk of its own, served with the page's other files.
 */
export const createLiveKitTransport: TransportFactory = (context) => {
  let inner: CallTransport | null = null;
  let hungUp = false;
  let muted = context.muted;

  return {
    async connect() {
      let module: typeof import("./livekit-transport");
      try {
        module = await import("./livekit-transport");
      } catch (error) {
        console.error("frontdesk voice: the LiveKit client did not load", error);
        throw new CallFailure("The LiveKit client could not be loaded: reload the page.", "NetworkError");
      }
      if (hungUp) throw new CallFailure("The call was hung up.");
      inner = module.createLiveKitRoomTransport({ ...context, muted });
      await inner.connect();
    },

    async hangUp() {
      hungUp = true;
      await inner?.hangUp();
    },

    setMuted(value: boolean) {
      muted = value;
      inner?.setMuted(value);
    },

    sendText(text: string) {
      inner?.sendText(text);
    },
  };
};
