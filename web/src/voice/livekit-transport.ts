import {
  ConnectionState,
  createLocalAudioTrack,
  type DisconnectReason,
  type LocalAudioTrack,
  type Participant,
  type RemoteTrack,
  Room,
  RoomEvent,
  Track,
  TrackEvent,
} from "livekit-client";
import { CallFailure } from "./call-failure";
import { LevelMeter } from "./level-meter";
import {
  AGENT_STATE_ATTRIBUTE,
  agentStateOf,
  CHAT_TOPIC,
  captionRoleOf,
  endOf,
  failureOf,
  isFinalCaption,
  joinOf,
  TRANSCRIPTION_TOPIC,
  TURN_TOPIC,
  turnOf,
} from "./livekit-events";
import { requireMicrophoneApi } from "./microphone";
import type { CallerState, TransportFactory } from "./types";

/** How long a call waits for the receptionist to join its room before giving up. */
const AGENT_JOIN_TIMEOUT_MS = 20_000;

/**
 * A call in a LiveKit room: the microphone is published as a track, the agent's voice is
 * played from its track, and captions, the agent's state and typed text travel the ways
 * livekit-agents uses (transcriptions, participant attributes, the `lk.chat` text stream).
 * LiveKit restores a dropped connection itself; the call shows "reconnecting" meanwhile.
 */
export const createLiveKitRoomTransport: TransportFactory = ({ start, listener, muted }) => {
  const room = new Room({ adaptiveStream: false, dynacast: false });
  let microphone: LocalAudioTrack | null = null;
  let meter: LevelMeter | null = null;
  const playing = new Set<RemoteTrack>();
  let live = false; // connect() succeeded
  let closed = false;
  let hangingUp = false;
  let ending: string | null = null; // why this side ended the call, when it did
  let agentTimer: ReturnType<typeof setTimeout> | null = null;
  let callerState: CallerState | null = null;

  const finish = (outcome: { expected: boolean; reason: string }): void => {
    if (closed) return;
    closed = true;
    if (agentTimer) clearTimeout(agentTimer);
    meter?.close();
    meter = null;
    microphone?.stop();
    microphone = null;
    for (const track of playing) track.detach().forEach((element) => element.remove());
    playing.clear();
    listener.closed(outcome);
  };

  /** End the call from this side (the agent left or never came); `Disconnected` follows. */
  const endCall = (reason: string): void => {
    if (closed || ending) return;
    ending = reason;
    void room.disconnect();
  };

  const isAgent = (participant: Participant): boolean =>
    participant.isAgent || AGENT_STATE_ATTRIBUTE in participant.attributes;

  const reportAgent = (participant: Participant): void => {
    if (!isAgent(participant)) return;
    if (agentTimer) clearTimeout(agentTimer);
    agentTimer = null;
    const state = agentStateOf(participant.attributes);
    if (state) listener.agentState(state);
  };

  const play = (track: RemoteTrack): void => {
    if (track.kind !== Track.Kind.Audio || closed) return;
    const element = track.attach();
    element.hidden = true;
    document.body.append(element);
    playing.add(track);
  };

  const stopPlaying = (track: RemoteTrack): void => {
    if (!playing.delete(track)) return;
    track.detach().forEach((element) => element.remove());
  };

  /** The caller's own track ids: captions of those are the caller's words. */
  const callerTracks = (): Set<string> =>
    new Set([...room.localParticipant.trackPublications.values()].map((publication) => publication.trackSid));

  // Captions arrive as text streams, one per utterance, growing as it is spoken (the agent's
  // in step with its voice); the stream's attributes say whose and whether it is final.
  room.registerTextStreamHandler(TRANSCRIPTION_TOPIC, (reader) => {
    const attributes = reader.info.attributes;
    const role = captionRoleOf(attributes, callerTracks());
    void (async () => {
      let text = "";
      try {
        for await (const chunk of reader) {
          text += chunk;
          if (!closed && text.trim()) listener.caption({ role, text, final: false });
        }
      } catch {
        return; // the call ended mid-caption
      }
      if (!closed && text.trim()) listener.caption({ role, text, final: isFinalCaption(attributes) || role === "agent" });
    })();
  });
  // Each stored turn, with its timings and tool calls, as the WebSocket path sends it.
  room.registerTextStreamHandler(TURN_TOPIC, (reader) => {
    void reader.readAll().then(
      (text) => {
        const turn = turnOf(text);
        if (turn && !closed) listener.turn(turn);
      },
      () => undefined,
    );
  });

  room
    .on(RoomEvent.TrackSubscribed, play)
    .on(RoomEvent.TrackUnsubscribed, stopPlaying)
    .on(RoomEvent.ParticipantConnected, reportAgent)
    .on(RoomEvent.ParticipantDisconnected, (participant) => {
      // The receptionist's session is over (its room goes next): so is the call.
      if (live && participant.isAgent) endCall("call ended");
    })
    .on(RoomEvent.ParticipantAttributesChanged, (changed, participant) => {
      if (participant !== room.localParticipant && AGENT_STATE_ATTRIBUTE in changed) reportAgent(participant);
    })
    .on(RoomEvent.ActiveSpeakersChanged, (speakers) => {
      const next: CallerState = speakers.includes(room.localParticipant) ? "speaking" : "listening";
      if (next === callerState || !live) return;
      callerState = next;
      listener.callerState(next);
    })
    .on(RoomEvent.ConnectionStateChanged, (state) => {
      if (!live || closed) return;
      if (state === ConnectionState.Reconnecting || state === ConnectionState.SignalReconnecting) {
        listener.reconnecting();
      } else if (state === ConnectionState.Connected) {
        listener.reconnected();
      }
    })
    .on(RoomEvent.AudioPlaybackStatusChanged, () => {
      if (room.canPlaybackAudio || closed) return;
      const message = "The browser blocked the agent's voice: click the page to hear it.";
      listener.error({ message, fatal: false });
      document.addEventListener("pointerdown", () => void room.startAudio(), { once: true });
    })
    .on(RoomEvent.MediaDevicesError, (error) => {
      listener.error({ message: `The microphone failed: ${error.message}`, fatal: false });
    })
    .on(RoomEvent.Disconnected, (reason?: DisconnectReason) => {
      finish(endOf(reason, hangingUp, ending));
    });

  return {
    async connect() {
      const join = joinOf(start);
      void room.prepareConnection(join.url, join.token).catch(() => undefined); // warm up meanwhile
      requireMicrophoneApi();
      const track = await createLocalAudioTrack({
        echoCancellation: true,
        noiseSuppression: true,
        autoGainControl: true,
        channelCount: 1,
      });
      if (closed || hangingUp) {
        // Hung up while the browser was still asking for the microphone.
        track.stop();
        throw new CallFailure("The call was hung up.");
      }
      microphone = track;
      if (muted) await track.mute(); // published muted: nothing is heard before unmuting
      meter = new LevelMeter(track.mediaStreamTrack, (level) => listener.level(muted ? 0 : level));
      track.on(TrackEvent.Restarted, () => meter?.follow(track.mediaStreamTrack));
      try {
        await room.connect(join.url, join.token);
        await room.localParticipant.publishTrack(track, { source: Track.Source.Microphone });
      } catch (error) {
        const failure = hangingUp ? new CallFailure("The call was hung up.") : failureOf(error);
        await room.disconnect();
        finish({ expected: false, reason: failure.message });
        throw failure;
      }
      if (closed) throw new CallFailure("The call was hung up.");
      live = true;
      listener.ready(join.conversationId);
      void room.startAudio().catch(() => undefined); // the Call click is the user gesture it needs
      const agents = [...room.remoteParticipants.values()].filter(isAgent);
      agents.forEach(reportAgent);
      if (agents.length === 0) {
        agentTimer = setTimeout(() => {
          listener.error({
            message: "No receptionist joined the call: is `frontdesk agent-worker` running?",
            code: "AgentUnavailable",
            fatal: true,
          });
          endCall("no receptionist answered");
        }, AGENT_JOIN_TIMEOUT_MS);
      }
    },

    async hangUp() {
      if (closed) return;
      hangingUp = true;
      await room.disconnect();
      finish(endOf(undefined, true, null));
    },

    setMuted(value: boolean) {
      muted = value;
      if (value) listener.level(0);
      // Muting the track both silences it and tells the room (and the agent) it is muted.
      void (value ? microphone?.mute() : microphone?.unmute())?.catch((error: unknown) => {
        const message = `The microphone could not be ${value ? "muted" : "unmuted"}: ${String(error)}`;
        listener.error({ message, fatal: false });
      });
    },

    sendText(text: string) {
      if (!live || closed) return;
      room.localParticipant.sendText(text, { topic: CHAT_TOPIC }).then(
        // The agent answers typed words without transcribing them: show them as said.
        () => listener.caption({ role: "caller", text, final: true }),
        () => listener.error({ message: "The message could not be sent.", fatal: false }),
      );
    },
  };
};
