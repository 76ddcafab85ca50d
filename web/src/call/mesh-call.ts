// A call in a room over the signaling stream (/ws/signaling): Join with the token, then one
// RTCPeerConnection per other participant, offers/answers/ICE addressed by participant_id.
// Roles follow the server's rule (W3C perfect negotiation): toward each peer, the side with the
// greater participant id is impolite and makes the first offer (and the ICE-restart offers);
// the other is polite and, when offers cross, rolls its own back and answers. Hanging up is
// Leave. If the socket drops, the call joins again with its old participant id: within the
// server's grace period it keeps its place (the others saw it "reconnecting", not leaving) and
// every pair negotiates anew.
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { durationMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import {
  ClientEventSchema,
  ServerEventSchema,
  type ServerEvent,
} from "../gen/chatmesh/signaling/v1/signaling_service_pb.js";
import type { IceServer, MediaState } from "../gen/chatmesh/signaling/v1/signaling_pb.js";
import type { TokenSource } from "../api/clients.js";
import { describeStreamError } from "../api/errors.js";
import { EnvelopeSocket, type SocketState } from "../streams/envelope-socket.js";
import { newId } from "../streams/ids.js";

export interface CallEvents {
  /** A participant's media arrived (or changed); null when they left. */
  remote(participantId: string, userId: string, stream: MediaStream | null): void;
  /** A peer connection's ICE state, for the UI (and tests). */
  iceState(participantId: string, state: RTCIceConnectionState): void;
  /** The call cannot go on (e.g. the room refused the join), in words. */
  ended(reason?: string): void;
  /** Who a participant is, as soon as it is known (before its media arrives). */
  participant(participantId: string, userId: string): void;
  /** A participant's media state (muted, camera off, screen, speaking). */
  media(participantId: string, media: MediaState): void;
  /** A participant's stream dropped (true) or it came back (false). */
  reconnecting(participantId: string, reconnecting: boolean): void;
}

/** What this device sends, as the others are told. */
export interface LocalMedia {
  audio: boolean;
  video: boolean;
  screen: boolean;
  /** Voice activity on the microphone (measured by the page). */
  speaking: boolean;
}

interface Peer {
  pc: RTCPeerConnection;
  userId: string;
  /** Signaling work for this peer, one step at a time. */
  chain: Promise<void>;
  /** Between createOffer and sending it (perfect negotiation's collision check). */
  makingOffer: boolean;
  /** The last offer from this peer was ignored (we are impolite): so are its candidates' errors. */
  ignoringOffer: boolean;
}

export class MeshCall {
  private readonly socket: EnvelopeSocket;
  private readonly peers = new Map<string, Peer>();
  /** Who each participant is (from Joined and ParticipantJoined). */
  private readonly userIds = new Map<string, string>();
  private participantId = "";
  private iceServers: RTCIceServer[] = [];
  private joinClientId = "";
  private sending: LocalMedia;

  constructor(
    readonly roomId: string,
    tokens: TokenSource,
    private readonly local: MediaStream,
    private readonly events: CallEvents,
  ) {
    this.sending = { audio: hasTrack(local, "audio"), video: hasTrack(local, "video"), screen: false, speaking: false };
    this.socket = new EnvelopeSocket("/ws/signaling", tokens, {
      opening: (accessToken) => {
        this.joinClientId = newId();
        return this.encode({
          case: "join",
          // the previous participant id, if any: the server resumes it within its grace period
          value: { roomId, accessToken, media: this.sending, participantId: this.participantId },
        }, this.joinClientId);
      },
      ping: (nonce) => this.encode({ case: "ping", value: { nonce } }),
      reauthenticate: (clientId, accessToken) =>
        this.encode({ case: "reauthenticate", value: { accessToken } }, clientId),
      receive: (bytes) => this.receive(fromBinary(ServerEventSchema, bytes)),
      closed: () => {
        this.closePeers(); // the next Joined resumes this participant id (or, after the grace period, a new one)
        return "reconnect";
      },
    });
  }

  /** This device's participant id in the call (empty until joined). */
  get self(): string {
    return this.participantId;
  }

  onState(listener: (state: SocketState) => void): () => void {
    return this.socket.onState(listener);
  }

  /** Tells the others what this device sends now (after mute, camera off, screen share). */
  setMedia(media: LocalMedia): void {
    this.sending = media;
    this.socket.send(this.encode({ case: "mediaState", value: media }));
  }

  /** The local camera track, to swap for a screen (and back) on every peer connection. */
  async replaceVideo(track: MediaStreamTrack): Promise<void> {
    await Promise.all([...this.peers.values()].map((peer) => {
      const sender = peer.pc.getSenders().find((s) => s.track?.kind === "video");
      return sender ? sender.replaceTrack(track) : Promise.resolve();
    }));
  }

  /** Leave the call: tell the others, close the connections, release camera and microphone. */
  hangUp(): void {
    this.socket.send(this.encode({ case: "leave", value: {} }));
    this.socket.stop();
    this.closePeers();
    this.local.getTracks().forEach((track) => track.stop());
  }

  private receive(event: ServerEvent): void {
    const e = event.event;
    switch (e.case) {
      case "joined": {
        this.participantId = e.value.participantId;
        this.iceServers = e.value.iceServers.map(toRtc);
        this.socket.live(
          e.value.heartbeatInterval ? durationMs(e.value.heartbeatInterval) : 25_000,
          e.value.tokenExpireTime ? timestampMs(e.value.tokenExpireTime) : undefined,
        );
        for (const participant of e.value.participants) {
          this.known(participant.participantId, participant.userId);
          if (participant.media) this.events.media(participant.participantId, participant.media);
          this.events.reconnecting(participant.participantId, participant.reconnecting);
          if (this.impoliteToward(participant.participantId)) this.offer(participant.participantId);
        }
        break;
      }
      case "participantJoined": {
        const p = e.value.participant;
        if (!p) break;
        // back after a drop: its old connection is gone on its side, start over
        if (e.value.resumed) this.closePeer(p.participantId, false);
        this.known(p.participantId, p.userId);
        if (p.media) this.events.media(p.participantId, p.media);
        this.events.reconnecting(p.participantId, false);
        if (this.impoliteToward(p.participantId)) this.offer(p.participantId);
        break;
      }
      case "participantReconnecting":
        this.events.reconnecting(e.value.participantId, true);
        break;
      case "mediaStateChanged":
        if (e.value.media) this.events.media(e.value.participantId, e.value.media);
        break;
      case "participantLeft":
        this.closePeer(e.value.participantId, false);
        this.events.remote(e.value.participantId, e.value.userId, null);
        break;
      case "offer": {
        const from = e.value.participantId;
        const sdp = e.value.sdp;
        const peer = this.peer(from, this.userIds.get(from) ?? "");
        this.step(from, peer, async () => {
          const collision = peer.makingOffer || peer.pc.signalingState !== "stable";
          peer.ignoringOffer = collision && this.impoliteToward(from);
          if (peer.ignoringOffer) return; // glare: ours wins, they roll back
          await peer.pc.setRemoteDescription({ type: "offer", sdp }); // rolls ours back if needed
          await peer.pc.setLocalDescription(await peer.pc.createAnswer());
          this.signal("answer", from, peer.pc.localDescription!.sdp);
        });
        break;
      }
      case "answer": {
        const peer = this.peers.get(e.value.participantId);
        const sdp = e.value.sdp;
        if (peer) this.step(e.value.participantId, peer, () => peer.pc.setRemoteDescription({ type: "answer", sdp }));
        break;
      }
      case "iceCandidate": {
        const peer = this.peers.get(e.value.participantId);
        const c = e.value;
        if (peer) {
          this.step(c.participantId, peer, () => peer.pc.addIceCandidate(c.candidate
            ? { candidate: c.candidate, sdpMid: c.sdpMid || null, sdpMLineIndex: c.sdpMLineIndex, usernameFragment: c.usernameFragment || null }
            : null).catch((err) => {
            if (!peer.ignoringOffer) throw err;
          }));
        }
        break;
      }
      case "error":
        if (e.value.clientId && e.value.clientId === this.joinClientId) {
          // the join itself was refused (not a member, call full): no point in trying again
          this.socket.stop();
          this.closePeers();
          this.local.getTracks().forEach((track) => track.stop());
          this.events.ended(describeStreamError(e.value, {
            [Code.ResourceExhausted]: "The call is full.",
            [Code.NotFound]: "You can only call in rooms you are a member of.",
          }));
        }
        break;
      case "reauthenticated":
        this.socket.renewBefore(e.value.tokenExpireTime ? timestampMs(e.value.tokenExpireTime) : undefined);
        break;
      default:
        break; // pongs
    }
  }

  private peer(participantId: string, userId: string): Peer {
    const existing = this.peers.get(participantId);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const peer: Peer = { pc, userId, chain: Promise.resolve(), makingOffer: false, ignoringOffer: false };
    this.peers.set(participantId, peer);
    this.local.getTracks().forEach((track) => pc.addTrack(track, this.local));
    pc.onicecandidate = (e) => {
      const c = e.candidate;
      this.socket.send(this.encode({
        case: "iceCandidate",
        value: c
          ? { participantId, candidate: c.candidate, sdpMid: c.sdpMid ?? "", sdpMLineIndex: c.sdpMLineIndex ?? 0, usernameFragment: c.usernameFragment ?? "" }
          : { participantId, candidate: "" },
      }));
    };
    pc.ontrack = (e) => this.events.remote(participantId, peer.userId, e.streams[0] ?? new MediaStream([e.track]));
    pc.oniceconnectionstatechange = () => {
      this.events.iceState(participantId, pc.iceConnectionState);
      // the impolite side restarts ICE when the path broke (network change)
      if (pc.iceConnectionState === "failed" && this.impoliteToward(participantId)) this.offer(participantId, true);
    };
    return peer;
  }

  /** Toward this peer, whether we make the offers (the greater participant id does). */
  private impoliteToward(participantId: string): boolean {
    return this.participantId > participantId;
  }

  private known(participantId: string, userId: string): void {
    this.userIds.set(participantId, userId);
    this.events.participant(participantId, userId);
  }

  private offer(participantId: string, iceRestart = false): void {
    const peer = this.peer(participantId, this.userIds.get(participantId) ?? "");
    this.step(participantId, peer, async () => {
      peer.makingOffer = true;
      try {
        await peer.pc.setLocalDescription(await peer.pc.createOffer({ iceRestart }));
        this.signal("offer", participantId, peer.pc.localDescription!.sdp);
      } finally {
        peer.makingOffer = false;
      }
    });
  }

  private step(participantId: string, peer: Peer, work: () => Promise<void>): void {
    peer.chain = peer.chain.then(work).catch((err) => {
      console.warn(`call: negotiation with ${participantId} failed`, err);
    });
  }

  private signal(kind: "offer" | "answer", participantId: string, sdp: string): void {
    this.socket.send(this.encode({ case: kind, value: { participantId, sdp } }));
  }

  /** @param gone false when the participant is still in the call (resumed): its tile stays */
  private closePeer(participantId: string, gone = true): void {
    const peer = this.peers.get(participantId);
    if (!peer) return;
    this.peers.delete(participantId);
    peer.pc.close();
    if (gone) this.events.remote(participantId, peer.userId, null);
  }

  private closePeers(): void {
    [...this.peers.keys()].forEach((participantId) => this.closePeer(participantId));
  }

  private encode(event: MessageInitShape<typeof ClientEventSchema>["event"], clientId = ""): Uint8Array {
    return toBinary(ClientEventSchema, create(ClientEventSchema, { clientId, event }));
  }
}

function hasTrack(stream: MediaStream, kind: "audio" | "video"): boolean {
  return stream.getTracks().some((track) => track.kind === kind);
}

function toRtc(server: IceServer): RTCIceServer {
  return server.username
    ? { urls: server.urls, username: server.username, credential: server.credential }
    : { urls: server.urls };
}
