/** The element with `id`; a page missing one of its own elements is a bug worth failing loudly on. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`page element #${id} is missing`);
  return element as T;
}

/** A status badge: its text for people, `data-status` for styles and tests. */
export function showStatus(badge: HTMLElement, status: string, label: string = status): void {
  badge.dataset.status = status;
  badge.textContent = label;
}

/** The page's query parameter `name`, or undefined. */
export function param(name: string): string | undefined {
  return new URLSearchParams(location.search).get(name) ?? undefined;
}

/** "m:ss" */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
