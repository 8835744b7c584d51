/** Frontdesk's browser voice client: one interface for every transport. */
export { createCall, registerTransport } from "./call";
export { CallFailure } from "./call-failure";
export type { Call, CallOptions, ReconnectOptions } from "./call";
export { createLiveKitTransport } from "./livekit-loader";
export { createWebSocketTransport } from "./websocket-transport";
export type * from "./types";
