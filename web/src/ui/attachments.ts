// Attachments in a room: the composer's file picker (each file uploads as soon as it is picked,
// in chunks with a progress bar, resuming from the server's committed size after a failed chunk,
// SHA-256 checked at the end), and a message's attachments (image previews and download links,
// both fetched with MessageService.DownloadAttachment over gRPC-Web).
import { create } from "@bufbuild/protobuf";
import { SendMessageEventSchema } from "../gen/chatmesh/chat/v1/chat_service_pb.js";
import type { Attachment } from "../gen/chatmesh/message/v1/message_pb.js";
import { describe } from "../api/errors.js";
import type { AppContext } from "./context.js";
import { h } from "./dom.js";

/** Tries per chunk before an upload gives up (each retry first asks where the upload stands). */
const CHUNK_TRIES = 3;
/** Images up to this size are previewed in the room; larger ones get a link only. */
const PREVIEW_MAX_BYTES = 5 * 1024 * 1024;

interface PickedFile {
  file: File;
  item: HTMLElement;
  progress: HTMLProgressElement;
  /** Resolves with the attachment id once the upload is finished. */
  done: Promise<string>;
}

/** The composer's part: a button that picks files and the list of files being uploaded. */
export interface AttachmentPicker {
  element: HTMLElement;
  /** Whether files are picked for the next message. */
  hasFiles(): boolean;
  /** Posts the text with the picked files (once all are uploaded); clears the picker. */
  send(text: string): Promise<void>;
}

export function attachmentPicker(ctx: AppContext, roomId: string, onError: (text: string) => void): AttachmentPicker {
  const input = h("input", { type: "file", multiple: true, class: "file-input", "aria-label": "Attach files" });
  const list = h("ul", { class: "picked-files", "aria-label": "Files to send" });
  const element = h("div", { class: "attachments-picker" },
    h("label", { class: "attach-button", text: "Attach", title: "Attach files" }, input), list);
  let picked: PickedFile[] = [];

  input.addEventListener("change", () => {
    for (const file of Array.from(input.files ?? [])) {
      const progress = h("progress", { max: file.size, value: 0, "aria-label": `Uploading ${file.name}` });
      const item = h("li", { class: "picked-file", data: { state: "uploading" } }, h("span", { text: file.name }), progress);
      const entry: PickedFile = { file, item, progress, done: Promise.resolve("") };
      entry.done = upload(ctx, roomId, file, progress).then(
        (id) => { item.dataset.state = "uploaded"; return id; },
        (err) => { item.dataset.state = "failed"; throw err; });
      entry.done.catch(() => undefined);
      picked.push(entry);
      list.append(item);
    }
    input.value = "";
  });

  return {
    element,
    hasFiles: () => picked.length > 0,
    async send(text: string) {
      const sending = picked;
      picked = [];
      try {
        const attachmentIds = await Promise.all(sending.map((p) => p.done));
        await ctx.clients.chat.sendMessage({
          clientId: crypto.randomUUID(),
          message: create(SendMessageEventSchema, { roomId, text, attachmentIds }),
        });
        sending.forEach((p) => p.item.remove());
      } catch (err) {
        sending.forEach((p) => p.item.remove());
        onError(describe(err));
      }
    },
  };
}

async function upload(ctx: AppContext, roomId: string, file: File, progress: HTMLProgressElement): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const { width, height } = await imageSize(file);
  const started = await ctx.clients.messages.startAttachmentUpload({
    roomId, fileName: file.name, contentType: file.type || "application/octet-stream", sizeBytes: BigInt(file.size), width, height,
  });
  const uploadId = started.uploadId;
  let offset = 0;
  let failures = 0;
  while (offset < bytes.length) {
    const chunk = bytes.subarray(offset, Math.min(bytes.length, offset + started.maxChunkBytes));
    try {
      offset = Number((await ctx.clients.messages.uploadAttachmentChunk({ uploadId, offset: BigInt(offset), data: chunk })).committedSize);
      failures = 0;
    } catch (err) {
      if (++failures >= CHUNK_TRIES) throw err;
      // the chunk may or may not have been stored: continue from where the server says the upload is
      offset = Number((await ctx.clients.messages.getAttachmentUpload({ uploadId })).committedSize);
    }
    progress.value = offset;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const sha256 = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const finished = await ctx.clients.messages.finishAttachmentUpload({ uploadId, sha256 });
  return finished.attachment!.id;
}

/** An image's pixel size (0×0 for other files, or an image the browser cannot decode). */
async function imageSize(file: File): Promise<{ width: number; height: number }> {
  if (!file.type.startsWith("image/")) return { width: 0, height: 0 };
  try {
    const bitmap = await createImageBitmap(file);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size.width > 0 && size.width <= 65535 && size.height <= 65535 ? size : { width: 0, height: 0 };
  } catch {
    return { width: 0, height: 0 };
  }
}

/** A message's attachments: previews of images, a download link for every file. */
export function attachmentList(ctx: AppContext, attachments: Attachment[]): HTMLElement {
  return h("ul", { class: "attachments" }, ...attachments.map((a) => attachmentItem(ctx, a)));
}

function attachmentItem(ctx: AppContext, attachment: Attachment): HTMLElement {
  const link = h("a", { class: "download", href: "#", text: `${attachment.fileName} (${size(attachment.sizeBytes)})` });
  const item = h("li", { class: "attachment", data: { attachmentId: attachment.id } }, link);
  link.addEventListener("click", async (e) => {
    e.preventDefault();
    try {
      const url = URL.createObjectURL(await download(ctx, attachment));
      const save = h("a", { href: url, download: attachment.fileName });
      save.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      item.append(h("span", { class: "error", text: describe(err) }));
    }
  });
  if (attachment.contentType.startsWith("image/") && attachment.sizeBytes <= BigInt(PREVIEW_MAX_BYTES)) {
    const img = h("img", { class: "preview", alt: attachment.fileName });
    if (attachment.width > 0) {
      img.width = Math.min(attachment.width, 320);
      img.height = Math.round((img.width * attachment.height) / attachment.width);
    }
    item.prepend(img);
    download(ctx, attachment).then((blob) => (img.src = URL.createObjectURL(blob)), () => img.remove());
  }
  return item;
}

/**
 * The attachment's content, streamed from the server (metadata first, then chunks). Asked for as
 * soon as the message is shown, possibly before message-service has stored a live message: the
 * server then waits until it has (docs/attachments.md), so no retry is needed.
 */
async function download(ctx: AppContext, attachment: Attachment): Promise<Blob> {
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for await (const part of ctx.clients.messages.downloadAttachment({ attachmentId: attachment.id })) {
    if (part.part.case === "chunk") chunks.push(new Uint8Array(part.part.value));
  }
  return new Blob(chunks, { type: attachment.contentType });
}

function size(bytes: bigint): string {
  const n = Number(bytes);
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
