import { z } from "zod";

/**
 * The wire shape of every client -> server message, checked at the room boundary.
 * Numbers must be finite (zod refuses NaN and ±Infinity); ranges are clamped
 * afterwards, so a slightly-off client is corrected rather than cut off.
 */
export const InputMessage = z.object({
  seq: z.number().int().min(1).max(0xffff_ffff),
  mx: z.number(),
  my: z.number(),
  aim: z.number(),
  fire: z.boolean(),
});
export type InputMessage = z.infer<typeof InputMessage>;

/** Message types a client may send to a match. */
export const MatchMessageType = {
  INPUT: "input",
} as const;

export const MatchJoinOptions = z.object({
  team: z.enum(["red", "blue"]).optional(),
});
export type MatchJoinOptions = z.infer<typeof MatchJoinOptions>;

/** A one-line reason for a refused message, safe to send back to the client. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; ");
}
