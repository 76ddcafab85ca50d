"""A Python client of chatmesh without generated code.

The messages are built at run time from the contracts' descriptor set
(``npx buf build proto -o chatmesh.binpb``) with protobuf's descriptor pool and message
factory, and called through grpcio's generic stubs. It runs on Debian's python3-grpcio and
python3-protobuf. docs/clients.md shows how to use it.
"""

import concurrent.futures
import dataclasses
import queue
import threading
import uuid

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory


class Contracts:
    """The chatmesh API as read from a FileDescriptorSet (with its imports)."""

    def __init__(self, descriptor_set_path):
        with open(descriptor_set_path, "rb") as f:
            files = descriptor_pb2.FileDescriptorSet.FromString(f.read())
        self._pool = descriptor_pool.DescriptorPool()
        for file in files.file:
            self._pool.Add(file)
        self._classes = {}

    def message_class(self, full_name):
        """The Python class of a message type, e.g. 'chatmesh.chat.v1.ClientEvent'."""
        if full_name not in self._classes:
            descriptor = self._pool.FindMessageTypeByName(full_name)
            if hasattr(message_factory, "GetMessageClass"):  # protobuf 4.22+
                self._classes[full_name] = message_factory.GetMessageClass(descriptor)
            else:  # protobuf 4.21 (Debian 12)
                self._classes[full_name] = message_factory.MessageFactory(self._pool).GetPrototype(descriptor)
        return self._classes[full_name]

    def new(self, full_name, fields=None):
        """A message of the type, its fields from a dict as in proto JSON (snake_case names work)."""
        return json_format.ParseDict(fields or {}, self.message_class(full_name)())

    def method(self, service, method):
        """(path, request class, response class) of e.g. ('chatmesh.chat.v1.ChatService', 'Connect')."""
        descriptor = self._pool.FindServiceByName(service).FindMethodByName(method)
        return (f"/{service}/{method}", self.message_class(descriptor.input_type.full_name),
                self.message_class(descriptor.output_type.full_name))


@dataclasses.dataclass(frozen=True)
class Session:
    """A signed-in user: their id and the tokens LogIn returned."""
    user_id: str
    access_token: str
    refresh_token: str


class ChatEventRejected(Exception):
    """The server answered a client event with a StreamError (its code is a google.rpc.Code value)."""

    def __init__(self, error):
        super().__init__(f"client event {error.client_id} rejected: code {error.code} {error.reason}")
        self.error = error


class ChatmeshClient:
    """chatmesh over one grpc.Channel. Unary calls carry the access token and a deadline."""

    def __init__(self, channel, contracts, call_timeout=10.0):
        self._channel = channel
        self._contracts = contracts
        self._call_timeout = call_timeout

    def _call(self, service, method, fields, session=None):
        path, request_class, response_class = self._contracts.method(service, method)
        request = json_format.ParseDict(fields, request_class())
        stub = self._channel.unary_unary(path, request_serializer=request_class.SerializeToString,
                                         response_deserializer=response_class.FromString)
        return stub(request, timeout=self._call_timeout, metadata=_authorization(session))

    def sign_up(self, username, password, display_name=""):
        """Creates an account (no token needed) and returns the User; log in afterwards."""
        return self._call("chatmesh.user.v1.UserService", "SignUp",
                          {"username": username, "password": password, "display_name": display_name}).user

    def log_in(self, username, password):
        response = self._call("chatmesh.user.v1.UserService", "LogIn", {"username": username, "password": password})
        return Session(response.user.id, response.tokens.access_token, response.tokens.refresh_token)

    def create_room(self, session, name, kind="ROOM_KIND_PUBLIC"):
        """A room with the caller as owner."""
        return self._call("chatmesh.room.v1.RoomService", "CreateRoom", {"kind": kind, "name": name}, session).room

    def join_room(self, session, room_id):
        """Joins a PUBLIC room; joining again changes nothing."""
        return self._call("chatmesh.room.v1.RoomService", "JoinRoom", {"room_id": room_id}, session).room

    def connect(self, session, device_id, resume_from=None, buffer_capacity=256):
        """Opens ChatService.Connect, says Hello and returns the ChatStream once Ready arrived.

        resume_from maps room ids to the newest seq the client has (a previous stream's
        cursors()): the server replays every newer message of those rooms, in order, then goes
        live, with no gap and no duplicate.
        """
        hello = {"device_id": device_id,
                 "resume_from": [{"room_id": room, "seq": str(seq)} for room, seq in (resume_from or {}).items()]}
        stream = ChatStream(self._channel, self._contracts, session, hello, buffer_capacity)
        try:
            stream.await_ready(self._call_timeout)
        except BaseException:
            stream.close()
            raise
        return stream


class ChatStream:
    """One ChatService.Connect stream.

    events() yields everything the server sends after Ready except the answers to this client's
    own events; send() returns the Ack. The buffer towards events() is bounded: while nobody
    reads it, the stream stops reading the server (flow control), so Acks wait too.
    cursors() is, per room, the newest seq events() handed out (or Ready's seq for rooms it
    handed out nothing of): pass it to the next connect() to resume.
    """

    _END = object()

    def __init__(self, channel, contracts, session, hello, buffer_capacity):
        self._contracts = contracts
        path, self._request_class, response_class = contracts.method("chatmesh.chat.v1.ChatService", "Connect")
        self._outbound = queue.Queue()
        self._inbound = queue.Queue(maxsize=buffer_capacity)
        self._answers = {}
        self._lock = threading.Lock()
        self._ready = concurrent.futures.Future()
        self._ended = None
        self._closed = False
        self._cursors = {cursor["room_id"]: int(cursor["seq"]) for cursor in hello["resume_from"]}
        self._outbound.put(contracts.new("chatmesh.chat.v1.ClientEvent", {"hello": hello}))
        connect = channel.stream_stream(path, request_serializer=self._request_class.SerializeToString,
                                        response_deserializer=response_class.FromString)
        self._call = connect(self._requests(), metadata=_authorization(session))
        threading.Thread(target=self._read, name="chatmesh-chat-stream", daemon=True).start()

    @property
    def ready(self):
        """The server's Ready (session id, rooms with their newest seq, token expiry)."""
        return self._ready.result(timeout=0)

    def await_ready(self, timeout):
        return self._ready.result(timeout=timeout)

    def cursors(self):
        """A snapshot of the resume cursors: room id to the newest seq handed out by events()."""
        with self._lock:
            return dict(self._cursors)

    def events(self, timeout=None):
        """The server's events, in order, for one reader. Ends when the stream is closed or the
        server ends it with OK; raises the call's grpc.RpcError when it failed (reconnect with
        cursors()), and queue.Empty after timeout seconds without an event."""
        while True:
            event = self._inbound.get(timeout=timeout)
            if event is self._END:
                self._inbound.put(self._END)  # later readers end too
                if isinstance(self._ended, grpc.RpcError):
                    raise self._ended
                return
            if event.HasField("message_created"):
                message = event.message_created.message
                with self._lock:
                    self._cursors[message.room_id] = max(self._cursors.get(message.room_id, 0), message.seq)
            yield event

    def send(self, room_id, text, client_id=None, timeout=10.0):
        """Posts text to a room and returns its Ack. client_id (default: a new UUID) is the
        idempotency key: sending it again, on this or a new stream, returns the first Ack."""
        client_id = client_id or str(uuid.uuid4())
        return self.request(self._contracts.new("chatmesh.chat.v1.ClientEvent", {
            "client_id": client_id, "send": {"room_id": room_id, "text": text}}), timeout)

    def request(self, event, timeout=10.0):
        """Sends one state-changing event (with a client_id) and returns its Ack."""
        if not event.client_id:
            raise ValueError("a state-changing event needs a client_id")
        answer = concurrent.futures.Future()
        with self._lock:
            if self._ended is not None:
                raise self._ended
            if event.client_id in self._answers:
                raise ValueError(f"{event.client_id} is already waiting for its answer")
            self._answers[event.client_id] = answer
        try:
            self._outbound.put(event)
            return answer.result(timeout=timeout)
        finally:
            with self._lock:
                self._answers.pop(event.client_id, None)

    def close(self):
        """Ends the stream (cancels the call); events() then simply ends."""
        self._closed = True
        self._call.cancel()

    def _requests(self):
        while True:
            event = self._outbound.get()
            if event is self._END:
                return
            yield event

    def _read(self):
        ended = None
        try:
            for event in self._call:
                self._dispatch(event)
        except grpc.RpcError as e:
            if not (self._closed and e.code() == grpc.StatusCode.CANCELLED):
                ended = e
        self._end(ended)

    def _dispatch(self, event):
        kind = event.WhichOneof("event")
        if kind == "ready":
            with self._lock:
                for room in event.ready.rooms:
                    self._cursors.setdefault(room.room_id, room.seq)
            self._ready.set_result(event.ready)
            return
        client_id = event.ack.client_id if kind == "ack" else event.error.client_id if kind == "error" else ""
        with self._lock:
            answer = self._answers.get(client_id) if client_id else None
        if answer is not None:
            if kind == "ack":
                answer.set_result(event.ack)
            else:
                answer.set_exception(ChatEventRejected(event.error))
        elif kind != "ack":
            self._inbound.put(event)

    def _end(self, error):
        """The stream is over: nothing more goes out, and whoever waits learns why."""
        with self._lock:
            self._ended = error if error is not None else ConnectionError("the chat stream ended")
            waiting = list(self._answers.values())
        self._outbound.put(self._END)
        if not self._ready.done():
            self._ready.set_exception(self._ended)
        for answer in waiting:
            if not answer.done():
                answer.set_exception(self._ended)
        self._inbound.put(self._END)


def _authorization(session):
    return (("authorization", f"Bearer {session.access_token}"),) if session else ()
