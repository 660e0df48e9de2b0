/** Control and format characters (newlines, bidi overrides, zero-width joiners...) never reach other players. */
const CONTROL = /[\p{Cc}\p{Cf}]/gu;

export type CleanText = { ok: true; text: string } | { ok: false; reason: "empty" | "too_long" };

export function cleanChatText(raw: string, maxLength: number): CleanText {
  const text = raw.replace(CONTROL, "").trim();
  if (text.length === 0) return { ok: false, reason: "empty" };
  if ([...text].length > maxLength) return { ok: false, reason: "too_long" };
  return { ok: true, text };
}
