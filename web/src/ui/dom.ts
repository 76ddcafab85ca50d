// A few lines instead of a UI library: create elements with attributes, handlers and children.
type Child = Node | string | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  /** data-* attributes (for styling and tests). */
  data?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>;
  [attribute: string]: unknown;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = String(value);
    else if (key === "text") el.textContent = String(value);
    else if (key === "data") Object.assign(el.dataset, value);
    else if (key === "on") {
      for (const [name, handler] of Object.entries(value as object)) el.addEventListener(name, handler as EventListener);
    } else if (key in el && typeof value !== "string") (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** A form's named field value, trimmed. */
export function field(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === "string" ? value.trim() : "";
}

/** A line under a form for what went wrong (role=alert, so screen readers say it). */
export function errorLine(): HTMLParagraphElement & { show(text: string): void; clear(): void } {
  const el = h("p", { class: "error", role: "alert", hidden: true }) as HTMLParagraphElement & {
    show(text: string): void;
    clear(): void;
  };
  el.show = (text) => {
    el.textContent = text;
    el.hidden = false;
  };
  el.clear = () => {
    el.textContent = "";
    el.hidden = true;
  };
  return el;
}

/** Runs a form's async submit once at a time, with its button disabled meanwhile. */
export function onSubmit(form: HTMLFormElement, handler: () => Promise<void>): void {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    try {
      await handler();
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
}
