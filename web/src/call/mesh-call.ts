// A call in a room over the signaling stream (/ws/signaling): Join with the token, then one
// RTCPeerConnection per other participant, offers/answers/ICE addressed by participant_id. The
// newcomer offers to everyone already there (Joined.participants); the others answer, so two
// sides never offer to each other at once. Hanging up is Leave. If the socket drops, the call
// joins again as a new participant and negotiates anew (the others see the old one leave).
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { durationMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { Code } from "@connectrpc/connect";
import {
  ClientEventSchema,
  ServerEventSchema,
  type ServerEvent,
} from "../gen/chatmesh/signaling/v1/signaling_service_pb.js";
import type { IceServer } from "../gen/chatmesh/signaling/v1/signaling_pb.js";
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
}

interface Peer {
  pc: RTCPeerConnection;
  userId: string;
  /** Signaling work for this peer, one step at a time. */
  chain: Promise<void>;
}

export class MeshCall {
  private readonly socket: EnvelopeSocket;
  private readonly peers = new Map<string, Peer>();
  /** Who each participant is (from Joined and ParticipantJoined). */
  private readonly userIds = new Map<string, string>();
  private participantId = "";
  private iceServers: RTCIceServer[] = [];
  private joinClientId = "";

  constructor(
    readonly roomId: string,
    tokens: TokenSource,
    private readonly local: MediaStream,
    private readonly events: CallEvents,
  ) {
    this.socket = new EnvelopeSocket("/ws/signaling", tokens, {
      opening: (accessToken) => {
        this.joinClientId = newId();
        return this.encode({
          case: "join",
          value: { roomId, accessToken, media: { audio: hasTrack(local, "audio"), video: hasTrack(local, "video") } },
        }, this.joinClientId);
      },
      ping: (nonce) => this.encode({ case: "ping", value: { nonce } }),
      reauthenticate: (clientId, accessToken) =>
        this.encode({ case: "reauthenticate", value: { accessToken } }, clientId),
      receive: (bytes) => this.receive(fromBinary(ServerEventSchema, bytes)),
      closed: () => {
        this.closePeers(); // on the next Joined this device is a new participant
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
          this.userIds.set(participant.participantId, participant.userId);
          const peer = this.peer(participant.participantId, participant.userId);
          this.step(participant.participantId, peer, async () => {
            await peer.pc.setLocalDescription(await peer.pc.createOffer());
            this.signal("offer", participant.participantId, peer.pc.localDescription!.sdp);
          });
        }
        break;
      }
      case "participantJoined":
        if (e.value.participant) this.userIds.set(e.value.participant.participantId, e.value.participant.userId);
        break; // they offer to us
      case "participantLeft":
        this.closePeer(e.value.participantId);
        break;
      case "offer": {
        const from = e.value.participantId;
        const sdp = e.value.sdp;
        const peer = this.peer(from, this.userIds.get(from) ?? "");
        this.step(from, peer, async () => {
          await peer.pc.setRemoteDescription({ type: "offer", sdp });
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
            : null));
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
        break; // pongs, media state
    }
  }

  private peer(participantId: string, userId: string): Peer {
    const existing = this.peers.get(participantId);
    if (existing) return existing;
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    const peer: Peer = { pc, userId, chain: Promise.resolve() };
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
    pc.oniceconnectionstatechange = () => this.events.iceState(participantId, pc.iceConnectionState);
    return peer;
  }

  private step(participantId: string, peer: Peer, work: () => Promise<void>): void {
    peer.chain = peer.chain.then(work).catch((err) => {
      console.warn(`call: negotiation with ${participantId} failed`, err);
    });
  }

  private signal(kind: "offer" | "answer", participantId: string, sdp: string): void {
    this.socket.send(this.encode({ case: kind, value: { participantId, sdp } }));
  }

  private closePeer(participantId: string): void {
    const peer = this.peers.get(participantId);
    if (!peer) return;
    this.peers.delete(participantId);
    peer.pc.close();
    this.events.remote(participantId, peer.userId, null);
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
